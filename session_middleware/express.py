"""express-session's formats, so an Express service and a Python one share sessions.

During a route-by-route move, the Node and the Python service sit behind one
domain and one Redis. express-session (1.19) keeps the session id in the cookie
``connect.sid``, signed as cookie-signature signs it (``s:`` + id + ``.`` +
HMAC-SHA256), and connect-redis keeps the session under ``sess:<id>`` as
``JSON.stringify`` of the session, which always holds a ``cookie`` object.

Read and write that cookie with a :class:`~session_middleware.Session` and a
cookies object that has an :class:`~cookie_middleware.ExpressSigner`::

    Session(cookies, "connect.sid", signed=True, accept_token=is_express_sid)

and the record with :class:`ConnectRedisStore`. See ``docs/express.md``.
"""

from __future__ import annotations

import importlib
import secrets
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .jsdate import iso_string
from .tokens import URL_SAFE_ALPHABET

if TYPE_CHECKING:
    from .stores.connect_redis import ConnectRedisStore

__all__ = ["ConnectRedisStore", "express_cookie", "is_express_sid", "new_express_sid"]

# uid-safe(24): 24 random bytes, base64url without padding.
_SID_LENGTH = 32


def new_express_sid() -> str:
    """A session id as express-session mints one (``uid-safe``, 24 bytes)."""
    return secrets.token_urlsafe(24)


class _ExpressSid:
    """``is_express_sid(value)``: whether *value* has the shape of an id that
    express-session mints (32 URL-safe base64 characters). Its ``mint`` makes
    one, so a ``Session`` given this predicate mints ids of the same shape."""

    mint = staticmethod(new_express_sid)

    def __call__(self, value: str) -> bool:
        return (len(value) == _SID_LENGTH and value.isascii()
                and not value.encode("ascii").translate(None, URL_SAFE_ALPHABET))

    def __repr__(self) -> str:
        return "is_express_sid"


is_express_sid = _ExpressSid()


def express_cookie(cookie_options: Mapping[str, object] | None = None,
                   now: float | None = None) -> dict[str, Any]:
    """The ``cookie`` object express-session stores for a session cookie set with
    *cookie_options* (this project's names: ``max_age`` in seconds, ``same_site``,
    ``secure``, ``domain``, ``path``, ``http_only``), keys in express-session's order."""
    options = dict(cookie_options or {})
    max_age = options.get("max_age", options.get("maxAge"))
    now = time.time() if now is None else now
    cookie: dict[str, Any] = {}
    if max_age is None:
        cookie["originalMaxAge"] = None
        cookie["expires"] = None
    else:
        if isinstance(max_age, bool) or not isinstance(max_age, (int, float)):
            raise TypeError(f"max_age must be a number of seconds, got {max_age!r}")
        cookie["originalMaxAge"] = int(max_age * 1000)
        cookie["expires"] = iso_string((now + max_age) * 1000)
    for ours, theirs in (("secure", "secure"), ("http_only", "httpOnly"),
                         ("domain", "domain"), ("path", "path"), ("same_site", "sameSite")):
        value = options.get(ours, options.get(theirs))
        if ours == "http_only" and value is None:
            value = True  # express-session's default, and this project's
        if ours == "path" and value is None:
            value = "/"
        if value is not None:
            cookie[theirs] = value.lower() if theirs == "sameSite" and isinstance(value, str) \
                else value
    return cookie


def __getattr__(name: str) -> Any:
    # The store imports redis-py, an optional dependency: only when asked for.
    if name == "ConnectRedisStore":
        return getattr(importlib.import_module(f"{__package__}.stores"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
