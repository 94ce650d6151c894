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
    URI_COMPONENT_SAFE_BYTES,
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

__all__ = ["LazyPairs", "parse", "read_pairs", "render", "serialize"]

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

# What a cookie name needs checked: not a token at all, nothing more, or the
# rules of the __Secure-/__Host-/__Http- prefixes.
_NOT_A_TOKEN, _PLAIN_NAME, _PREFIXED_NAME = 0, 1, 2


# The kinds of the valid names set so far. The same few names are set on every
# request: a dict lookup costs less than matching them again, and less than an
# lru_cache, which reorders its entries on every hit. Emptied when full, so
# names made up per request cannot make it grow without end.
_NAME_KINDS: dict[str, int] = {}
_MAX_NAME_KINDS = 1024


def _name_kind(name: str) -> int:
    if _TOKEN.fullmatch(name) is None:
        return _NOT_A_TOKEN
    kind = _PREFIXED_NAME if name.startswith("__") else _PLAIN_NAME
    if len(_NAME_KINDS) >= _MAX_NAME_KINDS:
        _NAME_KINDS.clear()
    _NAME_KINDS[name] = kind
    return kind


# What read_pairs may cut off either end of a value: whitespace and a quote.
_EDGES = JS_WHITESPACE + '"'

# The names a parse can return (no ";" or "=" in them, nothing to trim at either
# end) that have been asked for: remembered, as the names render checks are,
# because LazyPairs' search assumes it of every name it looks for.
_FINDABLE: set[str] = set()


def _findable(name: str) -> bool:
    if ";" in name or "=" in name or name.strip(JS_WHITESPACE) != name:
        return False
    if len(_FINDABLE) >= _MAX_NAME_KINDS:
        _FINDABLE.clear()
    _FINDABLE.add(name)
    return True


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

    ``get(name)`` finds the first piece called *name* by searching the header at
    C speed, parses that piece alone and sets the text before it aside; the next
    ``get`` parses that text first, then searches on. So each piece is parsed at
    most once, and a request that reads one cookie parses one piece.

    Searching pays only while it is cheaper than parsing: once a request has
    searched twice (once, when less than a kilobyte is left to parse), or a
    name has turned up inside other names and values
    (``_ga`` in ``_ga_XYZ=..._ga...``) more than a few times, the rest of the
    header is parsed in one go and every later ``get`` is a dict lookup. So
    reading every cookie costs about one :func:`parse`.
    :class:`~cookie_middleware.Cookies` uses this.
    """

    __slots__ = ("_aside", "_position", "_searches", "found", "header")

    # After this many searches, parsing the rest at once is cheaper than more.
    _MAX_SEARCHES = 2
    # After this many pieces that merely contain the name, parse the rest.
    _MAX_FALSE_HITS = 4
    # A rest shorter than this is parsed at the second search already: a few
    # pieces cost less to parse than another search costs to set up.
    _SHORT_REST = 1024

    def __init__(self, header: str) -> None:
        if type(header) is not str and not isinstance(header, str):
            raise TypeError(
                f"the Cookie header must be a str, got {type(header).__name__}: {header!r}"
            )
        self.header = header
        """The Cookie header being parsed."""
        self._position = 0  # where the text not yet searched begins: a piece's start
        self._searches = 0
        self.found: dict[str, str] = {}
        """The pairs parsed so far: a hit here is the answer ``get`` would give."""
        # The (start, end) span of text the last search passed over: it comes
        # before every piece parsed so far, and the next search parses it first.
        self._aside: tuple[int, int] | None = None

    def get(self, name: str) -> str | None:
        """The raw value of the first cookie called *name*, or ``None``."""
        value = self.found.get(name)
        return self.search(name) if value is None else value

    def search(self, name: str) -> str | None:
        """``get`` for a *name* not in ``found``: parse as far as needed to find it."""
        if name not in _FINDABLE and not _findable(name):
            return None  # no piece of any header is called that
        found = self.found
        header = self.header
        aside = self._aside
        if aside is not None:
            # It holds no piece called like a name asked for before, and the
            # first occurrence of a name wins: parse it before searching on.
            read_pairs(header[aside[0]:aside[1]], found)
            self._aside = None
            value = found.get(name)
            if value is not None:
                return value
        start = self._position
        searches = self._searches = self._searches + 1
        if searches > 1 and (searches > self._MAX_SEARCHES
                             or len(header) - start < self._SHORT_REST):
            return self._parse_rest(name) if start <= len(header) else None
        hit = header.find(name, start)
        false_hits = 0
        while hit >= 0:
            after = hit + len(name)  # where the piece's "=" is
            end = header.find(";", after)
            if end < 0:
                end = len(header)
            # (Indexing costs less than startswith.)
            if after < len(header) and header[after] == "=" and (
                    hit == start or (hit >= 2 and header[hit - 1] == " "
                                     and header[hit - 2] == ";")):
                # The usual spelling, "; name=value": no need to look for the
                # piece's start and its "=".
                value = header[after + 1:end]
                if value and value[0] not in _EDGES and value[-1] not in _EDGES:
                    # Nothing to trim or unquote: read_pairs agrees.
                    found[name] = value
                    if hit > start:
                        self._aside = (start, hit - 2)  # up to the "; " before it
                    self._position = end + 1
                    return value
                first = start if hit == start else hit - 1
            else:
                first = header.rfind(";", start, hit) + 1 or start
                after = header.find("=", first, end)
                whitespace = ASCII_WHITESPACE if header.isascii() else JS_WHITESPACE
                if after < 0 or header[first:after].strip(whitespace) != name:
                    first = -1
            if first >= 0:
                read_pairs(header[first:end], found)
                if first > start:
                    self._aside = (start, first - 1)  # up to the ";" before it
                self._position = end + 1
                return found[name]
            false_hits += 1
            if false_hits > self._MAX_FALSE_HITS:
                return self._parse_rest(name)
            hit = header.find(name, end + 1)  # no other place in this piece can make it
        self._aside = (start, len(header))
        self._position = len(header) + 1
        return None

    def _parse_rest(self, name: str) -> str | None:
        found = self.found
        header = self.header
        read_pairs(header[self._position:], found)
        self._position = len(header) + 1
        return found.get(name)


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
    if type(name) is not str and not isinstance(name, str):
        raise TypeError(f"cookie name must be a str, got {type(name).__name__}: {name!r}")
    if type(value) is not str and not isinstance(value, str):
        raise TypeError(f"cookie value must be a str, got {type(value).__name__}: {value!r}")
    kind = _NAME_KINDS.get(name) or _name_kind(name)
    if kind == _NOT_A_TOKEN:
        raise InvalidNameError(f"cookie name must be an RFC 6265 token: {name!r}")
    if options.encode is None:
        try:
            # Tokens and ids usually need no escaping: the check that
            # encode_uri_component starts with, without calling it.
            if value.isascii() and not value.encode("ascii").translate(
                    None, URI_COMPONENT_SAFE_BYTES):
                encoded = value
            else:
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
    if kind == _PREFIXED_NAME or not options.plain:
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
