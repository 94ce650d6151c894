"""``Session``: always a session token, on nothing but a cookies object's get/set.

The session layer knows nothing of WSGI or of how cookies are stored: it calls
``cookies.get(name)`` and ``cookies.set(name, value, options, overwrite)``, the
public API of :class:`cookie_middleware.Cookies`, so any object with those two
methods will do.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Protocol

from .tokens import is_session_token, new_token

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

    from .middleware import SessionMiddleware

__all__ = ["CookieJar", "Session", "session_cookie_options"]


def session_cookie_options(cookie_options: Mapping[str, object]) -> dict[str, object]:
    """The options the session cookie is set with: the original's ``path='/'``,
    HttpOnly and, when ``ENV`` is ``production``, Secure, overridden by any of
    *cookie_options*. ``ENV`` is read at every call, as the original reads
    ``process.env.ENV`` at every set."""
    # One lookup: os.environ.get() raises and catches twice when ENV is unset.
    try:
        secure = os.environ["ENV"] == "production"
    except KeyError:
        secure = False
    options: dict[str, object] = {}
    if "path" not in cookie_options:
        options["path"] = "/"
    if "httpOnly" not in cookie_options and "http_only" not in cookie_options:
        options["httpOnly"] = True
    if "secure" not in cookie_options:
        options["secure"] = secure
    options.update(cookie_options)
    return options


class CookieJar(Protocol):
    """What :class:`Session` needs of a cookies object."""

    def get(self, name: str, /) -> str | None: ...

    def set(self, name: str, value: str, options: Mapping[str, object] | None = None,
            overwrite: bool = False, /) -> None: ...


class Session:
    """Ensure the request has a session token, and roll its cookie on every request.

    ``Session(cookies)`` reads the ``_session`` cookie (or *name*). A value with
    the shape of a token this library mints (see
    :func:`~session_middleware.tokens.is_session_token`) becomes ``token``;
    anything else, missing, empty, malformed or oversized, is replaced with a new
    token. Apps that must honour tokens of another shape pass their own
    *accept_token* predicate.

    The cookie is then set with overwrite, as the original does on every
    request: ``Path=/``, ``HttpOnly``, and ``Secure`` when the environment
    variable ``ENV`` equals ``production`` (read each time the cookie is set).
    *cookie_options* (``max_age``, ``same_site``, ``domain``, ``secure``, ...)
    are passed to ``cookies.set`` as well, override those defaults, and are
    validated there; with ``max_age`` the rolling expiry becomes real.

    The session stores nothing: keep data in your own store under ``token``,
    and call :meth:`reset` before the session's privileges change (login,
    logout) so a token planted by an attacker never gains them.
    """

    def __init__(self, cookies: CookieJar, name: str = "_session", *,
                 accept_token: Callable[[str], bool] = is_session_token,
                 **cookie_options: object) -> None:
        self._cookies = cookies
        self._name = name
        self._cookie_options = cookie_options
        incoming = cookies.get(name)
        if incoming and accept_token(incoming):
            self._token, self._new = incoming, False
        else:
            self._token, self._new = new_token(), True
        self._write()

    @property
    def name(self) -> str:
        """The name of the session cookie."""
        return self._name

    @property
    def token(self) -> str:
        """The session token: the request's own, or one minted for it."""
        return self._token

    @property
    def new(self) -> bool:
        """Whether ``token`` was minted during this request rather than sent by
        the client (no cookie, an untrusted one, or :meth:`reset`)."""
        return self._new

    def reset(self) -> str:
        """Replace the token with a new one and return it.

        The cookie is set with overwrite, so the response carries exactly one
        Set-Cookie for the session however often this is called. Call it before
        storing anything that raises the session's privileges (session fixation).
        """
        self._token, self._new = new_token(), True
        self._write()
        return self._token

    def _write(self) -> None:
        options = session_cookie_options(self._cookie_options)
        self._cookies.set(self._name, self._token, options, True)

    @classmethod
    def middleware(cls, app: WSGIApplication, name: str = "_session", *,
                   accept_token: Callable[[str], bool] = is_session_token,
                   **cookie_options: object) -> SessionMiddleware:
        """Wrap a WSGI *app* so that every request gets a :class:`Session` at
        ``environ["session_middleware.session"]`` (read it with
        :func:`~session_middleware.get_session`).

        Needs the cookies middleware outside it::

            app = Cookies.middleware(Session.middleware(app))
        """
        from .middleware import SessionMiddleware

        return SessionMiddleware(app, name, accept_token=accept_token,
                                 session_class=cls, **cookie_options)

    def __repr__(self) -> str:
        return f"<Session {self._name}={self._token[:8]}... new={self._new}>"
