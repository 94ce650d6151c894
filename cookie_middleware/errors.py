"""Exceptions raised by :mod:`cookie_middleware`, all rooted in :class:`CookieError`.

Each error says whose mistake it is:

* :class:`InvalidCookieError` (a :class:`ValueError`) and its subclasses: the
  code asked for a cookie that cannot be written as asked. Fix the call.
* :class:`SigningError`, :class:`MissingMiddlewareError`: the configuration is
  wrong (no signer, an empty secret, no middleware). Fix the set-up.
* :class:`HeadersSentError`: the code set a cookie after the response started.
* :class:`InsecureCookieError`: *this request* was odd: a ``Secure`` cookie on a
  request that did not arrive over https. Only this one depends on the client.

Arguments of the wrong type raise :class:`TypeError`, as the standard library does.
"""

from __future__ import annotations

__all__ = [
    "CookieError",
    "CookieTooLargeError",
    "CookieWarning",
    "DuplicateOptionError",
    "HeadersSentError",
    "InsecureCookieError",
    "InvalidCookieError",
    "InvalidNameError",
    "InvalidOptionError",
    "InvalidValueError",
    "MissingMiddlewareError",
    "PartitionedError",
    "PrefixError",
    "SameSiteNoneError",
    "SigningError",
    "UnknownOptionError",
]


class CookieError(Exception):
    """Base class of every error this package raises."""


class InvalidCookieError(CookieError, ValueError):
    """A cookie, or its options, that cannot be written as asked: the calling
    code is wrong. The subclasses below say exactly what is."""


class InvalidNameError(InvalidCookieError):
    """The cookie name is not an RFC 6265 token."""


class InvalidValueError(InvalidCookieError):
    """The encoded cookie value contains characters a cookie cannot carry."""


class InvalidOptionError(InvalidCookieError):
    """A known option has a value that cannot be serialized safely."""


class UnknownOptionError(InvalidCookieError):
    """An option name is not one this package knows (usually a typo)."""


class DuplicateOptionError(InvalidCookieError):
    """The same option was given twice, for example as ``maxAge`` and ``max_age``."""


class SameSiteNoneError(InvalidCookieError):
    """``SameSite=None`` was asked for without ``Secure``; browsers reject it."""


class PartitionedError(InvalidCookieError):
    """``Partitioned`` was asked for without ``Secure``; browsers drop such a cookie."""


class PrefixError(InvalidCookieError):
    """A ``__Secure-``, ``__Host-``, ``__Http-`` or ``__Host-Http-`` cookie lacks the
    attributes its prefix demands."""


class CookieTooLargeError(InvalidCookieError):
    """Name and value together exceed 4096 bytes; browsers would drop the cookie."""


class InsecureCookieError(CookieError):
    """A ``Secure`` cookie was set on a request that did not arrive over https.

    The one error that depends on the request rather than the code: behind a
    TLS-terminating proxy, pass ``trust_proxy=True``."""


class HeadersSentError(CookieError):
    """A cookie was set after the response's headers had already gone out."""


class SigningError(CookieError):
    """A signed cookie was asked for without a signer, or a signer was made
    without a usable secret."""


class MissingMiddlewareError(CookieError):
    """Handler code asked for the request's cookies but no middleware put them there."""


class CookieWarning(UserWarning):
    """A cookie is written as asked, but a browser will not keep it as asked: its
    lifetime is over the 400 days browsers cap it at (often a ``maxAge`` in
    milliseconds, as Express takes it, where seconds are meant)."""
