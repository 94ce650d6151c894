"""Type-checked by tests/test_typing.py under mypy --strict: how apps add the middlewares."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.middleware import Middleware

from cookie_middleware.asgi import CookiesMiddleware
from session_middleware.asgi import SessionMiddleware

starlette_app = Starlette(middleware=[
    Middleware(CookiesMiddleware, trust_proxy=True),
    Middleware(SessionMiddleware, name="_sid", max_age=3600, same_site="lax", rolling=False),
])

fastapi_app = FastAPI()
fastapi_app.add_middleware(SessionMiddleware, name="_session", http_only=True)
fastapi_app.add_middleware(CookiesMiddleware, trust_proxy=False)
