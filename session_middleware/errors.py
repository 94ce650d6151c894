"""Exceptions raised by :mod:`session_middleware`.

Cookie errors (a bad option, a Secure cookie over plain http) come from the
cookies object's ``set`` and keep their own types; this module holds what only
the session layer can get wrong.
"""

from __future__ import annotations

__all__ = ["MissingCookiesError", "MissingSessionError", "SessionDataError", "SessionError",
           "SessionNotLoadedError", "StoreUnavailableError"]


class SessionError(Exception):
    """Base class of every error this package raises itself."""


class MissingCookiesError(SessionError):
    """``Session.middleware`` ran without ``Cookies.middleware`` around it."""


class MissingSessionError(SessionError):
    """Handler code asked for the session but no ``Session.middleware`` put it there."""


class SessionDataError(SessionError, ValueError):
    """Session data that cannot be stored as JSON both Node and Python read the
    same (``NaN``, a ``set``, a cycle), or a stored record that is not such JSON."""


class StoreUnavailableError(SessionError):
    """The session store did not answer (a Redis server down or unreachable, a
    timeout): raised from a session's load or save, with nothing half-written.
    Answer it with ``503 Service Unavailable``."""


class SessionNotLoadedError(SessionError):
    """``session.data`` (or ``user``, ``login``, ``logout``) was used before
    ``await session.load()``, on a session whose store is asynchronous."""
