"""A session's data on a store: what it loaded, what changed, what to write.

:class:`StoredState` is the bookkeeping behind ``session.data``, ``user``,
``login`` and ``logout``. It does no I/O of its own choosing: the session loads
through the store when asked, and at the response's start the middleware hands
the store the writes that :meth:`StoredState.writes` lists, at most one save.
The rules:

- a session is read only when the app touches its data or user, and only when
  the client sent a token that may have a record (a new token has none);
- a save happens only when the record changed (compared as JSON, so a change
  deep inside a value counts), an empty session is never written, and a
  session that had a record and is now empty loses it;
- an existing record is updated only if it still exists, so a logout (or
  ``logout_everywhere``) that finished while this request ran stays in force;
  two requests saving one session: the later save wins, whole;
- a new token (``reset``, ``login``, ``logout``) moves the data to a record of
  its own and then destroys the old token's record, so a replayed old cookie
  finds nothing; when that old record was already gone (ended elsewhere, or the
  same login submitted twice), the new one goes too and the cookie is left alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any

from . import nodejson
from .errors import SessionDataError
from .stores.base import AsyncStore, Record, Store, check_json

__all__ = ["SessionData", "StoredState", "Writes"]


class SessionData(MutableMapping[str, Any]):
    """``session.data``: a mapping of JSON values under ``str`` keys.

    A value is checked as it is assigned (``SessionDataError`` for anything JSON
    cannot carry); changes inside a value (``data["cart"].append(...)``) count
    too: before the app first reaches a value, the whole is kept as JSON, and
    compared with the data as the response starts.
    """

    __slots__ = ("_loaded", "_values")

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values
        # The values as JSON before their first use; None while unused (a request
        # that never reaches a value pays for no copy).
        self._loaded: str | None = None

    def _used(self) -> dict[str, Any]:
        if self._loaded is None:
            self._loaded = _json_of(self._values)
        return self._values

    def __getitem__(self, key: str) -> Any:
        return self._used()[key]

    def __setitem__(self, key: str, value: Any) -> None:
        if not isinstance(key, str):
            raise TypeError(f"session data keys must be str, got {type(key).__name__}: {key!r}")
        check_json(value, f"session.data[{key!r}]")
        self._used()[key] = value

    def __delitem__(self, key: str) -> None:
        del self._used()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)  # keys only: nothing to change through them

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"SessionData({self._values!r})"

    def changed(self) -> bool:
        """Whether the data changed since it was loaded (or last saved)."""
        return self._loaded is not None and _json_of(self._values) != self._loaded

    def as_dict(self) -> dict[str, Any]:
        """A copy of the data, to save."""
        return dict(self._values)

    def saved(self) -> None:
        """The data was saved: changes count from here (the app may still hold values)."""
        if self._loaded is not None:
            self._loaded = _json_of(self._values)


def _json_of(values: dict[str, Any]) -> str:
    """*values* as JSON text, to tell a change: at any depth, since a record that
    Node wrote may nest deeper than Python's recursion limit."""
    try:
        return json.dumps(values, separators=(",", ":"))
    except RecursionError:
        return nodejson.dumps(values)
    except (TypeError, ValueError) as error:  # a value changed in place into no JSON
        raise SessionDataError(f"session data must be JSON values: {error}") from None


@dataclass
class Writes:
    """What the store must do when the response starts, in this order."""

    destroy: list[tuple[str, str | None]]
    """Records to remove: (token, user)."""
    save: tuple[str, Record, bool] | None
    """The one record to write: (token, record, create)."""


class StoredState:
    """What a session loaded from its store and how it changed since."""

    def __init__(self, origin: str | None) -> None:
        # The token the request came with, when its record may exist; None for a
        # token minted here (nothing to read).
        self.origin = origin
        self.loaded = origin is None
        self.awaited = False  # whether the app awaited session.load() (asyncio stores)
        self.record: Record | None = None  # as loaded, or as last saved
        self.data = SessionData({})
        self.user: str | None = None
        self.max_age: float | None = None  # a cookie lifetime of this session's own
        self.created: float | None = None
        self.ended: list[tuple[str, str | None]] = []  # records to destroy

    def take(self, record: Record | None) -> None:
        """The store's answer to the load."""
        self.loaded = True
        self.record = record
        if record is not None:
            self.data = SessionData(dict(record.data))
            self.user = record.user
            self.max_age = record.max_age
            self.created = record.created

    def restart(self) -> None:
        """The session moved to a new token (login, logout, reset): the old
        token's record goes, and its data moves to a record of the new token."""
        if self.origin is not None and self.record is not None:
            self.ended.append((self.origin, self.record.user))
        self.origin = None
        self.record = None
        self.created = None

    def saved(self, token: str, writes: Writes, written: bool) -> None:
        """The store did *writes* (the save only if *written*): start again from there."""
        self.ended = []
        if writes.save is not None and written:
            self.origin = token
            self.record = writes.save[1]
            self.created = self.record.created
            self.data.saved()
        elif writes.save is not None:  # the record was gone (a logout elsewhere)
            self.origin, self.record = token, None

    def holds_anything(self) -> bool:
        """Whether there is anything to keep: data, a user or a lifetime of its own."""
        return bool(self.data) or self.user is not None or self.max_age is not None

    def writes(self, token: str) -> Writes:
        """The writes that bring the store up to date for the session's *token*."""
        record = self.record
        if not self.loaded or (record is None and not self.holds_anything()):
            return Writes(self.ended, None)
        if record is not None:
            if not (self.user != record.user or self.max_age != record.max_age
                    or self.data.changed()):
                return Writes(self.ended, None)
            if not self.holds_anything():  # had a record, now holds nothing: it goes
                return Writes([*self.ended, (token, record.user)], None)
        saving = Record(self.data.as_dict(), self.user, self.created, self.max_age)
        return Writes(self.ended, (token, saving, record is None))

    def save_to(self, store: Store, token: str) -> bool:
        """Bring a synchronous *store* up to date for *token*: at most one save,
        then the old records destroyed. Returns ``False`` when the session turned
        out to have ended elsewhere while this request ran (its record gone: a
        logout, ``logout_everywhere``, or another login of the same session)."""
        writes = self.writes(token)
        if not writes.destroy and writes.save is None:
            return True
        # The new record first, then the old ones: a logout_everywhere in between
        # finds one of them, and an old record already gone ends the new one too.
        save = writes.save
        written = save is not None and store.save(save[0], save[1], create=save[2])
        ended_elsewhere = [not store.destroy(old, user) for old, user in writes.destroy]
        if save is not None and written and any(ended_elsewhere):
            store.destroy(token, save[1].user)
            written = False
        return self._done(token, writes, written)

    async def asave_to(self, store: AsyncStore, token: str) -> bool:
        """:meth:`save_to`, on an asynchronous *store*."""
        writes = self.writes(token)
        if not writes.destroy and writes.save is None:
            return True
        save = writes.save
        written = save is not None and await store.save(save[0], save[1], create=save[2])
        ended_elsewhere = [not await store.destroy(old, user) for old, user in writes.destroy]
        if save is not None and written and any(ended_elsewhere):
            await store.destroy(token, save[1].user)
            written = False
        return self._done(token, writes, written)

    def _done(self, token: str, writes: Writes, written: bool) -> bool:
        self.saved(token, writes, written)
        return writes.save is None or written
