"""The ASGI side of :class:`~cookie_middleware.Cookies`: plain ASGI 3, no framework.

:class:`CookiesMiddleware` gives every ``http`` and ``websocket`` connection a
fresh :class:`Cookies` in ``scope["state"]["cookies"]`` (Starlette's and
FastAPI's ``request.state.cookies``), and appends the pending cookies to the
headers of ``http.response.start``, ``websocket.accept`` or a WebSocket denial
response (``websocket.http.response.start``), after any the app wrote itself,
byte for byte what the WSGI middleware writes for the same calls.
``lifespan`` and unknown scope types pass through untouched.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from .deprecation import moved
from .errors import MissingMiddlewareError
from .exchange import check_app
from .signing import Signer
from .wsgi import Cookies

__all__ = ["COOKIES_STATE_KEY", "CookiesMiddleware", "cookies_in_scope"]

# The ASGI 3 callable, spelled as Starlette spells it, so that these middlewares
# type-check in Middleware(cls, ...) and app.add_middleware(cls, ...).
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
# What the middlewares wrap, and how they are called: frameworks type the ASGI
# callable differently (Starlette with mappings, Litestar and Quart with
# TypedDicts, which no mapping type admits), so the middlewares take any app and
# accept any scope, so that each framework's recipe type-checks as written.
AnyApp = Callable[..., Awaitable[None]]

COOKIES_STATE_KEY = "cookies"
"""The key in ``scope["state"]`` under which :class:`CookiesMiddleware` puts each
connection's :class:`Cookies` (``request.state.cookies`` in Starlette)."""

# The messages that send a response's headers: an HTTP response, a WebSocket
# handshake's accept, and the denial response of the WebSocket extension.
_STARTS = ("http.response.start", "websocket.accept", "websocket.http.response.start")


def _with_headers(message: Message, values: list[str]) -> Message:
    """A copy of a response-start *message* with a ``set-cookie`` header appended
    for each of *values*; the app's own headers stay first and untouched."""
    headers = [*message.get("headers", ()), *[(b"set-cookie", v.encode("latin-1"))
                                             for v in values]]
    return {**message, "headers": headers}


class CookiesMiddleware:
    """ASGI middleware: a fresh :class:`Cookies` per connection, written out with
    the response's start (or the WebSocket handshake's accept).

    ``CookiesMiddleware(app, trust_proxy=True)`` counts ``X-Forwarded-Proto:
    https`` as https; enable it only behind a proxy that sets that header itself.
    Wrapping an app twice is harmless: the connection keeps one ``Cookies``.
    """

    def __init__(self, app: AnyApp, *, trust_proxy: bool = False,
                 signer: Signer | None = None, cookies_class: type[Cookies] = Cookies) -> None:
        check_app(app, 3, "cookie_middleware.asgi.CookiesMiddleware",
                  "Cookies.middleware(app) (cookie_middleware.wsgi)",
                  "cookie_middleware.django.CookiesMiddleware")
        self.app = app
        self.trust_proxy = trust_proxy
        self.signer = signer
        self.cookies_class = cookies_class

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        state = scope.get("state")
        if state is None:
            state = scope["state"] = {}
        outer = state.get(COOKIES_STATE_KEY)
        if isinstance(outer, Cookies) and outer.belongs_to(scope):
            await self.app(scope, receive, send)
            return
        cookies = self.cookies_class(scope, trust_proxy=self.trust_proxy, signer=self.signer)
        state[COOKIES_STATE_KEY] = cookies

        async def send_with_cookies(message: Message) -> None:
            kind = message["type"]
            if kind in _STARTS:
                pending = cookies.seal()
                if pending:
                    message = _with_headers(message, pending)
            elif kind == "websocket.close" and not cookies.sent:
                # A close before the accept denies the handshake with no headers
                # at all: no cookie can go out after it, and a later set says so.
                cookies.seal()
            await send(message)

        await self.app(scope, receive, send_with_cookies)


def cookies_in_scope(scope: Scope) -> Cookies:
    """The :class:`Cookies` that :class:`CookiesMiddleware` made for *scope*."""
    state = scope.get("state")
    cookies = state.get(COOKIES_STATE_KEY) if isinstance(state, dict) else None
    if not isinstance(cookies, Cookies):
        raise MissingMiddlewareError(
            "no Cookies on this request: add cookie_middleware.asgi.CookiesMiddleware "
            "to the ASGI app (Django: 'cookie_middleware.django.CookiesMiddleware' in "
            "settings.MIDDLEWARE)"
        )
    return cookies


if not TYPE_CHECKING:  # the old spelling, for one release
    __getattr__ = moved(__name__, {"STATE_KEY": ("COOKIES_STATE_KEY", COOKIES_STATE_KEY)})
