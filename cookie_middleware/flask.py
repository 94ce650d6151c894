"""``Cookies`` as a Flask extension: ``CookiesExtension(app)`` or ``init_app`` later.

::

    from flask import Flask, request
    from cookie_middleware import get_cookies
    from cookie_middleware.flask import CookiesExtension

    app = Flask(__name__)
    CookiesExtension(app)

    @app.get("/")
    def home() -> str:
        return get_cookies(request).get("theme") or "light"

The extension wraps ``app.wsgi_app`` (so ``app.run``, ``app.test_client()`` and
any WSGI server see it) with :class:`~cookie_middleware.wsgi.CookiesMiddleware`,
and keeps that middleware in ``app.extensions["cookie_middleware"]``.
"""

from __future__ import annotations

from flask import Flask

from .signing import Signer
from .wsgi import Cookies, CookiesMiddleware

__all__ = ["CookiesExtension", "cookies_middleware_of"]

EXTENSION_KEY = "cookie_middleware"


class CookiesExtension:
    """The Flask extension: every request gets a :class:`Cookies`, read in views
    with ``get_cookies(request)``. One instance may serve several apps (the
    application-factory pattern): ``ext = CookiesExtension()`` then
    ``ext.init_app(app)`` in each factory."""

    def __init__(self, app: Flask | None = None, *, trust_proxy: bool = False,
                 signer: Signer | None = None, cookies_class: type[Cookies] = Cookies) -> None:
        self.trust_proxy = trust_proxy
        self.signer = signer
        self.cookies_class = cookies_class
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Wrap *app*'s WSGI callable. Raises :class:`RuntimeError` when the app
        has the cookies middleware already (two would be harmless, but it is a
        mistake worth knowing of)."""
        if EXTENSION_KEY in app.extensions:
            raise RuntimeError(
                "CookiesExtension is already set up on this app (SessionExtension sets one up "
                "when it comes first: set up CookiesExtension(app, ...) before it)")
        middleware = CookiesMiddleware(app.wsgi_app, trust_proxy=self.trust_proxy,
                                       signer=self.signer, cookies_class=self.cookies_class)
        # Flask's documented way to add WSGI middleware; mypy sees a method.
        app.wsgi_app = middleware  # type: ignore[method-assign]
        app.extensions[EXTENSION_KEY] = middleware


def cookies_middleware_of(app: Flask) -> CookiesMiddleware:
    """The :class:`CookiesMiddleware` that :class:`CookiesExtension` put on *app*;
    :class:`LookupError` when it has none."""
    middleware = app.extensions.get(EXTENSION_KEY)
    if not isinstance(middleware, CookiesMiddleware):
        raise LookupError("this Flask app has no CookiesExtension: CookiesExtension(app)")
    return middleware
