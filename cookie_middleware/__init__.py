"""Cookies for WSGI and ASGI apps, ported from the Node ``@idagio/cookie-middleware``.

``parse`` and ``serialize`` are wire-compatible with npm ``cookie@0.2.4``;
:class:`Cookies` reads a request's cookies and defers Set-Cookie headers until
the response's headers go out. ``Cookies.middleware(app)`` is the WSGI
middleware, :class:`cookie_middleware.asgi.CookiesMiddleware` the ASGI one. See
``docs/api.md`` for every public name, ``docs/cookies.md`` and ``docs/asgi.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import errors, exchange, signing, wsgi
from .codec import parse, serialize
from .deprecation import moved
from .errors import (
    CookieError,
    CookieWarning,
    HeadersSentError,
    InsecureCookieError,
    InvalidCookieError,
    MissingMiddlewareError,
    SigningError,
)
from .lookup import get_cookies
from .options import CookieOptions, cookie_options
from .signing import ExpressSigner, KeygripSigner
from .wsgi import Cookies

__version__ = "0.1.0"
"""The version of the ``idagio-cookie-session`` distribution (both packages)."""

__all__ = [
    "CookieError",
    "CookieOptions",
    "CookieWarning",
    "Cookies",
    "ExpressSigner",
    "HeadersSentError",
    "InsecureCookieError",
    "InvalidCookieError",
    "KeygripSigner",
    "MissingMiddlewareError",
    "SigningError",
    "cookie_options",
    "get_cookies",
    "parse",
    "serialize",
]

_MOVED: dict[str, tuple[str, object]] = {
    "ENVIRON_KEY": ("cookie_middleware.wsgi.COOKIES_ENVIRON_KEY", wsgi.COOKIES_ENVIRON_KEY),
    "CookiesMiddleware": ("Cookies.middleware(app), or cookie_middleware.wsgi.CookiesMiddleware",
                          wsgi.CookiesMiddleware),
    "environ_of": ("cookie_middleware.exchange.environ_of", exchange.environ_of),
    "scope_of": ("cookie_middleware.exchange.scope_of", exchange.scope_of),
    "Signer": ("cookie_middleware.signing.Signer", signing.Signer),
    **{name: (f"cookie_middleware.errors.{name} (or catch InvalidCookieError)",
              getattr(errors, name))
       for name in ("CookieTooLargeError", "DuplicateOptionError", "InvalidNameError",
                    "InvalidOptionError", "InvalidValueError", "PartitionedError",
                    "PrefixError", "SameSiteNoneError", "UnknownOptionError")},
}

if not TYPE_CHECKING:  # the old root names, for one release
    __getattr__ = moved(__name__, _MOVED)
