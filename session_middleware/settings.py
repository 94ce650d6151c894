"""How a session cookie is read and written, decided once per middleware.

:class:`SessionSettings` is what a session middleware makes at start-up and
hands every session it makes; :func:`cookie_withheld` is the SameSite rule the
middlewares apply to a cross-site request; :func:`in_production` reads ``ENV``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from cookie_middleware import CookieOptions, cookie_options

from .stores.base import AsyncStore, Store, is_async_store
from .tokens import is_session_token, new_token

__all__ = ["SessionSettings", "cookie_withheld", "in_production", "session_cookie_options"]


# os.environ keeps its variables, encoded, in a dict; os.environ.get("ENV")
# encodes the key, and when ENV is unset raises and catches KeyError. Reading
# the dict saves 0.6 us on every request (stack table, every row).
_ENV_KEY: object = os.environ.encodekey("ENV")
_PRODUCTION: object = os.environ.encodevalue("production")


def in_production() -> bool:
    """Whether the environment variable ``ENV`` is ``production``, read now, as
    the original reads ``process.env.ENV`` at every set."""
    data = getattr(os.environ, "_data", None)
    if type(data) is dict:
        return data.get(_ENV_KEY) == _PRODUCTION
    return os.environ.get("ENV") == "production"  # os.environ replaced by a mapping


def session_cookie_options(cookie_options: Mapping[str, object],
                           secure: bool | None = None) -> dict[str, object]:
    """The options the session cookie is set with: the original's ``path='/'``,
    HttpOnly and, when ``ENV`` is ``production`` (or *secure*), Secure,
    overridden by any of *cookie_options*."""
    if secure is None:
        secure = in_production()
    options: dict[str, object] = {}
    if "path" not in cookie_options:
        options["path"] = "/"
    if "httpOnly" not in cookie_options and "http_only" not in cookie_options:
        options["httpOnly"] = True
    if "secure" not in cookie_options:
        options["secure"] = secure
    options.update(cookie_options)
    return options


def cookie_withheld(same_site: str | None, fetch_site: str | None, fetch_mode: str | None,
                    fetch_dest: str | None, method: str) -> bool:
    """Whether a browser would have withheld a cookie with this ``SameSite``
    (``"Strict"``, ``"Lax"``, ``"None"`` or ``None`` for unset) from a request
    with these ``Sec-Fetch-Site``, ``-Mode`` and ``-Dest`` headers and *method*.

    Only a cross-site request loses a cookie: a ``Strict`` one always; a ``Lax``
    one unless the request is a top-level navigation with a safe method, such as
    following a link; a ``None`` one never. A cookie without SameSite counts as
    ``Lax``, as Chromium treats it (Firefox and Safari send it like ``None``, so
    "withheld" is then the cautious answer), and so does a request without
    ``Sec-Fetch-Mode`` or ``-Dest``.
    """
    if fetch_site != "cross-site" or same_site == "None":
        return False
    if same_site == "Strict":
        return True
    # RFC 6265bis sec 5.8.3: Lax cookies go with "top-level navigations" by a
    # "safe" method; Sec-Fetch-Dest says whether the navigation is top-level.
    return not (fetch_mode == "navigate" and fetch_dest == "document"
                and method in ("GET", "HEAD"))


_STORE_CALLS = ("load", "save", "destroy", "logout_everywhere")


def _check(good: bool, option: str, expected: str, value: object) -> None:
    if not good:
        raise TypeError(f"session option {option} must be {expected}, "
                        f"got {type(value).__name__}: {value!r}")


class SessionSettings:
    """How a session cookie is read and written: made once, used for every request.

    The middlewares make one at start-up (so a bad name or option fails there)
    and pass it to every :class:`SessionBase` they make, as ``settings``. The
    cookie's options are checked once for each value of ``ENV == "production"``.
    """

    __slots__ = ("_options", "_prepared", "accept_token", "lazy", "mint", "name", "rolling",
                 "same_site", "signed", "store", "store_is_async")

    def __init__(self, name: str = "_session", *,
                 accept_token: Callable[[str], bool] = is_session_token,
                 rolling: bool = True, signed: bool = False,
                 mint: Callable[[], str] | None = None,
                 store: Store | AsyncStore | None = None, lazy: bool = False,
                 **cookie_options: object) -> None:
        if not isinstance(name, str):
            raise TypeError(
                f"the session cookie name must be a str, got {type(name).__name__}: {name!r}; "
                "pass cookie options as keywords: Session(cookies, '_sid', max_age=3600)"
            )
        _check(callable(accept_token), "accept_token", "a function of the token", accept_token)
        _check(mint is None or callable(mint), "mint", "a function that returns a token", mint)
        _check(isinstance(rolling, bool), "rolling", "True or False", rolling)
        _check(isinstance(signed, bool), "signed", "True or False", signed)
        _check(isinstance(lazy, bool), "lazy", "True or False", lazy)
        _check(store is None or all(callable(getattr(store, call, None)) for call in _STORE_CALLS),
               "store", "a store object (MemoryStore(), RedisStore(client), ...)", store)
        self.name = name
        self.accept_token = accept_token
        # A predicate for another shape of token may carry the minter of that shape.
        if mint is None:
            mint = getattr(accept_token, "mint", None) or new_token
        self.mint = mint
        self.rolling = rolling
        self.signed = signed
        self.store = store
        """Where the session's data is kept (``None``: the token alone, as the original)."""
        self.lazy = lazy
        """Mint no token and write no cookie until the app asks for the token, writes
        data or logs in."""
        self.store_is_async = is_async_store(store)
        self._options = cookie_options
        self._prepared: dict[bool, CookieOptions] = {}
        self.same_site = self.options().same_site
        """The cookie's SameSite (``"Strict"``, ``"Lax"``, ``"None"`` or ``None``)."""

    def cookie_withheld(self, fetch_site: str | None, fetch_mode: str | None,
                        fetch_dest: str | None, method: str) -> bool:
        """:func:`cookie_withheld` for this session cookie: what the middlewares
        pass a :class:`Session` as *cross_site*."""
        return cookie_withheld(self.same_site, fetch_site, fetch_mode, fetch_dest, method)

    def options_with(self, max_age: float) -> CookieOptions:
        """:meth:`options`, with *max_age* in place of the configured one."""
        options = self.options()
        rest = {key: value for key, value in options.items() if key not in ("max_age", "maxAge")}
        return cookie_options({**rest, "max_age": max_age})

    def options(self) -> CookieOptions:
        """The checked options the cookie is set with now (``ENV`` read now)."""
        secure = in_production()
        prepared = self._prepared.get(secure)
        if prepared is None:
            prepared = cookie_options(session_cookie_options(self._options, secure))
            self._prepared[secure] = prepared
        return prepared
