"""Property and adversarial tests: what must hold for every input, not just the examples."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cookie_middleware import CookieError, CookieWarning, parse, serialize

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
        with warnings.catch_warnings():
            # A lifetime over 400 days is written, with a warning: not this test's concern.
            warnings.simplefilter("ignore", CookieWarning)
            header = serialize(name, value, options)
    except (CookieError, TypeError):
        return
    assert header.isascii()
    assert not {"\r", "\n", "\x00"} & set(header)
    for piece in header.split("; "):
        assert ";" not in piece, header


# Pathological headers: the work must grow linearly with the size. Counted, not
# timed: the header is a str that tallies the characters its own methods examine
# (every search, slice and split the parser makes of it), and the tally may be a
# few times the header's length, where work that grows faster would pass any
# constant. The pieces cut from it are plain str, parsed by C code that is linear
# in the piece.
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


class MeteredHeader(str):
    """A header that counts the characters examined by the methods called on it."""

    examined = 0

    def find(self, sub: str, start: Any = None, end: Any = None, /) -> int:
        begin, stop, _ = slice(start, end).indices(len(self))
        found = super().find(sub, begin, stop)
        self.examined += max(stop - begin if found < 0 else found + len(sub) - begin, 1)
        return found

    def rfind(self, sub: str, start: Any = None, end: Any = None, /) -> int:
        begin, stop, _ = slice(start, end).indices(len(self))
        found = super().rfind(sub, begin, stop)
        self.examined += max(stop - (begin if found < 0 else found), 1)
        return found

    def __getitem__(self, key: Any) -> str:
        piece = super().__getitem__(key)
        self.examined += max(len(piece), 1)
        return piece

    def __contains__(self, sub: object) -> bool:
        found = super().find(str(sub))
        self.examined += len(self) if found < 0 else found + len(str(sub))
        return found >= 0

    def split(self, *args: Any, **kwargs: Any) -> list[str]:
        self.examined += len(self)
        return super().split(*args, **kwargs)


def test_the_metered_header_sees_every_method_the_parser_calls() -> None:
    """A str method the parser starts to call on the whole header must be metered,
    or its work would go uncounted: these are all it calls."""
    allowed = {"find", "rfind", "__getitem__", "__contains__", "split", "isascii", "__len__"}
    called: set[str] = set()

    class Watched(MeteredHeader):
        def __getattribute__(self, name: str) -> Any:
            if name in vars(str):
                called.add(name)
            return super().__getattribute__(name)

    from cookie_middleware import Cookies

    header = Watched('a=1; b="2"; c =%41; aa=1; d')
    parse(header)
    cookies = Cookies({"HTTP_COOKIE": header})
    for name in ("d", "a", "c", "x"):
        cookies.get(name)
    assert called <= allowed, called - allowed


def _parse_all(header: str) -> object:
    return parse(header)


def _get_some(header: str) -> object:
    from cookie_middleware import Cookies

    cookies = Cookies({"HTTP_COOKIE": header})
    return cookies.get("a"), cookies.get("zz"), cookies.get("c9")


@pytest.mark.parametrize("work", [pytest.param(_parse_all, id="parse"),
                                  pytest.param(_get_some, id="cookies-get")])
@pytest.mark.parametrize("make", [pytest.param(f, id=k) for k, f in PATHOLOGICAL.items()])
def test_parse_work_grows_linearly(make: Callable[[int], str],
                                   work: Callable[[str], object]) -> None:
    header = MeteredHeader(make(256 * 1024))
    assert len(header) > 200_000
    work(header)
    assert header.examined <= 6 * len(header), (
        f"examined {header.examined} characters of a {len(header)}-character header"
    )


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


@pytest.mark.slow  # half a minute: every code point, in every position (`pytest -m slow`)
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
