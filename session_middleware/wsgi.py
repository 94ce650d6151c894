"""The WSGI side of sessions: ``Session.middleware`` and its lookup."""

from __future__ import annotations

from collections.abc import Callable, Iterable, MutableMapping
from typing import TYPE_CHECKING, Any

from cookie_middleware import ENVIRON_KEY as COOKIES_KEY
from cookie_middleware import serialize

from .errors import MissingCookiesError, MissingSessionError
from .session import Session, SessionSettings
from .tokens import is_session_token, new_token

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["ENVIRON_KEY", "SessionMiddleware", "session_in_environ"]

ENVIRON_KEY = "session_middleware.session"
"""The WSGI environ key under which :class:`SessionMiddleware` puts each request's
:class:`~session_middleware.Session` (the innermost one, when several cookie
names are stacked; each is also under ``ENVIRON_KEY + ":" + name``)."""


class SessionMiddleware:
    """WSGI middleware: a :class:`~session_middleware.Session` per request.

    Needs :meth:`Cookies.middleware <cookie_middleware.Cookies.middleware>`
    outside it. Stacking it twice for the same cookie name is harmless: the
    request keeps one session, and one Set-Cookie goes out for it.
    """

    def __init__(self, app: WSGIApplication, name: str = "_session", *,
                 accept_token: Callable[[str], bool] = is_session_token,
                 rolling: bool = True, signed: bool = False,
                 mint: Callable[[], str] | None = None,
                 session_class: type[Session] = Session,
                 **cookie_options: object) -> None:
        self.settings = SessionSettings(name, accept_token=accept_token, rolling=rolling,
                                        signed=signed, mint=mint, **cookie_options)
        # Check name and options now, at start-up, rather than on the first request.
        serialize(name, new_token(), self.settings.options())
        self.app = app
        self.key = f"{ENVIRON_KEY}:{name}"
        self.session_class = session_class

    def __call__(self, environ: WSGIEnvironment,
                 start_response: StartResponse) -> Iterable[bytes]:
        cookies = environ.get(COOKIES_KEY)
        if cookies is None:
            raise MissingCookiesError(
                "Session.middleware needs Cookies.middleware around it: "
                "app = Cookies.middleware(Session.middleware(app))"
            )
        outer = environ.get(self.key)
        if isinstance(outer, Session) and outer.cookies is cookies:
            environ[ENVIRON_KEY] = outer
            return self.app(environ, start_response)
        # What settings.open() does, without the call: this runs on every request.
        session_class = self.session_class
        session = session_class.__new__(session_class)
        site = environ.get("HTTP_SEC_FETCH_SITE")
        withheld = site == "cross-site" and self.settings.cookie_withheld(
            site, environ.get("HTTP_SEC_FETCH_MODE"), environ.get("HTTP_SEC_FETCH_DEST"),
            environ.get("REQUEST_METHOD", "GET"))
        session._begin(cookies, self.settings, withheld)
        environ[ENVIRON_KEY] = environ[self.key] = session
        return self.app(environ, start_response)


def _middleware(cls: type[Session], /, app: WSGIApplication, name: str = "_session", *,
                accept_token: Callable[[str], bool] = is_session_token,
                rolling: bool = True, signed: bool = False,
                mint: Callable[[], str] | None = None,
                **cookie_options: object) -> SessionMiddleware:
    """Wrap a WSGI *app* so that every request gets a :class:`Session` at
    ``environ["session_middleware.session"]`` (read it with
    :func:`~session_middleware.get_session`). Needs the cookies middleware
    outside it: ``app = Cookies.middleware(Session.middleware(app))``."""
    return SessionMiddleware(app, name, accept_token=accept_token, rolling=rolling,
                             signed=signed, mint=mint, session_class=cls, **cookie_options)


# Session.middleware is the Node-shaped entry point; it is bound here so that the
# core module imports no transport (session.py declares it for type checkers).
setattr(Session, "middleware", classmethod(_middleware))  # noqa: B010


def session_in_environ(environ: MutableMapping[str, Any], name: str | None = None) -> Session:
    """The :class:`Session` that :class:`SessionMiddleware` made for *environ*
    (for cookie *name*, when given)."""
    session = environ.get(ENVIRON_KEY if name is None else f"{ENVIRON_KEY}:{name}")
    if not isinstance(session, Session):
        raise MissingSessionError(
            "no Session on this request: wrap the WSGI app with "
            "Cookies.middleware(Session.middleware(app))"
        )
    return session
