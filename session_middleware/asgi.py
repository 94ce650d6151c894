"""The ASGI side of sessions: plain ASGI 3, no framework.

:class:`SessionMiddleware` gives every ``http`` and ``websocket`` connection a
:class:`~session_middleware.Session` in ``scope["state"]["session"]`` (Starlette's
and FastAPI's ``request.state.session``). It needs
:class:`cookie_middleware.asgi.CookiesMiddleware` outside it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

from cookie_middleware import serialize
from cookie_middleware.asgi import STATE_KEY as COOKIES_KEY
from cookie_middleware.asgi import ASGIApp, Receive, Scope, Send, scope_state

from .errors import MissingCookiesError, MissingSessionError
from .session import Session, SessionSettings
from .tokens import is_session_token, new_token

__all__ = ["STATE_KEY", "SessionMiddleware", "session_in_scope"]

STATE_KEY = "session"
"""The key in ``scope["state"]`` under which :class:`SessionMiddleware` puts each
connection's :class:`~session_middleware.Session` (``request.state.session``);
the innermost one when several cookie names are stacked, each also under
``"session:" + name``."""


def _cookie_withheld(settings: SessionSettings, scope: Scope) -> bool:
    # One scan of the header list in Python, which Session asks for only on a
    # request that came without a session cookie, and which stops at a
    # Sec-Fetch-Site that is not cross-site: then nothing else matters.
    mode = dest = None
    cross_site = False
    for name, value in scope.get("headers", ()):
        if name == b"sec-fetch-site":
            if value != b"cross-site":
                return False
            cross_site = True
        elif name == b"sec-fetch-mode":
            mode = mode or bytes(value).decode("latin-1")
        elif name == b"sec-fetch-dest":
            dest = dest or bytes(value).decode("latin-1")
    # A WebSocket handshake is a GET (its Sec-Fetch-Mode, "websocket", is no navigation).
    return cross_site and settings.cookie_withheld("cross-site", mode, dest,
                                                   scope.get("method", "GET"))


class SessionMiddleware:
    """ASGI middleware: a :class:`~session_middleware.Session` per connection.

    ``SessionMiddleware(app, "_sid", max_age=3600, same_site="lax")`` takes the
    cookie options :class:`~session_middleware.Session` takes, in their
    snake_case spelling; an option left at ``None`` keeps the session default
    (``Path=/``, ``HttpOnly``, ``Secure`` when ``ENV`` is ``production``).
    Stacking it twice for the same cookie name is harmless: the connection
    keeps one session.
    """

    def __init__(self, app: ASGIApp, name: str = "_session", *,
                 accept_token: Callable[[str], bool] = is_session_token,
                 rolling: bool = True,
                 signed: bool = False,
                 mint: Callable[[], str] | None = None,
                 max_age: float | None = None,
                 expires: datetime | float | None = None,
                 domain: str | None = None,
                 path: str | None = None,
                 http_only: bool | None = None,
                 secure: bool | None = None,
                 same_site: str | bool | None = None,
                 priority: str | None = None,
                 partitioned: bool | None = None,
                 encode: Callable[[str], str] | None = None) -> None:
        # Spelled out rather than **cookie_options: type checkers cannot match a
        # **kwargs signature against Starlette's Middleware(cls, **options).
        given = {"max_age": max_age, "expires": expires, "domain": domain, "path": path,
                 "http_only": http_only, "secure": secure, "same_site": same_site,
                 "priority": priority, "partitioned": partitioned, "encode": encode}
        cookie_options = {key: value for key, value in given.items() if value is not None}
        self.settings = SessionSettings(name, accept_token=accept_token, rolling=rolling,
                                        signed=signed, mint=mint, **cookie_options)
        # Check name and options now, at start-up, rather than on the first request.
        serialize(name, new_token(), self.settings.options())
        self.app = app
        self.key = f"{STATE_KEY}:{name}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        state = scope_state(scope)
        cookies = state.get(COOKIES_KEY) if state is not None else None
        if cookies is None or state is None:
            raise MissingCookiesError(
                "SessionMiddleware needs cookie_middleware.asgi.CookiesMiddleware around it "
                "(add it after SessionMiddleware: add_middleware wraps the app outwards)"
            )
        session = state.get(self.key)
        if not (isinstance(session, Session) and session.cookies is cookies):
            # What settings.open() does, without the call: this runs on every request.
            session = Session.__new__(Session)
            withheld = partial(_cookie_withheld, self.settings, scope)
            session._begin(cookies, self.settings, withheld)
            state[self.key] = session
        state[STATE_KEY] = session
        await self.app(scope, receive, send)


def session_in_scope(scope: Scope, name: str | None = None) -> Session:
    """The :class:`Session` that :class:`SessionMiddleware` made for *scope*
    (for cookie *name*, when given)."""
    state = scope_state(scope)
    session = (state.get(STATE_KEY if name is None else f"{STATE_KEY}:{name}")
               if state is not None else None)
    if not isinstance(session, Session):
        raise MissingSessionError(
            "no Session on this request: add session_middleware.asgi.SessionMiddleware "
            "inside cookie_middleware.asgi.CookiesMiddleware"
        )
    return session
