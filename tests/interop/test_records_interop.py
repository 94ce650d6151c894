"""Session records shared with Express, against real node: what Python writes,
Node's JSON.parse reads as the same value; what Node's JSON.stringify writes,
Python reads and writes back unchanged; and a record's odd cookie meets the
fate it meets in express-session and connect-redis."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from session_middleware.errors import SessionDataError
from session_middleware.express import ConnectRedisStore
from session_middleware.jsdate import date_value, iso_string
from session_middleware.nodejson import dumps, loads
from tests.interop.npm import run_node


@pytest.fixture(scope="module")
def node(npm_folder: Path) -> Any:
    return lambda request: run_node(npm_folder, "records.js", request)


# Every JSON value, lone surrogates included (JSON.stringify escapes them). Integers
# stay within JavaScript's exact ones: past 2**53 a Number rounds them.
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**53) + 1, 2**53 - 1),
              st.floats(allow_nan=False, allow_infinity=False),
              st.text(st.characters(exclude_categories=()), max_size=12)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(st.characters(exclude_categories=()), max_size=8), inner,
                        max_size=4)),
    max_leaves=20,
)
records = st.dictionaries(st.text(max_size=8), json_values, max_size=5)


def nested(depth: int, kind: str) -> object:
    value: object = 1
    for _ in range(depth):
        value = [value] if kind == "array" else {"a": value}
    return value


# Each example is one batch, two node runs: few examples, large batches.
@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(records, min_size=1, max_size=60))
def test_records_round_trip_between_python_and_node(node: Any,
                                                    batch: list[dict[str, Any]]) -> None:
    # Deeper than Python's recursion limit, as deep as Node's JSON.stringify goes.
    deep = [{"deep": nested(3000, "array")}, {"deep": nested(2000, "object")}]
    # Python writes; Node reads and writes back what it read.
    theirs = node({"json": [dumps(record) for record in [*batch, *deep]]})["json"]
    assert not [reply for reply in theirs if isinstance(reply, dict)]  # no parse error
    assert [loads(text) for text in theirs[:len(batch)]] == batch
    # (== itself recurses: the deep ones are compared as text, which both write alike.)
    assert theirs[len(batch):] == [dumps(loads(text)) for text in theirs[len(batch):]] == [
        dumps(record) for record in deep]
    # Python reads what Node wrote and writes it back; Node reads that as it wrote it.
    again = node({"json": [dumps(loads(text)) for text in theirs]})["json"]
    assert again == theirs


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(math.nan, id="nan"),
        pytest.param(math.inf, id="infinity"),
        pytest.param({"n": -math.inf}, id="minus-infinity-inside"),
        pytest.param({1, 2}, id="a-set"),
        pytest.param(b"bytes", id="bytes"),
    ],
)
def test_what_node_would_misread_is_refused_before_it_is_written(value: object) -> None:
    with pytest.raises(SessionDataError, match="session data is not JSON"):
        dumps({"value": value})


def test_a_record_node_cannot_parse_is_refused_when_read_as_node_refuses_it(node: Any) -> None:
    texts = ['{"a":NaN}', '{"a":1,}', "{'a':1}", '{"a":1} x']
    assert all("error" in reply for reply in node({"json": texts})["json"])
    for text in texts:
        with pytest.raises(SessionDataError):
            loads(text)


def cookie_record(**cookie: object) -> dict[str, Any]:
    return {"cookie": {"originalMaxAge": None, "expires": None, "httpOnly": True, "path": "/",
                       **cookie}, "user": "ada"}


@pytest.mark.parametrize(
    ("record", "fate"),
    [
        pytest.param(cookie_record(originalMaxAge=60000), "written",
                     id="rolled-by-original-max-age-written-as-express-session-does"),
        pytest.param(cookie_record(originalMaxAge=1e20), "destroyed",
                     id="original-max-age-past-javascript-dates-destroyed-as-connect-redis-does"),
        pytest.param(cookie_record(originalMaxAge=8.64e15), "destroyed",
                     id="original-max-age-at-the-date-limit-destroyed-as-connect-redis-does"),
        pytest.param(cookie_record(originalMaxAge=-5000), "destroyed",
                     id="original-max-age-negative-destroyed-as-connect-redis-does"),
        pytest.param(cookie_record(originalMaxAge="60000"), "refused",
                     id="original-max-age-a-string-refused-as-express-session-throws"),
    ],
)
def test_a_records_cookie_meets_the_fate_it_meets_in_express(
        node: Any, redis_client: Any, record: dict[str, Any], fate: str) -> None:
    (theirs,) = node({"save": [json.dumps(record)]})["save"]
    store = ConnectRedisStore(redis_client)
    redis_client.set("sess:sid", "{}")
    if fate == "refused":
        assert "error" in theirs
        with pytest.raises(SessionDataError, match="originalMaxAge must be a number"):
            store.set("sid", record)
        assert redis_client.get("sess:sid") == "{}"  # nothing written
        return
    store.set("sid", record)
    if fate == "destroyed":
        assert theirs == {"destroyed": True}
        assert redis_client.get("sess:sid") is None
        return
    ours = json.loads(redis_client.get("sess:sid"))
    expected = json.loads(theirs["record"])
    # The expiry is now + originalMaxAge on both sides, moments apart.
    apart = date_value(ours["cookie"].pop("expires")) - date_value(
        expected["cookie"].pop("expires"))
    assert abs(apart) < 5000
    assert ours == expected
    assert abs(redis_client.ttl("sess:sid") - theirs["ttl"]) <= 1


# What a stored cookie's expires may hold, as express-session writes it and as a
# hand or another tool may have: each is read as JavaScript's Date reads it.
DATES: list[object] = [
    "2030-01-01T00:00:00.000Z", "2030-01-01T00:00:00Z", "2030-01-01T00:00Z", "2030-01-01",
    "2030-01", "2030", "2030-01-01T05:30:00+05:30", "2030-01-01T00:00:00-23:59",
    "2030-01-01T00:00:00+24:00", "2030-01-01T00:00:00+05:99", "2030-01-01T24:00:00Z",
    "2030-01-01T24:00:01Z", "2030-02-30", "2030-02-31T00:00:00Z", "2030-02-32", "2030-13-01",
    "2030-00-10", "2030-01-01t00:00:00z", "2030-01-01T00:00:00.5Z", "2030-01-01T00:00:00.123456Z",
    "+010000-01-01T00:00:00.000Z", "-000001-01-01T00:00:00.000Z", "+275760-09-13T00:00:00.000Z",
    "+275760-09-13T00:00:00.001Z", "Thu, 01 Jan 2099 00:00:00 GMT",
    "Sat, 01 Jan 10000 00:00:00 GMT", "Fri, 01 Jan -0001 00:00:00 GMT",
    "Thu, 31 Feb 2099 00:00:00 GMT", "Thu, 01 Jan 2099 24:00:00 GMT",
    "Thu, 01 Jan 2099 00:00:00 XYZ", "Thu, 01 Jan 99999999999999999999 00:00:00 GMT",
    "garbage", "", " ",
    0, 1, -1, 4102444800000, 8.64e15, 8.64e15 + 1, -8.64e15, 1.5, True, False, None,
]


def test_expiry_dates_are_read_as_javascript_reads_them(node: Any) -> None:
    theirs = node({"dates": DATES})["dates"]
    ours = [date_value(value) for value in DATES]
    assert [None if math.isnan(ms) else ms for ms in ours] == theirs


@settings(max_examples=10, deadline=None)
@given(st.lists(st.one_of(st.floats(-9e15, 9e15), st.integers(-10**16, 10**16)), max_size=50))
def test_iso_strings_are_what_javascript_writes(node: Any, moments: list[float]) -> None:
    moments = [*moments, 0, -1, 8.64e15, -8.64e15, 8.64e15 + 1, 253402300799999, 253402300800000]
    assert node({"iso": moments})["iso"] == [iso_string(ms) for ms in moments]
