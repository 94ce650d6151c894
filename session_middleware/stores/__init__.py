"""Session stores: where ``session.data``, ``login`` and ``logout`` keep a session.

- :class:`MemoryStore`: in this process, bounded, expiring by itself;
- :class:`RedisStore`: on Redis or Redis Cluster, sync (``redis.Redis``) or
  asyncio (``redis.asyncio.Redis``, which makes an :class:`AsyncRedisStore`);
- :class:`ConnectRedisStore`: connect-redis's records, shared with an Express
  app's ``req.session`` (an asyncio client makes an :class:`AsyncConnectRedisStore`).

The Redis ones need ``pip install 'idagio-cookie-session[redis]'``.

Give one to a session middleware as ``store=``; any object with the calls of
:class:`Store` (or :class:`AsyncStore`) will do.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .base import MAX_RECORD_BYTES, AsyncStore, Record, SessionDataTooLargeError, Store
from .memory import MemoryStore

if TYPE_CHECKING:
    from .connect_redis import AsyncConnectRedisStore, ConnectRedisStore
    from .redis import AsyncRedisStore, RedisStore

__all__ = ["MAX_RECORD_BYTES", "AsyncConnectRedisStore", "AsyncRedisStore", "AsyncStore",
           "ConnectRedisStore", "MemoryStore", "Record", "RedisStore", "SessionDataTooLargeError",
           "Store"]

_NEED_REDIS = {"RedisStore": "redis", "AsyncRedisStore": "redis",
               "ConnectRedisStore": "connect_redis", "AsyncConnectRedisStore": "connect_redis"}


def __getattr__(name: str) -> Any:
    # The Redis stores import redis-py, an optional dependency: only when asked for.
    if name in _NEED_REDIS:
        try:
            module = importlib.import_module(f"{__name__}.{_NEED_REDIS[name]}")
        except ImportError as error:
            raise ImportError(f"{name} needs redis-py: pip install "
                              f"'idagio-cookie-session[redis]' ({error})") from None
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
