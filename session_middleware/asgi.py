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
from typing import TYPE_CHECKING, Any

from cookie_middleware import serialize
from cookie_middleware.asgi import COOKIES_STATE_KEY, AnyApp, Message, Scope
from cookie_middleware.deprecation import moved
from cookie_middleware.exchange import check_app

from .errors import MissingCookiesError, MissingSessionError
from .session import SessionBase, SessionSettings
from .stores.base import AsyncStore, Store, is_async_store
from .tokens import is_session_token, new_token
from .wsgi import Session

__all__ = ["SESSION_STATE_KEY", "SessionMiddleware", "session_in_scope"]

SESSION_STATE_KEY = "session"
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

    def __init__(self, app: AnyApp, name: str = "_session", *,
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
                 encode: Callable[[str], str] | None = None,
                 store: Store | AsyncStore | None = None,
                 lazy: bool = False,
                 session_class: type[Session] = Session) -> None:
        check_app(app, 3, "session_middleware.asgi.SessionMiddleware",
                  "Session.middleware(app) (session_middleware.wsgi)",
                  "session_middleware.django.SessionMiddleware")
        # Spelled out rather than **cookie_options: type checkers cannot match a
        # **kwargs signature against Starlette's Middleware(cls, **options).
        given = {"max_age": max_age, "expires": expires, "domain": domain, "path": path,
                 "http_only": http_only, "secure": secure, "same_site": same_site,
                 "priority": priority, "partitioned": partitioned, "encode": encode}
        cookie_options = {key: value for key, value in given.items() if value is not None}
        if (store is not None and not is_async_store(store)
                and getattr(store, "blocking", True)):
            kind = type(store).__name__
            raise TypeError(
                f"{kind} blocks, and would block the event loop: an ASGI app needs an "
                f"asyncio store, such as {kind}(redis.asyncio.Redis(...)) for a Redis store, "
                "or MemoryStore() (a synchronous store that never blocks says so with "
                "blocking = False)")
        self.settings = SessionSettings(name, accept_token=accept_token, rolling=rolling,
                                        signed=signed, mint=mint, store=store, lazy=lazy,
                                        **cookie_options)
        # Check name and options now, at start-up, rather than on the first request.
        serialize(name, new_token(), self.settings.options())
        self.app = app
        self.key = f"{SESSION_STATE_KEY}:{name}"
        self.session_class = session_class

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:  # see AnyApp
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        state = scope.get("state")
        cookies = state.get(COOKIES_STATE_KEY) if isinstance(state, dict) else None
        if cookies is None or state is None:
            raise MissingCookiesError(
                "SessionMiddleware needs cookie_middleware.asgi.CookiesMiddleware around it "
                "(add it after SessionMiddleware: add_middleware wraps the app outwards)"
            )
        session = state.get(self.key)
        if not (isinstance(session, SessionBase) and session.cookies is cookies):
            # Whether the browser withheld the cookie takes a scan of the headers:
            # the session asks only for a token minted without a cookie.
            withheld = partial(_cookie_withheld, self.settings, scope)
            session = self.session_class(cookies, cross_site=withheld, settings=self.settings)
            state[self.key] = session
        state[SESSION_STATE_KEY] = session
        if self.settings.store is None:
            await self.app(scope, receive, send)
            return

        saved = False

        async def send_saving(message: Message) -> None:
            nonlocal saved
            if message["type"] in _STARTS and not saved:
                saved = True
                await session.asave()  # the data, written as the response starts
            await send(message)

        await self.app(scope, receive, send_saving)


# The messages that start a response (as in cookie_middleware.asgi).
_STARTS = ("http.response.start", "websocket.accept", "websocket.http.response.start")


def session_in_scope(scope: Scope, name: str | None = None) -> Session:
    """The :class:`Session` that :class:`SessionMiddleware` made for *scope*
    (for cookie *name*, when given)."""
    state = scope.get("state")
    key = SESSION_STATE_KEY if name is None else f"{SESSION_STATE_KEY}:{name}"
    session = state.get(key) if isinstance(state, dict) else None
    if not isinstance(session, Session):
        raise MissingSessionError(
            "no Session on this request: add session_middleware.asgi.SessionMiddleware "
            "inside cookie_middleware.asgi.CookiesMiddleware (Django: "
            "'session_middleware.django.SessionMiddleware' in settings.MIDDLEWARE)"
        )
    return session


if not TYPE_CHECKING:  # the old spelling, for one release
    __getattr__ = moved(__name__, {"STATE_KEY": ("SESSION_STATE_KEY", SESSION_STATE_KEY)})
