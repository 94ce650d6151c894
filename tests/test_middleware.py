"""Session.middleware stacked under Cookies.middleware, through real WebOb requests."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from webob import Request, Response

import session_middleware.wsgi
from cookie_middleware import Cookies, InsecureCookieError, get_cookies
from cookie_middleware.asgi import CookiesMiddleware as AsgiCookiesMiddleware
from cookie_middleware.errors import InvalidOptionError, PrefixError
from cookie_middleware.wsgi import CookiesMiddleware
from session_middleware import (
    MissingCookiesError,
    MissingSessionError,
    Session,
    get_session,
    new_token,
)
from tests.transports import TRANSPORTS, Through

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment


def make_app(view: Callable[[Session], object], **session_config: Any) -> Any:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        session = get_session(environ)
        view(session)
        return Response(session.token)(environ, start_response)

    return Cookies.middleware(Session.middleware(app, **session_config))


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ENV", raising=False)


def test_new_visitor_gets_a_token_cookie() -> None:
    response = Request.blank("/").get_response(make_app(lambda s: None))
    token = response.text
    assert response.headers.getall("Set-Cookie") == [f"_session={token}; Path=/; HttpOnly"]


def test_valid_incoming_token_is_kept_and_re_set() -> None:
    token = new_token()
    request = Request.blank("/", headers={"Cookie": f"_session={token}; other=1"})
    response = request.get_response(make_app(lambda s: None))
    assert response.text == token
    assert response.headers.getall("Set-Cookie") == [f"_session={token}; Path=/; HttpOnly"]


@pytest.mark.parametrize(
    "cookie",
    [
        pytest.param("_session=", id="empty"),
        pytest.param("_session=abc", id="malformed"),
        pytest.param("_session=" + "A" * 3000, id="oversized"),
        pytest.param("_session=%ZZ" + "A" * 253, id="bad-escape"),
    ],
)
def test_untrusted_incoming_token_is_replaced(cookie: str) -> None:
    response = Request.blank("/", headers={"Cookie": cookie}).get_response(
        make_app(lambda s: None)
    )
    token = response.text
    assert token not in cookie
    assert response.headers.getall("Set-Cookie") == [f"_session={token}; Path=/; HttpOnly"]


def test_reset_yields_exactly_one_set_cookie_with_the_new_token() -> None:
    old = new_token()
    request = Request.blank("/", headers={"Cookie": f"_session={old}"})
    response = request.get_response(make_app(lambda s: (s.reset(), s.reset(), s.reset())))
    token = response.text
    assert token != old
    assert response.headers.getall("Set-Cookie") == [f"_session={token}; Path=/; HttpOnly"]


def test_session_name_and_options() -> None:
    app = make_app(lambda s: None, name="sid", max_age=600, same_site="lax")
    response = Request.blank("/").get_response(app)
    assert response.headers.getall("Set-Cookie") == [
        f"sid={response.text}; Max-Age=600; Path=/; HttpOnly; SameSite=Lax"
    ]


@pytest.mark.parametrize(
    ("config", "error", "message"),
    [
        pytest.param({"same_site": "sometimes"}, InvalidOptionError, "option sameSite",
                     id="bad-option"),
        pytest.param({"name": "__Host-sid"}, PrefixError, "__Host- prefix but not Secure",
                     id="prefix-without-secure"),
    ],
)
def test_bad_configuration_fails_at_start_up(config: dict[str, Any], error: type[Exception],
                                             message: str) -> None:
    with pytest.raises(error, match=message):
        Session.middleware(lambda environ, start_response: [], **config)


def test_host_prefix_session_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    """In production the session cookie is Secure, so __Host- passes the start-up check."""
    monkeypatch.setenv("ENV", "production")
    app = make_app(lambda s: None, name="__Host-sid")
    response = Request.blank("https://example.com/").get_response(app)
    assert response.headers.getall("Set-Cookie") == [
        f"__Host-sid={response.text}; Path=/; HttpOnly; Secure"
    ]


@pytest.mark.parametrize("through", TRANSPORTS)
@pytest.mark.parametrize(
    ("session", "forwarded"),
    [
        pytest.param({}, [], id="production-no-proxy-header"),
        pytest.param({}, [("x-forwarded-proto", b"http")], id="production-forwarded-http"),
        pytest.param({}, [("x-forwarded-proto", b"http, https")], id="production-appended"),
        pytest.param({"name": "__Host-sid", "secure": True}, [], id="host-prefixed"),
    ],
)
def test_a_secure_session_over_plain_http_answers_without_the_cookie(
        monkeypatch: pytest.MonkeyPatch, through: Through, session: dict[str, Any],
        forwarded: list[tuple[str, bytes]]) -> None:
    """Whether a request is https may rest on a header a client sends (behind
    trust_proxy): a request over plain http gets its answer, without the Secure
    cookie a browser would discard; over https the cookie is written."""
    monkeypatch.setenv("ENV", "production")
    name = session.get("name", "_session")
    plain = through(lambda cookies, s: s.token, forwarded, session=session,
                    cookies={"trust_proxy": True})
    assert (plain.status, plain.set_cookies) == (200, [])
    secure = through(lambda cookies, s: s.token, [], scheme="https", session=session)
    assert secure.set_cookies == [f"{name}={secure.result}; Path=/; HttpOnly; Secure"]


def test_a_reset_over_plain_http_in_production_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    """A login there could not reach the browser: the app's own call says so."""
    monkeypatch.setenv("ENV", "production")
    app = make_app(lambda s: s.reset())
    with pytest.raises(InsecureCookieError, match="cannot send secure cookie '_session'"):
        Request.blank("/").get_response(app)


def test_missing_cookies_middleware_says_so() -> None:
    app = Session.middleware(lambda environ, start_response: [])
    with pytest.raises(MissingCookiesError) as caught:
        Request.blank("/").get_response(app)
    assert str(caught.value) == (
        "Session.middleware needs Cookies.middleware around it: "
        "app = Cookies.middleware(Session.middleware(app))"
    )


def test_get_session_without_middleware() -> None:
    with pytest.raises(MissingSessionError, match="no Session on this request"):
        get_session(Request.blank("/"))


def test_each_request_gets_its_own_session() -> None:
    sessions: list[Session] = []
    app = make_app(sessions.append)
    Request.blank("/").get_response(app)
    Request.blank("/").get_response(app)
    assert sessions[0] is not sessions[1]
    assert sessions[0].token != sessions[1].token


def test_stacking_twice_keeps_one_cookies_one_session_and_the_reset() -> None:
    seen: list[tuple[Any, Session]] = []

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        session = get_session(environ)
        seen.append((get_cookies(environ), session))
        session.reset()
        return Response(session.token)(environ, start_response)

    stack = Cookies.middleware(Session.middleware(Cookies.middleware(Session.middleware(app))))
    old = new_token()
    response = Request.blank("/", headers={"Cookie": f"_session={old}"}).get_response(stack)
    (_, session), = seen
    assert response.text == session.token != old
    assert response.headers.getall("Set-Cookie") == [f"_session={session.token}; Path=/; HttpOnly"]


def test_a_sub_request_on_a_copied_environ_gets_its_own_cookies_and_session() -> None:
    inner_tokens: list[str] = []

    def inner(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        session = get_session(environ)
        get_cookies(environ).set("inner", "1")
        inner_tokens.append(session.reset())
        return Response("inner")(environ, start_response)

    inner_stack = Cookies.middleware(Session.middleware(inner))

    def outer(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        sub = Request(environ).copy()  # WebOb's sub-request: its own environ
        sub_response = sub.get_response(inner_stack)
        assert [c.split("=")[0] for c in sub_response.headers.getall("Set-Cookie")] == [
            "_session", "inner"]
        return Response(get_session(environ).token)(environ, start_response)

    stack = Cookies.middleware(Session.middleware(outer))
    token = new_token()
    response = Request.blank("/", headers={"Cookie": f"_session={token}"}).get_response(stack)
    assert response.text == token  # the sub-request's reset did not touch this session
    assert response.headers.getall("Set-Cookie") == [f"_session={token}; Path=/; HttpOnly"]
    assert inner_tokens[0] != token


@pytest.mark.parametrize(
    ("cookie", "fetch_site", "written"),
    [
        pytest.param(None, "cross-site", False, id="cross-site-without-cookie"),
        pytest.param(None, "same-origin", True, id="same-origin-without-cookie"),
        pytest.param(None, None, True, id="no-fetch-metadata"),
        pytest.param("_session=bad", "cross-site", True, id="cross-site-bad-cookie"),
    ],
)
def test_a_cross_site_request_without_a_session_cookie_writes_none(
    cookie: str | None, fetch_site: str | None, written: bool
) -> None:
    headers = {}
    if cookie is not None:
        headers["Cookie"] = cookie
    if fetch_site is not None:
        headers["Sec-Fetch-Site"] = fetch_site
    response = Request.blank("/", headers=headers).get_response(make_app(lambda s: None))
    expected = [f"_session={response.text}; Path=/; HttpOnly"] if written else []
    assert response.headers.getall("Set-Cookie") == expected


LINK = [("sec-fetch-site", b"cross-site"), ("sec-fetch-mode", b"navigate"),
        ("sec-fetch-dest", b"document")]
FORM_POST = LINK  # a form post is a top-level navigation too: only its method differs


@pytest.mark.parametrize("through", TRANSPORTS)
@pytest.mark.parametrize(
    ("options", "fetch", "method", "written"),
    [
        pytest.param({"same_site": "lax"}, LINK, "GET", True, id="lax-link-lands"),
        pytest.param({}, LINK, "GET", True, id="unset-link-lands"),
        pytest.param({"same_site": "lax"}, LINK, "HEAD", True, id="lax-link-head"),
        pytest.param({"same_site": "strict"}, LINK, "GET", False, id="strict-link"),
        pytest.param({"same_site": "lax"}, FORM_POST, "POST", False, id="lax-form-post"),
        pytest.param({"same_site": "lax"}, LINK[:1], "GET", False, id="lax-no-mode"),
        pytest.param({"same_site": "lax"}, [*LINK[:2], ("sec-fetch-dest", b"iframe")], "GET",
                     False, id="lax-iframe"),
        pytest.param({"same_site": "lax"}, [("sec-fetch-mode", b"cors"), *LINK[:1]], "GET",
                     False, id="lax-fetch"),
        pytest.param({"same_site": "none", "secure": True}, FORM_POST, "POST", True,
                     id="none-form-post"),
    ],
)
def test_a_minted_token_is_withheld_only_where_the_browser_would_withhold_a_cookie(
        through: Through, options: dict[str, Any], fetch: list[tuple[str, bytes]],
        method: str, written: bool) -> None:
    """A visitor who follows a link from another site would have sent a Lax
    session cookie: arriving without one, they have none, and get theirs."""
    outcome = through(lambda cookies, session: session.token, fetch, scheme="https",
                      method=method, session=options)
    assert outcome.status == 200
    assert bool(outcome.set_cookies) is written
    if written:
        assert outcome.set_cookies[0].startswith(f"_session={outcome.result};")


def test_a_reset_on_a_cross_site_post_is_written() -> None:
    """An OpenID Connect form_post callback logs in through a cross-site POST."""
    request = Request.blank("/", method="POST", headers={"Sec-Fetch-Site": "cross-site"})
    response = request.get_response(make_app(lambda s: s.reset()))
    assert response.headers.getall("Set-Cookie") == [f"_session={response.text}; Path=/; HttpOnly"]


class Browser:
    """A cookie jar that applies Set-Cookie headers in the order responses arrive."""

    def __init__(self) -> None:
        self.jar: dict[str, str] = {}

    def header(self) -> dict[str, str]:
        return {"HTTP_COOKIE": "; ".join(f"{k}={v}" for k, v in self.jar.items())}

    def receive(self, headers: list[tuple[str, str]]) -> None:
        for name, value in headers:
            if name == "Set-Cookie":
                key, _, rest = value.partition("=")
                self.jar[key] = rest.split(";", 1)[0]


@pytest.mark.parametrize(("rolling", "logged_in_after"), [
    pytest.param(True, False, id="rolling-loses-the-login"),
    pytest.param(False, True, id="not-rolling-keeps-it"),
])
def test_a_slow_request_and_a_login_interleaved(rolling: bool, logged_in_after: bool) -> None:
    """Request A (slow) starts with T1; B logs in, resets to T2 and stores the
    user under T2; A finishes last. With a rolling cookie A writes T1 back."""
    users: dict[str, str] = {}

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterator[bytes]:
        session = get_session(environ)
        if environ["PATH_INFO"] == "/login":
            users[session.reset()] = "ada"
        yield b""  # a slow handler: its headers go out only when iterated
        start_response("200 OK", [])

    stack = Cookies.middleware(Session.middleware(app, rolling=rolling))
    browser = Browser()
    first: list[tuple[str, str]] = []
    list(stack({**browser.header(), "PATH_INFO": "/", "wsgi.url_scheme": "http",
                "wsgi.version": (1, 0)}, lambda s, h, e=None: first.extend(h)))
    browser.receive(first)  # the visit that minted T1

    def start(sink: list[tuple[str, str]]) -> Callable[..., None]:
        return lambda status, headers, exc_info=None: sink.extend(headers)

    a_headers: list[tuple[str, str]] = []
    b_headers: list[tuple[str, str]] = []
    slow = iter(stack({**browser.header(), "PATH_INFO": "/", "wsgi.url_scheme": "http",
                       "wsgi.version": (1, 0)}, start(a_headers)))
    next(slow)  # A has started, holding T1
    list(stack({**browser.header(), "PATH_INFO": "/login", "wsgi.url_scheme": "http",
                "wsgi.version": (1, 0)}, start(b_headers)))
    browser.receive(b_headers)  # B's response arrives first: T2
    list(slow)
    browser.receive(a_headers)  # A's arrives last
    assert (users.get(browser.jar["_session"]) == "ada") is logged_in_after


class CountingCookies(Cookies):
    """A cookies_class whose own __init__ must run under the middleware."""

    __slots__ = ("made_for",)

    def __init__(self, request: object, response: object = None, **options: Any) -> None:
        super().__init__(request, response, **options)
        self.made_for = "app"


class TaggedSession(Session):
    """A session_class whose own __init__ must run under the middleware."""

    __slots__ = ("tag",)

    def __init__(self, cookies: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(cookies, *args, **kwargs)
        self.tag = f"tagged {self.name}"


@pytest.mark.parametrize("through", TRANSPORTS)
def test_a_subclass_init_runs_under_every_middleware(through: Through) -> None:
    def handler(cookies: Cookies, session: Session | None) -> object:
        assert isinstance(cookies, CountingCookies)
        assert isinstance(session, TaggedSession)
        return cookies.made_for, session.tag

    outcome = through(handler, cookies={"cookies_class": CountingCookies},
                      session={"session_class": TaggedSession, "name": "sid"})
    assert outcome.result == ("app", "tagged sid")
    assert [value.split("=", 1)[0] for value in outcome.set_cookies] == ["sid"]


def test_session_middleware_classmethod_makes_the_subclass() -> None:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        start_response("200 OK", [])
        return [get_session(environ).tag.encode()]  # type: ignore[attr-defined]

    stack = Cookies.middleware(TaggedSession.middleware(app))
    assert Request.blank("/").get_response(stack).body == b"tagged _session"


def test_settings_and_options_together_are_refused() -> None:
    settings = session_middleware.wsgi.SessionMiddleware(lambda e, s: [], "sid").settings
    cookies = Cookies({"wsgi.url_scheme": "http"})
    with pytest.raises(TypeError, match="either settings= or a cookie name and options"):
        Session(cookies, "other", settings=settings)
    assert Session(cookies, settings=settings).name == "sid"


@pytest.mark.parametrize(("wrap", "app", "message"), [
    pytest.param(lambda app: CookiesMiddleware(app), lambda scope, receive, send: None,
                 "takes (scope, receive, send); for an ASGI app, use "
                 "cookie_middleware.asgi.CookiesMiddleware instead", id="asgi-app-under-wsgi"),
    pytest.param(lambda app: AsgiCookiesMiddleware(app), lambda environ, start_response: [],
                 "takes (environ, start_response); for a WSGI app, use "
                 "Cookies.middleware(app) (cookie_middleware.wsgi) instead",
                 id="wsgi-app-under-asgi"),
    pytest.param(lambda app: Session.middleware(app), lambda request: None,
                 "it takes one argument, as Django's get_response does: in Django's "
                 "settings.MIDDLEWARE, use 'session_middleware.django.SessionMiddleware' "
                 "instead", id="django"),
])
def test_an_app_of_the_wrong_kind_is_refused_at_start_up(
        wrap: Callable[[Any], object], app: object, message: str) -> None:
    with pytest.raises(TypeError) as caught:
        wrap(app)
    assert str(caught.value).endswith(message)
