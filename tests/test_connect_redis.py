"""ConnectRedisStore as a session store: express-session's records through
``session.data``, ``user``, ``login`` and ``logout``, on a real redis-server and a
real Redis Cluster, sync and asyncio. (Its record format against the real npm
packages: tests/interop.)"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Iterator
from typing import Any

import pytest
from webob import Request, Response
from webob.dec import wsgify

from cookie_middleware import Cookies
from cookie_middleware.asgi import CookiesMiddleware
from session_middleware import SessionDataError, StoreUnavailableError, get_session
from session_middleware.asgi import SessionMiddleware
from session_middleware.express import express_cookie, is_express_sid, new_express_sid
from session_middleware.stored import SessionData
from session_middleware.stores import (
    AsyncConnectRedisStore,
    ConnectRedisStore,
    Record,
    SessionDataTooLargeError,
)
from session_middleware.wsgi import Session
from tests.asgi_driver import call, http_scope
from tests.services import free_port

DAY = 24 * 3600
COOKIE: dict[str, Any] = {"max_age": 14 * DAY, "same_site": "lax"}
SID = new_express_sid()
OTHER = new_express_sid()


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    """One event loop per test, so an asyncio client serves every call of a test."""
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


class Kind:
    """A store on one kind of client, and a sync client to look behind it."""

    def __init__(self, loop: asyncio.AbstractEventLoop, client: Any, raw: Any) -> None:
        self.loop, self.client, self.raw = loop, client, raw

    def make(self, **options: Any) -> Any:
        return ConnectRedisStore(self.client, cookie=COOKIE, **options)

    def run(self, value: Any) -> Any:
        return self.loop.run_until_complete(value) if inspect.iscoroutine(value) else value


@pytest.fixture(params=["redis", "redis-asyncio", "cluster", "cluster-asyncio"])
def kind(request: pytest.FixtureRequest, loop: asyncio.AbstractEventLoop) -> Iterator[Kind]:
    import redis
    import redis.asyncio
    import redis.asyncio.cluster
    import redis.cluster

    client: Any
    if request.param.startswith("cluster"):
        port = request.getfixturevalue("redis_cluster_nodes")[0]
        raw: Any = redis.cluster.RedisCluster(host="127.0.0.1", port=port,
                                              decode_responses=True)
        raw.flushall()
        client = (redis.asyncio.cluster.RedisCluster(host="127.0.0.1", port=port)
                  if request.param.endswith("asyncio") else raw)
    else:
        url = request.getfixturevalue("redis_url")
        raw = redis.Redis.from_url(url, decode_responses=True)
        raw.flushdb()
        client = redis.asyncio.Redis.from_url(url) if request.param.endswith("asyncio") else raw
    kind = Kind(loop, client, raw)
    yield kind
    if client is not raw:
        kind.run(client.aclose())
    raw.close()


def test_an_asyncio_client_makes_the_asyncio_store(kind: Kind) -> None:
    store = kind.make()
    assert isinstance(store, AsyncConnectRedisStore) is (kind.client is not kind.raw)
    assert inspect.iscoroutinefunction(store.load) is (kind.client is not kind.raw)


def test_save_load_and_destroy_follow_the_store_rules(kind: Kind) -> None:
    store = kind.make()
    record = Record({"cart": ["tea"]}, "ada")
    assert kind.run(store.load(SID)) is None
    assert kind.run(store.save(SID, record, create=False)) is False  # nothing to update
    assert kind.run(store.save(SID, record, create=True)) is True
    assert kind.run(store.save(SID, record, create=True)) is False  # already there
    loaded = kind.run(store.load(SID))
    assert (loaded.data, loaded.user, loaded.max_age) == ({"cart": ["tea"]}, "ada", None)
    assert kind.run(store.destroy(SID, "ada")) is True
    assert kind.run(store.save(SID, Record({"cart": []}, "ada"), create=False)) is False
    assert kind.raw.get("sess:" + SID) is None  # a logout meanwhile stays in force
    assert kind.run(store.destroy(SID)) is False


def test_a_python_record_is_the_one_express_session_writes(kind: Kind) -> None:
    store = kind.make()
    kind.run(store.save(SID, Record({"cart": ["tea"], "n": 1}, "ada"), create=True))
    record = json.loads(kind.raw.get("sess:" + SID))
    cookie = record.pop("cookie")
    assert list(record.items()) == [("cart", ["tea"]), ("n", 1), ("user", "ada")]
    assert {k: v for k, v in cookie.items() if k != "expires"} == {
        k: v for k, v in express_cookie(COOKIE).items() if k != "expires"}
    assert 14 * DAY - 60 < kind.raw.ttl("sess:" + SID) <= 14 * DAY


@pytest.mark.parametrize(("fields", "data", "user", "max_age"), [
    pytest.param({"user": "ada", "cart": [1]}, {"cart": [1]}, "ada", None, id="string-user"),
    pytest.param({"user": 42}, {"user": 42}, None, None, id="a-number-user-stays-data"),
    pytest.param({"passport": {"user": "ada"}}, {"passport": {"user": "ada"}}, None, None,
                 id="no-user-field"),
    pytest.param({"cookie": {"originalMaxAge": 30 * DAY * 1000}, "user": "ada"}, {}, "ada",
                 30 * DAY, id="a-lifetime-of-its-own"),
    pytest.param({"cookie": {"originalMaxAge": None, "expires": None}}, {}, None, None,
                 id="a-browser-session-cookie"),
])
def test_an_express_record_reads_as_data_user_and_lifetime(
        kind: Kind, fields: dict[str, Any], data: dict[str, Any], user: str | None,
        max_age: float | None) -> None:
    ConnectRedisStore(kind.raw, cookie=COOKIE).set(SID, fields)
    loaded = kind.run(kind.make().load(SID))
    assert (loaded.data, loaded.user, loaded.max_age) == (data, user, max_age)


def test_a_read_restarts_the_key_as_express_sessions_touch(kind: Kind) -> None:
    store = kind.make()
    kind.run(store.save(SID, Record({"n": 1}), create=True))
    kind.run(store.save(OTHER, Record({"n": 1}, max_age=30 * DAY), create=True))
    for sid in (SID, OTHER):
        kind.raw.expire("sess:" + sid, 100)
        kind.run(store.load(sid))
    assert 14 * DAY - 60 < kind.raw.ttl("sess:" + SID) <= 14 * DAY
    assert 30 * DAY - 60 < kind.raw.ttl("sess:" + OTHER) <= 30 * DAY  # its own lifetime


def test_a_record_whose_cookie_expired_is_ended_by_the_read(kind: Kind) -> None:
    kind.raw.set("sess:" + SID, json.dumps({"cookie": {
        "originalMaxAge": None, "expires": "2001-01-01T00:00:00.000Z"}, "user": "ada"}))
    assert kind.run(kind.make().load(SID)) is None
    assert kind.raw.get("sess:" + SID) is None


@pytest.mark.parametrize("raw", [
    pytest.param("{not json", id="not-json"),
    pytest.param("[1, 2]", id="not-an-object"),
    pytest.param('{"cookie": {"originalMaxAge": "soon"}, "n": 1}', id="bad-max-age"),
])
def test_a_record_that_is_not_express_sessions_reads_as_empty_and_is_replaced(
        kind: Kind, raw: str) -> None:
    kind.raw.set("sess:" + SID, raw)
    store = kind.make()
    loaded = kind.run(store.load(SID))
    assert loaded is not None
    assert kind.run(store.save(SID, Record({"n": 2}, "ada"), create=False)) is True
    assert json.loads(kind.raw.get("sess:" + SID))["n"] == 2


def test_a_record_nested_deeper_than_python_recurses_reads_changes_and_saves(
        kind: Kind) -> None:
    deep = "[" * 1500 + "]" * 1500  # JSON.stringify writes this
    kind.raw.set("sess:" + SID, '{"cookie":{"originalMaxAge":null,"expires":null},'
                                f'"prefs":{deep}}}')
    store = kind.make()
    record = kind.run(store.load(SID))
    assert record is not None
    session_data = SessionData(record.data)
    assert session_data.get("prefs") is not None
    assert not session_data.changed()
    session_data["n"] = 1
    assert session_data.changed()
    record.data = session_data.as_dict()
    assert kind.run(store.save(SID, record, create=False)) is True
    assert kind.raw.get("sess:" + SID).endswith(f'"prefs":{deep},"n":1}}')


@pytest.mark.parametrize(("record", "message"), [
    pytest.param(Record({"cookie": 1}), "the key 'cookie'", id="cookie-key"),
    pytest.param(Record({"user": "x"}, "ada"), "the key 'user'", id="user-key-and-login"),
    pytest.param(Record({"user": "admin"}), "the key 'user'", id="a-string-user-key"),
    pytest.param(Record({"big": "x" * 70_000}), "over the store's limit of 65536",
                 id="size-cap"),
    pytest.param(Record({"n": float("nan")}), "is not JSON", id="not-json"),
])
def test_data_express_session_cannot_hold_fails_the_save_and_writes_nothing(
        kind: Kind, record: Record, message: str) -> None:
    with pytest.raises(SessionDataError, match=message):
        kind.run(kind.make().save(SID, record, create=True))
    assert kind.raw.get("sess:" + SID) is None


def test_the_size_cap_has_its_own_error() -> None:
    assert issubclass(SessionDataTooLargeError, SessionDataError)


def test_logout_everywhere_ends_python_and_express_logins_of_that_user(kind: Kind) -> None:
    store = kind.make()
    sids = [new_express_sid() for _ in range(3)]
    kind.run(store.save(sids[0], Record({}, "ada"), create=True))
    ConnectRedisStore(kind.raw, cookie=COOKIE).set(sids[1], {"user": "ada"})  # Express's
    kind.run(store.save(sids[2], Record({}, "bob"), create=True))
    kind.raw.set("sess:[odd]*", json.dumps({"user": "ada"}))  # glob characters in a key
    kind.raw.set("other:" + SID, json.dumps({"user": "ada"}))  # outside the prefix
    assert kind.run(store.logout_everywhere("ada")) == 3
    assert [kind.raw.get("sess:" + sid) is None for sid in sids] == [True, True, False]
    assert kind.raw.get("other:" + SID) is not None
    assert kind.run(store.logout_everywhere("ada")) == 0


def test_a_prefix_with_glob_characters_scans_only_itself(kind: Kind) -> None:
    store = kind.make(prefix="s[1]:")
    kind.run(store.save(SID, Record({}, "ada"), create=True))
    kind.raw.set("s1:" + OTHER, json.dumps({"user": "ada"}))
    assert kind.run(store.logout_everywhere("ada")) == 1
    assert kind.raw.get("s1:" + OTHER) is not None


def test_an_unreachable_redis_raises_store_unavailable() -> None:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    store = ConnectRedisStore(redis.Redis(host="127.0.0.1", port=free_port(),
                                          socket_connect_timeout=1, retry=Retry(NoBackoff(), 0)))
    for call_store in (lambda: store.load(SID), lambda: store.destroy(SID),
                       lambda: store.save(SID, Record({"n": 1}), create=True),
                       lambda: store.logout_everywhere("ada")):
        with pytest.raises(StoreUnavailableError, match="the session store could not"):
            call_store()


# Through the middlewares: the Express recipe's settings on WSGI and ASGI.

def express_like(app: Any, store: Any, wsgi: bool) -> Any:
    options: dict[str, Any] = {"signed": False, "accept_token": is_express_sid,
                               "rolling": False, "lazy": True, "store": store, **COOKIE}
    if wsgi:
        return Cookies.middleware(Session.middleware(app, "connect.sid", **options))
    return CookiesMiddleware(SessionMiddleware(app, "connect.sid", **options))


def test_session_data_login_and_logout_on_wsgi(redis_client: Any) -> None:
    store = ConnectRedisStore(redis_client, cookie=COOKIE)

    @wsgify
    def view(request: Request) -> Response:
        session = get_session(request)
        if request.path == "/login":
            session.login("ada")
        elif request.path == "/logout":
            session.logout()
        elif request.path == "/add":
            session.data["cart"] = [*session.data.get("cart", []), "tea"]
        return Response(json.dumps([session.user, session.data.get("cart")]))

    app = express_like(view, store, wsgi=True)
    response = Request.blank("/add").get_response(app)
    sid = response.headers["Set-Cookie"].split(";")[0].removeprefix("connect.sid=")
    assert is_express_sid(sid)
    assert json.loads(redis_client.get("sess:" + sid))["cart"] == ["tea"]
    response = Request.blank("/login", headers={"Cookie": f"connect.sid={sid}"}).get_response(app)
    new = response.headers["Set-Cookie"].split(";")[0].removeprefix("connect.sid=")
    assert redis_client.get("sess:" + sid) is None
    assert json.loads(redis_client.get("sess:" + new))["user"] == "ada"
    response = Request.blank("/", headers={"Cookie": f"connect.sid={new}"}).get_response(app)
    assert (response.json, "Set-Cookie" in response.headers) == (["ada", ["tea"]], False)
    Request.blank("/logout", headers={"Cookie": f"connect.sid={new}"}).get_response(app)
    assert redis_client.keys("sess:*") == []
    assert Request.blank("/").get_response(app).headers.get("Set-Cookie") is None  # lazy


def test_session_data_login_and_logout_on_asgi(redis_url: str, redis_client: Any) -> None:
    import redis.asyncio

    async def view(scope: Any, receive: Any, send: Any) -> None:
        session = get_session(scope)
        data = await session.load()
        if scope["path"] == "/login":
            session.login("ada")
        elif scope["path"] == "/add":
            data["cart"] = [*data.get("cart", []), "tea"]
        body = json.dumps([session.user, data.get("cart")]).encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})

    async def visits() -> list[Any]:
        client = redis.asyncio.Redis.from_url(redis_url)
        app = express_like(view, ConnectRedisStore(client, cookie=COOKIE), wsgi=False)
        sid, bodies = "", []
        for path in ("/add", "/login", "/"):
            headers = [(b"cookie", f"connect.sid={sid}".encode())] if sid else []
            reply = await call(app, http_scope(path, headers))
            bodies.append(json.loads(reply.body))
            for value in reply.set_cookies:
                sid = value.split(";")[0].removeprefix("connect.sid=")
        await client.aclose()
        return [bodies, sid]

    bodies, sid = asyncio.run(visits())
    assert bodies == [[None, ["tea"]], ["ada", ["tea"]], ["ada", ["tea"]]]
    assert list(json.loads(redis_client.get("sess:" + sid))) == ["cookie", "cart", "user"]


def test_a_blocking_client_is_refused_under_asgi(redis_client: Any) -> None:
    with pytest.raises(TypeError, match="blocking"):
        SessionMiddleware(lambda scope, receive, send: None,
                          store=ConnectRedisStore(redis_client, cookie=COOKIE))


@pytest.mark.parametrize("kind", ["redis", "cluster"], indirect=True)
def test_logout_everywhere_ends_a_session_rotating_during_its_scan(kind: Kind) -> None:
    store = kind.make()
    kind.run(store.save(SID, Record({}, "ada"), create=True))
    real = kind.client

    class RotationMeanwhile:
        """The client, with a login (or reset) landing whole during the first scan."""

        landed = False

        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def scan_iter(self, **options: Any) -> Any:
            keys = list(real.scan_iter(**options))
            if not self.landed:
                self.landed = True
                rotated = ConnectRedisStore(real, cookie=COOKIE)
                rotated.save(OTHER, Record({}, "ada"), create=True)
                rotated.destroy(SID)
            return iter(keys)

    store.client = RotationMeanwhile()
    store.logout_everywhere("ada")
    assert kind.raw.get("sess:" + OTHER) is None  # the rotated session is ended too
