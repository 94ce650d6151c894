"""Session on the cookies API alone: token kept or replaced, rolling cookie, reset."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from cookie_middleware import Cookies, HeadersSentError, InsecureCookieError
from cookie_middleware.errors import InvalidNameError, InvalidOptionError
from session_middleware import Session, is_session_token, new_token
from session_middleware.session import SessionSettings, cookie_withheld


class FakeCookies:
    """Only what the Node original's cookies offer: get and set."""

    def __init__(self, incoming: dict[str, str] | None = None) -> None:
        self.incoming = incoming or {}
        self.calls: list[tuple[str, str, dict[str, object], bool]] = []

    def get(self, name: str, /) -> str | None:
        return self.incoming.get(name)

    def set(self, name: str, value: str, options: Mapping[str, object] | None = None,
            overwrite: bool = False, /) -> None:
        self.calls.append((name, value, dict(options or {}), overwrite))


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ENV", raising=False)


def test_runs_on_a_fake_with_only_get_and_set() -> None:
    token = new_token()
    cookies = FakeCookies({"_session": token})
    session = Session(cookies)
    assert session.token == token
    assert session.new is False
    assert cookies.calls == [
        ("_session", token, {"path": "/", "httpOnly": True, "secure": False}, True)
    ]


def test_no_cookie_mints_a_token() -> None:
    cookies = FakeCookies()
    session = Session(cookies, "my_session")
    assert is_session_token(session.token)
    assert session.new is True
    assert session.name == "my_session"
    assert [call[:2] for call in cookies.calls] == [("my_session", session.token)]


@pytest.mark.parametrize(
    "incoming",
    [
        pytest.param("", id="empty"),
        pytest.param("abc", id="short"),
        pytest.param("A" * 257, id="long"),
        pytest.param("A" * 4000, id="oversized"),
        pytest.param("A" * 255 + "+", id="wrong-alphabet"),
        pytest.param("A" * 255 + ";", id="semicolon"),
    ],
)
def test_untrusted_incoming_value_is_replaced(incoming: str) -> None:
    cookies = FakeCookies({"_session": incoming})
    session = Session(cookies)
    assert session.token != incoming
    assert is_session_token(session.token)
    assert session.new is True
    assert cookies.calls[-1][1] == session.token


def test_accept_token_lets_foreign_tokens_in() -> None:
    cookies = FakeCookies({"_session": "legacy-42"})
    session = Session(cookies, accept_token=lambda value: value.startswith("legacy-"))
    assert session.token == "legacy-42"
    assert session.new is False


def test_reset_returns_a_new_token_and_overwrites() -> None:
    token = new_token()
    cookies = FakeCookies({"_session": token})
    session = Session(cookies)
    first = session.reset()
    second = session.reset()
    assert len({token, first, second}) == 3
    assert session.token == second
    assert session.new is True
    assert [(value, overwrite) for _, value, _, overwrite in cookies.calls] == [
        (token, True), (first, True), (second, True)
    ]


@pytest.mark.parametrize(
    ("env", "secure"),
    [
        pytest.param("production", True, id="production"),
        pytest.param("staging", False, id="staging"),
        pytest.param("Production", False, id="exact-match-only"),
        pytest.param(None, False, id="unset"),
    ],
)
def test_env_production_adds_secure(monkeypatch: pytest.MonkeyPatch, env: str | None,
                                    secure: bool) -> None:
    if env is not None:
        monkeypatch.setenv("ENV", env)
    cookies = FakeCookies()
    Session(cookies)
    assert cookies.calls[0][2]["secure"] is secure


def test_env_is_read_when_the_cookie_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    cookies = FakeCookies()
    session = Session(cookies)
    monkeypatch.setenv("ENV", "production")
    session.reset()
    assert [call[2]["secure"] for call in cookies.calls] == [False, True]


@pytest.mark.parametrize(
    ("cookie_options", "expected"),
    [
        pytest.param({"max_age": 3600}, {"path": "/", "httpOnly": True, "secure": False,
                                         "max_age": 3600}, id="max-age"),
        pytest.param({"same_site": "lax", "domain": "example.com"},
                     {"path": "/", "httpOnly": True, "secure": False, "same_site": "lax",
                      "domain": "example.com"}, id="same-site-domain"),
        pytest.param({"secure": True}, {"path": "/", "httpOnly": True, "secure": True},
                     id="secure-overrides-env"),
        pytest.param({"http_only": False}, {"path": "/", "secure": False, "http_only": False},
                     id="http-only-override"),
        pytest.param({"path": "/app"}, {"path": "/app", "httpOnly": True, "secure": False},
                     id="path-override"),
    ],
)
def test_cookie_options_pass_through(cookie_options: dict[str, Any],
                                     expected: dict[str, object]) -> None:
    cookies = FakeCookies()
    Session(cookies, **cookie_options)
    assert cookies.calls[0][2] == expected


def test_cookie_options_are_validated_by_the_cookies_layer() -> None:
    environ = {"wsgi.url_scheme": "http"}
    with pytest.raises(InvalidOptionError, match="option sameSite must be one of"):
        Session(Cookies(environ), same_site="sometimes")


def test_a_production_session_over_plain_http_is_not_written_and_reset_raises(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A browser discards a Secure cookie sent over plain http: the session does not
    write it by itself (so a health check never fails), and reset(), which would
    lose a login, says why."""
    monkeypatch.setenv("ENV", "production")
    cookies = Cookies({"wsgi.url_scheme": "http"})
    session = Session(cookies)
    assert is_session_token(session.token)
    assert cookies.set_cookie_headers() == []
    token = session.token
    with pytest.raises(InsecureCookieError, match="cannot send secure cookie '_session'"):
        session.reset()
    assert (session.token, cookies.set_cookie_headers()) == (token, [])


def test_production_session_over_https_is_secure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENV", "production")
    cookies = Cookies({"wsgi.url_scheme": "https"})
    session = Session(cookies)
    assert cookies.set_cookie_headers() == [f"_session={session.token}; Path=/; HttpOnly; Secure"]


def test_repr_does_not_leak_the_token() -> None:
    session = Session(FakeCookies())
    assert session.token not in repr(session)
    assert repr(session).startswith("<Session _session=")


@pytest.mark.parametrize("cause", ["headers-sent", "insecure"])
def test_a_reset_that_raises_changes_nothing(cause: str, monkeypatch: pytest.MonkeyPatch) -> None:
    token = new_token()
    cookies = Cookies({"wsgi.url_scheme": "http", "HTTP_COOKIE": f"_session={token}"})
    session = Session(cookies)
    pending = cookies.set_cookie_headers()
    error: type[Exception]
    if cause == "headers-sent":
        cookies.seal()
        error = HeadersSentError
    else:
        monkeypatch.setenv("ENV", "production")  # Secure, on a plain-http request
        error = InsecureCookieError
    with pytest.raises(error):
        session.reset()
    assert (session.token, session.new, cookies.set_cookie_headers()) == (token, False, pending)


@pytest.mark.parametrize(
    ("incoming", "rolling", "cross_site", "writes"),
    [
        pytest.param("valid", True, False, True, id="rolling-kept"),
        pytest.param("valid", False, False, False, id="not-rolling-kept"),
        pytest.param(None, False, False, True, id="not-rolling-minted"),
        pytest.param("bad", False, False, True, id="not-rolling-replaced"),
        pytest.param(None, True, True, False, id="cross-site-no-cookie"),
        pytest.param("", True, True, True, id="cross-site-empty-cookie-replaced"),
        pytest.param("bad", True, True, True, id="cross-site-bad-cookie-replaced"),
        pytest.param("valid", True, True, True, id="cross-site-kept-rolls"),
        pytest.param("valid", False, True, False, id="cross-site-kept-not-rolling"),
    ],
)
def test_when_the_cookie_is_written(incoming: str | None, rolling: bool, cross_site: bool,
                                    writes: bool) -> None:
    token = new_token()
    sent = {"valid": token, "bad": "bad", "": ""}
    cookies = FakeCookies({} if incoming is None else {"_session": sent[incoming]})
    session = Session(cookies, rolling=rolling, cross_site=cross_site)
    assert [call[:2] for call in cookies.calls] == (
        [("_session", session.token)] if writes else [])
    session.reset()  # always written
    assert cookies.calls[-1][:2] == ("_session", session.token)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(({"HTTP_COOKIE": ""},), "Session() takes the request's cookies object "
                     "(with get and set), not dict", id="environ"),
        pytest.param((object(),), "not object: Session(get_cookies(request))", id="request"),
        pytest.param((FakeCookies(), {"name": "_sid"}), "the session cookie name must be a str, "
                     "got dict: {'name': '_sid'}; pass cookie options as keywords",
                     id="options-mapping"),
    ],
)
def test_porting_mistakes_name_the_expected_argument(arguments: tuple[Any, ...],
                                                     message: str) -> None:
    with pytest.raises(TypeError) as caught:
        Session(*arguments)
    assert message in str(caught.value)


NAVIGATE = ("navigate", "document")


@pytest.mark.parametrize(
    ("same_site", "site", "mode_dest", "method", "withheld"),
    [
        pytest.param("Lax", "same-origin", ("cors", "empty"), "POST", False, id="same-origin"),
        pytest.param("Strict", "same-site", ("cors", "empty"), "POST", False,
                     id="same-site-strict"),
        pytest.param("Strict", None, (None, None), "POST", False, id="no-fetch-metadata"),
        pytest.param("Lax", "cross-site", NAVIGATE, "GET", False, id="lax-link"),
        pytest.param("Lax", "cross-site", NAVIGATE, "HEAD", False, id="lax-link-head"),
        pytest.param(None, "cross-site", NAVIGATE, "GET", False, id="unset-link"),
        pytest.param("Lax", "cross-site", NAVIGATE, "POST", True, id="lax-form-post"),
        pytest.param("Lax", "cross-site", ("navigate", "iframe"), "GET", True,
                     id="lax-iframe"),
        pytest.param("Lax", "cross-site", ("no-cors", "image"), "GET", True, id="lax-image"),
        pytest.param("Lax", "cross-site", ("websocket", "websocket"), "GET", True,
                     id="lax-websocket"),
        pytest.param("Lax", "cross-site", (None, None), "GET", True, id="lax-no-mode"),
        pytest.param("Lax", "cross-site", ("navigate", None), "GET", True, id="lax-no-dest"),
        pytest.param(None, "cross-site", NAVIGATE, "POST", True, id="unset-form-post"),
        pytest.param("Strict", "cross-site", NAVIGATE, "GET", True, id="strict-link"),
        pytest.param("None", "cross-site", ("cors", "empty"), "POST", False, id="none-fetch"),
    ],
)
def test_a_cookie_is_withheld_where_the_browser_withholds_it(
        same_site: str | None, site: str | None, mode_dest: tuple[str | None, str | None],
        method: str, withheld: bool) -> None:
    assert cookie_withheld(same_site, site, *mode_dest, method) is withheld


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param({"name": "_session"}, id="name-equal-to-the-default"),
        pytest.param({"rolling": True}, id="rolling-equal-to-the-default"),
        pytest.param({"signed": False}, id="signed-equal-to-the-default"),
        pytest.param({"max_age": 60}, id="a-cookie-option"),
    ],
)
def test_settings_refuse_any_other_argument(extra: dict[str, Any]) -> None:
    settings = SessionSettings("sid", rolling=False)
    cookies = Cookies({"wsgi.url_scheme": "http"})
    with pytest.raises(TypeError, match="either settings= or a cookie name and options"):
        Session(cookies, settings=settings, **extra)


def test_a_bad_session_cookie_name_raises_in_production_over_http(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENV", "production")
    with pytest.raises(InvalidNameError):
        Session(Cookies({"wsgi.url_scheme": "http"}), "bad name")
