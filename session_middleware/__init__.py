"""Session tokens for WSGI and ASGI apps, ported from the Node ``@idagio/session-middleware``.

:class:`Session` guarantees a session token per request and can :meth:`reset
<Session.reset>` it; storing anything under the token is the application's
job. Built only on the public ``get``/``set`` of :mod:`cookie_middleware`.
``Session.middleware(app)`` is the WSGI middleware,
:class:`session_middleware.asgi.SessionMiddleware` the ASGI one. See
``docs/api.md`` for every public name, and ``docs/session.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cookie_middleware import __version__ as __version__
from cookie_middleware.deprecation import moved

from . import session, wsgi
from .errors import (
    MissingCookiesError,
    MissingSessionError,
    SessionDataError,
    SessionError,
    SessionNotLoadedError,
    StoreUnavailableError,
)
from .lookup import get_session
from .tokens import TOKEN_LENGTH, is_session_token, new_token
from .wsgi import Session

__all__ = [
    "TOKEN_LENGTH",
    "MissingCookiesError",
    "MissingSessionError",
    "Session",
    "SessionDataError",
    "SessionError",
    "SessionNotLoadedError",
    "StoreUnavailableError",
    "get_session",
    "is_session_token",
    "new_token",
]

_MOVED: dict[str, tuple[str, object]] = {
    "ENVIRON_KEY": ("session_middleware.wsgi.SESSION_ENVIRON_KEY", wsgi.SESSION_ENVIRON_KEY),
    "SessionMiddleware": ("Session.middleware(app), or session_middleware.wsgi.SessionMiddleware",
                          wsgi.SessionMiddleware),
    "SessionSettings": ("session_middleware.session.SessionSettings", session.SessionSettings),
    "CookieJar": ("session_middleware.session.CookieAccess", session.CookieAccess),
}

if not TYPE_CHECKING:  # the old root names, for one release
    __getattr__ = moved(__name__, _MOVED)
