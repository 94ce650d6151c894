"""The stores alone: MemoryStore, and RedisStore on a real redis-server, sync and
asyncio, against one table of expectations."""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from session_middleware import StoreUnavailableError
from session_middleware.stores import MemoryStore, Record, SessionDataTooLargeError
from tests.services import free_port

TOKEN = "t" * 256
OTHER = "o" * 256


class Clock:
    """A clock the tests move by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


# One event loop per test, so that an asyncio client serves every call of a test.
_LOOPS: list[asyncio.AbstractEventLoop] = []


@pytest.fixture(autouse=True)
def _one_event_loop() -> Iterator[None]:
    loop = asyncio.new_event_loop()
    _LOOPS.append(loop)
    yield
    _LOOPS.remove(loop)
    loop.close()


def run(value: Any) -> Any:
    """A store call's result, awaited (in the test's event loop) when the store is
    asynchronous."""
    return _LOOPS[-1].run_until_complete(value) if inspect.iscoroutine(value) else value


class Kind:
    """A way to make a store, and to look behind it."""

    def __init__(self, make: Callable[..., Any], raw: Callable[[str], Any] | None) -> None:
        self.make = make
        self.raw = raw


@pytest.fixture(params=["memory", "redis", "redis-asyncio", "cluster", "cluster-asyncio"])
def kind(request: pytest.FixtureRequest) -> Iterator[Kind]:
    if request.param == "memory":
        yield Kind(lambda **options: MemoryStore(**options), None)
        return
    import redis
    import redis.asyncio

    from session_middleware.stores import RedisStore

    if request.param.startswith("cluster"):
        yield from _cluster_kind(request.getfixturevalue("redis_cluster_nodes"),
                                 asyncio_client=request.param.endswith("asyncio"))
        return

    url = request.getfixturevalue("redis_url")
    sync_client = redis.Redis.from_url(url)
    sync_client.flushdb()
    if request.param == "redis":
        yield Kind(lambda **options: RedisStore(sync_client, **options), sync_client.get)
    else:
        client = redis.asyncio.Redis.from_url(url)
        yield Kind(lambda **options: RedisStore(client, **options), sync_client.get)
        run(client.aclose())
    sync_client.close()


def _cluster_kind(ports: list[int], *, asyncio_client: bool) -> Iterator[Kind]:
    """Stores on a three-master Redis Cluster, sync or asyncio."""
    import redis.asyncio.cluster
    import redis.cluster

    from session_middleware.stores import RedisStore

    sync_client = redis.cluster.RedisCluster(host="127.0.0.1", port=ports[0])
    sync_client.flushall()
    if not asyncio_client:
        yield Kind(lambda **options: RedisStore(sync_client, **options), sync_client.get)
    else:
        client = redis.asyncio.cluster.RedisCluster(host="127.0.0.1", port=ports[0])
        yield Kind(lambda **options: RedisStore(client, **options), sync_client.get)
        run(client.aclose())
    sync_client.close()


def test_save_creates_and_updates_as_asked(kind: Kind) -> None:
    store = kind.make()
    record = Record({"cart": [1, 2]}, "ada")
    assert run(store.load(TOKEN)) is None
    assert run(store.save(TOKEN, record, create=False)) is False  # nothing to update
    assert run(store.save(TOKEN, record, create=True)) is True
    assert run(store.save(TOKEN, record, create=True)) is False  # already there
    loaded = run(store.load(TOKEN))
    assert (loaded.data, loaded.user) == ({"cart": [1, 2]}, "ada")
    assert isinstance(loaded.created, float)  # filled in by the store, by its clock
    assert run(store.save(TOKEN, Record({"cart": []}, "ada", loaded.created), create=False))
    assert run(store.load(TOKEN)).data == {"cart": []}


def test_a_destroyed_record_is_not_brought_back_by_an_update(kind: Kind) -> None:
    store = kind.make()
    run(store.save(TOKEN, Record({"a": 1}, "ada"), create=True))
    run(store.destroy(TOKEN, "ada"))
    assert run(store.save(TOKEN, Record({"a": 2}, "ada"), create=False)) is False
    assert run(store.load(TOKEN)) is None


def test_logout_everywhere_ends_every_session_of_the_user(kind: Kind) -> None:
    store = kind.make()
    run(store.save(TOKEN, Record({}, "ada"), create=True))
    run(store.save(OTHER, Record({}, "ada"), create=True))
    run(store.save("b" * 256, Record({}, "bob"), create=True))
    assert run(store.logout_everywhere("ada")) == 2
    assert run(store.load(TOKEN)) is None
    assert run(store.load(OTHER)) is None
    assert run(store.load("b" * 256)) is not None
    assert run(store.logout_everywhere("ada")) == 0


@pytest.mark.parametrize("kind", ["redis", "redis-asyncio", "cluster", "cluster-asyncio"],
                         indirect=True)
@pytest.mark.parametrize("raw", [
    pytest.param(b"not json", id="not-json"),
    pytest.param(b"[1, 2]", id="not-an-object"),
    pytest.param(b'{"data": 1, "user": null, "created": 1}', id="data-not-an-object"),
    pytest.param(b'{"data": {}, "user": 7, "created": 1}', id="user-not-a-str"),
    pytest.param(b'{"data": {}, "user": null, "created": "x"}', id="created-not-a-number"),
    pytest.param(b"\xff\xfe", id="not-utf8"),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, id="nested-past-the-recursion-limit"),
    pytest.param(b'{"data": {}, "user": null, "created": 1, "max_age": 1e308}',
                 id="max-age-past-400-days"),
    pytest.param(b'{"data": {}, "user": null, "created": 1, "max_age": -5}',
                 id="max-age-negative"),
    pytest.param(b'{"data": {"x": NaN}, "user": null, "created": 1}', id="nan"),
    pytest.param(b'{"data": {"x": -Infinity}, "user": null, "created": 1}', id="infinity"),
    pytest.param(b'{"data": {"x": 1e400}, "user": null, "created": 1}', id="past-a-double"),
])
def test_a_record_that_is_not_ours_reads_as_empty_and_is_replaced(kind: Kind, raw: bytes) -> None:
    assert kind.raw is not None
    store = kind.make()
    kind.raw.__self__.set(store.key(TOKEN), raw)  # type: ignore[attr-defined]
    loaded = run(store.load(TOKEN))
    assert (loaded.data, loaded.user) == ({}, None)
    assert run(store.save(TOKEN, Record({"ok": True}), create=False)) is True
    assert json.loads(kind.raw(store.key(TOKEN)))["data"] == {"ok": True}


def test_the_size_cap_fails_the_save_and_writes_nothing(kind: Kind) -> None:
    store = kind.make(max_record_bytes=1024)
    with pytest.raises(SessionDataTooLargeError, match="over the store's limit of 1024"):
        run(store.save(TOKEN, Record({"blob": "x" * 2000}), create=True))
    assert run(store.load(TOKEN)) is None


def test_idle_and_absolute_timeouts() -> None:
    clock = Clock()
    store = MemoryStore(100, absolute_timeout=250, clock=clock)
    store.save(TOKEN, Record({}, None, clock.now), create=True)
    clock.now += 90
    assert store.load(TOKEN) is not None  # used: the idle timeout restarts
    clock.now += 90
    assert store.load(TOKEN) is not None
    clock.now += 101
    assert store.load(TOKEN) is None  # idle too long
    store.save(OTHER, Record({}, None, clock.now), create=True)
    for _ in range(3):
        clock.now += 80
        assert store.load(OTHER) is not None
    clock.now += 80
    assert store.load(OTHER) is None  # 320 s after it began: past the absolute timeout
    assert len(store) == 0


def test_a_record_past_its_absolute_timeout_behind_a_live_one_is_not_counted() -> None:
    clock = Clock()
    store = MemoryStore(100, absolute_timeout=150, clock=clock)
    store.save(TOKEN, Record({}, "ada", clock.now - 100), create=True)  # began earlier
    store.save(OTHER, Record({}, "ada"), create=True)
    store.load(OTHER)  # the front of the queue is alive; TOKEN's deadline (+50 s) is not
    store.load(TOKEN)
    clock.now += 60  # TOKEN is past its absolute timeout, behind OTHER
    assert len(store) == 1
    assert store.logout_everywhere("ada") == 1
    assert len(store) == 0


def test_the_memory_store_is_bounded() -> None:
    store = MemoryStore(max_entries=2)
    for index in range(3):
        store.save(str(index) * 256, Record({}, "ada"), create=True)
    assert len(store) == 2
    assert store.load("0" * 256) is None  # the least recently used went
    assert store.logout_everywhere("ada") == 2


def test_redis_keys_expire_by_themselves(redis_url: str) -> None:
    import redis

    from session_middleware.stores import RedisStore

    client = redis.Redis.from_url(redis_url)
    clock = Clock()
    store = RedisStore(client, idle_timeout=600, absolute_timeout=900, clock=clock)
    store.save(TOKEN, Record({}, None, clock.now), create=True)
    assert 590 <= client.ttl(store.key(TOKEN)) <= 600
    clock.now += 800  # 100 s of the absolute timeout left: the TTL says so
    store.save(TOKEN, Record({"a": 1}, None, clock.now - 800), create=False)
    assert 90 <= client.ttl(store.key(TOKEN)) <= 100
    clock.now += 200
    assert store.load(TOKEN) is None
    assert client.exists(store.key(TOKEN)) == 0
    client.close()


def test_an_unreachable_redis_raises_store_unavailable() -> None:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    from session_middleware.stores import RedisStore

    client = redis.Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=1,
                         retry=Retry(NoBackoff(), 0))
    store = RedisStore(client)
    with pytest.raises(StoreUnavailableError, match="could not load a session"):
        store.load(TOKEN)
    with pytest.raises(StoreUnavailableError, match="could not save a session"):
        store.save(TOKEN, Record({"a": 1}), create=True)


def test_an_asyncio_client_makes_an_asyncio_store() -> None:
    import redis
    import redis.asyncio

    from session_middleware.stores import AsyncRedisStore, RedisStore

    assert type(RedisStore(redis.Redis())) is RedisStore
    assert type(RedisStore(redis.asyncio.Redis())) is AsyncRedisStore


def test_a_login_tidies_away_the_users_expired_sessions(kind: Kind) -> None:
    if kind.raw is None:
        store = kind.make()
        run(store.save(TOKEN, Record({}, "ada"), create=True))
        run(store.destroy(TOKEN, None))  # gone without its user: as if it expired
        run(store.save(OTHER, Record({}, "ada"), create=True))
        assert run(store.logout_everywhere("ada")) == 1
        return
    client = kind.raw.__self__  # type: ignore[attr-defined]
    store = kind.make()
    run(store.save(TOKEN, Record({}, "ada"), create=True))
    client.delete(store.key(TOKEN))  # expired: its key is gone, its claim is not
    run(store.save(OTHER, Record({}, "ada"), create=True))
    assert {member.decode() for member in client.smembers(store.user_key("ada"))} == {OTHER}


@pytest.mark.parametrize(("options", "message"), [
    pytest.param({"idle_timeout": 0}, "idle_timeout must be a positive number of seconds, got 0",
                 id="idle-zero"),
    pytest.param({"absolute_timeout": -1},
                 "absolute_timeout must be a positive number of seconds, got -1",
                 id="absolute-negative"),
    pytest.param({"idle_timeout": "60"},
                 "idle_timeout must be a positive number of seconds, got '60'", id="text"),
    pytest.param({"idle_timeout": float("inf")},
                 "idle_timeout must be a positive number of seconds, got inf", id="infinite"),
])
def test_timeouts_are_checked(kind: Kind, options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=f"^{message}$"):
        kind.make(**options)


def test_a_float_idle_timeout_reads_and_writes(kind: Kind) -> None:
    store = kind.make(idle_timeout=1800.5)
    run(store.save(TOKEN, Record({"a": 1}), create=True))
    assert run(store.load(TOKEN)).data == {"a": 1}


def test_a_login_during_logout_everywhere_is_ended_too(redis_url: str) -> None:
    import redis

    from session_middleware.stores import RedisStore

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    store = RedisStore(client)
    store.save(TOKEN, Record({}, "ada"), create=True)

    class LoginMeanwhile:
        """The client, with a login landing right after the first SMEMBERS."""

        landed = False

        def __getattr__(self, name: str) -> Any:
            return getattr(client, name)

        def smembers(self, key: str) -> Any:
            members = client.smembers(key)
            if not self.landed:
                self.landed = True
                RedisStore(client).save(OTHER, Record({}, "ada"), create=True)
            return members

    store.client = LoginMeanwhile()
    assert store.logout_everywhere("ada") == 2  # the set is read again: OTHER is there
    store.client = client
    assert store.load(OTHER) is None
    assert store.logout_everywhere("ada") == 0
    client.close()


REDIS_KINDS = ["redis", "redis-asyncio", "cluster", "cluster-asyncio"]


@pytest.mark.parametrize("kind", REDIS_KINDS, indirect=True)
def test_a_read_leaves_the_ttl_and_a_late_one_writes_the_record_again(kind: Kind) -> None:
    client = kind.raw.__self__  # type: ignore[union-attr]
    clock = Clock()
    clock.now = client.time()[0]  # Redis counts TTLs by its own clock
    store = kind.make(idle_timeout=1000, clock=clock)
    run(store.save(TOKEN, Record({"a": 1}, "ada"), create=True))
    assert 990 < client.ttl(store.key(TOKEN)) <= 1000
    assert 1990 < client.ttl(store.user_key("ada")) <= 2000  # twice the idle timeout

    client.expire(store.key(TOKEN), 500)
    run(store.load(TOKEN))  # a plain GET: the TTL stays
    assert client.ttl(store.key(TOKEN)) <= 500

    # Read more than a tenth of the idle timeout after its last write, the record
    # is written again by the read: its TTL restarts and the user's set is renewed
    # (listing the token again, should the set have gone).
    clock.now += 101
    client.delete(store.user_key("ada"))
    assert run(store.load(TOKEN)).data == {"a": 1}
    assert 990 < client.ttl(store.key(TOKEN)) <= 1000
    assert json.loads(client.get(store.key(TOKEN)))["saved"] == clock.now
    assert client.smembers(store.user_key("ada")) == {TOKEN.encode()}
    assert 1990 < client.ttl(store.user_key("ada")) <= 2000


def test_a_late_read_never_undoes_a_save_made_meanwhile(redis_url: str) -> None:
    import redis

    from session_middleware.stores import RedisStore

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    clock = Clock()
    clock.now = client.time()[0]
    RedisStore(client, clock=clock).save(TOKEN, Record({"cart": ["book"]}, "ada"),
                                         create=True)
    clock.now += 3 * 24 * 3600  # past a tenth of the default idle timeout

    class SaveMeanwhile:
        """The client, with another request's save landing right after the GET."""

        def __getattr__(self, name: str) -> Any:
            return getattr(client, name)

        def get(self, key: str) -> Any:
            raw = client.get(key)
            other = RedisStore(client, clock=clock)
            other.save(TOKEN, Record({"cart": ["book", "pen"]}, "ada", clock.now - 1,
                                     max_age=30 * 24 * 3600), create=False)
            return raw

    slow = RedisStore(SaveMeanwhile(), clock=clock)  # type: ignore[arg-type]
    assert slow.load(TOKEN).data == {"cart": ["book"]}  # type: ignore[union-attr]
    kept = RedisStore(client, clock=clock).load(TOKEN)
    assert kept is not None
    assert (kept.data, kept.max_age) == ({"cart": ["book", "pen"]}, 30 * 24 * 3600)
    client.close()


def test_a_session_read_late_is_written_back_once_through_the_middleware(redis_url: str) -> None:
    import redis
    from webob import Request, Response
    from webob.dec import wsgify

    from cookie_middleware import Cookies
    from session_middleware import Session, get_session
    from session_middleware.stores import RedisStore

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    clock = Clock()
    clock.now = client.time()[0]
    store = RedisStore(client, idle_timeout=1000, clock=clock)

    @wsgify
    def view(request: Request) -> Response:
        session = get_session(request)
        if request.path == "/login":
            session.login("ada")
        return Response(str(session.user))

    app = Cookies.middleware(Session.middleware(view, store=store))
    cookie = Request.blank("/login").get_response(app).headers["Set-Cookie"].split(";")[0]
    token = cookie.split("=", 1)[1]
    saved = json.loads(client.get(store.key(token)))["saved"]

    def visit() -> float:
        assert Request.blank("/", headers={"Cookie": cookie}).get_response(app).text == "ada"
        return float(json.loads(client.get(store.key(token)))["saved"])

    clock.now += 60
    assert visit() == saved  # early: only read
    clock.now += 60
    assert visit() == clock.now  # late: written again by the read
    clock.now += 60
    assert visit() == clock.now - 60  # and only once
    client.close()


@pytest.mark.parametrize("touch", [pytest.param(True, id="reads-the-user"),
                                   pytest.param(False, id="never-touches-the-session")])
def test_an_unchanged_session_costs_one_get_and_an_untouched_one_nothing(
        redis_url: str, touch: bool) -> None:
    import redis
    from webob import Request, Response
    from webob.dec import wsgify

    from cookie_middleware import Cookies
    from session_middleware import Session, get_session
    from session_middleware.stores import RedisStore

    client = redis.Redis.from_url(redis_url)
    client.flushdb()

    @wsgify
    def view(request: Request) -> Response:
        session = get_session(request)
        if request.path == "/login":
            session.login("ada")
        return Response(str(session.user) if touch or request.path == "/login" else "hi")

    app = Cookies.middleware(Session.middleware(view, store=RedisStore(client)))
    cookie = Request.blank("/login").get_response(app).headers["Set-Cookie"].split(";")[0]

    def calls() -> dict[str, int]:
        return {name.removeprefix("cmdstat_"): stats["calls"]
                for name, stats in client.info("commandstats").items()}

    before = calls()
    for _ in range(10):
        Request.blank("/", headers={"Cookie": cookie}).get_response(app)
    after = calls()
    sent = {name: count - before.get(name, 0) for name, count in after.items()
            if count != before.get(name, 0) and name != "info"}
    assert sent == ({"get": 10} if touch else {})
    client.close()


def test_a_remembered_session_lives_its_own_lifetime_idle_in_memory() -> None:
    clock = Clock()
    store = MemoryStore(1000, clock=clock)
    store.save(TOKEN, Record({}, "ada", max_age=3000), create=True)  # first in the queue
    store.save(OTHER, Record({}, "bob"), create=True)
    clock.now += 1500
    assert store.load(OTHER) is None  # the store's idle timeout: behind TOKEN, still ended
    assert store.load(TOKEN) is not None  # "remember me" for 3000 s
    clock.now += 2999
    assert store.load(TOKEN) is not None  # and restarted by the read
    assert len(store) == 1


@pytest.mark.parametrize("kind", REDIS_KINDS, indirect=True)
def test_a_remembered_session_lives_its_own_lifetime_idle_on_redis(kind: Kind) -> None:
    client = kind.raw.__self__  # type: ignore[union-attr]
    store = kind.make(idle_timeout=1000)
    run(store.save(TOKEN, Record({}, "ada", max_age=3000), create=True))
    assert 2990 < client.ttl(store.key(TOKEN)) <= 3000
    assert 5990 < client.ttl(store.user_key("ada")) <= 6000
    # A shorter session of the same user never shortens the user's set.
    run(store.save(OTHER, Record({}, "ada"), create=True))
    assert 990 < client.ttl(store.key(OTHER)) <= 1000
    assert 5990 < client.ttl(store.user_key("ada")) <= 6000
    run(store.save(OTHER, Record({"a": 1}, "ada"), create=False))
    assert 5990 < client.ttl(store.user_key("ada")) <= 6000


def test_a_full_memory_store_evicts_others_before_a_remembered_session() -> None:
    clock = Clock()
    store = MemoryStore(100, max_entries=2, clock=clock)
    store.save(TOKEN, Record({}, "ada", max_age=10_000), create=True)  # the oldest
    store.save(OTHER, Record({}, "bob"), create=True)
    clock.now += 150  # OTHER has expired; TOKEN is remembered for 10,000 s
    for index in range(2):
        store.save(str(index) * 256, Record({"n": index}), create=True)
    assert store.load(TOKEN) is not None  # evicted last, though least recently used
    assert store.load("0" * 256) is None  # the least recently used of the others went
    assert len(store) == 2


@pytest.mark.parametrize("kind", REDIS_KINDS, indirect=True)
def test_a_token_that_names_a_users_set_reads_as_no_record(kind: Kind) -> None:
    # A lax accept_token could let a client send "user:ada" as its token.
    store = kind.make()
    run(store.save(TOKEN, Record({}, "ada"), create=True))
    assert run(store.load("user:ada")) is None


@pytest.mark.parametrize("asyncio_client", [pytest.param(False, id="sync"),
                                            pytest.param(True, id="asyncio")])
def test_bytes_no_store_wrote_read_as_empty_with_decoded_responses(
        redis_url: str, asyncio_client: bool) -> None:
    import redis
    import redis.asyncio

    from session_middleware.stores import RedisStore

    raw = redis.Redis.from_url(redis_url)
    raw.flushdb()
    raw.set("session:" + TOKEN, b"\xff\xfe not utf-8")
    client: Any = (redis.asyncio.Redis.from_url(redis_url, decode_responses=True)
                   if asyncio_client else redis.Redis.from_url(redis_url, decode_responses=True))
    record = run(RedisStore(client).load(TOKEN))
    assert (record.data, record.user) == ({}, None)
    if asyncio_client:
        run(client.aclose())
    raw.close()


@pytest.mark.parametrize("kind", REDIS_KINDS, indirect=True)
def test_logout_everywhere_ends_a_session_rotating_across_its_rounds(kind: Kind) -> None:
    """A login or reset that writes its new record after logout_everywhere read the
    set, and destroys the old one before logout_everywhere got to it."""
    from session_middleware.stores import RedisStore

    store = kind.make()
    run(store.save(TOKEN, Record({}, "ada"), create=True))
    client = kind.raw.__self__  # type: ignore[union-attr]
    real = store.client

    class RotationMeanwhile:
        landed = False

        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def rotate(self) -> None:
            if not self.landed:  # the rotation, whole, right after the first read
                self.landed = True
                RedisStore(client).save(OTHER, Record({}, "ada"), create=True)
                RedisStore(client).destroy(TOKEN, "ada")

        def smembers(self, key: str) -> Any:
            members = real.smembers(key)
            if inspect.isawaitable(members):
                async def read_then_rotate() -> Any:
                    result = await members
                    self.rotate()
                    return result
                return read_then_rotate()
            self.rotate()
            return members

    store.client = RotationMeanwhile()
    run(store.logout_everywhere("ada"))
    assert client.get(store.key(OTHER)) is None  # the rotated session is ended too


def test_a_memory_store_full_of_remembered_sessions_still_takes_a_login() -> None:
    clock = Clock()
    store = MemoryStore(100, max_entries=3, clock=clock)
    for index in range(3):
        store.save(str(index) * 256, Record({}, "ada", max_age=10_000), create=True)
    assert store.save(TOKEN, Record({}, "bob"), create=True) is True
    assert store.load(TOKEN) is not None  # never the record just written
    assert store.load("0" * 256) is None  # the one nearest its deadline went
    assert len(store) == 3


def test_a_shorter_remembered_session_expires_behind_a_longer_one() -> None:
    clock = Clock()
    store = MemoryStore(100, max_entries=2, clock=clock)
    store.save(TOKEN, Record({}, "ada", max_age=10_000), create=True)  # used first
    store.save(OTHER, Record({}, "ada", max_age=500), create=True)
    clock.now += 600  # OTHER has expired, TOKEN has not
    store.save("n" * 256, Record({}, "bob"), create=True)  # the store is full again
    assert store.load(TOKEN) is not None
    assert store.load(OTHER) is None
    assert len(store) == 2


def test_a_late_read_of_a_record_ended_meanwhile_lists_it_nowhere(redis_url: str) -> None:
    import redis

    from session_middleware.stores import RedisStore

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    clock = Clock()
    clock.now = client.time()[0]
    store = RedisStore(client, clock=clock)
    store.save(TOKEN, Record({}, "ada"), create=True)
    clock.now += 3 * 24 * 3600  # past a tenth of the idle timeout: the read refreshes

    class LogoutMeanwhile:
        """The client, with a logout landing right after the GET."""

        def __getattr__(self, name: str) -> Any:
            return getattr(client, name)

        def get(self, key: str) -> Any:
            raw = client.get(key)
            RedisStore(client).destroy(TOKEN, "ada")
            return raw

    RedisStore(LogoutMeanwhile(), clock=clock).load(TOKEN)  # type: ignore[arg-type]
    assert client.get(store.key(TOKEN)) is None
    assert client.smembers(store.user_key("ada")) == set()
    client.close()
