"""Every recipe under docs/examples runs, driven through real WebOb requests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from webob import Request

from session_middleware import new_token
from tests.asgi_driver import request as asgi_request

EXAMPLES = Path(__file__).parent.parent / "docs" / "examples"
INTRO = "Your session token is: "


def load(name: str) -> ModuleType:
    module_name = f"docs_example_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # Django imports ROOT_URLCONF by this name
    spec.loader.exec_module(module)
    return module


def session_cookie(response: Any) -> str:
    cookies = [c for c in response.headers.getall("Set-Cookie") if c.startswith("_session=")]
    assert len(cookies) == 1, response.headers.getall("Set-Cookie")
    return str(cookies[0].split(";", 1)[0].removeprefix("_session="))


def test_every_example_is_tested() -> None:
    tested = {"plain_wsgi", "webob_app", "pyramid_app", "flask_app",
              "redis_login", "fastapi_app", "starlette_app", "litestar_app", "quart_app",
              "express_shared_redis"}  # with express_app.js, in tests/interop/test_express_e2e.py
    assert {path.stem for path in EXAMPLES.glob("*.py")} == tested


@pytest.mark.parametrize("name", ["plain_wsgi", "webob_app", "pyramid_app", "flask_app"])
def test_token_page_and_reset(name: str) -> None:
    if name != "plain_wsgi" and name != "webob_app":
        pytest.importorskip(name.removesuffix("_app"))
    app = load(name).app
    response = Request.blank("/").get_response(app)
    assert response.status_int == 200
    token = session_cookie(response)
    assert response.text.startswith(INTRO + token + "\n")

    kept = Request.blank("/", headers={"Cookie": f"_session={token}"}).get_response(app)
    assert session_cookie(kept) == token

    reset = Request.blank("/reset", headers={"Cookie": f"_session={token}"}).get_response(app)
    assert reset.status_int in (200, 302)
    assert session_cookie(reset) != token


def test_plain_wsgi_counts_visits() -> None:
    app = load("plain_wsgi").app
    response = Request.blank("/", headers={"Cookie": "visits=4"}).get_response(app)
    assert "Visits: 5" in response.text
    assert "visits=5; Max-Age=3600; HttpOnly" in response.headers.getall("Set-Cookie")


def test_webob_theme_cookie() -> None:
    app = load("webob_app").app
    response = Request.blank("/theme?name=dark").get_response(app)
    assert "theme=dark; Max-Age=2592000; SameSite=Lax" in response.headers.getall("Set-Cookie")
    response = Request.blank("/", headers={"Cookie": "theme=dark"}).get_response(app)
    assert response.text.endswith("Theme: dark\n")
    response = Request.blank("/forget-theme").get_response(app)
    assert "theme=; Expires=Thu, 01 Jan 1970 00:00:00 GMT" in response.headers.getall(
        "Set-Cookie"
    )


def test_flask_language_cookie_and_samesite() -> None:
    pytest.importorskip("flask")
    app = load("flask_app").app
    response = Request.blank("/lang/de").get_response(app)
    assert response.status_int == 302
    cookies = response.headers.getall("Set-Cookie")
    assert "lang=de; Max-Age=31536000" in cookies
    assert any(c.startswith("_session=") and c.endswith("; SameSite=Lax") for c in cookies)


def test_redis_login_recipe(redis_url: str, redis_client: Any) -> None:
    import redis

    module = load("redis_login")
    app = module.make_app(redis.Redis.from_url(redis_url, decode_responses=True))
    planted = new_token()
    cookie = {"Cookie": f"_session={planted}"}
    assert Request.blank("/", headers=cookie).get_response(app).text == "Not logged in.\n"

    login = Request.blank("/login", POST={"user": "dora"}, headers=cookie).get_response(app)
    assert login.status_int == 303
    token = session_cookie(login)
    assert token != planted
    assert redis_client.ttl(f"user-by-session:{token}") > 0

    page = Request.blank("/", headers={"Cookie": f"_session={token}"}).get_response(app)
    assert page.text == "Hello, dora!\n"
    assert Request.blank("/", headers=cookie).get_response(app).text == "Not logged in.\n"

    logout = Request.blank("/logout", headers={"Cookie": f"_session={token}"}).get_response(app)
    assert session_cookie(logout) != token
    again = Request.blank("/", headers={"Cookie": f"_session={token}"}).get_response(app)
    assert again.text == "Not logged in.\n"


def test_fastapi_login_flow() -> None:
    from starlette.testclient import TestClient

    module = load("fastapi_app")
    with TestClient(module.app, follow_redirects=False) as client:
        page = client.get("/")
        token = asgi_session_cookie(page)
        assert page.text == f"{INTRO}{token}\nNot logged in.\nVisits: 1\n"
        assert f"_session={token}; Max-Age=1209600; Path=/; HttpOnly; SameSite=Lax" in (
            page.headers.get_list("set-cookie"))

        login = client.post("/login", content=b"user=dora",
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert login.status_code == 303
        logged_in = asgi_session_cookie(login)
        assert logged_in != token
        assert client.get("/").text.splitlines()[1] == "Hello, dora!"

        reset = client.get("/reset")
        assert asgi_session_cookie(reset) != logged_in
        assert client.get("/").text.splitlines()[1] == "Hello, dora!"  # carried over
        # The old token no longer names a login (asked by a client without the jar).
        with TestClient(module.app) as other:
            old = other.get("/", headers={"Cookie": f"_session={logged_in}"})
            assert old.text.splitlines()[1] == "Not logged in."

        logout = client.post("/logout")
        assert logout.status_code == 303
        assert client.get("/").text.splitlines()[1] == "Not logged in."


def test_starlette_theme_and_reset() -> None:
    from starlette.testclient import TestClient

    module = load("starlette_app")
    with TestClient(module.app) as client:
        page = client.get("/?theme=dark")
        token = asgi_session_cookie(page)
        assert "theme=dark; Max-Age=2592000; SameSite=Lax" in page.headers.get_list("set-cookie")
        assert client.get("/").text == f"{INTRO}{token}\nTheme: dark\n"
        assert asgi_session_cookie(client.get("/reset")) != token


@pytest.mark.parametrize(("name", "theme_path", "reset"), [
    pytest.param("litestar_app", "/theme/dark", "/reset", id="litestar"),
    pytest.param("quart_app", "/lang/de", "/reset", id="quart"),
])
def test_asgi_framework_recipe(name: str, theme_path: str, reset: str) -> None:
    pytest.importorskip(name.removesuffix("_app"))
    app = load(name).app
    page = asgi_request(app)
    token = page.set_cookies[0].split(";", 1)[0].removeprefix("_session=")
    assert page.set_cookies == [f"_session={token}; Path=/; HttpOnly; SameSite=Lax"]
    assert page.body.decode().startswith(f"{INTRO}{token}\n")
    cookie = [(b"cookie", f"_session={token}".encode())]
    themed = asgi_request(app, theme_path, headers=cookie)
    assert themed.status in (302, 303)
    assert themed.set_cookies[1].startswith(("theme=dark; Max-Age=31536000",
                                             "lang=de; Max-Age=31536000"))
    after = asgi_request(app, reset, headers=cookie, method="POST")
    assert after.set_cookies[0].split(";", 1)[0] != f"_session={token}"


def asgi_session_cookie(response: Any) -> str:
    cookies = [c for c in response.headers.get_list("set-cookie") if c.startswith("_session=")]
    assert len(cookies) == 1, cookies
    return str(cookies[0].split(";", 1)[0].removeprefix("_session="))
