"""express-session's record shape and connect-redis's expiry, on a real redis-server."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pytest

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
