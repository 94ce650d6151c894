"""parse and serialize: cookie@0.2.4's results, its documented deviations, and the
checks that go further than 0.2.4."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from cookie_middleware import CookieError, parse, serialize
from cookie_middleware.errors import (
    CookieTooLargeError,
    InvalidNameError,
    InvalidValueError,
    PartitionedError,
    PrefixError,
    SameSiteNoneError,
)

VECTORS = json.loads((Path(__file__).parent / "vectors" / "cookie-0.2.4.json").read_text())


def _node_options(options: dict[str, Any]) -> dict[str, Any]:
    """The fixture stores expires as JavaScript milliseconds; the port takes seconds."""
    ported = dict(options)
    if "expires" in ported:
        ported["expires"] = ported["expires"] / 1000
    return ported


def test_vectors_are_the_real_thing() -> None:
    assert VECTORS["package"] == "cookie@0.2.4"
    assert len(VECTORS["parse"]) >= 3000
    assert len(VECTORS["serialize"]) >= 1500


@pytest.mark.parametrize(
    "case", [pytest.param(case, id=f"parse-{i}") for i, case in enumerate(VECTORS["parse"])]
)
def test_parse_matches_cookie_0_2_4(case: dict[str, Any]) -> None:
    assert parse(case["input"]) == case["output"]


# The vectors include lifetimes over 400 days: written byte for byte, with a warning.
@pytest.mark.filterwarnings("ignore::cookie_middleware.CookieWarning")
@pytest.mark.parametrize(
    "case",
    [pytest.param(case, id=f"serialize-{i}") for i, case in enumerate(VECTORS["serialize"])],
)
def test_serialize_matches_cookie_0_2_4(case: dict[str, Any]) -> None:
    assert serialize(case["name"], case["value"], _node_options(case["options"])) == case["output"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param("", {}, id="empty"),
        pytest.param("a=b", {"a": "b"}, id="one"),
        pytest.param("a=b; c=d", {"a": "b", "c": "d"}, id="two"),
        pytest.param("a=b;c=d", {"a": "b", "c": "d"}, id="no-space"),
        pytest.param("a", {}, id="no-equals-skipped"),
        pytest.param("a; b=c", {"b": "c"}, id="no-equals-beside-pair"),
        pytest.param("=b", {"": "b"}, id="empty-name-kept"),
        pytest.param("a=", {"a": ""}, id="empty-value"),
        pytest.param("a=b=c", {"a": "b=c"}, id="equals-in-value"),
        pytest.param("a=1; a=2", {"a": "1"}, id="first-wins"),
        pytest.param(' a = "b" ', {"a": "b"}, id="trim-then-unquote"),
        pytest.param('a=" b "', {"a": " b "}, id="quoted-spaces-kept"),
        pytest.param('a=""', {"a": ""}, id="empty-quoted"),
        pytest.param("a=%E2%82%AC", {"a": "\u20ac"}, id="utf8-escape"),
        pytest.param("a=%e2%82%ac", {"a": "\u20ac"}, id="lowercase-escape"),
        pytest.param("a=1+2", {"a": "1+2"}, id="plus-stays-plus"),
        pytest.param("a=%", {"a": "%"}, id="lone-percent-raw"),
        pytest.param("a=%zz%20", {"a": "%zz%20"}, id="bad-escape-keeps-whole-value"),
        pytest.param("a=%E2%82", {"a": "%E2%82"}, id="truncated-utf8-raw"),
        pytest.param("a=%C0%AF", {"a": "%C0%AF"}, id="overlong-utf8-raw"),
        pytest.param("a=%ED%A0%80", {"a": "%ED%A0%80"}, id="surrogate-utf8-raw"),
        pytest.param("a=%F4%90%80%80", {"a": "%F4%90%80%80"}, id="beyond-unicode-raw"),
        pytest.param("a=%zz; b=%20", {"a": "%zz", "b": " "}, id="bad-neighbour-harmless"),
        pytest.param("a=\u00a0b\u3000", {"a": "b"}, id="js-whitespace-trimmed"),
        pytest.param("a=\x1cb\x85", {"a": "\x1cb\x85"}, id="python-only-whitespace-kept"),
        pytest.param("\ufeffa=b", {"a": "b"}, id="bom-trimmed"),
        pytest.param("a%20b=c", {"a%20b": "c"}, id="names-not-decoded"),
    ],
)
def test_parse(header: str, expected: dict[str, str]) -> None:
    assert parse(header) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param("__proto__=1", {"__proto__": "1"}, id="proto"),
        pytest.param("constructor=1; toString=2", {"constructor": "1", "toString": "2"},
                     id="object-prototype-names"),
        pytest.param('a="bar', {"a": '"bar'}, id="unclosed-quote"),
        pytest.param('a="', {"a": '"'}, id="lone-quote"),
        pytest.param('a="b"c', {"a": '"b"c'}, id="quote-not-at-end"),
        pytest.param('a="%41', {"a": '"A'}, id="unclosed-quote-still-decoded"),
    ],
)
def test_parse_documented_deviations(header: str, expected: dict[str, str]) -> None:
    """Where JavaScript loses data the port keeps it (cookie@0.2.4 drops the
    first group and turns '"bar' into 'ba')."""
    assert parse(header) == expected


def test_parse_custom_decode() -> None:
    assert parse("a=x; b=y", decode=str.upper) == {"a": "X", "b": "Y"}


def test_parse_custom_decode_that_raises_keeps_raw_value() -> None:
    def picky(value: str) -> str:
        if value == "bad":
            raise ValueError(value)
        return value * 2

    assert parse("a=bad; b=ok", decode=picky) == {"a": "bad", "b": "okok"}


@pytest.mark.parametrize(
    "header",
    [pytest.param(b"a=b", id="bytes"), pytest.param(None, id="none"), pytest.param(1, id="int")],
)
def test_parse_rejects_non_str(header: Any) -> None:
    with pytest.raises(TypeError, match=r"parse\(\) needs the Cookie header as a str"):
        parse(header)


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        pytest.param(("a", "b"), {}, "a=b", id="plain"),
        pytest.param(("a", "b c;d"), {}, "a=b%20c%3Bd", id="encoded"),
        pytest.param(("a", "!~*'()-_."), {}, "a=!~*'()-_.", id="uri-component-safe"),
        pytest.param(("a", "\u20ac\U0001f600"), {}, "a=%E2%82%AC%F0%9F%98%80", id="utf8"),
        pytest.param(("a", "b", {"maxAge": 3600.9}), {}, "a=b; Max-Age=3600", id="max-age-floored"),
        pytest.param(("a", "b", {"maxAge": -0.5}), {}, "a=b; Max-Age=-1", id="max-age-floor-neg"),
        pytest.param(("a", "b"), {"max_age": 0}, "a=b; Max-Age=0", id="max-age-zero-kept"),
        pytest.param(("a", "b", {"domain": "example.com", "path": "/x"}), {},
                     "a=b; Domain=example.com; Path=/x", id="domain-path"),
        pytest.param(("a", "b", {"domain": "", "path": ""}), {}, "a=b", id="empty-strings-omitted"),
        pytest.param(("a", "b"), {"expires": 0}, "a=b; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
                     id="expires-epoch"),
        pytest.param(("a", "b"), {"expires": datetime(2020, 5, 6, 7, 8, 9, 999999)},
                     "a=b; Expires=Wed, 06 May 2020 07:08:09 GMT", id="expires-naive-is-utc"),
        pytest.param(("a", "b"),
                     {"expires": datetime(2020, 5, 6, 9, 8, 9,
                                          tzinfo=timezone(timedelta(hours=2)))},
                     "a=b; Expires=Wed, 06 May 2020 07:08:09 GMT", id="expires-aware"),
        pytest.param(("a", "b"), {"expires": datetime(999, 1, 1)},
                     "a=b; Expires=Tue, 01 Jan 0999 00:00:00 GMT", id="expires-year-padded"),
        pytest.param(("a", "b"), {"expires": -1.5},
                     "a=b; Expires=Wed, 31 Dec 1969 23:59:58 GMT", id="expires-floor"),
        pytest.param(("a", "b", {"httpOnly": True, "secure": True}), {},
                     "a=b; HttpOnly; Secure", id="flags"),
        pytest.param(("a", "b", {"httpOnly": False, "secure": None}), {}, "a=b", id="false-flags"),
        pytest.param(("a", "b"), {"http_only": True, "same_site": "lax"},
                     "a=b; HttpOnly; SameSite=Lax", id="snake-case"),
        pytest.param(("a", "b", {"sameSite": True}), {}, "a=b; SameSite=Strict",
                     id="samesite-true"),
        pytest.param(("a", "b", {"sameSite": False}), {}, "a=b", id="samesite-false"),
        pytest.param(("a", "b", {"sameSite": "NONE", "secure": True}), {},
                     "a=b; Secure; SameSite=None", id="samesite-none-secure"),
        pytest.param(("a", "b", {"priority": "HIGH"}), {}, "a=b; Priority=High", id="priority"),
        pytest.param(("a", "b", {"partitioned": True, "secure": True}), {},
                     "a=b; Secure; Partitioned", id="partitioned"),
        pytest.param(
            ("a", "b", {"maxAge": 1, "domain": "d.io", "path": "/", "expires": 0,
                        "httpOnly": True, "secure": True, "partitioned": True,
                        "priority": "low", "sameSite": "strict"}),
            {},
            "a=b; Max-Age=1; Domain=d.io; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; "
            "HttpOnly; Secure; Partitioned; Priority=Low; SameSite=Strict",
            id="every-attribute-in-order",
        ),
        pytest.param(("a", '{"k":1}', {"encode": lambda v: v}), {}, 'a={"k":1}',
                     id="custom-encode"),
        pytest.param(("__Secure-a", "b"), {"secure": True}, "__Secure-a=b; Secure",
                     id="secure-prefix"),
        pytest.param(("__Host-a", "b"), {"secure": True, "path": "/"},
                     "__Host-a=b; Path=/; Secure", id="host-prefix"),
        pytest.param(("a", "x" * 4095), {}, "a=" + "x" * 4095, id="exactly-4096-bytes"),
        pytest.param(("a", "b"), {"partitioned": True, "secure": True},
                     "a=b; Secure; Partitioned", id="partitioned-secure"),
        pytest.param(("__Http-a", "b"), {"secure": True, "httpOnly": True},
                     "__Http-a=b; HttpOnly; Secure", id="http-prefix"),
        pytest.param(("__Host-Http-a", "b"), {"secure": True, "httpOnly": True, "path": "/"},
                     "__Host-Http-a=b; Path=/; HttpOnly; Secure", id="host-http-prefix"),
    ],
)
def test_serialize(args: tuple[Any, ...], kwargs: dict[str, Any], expected: str) -> None:
    assert serialize(*args, **kwargs) == expected


@pytest.mark.parametrize(
    ("name", "value", "options", "error", "message"),
    [
        pytest.param("", "b", {}, InvalidNameError, "cookie name must be an RFC 6265 token: ''",
                     id="empty-name"),
        pytest.param("a;b", "b", {}, InvalidNameError, "token: 'a;b'", id="semicolon-name"),
        pytest.param("a b", "b", {}, InvalidNameError, "token: 'a b'", id="space-name"),
        pytest.param("a=", "b", {}, InvalidNameError, "token: 'a='", id="equals-name"),
        pytest.param("a\r\n", "b", {}, InvalidNameError, "token: 'a\\r\\n'", id="crlf-name"),
        pytest.param("\u00e9", "b", {}, InvalidNameError, "token: '\u00e9'", id="non-ascii-name"),
        pytest.param("a", "\ud800", {}, InvalidValueError, "lone surrogate", id="lone-surrogate"),
        pytest.param("a", "b", {"encode": lambda v: "x; Domain=evil"}, InvalidValueError,
                     "'x; Domain=evil'", id="encoder-injects"),
        pytest.param("a", "b", {"encode": lambda v: "x\r\nX: y"}, InvalidValueError,
                     "control character", id="encoder-crlf"),
        pytest.param("a", "b", {"encode": lambda v: "\u00e9"}, InvalidValueError, "non-ASCII",
                     id="encoder-non-ascii"),
        pytest.param("a", "b", {"sameSite": "none"}, SameSiteNoneError,
                     "cookie 'a' has SameSite=None without Secure", id="samesite-none-insecure"),
        pytest.param("__Secure-a", "b", {}, PrefixError, "__Secure- prefix but not Secure",
                     id="secure-prefix-needs-secure"),
        pytest.param("__secure-a", "b", {}, PrefixError, "__Secure- prefix but not Secure",
                     id="prefix-case-insensitive"),
        pytest.param("__Host-a", "b", {"path": "/"}, PrefixError, "__Host- prefix but not Secure",
                     id="host-prefix-needs-secure"),
        pytest.param("__Host-a", "b", {"secure": True}, PrefixError, "Path is None, not '/'",
                     id="host-prefix-needs-root-path"),
        pytest.param("__Host-a", "b", {"secure": True, "path": "/", "domain": "a.io"},
                     PrefixError, "a Domain: 'a.io'", id="host-prefix-no-domain"),
        pytest.param("a", "b", {"partitioned": True}, PartitionedError,
                     "cookie 'a' is Partitioned without Secure; browsers drop it (CHIPS)",
                     id="partitioned-insecure"),
        pytest.param("__Http-a", "b", {"httpOnly": True}, PrefixError,
                     "__Http- prefix but not Secure", id="http-prefix-needs-secure"),
        pytest.param("__http-a", "b", {"secure": True}, PrefixError,
                     "__Http- prefix but not HttpOnly", id="http-prefix-needs-http-only"),
        pytest.param("__Host-Http-a", "b", {"secure": True, "path": "/"}, PrefixError,
                     "__Host-Http- prefix but not HttpOnly", id="host-http-needs-http-only"),
        pytest.param("__HOST-HTTP-a", "b", {"secure": True, "httpOnly": True}, PrefixError,
                     "__Host- prefix but Path is None", id="host-http-needs-root-path"),
        pytest.param("__host-http-a", "b", {"secure": True, "httpOnly": True, "path": "/",
                                            "domain": "a.io"}, PrefixError,
                     "__Host- prefix but a Domain", id="host-http-no-domain"),
        pytest.param("a", "x" * 4096, {}, CookieTooLargeError, "4097 bytes", id="too-large"),
        pytest.param("a", "\u20ac" * 460, {}, CookieTooLargeError, "4141 bytes",
                     id="too-large-after-encoding"),
    ],
)
def test_serialize_errors(name: str, value: str, options: dict[str, Any],
                          error: type[CookieError], message: str) -> None:
    with pytest.raises(error) as caught:
        serialize(name, value, options)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("name", "value", "options"),
    [
        pytest.param(b"a", "b", None, id="bytes-name"),
        pytest.param("a", b"b", None, id="bytes-value"),
        pytest.param("a", 1, None, id="int-value"),
        pytest.param("a", None, None, id="none-value"),
        pytest.param("a", "b", [("path", "/")], id="options-not-mapping"),
        pytest.param("a", "b", {"encode": lambda v: b"x"}, id="encoder-returns-bytes"),
    ],
)
def test_serialize_type_errors(name: Any, value: Any, options: Any) -> None:
    with pytest.raises(TypeError):
        serialize(name, value, options)


def test_cve_2024_47764_path_injection_is_refused() -> None:
    """cookie@0.2.4 emits 'a=b; Path=/; Domain=evil' for this call."""
    with pytest.raises(CookieError, match="option path may hold no"):
        serialize("a", "b", {"path": "/; Domain=evil"})


def test_serialize_never_writes_a_value_unencoded() -> None:
    header = serialize("a", "\r\n;\x00 \"\\,")
    assert header == "a=%0D%0A%3B%00%20%22%5C%2C"


def test_names_are_checked_the_same_however_many_have_been_set() -> None:
    """Valid names are remembered in a store that is emptied when full: after
    thousands of distinct names, a bad name and the prefix rules still fail."""
    for number in range(5_000):
        assert serialize(f"name{number}", "v") == f"name{number}=v"
    with pytest.raises(InvalidNameError, match="token: 'a b'"):
        serialize("a b", "v")
    with pytest.raises(PrefixError, match="__Host- prefix but not Secure"):
        serialize("__Host-id", "v", path="/")
    assert serialize("__Host-id", "v", path="/", secure=True) == "__Host-id=v; Path=/; Secure"
    with pytest.raises(PrefixError, match="__Host- prefix but not Secure"):
        serialize("__Host-id", "v", path="/")  # remembered as prefixed, checked again
