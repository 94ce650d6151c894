"""``ConnectRedisStore``: connect-redis's records, so Express and Python share sessions.

express-session on connect-redis keeps a session under ``prefix + sid`` as
``JSON.stringify`` of ``req.session``: a ``cookie`` object, then the app's own
fields. Given to a session middleware as ``store=``, this store reads and
writes those records:

- ``session.data`` is every field but ``cookie`` and the user field;
- ``session.user`` is the user field (``user_field="user"``: ``req.session.user``)
  when it holds a string; any other value there stays in ``session.data``;
- ``session.max_age`` is ``cookie.originalMaxAge`` when it differs from the
  store's own ``cookie`` lifetime (a "remember me" that Express set, or Python);
- a key lives as connect-redis's TTL rule says: until ``cookie.expires``, which
  each save rolls to now + ``originalMaxAge``, else ``ttl`` seconds; a read
  restarts it, as express-session's touch does.

connect-redis keeps no list of a user's sessions, so ``logout_everywhere``
scans the prefix (``SCAN``, a few hundred keys per round trip): fine for an
administrator's button, not for every request.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, overload

import redis.asyncio

from ..errors import SessionDataError
from ..express import express_cookie
from ..jsdate import date_value, falsy, iso_string
from ..nodejson import dumps, loads
from .base import MAX_COOKIE_LIFETIME, MAX_RECORD_BYTES, Record, SessionDataTooLargeError
from .redis import key_text, unavailable_on_outage

if TYPE_CHECKING:
    import redis.asyncio.cluster
    import redis.cluster

__all__ = ["AsyncConnectRedisStore", "ConnectRedisStore"]

_SCAN_COUNT = 500
# At most so many scans of logout_everywhere (at least two when there was anything).
_MOST_SCANS = 8


def _seconds_until(milliseconds: float) -> float:
    """Seconds from now until a JavaScript date, rounded up; ``NaN`` for an Invalid Date."""
    left = milliseconds - time.time() * 1000
    return math.ceil(left / 1000) if math.isfinite(left) else math.nan


def _glob_escaped(text: str) -> str:
    """*text* as a literal in a Redis ``MATCH`` pattern."""
    return "".join("\\" + char if char in "*?[]\\" else char for char in text)


class _ConnectFormat:
    """What both kinds of store share: the settings and the record's shape."""

    def __init__(self, client: Any, prefix: str = "sess:", ttl: int = 86400, *,
                 cookie: Mapping[str, object] | None = None, user_field: str = "user",
                 max_record_bytes: int = MAX_RECORD_BYTES) -> None:
        self.client = client
        self.prefix = prefix
        self.ttl = ttl
        self.cookie = dict(cookie or {})
        self.user_field = user_field
        self.max_record_bytes = max_record_bytes
        # The TTL of a record with the store's own cookie lifetime: what a read sets.
        self._touch_seconds = self._record({})[1]

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

    def _decoded(self, raw: str | bytes | None) -> tuple[Record | None, float]:
        """The session record in *raw* (``None`` when there is none; an empty one
        for what is not an express-session record), and the seconds its key
        lives after express-session's touch (``<= 0`` or ``NaN``: it has expired)."""
        if raw is None:
            return None, self._touch_seconds
        try:
            fields = loads(raw)
        except (SessionDataError, UnicodeDecodeError):
            return Record(), self._touch_seconds
        if not isinstance(fields, dict):
            return Record(), self._touch_seconds
        cookie = fields.pop("cookie", None)
        user = fields.get(self.user_field)
        if isinstance(user, str):
            del fields[self.user_field]
        else:
            user = None
        try:
            seconds = self._record({"cookie": cookie})[1]
        except SessionDataError:  # an originalMaxAge that is no number
            seconds = self._touch_seconds
        return Record(fields, user, max_age=self._lifetime_of(cookie)), seconds

    def _lifetime_of(self, cookie: object) -> float | None:
        """``session.max_age`` for a stored ``cookie`` object: its lifetime when
        that is not the store's own (``None`` when it is, or is none)."""
        if not isinstance(cookie, Mapping):
            return None
        original = cookie.get("originalMaxAge")
        if isinstance(original, bool) or not isinstance(original, (int, float)):
            return None
        seconds = original / 1000
        own = self.cookie.get("max_age", self.cookie.get("maxAge"))
        if seconds == own or not 0 < seconds <= MAX_COOKIE_LIFETIME:
            return None
        return seconds

    def _encoded(self, record: Record) -> tuple[str, float]:
        """The JSON text connect-redis keeps for *record*, and its TTL (``<= 0``
        or ``NaN``: the session's cookie has expired)."""
        if "cookie" in record.data:
            raise SessionDataError(
                "session.data has the key 'cookie', where express-session's record keeps "
                "the session cookie's options; rename the key")
        # A string there would read back as a login that login() never made (no
        # new token, no authentication): only another value, from Express, stays.
        if self.user_field in record.data and (
                record.user is not None or isinstance(record.data[self.user_field], str)):
            raise SessionDataError(
                f"session.data has the key {self.user_field!r}, where express-session's "
                "record keeps the user id of session.login(); rename the key, or give "
                "the store another user_field")
        options = dict(self.cookie)
        if record.max_age is not None:
            options["max_age"] = record.max_age
        fields: dict[str, Any] = {"cookie": express_cookie(options), **record.data}
        if record.user is not None:
            fields[self.user_field] = record.user
        text = dumps(fields)
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > self.max_record_bytes:
            raise SessionDataTooLargeError(
                f"the session's record is {size} bytes as JSON, over the store's limit "
                f"of {self.max_record_bytes}")
        return text, self._ttl(fields["cookie"]["expires"])

    def _reading(self, keys: list[Any]) -> Iterator[tuple[list[Any], Any]]:
        """*keys* in batches, each with a pipeline that reads them."""
        for start in range(0, len(keys), _SCAN_COUNT):
            batch = keys[start:start + _SCAN_COUNT]
            pipeline = self.client.pipeline(transaction=False)
            for key in batch:
                pipeline.get(key)
            yield batch, pipeline

    def _users_among(self, keys: list[Any], values: Iterable[Any], user: str) -> list[Any]:
        """Those of *keys* whose record (in *values*) is *user*'s."""
        return [key for key, raw in zip(keys, values, strict=True)
                if (record := self._decoded(raw)[0]) is not None and record.user == user]


class ConnectRedisStore(_ConnectFormat):
    """connect-redis's store, from Python: the same keys, JSON and expiry.

    ``ConnectRedisStore(client, prefix="sess:", ttl=86400, cookie=..., user_field="user")``
    over a ``redis.Redis`` or ``redis.cluster.RedisCluster`` (``decode_responses``
    either way); an asyncio client makes an :class:`AsyncConnectRedisStore`.
    *cookie* is the session cookie's options as the Express app sets them
    (``max_age`` in seconds, ``same_site``, ...): the ``cookie`` object a record
    written from Python needs, and the key's lifetime. Give it to a session
    middleware as ``store=``, or call :meth:`get`/:meth:`set` yourself.
    """

    blocking = True
    """Its calls wait for the server: an ASGI app takes an asyncio client instead."""

    @overload
    def __new__(cls, client: redis.Redis | redis.cluster.RedisCluster,
                *args: Any, **options: Any) -> ConnectRedisStore: ...

    # One name for every client, as RedisStore; mypy accepts it only with this ignore.
    @overload
    def __new__(  # type: ignore[misc]
            cls, client: redis.asyncio.Redis | redis.asyncio.cluster.RedisCluster,
            *args: Any, **options: Any) -> AsyncConnectRedisStore: ...

    def __new__(cls, client: Any, *args: Any, **options: Any) -> Any:
        if isinstance(client, (redis.asyncio.Redis, redis.asyncio.RedisCluster)):
            return AsyncConnectRedisStore(client, *args, **options)
        return super().__new__(cls)

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

    def load(self, token: str) -> Record | None:
        """The record under *token*, its key's life restarted: one round trip
        (two for a session whose cookie lifetime is not the store's own)."""
        key = self.prefix + token
        with unavailable_on_outage("load a session"):
            try:
                raw = self.client.getex(key, ex=int(self._touch_seconds))
            except UnicodeDecodeError:  # a client with decode_responses=True
                return Record()
            record, seconds = self._decoded(raw)
            if not seconds > 0:  # its cookie has expired: connect-redis's touch ends it
                self.client.delete(key)
                return None
            if seconds != self._touch_seconds:
                self.client.expire(key, int(seconds))
        return record

    def save(self, token: str, record: Record, *, create: bool) -> bool:
        """Write *record* in express-session's shape: with *create* only if
        *token* has none, else only if it has one. Returns whether it wrote."""
        text, ttl = self._encoded(record)
        if not ttl > 0:
            self.destroy(token)
            return False
        with unavailable_on_outage("save a session"):
            return bool(self.client.set(self.prefix + token, text, ex=int(ttl),
                                        nx=create, xx=not create))

    def destroy(self, token: str, user: str | None = None) -> bool:
        """Forget the session (a logout on either side); returns whether it existed."""
        with unavailable_on_outage("end a session"):
            return bool(self.client.delete(self.prefix + token))

    def logout_everywhere(self, user: str) -> int:
        """End every session whose user field is *user*, Express's logins too;
        returns how many.

        It scans the prefix, and scans again until a scan after the first ends
        nothing: a session that moved to a new token during a scan (a login, a
        reset) is found under it, or finds its old record gone and ends itself."""
        ended = 0
        with unavailable_on_outage("end a user's sessions"):
            for number in range(_MOST_SCANS):
                more = self._end_scan(user)
                ended += more
                if number and not more:
                    break
        return ended

    def _end_scan(self, user: str) -> int:
        keys = list(self.client.scan_iter(match=_glob_escaped(self.prefix) + "*",
                                          count=_SCAN_COUNT))
        ended = 0
        for batch, reading in self._reading(keys):
            for key in self._users_among(batch, reading.execute(), user):
                ended += int(self.client.delete(key_text(key)))
        return ended


class AsyncConnectRedisStore(_ConnectFormat):
    """:class:`ConnectRedisStore`'s store calls on an asyncio client, as
    coroutines. Made by ``ConnectRedisStore(client)`` for a ``redis.asyncio`` client."""

    async def load(self, token: str) -> Record | None:
        """As :meth:`ConnectRedisStore.load`."""
        key = self.prefix + token
        with unavailable_on_outage("load a session"):
            try:
                raw = await self.client.getex(key, ex=int(self._touch_seconds))
            except UnicodeDecodeError:
                return Record()
            record, seconds = self._decoded(raw)
            if not seconds > 0:
                await self.client.delete(key)
                return None
            if seconds != self._touch_seconds:
                await self.client.expire(key, int(seconds))
        return record

    async def save(self, token: str, record: Record, *, create: bool) -> bool:
        """As :meth:`ConnectRedisStore.save`."""
        text, ttl = self._encoded(record)
        if not ttl > 0:
            await self.destroy(token)
            return False
        with unavailable_on_outage("save a session"):
            return bool(await self.client.set(self.prefix + token, text, ex=int(ttl),
                                              nx=create, xx=not create))

    async def destroy(self, token: str, user: str | None = None) -> bool:
        """As :meth:`ConnectRedisStore.destroy`."""
        with unavailable_on_outage("end a session"):
            return bool(await self.client.delete(self.prefix + token))

    async def logout_everywhere(self, user: str) -> int:
        """As :meth:`ConnectRedisStore.logout_everywhere`."""
        ended = 0
        with unavailable_on_outage("end a user's sessions"):
            for number in range(_MOST_SCANS):
                more = await self._end_scan(user)
                ended += more
                if number and not more:
                    break
        return ended

    async def _end_scan(self, user: str) -> int:
        keys = [key async for key in self.client.scan_iter(
            match=_glob_escaped(self.prefix) + "*", count=_SCAN_COUNT)]
        ended = 0
        for batch, reading in self._reading(keys):
            for key in self._users_among(batch, await reading.execute(), user):
                ended += int(await self.client.delete(key_text(key)))
        return ended
