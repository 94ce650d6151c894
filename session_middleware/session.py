"""``Session``: always a session token, on nothing but a cookies object's get/set.

The session layer knows nothing of WSGI, ASGI or how cookies are stored: it
calls ``cookies.get(name)`` and ``cookies.set(name, value, options, overwrite)``,
the public API of :class:`cookie_middleware.Cookies`, so any object with those
two methods will do. :class:`session_middleware.Session` is :class:`SessionBase`
with Node's ``Session.middleware``; the middlewares live in
:mod:`session_middleware.wsgi` and :mod:`session_middleware.asgi`. The half
that keeps data on a store is :class:`~session_middleware.storing.StoredSession`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from cookie_middleware import HeadersSentError, InsecureCookieError
from cookie_middleware.deprecation import moved

from .access import CookieAccess, SigningCookieAccess, check_cookies
from .settings import SessionSettings, cookie_withheld
from .settings import in_production as in_production  # the settings were defined here
from .stored import StoredState
from .stores.base import AsyncStore, Store
from .storing import PerRequest, StoredSession
from .tokens import is_session_token

__all__ = ["CookieAccess", "SessionBase", "SessionSettings", "SigningCookieAccess",
           "cookie_withheld"]


_SIGNED = {"signed": True}


class SessionBase(StoredSession):
    """Ensure the request has a session token, and set its cookie.

    ``Session(cookies)`` reads the ``_session`` cookie (or *name*). A value with
    the shape of a token this library mints (see
    :func:`~session_middleware.tokens.is_session_token`) becomes ``token``;
    anything else, missing, empty, malformed or oversized, is replaced with a new
    token. Apps that must honour tokens of another shape pass their own
    *accept_token* predicate.

    With ``rolling=True`` (the default, as in the original) the cookie is set
    with overwrite on every request: ``Path=/``, ``HttpOnly``, and ``Secure``
    when the environment variable ``ENV`` equals ``production`` (read each time
    the cookie is set). With ``rolling=False`` it is set only when the token is
    new (minted, replaced or reset), so a slow request cannot write back a token
    that a concurrent login replaced; ``max_age`` is then an absolute lifetime.

    ``cross_site=True`` says that the browser would have withheld a session
    cookie from this request (the middlewares pass it for a cross-site request
    that the cookie's SameSite keeps it off: see :func:`cookie_withheld`). Then
    a token minted only because the request carried no session cookie is not
    written: the user may well have one, and writing the new token would log
    them out. :meth:`reset` always writes.

    *cookie_options* (``max_age``, ``same_site``, ``domain``, ``secure``, ...)
    are passed to ``cookies.set`` as well, override those defaults, and are
    validated there.

    Without a *store* the session keeps nothing, as the original: keep data in
    your own store under ``token``, and call :meth:`reset` before the session's
    privileges change (login, logout) so a token planted by an attacker never
    gains them. With one (see :mod:`session_middleware.stores`), ``data``,
    :meth:`login` and :meth:`logout` do that.
    """

    __slots__ = ("__weakref__", "_cookies", "_extra", "_new", "_settings", "_token")

    def __init__(self, cookies: CookieAccess, name: str | None = None, *,
                 accept_token: Callable[[str], bool] | None = None,
                 rolling: bool | None = None, cross_site: bool | Callable[[], bool] = False,
                 signed: bool | None = None, mint: Callable[[], str] | None = None,
                 store: Store | AsyncStore | None = None, lazy: bool | None = None,
                 settings: SessionSettings | None = None,
                 **cookie_options: object) -> None:
        # Left unset (None), name is "_session", accept_token is_session_token,
        # rolling True and signed False; a middleware passes its settings instead.
        if settings is None:
            check_cookies(cookies)
            settings = SessionSettings(
                "_session" if name is None else name,
                accept_token=is_session_token if accept_token is None else accept_token,
                rolling=True if rolling is None else rolling,
                signed=False if signed is None else signed, mint=mint, store=store,
                lazy=False if lazy is None else lazy, **cookie_options)
        elif (cookie_options or name is not None or accept_token is not None
              or rolling is not None or signed is not None or mint is not None
              or store is not None or lazy is not None):
            raise TypeError("pass a Session either settings= or a cookie name and options")
        self._cookies = cookies
        self._settings = settings
        self._stored: StoredState | None = None
        self._extra: PerRequest | None = None
        self._settled = False  # whether a save decided the cookie (with a store)
        name = settings.name
        if settings.signed:  # signed=True asks for cookies that sign
            incoming = cast("SigningCookieAccess", cookies).get(name, _SIGNED)
        else:
            incoming = cookies.get(name)
        token: str | None
        if incoming and settings.accept_token(incoming):
            token, self._new = incoming, False
            write = settings.rolling
        else:
            token, self._new = None, True
            # A signed cookie that fails to verify reads as missing: look at the
            # header itself to tell "no cookie" from "a cookie, replaced". A
            # middleware may pass cross_site as a function, asked only here.
            sent = incoming is not None or (settings.signed and cookies.get(name) is not None)
            write = sent or not (cross_site() if callable(cross_site) else cross_site)
        if settings.lazy:  # minted and written when the app first needs the token
            self._token = None
            self._extra = PerRequest(deferred=(token, write))
            return
        self._token = token = settings.mint() if token is None else token
        if write:
            self._write_quietly(token)
        elif self._new:
            self._more().unsent = token

    def _write(self, token: str) -> None:
        settings = self._settings
        state = self._stored
        if state is None or state.max_age is None:
            options = settings.options()
        else:  # a remembered lifetime of this session's own
            options = settings.options_with(state.max_age)
        if settings.signed:
            cast("SigningCookieAccess", self._cookies).set(settings.name, token, options,
                                                        True, signed=True)
        else:
            self._cookies.set(settings.name, token, options, True)

    def _write_quietly(self, token: str) -> None:
        try:
            self._write(token)
        except (InsecureCookieError, HeadersSentError):
            # A Secure cookie on a request that did not arrive over https: the
            # browser would discard it, and whether the request is https may
            # rest on a header the client sends (a health check, a hit around
            # the proxy). Or the response has started (a late save): the cookie
            # the browser has stays. The token stands for this request; reset()
            # raises.
            if self._new:
                self._more().unsent = token
            return

    def _materialize(self) -> str:
        """The token of a lazy session, minted and its cookie written now."""
        extra = cast(PerRequest, self._extra)
        token, write = cast("tuple[str | None, bool]", extra.deferred)
        extra.deferred = None
        if token is None:
            token = self._settings.mint()
        self._token = token
        if write and (self._new or self.rolling):
            self._write_quietly(token)
        elif self._new:
            extra.unsent = token
        return token

    def _withdraw(self, required: bool) -> None:
        """Leave the session cookie alone on this response (no Set-Cookie for it,
        nor for a Keygrip signature's companion)."""
        withdraw = getattr(self._cookies, "withdraw", None)
        if withdraw is None:
            if required:
                raise TypeError("leaving the session cookie alone needs a cookies object "
                                "with withdraw(name), as cookie_middleware.Cookies has")
            return
        try:
            withdraw(self._settings.name)
            if self._settings.signed:
                withdraw(f"{self._settings.name}.sig")
        except HeadersSentError:
            if required:
                raise  # (a late save: the browser keeps what it has, as asked)

    @property
    def name(self) -> str:
        """The name of the session cookie."""
        return self._settings.name

    @property
    def token(self) -> str:
        """The session token: the request's own, or one minted for it."""
        token = self._token
        if token is None:  # a lazy session: minted (and its cookie written) now
            token = self._materialize()
        return token

    @property
    def rolling(self) -> bool:
        """Whether this response sets the cookie again for a token the client sent.
        ``session.rolling = False`` leaves the cookie alone on this response only;
        a token that is new in this request (minted, ``reset``, ``login``,
        ``logout``) is written all the same."""
        extra = self._extra
        if extra is None or extra.rolling is None:
            return self._settings.rolling
        return extra.rolling

    @rolling.setter
    def rolling(self, value: bool) -> None:
        if not isinstance(value, bool):
            raise TypeError(f"rolling must be True or False, got {value!r}")
        self._more().rolling = value
        if self._token is None or self._new:
            return  # decided when the token is, or written as new anyway
        if value:
            self._write_quietly(self._token)
        else:
            self._withdraw(required=True)

    def _more(self) -> PerRequest:
        extra = self._extra
        if extra is None:
            extra = self._extra = PerRequest()
        return extra

    @property
    def new(self) -> bool:
        """Whether ``token`` was minted during this request rather than sent by
        the client (no cookie, an untrusted one, or :meth:`reset`)."""
        return self._new

    @property
    def cookies(self) -> CookieAccess:
        """The cookies object this session reads and sets its cookie through."""
        return self._cookies

    def reset(self) -> str:
        """Replace the token with a new one and return it.

        The cookie is set with overwrite, so the response carries exactly one
        Set-Cookie for the session however often this is called. Call it before
        storing anything that raises the session's privileges (session fixation).
        If setting the cookie raises (headers already sent, a Secure cookie over
        plain http), ``token`` and ``new`` stay as they were.
        """
        # With a store the data moves to the new token: read it first (an
        # asyncio store wants ``await session.load()`` before this).
        state = None if self._settings.store is None else self._state()
        token = self._settings.mint()
        self._write(token)
        self._token, self._new = token, True
        if state is not None:
            state.restart()
        return token

    def __repr__(self) -> str:
        token = "(not minted yet)" if self._token is None else f"{self._token[:8]}..."
        return f"<Session {self.name}={token} new={self._new}>"


if not TYPE_CHECKING:  # the old spelling, for one release
    __getattr__ = moved(__name__, {
        "CookieJar": ("session_middleware.session.CookieAccess", CookieAccess),
        "SigningCookieJar": ("session_middleware.session.SigningCookieAccess",
                             SigningCookieAccess)})
