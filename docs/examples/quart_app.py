"""Quart (Flask's ASGI twin): the ASGI middlewares wrap the Quart app; serve the
wrapped one.

    pip install quart uvicorn && uvicorn --app-dir docs/examples quart_app:app

``app`` is what a server runs; ``quart_app`` stays the Quart object for routes,
``quart_app.run`` and ``quart_app.test_client()``.
"""

from __future__ import annotations

from quart import Quart, redirect, request
from werkzeug.wrappers import Response

from cookie_middleware import get_cookies
from cookie_middleware.asgi import CookiesMiddleware
from session_middleware import get_session
from session_middleware.asgi import SessionMiddleware

quart_app = Quart(__name__)


@quart_app.get("/")
async def home() -> str:
    language = get_cookies(request).get("lang") or "en"
    return f"Your session token is: {get_session(request).token}\nLanguage: {language}\n"


@quart_app.get("/lang/<code>")
async def set_language(code: str) -> Response:
    get_cookies(request).set("lang", code, {"maxAge": 365 * 24 * 3600}, True)
    return redirect("/")


@quart_app.post("/reset")
async def reset() -> Response:
    get_session(request).reset()
    return redirect("/")


app = CookiesMiddleware(SessionMiddleware(quart_app, same_site="lax"))
