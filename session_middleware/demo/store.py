"""Where the demo keeps "which user owns this session token": memory or Redis.

The session library stores nothing itself; this is the application's half of
the bargain. Both stores forget a pairing after ``idle_timeout`` seconds without
use, as the original package's README advises.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import redis

__all__ = ["DEFAULT_MAX_SESSIONS", "MemoryStore", "RedisStore", "SessionStore"]

DEFAULT_MAX_SESSIONS = 100_000


class SessionStore(Protocol):
    """Maps session tokens to user names, forgetting idle ones."""

    def get(self, token: str) -> str | None: ...

    def set(self, token: str, user: str) -> None: ...

    def delete(self, token: str) -> None: ...

    def secret(self) -> bytes:
        """A key for the CSRF tokens, the same in every process that shares the store."""
        ...


class MemoryStore:
    """An in-process dict: fine for one process, lost on restart.

    Every pairing has the same idle timeout, so pairings ordered by their last
    use are ordered by deadline too: expiry pops from the front, each pairing at
    most once, O(1) amortized per operation. At most *max_entries* pairings are
    kept; beyond that the least recently used one is dropped (its user is
    logged out), so a flood of logins cannot grow the process without bound.
    """

    def __init__(self, idle_timeout: float, max_entries: int = DEFAULT_MAX_SESSIONS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries}")
        self.idle_timeout = idle_timeout
        self.max_entries = max_entries
        self._clock = clock
        self._users: OrderedDict[str, tuple[str, float]] = OrderedDict()  # by deadline
        self._lock = threading.Lock()
        self._secret = secrets.token_bytes(32)

    def __len__(self) -> int:
        return len(self._users)

    def get(self, token: str) -> str | None:
        now = self._clock()
        with self._lock:
            self._expire(now)
            entry = self._users.get(token)
            if entry is None:
                return None
            self._users[token] = (entry[0], now + self.idle_timeout)
            self._users.move_to_end(token)  # used now: its deadline is the latest
            return entry[0]

    def set(self, token: str, user: str) -> None:
        now = self._clock()
        with self._lock:
            self._expire(now)
            self._users[token] = (user, now + self.idle_timeout)
            self._users.move_to_end(token)
            while len(self._users) > self.max_entries:
                self._users.popitem(last=False)  # the least recently used

    def delete(self, token: str) -> None:
        with self._lock:
            self._users.pop(token, None)

    def secret(self) -> bytes:
        return self._secret

    def _expire(self, now: float) -> None:
        users = self._users
        while users:
            token, (_, deadline) = next(iter(users.items()))
            if deadline > now:
                return
            del users[token]


class RedisStore:
    """A Redis server shared by every process: sessions survive restarts and
    scale out across machines. Keys expire after ``idle_timeout`` idle seconds."""

    def __init__(self, client: redis.Redis, idle_timeout: int,
                 prefix: str = "session:") -> None:
        self.client = client
        self.idle_timeout = idle_timeout
        self.prefix = prefix

    @classmethod
    def from_url(cls, url: str, idle_timeout: int) -> RedisStore:
        """Connect to *url* and check that the server answers."""
        import redis

        client = redis.Redis.from_url(url, decode_responses=True, socket_timeout=5,
                                      socket_connect_timeout=5)
        client.ping()
        return cls(client, idle_timeout)

    def get(self, token: str) -> str | None:
        # GETEX refreshes the expiry in the same round trip: idle, not absolute, timeout.
        user = self.client.getex(self.prefix + token, ex=self.idle_timeout)
        return None if user is None else str(user)

    def set(self, token: str, user: str) -> None:
        self.client.set(self.prefix + token, user, ex=self.idle_timeout)

    def delete(self, token: str) -> None:
        self.client.delete(self.prefix + token)

    def secret(self) -> bytes:
        # The first process to ask creates it; every other one reads the same.
        key = self.prefix + "csrf-secret"
        self.client.set(key, secrets.token_hex(32), nx=True)
        return bytes.fromhex(str(self.client.get(key)))
