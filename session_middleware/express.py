"""express-session's formats, so an Express service and a Python one share sessions.

During a route-by-route move, the Node and the Python service sit behind one
domain and one Redis. express-session (1.19) keeps the session id in the cookie
``connect.sid``, signed as cookie-signature signs it (``s:`` + id + ``.`` +
HMAC-SHA256), and connect-redis keeps the session under ``sess:<id>`` as
``JSON.stringify`` of the session, which always holds a ``cookie`` object.

Read and write that cookie with a :class:`~session_middleware.Session` and a
cookies object that has an :class:`~cookie_middleware.ExpressSigner`::

    Session(cookies, "connect.sid", signed=True, accept_token=is_express_sid)

and the record with :class:`ConnectRedisStore`. See ``docs/express.md``.
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Mapping
from typing import Any

from .errors import SessionDataError
from .jsdate import date_value, falsy, iso_string
from .nodejson import dumps, loads
from .tokens import URL_SAFE_ALPHABET

__all__ = ["ConnectRedisStore", "express_cookie", "is_express_sid", "new_express_sid"]

# uid-safe(24): 24 random bytes, base64url without padding.
_SID_LENGTH = 32


def new_express_sid() -> str:
    """A session id as express-session mints one (``uid-safe``, 24 bytes)."""
    return secrets.token_urlsafe(24)


class _ExpressSid:
    """``is_express_sid(value)``: whether *value* has the shape of an id that
    express-session mints (32 URL-safe base64 characters). Its ``mint`` makes
    one, so a ``Session`` given this predicate mints ids of the same shape."""

    mint = staticmethod(new_express_sid)

    def __call__(self, value: str) -> bool:
        return (len(value) == _SID_LENGTH and value.isascii()
                and not value.encode("ascii").translate(None, URL_SAFE_ALPHABET))

    def __repr__(self) -> str:
        return "is_express_sid"


is_express_sid = _ExpressSid()


def express_cookie(cookie_options: Mapping[str, object] | None = None,
                   now: float | None = None) -> dict[str, Any]:
    """The ``cookie`` object express-session stores for a session cookie set with
    *cookie_options* (this project's names: ``max_age`` in seconds, ``same_site``,
    ``secure``, ``domain``, ``path``, ``http_only``), keys in express-session's order."""
    options = dict(cookie_options or {})
    max_age = options.get("max_age", options.get("maxAge"))
    now = time.time() if now is None else now
    cookie: dict[str, Any] = {}
    if max_age is None:
        cookie["originalMaxAge"] = None
        cookie["expires"] = None
    else:
        if isinstance(max_age, bool) or not isinstance(max_age, (int, float)):
            raise TypeError(f"max_age must be a number of seconds, got {max_age!r}")
        cookie["originalMaxAge"] = int(max_age * 1000)
        cookie["expires"] = iso_string((now + max_age) * 1000)
    for ours, theirs in (("secure", "secure"), ("http_only", "httpOnly"),
                         ("domain", "domain"), ("path", "path"), ("same_site", "sameSite")):
        value = options.get(ours, options.get(theirs))
        if ours == "http_only" and value is None:
            value = True  # express-session's default, and this project's
        if ours == "path" and value is None:
            value = "/"
        if value is not None:
            cookie[theirs] = value.lower() if theirs == "sameSite" and isinstance(value, str) \
                else value
    return cookie


def _seconds_until(milliseconds: float) -> float:
    """Seconds from now until a JavaScript date, rounded up; ``NaN`` for an Invalid Date."""
    left = milliseconds - time.time() * 1000
    return math.ceil(left / 1000) if math.isfinite(left) else math.nan


class ConnectRedisStore:
    """connect-redis's store, from Python: the same keys, JSON and expiry.

    ``ConnectRedisStore(client, prefix="sess:", ttl=86400)`` over a redis-py client
    (``decode_responses`` either way). A session's key lives as many seconds as
    its ``cookie.expires`` is ahead (rounded up), else *ttl*; a session whose
    cookie has expired is destroyed, not written, as connect-redis does.
    *cookie* is the session cookie's options, for the ``cookie`` object a record
    written from Python needs (express-session cannot load a record without one).
    """

    def __init__(self, client: Any, prefix: str = "sess:", ttl: int = 86400, *,
                 cookie: Mapping[str, object] | None = None) -> None:
        self.client = client
        self.prefix = prefix
        self.ttl = ttl
        self.cookie = dict(cookie or {})

    def get(self, sid: str) -> dict[str, Any] | None:
        """The session stored under *sid*, or ``None``.

        Raises :class:`~session_middleware.errors.SessionDataError` for a record
        that is not JSON Node's ``JSON.parse`` reads (connect-redis passes that
        error on, and express-session answers the request with it)."""
        try:
            raw = self.client.get(self.prefix + sid)
        except UnicodeDecodeError as error:  # a client with decode_responses=True
            raise SessionDataError(f"the record of session {sid!r} is not UTF-8: {error}") \
                from None
        if raw is None:
            return None
        data = loads(raw)
        return data if isinstance(data, dict) else None

    def _ttl(self, expires: object) -> float:
        """connect-redis's ``getTTL`` for a cookie's ``expires``: the seconds until
        then, rounded up, else the default; ``NaN`` for what JavaScript cannot
        read as a date."""
        if falsy(expires):  # as JavaScript's `if`: an object or array is no date, but true
            return self.ttl
        return _seconds_until(date_value(expires))

    def _record(self, data: Mapping[str, Any]) -> tuple[dict[str, Any], float]:
        """The record express-session would save for *data* (a ``cookie`` object
        first, its expiry rolled to now + ``originalMaxAge`` when it has one: the
        session's touch), and connect-redis's TTL for it."""
        cookie = data.get("cookie")
        if not isinstance(cookie, Mapping):  # missing, null, or no object at all
            rest = {key: value for key, value in data.items() if key != "cookie"}
            record = {"cookie": express_cookie(self.cookie), **rest}
            return record, self._ttl(record["cookie"]["expires"])
        original = cookie.get("originalMaxAge")
        if original is None:
            return dict(data), self._ttl(cookie.get("expires"))
        if isinstance(original, bool) or not isinstance(original, (int, float)):
            # express-session throws "maxAge must be a number or Date".
            raise SessionDataError(
                f"cookie.originalMaxAge must be a number of milliseconds, got {original!r}"
            )
        try:
            expiry = time.time() * 1000 + original
        except OverflowError:  # an int past any double: JavaScript's Infinity
            expiry = math.inf
        # Past JavaScript's dates the expiry is an Invalid Date: written as null,
        # and its TTL is NaN, so the session is destroyed.
        record = {**data, "cookie": {**cookie, "expires": iso_string(expiry)}}
        return record, _seconds_until(date_value(expiry))

    def set(self, sid: str, data: Mapping[str, Any]) -> None:
        """Store *data* under *sid*, in express-session's record shape.

        As connect-redis does, a session whose expiry has passed, or is no date
        JavaScript can read (an ``expires`` that is not one, an ``originalMaxAge``
        beyond JavaScript's dates), is destroyed instead. Raises
        :class:`~session_middleware.errors.SessionDataError` for data that is not
        JSON (``NaN``, a ``set``, a cycle), before anything is written."""
        record, ttl = self._record(data)
        if not ttl > 0:  # NaN included
            self.destroy(sid)
            return
        self.client.set(self.prefix + sid, dumps(record), ex=int(ttl))

    def touch(self, sid: str, data: Mapping[str, Any]) -> None:
        """Extend the key's life as connect-redis's ``touch`` does; one whose
        expiry has passed (or is no date) is destroyed, as a Redis ``EXPIRE``
        with a time in the past destroys it."""
        ttl = self._record(data)[1]
        if not ttl > 0:
            self.destroy(sid)
            return
        self.client.expire(self.prefix + sid, int(ttl))

    def destroy(self, sid: str) -> None:
        """Forget the session (a logout on either side)."""
        self.client.delete(self.prefix + sid)
