"""The original README's bare constructor, and any object with get/set, as a
session's cookies: checked by tests/test_typing.py with mypy --strict."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cookie_middleware import Cookies, get_cookies
from session_middleware import Session
from session_middleware.session import SigningCookieAccess


def the_readme(environ: dict[str, Any]) -> str:
    session = Session(get_cookies(environ), "my_session_name")
    return session.token


def with_options(cookies: Cookies) -> Session:
    return Session(cookies, "_sid", rolling=False, max_age=3600, same_site="lax")


def signed(cookies: Cookies) -> Session:
    return Session(cookies, "connect.sid", signed=True)


def cookies_sign(cookies: Cookies) -> SigningCookieAccess:
    return cookies  # what a signed session asks of its cookies


class NodeStyleJar:
    """A hand-written cookies object with Node's get and set."""

    def __init__(self) -> None:
        self.jar: dict[str, str] = {}

    def get(self, name: str, options: Mapping[str, object] | None = None) -> str | None:
        return self.jar.get(name)

    def set(self, name: str, value: str, options: Mapping[str, object] | None = None,
            overwrite: bool = False) -> None:
        self.jar[name] = value


class BareJar:
    """The least a session needs: get(name) and set(name, value, options, overwrite)."""

    def get(self, name: str, /) -> str | None:
        return None

    def set(self, name: str, value: str, options: Mapping[str, object] | None = None,
            overwrite: bool = False, /) -> None:
        pass


def hand_written() -> list[str]:
    return [Session(NodeStyleJar()).token, Session(BareJar(), "sid").token]
