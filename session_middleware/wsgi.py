"""``Session``, as Node's package exports it, and its WSGI middleware.

:class:`Session` is the transport-free :class:`~session_middleware.session.SessionBase`
with Node's ``Session.middleware(app)``, the WSGI middleware that gives every
request a session at ``environ["session_middleware.session"]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

from cookie_middleware import serialize
from cookie_middleware.deprecation import moved
from cookie_middleware.exchange import check_app
from cookie_middleware.wsgi import COOKIES_ENVIRON_KEY

from .errors import MissingCookiesError, MissingSessionError
from .session import CookieAccess, SessionBase, SessionSettings
from .stores.base import Store, is_async_store
from .tokens import is_session_token, new_token

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["SESSION_ENVIRON_KEY", "Session", "SessionMiddleware", "open_session",
           "session_in_environ"]

SESSION_ENVIRON_KEY = "session_middleware.session"
"""The WSGI environ key under which :class:`SessionMiddleware` puts each request's
:class:`Session` (the innermost one, when several cookie names are stacked; each
is also under ``SESSION_ENVIRON_KEY + ":" + name``)."""


class Session(SessionBase):
    __doc__ = SessionBase.__doc__

    __slots__ = ()

    @classmethod
    def middleware(cls, app: WSGIApplication, name: str = "_session", *,
                   accept_token: Callable[[str], bool] = is_session_token,
                   rolling: bool = True, signed: bool = False,
                   mint: Callable[[], str] | None = None, store: Store | None = None,
                   lazy: bool = False, **cookie_options: object) -> SessionMiddleware:
        """Wrap a WSGI *app* so that every request gets a session (read it with
        :func:`~session_middleware.get_session`). Needs the cookies middleware
        outside it: ``app = Cookies.middleware(Session.middleware(app))``."""
        return SessionMiddleware(app, name, accept_token=accept_token, rolling=rolling,
                                 signed=signed, mint=mint, store=store, lazy=lazy,
                                 session_class=cls, **cookie_options)


class SessionMiddleware:
    """WSGI middleware: a :class:`Session` (or *session_class*) per request.

    Needs :meth:`Cookies.middleware <cookie_middleware.Cookies.middleware>`
    outside it. Stacking it twice for the same cookie name is harmless: the
    request keeps one session, and one Set-Cookie goes out for it.
    """

    def __init__(self, app: WSGIApplication, name: str = "_session", *,
                 accept_token: Callable[[str], bool] = is_session_token,
                 rolling: bool = True, signed: bool = False,
                 mint: Callable[[], str] | None = None,
                 store: Store | None = None, lazy: bool = False,
                 session_class: type[Session] = Session,
                 **cookie_options: object) -> None:
        check_app(app, 2, "session_middleware.wsgi.SessionMiddleware",
                  "session_middleware.asgi.SessionMiddleware",
                  "session_middleware.django.SessionMiddleware")
        if is_async_store(store):
            raise TypeError("a WSGI app needs a synchronous store: MemoryStore(), or "
                            "RedisStore(redis.Redis(...)) rather than an asyncio client")
        self.settings = SessionSettings(name, accept_token=accept_token, rolling=rolling,
                                        signed=signed, mint=mint, store=store, lazy=lazy,
                                        **cookie_options)
        # Check name and options now, at start-up, rather than on the first request.
        serialize(name, new_token(), self.settings.options())
        self.app = app
        self.session_class = session_class

    def __call__(self, environ: WSGIEnvironment,
                 start_response: StartResponse) -> Iterable[bytes]:
        cookies = environ.get(COOKIES_ENVIRON_KEY)
        if cookies is None:
            raise MissingCookiesError(
                "Session.middleware needs Cookies.middleware around it: "
                "app = Cookies.middleware(Session.middleware(app))"
            )
        session = open_session(environ, SESSION_ENVIRON_KEY, cookies, self.settings,
                               self.session_class, environ)
        if self.settings.store is None:
            return self.app(environ, start_response)

        def start_response_saving(status: str, headers: list[tuple[str, str]],
                                  exc_info: Any = None) -> Any:
            if exc_info is None:  # (a second call, with exc_info, replaces an error page)
                session.save()  # the data, written as the response starts
            return start_response(status, headers, exc_info)

        return self.app(environ, start_response_saving)


def open_session(held: MutableMapping[str, Any], root: str, cookies: CookieAccess,
                 settings: SessionSettings, session_class: type[Session],
                 headers: Mapping[str, Any]) -> SessionBase:
    """The request's session for *settings*, made (with *session_class*) unless
    *held* has one on these *cookies* already; kept in *held* under *root* and
    ``root + ":" + name``. *headers* is the WSGI environ or Django's ``META``:
    its ``Sec-Fetch-*`` headers and method say whether the browser withheld
    the cookie. For environ-based framework hooks (Django, Pyramid)."""
    key = f"{root}:{settings.name}"
    session = held.get(key)
    if not (isinstance(session, SessionBase) and session.cookies is cookies):
        site = headers.get("HTTP_SEC_FETCH_SITE")
        withheld = site == "cross-site" and settings.cookie_withheld(
            site, headers.get("HTTP_SEC_FETCH_MODE"), headers.get("HTTP_SEC_FETCH_DEST"),
            headers.get("REQUEST_METHOD", "GET"))
        session = session_class(cookies, cross_site=withheld, settings=settings)
        held[key] = session
    held[root] = session
    return session


def session_in_environ(environ: MutableMapping[str, Any], name: str | None = None) -> Session:
    """The :class:`Session` that :class:`SessionMiddleware` made for *environ*
    (for cookie *name*, when given)."""
    session = environ.get(SESSION_ENVIRON_KEY if name is None else f"{SESSION_ENVIRON_KEY}:{name}")
    if not isinstance(session, Session):
        raise MissingSessionError(
            "no Session on this request (Django: 'session_middleware.django.SessionMiddleware' "
            "in settings.MIDDLEWARE; Flask: SessionExtension(app); Pyramid: "
            "config.include('session_middleware.pyramid')): wrap the WSGI app with "
            "Cookies.middleware(Session.middleware(app))"
        )
    return session


if not TYPE_CHECKING:  # the old spelling, for one release
    __getattr__ = moved(__name__, {"ENVIRON_KEY": ("SESSION_ENVIRON_KEY", SESSION_ENVIRON_KEY)})
