"""Validation of Set-Cookie options: one normalised, checked record per call.

Options arrive either as a mapping with the Node option names (``maxAge``,
``httpOnly``, ``sameSite``, ...), so a Node call ports verbatim, or as Python
keywords (``max_age``, ``http_only``, ``same_site``, ...). Both spellings are
accepted in both places; the same option given twice, or a name that is not an
option at all, is an error rather than a silently dropped attribute.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from numbers import Real

from ._js import utc_string
from .errors import DuplicateOptionError, InvalidOptionError, UnknownOptionError

__all__ = ["CookieOptions", "cookie_options", "normalize_options"]

Encoder = Callable[[str], str]

# Canonical (Node) name for every accepted spelling.
_SPELLINGS: dict[str, str] = {
    "maxAge": "maxAge", "max_age": "maxAge",
    "expires": "expires",
    "domain": "domain",
    "path": "path",
    "httpOnly": "httpOnly", "http_only": "httpOnly",
    "secure": "secure",
    "sameSite": "sameSite", "same_site": "sameSite",
    "priority": "priority",
    "partitioned": "partitioned",
    "encode": "encode",
}


# domain-value = <subdomain>            ; RFC 6265 sec 4.1.1, RFC 1034 sec 3.5
# <subdomain>  = <label> | <subdomain> "." <label>
# <label>      = <let-dig> [ [ <ldh-str> ] <let-dig> ]   ; at most 63 characters
# <let-dig>    = <letter> | <digit>     ; ASCII only: with re.IGNORECASE, [a-z] would
#                                       ; also match U+0130, U+0131, U+017F and U+212A
# A leading "." is tolerated, as user agents ignore it (RFC 6265 sec 5.2.3).
_DOMAIN = re.compile(
    r"[.]?[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:[.][A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*",
    re.ASCII,
)

# path-value = <any CHAR except CTLs or ";">    ; RFC 6265 sec 4.1.1
_PATH = re.compile(r"[\x20-\x3a\x3c-\x7e]*")

# Max-Age beyond this prints in exponent form in JavaScript; no browser honours it.
_MAX_AGE_LIMIT = 10**21

# Browsers ignore a Path or Domain attribute longer than this (RFC 6265bis sec 5.6).
_MAX_ATTRIBUTE_BYTES = 1024

# Browsers cap a cookie's lifetime at 400 days (RFC 6265bis sec 5.5); longer
# lifetimes are written as asked, with a warning.
_MAX_LIFETIME = 400 * 24 * 3600

_SAME_SITE = {"strict": "Strict", "lax": "Lax", "none": "None"}
_PRIORITY = {"low": "Low", "medium": "Medium", "high": "High"}


@dataclass(frozen=True, slots=True, eq=False)
class CookieOptions(Mapping[str, object]):
    """Checked Set-Cookie attributes, ready to be written in wire order.

    Made by :func:`cookie_options`; ``Cookies.set`` and ``serialize`` take it
    in place of an options mapping and skip the checks it has passed. It is a
    read-only mapping of the options as they were given, so any
    cookies object that takes an options mapping takes it too.
    """

    max_age: int | None = None
    domain: str | None = None
    path: str | None = None
    expires: datetime | None = None
    http_only: bool = False
    secure: bool = False
    partitioned: bool = False
    priority: str | None = None
    same_site: str | None = None
    encode: Encoder | None = None
    given: tuple[tuple[str, object], ...] = field(default=(), repr=False)
    """The options as they were given, in either spelling: what the mapping holds."""
    tail: str = field(init=False, repr=False, compare=False)
    """The attributes as they follow ``name=value`` on the wire, computed once:
    cookie@0.2.4's order (Max-Age, Domain, Path, Expires, HttpOnly, Secure),
    then cookie 1.x's (Partitioned, Priority, SameSite)."""
    plain: bool = field(init=False, repr=False, compare=False)
    """Whether a cookie set with these options needs no check or warning at
    render time beyond its name's own (SameSite=None and Partitioned need Secure;
    a lifetime may be over 400 days)."""

    def __post_init__(self) -> None:
        parts = [""]
        if self.max_age is not None:
            parts.append(f"Max-Age={self.max_age}")
        if self.domain:
            parts.append(f"Domain={self.domain}")
        if self.path:
            parts.append(f"Path={self.path}")
        if self.expires is not None:
            parts.append(f"Expires={utc_string(self.expires)}")
        if self.http_only:
            parts.append("HttpOnly")
        if self.secure:
            parts.append("Secure")
        if self.partitioned:
            parts.append("Partitioned")
        if self.priority:
            parts.append(f"Priority={self.priority}")
        if self.same_site:
            parts.append(f"SameSite={self.same_site}")
        object.__setattr__(self, "tail", "; ".join(parts))
        # An expiry's distance from now changes as the clock moves: it is judged
        # at every render, never once for all.
        object.__setattr__(self, "plain", not (
            self.same_site == "None" or self.partitioned or self.expires is not None
            or (self.max_age is not None and self.max_age > _MAX_LIFETIME)))

    def lifetime_warning(self) -> str | None:
        """Why this lifetime, judged now, deserves a
        :class:`~cookie_middleware.CookieWarning`, or ``None``."""
        return _lifetime_warning(self.max_age, self.expires)

    def __getitem__(self, name: str) -> object:
        for key, value in self.given:
            if key == name:
                return value
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return (key for key, _ in self.given)

    def __len__(self) -> int:
        return len(self.given)

    def __eq__(self, other: object) -> bool:
        return Mapping.__eq__(self, other)

    __hash__ = None  # type: ignore[assignment]  # a mapping, compared by content


def _suggestion(name: str, keyword: bool) -> str:
    folded = name.replace("_", "").replace("-", "").lower()
    # A keyword was meant in Python's spelling (http_only), a mapping key in
    # Node's (httpOnly).
    for spelling in _SPELLINGS:
        if spelling.replace("_", "").lower() == folded and (
                spelling == spelling.lower()) == keyword:
            return f"; did you mean {spelling!r}?"
    if name == "options":
        return "; pass the options mapping positionally: set(name, value, {...})"
    if folded == "firstpartyonly":
        return "; First-Party-Only never shipped in browsers, use sameSite"
    return ""


def _collect(pairs: Iterable[tuple[str, object]], keywords_from: int) -> dict[str, object]:
    given: dict[str, object] = {}
    seen: dict[str, str] = {}
    for index, (name, value) in enumerate(pairs):
        canonical = _SPELLINGS.get(name)
        if canonical is None:
            known = ", ".join(sorted(_SPELLINGS))
            hint = _suggestion(name, keyword=index >= keywords_from)
            raise UnknownOptionError(f"unknown cookie option {name!r}{hint} (known: {known})")
        if canonical in seen:
            raise DuplicateOptionError(
                f"cookie option {canonical!r} given twice, as {seen[canonical]!r} and {name!r}"
            )
        seen[canonical] = name
        given[canonical] = value
    return given


def _flag(name: str, value: object) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    raise TypeError(f"option {name} must be a bool, got {type(value).__name__}: {value!r}")


def _text(name: str, value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value or None
    raise TypeError(f"option {name} must be a str, got {type(value).__name__}: {value!r}")


def _number(field: str, value: object, what: str) -> float | int:
    """*value* as JavaScript's Number would hold it: ints stay exact, everything
    else (float, Fraction, Decimal, ...) becomes a float."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"option {field} must be {what}, got {type(value).__name__}: {value!r}")
    if isinstance(value, int):
        return value
    try:
        number = float(value)
    except OverflowError:
        raise InvalidOptionError(f"option {field} is out of range: {value!r}") from None
    if not math.isfinite(number):
        kind = "timestamp" if field == "expires" else "number"
        raise InvalidOptionError(f"option {field} must be a finite {kind}, got {value!r}")
    return number


def _max_age(value: object) -> int | None:
    if value is None:
        return None
    # cookie@0.2.4 writes Math.floor(maxAge).
    seconds = math.floor(_number("maxAge", value, "a number of seconds"))
    if abs(seconds) >= _MAX_AGE_LIMIT:
        raise InvalidOptionError(f"option maxAge is out of range (|maxAge| < 1e21): {value!r}")
    return seconds


def _expires(value: object) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value
        try:
            return moment.astimezone(timezone.utc)
        except OverflowError:
            raise InvalidOptionError(
                f"option expires is outside the years 1 to 9999 in UTC: {value!r}"
            ) from None
    number = _number("expires", value, "a datetime or a POSIX timestamp")
    try:
        # Date.toUTCString() drops the fraction of a second towards the past.
        return datetime.fromtimestamp(math.floor(number), timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise InvalidOptionError(
            f"option expires is outside the years 1 to 9999: {value!r}"
        ) from None


def _lifetime_warning(max_age: int | None, expires: datetime | None) -> str | None:
    """Why a lifetime over 400 days deserves a warning, or ``None``."""
    if max_age is not None and max_age > _MAX_LIFETIME:
        return (f"maxAge={max_age} is over 400 days ({_MAX_LIFETIME} s), the most a browser "
                "keeps a cookie; maxAge is in seconds, not the milliseconds Express's "
                "res.cookie takes (a ported maxAge of 86400000 means 1000 days)")
    if expires is not None and expires.timestamp() - time.time() > _MAX_LIFETIME:
        return (f"expires={utc_string(expires)} is over 400 days ahead, the most a browser "
                "keeps a cookie; a timestamp is in seconds, not JavaScript's milliseconds")
    return None


def _choice(name: str, value: object, table: Mapping[str, str]) -> str | None:
    if value is None or value is False or value == "":
        return None
    if name == "sameSite" and value is True:
        return "Strict"
    if not isinstance(value, str):
        raise TypeError(f"option {name} must be a str, got {type(value).__name__}: {value!r}")
    choice = table.get(value.lower())
    if choice is None:
        allowed = ", ".join(table.values())
        raise InvalidOptionError(f"option {name} must be one of {allowed}, got {value!r}")
    return choice


def _check_length(name: str, value: str) -> None:
    if len(value) > _MAX_ATTRIBUTE_BYTES:
        raise InvalidOptionError(
            f"option {name} is {len(value)} bytes; browsers ignore a {name} over "
            f"{_MAX_ATTRIBUTE_BYTES}: {value[:40]!r}..."
        )


def _domain(value: object) -> str | None:
    domain = _text("domain", value)
    if domain is not None:
        if _DOMAIN.fullmatch(domain) is None:
            raise InvalidOptionError(f"option domain is not a valid host name: {domain!r}")
        _check_length("domain", domain)
    return domain


def _path(value: object) -> str | None:
    path = _text("path", value)
    if path is not None:
        if _PATH.fullmatch(path) is None:
            raise InvalidOptionError(
                f"option path may hold no control character, ';' or non-ASCII: {path!r}"
            )
        _check_length("path", path)
    return path


def _encoder(value: object) -> Encoder | None:
    if value is None or callable(value):
        return value
    raise TypeError(f"option encode must be callable, got {type(value).__name__}: {value!r}")


def cookie_options(options: Mapping[str, object] | None = None, /,
                   **attributes: object) -> CookieOptions:
    """Check Set-Cookie options once, for a cookie set again and again.

    Takes what ``Cookies.set`` and ``serialize`` take (a mapping of Node option
    names, keywords in either spelling) and returns a :class:`CookieOptions`
    that they then take without checking it again::

        SESSION = cookie_options(path="/", http_only=True, max_age=3600)
        cookies.set("sid", token, SESSION, True)

    Raises what ``set`` raises for a bad option.
    """
    return normalize_options(options, attributes)


def normalize_options(options: Mapping[str, object] | None = None,
                      attributes: Mapping[str, object] | None = None) -> CookieOptions:
    """Check *options* (Node names) and *attributes* (either spelling) together.

    Raises :class:`~cookie_middleware.errors.UnknownOptionError`,
    :class:`~cookie_middleware.errors.DuplicateOptionError` or
    :class:`~cookie_middleware.errors.InvalidOptionError` for bad names and
    values, and :class:`TypeError` for values of the wrong type.
    """
    if type(options) is CookieOptions and not attributes:
        return options  # checked when it was made
    # (type() first: a dict skips the ABC check, 0.35 us of every set with options.)
    if options is not None and type(options) is not dict and not isinstance(options, Mapping):
        raise TypeError(f"options must be a mapping, got {type(options).__name__}: {options!r}")
    if not options and not attributes:
        return _NO_OPTIONS
    options = options or {}
    pairs = (*options.items(), *attributes.items()) if attributes else tuple(options.items())
    # The key carries each value's type, so that 1 and True, equal in Python,
    # never share an entry, and each datetime's fold, so that the two instants
    # a wall-clock time names when clocks go back never share one either.
    key = (pairs, tuple([(datetime, value.fold) if isinstance(value, datetime) else type(value)
                         for _, value in pairs]), len(options))
    try:
        checked = _CHECKED.get(key)
    except TypeError:  # an unhashable value (a list as path, say): checked afresh
        return _normalize(pairs, len(options))
    if checked is None:
        checked = _normalize(pairs, len(options))
        if len(_CHECKED) >= _MAX_CHECKED:
            _CHECKED.clear()
        _CHECKED[key] = checked
    return checked


# The checked options of recent calls, by what was given. The same few options
# recur on every request: a lookup here saves 3 us of a set given a mapping of
# three options (measured against checking them again). Emptied when full, so
# that options made up per request (an expiry computed each time) cannot make
# it grow without end.
_CHECKED: dict[tuple[tuple[tuple[str, object], ...], tuple[object, ...], int],
               CookieOptions] = {}
_MAX_CHECKED = 512


def _normalize(pairs: tuple[tuple[str, object], ...], keywords_from: int) -> CookieOptions:
    """Check *pairs*: those before index *keywords_from* came in the options
    mapping, the rest as keywords (which only changes the hint for a typo)."""
    given = _collect(pairs, keywords_from)
    return CookieOptions(
        max_age=_max_age(given.get("maxAge")),
        domain=_domain(given.get("domain")),
        path=_path(given.get("path")),
        expires=_expires(given.get("expires")),
        http_only=_flag("httpOnly", given.get("httpOnly")),
        secure=_flag("secure", given.get("secure")),
        partitioned=_flag("partitioned", given.get("partitioned")),
        priority=_choice("priority", given.get("priority"), _PRIORITY),
        same_site=_choice("sameSite", given.get("sameSite"), _SAME_SITE),
        encode=_encoder(given.get("encode")),
        given=tuple(pairs),
    )


# A call with no options at all, the commonest: its record is made once.
_NO_OPTIONS = _normalize((), 0)
