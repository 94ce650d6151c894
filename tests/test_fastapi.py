"""The FastAPI dependencies ``CookiesDep`` and ``SessionDep``: in HTTP and WebSocket
endpoints and inside other dependencies."""

from __future__ import annotations

from typing import Annotated

import pytest

fastapi = pytest.importorskip("fastapi")

from fastapi import Depends, FastAPI, WebSocket  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from cookie_middleware import MissingMiddlewareError  # noqa: E402
from cookie_middleware.asgi import CookiesMiddleware  # noqa: E402
from cookie_middleware.fastapi import CookiesDep  # noqa: E402
from session_middleware import MissingSessionError  # noqa: E402
from session_middleware.asgi import SessionMiddleware  # noqa: E402
from session_middleware.fastapi import SessionDep  # noqa: E402


def theme_of(cookies: CookiesDep) -> str:  # a dependency that depends on one
    return cookies.get("theme") or "light"


def make_app(*, session: bool = True, cookies: bool = True) -> FastAPI:
    app = FastAPI()

    @app.get("/")
    def index(session: SessionDep, cookies: CookiesDep,
              theme: Annotated[str, Depends(theme_of)]) -> dict[str, str]:
        cookies.set("seen", "yes")
        return {"token": session.token, "theme": theme}

    @app.get("/theme")
    def theme(theme: Annotated[str, Depends(theme_of)]) -> str:
        return theme

    @app.websocket("/ws")
    async def socket(websocket: WebSocket, session: SessionDep, cookies: CookiesDep) -> None:
        await websocket.accept()
        await websocket.send_json({"token": session.token, "theme": cookies.get("theme")})
        await websocket.close()

    if session:
        app.add_middleware(SessionMiddleware)
    if cookies:
        app.add_middleware(CookiesMiddleware)
    return app


def test_http_endpoint_and_a_nested_dependency() -> None:
    with TestClient(make_app()) as client:
        response = client.get("/", headers={"Cookie": "theme=dark"})
    body = response.json()
    assert body["theme"] == "dark"
    assert response.headers.get_list("set-cookie") == [
        f"_session={body['token']}; Path=/; HttpOnly", "seen=yes"]


def test_websocket_endpoint() -> None:
    with TestClient(make_app()) as client, \
            client.websocket_connect("/ws", headers={"Cookie": "theme=dark"}) as websocket:
        message = websocket.receive_json()
    assert message["theme"] == "dark"
    assert len(message["token"]) == 256


@pytest.mark.parametrize(("options", "path", "error"), [
    pytest.param({"cookies": False, "session": False}, "/theme", MissingMiddlewareError,
                 id="no-cookies"),
    pytest.param({"session": False}, "/", MissingSessionError, id="no-session"),
])
def test_without_the_middleware_the_dependency_says_which(
        options: dict[str, bool], path: str, error: type[Exception]) -> None:
    with TestClient(make_app(**options)) as client, pytest.raises(error):
        client.get(path)
