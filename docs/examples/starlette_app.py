"""Starlette: both ASGI middlewares in the middleware list, request.state in handlers.

    pip install starlette uvicorn && uvicorn --app-dir docs/examples starlette_app:app
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from cookie_middleware.asgi import CookiesMiddleware
from session_middleware.asgi import SessionMiddleware


async def index(request: Request) -> Response:
    session = request.state.session  # or get_session(request)
    cookies = request.state.cookies  # or get_cookies(request)
    if request.url.path == "/reset":
        session.reset()
    theme = request.query_params.get("theme")
    if theme in ("dark", "light"):
        cookies.set("theme", theme, max_age=30 * 24 * 3600, same_site="lax", overwrite=True)
    body = f"Your session token is: {session.token}\nTheme: {cookies.get('theme')}\n"
    return PlainTextResponse(body)


app = Starlette(
    routes=[Route("/", index), Route("/reset", index)],
    # The first entry is the outermost: cookies around the session.
    middleware=[Middleware(CookiesMiddleware), Middleware(SessionMiddleware)],
)
