"""One handler behind the WSGI stack and behind the ASGI stack, from the same bytes.

``through_wsgi`` and ``through_asgi`` build ``Cookies`` middleware around an
optional ``Session`` middleware around a view that calls *handler* with the
request's cookies and session, then answer one request made of raw header
bytes. Both return an :class:`Outcome`; an exception the stack lets escape
propagates to the test, as it would reach the server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from webob import Request

import cookie_middleware.wsgi
import session_middleware.wsgi
from cookie_middleware import Cookies, get_cookies
from cookie_middleware.asgi import CookiesMiddleware, Receive, Scope, Send
from session_middleware import Session, get_session
from session_middleware.asgi import SessionMiddleware
from tests.asgi_driver import request as asgi_request

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

Handler = Callable[[Cookies, "Session | None"], object]
Headers = Iterable[tuple[str, bytes]]


@dataclass
class Outcome:
    """What came back: the status, the Set-Cookie values in order, and what the
    handler returned (``None`` when the response started without it running)."""

    status: int
    set_cookies: list[str]
    result: object


def _session_of(request: object, session: Mapping[str, Any] | None) -> Session | None:
    return None if session is None else get_session(request)


def through_wsgi(handler: Handler, headers: Headers = (), *, scheme: str = "http",
                 method: str = "GET", cookies: Mapping[str, Any] | None = None,
                 session: Mapping[str, Any] | None = None) -> Outcome:
    """*headers* are (name, raw bytes) pairs; a WSGI server hands each to the app
    as the latin-1 reading of its bytes (PEP 3333)."""
    results: list[object] = []

    def view(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        results.append(handler(get_cookies(environ), _session_of(environ, session)))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    app: Any = view
    if session is not None:
        app = session_middleware.wsgi.SessionMiddleware(app, **session)
    app = cookie_middleware.wsgi.CookiesMiddleware(app, **(cookies or {}))
    environ: Any = {f"HTTP_{name.upper().replace('-', '_')}": value.decode("latin-1")
               for name, value in headers}
    response = Request.blank("/", environ, base_url=f"{scheme}://example.com",
                             method=method).get_response(app)
    return Outcome(response.status_code, response.headers.getall("Set-Cookie"),
                   results[0] if results else None)


def through_asgi(handler: Handler, headers: Headers = (), *, scheme: str = "http",
                 method: str = "GET", cookies: Mapping[str, Any] | None = None,
                 session: Mapping[str, Any] | None = None) -> Outcome:
    """*headers* are (name, raw bytes) pairs, sent as the ASGI scope's byte pairs."""
    results: list[object] = []

    async def view(scope: Scope, receive: Receive, send: Send) -> None:
        results.append(handler(get_cookies(scope), _session_of(scope, session)))
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok"})

    app: Any = view
    if session is not None:
        app = SessionMiddleware(app, **session)
    app = CookiesMiddleware(app, **(cookies or {}))
    raw = [(name.lower().encode("latin-1"), value) for name, value in headers]
    reply = asgi_request(app, headers=raw, scheme=scheme, method=method)
    return Outcome(reply.status, reply.set_cookies, results[0] if results else None)


def through_django(handler: Handler, headers: Headers = (), *, scheme: str = "http",
                   method: str = "GET", cookies: Mapping[str, Any] | None = None,
                   session: Mapping[str, Any] | None = None) -> Outcome:
    """The Django middleware classes, under Django's WSGI handler (exceptions
    propagate, as under the other two), from the same header bytes."""
    pytest.importorskip("django")
    from django.test import override_settings

    from tests import django_site

    results: list[object] = []

    def view(request: Any) -> str:
        results.append(handler(get_cookies(request), _session_of(request, session)))
        return "ok"

    django_site.HANDLER[:] = [view]
    middleware = django_site.MIDDLEWARE if session is not None else django_site.MIDDLEWARE[:1]
    environ: Any = {f"HTTP_{name.upper().replace('-', '_')}": value.decode("latin-1")
               for name, value in headers}
    try:
        with override_settings(MIDDLEWARE=middleware, DEBUG_PROPAGATE_EXCEPTIONS=True,
                               COOKIE_MIDDLEWARE=dict(cookies or {}),
                               SESSION_MIDDLEWARE=dict(session or {})):
            response = Request.blank("/", environ, base_url=f"{scheme}://example.com",
                                     method=method).get_response(django_site.wsgi_app())
    finally:
        django_site.HANDLER.clear()
    return Outcome(response.status_code, response.headers.getall("Set-Cookie"),
                   results[0] if results else None)


Through = Callable[..., Outcome]

TRANSPORTS = [pytest.param(through_wsgi, id="wsgi"), pytest.param(through_asgi, id="asgi"),
              pytest.param(through_django, id="django")]
"""Parametrize a test's ``through`` argument over both transports and the Django hook."""
