"""The WSGI side of sessions: ``SessionMiddleware`` and ``get_session``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from cookie_middleware import ENVIRON_KEY as COOKIES_KEY
from cookie_middleware import environ_of, serialize

from .errors import MissingCookiesError, MissingSessionError
from .session import Session, session_cookie_options
from .tokens import is_session_token, new_token

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["ENVIRON_KEY", "SessionMiddleware", "get_session"]

ENVIRON_KEY = "session_middleware.session"
"""The WSGI environ key under which :class:`SessionMiddleware` puts each request's
:class:`~session_middleware.Session`."""


class SessionMiddleware:
    """The WSGI middleware returned by :meth:`Session.middleware`."""

    def __init__(self, app: WSGIApplication, name: str = "_session", *,
                 accept_token: Callable[[str], bool] = is_session_token,
                 session_class: type[Session] = Session,
                 **cookie_options: object) -> None:
        # Check name and options now, at start-up, rather than on the first request.
        serialize(name, new_token(), session_cookie_options(cookie_options))
        self.app = app
        self.name = name
        self.accept_token = accept_token
        self.session_class = session_class
        self.cookie_options = cookie_options

    def __call__(self, environ: WSGIEnvironment,
                 start_response: StartResponse) -> Iterable[bytes]:
        cookies = environ.get(COOKIES_KEY)
        if cookies is None:
            raise MissingCookiesError(
                "Session.middleware needs Cookies.middleware around it: "
                "app = Cookies.middleware(Session.middleware(app))"
            )
        environ[ENVIRON_KEY] = self.session_class(
            cookies, self.name, accept_token=self.accept_token, **self.cookie_options
        )
        return self.app(environ, start_response)


def get_session(request: object) -> Session:
    """The :class:`Session` that :meth:`Session.middleware` made for *request*
    (a WSGI environ, a WebOb or Flask request, or a Django request)."""
    session = environ_of(request).get(ENVIRON_KEY)
    if not isinstance(session, Session):
        raise MissingSessionError(
            "no Session on this request: wrap the WSGI app with "
            "Cookies.middleware(Session.middleware(app))"
        )
    return session
