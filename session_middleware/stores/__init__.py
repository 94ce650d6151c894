"""Session stores: where ``session.data``, ``login`` and ``logout`` keep a session.

- :class:`MemoryStore`: in this process, bounded, expiring by itself;
- :class:`RedisStore`: on Redis or Redis Cluster, sync (``redis.Redis``) or
  asyncio (``redis.asyncio.Redis``, which makes an :class:`AsyncRedisStore`);
  needs ``pip install 'idagio-cookie-session[redis]'``.

Give one to a session middleware as ``store=``; any object with the calls of
:class:`Store` (or :class:`AsyncStore`) will do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import MAX_RECORD_BYTES, AsyncStore, Record, SessionDataTooLargeError, Store
from .memory import MemoryStore

if TYPE_CHECKING:
    from .redis import AsyncRedisStore, RedisStore

__all__ = ["MAX_RECORD_BYTES", "AsyncRedisStore", "AsyncStore", "MemoryStore", "Record",
           "RedisStore", "SessionDataTooLargeError", "Store"]


def __getattr__(name: str) -> Any:
    # The Redis stores import redis-py, an optional dependency: only when asked for.
    if name in ("RedisStore", "AsyncRedisStore"):
        try:
            from . import redis as redis_stores
        except ImportError as error:
            raise ImportError(f"{name} needs redis-py: pip install "
                              f"'idagio-cookie-session[redis]' ({error})") from None
        return getattr(redis_stores, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
