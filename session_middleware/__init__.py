"""Session tokens for WSGI and ASGI apps, ported from the Node ``@idagio/session-middleware``.

:class:`Session` guarantees a session token per request and can :meth:`reset
<Session.reset>` it; storing anything under the token is the application's
job. Built only on the public ``get``/``set`` of :mod:`cookie_middleware`.
``Session.middleware(app)`` is the WSGI middleware,
:class:`session_middleware.asgi.SessionMiddleware` the ASGI one. See
``docs/session.md``.
"""

from __future__ import annotations

from .errors import MissingCookiesError, MissingSessionError, SessionError
from .lookup import get_session
from .session import CookieJar, Session, SessionSettings
from .tokens import TOKEN_LENGTH, is_session_token, new_token
from .wsgi import ENVIRON_KEY, SessionMiddleware

__all__ = [
    "ENVIRON_KEY",
    "TOKEN_LENGTH",
    "CookieJar",
    "MissingCookiesError",
    "MissingSessionError",
    "Session",
    "SessionError",
    "SessionMiddleware",
    "SessionSettings",
    "get_session",
    "is_session_token",
    "new_token",
]
