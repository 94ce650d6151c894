"""``MemoryStore``: session records in the process, bounded, expiring in O(1)."""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import cast

from .base import (
    MAX_RECORD_BYTES,
    Record,
    check_json,
    check_timeouts,
    encode_record,
    idle_of,
    remaining,
    started,
)

__all__ = ["DEFAULT_MAX_SESSIONS", "MemoryStore"]

DEFAULT_MAX_SESSIONS = 100_000

# A record as kept: (data as JSON, user, deadline, created, max_age).
_Entry = tuple[str, str | None, float, float, float | None]


class MemoryStore:
    """Session records in a dict of this process: for one process (tests, a
    single worker, the demo), lost on restart.

    A record lives *idle_timeout* seconds from its last use (its own
    ``session.max_age`` when that is longer), and no longer than
    *absolute_timeout* seconds from the session's start when that is given.
    Records with the store's idle timeout, ordered by last use, are ordered by
    deadline too: expiry pops from the front of that queue, O(1) amortized per
    call, with no sweep. Records remembered longer (``session.max_age``) wait in
    a queue of their own, so they hold up no other's expiry, and a read checks
    its own deadline. At most *max_entries* records are kept; beyond that the
    least recently used goes (its session ends), one remembered longer only when
    no other is left, so a flood of logins cannot grow the process without
    bound. A record's data is kept as JSON text, as a shared store keeps it, so
    a request never sees another's objects. Thread-safe; its calls never block,
    so the ASGI middlewares use it as it is.
    """

    blocking = False
    """Its calls never wait for I/O: the ASGI middlewares may call them as they are."""

    def __init__(self, idle_timeout: float = 14 * 24 * 3600, *,
                 absolute_timeout: float | None = None,
                 max_entries: int = DEFAULT_MAX_SESSIONS,
                 max_record_bytes: int = MAX_RECORD_BYTES,
                 clock: Callable[[], float] = time.time) -> None:
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries}")
        check_timeouts(idle_timeout, absolute_timeout)
        self.idle_timeout = idle_timeout
        self.absolute_timeout = absolute_timeout
        self.max_entries = max_entries
        self.max_record_bytes = max_record_bytes
        self._clock = clock
        # token -> (data as JSON, user, deadline, created, max_age), in the order of
        # last use: the records with the store's idle timeout, and the rest.
        self._records: OrderedDict[str, _Entry] = OrderedDict()
        self._remembered: OrderedDict[str, _Entry] = OrderedDict()
        self._by_user: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many sessions are alive: O(n), for tests and monitoring."""
        now = self._clock()
        with self._lock:
            self._expire(now)
            return sum(1 for queue in (self._records, self._remembered)
                       for entry in queue.values() if entry[2] > now)

    def load(self, token: str) -> Record | None:
        """The record under *token* (its idle timeout restarts), or ``None``."""
        now = self._clock()
        with self._lock:
            self._expire(now)
            queue = self._queue_of(token)
            if queue is None:
                return None
            data, user, deadline, created, max_age = queue[token]
            if deadline <= now:  # expired behind one remembered longer still
                self._drop(token)
                return None
            # The data alone is decoded: the rest this store wrote itself (a whole
            # record's JSON, checked, cost 1 us more per read, measured).
            # Most sessions hold a user and no data: "{}" needs no parser (0.9 us, measured).
            record = Record({} if data == "{}" else json.loads(data), user, created, max_age)
            left = remaining(record, self.idle_timeout, self.absolute_timeout, now)
            if left <= 0:  # past the absolute timeout
                self._drop(token)
                return None
            queue[token] = (data, user, now + left, created, max_age)
            queue.move_to_end(token)
            return record

    def save(self, token: str, record: Record, *, create: bool) -> bool:
        """Write *record*: with *create*, only if *token* has none, else only if
        it has one. Returns whether it wrote."""
        now = self._clock()
        record = started(record, now)
        encode_record(record, self.max_record_bytes)  # JSON only, within the size cap
        data = check_json(record.data, "session data")
        with self._lock:
            self._expire(now)
            if (self._queue_of(token) is not None) == create:
                return False
            left = remaining(record, self.idle_timeout, self.absolute_timeout, now)
            if left <= 0:
                self._drop(token)
                return False
            self._drop(token)
            queue = self._records if idle_of(record, self.idle_timeout) == self.idle_timeout \
                else self._remembered
            queue[token] = (data, record.user, now + left, cast(float, record.created),
                            record.max_age)
            if record.user is not None:
                self._by_user.setdefault(record.user, set()).add(token)
            while len(self._records) + len(self._remembered) > self.max_entries:
                # The least recently used, one remembered longer only when no other is left.
                self._drop(next(iter(self._records or self._remembered)))
            return True

    def destroy(self, token: str, user: str | None = None) -> bool:
        """Remove the record under *token*; returns whether there was one."""
        with self._lock:
            self._expire(self._clock())
            return self._drop(token)

    def logout_everywhere(self, user: str) -> int:
        """End every session of *user*; returns how many there were."""
        with self._lock:
            self._expire(self._clock())
            now = self._clock()
            ended = 0
            for token in self._by_user.pop(user, set()):
                queue = self._queue_of(token)
                entry = None if queue is None else queue.pop(token)
                # One past its absolute timeout may wait behind a live one: not counted.
                ended += entry is not None and entry[2] > now
            return ended

    def _queue_of(self, token: str) -> OrderedDict[str, _Entry] | None:
        if token in self._records:
            return self._records
        return self._remembered if token in self._remembered else None

    def _drop(self, token: str) -> bool:
        queue = self._queue_of(token)
        entry = None if queue is None else queue.pop(token)
        if entry is not None and entry[1] is not None:
            tokens = self._by_user.get(entry[1])
            if tokens is not None:
                tokens.discard(token)
                if not tokens:
                    del self._by_user[entry[1]]
        return entry is not None

    def _expire(self, now: float) -> None:
        # Each front is its queue's least recently used; an absolute timeout (or,
        # among those remembered longer, a shorter lifetime) may have cut a later
        # record's deadline shorter, and load() catches that one.
        for queue in (self._records, self._remembered):
            while queue:
                token, entry = next(iter(queue.items()))
                if entry[2] > now:  # its deadline
                    break
                self._drop(token)
