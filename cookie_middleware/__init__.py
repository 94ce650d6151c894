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
    CookieWarning,
    DuplicateOptionError,
    HeadersSentError,
    InsecureCookieError,
    InvalidNameError,
    InvalidOptionError,
    InvalidValueError,
    MissingMiddlewareError,
    PartitionedError,
    PrefixError,
    SameSiteNoneError,
    SigningError,
    UnknownOptionError,
)
from .exchange import environ_of, scope_of
from .lookup import get_cookies
from .options import CookieOptions, cookie_options
from .signing import ExpressSigner, KeygripSigner, Signer
from .wsgi import ENVIRON_KEY, CookiesMiddleware

__all__ = [
    "ENVIRON_KEY",
    "CookieError",
    "CookieOptions",
    "CookieTooLargeError",
    "CookieWarning",
    "Cookies",
    "CookiesMiddleware",
    "DuplicateOptionError",
    "ExpressSigner",
    "HeadersSentError",
    "InsecureCookieError",
    "InvalidNameError",
    "InvalidOptionError",
    "InvalidValueError",
    "KeygripSigner",
    "MissingMiddlewareError",
    "PartitionedError",
    "PrefixError",
    "SameSiteNoneError",
    "Signer",
    "SigningError",
    "UnknownOptionError",
    "cookie_options",
    "environ_of",
    "get_cookies",
    "parse",
    "scope_of",
    "serialize",
]
