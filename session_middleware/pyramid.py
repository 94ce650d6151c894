"""``Session`` as a Pyramid add-on: ``config.include("session_middleware.pyramid")``.

The include adds the cookies tween (``cookie_middleware.pyramid``) and, under
it, a tween that gives every request a :class:`~session_middleware.Session`
(read it with ``get_session(request)``). Settings, from the ``.ini`` file or
``Configurator(settings=...)``:

- ``session_middleware.name``: the cookie's name (``_session``);
- ``session_middleware.rolling``: set the cookie on every response (``true``);
- ``session_middleware.max_age``, ``.same_site``, ``.secure``, ``.http_only``,
  ``.domain``, ``.path``: the cookie's options (``max_age`` in seconds).

A bad name or option fails when the app is made, not at the first request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from cookie_middleware import get_cookies, serialize
from cookie_middleware.pyramid import TWEEN as COOKIES_TWEEN
from cookie_middleware.pyramid import setting_flag

from .session import SessionSettings
from .tokens import new_token
from .wsgi import SESSION_ENVIRON_KEY, Session, open_session

__all__ = ["TWEEN", "includeme", "session_settings", "session_tween_factory"]

TWEEN = "session_middleware.pyramid.session_tween_factory"
"""The tween's dotted name, for ``over=``/``under=`` in ``config.add_tween``."""

Handler = Callable[[Any], Any]
_PREFIX = "session_middleware."
_FLAGS = ("rolling", "lazy", "secure", "http_only")
_TEXTS = ("same_site", "domain", "path")


def includeme(config: Any) -> None:
    """Pyramid's include hook: the cookies tween, and the session tween under it."""
    config.include("cookie_middleware.pyramid")
    config.add_tween(TWEEN, under=COOKIES_TWEEN)


def session_settings(settings: Mapping[str, Any]) -> SessionSettings:
    """The session's settings from Pyramid's ``session_middleware.*`` settings."""
    given = {key.removeprefix(_PREFIX): value for key, value in settings.items()
             if key.startswith(_PREFIX)}
    unknown = sorted(set(given) - {"name", "max_age", "store", *_FLAGS, *_TEXTS})
    if unknown:
        raise ValueError(f"unknown setting(s) {[_PREFIX + key for key in unknown]!r}")
    options: dict[str, Any] = {key: setting_flag(settings, _PREFIX + key, True)
                               for key in _FLAGS if key in given}
    for key in _TEXTS:
        if key in given:
            if not str(given[key]).strip():
                raise ValueError(f"setting {_PREFIX}{key} is empty: leave it out for the default")
            options[key] = str(given[key]).strip()
    if "max_age" in given:
        try:
            options["max_age"] = float(given["max_age"])
        except ValueError:
            raise ValueError("setting session_middleware.max_age must be a number of seconds, "
                             f"got {given['max_age']!r}") from None
    name = str(given.get("name", "_session"))
    rolling = bool(options.pop("rolling", True))
    lazy = bool(options.pop("lazy", False))
    store = settings.get(_PREFIX + "store")  # a store object, given in Python
    return SessionSettings(name, rolling=rolling, store=store, lazy=lazy, **options)


def session_tween_factory(handler: Handler, registry: Any) -> Handler:
    """The tween: a :class:`Session` per request, on the request's cookies."""
    settings = session_settings(registry.settings or {})
    if settings.store_is_async:
        raise TypeError("a Pyramid app needs a synchronous store: MemoryStore(), or "
                        "RedisStore(redis.Redis(...)) rather than an asyncio client")
    serialize(settings.name, new_token(), settings.options())  # check now, at start-up

    def session_tween(request: Any) -> Any:
        environ = request.environ
        session = open_session(environ, SESSION_ENVIRON_KEY, get_cookies(environ), settings,
                               Session, environ)
        response = handler(request)
        if settings.store is not None:
            # After the app's own response callbacks, before the cookies tween's.
            request.add_response_callback(lambda request, response: session.save())
        return response

    return session_tween
