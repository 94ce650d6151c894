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
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings

from .asgi import COOKIES_STATE_KEY
from .exchange import environ_of, scope_of
from .signing import Signer
from .wsgi import COOKIES_ENVIRON_KEY, Cookies

__all__ = ["CookiesMiddleware"]

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


class _SetCookie(Morsel[str]):
    """One Set-Cookie header, written as given: Django writes each entry of
    ``response.cookies`` with ``output(header="")``. Its key and coded value are
    the cookie's, so ``django.test.Client`` sends the cookie back."""

    def __init__(self, header: str) -> None:
        super().__init__()
        pair = header.split(";", 1)[0]
        name, _, value = pair.partition("=")
        self.set(name, value, value)
        self._header = header

    def OutputString(self, attrs: Container[str] | None = None) -> str:
        return self._header

    def output(self, attrs: Container[str] | None = None, header: str = "Set-Cookie:") -> str:
        return f"{header} {self._header}" if header else self._header


def _add_set_cookie_headers(response: Any, headers: list[str]) -> None:
    """Add *headers* (Set-Cookie values) to a Django *response*, after its own.

    The last header of each cookie name is keyed by that name, so a test
    client keeps the cookie's latest value; any other gets a key of its own,
    so that no header, the app's own among them, replaces another."""
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
        options = dict(getattr(settings, "COOKIE_MIDDLEWARE", {}))
        unknown = sorted(set(options) - {"trust_proxy", "signer", "cookies_class"})
        if unknown:
            raise TypeError(f"unknown COOKIE_MIDDLEWARE setting(s) {unknown!r}: "
                            "expected trust_proxy, signer or cookies_class")
        self.get_response = get_response
        self.trust_proxy: bool = options.get("trust_proxy", False)
        self.signer: Signer | None = options.get("signer")
        self.cookies_class: type[Cookies] = options.get("cookies_class", Cookies)
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
        response = self.get_response(request)
        if cookies is not None:
            _add_set_cookie_headers(response, cookies.seal())
        return response

    async def _call_async(self, request: Any) -> Any:
        cookies = self._open(request)
        response = await self.get_response(request)
        if cookies is not None:
            _add_set_cookie_headers(response, cookies.seal())
        return response
