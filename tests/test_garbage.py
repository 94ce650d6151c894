"""A request through either stack leaves nothing for the cycle collector.

Each request's Cookies and Session hang off its environ or scope; were they to
point back at it, every request would leave a reference cycle that only the
garbage collector frees (a few microseconds, and pauses, per request). Run with
the collector disabled, then gc.collect() must find nothing unreachable.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from webob import Request, Response

from cookie_middleware import Cookies, get_cookies
from cookie_middleware.asgi import CookiesMiddleware, Receive, Scope, Send
from session_middleware import Session, get_session
from session_middleware.asgi import SessionMiddleware
from tests.asgi_driver import call, http_scope

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

TOKEN = "T" * 256


@pytest.fixture
def collector_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def wsgi_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    session = get_session(environ)
    cookies = get_cookies(environ)
    cookies.get("theme")
    cookies.set("seen", "1", max_age=60)
    if environ["PATH_INFO"] == "/reset":
        session.reset()
    return Response(session.token)(environ, start_response)


async def asgi_app(scope: Scope, receive: Receive, send: Send) -> None:
    session = get_session(scope)
    get_cookies(scope).set("seen", "1", max_age=60)
    if scope["path"] == "/reset":
        session.reset()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": session.token.encode()})


def unreachable_after(run: Callable[[], Any]) -> int:
    gc.collect()
    for _ in range(50):
        run()
    return gc.collect()


@pytest.mark.usefixtures("collector_off")
@pytest.mark.parametrize("path", ["/", "/reset"])
@pytest.mark.parametrize("cookie", [None, f"_session={TOKEN}; theme=dark"])
def test_wsgi_stack_leaves_no_cycles(path: str, cookie: str | None) -> None:
    app = Cookies.middleware(Session.middleware(wsgi_app))
    headers = {"Cookie": cookie} if cookie else {}

    def run() -> None:
        Request.blank(path, headers=headers).get_response(app)

    assert unreachable_after(run) == 0


@pytest.mark.usefixtures("collector_off")
def test_cookies_alone_never_reading_the_header_leave_no_cycles() -> None:
    """Unread, the header is copied out when the response starts; the request
    itself is let go of all the same."""
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        get_cookies(environ).set("seen", "1")
        return Response("ok")(environ, start_response)

    wrapped = Cookies.middleware(app)
    headers = {"Cookie": "theme=dark"}
    assert unreachable_after(lambda: Request.blank("/", headers=headers).get_response(wrapped)) == 0


@pytest.mark.usefixtures("collector_off")
@pytest.mark.parametrize("path", ["/", "/reset"])
def test_asgi_stack_leaves_no_cycles(path: str) -> None:
    app = CookiesMiddleware(SessionMiddleware(asgi_app))
    loop = asyncio.new_event_loop()
    try:
        def run() -> None:
            scope = http_scope(path, [(b"cookie", f"_session={TOKEN}".encode())])
            loop.run_until_complete(call(app, scope))

        run()  # the loop's own first-use allocations
        assert unreachable_after(run) == 0
    finally:
        loop.close()


@pytest.mark.usefixtures("collector_off")
def test_the_check_sees_a_cycle_when_there_is_one() -> None:
    """The test above can fail: an app that ties the environ to itself leaves one."""
    def leaky(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        environ["self"] = environ
        return wsgi_app(environ, start_response)

    app = Cookies.middleware(Session.middleware(leaky))
    assert unreachable_after(lambda: Request.blank("/").get_response(app)) > 0
