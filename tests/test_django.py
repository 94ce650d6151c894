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
                 "unknown cookie option 'max_ag' (known: domain,",
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
