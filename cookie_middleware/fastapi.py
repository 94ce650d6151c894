"""``Cookies`` as a FastAPI dependency: ``CookiesDep``.

::

    from fastapi import FastAPI
    from cookie_middleware.asgi import CookiesMiddleware
    from cookie_middleware.fastapi import CookiesDep

    app = FastAPI()
    app.add_middleware(CookiesMiddleware)

    @app.get("/")
    def index(cookies: CookiesDep) -> str:
        return cookies.get("theme") or "light"

It works in HTTP and WebSocket endpoints and in other dependencies, and needs
:class:`~cookie_middleware.asgi.CookiesMiddleware` on the app.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from .lookup import get_cookies
from .wsgi import Cookies

__all__ = ["CookiesDep", "cookies_dependency"]


def cookies_dependency(connection: HTTPConnection) -> Cookies:
    """The connection's :class:`Cookies`: the function behind :data:`CookiesDep`."""
    return get_cookies(connection)


CookiesDep = Annotated[Cookies, Depends(cookies_dependency)]
"""A path-operation parameter annotated ``CookiesDep`` receives the request's
:class:`Cookies`."""
