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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from numbers import Real

from ._js import utc_string
from .errors import DuplicateOptionError, InvalidOptionError, UnknownOptionError

__all__ = ["OPTION_NAMES", "CookieOptions", "normalize_options"]

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

OPTION_NAMES: frozenset[str] = frozenset(_SPELLINGS)
"""Every option name :func:`normalize_options` accepts, in both spellings."""

# domain-value = <subdomain>            ; RFC 6265 sec 4.1.1, RFC 1034 sec 3.5
# <subdomain>  = <label> | <subdomain> "." <label>
# <label>      = <let-dig> [ [ <ldh-str> ] <let-dig> ]   ; at most 63 characters
# A leading "." is tolerated, as user agents ignore it (RFC 6265 sec 5.2.3).
_DOMAIN = re.compile(
    r"[.]?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:[.][a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*",
    re.IGNORECASE,
)

# path-value = <any CHAR except CTLs or ";">    ; RFC 6265 sec 4.1.1
_PATH = re.compile(r"[\x20-\x3a\x3c-\x7e]*")

# Max-Age beyond this prints in exponent form in JavaScript; no browser honours it.
_MAX_AGE_LIMIT = 10**21

_SAME_SITE = {"strict": "Strict", "lax": "Lax", "none": "None"}
_PRIORITY = {"low": "Low", "medium": "Medium", "high": "High"}


@dataclass(frozen=True, slots=True)
class CookieOptions:
    """Checked Set-Cookie attributes, ready to be written in wire order."""

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
    tail: str = field(init=False, repr=False, compare=False)
    """The attributes as they follow ``name=value`` on the wire, computed once:
    cookie@0.2.4's order (Max-Age, Domain, Path, Expires, HttpOnly, Secure),
    then cookie 1.x's (Partitioned, Priority, SameSite)."""

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


def _suggestion(name: str) -> str:
    folded = name.replace("_", "").replace("-", "").lower()
    for spelling, canonical in _SPELLINGS.items():
        if spelling.replace("_", "").lower() == folded:
            return f"; did you mean {canonical!r}?"
    if name == "options":
        return "; pass the options mapping positionally: set(name, value, {...})"
    if folded == "firstpartyonly":
        return "; First-Party-Only never shipped in browsers, use sameSite"
    return ""


def _collect(pairs: Iterable[tuple[str, object]]) -> dict[str, object]:
    given: dict[str, object] = {}
    seen: dict[str, str] = {}
    for name, value in pairs:
        canonical = _SPELLINGS.get(name)
        if canonical is None:
            known = ", ".join(sorted(_SPELLINGS))
            raise UnknownOptionError(
                f"unknown cookie option {name!r}{_suggestion(name)} (known: {known})"
            )
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


def _max_age(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(
            f"option maxAge must be a number of seconds, got {type(value).__name__}: {value!r}"
        )
    number = value if isinstance(value, int) else float(value)
    if isinstance(number, int) or math.isfinite(number):
        # cookie@0.2.4 writes Math.floor(maxAge).
        seconds = math.floor(number)
    else:
        raise InvalidOptionError(f"option maxAge must be a finite number, got {value!r}")
    if abs(seconds) >= _MAX_AGE_LIMIT:
        raise InvalidOptionError(f"option maxAge is out of range (|maxAge| < 1e21): {value!r}")
    return seconds


def _expires(value: object) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value
        return moment.astimezone(timezone.utc)
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(
            "option expires must be a datetime or a POSIX timestamp, "
            f"got {type(value).__name__}: {value!r}"
        )
    number = value if isinstance(value, int) else float(value)
    if not isinstance(number, int) and not math.isfinite(number):
        raise InvalidOptionError(f"option expires must be a finite timestamp, got {value!r}")
    try:
        # Date.toUTCString() drops the fraction of a second towards the past.
        return datetime.fromtimestamp(math.floor(number), timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise InvalidOptionError(
            f"option expires is outside the years 1 to 9999: {value!r}"
        ) from None


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


def _domain(value: object) -> str | None:
    domain = _text("domain", value)
    if domain is not None and _DOMAIN.fullmatch(domain) is None:
        raise InvalidOptionError(f"option domain is not a valid host name: {domain!r}")
    return domain


def _path(value: object) -> str | None:
    path = _text("path", value)
    if path is not None and _PATH.fullmatch(path) is None:
        raise InvalidOptionError(
            f"option path may hold no control character, ';' or non-ASCII: {path!r}"
        )
    return path


def _encoder(value: object) -> Encoder | None:
    if value is None or callable(value):
        return value
    raise TypeError(f"option encode must be callable, got {type(value).__name__}: {value!r}")


def normalize_options(options: Mapping[str, object] | None = None,
                      attributes: Mapping[str, object] | None = None) -> CookieOptions:
    """Check *options* (Node names) and *attributes* (either spelling) together.

    Raises :class:`~cookie_middleware.errors.UnknownOptionError`,
    :class:`~cookie_middleware.errors.DuplicateOptionError` or
    :class:`~cookie_middleware.errors.InvalidOptionError` for bad names and
    values, and :class:`TypeError` for values of the wrong type.
    """
    if options is not None and not isinstance(options, Mapping):
        raise TypeError(f"options must be a mapping, got {type(options).__name__}: {options!r}")
    options = options or {}
    # The same options recur on every request (a session cookie's, say), so the
    # checked result is cached. The key carries each value's type, so that 1
    # and True, equal in Python, never share an entry.
    if attributes:  # rarer than a lone mapping, and dearer to key
        pairs = (*options.items(), *attributes.items())
        types = (*map(type, options.values()), *map(type, attributes.values()))
    else:
        pairs = tuple(options.items())
        types = tuple(map(type, options.values()))
    key = (pairs, types)
    try:
        return _normalize_cached(key)
    except TypeError:
        if _hashable(key):
            raise  # a wrong option type, reported by the checks themselves
        return _normalize(pairs)  # an unhashable value: checked afresh every time


def _hashable(key: object) -> bool:
    try:
        hash(key)
    except TypeError:
        return False
    return True


@lru_cache(maxsize=512)
def _normalize_cached(key: tuple[tuple[tuple[str, object], ...], tuple[type, ...]]
                      ) -> CookieOptions:
    return _normalize(key[0])


def _normalize(pairs: Iterable[tuple[str, object]]) -> CookieOptions:
    given = _collect(pairs)
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
    )
