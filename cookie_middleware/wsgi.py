"""``Cookies``, as Node's package exports it, and its WSGI middleware.

Node's ``index.js`` defines ``Cookies`` and ``Cookies.middleware`` together, and
so does this module: :class:`Cookies` is the transport-free
:class:`~cookie_middleware.cookies.CookieJar` made from a request object
(``Cookies(request, response)``), and ``Cookies.middleware(app)`` wraps a WSGI
app so that every request gets one at ``environ["cookie_middleware.cookies"]``;
the pending cookies are appended to the headers the app passes to
``start_response``, the way Node's ``on-headers`` wraps ``writeHead``.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import TYPE_CHECKING, Any

from .cookies import CookieJar
from .deprecation import deprecated, moved
from .errors import MissingMiddlewareError
from .exchange import check_app, header_sync, read_request
from .signing import Signer

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["COOKIES_ENVIRON_KEY", "Cookies", "CookiesMiddleware", "cookies_in_environ"]

COOKIES_ENVIRON_KEY = "cookie_middleware.cookies"
"""The WSGI environ key under which :class:`CookiesMiddleware` puts each request's
:class:`Cookies`."""


class Cookies(CookieJar):
    """The request's cookies: Node's ``new Cookies(request, response)``.

    *request* is a WSGI environ or a request carrying one (WebOb, Flask,
    Django), or an ASGI scope or a request carrying one (Starlette, FastAPI);
    it is read once, for its Cookie header and scheme, and not kept. With
    ``trust_proxy=True`` an ``X-Forwarded-Proto: https`` header counts as https;
    enable it only behind a proxy that sets that header itself.

    Given a WebOb or Starlette *response*, its Set-Cookie headers are kept in
    step with the pending cookies on every change, so whenever it is sent it
    carries exactly those. Under a middleware, the response is its "response
    starts" step instead, and ``Cookies.middleware(app)`` is the WSGI one.
    """

    __slots__ = ("_request",)

    def __init__(self, request: object, response: object = None, *,
                 trust_proxy: bool = False, signer: Signer | None = None) -> None:
        header, https = read_request(request, trust_proxy)
        super().__init__(header, https=https, signer=signer,
                         sink=None if response is None else header_sync(response))
        # Which request this is, by identity only: keeping the request itself
        # would make a reference cycle with the environ or scope that holds us.
        self._request = id(request)

    def belongs_to(self, request: object) -> bool:
        """Whether this was made for *request* (the very environ or scope) and its
        response has not started: how a middleware stacked twice keeps one
        ``Cookies`` per request, and a sub-request with a copied environ gets its own."""
        return self._request == id(request) and not self.sent

    @classmethod
    def middleware(cls, app: WSGIApplication, *, trust_proxy: bool = False,
                   signer: Signer | None = None) -> CookiesMiddleware:
        """Wrap a WSGI *app*: every request gets a fresh ``Cookies`` (read it with
        :func:`~cookie_middleware.get_cookies`), written out when the app calls
        ``start_response``."""
        return CookiesMiddleware(app, trust_proxy=trust_proxy, signer=signer, cookies_class=cls)

    header = deprecated(CookieJar.cookie_header, "Cookies.header", "Cookies.cookie_header")
    secure = deprecated(CookieJar.https, "Cookies.secure", "Cookies.https")
    headers = deprecated(CookieJar.set_cookie_headers, "Cookies.headers()",
                         "Cookies.set_cookie_headers()")


class CookiesMiddleware:
    """WSGI middleware: a fresh :class:`Cookies` (or *cookies_class*) per request,
    written out when the app calls ``start_response``.

    Wrapping an app twice is harmless: a request keeps the one ``Cookies`` the
    outer layer made for it, and its cookies go out once. A sub-request made
    with a copy of the environ (WebOb's ``Request.copy()``) gets its own.
    """

    def __init__(self, app: WSGIApplication, *, trust_proxy: bool = False,
                 signer: Signer | None = None,
                 cookies_class: type[Cookies] = Cookies) -> None:
        check_app(app, 2, "cookie_middleware.wsgi.CookiesMiddleware",
                  "cookie_middleware.asgi.CookiesMiddleware",
                  "cookie_middleware.django.CookiesMiddleware")
        self.app = app
        self.trust_proxy = trust_proxy
        self.signer = signer
        self.cookies_class = cookies_class

    def __call__(self, environ: WSGIEnvironment,
                 start_response: StartResponse) -> Iterable[bytes]:
        outer = environ.get(COOKIES_ENVIRON_KEY)
        if isinstance(outer, Cookies) and outer.belongs_to(environ):
            return self.app(environ, start_response)
        cookies = self.cookies_class(environ, trust_proxy=self.trust_proxy, signer=self.signer)
        environ[COOKIES_ENVIRON_KEY] = cookies

        def start_response_with_cookies(status: str, headers: list[tuple[str, str]],
                                        exc_info: Any = None) -> Any:
            pending = cookies.seal()
            if pending:
                headers = list(headers)  # a copy: the app may reuse its list
                for header in pending:
                    headers.append(("Set-Cookie", header))
            return start_response(status, headers, exc_info)

        return self.app(environ, start_response_with_cookies)


def cookies_in_environ(environ: MutableMapping[str, Any]) -> Cookies:
    """The :class:`Cookies` that :class:`CookiesMiddleware` made for *environ*."""
    cookies = environ.get(COOKIES_ENVIRON_KEY)
    if not isinstance(cookies, Cookies):
        raise MissingMiddlewareError(
            "no Cookies on this request: wrap the WSGI app with Cookies.middleware(app) "
            "(Django: 'cookie_middleware.django.CookiesMiddleware' in settings.MIDDLEWARE; "
            "Flask: CookiesExtension(app); Pyramid: config.include('cookie_middleware.pyramid'))"
        )
    return cookies


if not TYPE_CHECKING:  # the old spelling, for one release
    __getattr__ = moved(__name__, {"ENVIRON_KEY": ("COOKIES_ENVIRON_KEY", COOKIES_ENVIRON_KEY)})
