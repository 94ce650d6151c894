"""Exceptions raised by :mod:`cookie_middleware`.

Every error that bad input can cause derives from :class:`CookieError`, which is
a :class:`ValueError`, so ``except ValueError`` keeps working for callers that
do not care about the detail. Arguments of the wrong type raise
:class:`TypeError` instead, as the standard library does.
"""

from __future__ import annotations

__all__ = [
    "CookieError",
    "CookieTooLargeError",
    "CookieWarning",
    "DuplicateOptionError",
    "HeadersSentError",
    "InsecureCookieError",
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


class CookieError(ValueError):
    """Base class of every error this package raises on bad input or misuse."""


class InvalidNameError(CookieError):
    """The cookie name is not an RFC 6265 token."""


class InvalidValueError(CookieError):
    """The encoded cookie value contains characters a cookie cannot carry."""


class InvalidOptionError(CookieError):
    """A known option has a value that cannot be serialized safely."""


class UnknownOptionError(CookieError):
    """An option name is not one this package knows (usually a typo)."""


class DuplicateOptionError(CookieError):
    """The same option was given twice, for example as ``maxAge`` and ``max_age``."""


class SameSiteNoneError(CookieError):
    """``SameSite=None`` was asked for without ``Secure``; browsers reject it."""


class PartitionedError(CookieError):
    """``Partitioned`` was asked for without ``Secure``; browsers drop such a cookie."""


class PrefixError(CookieError):
    """A ``__Secure-``, ``__Host-``, ``__Http-`` or ``__Host-Http-`` cookie lacks the
    attributes its prefix demands."""


class CookieTooLargeError(CookieError):
    """Name and value together exceed 4096 bytes; browsers would drop the cookie."""


class InsecureCookieError(CookieError):
    """A ``Secure`` cookie was set on a request that did not arrive over https."""


class HeadersSentError(CookieError):
    """A cookie was set after the response's headers had already gone out."""


class SigningError(CookieError):
    """A signed cookie was asked for without a signer, or a signer without a secret."""


class MissingMiddlewareError(CookieError):
    """Handler code asked for the request's cookies but no middleware put them there."""


class CookieWarning(UserWarning):
    """A cookie is written as asked, but a browser will not keep it as asked: its
    lifetime is over the 400 days browsers cap it at (often a ``maxAge`` in
    milliseconds, as Express takes it, where seconds are meant)."""
