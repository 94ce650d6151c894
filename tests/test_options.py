"""Option names and values: both spellings, typos, duplicates, wrong types."""

from __future__ import annotations

import time
import warnings
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cookie_middleware import CookieOptions, Cookies, CookieWarning, cookie_options, serialize
from cookie_middleware.errors import DuplicateOptionError, InvalidOptionError, UnknownOptionError
from session_middleware import Session


@pytest.mark.parametrize(
    ("options", "kwargs", "message"),
    [
        pytest.param({"httponly": True}, {}, "unknown cookie option 'httponly'; did you mean "
                     "'httpOnly'?", id="lowercase-typo"),
        pytest.param({}, {"samesite": "lax"}, "'samesite'; did you mean 'same_site'?",
                     id="webob-spelling-keyword"),
        pytest.param({}, {"httponly": True}, "'httponly'; did you mean 'http_only'?",
                     id="lowercase-typo-keyword"),
        pytest.param({}, {"maxAge_": 1}, "'maxAge_'; did you mean 'max_age'?",
                     id="node-ish-keyword"),
        pytest.param({"max_agee": 1}, {}, "unknown cookie option 'max_agee' (known:",
                     id="snake-typo-in-mapping"),
        pytest.param({"maxage": 1}, {}, "did you mean 'maxAge'?", id="maxage"),
        pytest.param({"HttpOnly": True}, {}, "did you mean 'httpOnly'?", id="header-spelling"),
        pytest.param({"firstPartyOnly": True}, {}, "First-Party-Only never shipped",
                     id="first-party-only"),
        pytest.param({}, {"options": {"path": "/"}}, "pass the options mapping positionally",
                     id="options-as-keyword"),
        pytest.param({"colour": "red"}, {}, "unknown cookie option 'colour' (known:",
                     id="nonsense"),
    ],
)
def test_unknown_option(options: dict[str, Any], kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(UnknownOptionError) as caught:
        serialize("a", "b", options, **kwargs)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("options", "kwargs", "message"),
    [
        pytest.param({"maxAge": 1}, {"max_age": 2}, "'maxAge' given twice, as 'maxAge' and "
                     "'max_age'", id="mapping-and-keyword"),
        pytest.param({"maxAge": 1, "max_age": 2}, {}, "given twice", id="both-in-mapping"),
        pytest.param({"path": "/"}, {"path": "/x"}, "'path' given twice", id="same-name"),
    ],
)
def test_duplicate_option(options: dict[str, Any], kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(DuplicateOptionError, match=message):
        serialize("a", "b", options, **kwargs)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param({"maxAge": float("nan")}, "option maxAge must be a finite number, got nan",
                     id="max-age-nan"),
        pytest.param({"maxAge": float("inf")}, "finite number, got inf", id="max-age-inf"),
        pytest.param({"maxAge": 10**21}, "out of range", id="max-age-huge"),
        pytest.param({"expires": float("nan")}, "finite timestamp, got nan", id="expires-nan"),
        pytest.param({"expires": 10**15}, "outside the years 1 to 9999", id="expires-far"),
        pytest.param({"domain": "evil; Secure"}, "not a valid host name: 'evil; Secure'",
                     id="domain-injection"),
        pytest.param({"domain": "a..b"}, "'a..b'", id="domain-empty-label"),
        pytest.param({"domain": "example.com."}, "'example.com.'", id="domain-trailing-dot"),
        pytest.param({"domain": "a_b.com"}, "'a_b.com'", id="domain-underscore"),
        pytest.param({"path": "/a;b"}, "option path may hold no control character, ';' or "
                     "non-ASCII: '/a;b'", id="path-semicolon"),
        pytest.param({"path": "/a\r\nSet-Cookie: x=y"}, "'/a\\r\\nSet-Cookie: x=y'",
                     id="path-crlf"),
        pytest.param({"path": "/\u00e9"}, "'/\u00e9'", id="path-non-ascii"),
        pytest.param({"sameSite": "loose"}, "option sameSite must be one of Strict, Lax, None, "
                     "got 'loose'", id="samesite-unknown"),
        pytest.param({"priority": "urgent"}, "option priority must be one of Low, Medium, High",
                     id="priority-unknown"),
    ],
)
def test_invalid_option_value(options: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidOptionError) as caught:
        serialize("a", "b", options)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param({"maxAge": True}, "option maxAge must be a number of seconds, got bool",
                     id="max-age-bool"),
        pytest.param({"maxAge": "60"}, "got str: '60'", id="max-age-str"),
        pytest.param({"expires": "2030-01-01"}, "option expires must be a datetime or a POSIX "
                     "timestamp, got str", id="expires-str"),
        pytest.param({"expires": False}, "got bool", id="expires-bool"),
        pytest.param({"httpOnly": 1}, "option httpOnly must be a bool, got int: 1",
                     id="http-only-int"),
        pytest.param({"secure": "yes"}, "option secure must be a bool", id="secure-str"),
        pytest.param({"partitioned": 0}, "option partitioned must be a bool", id="partitioned"),
        pytest.param({"domain": 1}, "option domain must be a str", id="domain-int"),
        pytest.param({"path": b"/"}, "option path must be a str", id="path-bytes"),
        pytest.param({"sameSite": 1}, "option sameSite must be a str", id="samesite-int"),
        pytest.param({"encode": "upper"}, "option encode must be callable", id="encode-str"),
    ],
)
def test_wrong_option_type(options: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError) as caught:
        serialize("a", "b", options)
    assert message in str(caught.value)


def test_none_means_absent() -> None:
    options = {"maxAge": None, "expires": None, "domain": None, "path": None,
               "httpOnly": None, "secure": None, "sameSite": None, "priority": None,
               "partitioned": None, "encode": None}
    assert serialize("a", "b", options) == "a=b"


def test_cached_checks_never_confuse_equal_values_of_other_types() -> None:
    """1 == True in Python; a cached result for True must not let 1 through."""
    assert serialize("a", "b", {"httpOnly": True}) == "a=b; HttpOnly"
    with pytest.raises(TypeError, match="option httpOnly must be a bool, got int: 1"):
        serialize("a", "b", {"httpOnly": 1})
    assert serialize("a", "b", {"maxAge": 1.0}) == "a=b; Max-Age=1"
    with pytest.raises(TypeError, match="got bool"):
        serialize("a", "b", {"maxAge": True})


def test_unhashable_option_values_are_still_checked() -> None:
    with pytest.raises(TypeError, match="option path must be a str, got list"):
        serialize("a", "b", {"path": ["/"]})


def test_cache_keeps_the_two_instants_of_an_ambiguous_wall_clock_time_apart() -> None:
    """01:30 on the night clocks go back happens twice; fold says which. The two
    datetimes compare and hash equal, yet are 3600 s apart."""
    berlin = ZoneInfo("Europe/Berlin")
    first = datetime(2020, 10, 25, 2, 30, tzinfo=berlin, fold=0)
    second = datetime(2020, 10, 25, 2, 30, tzinfo=berlin, fold=1)
    assert first == second
    assert hash(first) == hash(second)
    assert serialize("a", "b", {"expires": first}) == "a=b; Expires=Sun, 25 Oct 2020 00:30:00 GMT"
    assert serialize("a", "b", {"expires": second}) == "a=b; Expires=Sun, 25 Oct 2020 01:30:00 GMT"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param({"maxAge": Fraction(10**400)}, "option maxAge is out of range",
                     id="max-age-huge-fraction"),
        pytest.param({"expires": Fraction(10**400)}, "option expires is out of range",
                     id="expires-huge-fraction"),
        pytest.param({"expires": Fraction(-(10**400))}, "option expires is out of range",
                     id="expires-huge-negative-fraction"),
        pytest.param({"expires": datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1)))},
                     "option expires is outside the years 1 to 9999 in UTC",
                     id="expires-before-year-1-in-utc"),
    ],
)
def test_numbers_too_big_for_a_float_name_the_field(options: dict[str, Any],
                                                    message: str) -> None:
    with pytest.raises(InvalidOptionError, match=message):
        serialize("a", "b", options)


@pytest.mark.parametrize(
    ("option", "limit_ok"),
    [pytest.param("path", "/" + "p" * 1023, id="path"),
     pytest.param("domain", ("a" * 63 + ".") * 15 + "a" * 62 + ".a", id="domain")],
)
def test_attribute_values_over_1024_bytes_are_refused(option: str, limit_ok: str) -> None:
    assert len(limit_ok) == 1024
    assert serialize("a", "b", {option: limit_ok}).endswith(limit_ok)
    too_long = limit_ok + "a"  # still a valid path, or host name
    with pytest.raises(InvalidOptionError, match=f"option {option} is 1025 bytes; browsers "
                                                 f"ignore a {option} over 1024"):
        serialize("a", "b", {option: too_long})


@pytest.mark.parametrize(
    ("options", "expected", "fragment"),
    [
        pytest.param({"maxAge": 86400000}, "a=b; Max-Age=86400000",
                     "maxAge is in seconds, not the milliseconds Express's res.cookie takes",
                     id="express-milliseconds"),
        pytest.param({"maxAge": 400 * 86400 + 1}, "a=b; Max-Age=34560001",
                     "is over 400 days", id="just-over"),
        pytest.param({"expires": time.time() + 401 * 86400}, None, "over 400 days ahead",
                     id="expires-far-ahead"),
    ],
)
def test_lifetimes_over_400_days_are_written_with_a_warning(
    options: dict[str, Any], expected: str | None, fragment: str
) -> None:
    with pytest.warns(CookieWarning, match="400 days") as caught:
        header = serialize("a", "b", options)
    if expected is not None:
        assert header == expected
    assert fragment in str(caught[0].message)
    assert caught[0].filename == __file__  # points at the call that set it


_TOO_LONG = {"maxAge": 86400000}  # Express's milliseconds, read as seconds


def _plain_http() -> Cookies:
    return Cookies({"HTTP_COOKIE": "", "wsgi.url_scheme": "http"})


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: serialize("a", "b", _TOO_LONG), id="serialize"),
        pytest.param(lambda: _plain_http().set("a", "b", _TOO_LONG), id="set-mapping"),
        pytest.param(lambda: _plain_http().set("a", "b", max_age=86400000), id="set-keywords"),
        pytest.param(lambda: _plain_http().set("a", "b", cookie_options(_TOO_LONG)),
                     id="set-checked-options"),
        pytest.param(lambda: Session(_plain_http(), max_age=86400000), id="session"),
        pytest.param(lambda: Session.middleware(lambda e, s: [], max_age=86400000),
                     id="session-middleware"),
    ],
)
def test_a_lifetime_warning_points_at_the_apps_own_line(call: Any) -> None:
    """However deep in this project the cookie is rendered, the warning names the
    line of the app that asked for it."""
    with pytest.warns(CookieWarning, match="400 days") as caught:
        call()
    assert [warning.filename for warning in caught] == [__file__]


@pytest.mark.parametrize(
    ("ahead_days", "clock_moves_days", "warns_then"),
    [
        pytest.param(390, -11, True, id="clock-back-past-400"),
        pytest.param(410, 11, False, id="clock-on-below-400"),
    ],
)
def test_a_lifetime_is_judged_at_each_render_not_once(
        monkeypatch: pytest.MonkeyPatch, ahead_days: int, clock_moves_days: int,
        warns_then: bool) -> None:
    """The same options, checked once and kept (cookie_options, or the cache of
    set's checked options), are judged against the clock of each render."""
    start = time.time()
    expires = start + ahead_days * 86400
    kept = cookie_options(expires=expires)
    renders = [lambda: serialize("a", "b", {"expires": expires}),
               lambda: serialize("a", "b", kept)]
    with warnings.catch_warnings(record=True) as first:
        warnings.simplefilter("always")
        for render in renders:
            render()
    assert len(first) == (0 if warns_then else 2)
    monkeypatch.setattr(time, "time", lambda: start + clock_moves_days * 86400)
    with warnings.catch_warnings(record=True) as later:
        warnings.simplefilter("always")
        for render in renders:
            render()
    assert len(later) == (2 if warns_then else 0)
    assert all(issubclass(w.category, CookieWarning) for w in [*first, *later])


def test_lifetimes_up_to_400_days_are_quiet() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        serialize("a", "b", {"maxAge": 400 * 86400})
        serialize("a", "b", {"expires": time.time() + 399 * 86400})


def test_cookie_options_are_checked_once_and_read_as_given() -> None:
    options = cookie_options({"path": "/"}, max_age=60, http_only=True)
    assert isinstance(options, CookieOptions)
    assert dict(options) == {"path": "/", "max_age": 60, "http_only": True}
    assert serialize("a", "b", options) == "a=b; Max-Age=60; Path=/; HttpOnly"
    assert serialize("a", "b", options, same_site="lax") == (
        "a=b; Max-Age=60; Path=/; HttpOnly; SameSite=Lax")
    with pytest.raises(DuplicateOptionError, match="given twice, as 'max_age' and 'maxAge'"):
        serialize("a", "b", options, maxAge=1)
    with pytest.raises(InvalidOptionError, match="option sameSite must be one of"):
        cookie_options(same_site="sometimes")
