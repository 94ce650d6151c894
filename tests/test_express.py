"""express-session's record shape and connect-redis's expiry, on a real redis-server."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pytest

from session_middleware.errors import SessionDataError
from session_middleware.express import ConnectRedisStore, express_cookie


def test_express_cookie_matches_express_session() -> None:
    # What express-session 1.19 stores for `new Cookie({})` and for
    # `new Cookie({maxAge: 60000, sameSite: 'lax', secure: false})` (run in node).
    assert express_cookie({}) == {"originalMaxAge": None, "expires": None, "httpOnly": True,
                                  "path": "/"}
    now = datetime(2026, 11, 30, 13, 47, 38, 849000, tzinfo=timezone.utc).timestamp() - 60
    cookie = express_cookie({"max_age": 60, "same_site": "lax", "secure": False}, now=now)
    assert json.dumps(cookie, separators=(",", ":")) == (
        '{"originalMaxAge":60000,"expires":"2026-11-30T13:47:38.849Z","secure":false,'
        '"httpOnly":true,"path":"/","sameSite":"lax"}')


@pytest.fixture
def store(redis_client: Any) -> ConnectRedisStore:
    return ConnectRedisStore(redis_client, cookie={"max_age": 3600, "same_site": "lax"})


def test_a_record_written_from_python_has_the_cookie_object(store: ConnectRedisStore,
                                                            redis_client: Any) -> None:
    store.set("sid1", {"user": "ada"})
    record = json.loads(redis_client.get("sess:sid1"))
    assert list(record) == ["cookie", "user"]
    assert record["cookie"]["originalMaxAge"] == 3600000
    assert 3590 < redis_client.ttl("sess:sid1") <= 3600
    assert store.get("sid1") == record
    assert store.get("nobody") is None


@pytest.mark.parametrize(
    ("cookie", "ttl"),
    [
        pytest.param({"originalMaxAge": None, "expires": None}, 86400, id="no-expiry-default"),
        pytest.param({"originalMaxAge": 120000, "expires": "2000-01-01T00:00:00.000Z"},
                     120, id="touched-on-save"),
    ],
)
def test_connect_redis_ttl_rule(store: ConnectRedisStore, redis_client: Any,
                                cookie: dict[str, Any], ttl: int) -> None:
    store.set("sid", {"cookie": cookie, "user": "bob"})
    assert ttl - 5 < redis_client.ttl("sess:sid") <= ttl


def test_an_expired_session_is_destroyed_not_written(redis_client: Any) -> None:
    store = ConnectRedisStore(redis_client)
    redis_client.set("sess:old", "{}")
    store.set("old", {"cookie": {"originalMaxAge": None,
                                 "expires": "2000-01-01T00:00:00.000Z"}})
    assert redis_client.get("sess:old") is None


def test_touch_and_destroy(store: ConnectRedisStore, redis_client: Any) -> None:
    store.set("sid", {"user": "carol"})
    redis_client.expire("sess:sid", 10)
    store.touch("sid", store.get("sid") or {})
    assert redis_client.ttl("sess:sid") > 3000
    store.destroy("sid")
    assert store.get("sid") is None


@pytest.mark.parametrize(
    "cookie",
    [
        pytest.param(None, id="null"),
        pytest.param(5, id="a-number"),
        pytest.param("x", id="a-string"),
        pytest.param(_MISSING := object(), id="missing"),
    ],
)
def test_a_record_without_a_cookie_object_is_saved_with_the_stores(
        store: ConnectRedisStore, redis_client: Any, cookie: object) -> None:
    """express-session throws on loading a record whose cookie is not an object:
    what the store saves always holds the cookie object it means to add."""
    data = {"user": "ada"} if cookie is _MISSING else {"cookie": cookie, "user": "ada"}
    store.set("sid", data)
    record = json.loads(redis_client.get("sess:sid"))
    assert list(record) == ["cookie", "user"]
    assert record["cookie"]["originalMaxAge"] == 3600000
    assert record["cookie"]["sameSite"] == "lax"
    assert 3590 < redis_client.ttl("sess:sid") <= 3600


def test_a_lone_surrogate_node_wrote_is_saved_back_as_its_escape(
        store: ConnectRedisStore, redis_client: Any) -> None:
    # JSON.stringify({cookie: {...}, note: "abc\ud800"}) in node.
    redis_client.set("sess:sid", '{"cookie":{"originalMaxAge":null,"expires":null},'
                                 '"note":"abc\\ud800"}')
    loaded = store.get("sid")
    assert loaded is not None
    assert loaded["note"] == "abc\ud800"
    store.set("sid", loaded)
    assert redis_client.get("sess:sid").endswith('"note":"abc\\ud800"}')


def test_a_record_deeper_than_pythons_recursion_limit_loads_and_saves(
        store: ConnectRedisStore, redis_client: Any) -> None:
    """Node's JSON.parse reads any depth; so does the store."""
    deep = "[" * 100_000 + "]" * 100_000
    redis_client.set("sess:sid", '{"cookie":{"originalMaxAge":null,"expires":null},'
                                 f'"deep":{deep}}}')
    loaded = store.get("sid")
    assert loaded is not None
    store.set("sid", loaded)
    assert redis_client.get("sess:sid").endswith(f'"deep":{deep}}}')


@pytest.mark.parametrize(
    ("expires", "kept"),
    [
        pytest.param("garbage", False, id="garbage-destroyed-as-connect-redis-does"),
        pytest.param("2000-13-01T00:00:00.000Z", False,
                     id="no-such-month-destroyed-as-connect-redis-does"),
        pytest.param([1], False, id="a-list-destroyed-as-connect-redis-does"),
        pytest.param({}, False, id="an-empty-object-destroyed-as-connect-redis-does"),
        pytest.param("2099-01-01T00:00:00+24:00", False,
                     id="offset-of-a-day-destroyed-as-connect-redis-does"),
        pytest.param("Thu, 01 Jan 2099 00:00:00 GMT", True,
                     id="http-date-read-as-node-reads-it"),
        pytest.param("2099-01-01", True, id="date-alone-read-as-node-reads-it"),
        pytest.param("+010000-01-01T00:00:00.000Z", True,
                     id="past-year-9999-read-as-node-reads-it"),
        pytest.param(4102444800000, True, id="milliseconds-read-as-node-reads-them"),
    ],
)
def test_an_expiry_javascript_cannot_read_destroys_the_session(
        redis_client: Any, expires: object, kept: bool) -> None:
    store = ConnectRedisStore(redis_client)
    store.set("sid", {"cookie": {"originalMaxAge": None, "expires": expires}})
    assert (redis_client.get("sess:sid") is not None) is kept


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param({"n": float("nan")}, "session data is not JSON", id="nan"),
        pytest.param({"n": float("inf")}, "session data is not JSON", id="infinity"),
        pytest.param({"s": {1, 2}}, "session data is not JSON", id="a-set"),
        pytest.param({"cookie": {"originalMaxAge": "60000"}},
                     "originalMaxAge must be a number of milliseconds", id="max-age-a-string"),
    ],
)
def test_data_node_would_not_read_as_written_is_refused(
        store: ConnectRedisStore, redis_client: Any, data: dict[str, Any], message: str) -> None:
    with pytest.raises(SessionDataError, match=message):
        store.set("sid", data)
    assert redis_client.get("sess:sid") is None


@pytest.mark.parametrize("raw", ['{"a":NaN}', "{not json", b"\xff\xfe"])
def test_a_record_that_is_not_json_raises_the_documented_error(
        store: ConnectRedisStore, redis_client: Any, raw: str | bytes) -> None:
    redis_client.set("sess:sid", raw)
    with pytest.raises(SessionDataError):
        store.get("sid")


def test_an_original_max_age_past_any_number_is_destroyed_as_connect_redis_does(
        redis_client: Any) -> None:
    store = ConnectRedisStore(redis_client)
    redis_client.set("sess:sid", "{}")
    store.set("sid", {"cookie": {"originalMaxAge": 10**400, "expires": None}})
    assert redis_client.get("sess:sid") is None
