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
    Records ordered by last use are ordered by deadline too (all but those
    remembered longer with ``session.max_age``): expiry pops from the front,
    O(1) amortized per call, with no sweep, and a read checks its own deadline.
    At most *max_entries* records are kept; beyond that the least recently used
    goes (its session ends), so a flood of logins cannot grow the process
    without bound. A record's data is kept as JSON text, as a shared store keeps
    it, so a request never sees another's objects. Thread-safe; its calls never
    block, so the ASGI middlewares use it as it is.
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
        # token -> (data as JSON, user, deadline, created, max_age), in the order of last use
        self._records: OrderedDict[str, _Entry] = OrderedDict()
        self._by_user: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many sessions are alive: O(n), for tests and monitoring."""
        now = self._clock()
        with self._lock:
            self._expire(now)
            return sum(1 for entry in self._records.values() if entry[2] > now)

    def load(self, token: str) -> Record | None:
        """The record under *token* (its idle timeout restarts), or ``None``."""
        now = self._clock()
        with self._lock:
            self._expire(now)
            entry = self._records.get(token)
            if entry is None:
                return None
            data, user, deadline, created, max_age = entry
            if deadline <= now:  # expired behind a record remembered longer
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
            self._records[token] = (data, user, now + left, created, max_age)
            self._records.move_to_end(token)
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
            if (token in self._records) == create:
                return False
            left = remaining(record, self.idle_timeout, self.absolute_timeout, now)
            if left <= 0:
                self._drop(token)
                return False
            self._drop(token)
            self._records[token] = (data, record.user, now + left,
                                    cast(float, record.created), record.max_age)
            if record.user is not None:
                self._by_user.setdefault(record.user, set()).add(token)
            while len(self._records) > self.max_entries:
                self._drop(next(iter(self._records)))  # the least recently used
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
                entry = self._records.pop(token, None)
                # One past its absolute timeout may wait behind a live one: not counted.
                ended += entry is not None and entry[2] > now
            return ended

    def _drop(self, token: str) -> bool:
        entry = self._records.pop(token, None)
        if entry is not None and entry[1] is not None:
            tokens = self._by_user.get(entry[1])
            if tokens is not None:
                tokens.discard(token)
                if not tokens:
                    del self._by_user[entry[1]]
        return entry is not None

    def _expire(self, now: float) -> None:
        # The front is the least recently used; an absolute timeout may have cut a
        # later record's deadline shorter, and load() catches that one.
        records = self._records
        while records:
            token, entry = next(iter(records.items()))
            if entry[2] > now:  # its deadline
                return
            self._drop(token)
