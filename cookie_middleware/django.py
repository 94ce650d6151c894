"""``Cookies`` for Django: a middleware class for ``settings.MIDDLEWARE``.

::

    MIDDLEWARE = [
        "cookie_middleware.django.CookiesMiddleware",
        ...
    ]

Then ``get_cookies(request)`` works on Django's ``HttpRequest``, under WSGI
(runserver, gunicorn, ``django.test.Client``) and under Django's ASGI handler
(uvicorn, ``AsyncClient``). The middleware is sync and async capable, so it never
makes Django switch modes. Options come from the ``COOKIE_MIDDLEWARE`` setting,
a dict of the keywords :class:`~cookie_middleware.wsgi.CookiesMiddleware` takes
(``trust_proxy``, ``signer``, ``cookies_class``).

The pending cookies become Set-Cookie headers with the same bytes the WSGI and
ASGI middlewares write. They go out through ``response.cookies`` (the only way
a Django response carries several Set-Cookie headers), beside any the app set
with ``response.set_cookie``; ``request.COOKIES`` and ``django.contrib.sessions``
are left alone.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping, MutableMapping
from http.cookies import Morsel
from typing import Any, TypeVar

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.module_loading import import_string

from ._js import decode_uri_component
from .asgi import COOKIES_STATE_KEY
from .exchange import environ_of, scope_of
from .signing import ExpressSigner, KeygripSigner, Signer
from .wsgi import COOKIES_ENVIRON_KEY, Cookies

__all__ = ["CookiesMiddleware", "setting", "setting_class"]

# Django's own types are not imported: its request and response are used only
# through META/environ/scope and ``cookies``, so this module type-checks
# without django-stubs.
GetResponse = Callable[[Any], Any]


def _where(request: Any) -> tuple[Mapping[str, Any], MutableMapping[str, Any], str]:
    """A Django request's environ or scope, the mapping that holds what a
    middleware attaches to it, and the key ``Cookies`` go under: the places
    ``get_cookies`` looks on a ``WSGIRequest`` and on an ``ASGIRequest``."""
    scope = scope_of(request)
    if scope is None:
        environ = environ_of(request)
        return environ, environ, COOKIES_ENVIRON_KEY
    state = scope.get("state")
    if not isinstance(state, dict):
        state = scope["state"] = {}
    return scope, state, COOKIES_STATE_KEY


T = TypeVar("T")


def setting(options: Mapping[str, Any], setting_name: str, key: str,
            kind: type[T] | tuple[type, ...], default: T) -> T:
    """``options[key]`` of Django setting *setting_name*, checked to be a *kind*
    (a ``bool`` must be ``True`` or ``False``: settings read from the environment
    as ``"false"`` would otherwise count as true)."""
    value = options.get(key, default)
    if value is not default and not isinstance(value, kind):
        names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise TypeError(f"{setting_name}[{key!r}] must be a {names}, "
                        f"got {type(value).__name__}: {value!r}")
    return value  # type: ignore[return-value]


def setting_class(options: Mapping[str, Any], setting_name: str, key: str,
                  base: type[T]) -> type[T]:
    """A class setting: the class, or its dotted path as Django settings name classes."""
    value = options.get(key, base)
    if isinstance(value, str):
        value = import_string(value)
    if not (isinstance(value, type) and issubclass(value, base)):
        raise TypeError(f"{setting_name}[{key!r}] must be {base.__name__} or a subclass "
                        f"(or its dotted path), got {value!r}")
    return value


class _SetCookie(Morsel[str]):
    """One Set-Cookie header, written as given: Django writes each entry of
    ``response.cookies`` with ``output(header="")``. Its key and coded value are
    the cookie's, so ``django.test.Client`` sends the cookie back.

    Should a Django middleware above set a cookie of the same name with
    ``response.set_cookie`` (or ``delete_cookie``), Django reuses this entry
    through :meth:`set`: from then on it is Django's cookie, written by Django.
    """

    def __init__(self, header: str) -> None:
        super().__init__()
        name, _, value = header.split(";", 1)[0].partition("=")
        # Morsel.set refuses names such as "version", "path" or "expires", which
        # are cookie names as good as any: set the three fields it would set.
        self._key = name
        self._value = decode_uri_component(value)
        self._coded_value = value
        self._header: str | None = header

    def set(self, key: str, val: str, coded_val: str) -> None:
        self._header = None
        super().set(key, val, coded_val)

    def OutputString(self, attrs: Container[str] | None = None) -> str:
        return super().OutputString(attrs) if self._header is None else self._header

    def output(self, attrs: Container[str] | None = None, header: str = "Set-Cookie:") -> str:
        if self._header is None:
            return super().output(attrs, header)
        return f"{header} {self._header}" if header else self._header

    # Pickled and copied with its header: Django's cache middleware pickles responses.
    def __getstate__(self) -> dict[str, Any]:
        return {**super().__getstate__(), "header": self._header}  # type: ignore[misc]

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)  # type: ignore[misc]
        self._header = state.get("header")


def _add_set_cookie_headers(response: Any, headers: list[str]) -> None:
    """Add *headers* (Set-Cookie values) to a Django *response*, after its own.

    The last header of each cookie name is keyed by that name, so that a later
    response's cookie of that name replaces it in a test client's jar; any
    earlier header of the same name (``set`` without overwrite) gets a key of
    its own, so that no header, the app's own among them, replaces another.
    (``django.test.Client`` keeps such extra entries and sends them back too.)"""
    cookies = response.cookies
    last = {header.split("=", 1)[0]: index for index, header in enumerate(headers)}
    for index, header in enumerate(headers):
        name = header.split("=", 1)[0]
        key = name if last[name] == index and name not in cookies else f"{name} {index}"
        while key in cookies:
            key += "+"
        dict.__setitem__(cookies, key, _SetCookie(header))


class CookiesMiddleware:
    """Django middleware: a fresh :class:`~cookie_middleware.Cookies` per request,
    read with :func:`~cookie_middleware.get_cookies`, its pending cookies added
    to the response. Put it above any middleware or view that uses cookies.

    Under a WSGI or ASGI ``CookiesMiddleware`` that already made the request's
    ``Cookies`` (``wsgi.py`` wrapped too), it steps aside: one ``Cookies`` per
    request, written once.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        options = dict(setting({"COOKIE_MIDDLEWARE": getattr(settings, "COOKIE_MIDDLEWARE", {})},
                               "settings", "COOKIE_MIDDLEWARE", dict, {}))
        unknown = sorted(set(options) - {"trust_proxy", "signer", "cookies_class"})
        if unknown:
            raise TypeError(f"unknown COOKIE_MIDDLEWARE setting(s) {unknown!r}: "
                            "expected trust_proxy, signer or cookies_class")
        self.get_response = get_response
        self.trust_proxy = setting(options, "COOKIE_MIDDLEWARE", "trust_proxy", bool, False)
        self.signer: Signer | None = setting(options, "COOKIE_MIDDLEWARE", "signer",
                                             (ExpressSigner, KeygripSigner), None)
        self.cookies_class = setting_class(options, "COOKIE_MIDDLEWARE", "cookies_class",
                                           Cookies)
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def _open(self, request: Any) -> Cookies | None:
        """The request's new ``Cookies``, or ``None`` when an outer middleware
        already made them."""
        source, state, key = _where(request)
        outer = state.get(key)
        if isinstance(outer, Cookies) and outer.belongs_to(source):
            return None
        cookies = self.cookies_class(source, trust_proxy=self.trust_proxy, signer=self.signer)
        state[key] = cookies
        return cookies

    def __call__(self, request: Any) -> Any:
        if self.async_mode:
            return self._call_async(request)
        cookies = self._open(request)
        return self._close(cookies, self.get_response(request))

    async def _call_async(self, request: Any) -> Any:
        cookies = self._open(request)
        return self._close(cookies, await self.get_response(request))

    @staticmethod
    def _close(cookies: Cookies | None, response: Any) -> Any:
        pending = [] if cookies is None else cookies.seal()
        if pending:
            _add_set_cookie_headers(response, pending)
            # No shared cache may keep a response that sets cookies, else one
            # visitor's Set-Cookie would be replayed to the next: private, and
            # Vary: Cookie as Django's own session middleware adds (Django's cache
            # middleware keeps neither kind).
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ("Cookie",))
        return response
