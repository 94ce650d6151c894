"""``Session``: always a session token, on nothing but a cookies object's get/set.

The session layer knows nothing of WSGI, ASGI or how cookies are stored: it
calls ``cookies.get(name)`` and ``cookies.set(name, value, options, overwrite)``,
the public API of :class:`cookie_middleware.Cookies`, so any object with those
two methods will do. :class:`session_middleware.Session` is :class:`SessionBase`
with Node's ``Session.middleware``; the middlewares live in
:mod:`session_middleware.wsgi` and :mod:`session_middleware.asgi`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from cookie_middleware import HeadersSentError, InsecureCookieError
from cookie_middleware.deprecation import moved

from .access import CookieAccess, SigningCookieAccess, check_cookies
from .errors import SessionNotLoadedError
from .settings import SessionSettings, cookie_withheld
from .settings import in_production as in_production  # the settings were defined here
from .stored import SessionData, StoredState
from .stores.base import MAX_COOKIE_LIFETIME, AsyncStore, Store
from .tokens import is_session_token

__all__ = ["CookieAccess", "SessionBase", "SessionSettings", "SigningCookieAccess",
           "cookie_withheld"]


_SIGNED = {"signed": True}


class SessionBase:
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

    __slots__ = ("__weakref__", "_cookies", "_extra", "_new", "_settings", "_settled", "_stored",
                 "_token")

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
        self._extra: _PerRequest | None = None
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
            self._extra = _PerRequest(deferred=(token, write))
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
        extra = cast(_PerRequest, self._extra)
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

    @property
    def max_age(self) -> float | None:
        """The cookie's lifetime in seconds, when it is not the configured one.
        ``session.max_age = seconds`` ("remember me") sets it for this session:
        kept in the store, it holds on later requests of this session, and only
        this one; ``None`` goes back to the configured lifetime; ``logout`` ends
        it. Needs a store; reading it reads the session, as ``user`` does."""
        if self._settings.store is None or self._nothing_to_read():
            return None
        return self._state().max_age

    @max_age.setter
    def max_age(self, seconds: float | None) -> None:
        if seconds is not None:
            if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
                raise TypeError(f"max_age must be a number of seconds, got {seconds!r}")
            if not 0 < seconds <= MAX_COOKIE_LIFETIME:
                raise ValueError(f"max_age must be more than 0 and at most {MAX_COOKIE_LIFETIME} "
                                 f"seconds (400 days, what browsers keep), got {seconds!r}")
        state = self._state()  # kept in the record, so later requests keep it
        state.max_age = seconds
        if self._token is not None and (self._new or self.rolling):
            self._write_quietly(self._token)

    def _more(self) -> _PerRequest:
        extra = self._extra
        if extra is None:
            extra = self._extra = _PerRequest()
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

    # Data on a store: only with store= (see session_middleware.stores).

    @property
    def store(self) -> Store | AsyncStore | None:
        """Where the session's data is kept, or ``None`` (the token alone)."""
        return self._settings.store

    def _state(self, *, load: bool = True) -> StoredState:
        state = self._stored
        if state is None:
            if self._settings.store is None:
                raise TypeError("this session has no store: give the session middleware (or "
                                "Session) store=MemoryStore() or store=RedisStore(client)")
            state = self._stored = StoredState(None if self._new else self._sent_token())
        if load and self._settings.store_is_async and not state.awaited:
            # Even with nothing to read (no cookie): code that forgot the await
            # fails on the first request, not on a returning visitor's.
            raise SessionNotLoadedError(
                "the session's store is asynchronous: await session.load() first")
        if load and not state.loaded:
            state.take(cast("Store", self._settings.store).load(cast(str, state.origin)))
        return state

    def _sent_token(self) -> str:
        """The token the client sent (of a session that is not new)."""
        if self._token is not None:
            return self._token
        return cast("tuple[str, bool]", cast(_PerRequest, self._extra).deferred)[0]

    @property
    def data(self) -> SessionData:
        """The session's data, a mapping of JSON values, saved when the response
        starts if it changed. Loaded on first use; with an asynchronous store,
        ``await session.load()`` first."""
        return self._state().data

    @property
    def user(self) -> str | None:
        """The id of the user logged in (:meth:`login`), or ``None``. A session
        the client brought no token for is read from nowhere."""
        if self._nothing_to_read():
            return None
        return self._state().user

    def _nothing_to_read(self) -> bool:
        # No token from the client: nothing stored yet (an asyncio store still
        # wants load() awaited, so that a missing await shows on every request).
        return self._stored is None and self._new and not self._settings.store_is_async

    async def load(self) -> SessionData:
        """Load the session's data from an asynchronous store (or any store), once,
        and return it."""
        state = self._state(load=False)
        state.awaited = True
        if not state.loaded:
            store = self._settings.store
            origin = cast(str, state.origin)
            if self._settings.store_is_async:
                state.take(await cast("AsyncStore", store).load(origin))
            else:
                state.take(cast("Store", store).load(origin))
        return state.data

    def login(self, user_id: str) -> str:
        """Log *user_id* in: a new token first (:meth:`reset`), the data moved to
        it, the old token's record gone. Returns the new token."""
        if not isinstance(user_id, str) or not user_id:
            raise TypeError(f"a user id must be a non-empty str, got {user_id!r}")
        self._state()
        token = self.reset()
        cast(StoredState, self._stored).user = user_id
        return token

    def logout(self) -> str:
        """End the session: its record destroyed, its data gone, a new token.
        Returns the new token."""
        state = self._state()
        remembered = state.max_age
        state.max_age = None  # the new token's cookie goes out with the configured lifetime
        try:
            token = self.reset()
        except BaseException:
            state.max_age = remembered
            raise
        state.data.clear()
        state.user = None
        return token

    def _settle(self) -> StoredState | None:
        """The cookie, decided as the response starts (with a store): a session the
        app never read leaves its cookie alone, as the store left its idle timeout,
        so that a remembered lifetime (``max_age``) is never rolled back to the
        default; one that was read rolls with its own. Returns what to save."""
        state = self._stored
        late = self._settled  # a save after the first: the response has started
        if not self._new and self._token is not None and not late:
            # The cookie is decided once, at the first save: a later one (a change
            # made after the response started) finds the headers gone.
            if state is None or not state.loaded:
                self._withdraw(required=False)
            elif state.max_age is not None and self.rolling:
                self._write_quietly(self._token)
        self._settled = True
        if state is None or not state.loaded:
            return None
        if state.origin is not None and state.record is None and state.holds_anything():
            # A token the client sent but the store does not know (expired, ended
            # or planted): its first record goes under a fresh token instead, so an
            # ended token never comes back and no two browsers share one.
            try:
                self.reset()  # (after the response started, HeadersSentError: not saved)
            except InsecureCookieError:
                return None
        if self._token is None and state.record is None and not state.holds_anything():
            return None  # a lazy session with nothing to keep: no token minted
        if state.record is None and self._cookie_unsent(late):
            return None  # a token the browser never gets (cross-site, late): no record for it
        return state

    def _cookie_unsent(self, late: bool) -> bool:
        """Whether the token was minted here and its cookie does not go out (the
        browser withheld a cookie cross-site; a Secure cookie over plain http; the
        response has started, *late*)."""
        extra = self._extra
        if extra is None:
            return False
        if self._token is None:  # a lazy session, its token not minted yet: unsent
            # when withheld, or, new, when the response has started (a late save)
            return extra.deferred is not None and extra.deferred[0] is None and (
                not extra.deferred[1] or late)
        return extra.unsent == self._token

    def save(self) -> None:
        """Bring a synchronous store up to date (the middlewares call this as the
        response starts): at most one write, none for an unchanged session."""
        if self._settings.store is None:
            return
        if self._settings.store_is_async:
            raise TypeError("the session's store is asynchronous: await session.asave()")
        state = self._settle()
        if state is not None and not state.save_to(cast("Store", self._settings.store),
                                                   self.token):
            self._record_gone()

    async def asave(self) -> None:
        """:meth:`save`, for an asynchronous store."""
        if not self._settings.store_is_async:
            self.save()  # (which returns at once without a store)
            return
        state = self._settle()
        if state is not None and not await state.asave_to(
                cast("AsyncStore", self._settings.store), self.token):
            self._record_gone()

    def _record_gone(self) -> None:
        # The record went while this request ran (a logout or a login elsewhere):
        # leave the browser's cookie, perhaps a newer token, alone.
        self._withdraw(required=False)

    def __repr__(self) -> str:
        token = "(not minted yet)" if self._token is None else f"{self._token[:8]}..."
        return f"<Session {self.name}={token} new={self._new}>"


if not TYPE_CHECKING:  # the old spelling, for one release
    __getattr__ = moved(__name__, {
        "CookieJar": ("session_middleware.session.CookieAccess", CookieAccess),
        "SigningCookieJar": ("session_middleware.session.SigningCookieAccess",
                             SigningCookieAccess)})


class _PerRequest:
    """What one request changed of a session's cookie (made only when it does)."""

    __slots__ = ("deferred", "rolling", "unsent")

    def __init__(self, deferred: tuple[str | None, bool] | None = None) -> None:
        self.deferred = deferred  # a lazy session's (sent token or None, write?)
        self.rolling: bool | None = None
        self.unsent: str | None = None  # a token minted here whose cookie is not written
