"""``Session`` for Django: a middleware class for ``settings.MIDDLEWARE``.

::

    MIDDLEWARE = [
        "cookie_middleware.django.CookiesMiddleware",
        "session_middleware.django.SessionMiddleware",
        ...
    ]

Then ``get_session(request)`` works on Django's ``HttpRequest``, under WSGI and
under Django's ASGI handler; the middleware is sync and async capable. Options
come from the ``SESSION_MIDDLEWARE`` setting, a dict of the arguments
:class:`~session_middleware.wsgi.SessionMiddleware` takes: ``name`` (default
``"_session"``), ``rolling``, ``signed``, ``accept_token``, ``mint``,
``session_class`` and cookie options such as ``max_age`` or ``same_site``.

It sits beside ``django.contrib.sessions`` without touching it: its cookie has
another name, and ``request.session`` stays Django's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.utils.cache import patch_vary_headers

from cookie_middleware import InvalidCookieError, MissingMiddlewareError, get_cookies, serialize
from cookie_middleware.django import setting, setting_class
from cookie_middleware.exchange import scope_of

from .asgi import SESSION_STATE_KEY
from .errors import MissingCookiesError
from .session import SessionBase, SessionSettings
from .tokens import new_token
from .wsgi import SESSION_ENVIRON_KEY, Session, open_session

__all__ = ["SessionMiddleware"]

GetResponse = Callable[[Any], Any]


class SessionMiddleware:
    """Django middleware: a :class:`~session_middleware.Session` per request,
    read with :func:`~session_middleware.get_session`. It goes below
    ``cookie_middleware.django.CookiesMiddleware`` in ``MIDDLEWARE``.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        options = dict(setting({"SESSION_MIDDLEWARE": getattr(settings, "SESSION_MIDDLEWARE", {})},
                               "settings", "SESSION_MIDDLEWARE", dict, {}))
        name = setting(options, "SESSION_MIDDLEWARE", "name", str, "_session")
        for flag in ("rolling", "signed"):
            setting(options, "SESSION_MIDDLEWARE", flag, bool, False)
        self.session_class = setting_class(options, "SESSION_MIDDLEWARE", "session_class",
                                           Session)
        options.pop("name", None)
        options.pop("session_class", None)
        if options.get("signed") and not getattr(settings, "COOKIE_MIDDLEWARE", {}).get("signer"):
            raise TypeError("SESSION_MIDDLEWARE['signed'] is True, but COOKIE_MIDDLEWARE has no "
                            "'signer': give it ExpressSigner(secrets) or KeygripSigner(keys)")
        try:
            self.settings = SessionSettings(name, **options)
        except (TypeError, InvalidCookieError) as error:
            raise type(error)(f"SESSION_MIDDLEWARE: {error} (besides cookie options it takes "
                              "name, rolling, signed, accept_token, mint, store and "
                              "session_class)") from error
        # Check name and options now, when Django loads its middleware.
        serialize(name, new_token(), self.settings.options())
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)
        store = self.settings.store
        if store is not None and not self.async_mode and self.settings.store_is_async:
            raise TypeError("SESSION_MIDDLEWARE['store'] is an asyncio store, but Django runs "
                            "this middleware sync: give the store a redis.Redis client "
                            "(MemoryStore serves both)")
        if (store is not None and self.async_mode and not self.settings.store_is_async
                and getattr(store, "blocking", True)):
            raise TypeError("SESSION_MIDDLEWARE['store'] blocks, and Django runs this "
                            "middleware async, on the event loop: give the store a "
                            "redis.asyncio.Redis client (MemoryStore serves both)")

    def _open(self, request: Any) -> SessionBase:
        try:
            cookies = get_cookies(request)
        except MissingMiddlewareError:
            raise MissingCookiesError(
                "session_middleware.django.SessionMiddleware needs "
                "'cookie_middleware.django.CookiesMiddleware' above it in settings.MIDDLEWARE"
            ) from None
        scope = scope_of(request)
        if scope is None:
            held, root = request.environ, SESSION_ENVIRON_KEY
        else:
            held, root = scope["state"], SESSION_STATE_KEY
        return open_session(held, root, cookies, self.settings, self.session_class,
                            request.META)

    def __call__(self, request: Any) -> Any:
        if self.async_mode:
            return self._call_async(request)
        session = self._open(request)
        response = self.get_response(request)
        session.save()  # with a store: the data, before the response goes out
        return _varies(response)

    async def _call_async(self, request: Any) -> Any:
        session = self._open(request)
        response = await self.get_response(request)
        await session.asave()
        return _varies(response)


def _varies(response: Any) -> Any:
    # The page may show what the session holds: a cache keeps it per Cookie
    # header, as it keeps pages Django's own session middleware has seen.
    patch_vary_headers(response, ("Cookie",))
    return response
