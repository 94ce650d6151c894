"""The Django middleware classes: in ``MIDDLEWARE``, under Django's test clients, the
WSGI and ASGI handlers, runserver, uvicorn and pytest-django.

(Byte-for-byte agreement with the WSGI and ASGI adapters is in ``test_parity``.)
"""

from __future__ import annotations

import asyncio
import http.client
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from webob import Request

pytest.importorskip("django")

from django.http import HttpRequest, HttpResponse
from django.test import AsyncClient, Client, override_settings

from cookie_middleware import Cookies, get_cookies
from cookie_middleware.errors import UnknownOptionError
from session_middleware import MissingCookiesError, Session, get_session
from tests import django_site
from tests.async_store import AsyncMemoryStore
from tests.services import free_port

PROJECT = Path(__file__).parent.parent / "docs" / "examples" / "django_project"


@pytest.fixture(autouse=True)
def _handler() -> Iterator[None]:
    yield
    django_site.HANDLER.clear()


def serve(view: Any) -> None:
    django_site.HANDLER[:] = [view]


def theme_and_token(request: HttpRequest) -> str:
    get_cookies(request).set("theme", "dark", {"path": "/"})
    return get_session(request).token


def test_test_client_keeps_the_session() -> None:
    serve(theme_and_token)
    client = Client()
    token = client.get("/").content.decode()
    assert client.cookies["_session"].value == token
    assert client.cookies["theme"].value == "dark"
    assert client.get("/").content.decode() == token


def test_async_client_keeps_the_session() -> None:
    serve(theme_and_token)

    async def twice() -> tuple[str, str]:
        client = AsyncClient()
        first = (await client.get("/")).content.decode()
        return first, (await client.get("/")).content.decode()

    first, second = asyncio.run(twice())
    assert first == second


def test_the_apps_own_cookies_stay_beside_ours() -> None:
    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("ok")
        response.set_cookie("theme", "django")  # Django's own API, same name
        get_cookies(request).set("theme", "ours")
        get_cookies(request).set("theme", "again")  # no overwrite: two headers
        return response

    serve(view)
    with override_settings(MIDDLEWARE=django_site.MIDDLEWARE[:1]):
        response = Request.blank("/").get_response(django_site.wsgi_app())
    # (Django writes its own cookies with a leading space, ours as the WSGI adapter does.)
    assert response.headers.getall("Set-Cookie") == [
        " theme=django; Path=/", "theme=ours", "theme=again"]


def test_under_a_wrapped_wsgi_app_one_cookies_is_written_once() -> None:
    seen: list[Cookies] = []

    def view(request: HttpRequest) -> str:
        seen.append(get_cookies(request))
        get_cookies(request).set("a", "1")
        return get_session(request).token

    serve(view)
    app = Cookies.middleware(Session.middleware(django_site.wsgi_app()))
    response = Request.blank("/").get_response(app)
    token = response.text
    assert response.headers.getall("Set-Cookie") == [
        f"_session={token}; Path=/; HttpOnly", "a=1"]
    assert seen[0] is not None


@pytest.mark.parametrize(("wrong", "right"), [
    pytest.param("cookie_middleware.wsgi.CookiesMiddleware",
                 "cookie_middleware.django.CookiesMiddleware", id="cookies-wsgi"),
    pytest.param("cookie_middleware.asgi.CookiesMiddleware",
                 "cookie_middleware.django.CookiesMiddleware", id="cookies-asgi"),
    pytest.param("session_middleware.wsgi.SessionMiddleware",
                 "session_middleware.django.SessionMiddleware", id="session-wsgi"),
    pytest.param("session_middleware.asgi.SessionMiddleware",
                 "session_middleware.django.SessionMiddleware", id="session-asgi"),
])
def test_a_wsgi_or_asgi_class_in_middleware_names_the_django_one(wrong: str, right: str) -> None:
    serve(theme_and_token)
    with override_settings(MIDDLEWARE=[wrong]), pytest.raises(TypeError) as caught:
        Client().get("/")
    assert f"in Django's settings.MIDDLEWARE, use {right!r} instead" in str(caught.value)


def test_the_session_middleware_alone_names_the_cookies_middleware() -> None:
    serve(theme_and_token)
    with override_settings(MIDDLEWARE=django_site.MIDDLEWARE[1:]), \
            pytest.raises(MissingCookiesError) as caught:
        Client().get("/")
    assert str(caught.value) == (
        "session_middleware.django.SessionMiddleware needs "
        "'cookie_middleware.django.CookiesMiddleware' above it in settings.MIDDLEWARE")


@pytest.mark.parametrize(("setting", "value", "error", "message"), [
    pytest.param("COOKIE_MIDDLEWARE", {"trust_prox": True}, TypeError,
                 "unknown COOKIE_MIDDLEWARE setting(s) ['trust_prox']: expected trust_proxy, "
                 "signer or cookies_class", id="cookies-misspelled"),
    pytest.param("SESSION_MIDDLEWARE", {"max_ag": 60}, UnknownOptionError,
                 "SESSION_MIDDLEWARE: unknown cookie option 'max_ag' (known: domain,",
                 id="session-misspelled"),
])
def test_a_misspelled_setting_fails_when_django_loads_the_middleware(
        setting: str, value: dict[str, Any], error: type[Exception], message: str) -> None:
    with override_settings(**{setting: value}), pytest.raises(error) as caught:
        django_site.wsgi_app()
    assert str(caught.value).startswith(message)


def test_session_options_come_from_the_setting() -> None:
    serve(lambda request: get_session(request).token)
    with override_settings(SESSION_MIDDLEWARE={"name": "sid", "max_age": 60,
                                               "same_site": "Strict"}):
        response = Request.blank("/").get_response(django_site.wsgi_app())
    assert response.headers.getall("Set-Cookie") == [
        f"sid={response.text}; Max-Age=60; Path=/; HttpOnly; SameSite=Strict"]


# The recipe project, served for real and tested as its users test it.

def _environment() -> dict[str, str]:
    root = str(Path(__file__).parent.parent)
    path = os.pathsep.join(filter(None, [str(PROJECT), root, os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "DJANGO_SETTINGS_MODULE": "project.settings"}


def _get(port: int, path: str, cookie: str = "") -> tuple[int, list[str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return (response.status, [value for key, value in response.getheaders()
                                  if key.lower() == "set-cookie"], response.read())
    finally:
        connection.close()


def _served(command: list[str], port: int) -> Iterator[int]:
    process = subprocess.Popen(command, cwd=PROJECT, env=_environment(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(100):  # up to 10 s for the server to listen
            try:
                _get(port, "/")
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"server exited: {process.communicate()[1]}")
                time.sleep(0.1)
        else:
            pytest.fail("server did not start listening within 10 s")
        yield port
    finally:
        process.terminate()
        process.communicate(timeout=10)


@pytest.fixture(params=["runserver", "uvicorn"])
def project_server(request: pytest.FixtureRequest) -> Iterator[int]:
    port = free_port()
    if request.param == "runserver":
        command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}",
                   "--noreload", "--skip-checks"]
    else:
        pytest.importorskip("uvicorn")
        command = [sys.executable, "-m", "uvicorn", "project.asgi:application",
                   "--host", "127.0.0.1", "--port", str(port), "--lifespan", "off"]
    yield from _served(command, port)


def test_the_recipe_project_served(project_server: int) -> None:
    status, set_cookies, body = _get(project_server, "/theme/dark")
    assert status == 302
    session = next(value for value in set_cookies if value.startswith("_session="))
    token = session.split(";", 1)[0].removeprefix("_session=")
    assert set_cookies[-2:] == [f"_session={token}; Path=/; HttpOnly; SameSite=Lax",
                                "theme=dark; Max-Age=31536000"]
    status, set_cookies, body = _get(project_server, "/", f"_session={token}; theme=dark")
    assert body == b"Hello, stranger (theme dark, visit 1)\n"
    assert f"_session={token}; Path=/; HttpOnly; SameSite=Lax" in set_cookies
    assert any(value.startswith("sessionid=") for value in set_cookies)  # Django's own


def test_the_recipe_projects_own_tests_pass_under_pytest_django() -> None:
    pytest.importorskip("pytest_django")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pytest_django"],
        cwd=PROJECT, env=_environment(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


@pytest.mark.parametrize("name", ["version", "Path", "expires", "max-age", "secure", "samesite"])
def test_cookie_names_that_morsel_reserves_are_written(name: str) -> None:
    def forget_every_cookie(request: HttpRequest) -> str:
        for cookie in request.COOKIES:  # names the client chose
            get_cookies(request).unset(cookie)
        return "ok"

    serve(forget_every_cookie)
    response = Request.blank("/", headers={"Cookie": f"{name}=1"}).get_response(
        django_site.wsgi_app())
    assert response.status_int == 200
    assert f"{name}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT" in response.headers.getall(
        "Set-Cookie")


def test_a_session_cookie_named_like_a_morsel_attribute() -> None:
    serve(lambda request: get_session(request).token)
    with override_settings(SESSION_MIDDLEWARE={"name": "version"}):
        response = Client().get("/")
    assert response.status_code == 200
    assert response.cookies["version"].output(header="") == (
        f"version={response.content.decode()}; Path=/; HttpOnly")


def test_our_headers_survive_pickling_as_the_cache_middleware_does() -> None:
    import copy
    import pickle

    serve(theme_and_token)
    response = Client().get("/")
    for copied in (pickle.loads(pickle.dumps(response.cookies)), copy.deepcopy(response.cookies)):
        assert copied["theme"].output(header="") == "theme=dark; Path=/"
        assert copied["theme"].value == "dark"


def test_the_cache_middleware_never_hands_one_visitors_cookie_to_another() -> None:
    serve(lambda request: "same for everyone")
    cached = ["django.middleware.cache.UpdateCacheMiddleware", *django_site.MIDDLEWARE,
              "django.middleware.cache.FetchFromCacheMiddleware"]
    with override_settings(MIDDLEWARE=cached, CACHE_MIDDLEWARE_SECONDS=60):
        first = Client().get("/")
        second = Client().get("/")
    assert first.status_code == second.status_code == 200
    assert first["Vary"] == "Cookie"
    assert first["Cache-Control"] == "private"
    tokens = [response.cookies["_session"].value for response in (first, second)]
    assert tokens[0] != tokens[1]
    assert tokens[0] not in str(second.cookies)  # no header of the first visitor's


def delete_theme(get_response: Any) -> Any:
    """A Django middleware that deletes the theme cookie on the way out."""
    def middleware(request: HttpRequest) -> HttpResponse:
        response: HttpResponse = get_response(request)
        response.delete_cookie("theme")
        return response
    return middleware


def test_a_django_middleware_above_may_replace_our_cookie() -> None:
    serve(theme_and_token)
    with override_settings(MIDDLEWARE=["tests.test_django.delete_theme",
                                       *django_site.MIDDLEWARE]):
        response = Request.blank("/").get_response(django_site.wsgi_app())
    theme = [v for v in response.headers.getall("Set-Cookie") if "theme=" in v]
    assert theme == [' theme=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/']


@pytest.mark.parametrize(("setting", "value", "message"), [
    pytest.param("COOKIE_MIDDLEWARE", {"trust_proxy": "false"},
                 "COOKIE_MIDDLEWARE['trust_proxy'] must be a bool, got str: 'false'",
                 id="a-bool-as-text"),
    pytest.param("COOKIE_MIDDLEWARE", {"signer": "secret"},
                 "COOKIE_MIDDLEWARE['signer'] must be a ExpressSigner or KeygripSigner, "
                 "got str: 'secret'", id="a-secret-for-a-signer"),
    pytest.param("SESSION_MIDDLEWARE", {"rolling": "false"},
                 "SESSION_MIDDLEWARE['rolling'] must be a bool, got str: 'false'",
                 id="rolling-as-text"),
    pytest.param("SESSION_MIDDLEWARE", {"session_class": "builtins.dict"},
                 "SESSION_MIDDLEWARE['session_class'] must be Session or a subclass",
                 id="not-a-session-class"),
    pytest.param("SESSION_MIDDLEWARE", {"accept_token": "false"},
                 "SESSION_MIDDLEWARE: session option accept_token must be a function of the "
                 "token, got str: 'false'", id="accept-token-not-a-function"),
    pytest.param("SESSION_MIDDLEWARE", {"store": "session_middleware.stores.MemoryStore"},
                 "SESSION_MIDDLEWARE: session option store must be a store object",
                 id="store-as-a-path"),
    pytest.param("SESSION_MIDDLEWARE", {"signed": True},
                 "SESSION_MIDDLEWARE['signed'] is True, but COOKIE_MIDDLEWARE has no 'signer'",
                 id="signed-without-a-signer"),
    pytest.param("COOKIE_MIDDLEWARE", None,
                 "settings['COOKIE_MIDDLEWARE'] must be a dict, got NoneType: None",
                 id="cookies-setting-none"),
])
def test_settings_are_checked_when_django_loads_the_middleware(
        setting: str, value: dict[str, Any], message: str) -> None:
    with override_settings(**{setting: value}), pytest.raises(TypeError) as caught:
        django_site.wsgi_app()
    assert str(caught.value).startswith(message)


def test_a_class_setting_may_be_a_dotted_path() -> None:
    serve(lambda request: type(get_session(request)).__name__)
    with override_settings(COOKIE_MIDDLEWARE={"cookies_class": "cookie_middleware.Cookies"},
                           SESSION_MIDDLEWARE={"session_class": "session_middleware.Session"}):
        response = Request.blank("/").get_response(django_site.wsgi_app())
    assert response.text == "Session"


def test_a_page_built_from_the_session_varies_by_cookie_even_without_a_set_cookie() -> None:
    serve(lambda request: get_session(request).token[:8])
    with override_settings(SESSION_MIDDLEWARE={"rolling": False}):
        client = Client()
        client.get("/")
        again = client.get("/")  # a kept token, rolling=False: no Set-Cookie
    assert again.cookies == {}
    assert again["Vary"] == "Cookie"


def test_an_asyncio_store_is_refused_when_django_runs_the_middleware_sync() -> None:
    with override_settings(SESSION_MIDDLEWARE={"store": AsyncMemoryStore()}), \
            pytest.raises(TypeError, match="is an asyncio store, but Django runs this "):
        django_site.wsgi_app()
