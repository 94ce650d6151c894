"""The cookie codec: ``parse`` a Cookie header, ``serialize`` a Set-Cookie header.

Pure functions on ``str``, standard library only, wire-compatible with npm
``cookie@0.2.4``. ``parse`` returns what 0.2.4 returns for every string, with two
documented deviations; ``serialize`` emits what 0.2.4 emits for every valid
input, then appends the attributes of cookie 1.x, and refuses what 0.2.4 would
have let through to produce a broken or injectable header.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from ._js import JS_WHITESPACE, decode_uri_component, encode_uri_component, utc_string
from .errors import (
    CookieTooLargeError,
    InvalidNameError,
    InvalidValueError,
    PrefixError,
    SameSiteNoneError,
)
from .options import CookieOptions, normalize_options

__all__ = ["parse", "render", "serialize"]

# cookie-name = token                                        ; RFC 6265 sec 4.1.1
# token       = 1*tchar                                      ; RFC 7230 sec 3.2.6
# tchar       = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
#               "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")

# cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE )  ; RFC 6265 sec 4.1.1
# cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
# Relaxed as cookie 1.x relaxes it: DQUOTE, "," and "\" do not end a value for
# any parser, so a custom encoder may emit them. Space, ";", CTLs and non-ASCII
# stay out: they split, inject or corrupt the header.
_COOKIE_VALUE = re.compile(r"[\x21-\x3a\x3c-\x7e]*")

# Browsers ignore a cookie whose name and value together exceed this many bytes.
_MAX_COOKIE_BYTES = 4096


def parse(header: str, *, decode: Callable[[str], str] | None = None) -> dict[str, str]:
    """Parse a ``Cookie`` request header into a ``{name: value}`` dict.

    Splits on ``;``, skips pieces without ``=``, trims names and values with
    JavaScript's whitespace set, unquotes ``"..."`` values, keeps the first
    occurrence of each name and percent-decodes values like
    ``decodeURIComponent`` (a malformed escape keeps the raw value whole).
    *decode* replaces that decoder; if it raises, the raw value is kept.

    It differs from cookie@0.2.4 only where JavaScript loses data: names such as
    ``__proto__`` or ``constructor`` are kept, and a value that opens a double
    quote without closing it is kept as it came instead of losing a character.

    Never raises on a ``str``; any other type raises :class:`TypeError`.
    """
    if not isinstance(header, str):
        raise TypeError(f"parse() needs the Cookie header as a str, got {type(header).__name__}")
    cookies: dict[str, str] = {}
    for piece in header.split(";"):
        name, eq, value = piece.partition("=")
        if not eq:
            continue
        name = name.strip(JS_WHITESPACE)
        if name in cookies:
            continue
        value = value.strip(JS_WHITESPACE)
        if len(value) > 1 and value[0] == '"' and value[-1] == '"':
            value = value[1:-1]
        if decode is None:
            cookies[name] = decode_uri_component(value)
        else:
            cookies[name] = _try_decode(value, decode)
    return cookies


def _try_decode(value: str, decode: Callable[[str], str]) -> str:
    try:
        return decode(value)
    except Exception:  # cookie@0.2.4 keeps the raw value whatever the decoder throws
        return value


def serialize(name: str, value: str, options: Mapping[str, object] | None = None,
              /, **attributes: object) -> str:
    """Build a ``Set-Cookie`` header value for *name* = *value*.

    *options* takes the Node option names (``maxAge``, ``expires``, ``domain``,
    ``path``, ``httpOnly``, ``secure``, ``sameSite``, ``priority``,
    ``partitioned``, ``encode``); keywords take the same or their snake_case
    forms (``max_age``, ``http_only``, ``same_site``). The value is encoded like
    ``encodeURIComponent`` unless ``encode`` is given. Attributes are written in
    cookie@0.2.4's order, then cookie 1.x's::

        >>> serialize("id", "a b", {"maxAge": 60.9, "httpOnly": True}, same_site="lax")
        'id=a%20b; Max-Age=60; HttpOnly; SameSite=Lax'

    Raises a :class:`~cookie_middleware.errors.CookieError` subclass naming the
    field and showing the value for anything that would produce a header a
    browser drops or misreads, and :class:`TypeError` for wrong types.
    """
    return render(name, value, normalize_options(options, attributes))


def render(name: str, value: str, options: CookieOptions) -> str:
    """Serialize with options already checked by :func:`normalize_options`."""
    if not isinstance(name, str):
        raise TypeError(f"cookie name must be a str, got {type(name).__name__}: {name!r}")
    if not isinstance(value, str):
        raise TypeError(f"cookie value must be a str, got {type(value).__name__}: {value!r}")
    if _TOKEN.fullmatch(name) is None:
        raise InvalidNameError(f"cookie name must be an RFC 6265 token: {name!r}")
    encoded = _encode(name, value, options)
    if len(name) + len(encoded) > _MAX_COOKIE_BYTES:
        raise CookieTooLargeError(
            f"cookie {name!r} is {len(name) + len(encoded)} bytes of name and encoded "
            f"value; browsers drop cookies over {_MAX_COOKIE_BYTES}"
        )
    _check_coherence(name, options)

    parts = [f"{name}={encoded}"]
    if options.max_age is not None:
        parts.append(f"Max-Age={options.max_age}")
    if options.domain:
        parts.append(f"Domain={options.domain}")
    if options.path:
        parts.append(f"Path={options.path}")
    if options.expires is not None:
        parts.append(f"Expires={utc_string(options.expires)}")
    if options.http_only:
        parts.append("HttpOnly")
    if options.secure:
        parts.append("Secure")
    if options.partitioned:
        parts.append("Partitioned")
    if options.priority:
        parts.append(f"Priority={options.priority}")
    if options.same_site:
        parts.append(f"SameSite={options.same_site}")
    return "; ".join(parts)


def _encode(name: str, value: str, options: CookieOptions) -> str:
    if options.encode is None:
        try:
            return encode_uri_component(value)
        except UnicodeEncodeError:
            raise InvalidValueError(
                f"value of cookie {name!r} holds a lone surrogate and cannot be "
                f"encoded as UTF-8: {value!r}"
            ) from None
    encoded = options.encode(value)
    if not isinstance(encoded, str):
        raise TypeError(
            f"encode must return a str, returned {type(encoded).__name__}: {encoded!r}"
        )
    if _COOKIE_VALUE.fullmatch(encoded) is None:
        raise InvalidValueError(
            f"encoded value of cookie {name!r} may hold no space, ';', control "
            f"character or non-ASCII: {encoded!r}"
        )
    return encoded


def _check_coherence(name: str, options: CookieOptions) -> None:
    if options.same_site == "None" and not options.secure:
        raise SameSiteNoneError(
            f"cookie {name!r} has SameSite=None without Secure; browsers reject it"
        )
    # Browsers match the prefixes case-insensitively (RFC 6265bis sec 4.1.3).
    folded = name.lower()
    if folded.startswith("__secure-") and not options.secure:
        raise PrefixError(f"cookie {name!r} has the __Secure- prefix but not Secure")
    if folded.startswith("__host-"):
        if not options.secure:
            raise PrefixError(f"cookie {name!r} has the __Host- prefix but not Secure")
        if options.path != "/":
            raise PrefixError(
                f"cookie {name!r} has the __Host- prefix but Path is {options.path!r}, not '/'"
            )
        if options.domain:
            raise PrefixError(
                f"cookie {name!r} has the __Host- prefix but a Domain: {options.domain!r}"
            )
