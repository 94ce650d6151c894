"""``Cookies`` as a Pyramid add-on: ``config.include("cookie_middleware.pyramid")``.

The include adds a tween that gives every request a :class:`Cookies` (read it
with ``get_cookies(request)``) and appends the pending cookies to the response's
headers after the app's own response callbacks have run (they may set cookies
too), byte for byte what the WSGI middleware writes.
Settings (from the ``.ini`` file or ``Configurator(settings=...)``):

- ``cookie_middleware.trust_proxy``: count ``X-Forwarded-Proto: https`` as https
  (``true``/``false``; only behind a proxy that sets that header itself);
- ``cookie_middleware.signer``: an ``ExpressSigner`` or ``KeygripSigner`` object,
  for ``signed=True`` cookies (given in Python, not in an ``.ini`` file).

Pyramid itself is not imported here: the tween uses the request's ``environ``
and the response's ``headerlist``, which Pyramid's WebOb objects have.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .signing import ExpressSigner, KeygripSigner
from .wsgi import COOKIES_ENVIRON_KEY, Cookies

__all__ = ["TWEEN", "cookies_tween_factory", "includeme", "setting_flag"]

TWEEN = "cookie_middleware.pyramid.cookies_tween_factory"
"""The tween's dotted name, for ``over=``/``under=`` in ``config.add_tween``."""

Handler = Callable[[Any], Any]


def includeme(config: Any) -> None:
    """Pyramid's include hook: add the cookies tween."""
    config.add_tween(TWEEN)


def setting_flag(settings: Mapping[str, Any], key: str, default: bool) -> bool:
    """A boolean Pyramid setting: a ``bool``, or the text an ``.ini`` file holds
    (``true``/``false``, ``yes``/``no``, ``on``/``off``, ``1``/``0``)."""
    value = settings.get(key, default)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()  # an .ini file's "true", " False", "1"
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0"):
        return False
    raise ValueError(f"setting {key} must be true or false, got {value!r}")


def cookies_tween_factory(handler: Handler, registry: Any) -> Handler:
    """The tween: a fresh :class:`Cookies` per request, written on the response."""
    settings: Mapping[str, Any] = registry.settings or {}
    unknown = sorted(key for key in settings if key.startswith("cookie_middleware.")
                     and key not in ("cookie_middleware.trust_proxy", "cookie_middleware.signer"))
    if unknown:
        raise ValueError(f"unknown setting(s) {unknown!r}")
    trust_proxy = setting_flag(settings, "cookie_middleware.trust_proxy", False)
    signer = settings.get("cookie_middleware.signer")
    if signer is not None and not isinstance(signer, (ExpressSigner, KeygripSigner)):
        raise TypeError("setting cookie_middleware.signer must be an ExpressSigner or a "
                        f"KeygripSigner, got {type(signer).__name__}")

    def cookies_tween(request: Any) -> Any:
        environ = request.environ
        outer = environ.get(COOKIES_ENVIRON_KEY)
        if isinstance(outer, Cookies) and outer.belongs_to(environ):
            return handler(request)  # a WSGI CookiesMiddleware outside writes them
        cookies = Cookies(environ, trust_proxy=trust_proxy, signer=signer)
        environ[COOKIES_ENVIRON_KEY] = cookies
        response = handler(request)

        def write_cookies(request: Any, response: Any) -> None:
            for header in cookies.seal():
                response.headerlist.append(("Set-Cookie", header))

        # A response callback added now runs after those the app added, which
        # may still set cookies, as they may under the WSGI middleware.
        request.add_response_callback(write_cookies)
        return response

    return cookies_tween
