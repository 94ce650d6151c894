"""Property and adversarial tests: what must hold for every input, not just the examples."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cookie_middleware import CookieError, parse, serialize

TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,40}"
names = st.from_regex(TOKEN, fullmatch=True).filter(
    lambda name: not name.lower().startswith(("__secure-", "__host-"))
)
# Any str a caller can hold, but short enough that the encoded cookie fits 4096 bytes.
values = st.text(max_size=300)


@given(st.text())
def test_parse_never_raises_on_a_str(header: str) -> None:
    result = parse(header)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in result.items())


@given(st.text(alphabet=st.sampled_from(' ;="%\\\t\u00a0abc=%2%zz%E2%82'), max_size=200))
def test_parse_never_raises_on_delimiter_soup(header: str) -> None:
    parse(header)


@given(names, values)
def test_parse_serialize_round_trip(name: str, value: str) -> None:
    assert parse(serialize(name, value)) == {name: value}


@given(st.dictionaries(names, values, min_size=1, max_size=5), st.text(), st.text())
def test_well_formed_pairs_survive_beside_garbage(pairs: dict[str, str], before: str,
                                                  after: str) -> None:
    assume(not pairs.keys() & parse(before).keys())
    cookie_pairs = [serialize(name, value) for name, value in pairs.items()]
    header = ";".join([before, *cookie_pairs, after])
    parsed = parse(header)
    for name, value in pairs.items():
        assert parsed[name] == value


option_values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
    st.sampled_from(["/", "/a;b", "example.com", "lax", "none", "strict", "high", "/\r\n"]),
)
option_names = st.sampled_from([
    "maxAge", "max_age", "expires", "domain", "path", "httpOnly", "http_only", "secure",
    "sameSite", "same_site", "priority", "partitioned", "typo",
])


@settings(max_examples=500)
@given(st.text(max_size=30), st.text(max_size=60),
       st.dictionaries(option_names, option_values, max_size=6),
       st.one_of(st.none(), st.text(max_size=60)))
def test_serialize_never_emits_a_broken_header(name: str, value: str,
                                               options: dict[str, Any],
                                               encoded: str | None) -> None:
    if encoded is not None:
        options = {**options, "encode": lambda _: encoded}
    try:
        header = serialize(name, value, options)
    except (CookieError, TypeError):
        return
    assert header.isascii()
    assert not {"\r", "\n", "\x00"} & set(header)
    for piece in header.split("; "):
        assert ";" not in piece, header


# Pathological headers: the time must grow linearly with the size. Measured as a
# ratio between two sizes in the same run (8x the input may take at most 24x the
# time; quadratic work would take 64x), never against a wall-clock limit.
PATHOLOGICAL: dict[str, Callable[[int], str]] = {
    "many-cookies": lambda n: "; ".join(f"c{i}=v{i}" for i in range(n // 10)),
    "duplicates": lambda n: "a=b; " * (n // 5),
    "backslashes": lambda n: "a=" + "\\" * n,
    "quotes": lambda n: "a=" + '"' * n,
    "percents": lambda n: "a=" + "%" * n,
    "escapes": lambda n: "a=" + "%41" * (n // 3),
    "broken-utf8": lambda n: "a=" + "%E2%82" * (n // 6),
    "equals": lambda n: "=" * n,
    "names-without-values": lambda n: "a;" * (n // 2),
    "name-prefixes": lambda n: "aa=1; " * (n // 6),
    "semicolons": lambda n: ";" * n,
    "spaces": lambda n: "a=" + " " * n + "b",
    "nbsp": lambda n: "a=" + "\u00a0" * n + "b",
}


def _parse_all(header: str) -> object:
    return parse(header)


def _get_some(header: str) -> object:
    from cookie_middleware import Cookies

    cookies = Cookies({"HTTP_COOKIE": header})
    return cookies.get("a"), cookies.get("zz"), cookies.get("c9")


def _best_time(work: Callable[[str], object], header: str, repeat: int = 7) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work(header)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("work", [pytest.param(_parse_all, id="parse"),
                                  pytest.param(_get_some, id="cookies-get")])
@pytest.mark.parametrize("make", [pytest.param(f, id=k) for k, f in PATHOLOGICAL.items()])
def test_parse_time_grows_linearly(make: Callable[[int], str],
                                   work: Callable[[str], object]) -> None:
    small, large = make(128 * 1024), make(1024 * 1024)
    assert len(large) >= 7 * len(small)
    ratio = _best_time(work, large) / max(_best_time(work, small), 1e-7)
    assert ratio < 24, f"8x the input took {ratio:.1f}x the time"


def test_hundred_thousand_backslashes_and_quotes_parse_whole() -> None:
    assert parse("a=" + "\\" * 100_000) == {"a": "\\" * 100_000}
    assert parse('a="' + '"' * 100_000 + '"') == {"a": '"' * 100_000}
    assert len(parse("; ".join(f"c{i}=v" for i in range(50_000)))) == 50_000


@settings(max_examples=1500)
@given(st.text(alphabet=st.sampled_from(' ;="%\\\t\u00a0abc_=%41%zz'), max_size=120),
       st.lists(st.sampled_from(["a", "b", "c", "ab", "ba", "", "_", "a b", "zz", "a=", "a;b",
                                 " a", '"']), max_size=6))
def test_cookies_get_agrees_with_parse_in_any_order(header: str, names: list[str]) -> None:
    """Cookies splits lazily, as far as each get needs; the answers are parse's."""
    from cookie_middleware import Cookies

    cookies = Cookies({"HTTP_COOKIE": header})
    expected = parse(header)
    for name in [*names, *expected, *names]:
        assert cookies.get(name) == expected.get(name)


def _identity(value: str) -> str:
    return value


# Each attribute position, as a template holding one code point, and how many "; "
# separators a correct header has: any other count means an attribute was smuggled in.
POSITIONS = [
    pytest.param(lambda c: serialize(f"a{c}b", "v"), 0, id="name"),
    pytest.param(lambda c: serialize("a", f"v{c}w", encode=_identity), 0, id="value-encoded"),
    pytest.param(lambda c: serialize("a", "v", domain=f"x{c}y.com"), 1, id="domain"),
    pytest.param(lambda c: serialize("a", "v", path=f"/p{c}q"), 1, id="path"),
    pytest.param(lambda c: serialize("a", "v", same_site=f"la{c}", secure=True), 2,
                 id="same-site"),
    pytest.param(lambda c: serialize("a", "v", priority=f"hig{c}"), 1, id="priority"),
]


@pytest.mark.parametrize(("render", "separators"), POSITIONS)
def test_every_code_point_in_every_position_is_refused_or_ascii(
    render: Callable[[str], str], separators: int
) -> None:
    """Whatever the code point, serialize raises, or writes pure ASCII with exactly
    the attributes asked for: nothing a browser or a WSGI server could misread."""
    accepted = 0
    for code_point in range(0x110000):
        try:
            header = render(chr(code_point))
        except (CookieError, TypeError):
            continue
        accepted += 1
        assert header.isascii(), (hex(code_point), header)
        assert header.count(";") == separators, (hex(code_point), header)
    assert accepted > 0  # the templates themselves are valid
