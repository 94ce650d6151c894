"""What a session store keeps and what it must do, for every store alike.

A store keeps one *record* per session token: the session's data (a JSON
object), the id of the user logged in, and when the session began. It answers
four calls, synchronous or asynchronous (coroutines) as the store is:

- ``load(token)``: the record, or ``None``; a read may also extend the idle
  timeout, in the same round trip;
- ``save(token, record, create=...)``: with ``create=True`` only if no record
  exists under *token*, else only if one does, so that a record a logout (or
  ``logout_everywhere``) removed meanwhile stays removed; returns whether it wrote;
- ``destroy(token, user)``: remove the record (and the user's claim on it), and
  say whether there was one (a session whose record went meanwhile was ended
  elsewhere: it is not moved to a new token);
- ``logout_everywhere(user)``: remove every record of *user*, return how many.

Records travel as JSON text made here: no pickle anywhere, and a record that is
not such JSON reads as no record at all.
"""

from __future__ import annotations

import inspect
import json
import math
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from ..errors import SessionDataError

__all__ = ["MAX_COOKIE_LIFETIME", "MAX_RECORD_BYTES", "AsyncStore", "Record",
           "SessionDataTooLargeError", "Store", "check_json", "check_timeouts",
           "decode_record", "encode_record", "idle_of", "is_async_store", "remaining",
           "started"]

MAX_RECORD_BYTES = 64 * 1024
"""The largest record a store takes by default: 64 KiB of JSON."""


class SessionDataTooLargeError(SessionDataError):
    """A session's data, as JSON, is over the store's size cap."""


@dataclass
class Record:
    """A session's stored state."""

    data: dict[str, Any] = field(default_factory=dict)
    """The session's data: JSON values under ``str`` keys."""
    user: str | None = None
    """The id of the user logged in, or ``None``."""
    created: float | None = None
    """When the session began (seconds since the epoch, by the store's clock): the
    absolute timeout's start. ``None`` for a new record: the store fills it in."""
    max_age: float | None = None
    """The session cookie's own lifetime (``session.max_age``, "remember me"), if any."""
    saved: float | None = None
    """When the store last wrote the record (by its clock), where the store keeps it."""


def check_json(value: object, where: str) -> str:
    """*value* as JSON text, ASCII only (so a lone surrogate travels as an escape
    and any store takes the text); :class:`SessionDataError` naming *where* for a
    value that is no JSON (a ``set``, ``bytes``, an object), that JSON cannot carry
    faithfully (``NaN``, infinities) or that nests past Python's recursion limit."""
    try:
        return json.dumps(value, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError) as error:
        raise SessionDataError(f"{where} must be a JSON value: {error}") from None


def encode_record(record: Record, limit: int = MAX_RECORD_BYTES) -> str:
    """The JSON text a store keeps for *record*; :class:`SessionDataTooLargeError`
    when it is over *limit* bytes (UTF-8)."""
    if record.created is None:
        raise ValueError("a record is saved with its start time: the store fills it in")
    fields: dict[str, Any] = {"data": record.data, "user": record.user,
                              "created": record.created}
    if record.max_age is not None:
        fields["max_age"] = record.max_age
    if record.saved is not None:
        fields["saved"] = record.saved
    text = check_json(fields, "session data")
    size = len(text)  # ASCII
    if size > limit:
        raise SessionDataTooLargeError(
            f"the session's data is {size} bytes as JSON, over the store's limit of {limit}")
    return text


def _refuse(text: str) -> float:
    raise ValueError(f"{text} is no JSON value this store writes")


def _finite(text: str) -> float:
    number = float(text)
    if math.isinf(number):  # 1e400: no JSON value this store writes
        raise ValueError(f"{text} is past a double")
    return number


# JSON as check_json writes it: no NaN, no infinities.
_DECODER = json.JSONDecoder(parse_constant=_refuse, parse_float=_finite)


def decode_record(text: str | bytes | None) -> Record | None:
    """The record in *text*, or ``None`` when there is none. Anything that is not
    a record this module wrote (not JSON, not an object, a wrong shape) reads as
    an empty record, never an error: the session starts empty, and its next
    save replaces it."""
    if text is None:
        return None
    try:
        # Decoded here, as the ASCII it was written in: json.loads would first
        # guess the encoding of bytes (0.9 us of each read, measured).
        value = _DECODER.decode(text.decode("ascii") if isinstance(text, bytes) else text)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return Record()
    if not isinstance(value, dict):
        return Record()
    data, user, created = value.get("data"), value.get("user"), value.get("created")
    max_age, saved = value.get("max_age"), value.get("saved")
    if (not isinstance(data, dict) or not (user is None or isinstance(user, str))
            or not _seconds(created) or not (max_age is None or _lifetime(max_age))
            or not (saved is None or _seconds(saved))):
        return Record()
    return Record(data, user, float(created),  # type: ignore[arg-type]
                  None if max_age is None else float(max_age),
                  None if saved is None else float(saved))


MAX_COOKIE_LIFETIME = 400 * 24 * 3600
"""The longest cookie lifetime browsers keep (RFC 6265bis): the cap on ``session.max_age``."""


def _lifetime(value: object) -> bool:
    return _seconds(value) and 0 < value <= MAX_COOKIE_LIFETIME  # type: ignore[operator]


def _seconds(value: object) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def check_timeouts(idle_timeout: float, absolute_timeout: float | None) -> None:
    """Refuse a timeout that is not a positive number of seconds (``ValueError``)."""
    for name, value in (("idle_timeout", idle_timeout), ("absolute_timeout", absolute_timeout)):
        if value is None and name == "absolute_timeout":
            continue
        if (isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0
                or not math.isfinite(value)):
            raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")


def idle_of(record: Record, idle_timeout: float) -> float:
    """*record*'s idle timeout: the store's, or the session's own cookie lifetime
    (``session.max_age``, "remember me") when that is longer, so that a
    remembered session does not end before its cookie does."""
    return idle_timeout if record.max_age is None else max(idle_timeout, record.max_age)


def remaining(record: Record, idle_timeout: float, absolute_timeout: float | None,
              now: float) -> float:
    """How long *record* may live from *now*: its idle timeout (:func:`idle_of`),
    cut short by the absolute one (``<= 0``: it has expired)."""
    idle = idle_of(record, idle_timeout)
    if absolute_timeout is None:
        return idle
    created = now if record.created is None else record.created
    return min(idle, created + absolute_timeout - now)


class Store(Protocol):
    """A synchronous store (:class:`~session_middleware.stores.MemoryStore`,
    :class:`~session_middleware.stores.RedisStore` on ``redis.Redis``)."""

    def load(self, token: str) -> Record | None: ...

    def save(self, token: str, record: Record, *, create: bool) -> bool: ...

    def destroy(self, token: str, user: str | None = None) -> bool: ...

    def logout_everywhere(self, user: str) -> int: ...


class AsyncStore(Protocol):
    """An asynchronous store (:class:`~session_middleware.stores.RedisStore` on
    ``redis.asyncio.Redis``): the same calls, as coroutines."""

    async def load(self, token: str) -> Record | None: ...

    async def save(self, token: str, record: Record, *, create: bool) -> bool: ...

    async def destroy(self, token: str, user: str | None = None) -> bool: ...

    async def logout_everywhere(self, user: str) -> int: ...


def started(record: Record, now: float) -> Record:
    """*record*, with *now* as its start when it has none yet (a new record)."""
    return record if record.created is not None else replace(record, created=now)


def is_async_store(store: object) -> bool:
    """Whether *store*'s calls are coroutines."""
    return inspect.iscoroutinefunction(getattr(store, "load", None))
