"""The cookie codec: ``parse`` a Cookie header, ``serialize`` a Set-Cookie header.

Pure functions on ``str``, standard library only, wire-compatible with npm
``cookie@0.2.4``. ``parse`` returns what 0.2.4 returns for every string, with two
documented deviations; ``serialize`` emits what 0.2.4 emits for every valid
input, then appends the attributes of cookie 1.x, and refuses what 0.2.4 would
have let through to produce a broken or injectable header.
"""

from __future__ import annotations

import re
import sys
import warnings
from collections.abc import Callable, Mapping

from ._js import (
    ASCII_WHITESPACE,
    JS_WHITESPACE,
    decode_uri_component,
    encode_uri_component,
)
from .errors import (
    CookieTooLargeError,
    CookieWarning,
    InvalidNameError,
    InvalidValueError,
    PartitionedError,
    PrefixError,
    SameSiteNoneError,
)
from .options import CookieOptions, normalize_options

__all__ = ["parse", "serialize"]

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

# What read_pairs trims off either end of a value: whitespace, a quote.
_EDGES = JS_WHITESPACE + '"'

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
    read_pairs(header, cookies)
    if decode is not None:
        for name, value in cookies.items():
            cookies[name] = _try_decode(value, decode)
    elif "%" in header:
        for name, value in cookies.items():
            if "%" in value:
                cookies[name] = decode_uri_component(value)
    return cookies


class LazyPairs:
    """The raw (undecoded) pairs of a Cookie header, parsed only as far as asked.

    ``get(name)`` searches the header for the first piece called *name* with
    ``str.find`` and parses that piece alone; the text the search passed over is
    set aside and parsed, in one go, before the next search (the first
    occurrence of a name wins, so it must be). A search costs less than a parse
    only while there are few: past the limits below, the rest of the header is
    parsed at once and every later ``get`` is a dict lookup. So a request that
    reads one cookie of a 16 KB header parses one piece, and one that reads
    every cookie costs about one :func:`parse`.
    """

    __slots__ = ("_aside", "_searches", "_unsearched", "found", "header")

    # Each limit below saves more than half of "Cookies.get, every cookie" or of
    # the look-alike rows of the parse table (README), measured without it.
    _MAX_SEARCHES = 2  # a third lookup parses the rest
    _SHORT_REST = 1024  # a rest shorter than this is parsed at the second lookup
    _MAX_FALSE_HITS = 4  # pieces that merely hold the name (_ga in _ga_XYZ=...)

    def __init__(self, header: str) -> None:
        if not isinstance(header, str):
            raise TypeError(
                f"the Cookie header must be a str, got {type(header).__name__}: {header!r}"
            )
        self.header = header
        """The Cookie header being parsed."""
        self.found: dict[str, str] = {}
        """The pairs parsed so far."""
        self._aside = (0, 0)  # the span the last search passed over, not parsed yet
        self._unsearched = 0  # where the text no search has passed begins
        self._searches = 0

    def get(self, name: str) -> str | None:
        """The raw value of the first cookie called *name*, or ``None``."""
        found = self.found
        value = found.get(name)
        if value is not None:
            return value
        start, end = self._aside
        if start < end:
            read_pairs(self.header[start:end], found)
            self._aside = (0, 0)
            value = found.get(name)
            if value is not None:
                return value
        rest = len(self.header) - self._unsearched
        # Names hold no ";" or "=" and are trimmed: a search for any other is bound to fail.
        if rest < 0 or ";" in name or "=" in name or name.strip(JS_WHITESPACE) != name:
            return None
        self._searches += 1
        if self._searches > self._MAX_SEARCHES or (
                self._searches > 1 and rest < self._SHORT_REST):
            return self._parse_rest(name)
        return self._search(name)

    def _search(self, name: str) -> str | None:
        """Find the first piece called *name* in the text not yet searched."""
        header = self.header
        start = self._unsearched
        hit = header.find(name, start)
        false_hits = 0
        while hit >= 0:
            first = header.rfind(";", start, hit) + 1 or start
            end = header.find(";", hit)
            if end < 0:
                end = len(header)
            after = hit + len(name)  # where the piece's "=" is, in the usual spelling
            raw = header[after + 1:end]
            # The usual spelling, "; name=value" with nothing to trim or unquote,
            # needs no parse: 0.4 us of every request that reads a session.
            if (header[first:hit] in ("", " ") and header[after:after + 1] == "="
                    and raw[:1] not in _EDGES and raw[-1:] not in _EDGES):
                value: str | None = raw
            else:
                piece: dict[str, str] = {}
                read_pairs(header[first:end], piece)
                value = piece.get(name)
            if value is not None:
                self.found[name] = value
                self._aside = (start, first)
                self._unsearched = end + 1
                return value
            false_hits += 1  # the name is in another name or in a value
            if false_hits > self._MAX_FALSE_HITS:
                return self._parse_rest(name)
            hit = header.find(name, end + 1)
        self._aside = (start, len(header))
        self._unsearched = len(header) + 1
        return None

    def _parse_rest(self, name: str) -> str | None:
        read_pairs(self.header[self._unsearched:], self.found)
        self._unsearched = len(self.header) + 1
        return self.found.get(name)


def read_pairs(text: str, found: dict[str, str]) -> None:
    """The one cookie-pair parser: add the pairs of *text* (a Cookie header or a
    run of its pieces) to *found*, the first occurrence of a name winning, names
    and values trimmed, quoted values unquoted, nothing decoded."""
    # In ASCII, JavaScript's whitespace is exactly ASCII_WHITESPACE; the shorter
    # set strips faster, and isascii() costs nothing.
    whitespace = ASCII_WHITESPACE if text.isascii() else JS_WHITESPACE
    quoted = '"' in text
    for piece in text.split(";"):
        name, eq, value = piece.partition("=")
        if eq:
            name = name.strip(whitespace)
            if name not in found:
                value = value.strip(whitespace)
                # 0.2.4 drops the first and last character of any value opening
                # with a quote; the port unquotes only a value really quoted.
                if quoted and len(value) > 1 and value[0] == '"' and value[-1] == '"':
                    value = value[1:-1]
                found[name] = value


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
    if options.encode is None:
        try:
            encoded = encode_uri_component(value)
        except UnicodeEncodeError:
            raise InvalidValueError(
                f"value of cookie {name!r} holds a lone surrogate and cannot be "
                f"encoded as UTF-8: {value!r}"
            ) from None
    else:
        encoded = _custom_encode(name, value, options.encode)
    if len(name) + len(encoded) > _MAX_COOKIE_BYTES:
        raise CookieTooLargeError(
            f"cookie {name!r} is {len(name) + len(encoded)} bytes of name and encoded "
            f"value; browsers drop cookies over {_MAX_COOKIE_BYTES}"
        )
    if name.startswith("__") or not options.plain:
        _check_coherence(name, options)
        warning = options.lifetime_warning()
        if warning is not None:
            _warn_at_caller(CookieWarning(f"cookie {name!r}: {warning}"))
    return f"{name}={encoded}{options.tail}"


# The packages whose frames a warning skips, to point at the app's own line.
_OUR_PACKAGES = ("cookie_middleware.", "session_middleware.")


def _warn_at_caller(warning: Warning) -> None:
    """Warn, attributing the warning to the first caller outside this project's
    packages (``set``, ``preview``, ``serialize`` or a session, however deep)."""
    frame = sys._getframe(1)
    level = 2  # warnings.warn counts this function as 1, its caller as 2
    while frame.f_back is not None and str(frame.f_globals.get("__name__")).startswith(
            _OUR_PACKAGES):
        frame = frame.f_back
        level += 1
    warnings.warn(warning, stacklevel=level)


def _custom_encode(name: str, value: str, encode: Callable[[str], str]) -> str:
    encoded = encode(value)
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
    if options.partitioned and not options.secure:
        raise PartitionedError(
            f"cookie {name!r} is Partitioned without Secure; browsers drop it (CHIPS)"
        )
    # Browsers match the prefixes case-insensitively (RFC 6265bis sec 4.1.3);
    # __Http- and __Host-Http- come from draft-ietf-httpbis-layered-cookies.
    folded = name.lower()
    for prefix in ("__Secure-", "__Http-"):
        if folded.startswith(prefix.lower()) and not options.secure:
            raise PrefixError(f"cookie {name!r} has the {prefix} prefix but not Secure")
    for prefix in ("__Http-", "__Host-Http-"):
        if folded.startswith(prefix.lower()) and not options.http_only:
            raise PrefixError(f"cookie {name!r} has the {prefix} prefix but not HttpOnly")
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
