"""The Flask extensions: ``init_app``, ``app.extensions``, views, ``test_client()``
and a real server (waitress)."""

from __future__ import annotations

import http.client
import signal
from collections.abc import Iterator

import pytest
from webob import Request

flask = pytest.importorskip("flask")

from cookie_middleware import get_cookies  # noqa: E402
from cookie_middleware.flask import CookiesExtension, cookies_middleware_of  # noqa: E402
from cookie_middleware.wsgi import CookiesMiddleware  # noqa: E402
from session_middleware import get_session  # noqa: E402
from session_middleware.flask import SessionExtension  # noqa: E402
from session_middleware.wsgi import SessionMiddleware  # noqa: E402
from tests.load.servers import start_server  # noqa: E402


def make_app() -> flask.Flask:
    app = flask.Flask("flask_extension_tests")

    @app.get("/")
    def home() -> str:
        get_cookies(flask.request).set("theme", "dark")
        return get_session(flask.request).token

    return app


def test_the_session_extension_sets_up_the_cookies_one_too() -> None:
    app = make_app()
    SessionExtension(app, "sid", max_age=60)
    assert isinstance(app.extensions["cookie_middleware"], CookiesMiddleware)
    assert isinstance(app.extensions["session_middleware"], SessionMiddleware)
    assert cookies_middleware_of(app).app is app.extensions["session_middleware"]
    response = Request.blank("/").get_response(app)
    assert response.headers.getall("Set-Cookie") == [
        f"sid={response.text}; Max-Age=60; Path=/; HttpOnly", "theme=dark"]


def test_init_app_later_for_an_app_factory() -> None:
    cookies = CookiesExtension(trust_proxy=True)
    sessions = SessionExtension(same_site="Lax")
    apps = [make_app(), make_app()]
    for app in apps:
        cookies.init_app(app)
        sessions.init_app(app)
    for app in apps:
        assert cookies_middleware_of(app).trust_proxy is True
        response = Request.blank("/", headers={"X-Forwarded-Proto": "https"}).get_response(app)
        assert response.headers.getall("Set-Cookie")[0].endswith("; HttpOnly; SameSite=Lax")


def test_the_test_client_keeps_the_session() -> None:
    app = make_app()
    SessionExtension(app)
    client = app.test_client()
    token = client.get("/").text
    assert client.get_cookie("_session") is not None
    assert client.get("/").text == token


@pytest.mark.parametrize("extension", [
    pytest.param(CookiesExtension, id="cookies"),
    pytest.param(SessionExtension, id="session"),
])
def test_setting_an_extension_up_twice_is_refused(extension: type[object]) -> None:
    app = make_app()
    extension(app)
    with pytest.raises(RuntimeError, match="already set up on this app"):
        extension(app)


def test_the_cookies_middleware_of_an_app_without_it() -> None:
    with pytest.raises(LookupError, match=r"no CookiesExtension: CookiesExtension\(app\)"):
        cookies_middleware_of(make_app())


def test_a_bad_session_option_fails_at_start_up() -> None:
    with pytest.raises(TypeError, match="option maxAge must be a number of seconds"):
        SessionExtension(make_app(), max_age="3600")


@pytest.fixture
def waitress_port() -> Iterator[int]:
    """The Flask recipe (docs/examples/flask_app.py, on SessionExtension) in waitress."""
    process, port = start_server("serve.py", "0", "flask_app")
    try:
        yield port
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)


def test_under_waitress(waitress_port: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", waitress_port, timeout=10)
    try:
        connection.request("GET", "/lang/de")
        response = connection.getresponse()
        response.read()
        cookies = [v for k, v in response.getheaders() if k == "Set-Cookie"]
    finally:
        connection.close()
    assert response.status == 302
    token = cookies[0].split(";", 1)[0].removeprefix("_session=")
    assert cookies == [f"_session={token}; Path=/; HttpOnly; SameSite=Lax",
                       "lang=de; Max-Age=31536000"]
