"""``Session``: always a session token, on nothing but a cookies object's get/set.

The session layer knows nothing of WSGI, ASGI or how cookies are stored: it
calls ``cookies.get(name)`` and ``cookies.set(name, value, options, overwrite)``,
the public API of :class:`cookie_middleware.Cookies`, so any object with those
two methods will do. :class:`session_middleware.Session` is :class:`SessionBase`
with Node's ``Session.middleware``; the middlewares live in
:mod:`session_middleware.wsgi` and :mod:`session_middleware.asgi`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Protocol, cast

from cookie_middleware import CookieOptions, InsecureCookieError, cookie_options
from cookie_middleware.deprecation import moved

from .tokens import is_session_token, new_token

__all__ = ["CookieAccess", "SessionBase", "SessionSettings", "SigningCookieAccess",
           "cookie_withheld"]


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


class SessionSettings:
    """How a session cookie is read and written: made once, used for every request.

    The middlewares make one at start-up (so a bad name or option fails there)
    and pass it to every :class:`SessionBase` they make, as ``settings``. The
    cookie's options are checked once for each value of ``ENV == "production"``.
    """

    __slots__ = ("_options", "_prepared", "accept_token", "mint", "name", "rolling", "same_site",
                 "signed")

    def __init__(self, name: str = "_session", *,
                 accept_token: Callable[[str], bool] = is_session_token,
                 rolling: bool = True, signed: bool = False,
                 mint: Callable[[], str] | None = None,
                 **cookie_options: object) -> None:
        if not isinstance(name, str):
            raise TypeError(
                f"the session cookie name must be a str, got {type(name).__name__}: {name!r}; "
                "pass cookie options as keywords: Session(cookies, '_sid', max_age=3600)"
            )
        self.name = name
        self.accept_token = accept_token
        # A predicate for another shape of token may carry the minter of that shape.
        if mint is None:
            mint = getattr(accept_token, "mint", None) or new_token
        self.mint = mint
        self.rolling = rolling
        self.signed = signed
        self._options = cookie_options
        self._prepared: dict[bool, CookieOptions] = {}
        self.same_site = self.options().same_site
        """The cookie's SameSite (``"Strict"``, ``"Lax"``, ``"None"`` or ``None``)."""

    def cookie_withheld(self, fetch_site: str | None, fetch_mode: str | None,
                        fetch_dest: str | None, method: str) -> bool:
        """:func:`cookie_withheld` for this session cookie: what the middlewares
        pass a :class:`Session` as *cross_site*."""
        return cookie_withheld(self.same_site, fetch_site, fetch_mode, fetch_dest, method)

    def options(self) -> CookieOptions:
        """The checked options the cookie is set with now (``ENV`` read now)."""
        secure = in_production()
        prepared = self._prepared.get(secure)
        if prepared is None:
            prepared = cookie_options(session_cookie_options(self._options, secure))
            self._prepared[secure] = prepared
        return prepared


_SIGNED = {"signed": True}


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


def _check_cookies(cookies: object) -> None:
    if not (callable(getattr(cookies, "get", None)) and callable(getattr(cookies, "set", None))):
        raise TypeError(
            "Session() takes the request's cookies object (with get and set), not "
            f"{type(cookies).__name__}: Session(get_cookies(request)), or let "
            "Session.middleware make the session and read it with get_session(request)"
        )


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

    The session stores nothing: keep data in your own store under ``token``,
    and call :meth:`reset` before the session's privileges change (login,
    logout) so a token planted by an attacker never gains them.
    """

    __slots__ = ("__weakref__", "_cookies", "_new", "_settings", "_token")

    def __init__(self, cookies: CookieAccess, name: str | None = None, *,
                 accept_token: Callable[[str], bool] | None = None,
                 rolling: bool | None = None, cross_site: bool | Callable[[], bool] = False,
                 signed: bool | None = None, mint: Callable[[], str] | None = None,
                 settings: SessionSettings | None = None,
                 **cookie_options: object) -> None:
        # Left unset (None), name is "_session", accept_token is_session_token,
        # rolling True and signed False; a middleware passes its settings instead.
        if settings is None:
            _check_cookies(cookies)
            settings = SessionSettings(
                "_session" if name is None else name,
                accept_token=is_session_token if accept_token is None else accept_token,
                rolling=True if rolling is None else rolling,
                signed=False if signed is None else signed, mint=mint, **cookie_options)
        elif (cookie_options or name is not None or accept_token is not None
              or rolling is not None or signed is not None or mint is not None):
            raise TypeError("pass a Session either settings= or a cookie name and options")
        self._cookies = cookies
        self._settings = settings
        name = settings.name
        if settings.signed:  # signed=True asks for cookies that sign
            incoming = cast("SigningCookieAccess", cookies).get(name, _SIGNED)
        else:
            incoming = cookies.get(name)
        if incoming and settings.accept_token(incoming):
            self._token, self._new = incoming, False
            write = settings.rolling
        else:
            self._token, self._new = settings.mint(), True
            # A signed cookie that fails to verify reads as missing: look at the
            # header itself to tell "no cookie" from "a cookie, replaced". A
            # middleware may pass cross_site as a function, asked only here.
            sent = incoming is not None or (settings.signed and cookies.get(name) is not None)
            write = sent or not (cross_site() if callable(cross_site) else cross_site)
        if write:
            try:
                self._write(self._token)
            except InsecureCookieError:
                # A Secure cookie on a request that did not arrive over https: the
                # browser would discard it, and whether the request is https may
                # rest on a header the client sends (a health check, a hit around
                # the proxy). The token stands for this request; reset() raises.
                return

    def _write(self, token: str) -> None:
        settings = self._settings
        if settings.signed:
            cast("SigningCookieAccess", self._cookies).set(settings.name, token, settings.options(),
                                                        True, signed=True)
        else:
            self._cookies.set(settings.name, token, settings.options(), True)

    @property
    def name(self) -> str:
        """The name of the session cookie."""
        return self._settings.name

    @property
    def token(self) -> str:
        """The session token: the request's own, or one minted for it."""
        return self._token

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
        token = self._settings.mint()
        self._write(token)
        self._token, self._new = token, True
        return token

    def __repr__(self) -> str:
        return f"<Session {self.name}={self._token[:8]}... new={self._new}>"


if not TYPE_CHECKING:  # the old spelling, for one release
    __getattr__ = moved(__name__, {
        "CookieJar": ("session_middleware.session.CookieAccess", CookieAccess),
        "SigningCookieJar": ("session_middleware.session.SigningCookieAccess",
                             SigningCookieAccess)})
