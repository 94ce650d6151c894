"""``MemoryStore``: session records in the process, bounded, expiring by themselves."""

from __future__ import annotations

import heapq
import json
import threading
import time
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
    Deadlines wait in a heap: expiry pops those that passed, O(log n) a record,
    with no sweep. At most *max_entries* records are kept; beyond that the one
    nearest its deadline goes (its session ends): among records with the store's
    idle timeout, the least recently used; never the one just written. So a
    flood of logins cannot grow the process without bound. A record's data is
    kept as JSON text, as a shared store keeps it, so a request never sees
    another's objects. Thread-safe; its calls never block, so the ASGI
    middlewares use it as it is.
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
        # token -> (data as JSON, user, deadline, created, max_age)
        self._records: dict[str, _Entry] = {}
        # (deadline, token), a heap; an item whose record has moved its deadline
        # on (or gone) is stale and skipped.
        self._deadlines: list[tuple[float, str]] = []
        self._by_user: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many sessions are alive."""
        with self._lock:
            self._expire(self._clock())
            return len(self._records)

    def load(self, token: str) -> Record | None:
        """The record under *token* (its idle timeout restarts), or ``None``."""
        now = self._clock()
        with self._lock:
            self._expire(now)
            entry = self._records.get(token)
            if entry is None:
                return None
            data, user, _, created, max_age = entry
            # The data alone is decoded: the rest this store wrote itself (a whole
            # record's JSON, checked, cost 1 us more per read, measured).
            # Most sessions hold a user and no data: "{}" needs no parser (0.9 us, measured).
            record = Record({} if data == "{}" else json.loads(data), user, created, max_age)
            left = remaining(record, self.idle_timeout, self.absolute_timeout, now)
            if left <= 0:  # past the absolute timeout
                self._drop(token)
                return None
            self._keep(token, (data, user, now + left, created, max_age))
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
            self._keep(token, (data, record.user, now + left, cast(float, record.created),
                               record.max_age))
            if record.user is not None:
                self._by_user.setdefault(record.user, set()).add(token)
            self._evict(keep=token)
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
            tokens = self._by_user.pop(user, set())
            return sum(self._records.pop(token, None) is not None for token in tokens)

    def _keep(self, token: str, entry: _Entry) -> None:
        self._records[token] = entry
        heapq.heappush(self._deadlines, (entry[2], token))
        if len(self._deadlines) > 2 * len(self._records) + 64:  # mostly stale: rebuild
            self._deadlines = [(kept[2], kept_token) for kept_token, kept in
                               self._records.items()]
            heapq.heapify(self._deadlines)

    def _drop(self, token: str) -> bool:
        entry = self._records.pop(token, None)
        if entry is not None and entry[1] is not None:
            tokens = self._by_user.get(entry[1])
            if tokens is not None:
                tokens.discard(token)
                if not tokens:
                    del self._by_user[entry[1]]
        return entry is not None

    def _next(self) -> tuple[float, str] | None:
        """The earliest deadline still current (stale items popped), not removed."""
        heap = self._deadlines
        while heap:
            deadline, token = heap[0]
            entry = self._records.get(token)
            if entry is not None and entry[2] == deadline:
                return deadline, token
            heapq.heappop(heap)
        return None

    def _expire(self, now: float) -> None:
        while (earliest := self._next()) is not None and earliest[0] <= now:
            heapq.heappop(self._deadlines)
            self._drop(earliest[1])

    def _evict(self, keep: str) -> None:
        """Past *max_entries*, end the records nearest their deadlines, but *keep*."""
        kept: list[tuple[float, str]] = []
        while len(self._records) > self.max_entries:
            earliest = cast("tuple[float, str]", self._next())  # there are records
            heapq.heappop(self._deadlines)
            if earliest[1] == keep:
                kept.append(earliest)
            else:
                self._drop(earliest[1])
        for item in kept:
            heapq.heappush(self._deadlines, item)
