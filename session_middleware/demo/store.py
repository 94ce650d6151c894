"""Where the demo keeps "which user owns this session token": memory or Redis.

The session library stores nothing itself; this is the application's half of
the bargain. Both stores expire a pairing after ``idle_timeout`` seconds
without use, as the original package's README advises.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import redis

__all__ = ["MemoryStore", "RedisStore", "SessionStore"]


class SessionStore(Protocol):
    """Maps session tokens to user names, forgetting idle ones."""

    def get(self, token: str) -> str | None: ...

    def set(self, token: str, user: str) -> None: ...

    def delete(self, token: str) -> None: ...


class MemoryStore:
    """An in-process dict: fine for one process, lost on restart."""

    def __init__(self, idle_timeout: float) -> None:
        self.idle_timeout = idle_timeout
        self._users: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def get(self, token: str) -> str | None:
        now = time.monotonic()
        with self._lock:
            entry = self._users.get(token)
            if entry is None:
                return None
            user, deadline = entry
            if deadline <= now:
                del self._users[token]
                return None
            self._users[token] = (user, now + self.idle_timeout)
            return user

    def set(self, token: str, user: str) -> None:
        with self._lock:
            self._sweep()
            self._users[token] = (user, time.monotonic() + self.idle_timeout)

    def delete(self, token: str) -> None:
        with self._lock:
            self._users.pop(token, None)

    def _sweep(self) -> None:
        # Drop expired pairings on writes, so the dict cannot grow without bound.
        now = time.monotonic()
        for token in [t for t, (_, deadline) in self._users.items() if deadline <= now]:
            del self._users[token]


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
