"""Cookies for WSGI and ASGI apps, ported from the Node ``@idagio/cookie-middleware``.

``parse`` and ``serialize`` are wire-compatible with npm ``cookie@0.2.4``;
:class:`Cookies` reads a request's cookies and defers Set-Cookie headers until
the response's headers go out. ``Cookies.middleware(app)`` is the WSGI
middleware, :class:`cookie_middleware.asgi.CookiesMiddleware` the ASGI one. See
``docs/cookies.md`` and ``docs/asgi.md``.
"""

from __future__ import annotations

from .codec import parse, serialize
from .cookies import Cookies
from .errors import (
    CookieError,
    CookieTooLargeError,
    DuplicateOptionError,
    HeadersSentError,
    InsecureCookieError,
    InvalidNameError,
    InvalidOptionError,
    InvalidValueError,
    MissingMiddlewareError,
    PrefixError,
    SameSiteNoneError,
    UnknownOptionError,
)
from .exchange import environ_of, scope_of
from .lookup import get_cookies
from .wsgi import ENVIRON_KEY, CookiesMiddleware

__all__ = [
    "ENVIRON_KEY",
    "CookieError",
    "CookieTooLargeError",
    "Cookies",
    "CookiesMiddleware",
    "DuplicateOptionError",
    "HeadersSentError",
    "InsecureCookieError",
    "InvalidNameError",
    "InvalidOptionError",
    "InvalidValueError",
    "MissingMiddlewareError",
    "PrefixError",
    "SameSiteNoneError",
    "UnknownOptionError",
    "environ_of",
    "get_cookies",
    "parse",
    "scope_of",
    "serialize",
]
