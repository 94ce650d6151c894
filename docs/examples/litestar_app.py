"""Litestar: both ASGI middlewares in ``middleware=[...]``, the first outermost.

    pip install litestar uvicorn && uvicorn --app-dir docs/examples litestar_app:app

Litestar's own ``request.cookies`` is its read-only parse of the header; read and
set cookies with ``get_cookies(request)``.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar, Request, get, post
from litestar.middleware import DefineMiddleware
from litestar.params import FromPath
from litestar.response import Redirect

from cookie_middleware import get_cookies
from cookie_middleware.asgi import CookiesMiddleware
from session_middleware import get_session
from session_middleware.asgi import SessionMiddleware


@get("/")
async def home(request: Request[Any, Any, Any]) -> str:
    theme = get_cookies(request).get("theme") or "light"
    return f"Your session token is: {get_session(request).token}\nTheme: {theme}\n"


@get("/theme/{name:str}")
async def set_theme(request: Request[Any, Any, Any], name: FromPath[str]) -> Redirect:
    get_cookies(request).set("theme", name, max_age=365 * 24 * 3600)
    return Redirect("/")


@post("/reset")
async def reset(request: Request[Any, Any, Any]) -> Redirect:
    get_session(request).reset()  # a new token: log in, log out
    return Redirect("/")


app = Litestar(
    route_handlers=[home, set_theme, reset],
    middleware=[DefineMiddleware(CookiesMiddleware),
                DefineMiddleware(SessionMiddleware, same_site="lax")],
)
