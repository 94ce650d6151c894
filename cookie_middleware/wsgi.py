"""The WSGI side of :class:`~cookie_middleware.Cookies`: the middleware and its lookup.

``Cookies.middleware(app)`` (the Node ``app.use(Cookies.middleware)``) wraps a
WSGI app so that every request gets a fresh :class:`Cookies` at
``environ["cookie_middleware.cookies"]``; the pending cookies are appended to the
headers the app passes to ``start_response``, the way Node's ``on-headers``
wraps ``writeHead``.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import TYPE_CHECKING, Any

from .cookies import Cookies
from .errors import MissingMiddlewareError
from .exchange import ENVIRON

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from .signing import Signer

__all__ = ["ENVIRON_KEY", "CookiesMiddleware", "cookies_in_environ"]

ENVIRON_KEY = "cookie_middleware.cookies"
"""The WSGI environ key under which :class:`CookiesMiddleware` puts each request's
:class:`Cookies`."""


class CookiesMiddleware:
    """WSGI middleware: a fresh :class:`Cookies` per request, written out when the
    app calls ``start_response``.

    Wrapping an app twice is harmless: a request keeps the one ``Cookies`` the
    outer layer made for it, and its cookies go out once. A sub-request made
    with a copy of the environ (WebOb's ``Request.copy()``) gets its own.
    """

    def __init__(self, app: WSGIApplication, *, trust_proxy: bool = False,
                 signer: Signer | None = None,
                 cookies_class: type[Cookies] = Cookies) -> None:
        self.app = app
        self.trust_proxy = trust_proxy
        self.signer = signer
        self.cookies_class = cookies_class

    def __call__(self, environ: WSGIEnvironment,
                 start_response: StartResponse) -> Iterable[bytes]:
        outer = environ.get(ENVIRON_KEY)
        if outer is not None and isinstance(outer, Cookies) and outer.belongs_to(environ):
            return self.app(environ, start_response)
        if self.cookies_class is Cookies:  # what Cookies(environ) makes, without probing
            cookies = Cookies._bind(environ, ENVIRON, self.trust_proxy, self.signer)
        else:
            cookies = self.cookies_class(environ, trust_proxy=self.trust_proxy,
                                         signer=self.signer)
        environ[ENVIRON_KEY] = cookies

        def start_response_with_cookies(status: str, headers: list[tuple[str, str]],
                                        exc_info: Any = None) -> Any:
            pending = cookies.seal()
            if len(pending) == 1:
                headers = [*headers, ("Set-Cookie", pending[0])]
            elif pending:
                headers = [*headers, *[("Set-Cookie", header) for header in pending]]
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, start_response_with_cookies)
        except BaseException:
            cookies.seal()  # let go of the environ, which refers to us
            raise


def _middleware(cls: type[Cookies], /, app: WSGIApplication, *, trust_proxy: bool = False,
                signer: Signer | None = None) -> CookiesMiddleware:
    """Wrap a WSGI *app* so that every request gets a fresh :class:`Cookies`
    at ``environ["cookie_middleware.cookies"]`` (read it with
    :func:`~cookie_middleware.get_cookies`), written out when the app calls
    ``start_response``."""
    return CookiesMiddleware(app, trust_proxy=trust_proxy, signer=signer, cookies_class=cls)


# Cookies.middleware is the Node-shaped entry point; it is bound here so that the
# core module imports no transport (cookies.py declares it for type checkers).
setattr(Cookies, "middleware", classmethod(_middleware))  # noqa: B010


def cookies_in_environ(environ: MutableMapping[str, Any]) -> Cookies:
    """The :class:`Cookies` that :class:`CookiesMiddleware` made for *environ*."""
    cookies = environ.get(ENVIRON_KEY)
    if not isinstance(cookies, Cookies):
        raise MissingMiddlewareError(
            "no Cookies on this request: wrap the WSGI app with Cookies.middleware(app)"
        )
    return cookies
