"""Cookies through real WSGI requests: get, deferred set, overwrite, unset, guards."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from webob import Request, Response

from cookie_middleware import (
    Cookies,
    HeadersSentError,
    InsecureCookieError,
    MissingMiddlewareError,
    get_cookies,
)
from cookie_middleware.errors import CookieTooLargeError, InvalidNameError, PrefixError
from cookie_middleware.wsgi import COOKIES_ENVIRON_KEY

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

Handler = Callable[[Cookies, Response], None]


def stacked(handler: Handler, **config: Any) -> Any:
    """A WebOb app wrapped in Cookies.middleware that runs *handler*."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        response = Response("ok")
        handler(get_cookies(environ), response)
        return response(environ, start_response)

    return Cookies.middleware(app, **config)


# The name _ga inside eight other names and values before any cookie called _ga.
LOOK_ALIKE = "; ".join(f"_ga_{number}=GS1._ga.{number}" for number in range(8))


def set_cookies(response: Response) -> list[str]:
    return response.headers.getall("Set-Cookie")


@pytest.mark.parametrize(
    ("header", "name", "expected"),
    [
        pytest.param(None, "a", None, id="no-header"),
        pytest.param("a=1; b=2", "b", "2", id="present"),
        pytest.param("a=1", "b", None, id="absent"),
        pytest.param("a=%E2%82%AC", "a", "\u20ac", id="decoded"),
        pytest.param("a=1; a=2", "a", "1", id="first-wins"),
        pytest.param(" a=1;", "a", "1", id="leading-space-trailing-semicolon"),
        pytest.param("x=0;a=1", "a", "1", id="no-space-after-semicolon"),
        pytest.param("x=0;  a=1", "a", "1", id="two-spaces"),
        pytest.param("xa=0; a=1", "a", "1", id="inside-an-earlier-name"),
        pytest.param("x=a=0; a=1", "a", "1", id="inside-an-earlier-value"),
        pytest.param("x=1; a =2; a=3", "a", "2", id="space-before-equals-comes-first"),
        # More false matches than the lazy search tolerates before it parses the rest.
        pytest.param(LOOK_ALIKE + "; _ga=1; _ga=2", "_ga", "1", id="after-many-look-alikes"),
        pytest.param(LOOK_ALIKE + "; _ga =0; _ga=1", "_ga", "0",
                     id="odd-spelling-after-many-look-alikes"),
        pytest.param("x=1; a", "a", None, id="name-without-equals-at-end"),
        pytest.param("a", "a", None, id="only-the-name"),
        pytest.param('x=1; a="q"', "a", "q", id="quoted"),
        pytest.param("x=1; a= 2 ", "a", "2", id="value-trimmed"),
        # Names no parse returns: with "=" or ";" in them, or with space to trim.
        pytest.param("a==x", "a=", None, id="name-with-equals"),
        pytest.param("a;b=1", "a;b", None, id="name-with-semicolon"),
        pytest.param("x=1;  a=2", " a", None, id="name-with-leading-space"),
        pytest.param("a =1", "a ", None, id="name-with-trailing-space"),
        pytest.param("=x", "", "x", id="empty-name"),
    ],
)
def test_get(header: str | None, name: str, expected: str | None) -> None:
    seen: list[str | None] = []
    request = Request.blank("/")
    if header is not None:
        request.headers["Cookie"] = header
    request.get_response(stacked(lambda cookies, _: seen.append(cookies.get(name))))
    assert seen == [expected]


def test_get_agrees_with_the_node_vectors_in_any_order() -> None:
    """Cookies parses lazily, as far as each get needs; the answers are 0.2.4's."""
    vectors = json.loads((Path(__file__).parent / "vectors" / "cookie-0.2.4.json").read_text())
    for case in vectors["parse"]:
        cookies = Cookies({"HTTP_COOKIE": case["input"]})
        for name in [*reversed(case["output"]), "missing", *case["output"]]:
            assert cookies.get(name) == case["output"].get(name), case["input"]


def test_get_parses_once_and_does_not_see_new_cookies() -> None:
    environ = Request.blank("/", headers={"Cookie": "a=1"}).environ
    cookies = Cookies(environ)
    assert cookies.get("a") == "1"
    environ["HTTP_COOKIE"] = "a=2"
    cookies.set("a", "3")
    assert cookies.get("a") == "1"


@pytest.mark.parametrize(
    ("handler", "expected"),
    [
        pytest.param(lambda c, r: None, [], id="nothing"),
        pytest.param(lambda c, r: c.set("a", "1"), ["a=1"], id="one"),
        pytest.param(lambda c, r: (c.set("a", "1"), c.set("a", "2")), ["a=1", "a=2"],
                     id="append-same-name"),
        pytest.param(lambda c, r: (c.set("a", "1"), c.set("a", "2", None, True)), ["a=2"],
                     id="overwrite-positional"),
        pytest.param(lambda c, r: (c.set("a", "1"), c.set("a", "2"),
                                   c.set("a", "3", overwrite=True)), ["a=3"],
                     id="overwrite-replaces-all"),
        pytest.param(lambda c, r: (c.set("a", "1"), c.set("b", "2"), c.set("a", "3")),
                     ["a=1", "a=3", "b=2"], id="grouped-by-first-set-as-original"),
        pytest.param(lambda c, r: (c.set("a", "1"), c.set("b", "2"), c.set("a", "3", None, True)),
                     ["a=3", "b=2"], id="overwrite-keeps-slot"),
        pytest.param(lambda c, r: c.set("a", "x y", {"path": "/", "httpOnly": True}, True),
                     ["a=x%20y; Path=/; HttpOnly"], id="node-style-options"),
        pytest.param(lambda c, r: c.set("a", "b", max_age=60, same_site="strict"),
                     ["a=b; Max-Age=60; SameSite=Strict"], id="keyword-options"),
        pytest.param(lambda c, r: c.unset("a"), ["a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT"],
                     id="unset"),
        pytest.param(lambda c, r: (c.set("a", "1"), c.clear("a")),
                     ["a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT"], id="clear-overwrites"),
        pytest.param(lambda c, r: c.unset("a", path="/", domain="example.com"),
                     ["a=; Domain=example.com; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"],
                     id="unset-path-domain"),
        pytest.param(lambda c, r: c.unset("a", {"path": "/"}),
                     ["a=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"],
                     id="unset-node-options"),
        pytest.param(lambda c, r: (r.set_cookie("own", "x"), c.set("a", "1")),
                     ["own=x; Path=/", "a=1"], id="app-set-cookie-kept-first"),
        pytest.param(lambda c, r: (c.set("a", "1"), r.set_cookie("own", "x")),
                     ["own=x; Path=/", "a=1"], id="app-set-cookie-after-still-first"),
    ],
)
def test_set_cookie_headers(handler: Handler, expected: list[str]) -> None:
    response = Request.blank("/").get_response(stacked(handler))
    assert response.status_int == 200
    assert set_cookies(response) == expected


def test_bad_set_raises_at_the_call_and_keeps_valid_cookies() -> None:
    errors: list[Exception] = []

    def handler(cookies: Cookies, response: Response) -> None:
        cookies.set("good", "1")
        try:
            cookies.set("bad name", "2", overwrite=True)
        except InvalidNameError as error:
            errors.append(error)

    response = Request.blank("/").get_response(stacked(handler))
    assert [str(e) for e in errors] == ["cookie name must be an RFC 6265 token: 'bad name'"]
    assert set_cookies(response) == ["good=1"]


@pytest.mark.parametrize(
    "clash",
    [pytest.param({"expires": 5}, id="expires"), pytest.param({"max_age": 5}, id="max-age")],
)
def test_unset_refuses_expiry_options(clash: dict[str, Any]) -> None:
    with pytest.raises(TypeError, match=r"unset\(\) sets the expiry itself"):
        Cookies(Request.blank("/").environ).unset("a", **clash)


def test_set_after_headers_sent_raises() -> None:
    errors: list[Exception] = []
    cookies_seen: list[Cookies] = []

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        cookies = get_cookies(environ)
        cookies.set("early", "1")
        start_response("200 OK", [("Content-Type", "text/plain")])
        try:
            cookies.set("late", "2")
        except HeadersSentError as error:
            errors.append(error)
        cookies_seen.append(cookies)
        return [b"ok"]

    response = Request.blank("/").get_response(Cookies.middleware(app))
    assert set_cookies(response) == ["early=1"]
    assert [str(e) for e in errors] == [
        "cannot set cookie 'late': the response has started"
    ]


def test_generator_app_headers_go_out_at_start_response() -> None:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        get_cookies(environ).set("a", "1")
        start_response("200 OK", [("Content-Type", "text/plain")])
        yield b"ok"

    response = Request.blank("/").get_response(Cookies.middleware(app))
    assert set_cookies(response) == ["a=1"]
    assert response.body == b"ok"


def test_error_restart_with_exc_info_keeps_cookies() -> None:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        get_cookies(environ).set("a", "1")
        start_response("200 OK", [("Content-Type", "text/plain")])
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            start_response("500 Internal Server Error", [("Content-Type", "text/plain")],
                           sys.exc_info())
        return [b"error"]

    status, headers, _body, exc_info = Request.blank("/").call_application(
        Cookies.middleware(app), catch_exc_info=True
    )
    assert exc_info is not None
    assert status == "500 Internal Server Error"
    assert [value for field, value in headers if field == "Set-Cookie"] == ["a=1"]


# (environ, trust_proxy, whether the request counts as https)
SCHEMES = [
    pytest.param({}, False, False, id="http"),
    pytest.param({"wsgi.url_scheme": "https"}, False, True, id="https"),
    pytest.param({"HTTP_X_FORWARDED_PROTO": "https"}, False, False, id="proxy-not-trusted"),
    pytest.param({"HTTP_X_FORWARDED_PROTO": "https"}, True, True, id="proxy-trusted"),
    pytest.param({"HTTP_X_FORWARDED_PROTO": "HTTPS, http"}, True, True, id="proxy-list"),
    pytest.param({"HTTP_X_FORWARDED_PROTO": "http"}, True, False, id="proxy-says-http"),
]


@pytest.mark.parametrize(("environ", "trust_proxy", "allowed"), SCHEMES)
def test_secure_cookie_guard(environ: dict[str, str], trust_proxy: bool, allowed: bool) -> None:
    outcome: list[str] = []

    def handler(cookies: Cookies, response: Response) -> None:
        cookies.set("plain", "1")
        try:
            cookies.set("s", "1", secure=True)
            outcome.append("set")
        except InsecureCookieError as error:
            outcome.append(str(error))

    request = Request.blank("/", environ=dict[str, Any](environ))
    response = request.get_response(stacked(handler, trust_proxy=trust_proxy))
    if allowed:
        assert outcome == ["set"]
        assert set_cookies(response) == ["plain=1", "s=1; Secure"]
    else:
        assert outcome == [
            "cannot send secure cookie 's' over an unencrypted connection "
            "(behind a TLS-terminating proxy, use trust_proxy=True)"
        ]
        assert set_cookies(response) == ["plain=1"]


@pytest.mark.parametrize("read_before", [True, False], ids=["read-before", "unread-before"])
@pytest.mark.parametrize(("environ", "trust_proxy", "https"), SCHEMES)
def test_get_and_secure_answer_the_same_after_the_response_starts(
        environ: dict[str, str], trust_proxy: bool, https: bool, read_before: bool) -> None:
    """The response's start lets go of the request (no reference cycle); what
    get, header and secure answer does not change."""
    answers: list[tuple[str | None, str, bool]] = []

    def app(env: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        cookies = get_cookies(env)
        if read_before:
            answers.append((cookies.get("b"), cookies.cookie_header, cookies.https))
        start_response("200 OK", [("Content-Type", "text/plain")])
        env["HTTP_COOKIE"] = "a=changed"  # what the request said is kept, not this
        answers.append((cookies.get("b"), cookies.cookie_header, cookies.https))
        return [b"ok"]

    request = Request.blank("/", environ=dict[str, Any](environ), headers={"Cookie": "a=1; b=2"})
    request.get_response(Cookies.middleware(app, trust_proxy=trust_proxy))
    assert answers[-1] == ("2", "a=1; b=2", https)
    assert len(set(answers)) == 1


def test_no_state_shared_between_requests() -> None:
    seen: list[Cookies] = []

    def handler(cookies: Cookies, response: Response) -> None:
        seen.append(cookies)
        cookies.set("n", str(len(seen)))

    app = stacked(handler)
    first = Request.blank("/").get_response(app)
    second = Request.blank("/").get_response(app)
    assert set_cookies(first) == ["n=1"]
    assert set_cookies(second) == ["n=2"]
    assert seen[0] is not seen[1]


def test_no_cookie_read_is_shared_between_requests() -> None:
    """Each Cookies reads only its own header, whichever request reads first."""
    unread = Cookies({"HTTP_COOKIE": ""})
    reader = Cookies({"HTTP_COOKIE": "a=1; b=2"})
    assert (reader.get("a"), reader.get("b"), reader.get("c")) == ("1", "2", None)
    assert (unread.get("a"), unread.get("b")) == (None, None)
    assert Cookies({"HTTP_COOKIE": "b=3"}).get("b") == "3"


@pytest.mark.parametrize(
    "view",
    [
        pytest.param(lambda environ: environ, id="environ"),
        pytest.param(Request, id="webob-request"),
        pytest.param(lambda environ: type("DjangoLike", (), {"META": environ})(), id="django-like"),
    ],
)
def test_get_cookies_accepts_requests_and_environ(view: Callable[[dict[str, Any]], Any]) -> None:
    environ = Request.blank("/").environ
    cookies = Cookies(environ)
    environ[COOKIES_ENVIRON_KEY] = cookies
    assert get_cookies(view(environ)) is cookies


def test_get_cookies_without_middleware() -> None:
    with pytest.raises(MissingMiddlewareError,
                       match=r"wrap the WSGI app with Cookies.middleware\(app\)"):
        get_cookies(Request.blank("/"))


def test_cookies_rejects_a_non_request() -> None:
    with pytest.raises(TypeError, match="expected a WSGI environ or a request"):
        Cookies(42)


def test_bare_cookies_with_webob_response() -> None:
    """Given a webob.Response, the response always carries exactly the pending cookies."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        response = Response("ok")
        response.set_cookie("own", "x")
        cookies = Cookies(request, response)
        cookies.set("a", "1")
        cookies.set("a", "2")
        cookies.set("b", "1")
        cookies.set("a", "3", overwrite=True)
        return response(environ, start_response)

    response = Request.blank("/").get_response(app)
    assert set_cookies(response) == ["own=x; Path=/", "a=3", "b=1"]


def test_seal_for_custom_servers() -> None:
    cookies = Cookies({"wsgi.url_scheme": "https"})
    cookies.set("a", "1", secure=True)
    cookies.set("b", "2")
    assert cookies.seal() == ["a=1; Secure", "b=2"]
    with pytest.raises(HeadersSentError):
        cookies.set("b", "2")


@pytest.mark.parametrize(
    ("raw", "name", "expected"),
    [
        pytest.param("city=Kraków".encode(), "city", "Kraków", id="utf8"),
        pytest.param("word=voilà".encode(), "word", "voilà", id="utf8-ending-in-a0-byte"),
        pytest.param("a=é; b=\u00a0x".encode(), "b", "x", id="real-nbsp-is-trimmed"),
        pytest.param(b"x=\xff\xfe; city=Krak\xc3\xb3w", "city", "Kraków",
                     id="invalid-piece-does-not-spoil-others"),
        pytest.param(b"x=\xff\xfe; city=Krak\xc3\xb3w", "x", "\u00ff\u00fe",
                     id="invalid-piece-read-as-latin1"),
        pytest.param(b"e=%E2%82%AC", "e", "\u20ac", id="percent-encoded-as-before"),
    ],
)
def test_get_returns_the_text_that_was_sent(raw: bytes, name: str, expected: str) -> None:
    """WSGI hands header bytes over as latin-1; get() decodes them as UTF-8 where
    they are UTF-8, so a raw UTF-8 cookie reads as the client wrote it."""
    seen: list[str | None] = []
    request = Request.blank("/")
    request.environ["HTTP_COOKIE"] = raw.decode("latin-1")  # what a WSGI server does
    request.get_response(stacked(lambda cookies, _: seen.append(cookies.get(name))))
    assert seen == [expected]


class CountingList(list[Any]):
    """A header list that counts the entries read from it, one by one or by iteration."""

    touched = 0

    def __getitem__(self, index: Any) -> Any:
        result = super().__getitem__(index)
        self.touched += len(result) if isinstance(index, slice) else 1
        return result

    def __iter__(self) -> Any:
        self.touched += len(self)
        return super().__iter__()


def _webob_response() -> tuple[Any, CountingList]:
    response = Response("ok")
    response.headerlist = CountingList(response.headerlist)
    return response, response.headerlist


def _starlette_response() -> tuple[Any, CountingList]:
    from starlette.responses import Response as StarletteResponse

    response = StarletteResponse("ok")
    response.raw_headers = CountingList(response.raw_headers)
    return response, response.raw_headers


@pytest.mark.parametrize("make", [pytest.param(_webob_response, id="webob"),
                                  pytest.param(_starlette_response, id="starlette")])
def test_response_mode_reads_the_header_list_a_bounded_number_of_times(
        make: Callable[[], tuple[Any, CountingList]]) -> None:
    """Linear in the number of sets, counted rather than timed: adding cookies and
    overwriting the newest never walks the response's whole header list."""
    response, headers = make()
    cookies = Cookies(Request.blank("/").environ, response)
    sets = 4000
    for number in range(sets // 2):
        cookies.set(f"c{number}", "v")
    for number in range(sets // 2):
        cookies.set("c1999", str(number), None, True)
    assert headers.touched <= 2 * sets, headers.touched
    assert cookies.set_cookie_headers()[-1] == f"c1999={sets // 2 - 1}"
    written = [value.decode() if isinstance(value, bytes) else value
               for name, value in headers if name in ("Set-Cookie", b"set-cookie")]
    assert written == cookies.set_cookie_headers()


def test_webob_response_mode_stays_linear_and_in_order() -> None:
    """Each set touches only its own cookie's headers in the WebOb response."""
    response = Response("ok")
    response.headerlist.append(("Set-Cookie", "own=1"))
    cookies = Cookies(Request.blank("/").environ, response)
    for number in range(300):
        cookies.set(f"c{number}", str(number))
    cookies.set("c5", "five", None, True)
    cookies.set("c7", "again")
    assert set_cookies(response) == ["own=1", *cookies.set_cookie_headers()]
    assert set_cookies(response)[6:10] == ["c5=five", "c6=6", "c7=7", "c7=again"]


@pytest.mark.parametrize(
    ("call", "error"),
    [
        pytest.param(lambda c: c.set("bad name", "v", secure=True), InvalidNameError,
                     id="bad-name"),
        pytest.param(lambda c: c.set("big", "x" * 5000, secure=True), CookieTooLargeError,
                     id="too-large"),
        pytest.param(lambda c: c.set("__Host-x", "v", secure=True, path="/x"), PrefixError,
                     id="host-prefix-path"),
    ],
)
def test_a_bad_cookie_is_refused_as_such_even_over_plain_http(
        call: Callable[[Cookies], None], error: type[Exception]) -> None:
    """The code's mistake comes first: it is not hidden behind the one error that
    depends on the request."""
    cookies = Cookies({"wsgi.url_scheme": "http"})
    with pytest.raises(error):
        call(cookies)
    assert cookies.set_cookie_headers() == []


@pytest.mark.parametrize("overwrite", [pytest.param(True, id="overwrite"),
                                       pytest.param(False, id="add")])
def test_a_header_the_app_removed_from_a_webob_response_stays_removed(overwrite: bool) -> None:
    response = Response()
    cookies = Cookies(Request.blank("/").environ, response)
    cookies.set("a", "1")
    cookies.set("b", "1")
    del response.headers["Set-Cookie"]  # the app removes every Set-Cookie header
    cookies.set("a", "2", None, overwrite)
    assert response.headers.getall("Set-Cookie") == ["a=2"]
    assert cookies.set_cookie_headers() == (["a=2", "b=1"] if overwrite else ["a=1", "a=2", "b=1"])


def test_withdraw_forgets_the_pending_cookies_of_a_name() -> None:
    response = Response()
    cookies = Cookies(Request.blank("/"), response)
    cookies.set("a", "1")
    cookies.set("b", "2")
    cookies.set("a", "3")
    cookies.withdraw("a")
    cookies.withdraw("never-set")
    assert response.headers.getall("Set-Cookie") == ["b=2"]
    assert cookies.seal() == ["b=2"]
    with pytest.raises(HeadersSentError, match="cannot withdraw cookie 'b'"):
        cookies.withdraw("b")
