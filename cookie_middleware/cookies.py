"""``Cookies``: the request's cookies in, deferred Set-Cookie headers out (WebOb/WSGI).

This is the one module of the package that knows about WSGI and WebOb. Node's
``new Cookies(request, response)`` maps onto Python like this:

* ``request`` is a :class:`webob.Request` (or anything with an ``environ``) or
  the WSGI environ itself; the Cookie header is read from ``HTTP_COOKIE``.
* ``response`` is where the headers leave. Under :meth:`Cookies.middleware` it
  is the WSGI ``start_response`` step, which the middleware wraps the way Node's
  ``on-headers`` wraps ``writeHead``. Given a :class:`webob.Response` instead,
  the response's Set-Cookie headers are kept in step with the pending cookies
  on every change, so whenever WebOb sends it, it carries exactly those.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ._js import decode_uri_component
from .codec import LazyPairs, render
from .errors import HeadersSentError, InsecureCookieError, MissingMiddlewareError
from .options import normalize_options

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from webob import Response

__all__ = ["ENVIRON_KEY", "Cookies", "CookiesMiddleware", "environ_of", "get_cookies"]

ENVIRON_KEY = "cookie_middleware.cookies"
"""The WSGI environ key under which :class:`CookiesMiddleware` puts each request's
:class:`Cookies`."""

_EPOCH = 0  # unset() expires the cookie at the epoch, as the original does


def environ_of(request: object) -> Mapping[str, Any]:
    """The WSGI environ of a WebOb, Flask or Django request, or *request* itself
    when it already is an environ. Raises :class:`TypeError` for anything else."""
    if type(request) is dict or isinstance(request, Mapping):
        return request
    for attribute in ("environ", "META"):
        environ = getattr(request, attribute, None)
        if isinstance(environ, Mapping):
            return environ
    raise TypeError(
        "expected a WSGI environ or a request with an environ (WebOb, Flask, Django), "
        f"got {type(request).__name__}"
    )


class Cookies:
    """Read the request's cookies and collect the response's Set-Cookie headers.

    ``get`` reads the Cookie header (parsed once, on first use). ``set`` records
    a *pending* cookie after checking it completely, so a bad name or option
    raises at the line that called ``set``. Pending cookies are written when the
    response's headers go out, one Set-Cookie header each: names in the order
    they were first set, each name's cookies in the order they were set, after
    any Set-Cookie headers the application wrote itself.

    A ``secure`` cookie on a request that did not arrive over https raises
    :class:`~cookie_middleware.errors.InsecureCookieError`. With
    ``trust_proxy=True`` an ``X-Forwarded-Proto: https`` header counts as https;
    enable it only behind a proxy that sets that header itself.
    """

    # Defaults at class level: a request sets only what differs, which keeps
    # the per-request constructor cheap.
    _response: Response | None = None
    _trust_proxy = False
    _pairs: LazyPairs | None = None  # the Cookie header, parsed lazily: see get()
    _sent = False

    def __init__(self, request: object, response: Response | None = None, *,
                 trust_proxy: bool = False) -> None:
        self._environ = environ_of(request)
        if response is not None:
            self._response = response
            self._written: list[str] = []
        if trust_proxy:
            self._trust_proxy = True
        self._pending: dict[str, list[str]] = {}

    @property
    def secure(self) -> bool:
        """Whether the request arrived over https (see ``trust_proxy``)."""
        if self._environ.get("wsgi.url_scheme") == "https":
            return True
        if not self._trust_proxy:
            return False
        forwarded = str(self._environ.get("HTTP_X_FORWARDED_PROTO", ""))
        # The client-most proxy comes first in a comma-separated list.
        return forwarded.split(",", 1)[0].strip().lower() == "https"

    def get(self, name: str) -> str | None:
        """The request's cookie *name*, or ``None``. Cookies set during this
        request are not seen, as in the original."""
        # Each piece of the header is parsed at most once and only when needed;
        # only the values asked for are decoded.
        pairs = self._pairs
        if pairs is None:
            pairs = self._pairs = LazyPairs(self._environ.get("HTTP_COOKIE", ""))
        value = pairs.get(name)
        return None if value is None else decode_uri_component(value)

    def set(self, name: str, value: str, options: Mapping[str, object] | None = None,
            /, overwrite: bool = False, **attributes: object) -> None:
        """Record a pending cookie; with *overwrite*, it replaces every pending
        cookie of that name, otherwise it is added beside them.

        *options* takes the Node option names and *attributes* the same or their
        snake_case forms, exactly as :func:`~cookie_middleware.serialize` does::

            cookies.set("theme", "dark", {"maxAge": 3600, "httpOnly": True})
            cookies.set("theme", "dark", max_age=3600, http_only=True)

        Raises what ``serialize`` raises, :class:`InsecureCookieError` for a
        ``secure`` cookie over plain http, and :class:`HeadersSentError` once
        the headers have gone out.
        """
        if self._sent:
            raise HeadersSentError(
                f"cannot set cookie {name!r}: the response headers were already sent"
            )
        checked = normalize_options(options, attributes)
        header = render(name, value, checked)
        if checked.secure and not self.secure:
            raise InsecureCookieError(
                f"cannot send secure cookie {name!r} over an unencrypted connection "
                "(behind a TLS-terminating proxy, use trust_proxy=True)"
            )
        if overwrite or name not in self._pending:
            self._pending[name] = [header]
        else:
            self._pending[name].append(header)
        if self._response is not None:
            self._sync(self._response)

    def unset(self, name: str, options: Mapping[str, object] | None = None,
              /, **attributes: object) -> None:
        """Remove cookie *name* in the browser: ``name=; Expires=Thu, 01 Jan 1970
        00:00:00 GMT``, replacing any pending cookie of that name.

        A browser removes only the cookie with the same Path and Domain, so pass
        those the cookie was set with (``cookies.unset("sid", path="/")``).
        ``expires`` and ``maxAge`` are not accepted: unset chooses them.
        """
        for clash in ("expires", "maxAge", "max_age"):
            if clash in attributes or (isinstance(options, Mapping) and clash in options):
                raise TypeError(f"unset() sets the expiry itself; do not pass {clash!r}")
        self.set(name, "", options, True, expires=_EPOCH, **attributes)

    clear = unset

    def headers(self) -> list[str]:
        """The pending Set-Cookie header values, in the order they will be written."""
        return [header for group in self._pending.values() for header in group]

    def on_headers(self, headers: list[tuple[str, str]]) -> None:
        """Append the pending cookies to a WSGI header list about to be sent.

        This is the on-headers step: :class:`CookiesMiddleware` calls it from
        ``start_response``; servers or frameworks that send headers another way
        call it themselves. Afterwards ``set`` raises :class:`HeadersSentError`.
        """
        self._sent = True
        for group in self._pending.values():
            headers.extend([("Set-Cookie", header) for header in group])

    def _sync(self, response: Response) -> None:
        """Keep a WebOb response's Set-Cookie headers equal to the pending ones."""
        headerlist = response.headerlist
        stale = list(self._written)
        kept = []
        for field, value in headerlist:
            if field.lower() == "set-cookie" and value in stale:
                stale.remove(value)
                continue
            kept.append((field, value))
        self._written = self.headers()
        kept.extend(("Set-Cookie", header) for header in self._written)
        headerlist[:] = kept

    @classmethod
    def middleware(cls, app: WSGIApplication, *, trust_proxy: bool = False) -> CookiesMiddleware:
        """Wrap a WSGI *app* so that every request gets a fresh :class:`Cookies`
        at ``environ["cookie_middleware.cookies"]`` (read it with
        :func:`get_cookies`), written out when the app calls ``start_response``."""
        return CookiesMiddleware(app, trust_proxy=trust_proxy, cookies_class=cls)


class CookiesMiddleware:
    """The WSGI middleware returned by :meth:`Cookies.middleware`."""

    def __init__(self, app: WSGIApplication, *, trust_proxy: bool = False,
                 cookies_class: type[Cookies] = Cookies) -> None:
        self.app = app
        self.trust_proxy = trust_proxy
        self.cookies_class = cookies_class

    def __call__(self, environ: WSGIEnvironment,
                 start_response: StartResponse) -> Iterable[bytes]:
        cookies = self.cookies_class(environ, trust_proxy=self.trust_proxy)
        environ[ENVIRON_KEY] = cookies

        def start_response_with_cookies(status: str, headers: list[tuple[str, str]],
                                        exc_info: Any = None) -> Any:
            headers = list(headers)
            cookies.on_headers(headers)
            return start_response(status, headers, exc_info)

        return self.app(environ, start_response_with_cookies)


def get_cookies(request: object) -> Cookies:
    """The :class:`Cookies` that :meth:`Cookies.middleware` made for *request*.

    *request* may be the WSGI environ, a WebOb or Flask request, or a Django
    request. Raises :class:`~cookie_middleware.errors.MissingMiddlewareError`
    when the app is not wrapped in ``Cookies.middleware``.
    """
    cookies = environ_of(request).get(ENVIRON_KEY)
    if not isinstance(cookies, Cookies):
        raise MissingMiddlewareError(
            "no Cookies on this request: wrap the WSGI app with Cookies.middleware(app)"
        )
    return cookies
