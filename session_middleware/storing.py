"""The store-facing half of a session: ``data``, ``user``, ``login``, ``logout``,
``load``, ``save`` and ``max_age``.

:class:`StoredSession` is a base of :class:`~session_middleware.session.SessionBase`,
which owns the token and the cookie; this half reaches the store only through
the session's settings and :class:`~session_middleware.stored.StoredState`, and
the cookie only through the session's own methods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from cookie_middleware import InsecureCookieError

from .errors import SessionNotLoadedError
from .settings import SessionSettings
from .stored import SessionData, StoredState
from .stores.base import MAX_COOKIE_LIFETIME, AsyncStore, Store

__all__ = ["PerRequest", "StoredSession"]


class PerRequest:
    """What one request changed of a session's cookie (made only when it does)."""

    __slots__ = ("deferred", "rolling", "unsent")

    def __init__(self, deferred: tuple[str | None, bool] | None = None) -> None:
        self.deferred = deferred  # a lazy session's (sent token or None, write?)
        self.rolling: bool | None = None
        self.unsent: str | None = None  # a token minted here whose cookie is not written


class StoredSession:
    """A session's data on its store (see :mod:`session_middleware.stores`)."""

    __slots__ = ("_settled", "_stored")

    _stored: StoredState | None  # the data, once asked for
    _settled: bool  # whether a save decided the cookie

    # What SessionBase has, and this half uses.
    _settings: SessionSettings
    _extra: PerRequest | None
    _token: str | None
    _new: bool

    if TYPE_CHECKING:
        @property
        def token(self) -> str: ...

        @property
        def rolling(self) -> bool: ...

        def reset(self) -> str: ...

        def _write_quietly(self, token: str) -> None: ...

        def _withdraw(self, required: bool) -> None: ...

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
        return cast("tuple[str, bool]", cast(PerRequest, self._extra).deferred)[0]

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
        app never read leaves its cookie alone, as it leaves the record alone, so
        that a remembered lifetime (``max_age``) is never rolled back to the
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
