"""The demo app: the example of the original package's README plus a fixation-safe login flow.

Run it with ``python -m session_middleware.demo`` (``--help`` for options).
"""

from __future__ import annotations

from .app import make_app
from .store import MemoryStore, RedisStore, SessionStore

__all__ = ["MemoryStore", "RedisStore", "SessionStore", "make_app"]
