"""Cookies for WSGI apps, ported from the Node ``@idagio/cookie-middleware``.

``parse`` and ``serialize`` are wire-compatible with npm ``cookie@0.2.4``;
:class:`Cookies` reads a request's cookies and defers Set-Cookie headers until
the response's headers go out. See ``docs/cookies.md``.
"""

from __future__ import annotations

from .codec import parse, serialize
from .cookies import ENVIRON_KEY, Cookies, CookiesMiddleware, environ_of, get_cookies
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
    "serialize",
]
