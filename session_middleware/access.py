"""What a session needs of a cookies object: Node's ``get`` and ``set``, nothing more."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

__all__ = ["CookieAccess", "SigningCookieAccess", "check_cookies"]


class CookieAccess(Protocol):
    """What :class:`Session` needs of a cookies object: Node's ``get(name)`` and
    ``set(name, value, options, overwrite)``, by position, and nothing more, so
    any object with those two methods type-checks as a session's cookies."""

    def get(self, name: str, /) -> str | None: ...

    def set(self, name: str, value: str, options: Mapping[str, object] | None = None,
            overwrite: bool = False, /) -> None: ...


class SigningCookieAccess(CookieAccess, Protocol):
    """What a ``signed`` session needs too: Node's ``get(name, {"signed": True})``,
    and ``set(..., signed=True)``, as :class:`cookie_middleware.Cookies` has them."""

    def get(self, name: str, options: Mapping[str, object] | None = None, /) -> str | None: ...

    def set(self, name: str, value: str, options: Mapping[str, object] | None = None,
            overwrite: bool = False, /, *, signed: bool = False) -> None: ...


def check_cookies(cookies: object) -> None:
    """Refuse what is no cookies object (``TypeError``, saying what to pass instead)."""
    if not (callable(getattr(cookies, "get", None)) and callable(getattr(cookies, "set", None))):
        raise TypeError(
            "Session() takes the request's cookies object (with get and set), not "
            f"{type(cookies).__name__}: Session(get_cookies(request)), or let "
            "Session.middleware make the session and read it with get_session(request)"
        )
