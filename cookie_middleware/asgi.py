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

from .cookies import Cookies
from .errors import MissingMiddlewareError
from .exchange import SCOPE

if TYPE_CHECKING:
    from .signing import Signer

__all__ = [
    "STATE_KEY",
    "ASGIApp",
    "CookiesMiddleware",
    "Message",
    "Receive",
    "Scope",
    "Send",
    "cookies_in_scope",
    "scope_state",
    "with_headers",
]

# The ASGI 3 callable, spelled as Starlette spells it, so that these middlewares
# type-check in Middleware(cls, ...) and app.add_middleware(cls, ...).
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

STATE_KEY = "cookies"
"""The key in ``scope["state"]`` under which :class:`CookiesMiddleware` puts each
connection's :class:`Cookies` (``request.state.cookies`` in Starlette)."""

# The messages that send a response's headers: an HTTP response, a WebSocket
# handshake's accept, and the denial response of the WebSocket extension.
_STARTS = ("http.response.start", "websocket.accept", "websocket.http.response.start")


def with_headers(message: Message, values: list[str]) -> Message:
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

    def __init__(self, app: ASGIApp, *, trust_proxy: bool = False,
                 signer: Signer | None = None) -> None:
        self.app = app
        self.trust_proxy = trust_proxy
        self.signer = signer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        state = scope.get("state")
        if state is None:
            state = scope["state"] = {}
        outer = state.get(STATE_KEY)
        if outer is not None and isinstance(outer, Cookies) and outer.belongs_to(scope):
            await self.app(scope, receive, send)
            return
        cookies = Cookies._bind(scope, SCOPE, self.trust_proxy, self.signer)
        state[STATE_KEY] = cookies

        async def send_with_cookies(message: Message) -> None:
            kind = message["type"]
            if kind in _STARTS:
                pending = cookies.seal()
                if pending:
                    message = with_headers(message, pending)
            elif kind == "websocket.close" and not cookies.sent:
                # A close before the accept denies the handshake with no headers
                # at all: no cookie can go out after it, and a later set says so.
                cookies.seal()
            await send(message)

        try:
            await self.app(scope, receive, send_with_cookies)
        finally:
            if not cookies.sent:  # the app returned or raised before any response start
                cookies.seal()  # let go of the scope, which refers to us


def scope_state(scope: Scope) -> MutableMapping[str, Any] | None:
    """The connection's state (``scope["state"]``, Starlette's ``request.state``),
    or ``None`` when the scope has none."""
    state = scope.get("state")
    # type() first: a dict, as servers make it, skips the slower check against the ABC.
    return state if type(state) is dict or isinstance(state, MutableMapping) else None


def cookies_in_scope(scope: Scope) -> Cookies:
    """The :class:`Cookies` that :class:`CookiesMiddleware` made for *scope*."""
    state = scope_state(scope)
    cookies = state.get(STATE_KEY) if state is not None else None
    if not isinstance(cookies, Cookies):
        raise MissingMiddlewareError(
            "no Cookies on this request: add cookie_middleware.asgi.CookiesMiddleware "
            "to the ASGI app"
        )
    return cookies
