"""Session.middleware stacked under Cookies.middleware, through real WebOb requests."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import pytest
from webob import Request, Response

from cookie_middleware import Cookies, InsecureCookieError, InvalidOptionError, PrefixError
from session_middleware import (
    MissingCookiesError,
    MissingSessionError,
    Session,
    get_session,
    new_token,
)

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


def test_production_over_http_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENV", "production")
    app = make_app(lambda s: None)
    with pytest.raises(InsecureCookieError, match="cannot send secure cookie '_session'"):
        Request.blank("/").get_response(app)
    response = Request.blank("https://example.com/").get_response(app)
    assert response.headers.getall("Set-Cookie") == [
        f"_session={response.text}; Path=/; HttpOnly; Secure"
    ]


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
