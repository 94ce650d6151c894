"""``RedisStore``: session records on Redis or Redis Cluster, sync or asyncio.

Every command names one key, so the store works unchanged on a cluster. A
session is one string key, ``prefix + token``, holding the record's JSON, with
a TTL: the idle timeout from the record's last write, cut short by the absolute
timeout. A read is one plain ``GET``, which leaves the TTL alone; a record read
more than a tenth of its idle timeout after its last write is written again by
that read, only if it is still the text just read (a compare-and-set script on
its one key), so its TTL restarts and nothing another request saved meanwhile is
undone. A session so ends between 0.9 and 1 idle timeout after its last request,
for one more round trip per tenth of the idle timeout. A user's sessions are also
listed in a set, ``prefix + "user:" + user``, for ``logout_everywhere``; every
write of a logged-in session gives it twice that session's lifetime, never
shortening it, so it outlives every session in it, and an abandoned account's set
goes by itself. (``EXPIRE ... NX`` and ``GT``: Redis 7.0 or later.)
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

import redis.asyncio
from redis import exceptions

from ..errors import StoreUnavailableError
from .base import (
    MAX_RECORD_BYTES,
    Record,
    check_timeouts,
    decode_record,
    encode_record,
    idle_of,
    remaining,
    started,
)

if TYPE_CHECKING:
    import redis.asyncio.cluster
    import redis.cluster

__all__ = ["AsyncRedisStore", "RedisStore"]

T = TypeVar("T")

# At most so many rounds of logout_everywhere (each reads the user's set once).
_MOST_ROUNDS = 8

# A record read more than this part of its idle timeout after its last write is written again.
_REFRESH_AFTER = 0.1

# KEYS[1]: a record's key; ARGV: the text just read, the text to write, its TTL.
# Writes only if the record is still what was read: a refresh never undoes a save.
_REFRESH = """
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("SET", KEYS[1], ARGV[2], "EX", ARGV[3])
end
return false
"""

# What an unreachable server (or cluster) raises; a command's own error (a
# WRONGTYPE, say) is a bug, not an outage, and passes through.
_OUTAGES = (exceptions.ConnectionError, exceptions.TimeoutError, exceptions.ClusterDownError,
            exceptions.MasterDownError, exceptions.TryAgainError,
            exceptions.SlotNotCoveredError,
            exceptions.ReadOnlyError)  # a replica during a failover


def _pass_on_unless_wrong_type(error: exceptions.ResponseError) -> None:
    """Raise *error* unless it says the key holds another type (a user's set, named
    by a token that a lax ``accept_token`` let through): that is no record."""
    if not str(error).startswith("WRONGTYPE"):
        raise error


def _unavailable(what: str, error: Exception) -> StoreUnavailableError:
    return StoreUnavailableError(f"the session store could not {what}: {error}")


@contextmanager
def unavailable_on_outage(what: str) -> Iterator[None]:
    """Raise an outage of the server as :class:`StoreUnavailableError` (*what*: the
    call that failed, for its message)."""
    try:
        yield
    except _OUTAGES as error:
        raise _unavailable(what, error) from error


class _RedisConfig:
    """What both kinds of store share: their settings, keys and record rules."""

    def __init__(self, client: Any, *, prefix: str = "session:",
                 idle_timeout: float = 14 * 24 * 3600, absolute_timeout: float | None = None,
                 max_record_bytes: int = MAX_RECORD_BYTES,
                 clock: Callable[[], float] = time.time) -> None:
        check_timeouts(idle_timeout, absolute_timeout)
        self.client = client
        self.prefix = prefix
        self.idle_timeout = idle_timeout
        self.absolute_timeout = absolute_timeout
        self.max_record_bytes = max_record_bytes
        self._clock = clock
        self._idle_seconds = math.ceil(idle_timeout)  # Redis takes whole seconds
        self._refresh_script = client.register_script(_REFRESH)

    def key(self, token: str) -> str:
        """The key of *token*'s record."""
        return self.prefix + token

    def user_key(self, user: str) -> str:
        """The key of the set of *user*'s session tokens."""
        return f"{self.prefix}user:{user}"

    def _read(self, raw: str | bytes | None) -> tuple[Record | None, str]:
        """The record in *raw*, and what the read must do: ``"keep"``, ``"expire"``
        (past its absolute timeout: the key goes) or ``"refresh"`` (written again
        to restart its TTL: see the module's docstring)."""
        record = decode_record(raw)
        if record is None:
            return None, "keep"
        now = self._clock()
        if remaining(record, self.idle_timeout, self.absolute_timeout, now) <= 0:
            return None, "expire"
        last = record.saved if record.saved is not None else record.created
        if (last is not None and record.created is not None
                and now - last > idle_of(record, self.idle_timeout) * _REFRESH_AFTER):
            return record, "refresh"
        return record, "keep"

    def _ending(self, pipeline: Any, user: str, tokens: list[str]) -> Any:
        """Queue on *pipeline* the end of *tokens*' records, then their removal
        from *user*'s set (only these: a login meanwhile keeps its place)."""
        for token in tokens:
            pipeline.delete(self.key(token))
        pipeline.srem(self.user_key(user), *tokens)
        return pipeline

    def _renewing(self, pipeline: Any, user: str, token: str, lifetime: int) -> Any:
        """Queue on *pipeline* the renewal of *token*'s place in *user*'s set."""
        pipeline.sadd(self.user_key(user), token)
        self._outlive(pipeline, user, lifetime)
        return pipeline

    def _prepared(self, record: Record) -> tuple[Record, str, int]:
        """*record* as it is saved now, its JSON, and whole seconds it may live."""
        now = self._clock()
        record = replace(started(record, now), saved=now)
        return record, encode_record(record, self.max_record_bytes), self._lifetime(record)

    def _update(self, pipeline: Any, token: str, text: str, lifetime: int,
                user: str | None) -> Any:
        """Queue on *pipeline* the update of *token*'s record, and for a logged-in
        session the renewal of its place in the user's set."""
        pipeline.set(self.key(token), text, ex=lifetime, xx=True)
        if user is not None:
            self._renewing(pipeline, user, token, lifetime)
        return pipeline

    def _outlive(self, pipeline: Any, user: str, lifetime: int) -> None:
        """Queue on *pipeline* what keeps *user*'s set alive longer than a session
        that lives *lifetime* seconds from now: twice that, never shortened (a
        remembered session of the user may live longer than this one)."""
        seconds = 2 * max(lifetime, self._idle_seconds)
        pipeline.expire(self.user_key(user), seconds, nx=True)  # a new set
        pipeline.expire(self.user_key(user), seconds, gt=True)

    def _lifetime(self, record: Record) -> int:
        """Whole seconds *record* may live from now (0: not at all)."""
        left = remaining(record, self.idle_timeout, self.absolute_timeout, self._clock())
        return max(0, math.ceil(left))


class RedisStore(_RedisConfig):
    """Session records on Redis, shared by every process and machine.

    ``RedisStore(client, prefix="session:", idle_timeout=..., absolute_timeout=None)``
    takes a ``redis.Redis`` or ``redis.cluster.RedisCluster``; given a
    ``redis.asyncio.Redis`` or ``redis.asyncio.cluster.RedisCluster`` it makes an
    :class:`AsyncRedisStore`, whose calls are coroutines. ``decode_responses``
    may be either. An unreachable server raises
    :class:`~session_middleware.errors.StoreUnavailableError`.
    """

    blocking = True
    """Its calls wait for the server: an ASGI app takes an asyncio client instead."""

    @overload
    def __new__(cls, client: redis.Redis | redis.cluster.RedisCluster,
                **options: Any) -> RedisStore: ...

    # One name for every client, as redis-py users expect; an asyncio client makes
    # the asyncio store, which mypy accepts only with this ignore.
    @overload
    def __new__(  # type: ignore[misc]
            cls, client: redis.asyncio.Redis | redis.asyncio.cluster.RedisCluster,
            **options: Any) -> AsyncRedisStore: ...

    def __new__(cls, client: Any, **options: Any) -> Any:
        if isinstance(client, (redis.asyncio.Redis, redis.asyncio.RedisCluster)):
            return AsyncRedisStore(client, **options)
        return super().__new__(cls)

    def load(self, token: str) -> Record | None:
        """The record under *token*: one ``GET``."""
        # try/except rather than unavailable_on_outage: 1.2 us less per read (measured).
        try:
            raw = self.client.get(self.prefix + token)
        except _OUTAGES as error:
            raise _unavailable("load a session", error) from error
        except exceptions.ResponseError as error:  # a token naming a user's set
            _pass_on_unless_wrong_type(error)
            return None
        except UnicodeDecodeError:  # decode_responses=True, and bytes no store wrote
            return Record()
        record, then = self._read(raw)
        if then == "expire":
            self.destroy(token)
        elif then == "refresh":
            self._refresh(token, cast("str | bytes", raw), cast(Record, record))
        return record

    def _refresh(self, token: str, raw: str | bytes, record: Record) -> None:
        """Write *token*'s record again if it is still *raw* (its TTL restarts),
        and renew the user's set: see the module's docstring."""
        fresh, text, lifetime = self._prepared(record)
        with unavailable_on_outage("refresh a session"):
            written = self._refresh_script(keys=[self.key(token)], args=[raw, text, lifetime])
            if written and fresh.user is not None:  # (not a record ended meanwhile)
                self._renewing(self.client.pipeline(transaction=False), fresh.user, token,
                               lifetime).execute()

    def save(self, token: str, record: Record, *, create: bool) -> bool:
        """Write *record*: with *create* only if *token* has none, else only if it
        has one (a logout meanwhile stays in force). Returns whether it wrote."""
        record, text, lifetime = self._prepared(record)
        if not lifetime:
            return False
        with unavailable_on_outage("save a session"):
            if not create:  # one round trip
                pipeline = self._update(self.client.pipeline(transaction=False), token,
                                        text, lifetime, record.user)
                return bool(pipeline.execute()[0])
            written = bool(self.client.set(self.key(token), text, ex=lifetime, nx=True))
            if written and record.user is not None:
                self._claim(record.user, token, lifetime)
        return written

    def _claim(self, user: str, token: str, lifetime: int) -> None:
        """List *token* among *user*'s sessions, and drop those that expired (a
        login is rare enough to pay for the tidying: one pipelined round trip)."""
        user_key = self.user_key(user)
        self.client.sadd(user_key, token)
        tokens = [key_text(member) for member in self.client.smembers(user_key)]
        pipeline = self.client.pipeline(transaction=False)
        self._outlive(pipeline, user, lifetime)
        for member in tokens:
            pipeline.exists(self.key(member))
        gone = [member for member, alive in zip(tokens, pipeline.execute()[2:], strict=True)
                if not alive]
        if gone:
            self.client.srem(user_key, *gone)

    def destroy(self, token: str, user: str | None = None) -> bool:
        """Remove the record under *token* (and its place in *user*'s set);
        returns whether there was one."""
        with unavailable_on_outage("end a session"):
            existed = bool(self.client.delete(self.key(token)))
            if user is not None:
                self.client.srem(self.user_key(user), token)
        return existed

    def logout_everywhere(self, user: str) -> int:
        """End every session of *user*; returns how many were still alive.

        The set is read again after each round of deletes, until it shows no
        token not yet ended: a session that moved to a new token meanwhile (a
        login, a reset) is listed under it by then, or finds its old record gone
        and ends itself."""
        ended, handled = 0, set[str]()
        with unavailable_on_outage("end a user's sessions"):
            for _ in range(_MOST_ROUNDS):
                members = self.client.smembers(self.user_key(user))
                tokens = [key_text(m) for m in members if key_text(m) not in handled]
                if not tokens:
                    break
                ended += sum(self._ending(self.client.pipeline(transaction=False),
                                          user, tokens).execute()[:-1])
                handled.update(tokens)
        return ended



class AsyncRedisStore(_RedisConfig):
    """:class:`RedisStore` on an asyncio client: the same calls, as coroutines.
    Made by ``RedisStore(client)`` for a ``redis.asyncio`` client."""

    async def load(self, token: str) -> Record | None:
        """The record under *token*: one ``GET``."""
        try:  # as RedisStore.load
            raw = await self.client.get(self.prefix + token)
        except _OUTAGES as error:
            raise _unavailable("load a session", error) from error
        except exceptions.ResponseError as error:
            _pass_on_unless_wrong_type(error)
            return None
        except UnicodeDecodeError:
            return Record()
        record, then = self._read(raw)
        if then == "expire":
            await self.destroy(token)
        elif then == "refresh":
            await self._refresh(token, cast("str | bytes", raw), cast(Record, record))
        return record

    async def _refresh(self, token: str, raw: str | bytes, record: Record) -> None:
        """As :meth:`RedisStore._refresh`."""
        fresh, text, lifetime = self._prepared(record)
        with unavailable_on_outage("refresh a session"):
            written = await self._refresh_script(keys=[self.key(token)],
                                                 args=[raw, text, lifetime])
            if written and fresh.user is not None:
                await self._renewing(self.client.pipeline(transaction=False), fresh.user,
                                     token, lifetime).execute()

    async def save(self, token: str, record: Record, *, create: bool) -> bool:
        """As :meth:`RedisStore.save`."""
        record, text, lifetime = self._prepared(record)
        if not lifetime:
            return False
        with unavailable_on_outage("save a session"):
            if not create:
                pipeline = self._update(self.client.pipeline(transaction=False), token,
                                        text, lifetime, record.user)
                return bool((await pipeline.execute())[0])
            written = bool(await self.client.set(self.key(token), text, ex=lifetime, nx=True))
            if written and record.user is not None:
                await self._claim(record.user, token, lifetime)
        return written

    async def _claim(self, user: str, token: str, lifetime: int) -> None:
        """As :meth:`RedisStore._claim`."""
        user_key = self.user_key(user)
        await self.client.sadd(user_key, token)
        members = await _awaited(self.client.smembers(user_key))
        tokens = [key_text(member) for member in members]
        pipeline = self.client.pipeline(transaction=False)
        self._outlive(pipeline, user, lifetime)
        for member in tokens:
            pipeline.exists(self.key(member))
        gone = [member for member, alive in zip(tokens, (await pipeline.execute())[2:],
                                                  strict=True) if not alive]
        if gone:
            await self.client.srem(user_key, *gone)

    async def destroy(self, token: str, user: str | None = None) -> bool:
        """As :meth:`RedisStore.destroy`."""
        with unavailable_on_outage("end a session"):
            existed = bool(await self.client.delete(self.key(token)))
            if user is not None:
                await self.client.srem(self.user_key(user), token)
        return existed

    async def logout_everywhere(self, user: str) -> int:
        """As :meth:`RedisStore.logout_everywhere`."""
        ended, handled = 0, set[str]()
        with unavailable_on_outage("end a user's sessions"):
            for _ in range(_MOST_ROUNDS):
                members = await _awaited(self.client.smembers(self.user_key(user)))
                tokens = [key_text(m) for m in members if key_text(m) not in handled]
                if not tokens:
                    break
                pipeline = self._ending(self.client.pipeline(transaction=False), user, tokens)
                ended += sum((await pipeline.execute())[:-1])
                handled.update(tokens)
        return ended


async def _awaited(value: Awaitable[T] | T) -> T:
    # redis-py types some asyncio commands as returning either.
    if isinstance(value, Awaitable):
        return await value
    return value


def key_text(value: str | bytes) -> str:
    return value.decode("ascii") if isinstance(value, bytes) else value
