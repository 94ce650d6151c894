"""One table of calls through every adapter: identical headers, in order.

Each case runs the same get/set/unset/reset sequence behind
``Cookies.middleware(Session.middleware(app))`` (WSGI, through WebOb), behind
the ASGI ``CookiesMiddleware(SessionMiddleware(app))``, and behind the Django
middleware classes under Django's WSGI and ASGI handlers, from the same bytes
on the wire. The Set-Cookie headers must be the same strings in the same order,
and ``get`` must return the same text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import pytest
from webob import Request

from cookie_middleware import Cookies, get_cookies
from cookie_middleware.asgi import CookiesMiddleware, Receive, Scope, Send
from session_middleware import Session, get_session
from session_middleware.asgi import SessionMiddleware
from tests.asgi_driver import request as asgi_request

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

Op = tuple[Any, ...]
TOKEN = "<token>"


def run(ops: Iterable[Op], cookies: Cookies, session: Session) -> list[Any]:
    """Apply *ops*; return what each get returned and the final session token."""
    results: list[Any] = []
    for op in ops:
        if op[0] == "get":
            results.append(cookies.get(op[1]))
        elif op[0] == "set":
            cookies.set(*op[1:])
        elif op[0] == "unset":
            cookies.unset(*op[1:])
        elif op[0] == "reset":
            session.reset()
    return [*results, session.token, session.new]


def through_wsgi(ops: list[Op], raw: bytes, scheme: str, session_config: dict[str, Any],
                 trust_proxy: bool, extra: dict[str, str]) -> tuple[list[str], list[Any]]:
    def view(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        results = run(ops, get_cookies(environ), get_session(environ))
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(results).encode()]

    app = Cookies.middleware(Session.middleware(view, **session_config), trust_proxy=trust_proxy)
    headers = {"Cookie": raw.decode("latin-1"), **extra} if raw else dict(extra)
    response = Request.blank("/", base_url=f"{scheme}://example.com",
                             headers=headers).get_response(app)
    return response.headers.getall("Set-Cookie"), json.loads(response.body)


def through_asgi(ops: list[Op], raw: bytes, scheme: str, session_config: dict[str, Any],
                 trust_proxy: bool, extra: dict[str, str]) -> tuple[list[str], list[Any]]:
    async def view(scope: Scope, receive: Receive, send: Send) -> None:
        results = run(ops, get_cookies(scope), get_session(scope))
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": json.dumps(results).encode()})

    app = CookiesMiddleware(SessionMiddleware(view, **session_config), trust_proxy=trust_proxy)
    headers = [(key.lower().encode(), value.encode("latin-1")) for key, value in extra.items()]
    if raw:
        headers.insert(0, (b"cookie", raw))
    reply = asgi_request(app, headers=headers, scheme=scheme)
    return reply.set_cookies, json.loads(reply.body)


def through_django(ops: list[Op], raw: bytes, scheme: str, session_config: dict[str, Any],
                   trust_proxy: bool, extra: dict[str, str],
                   handler: str) -> tuple[list[str], list[Any]]:
    pytest.importorskip("django")
    from django.test import override_settings

    from tests import django_site

    def view(request: Any) -> str:
        return json.dumps(run(ops, get_cookies(request), get_session(request)))

    django_site.HANDLER[:] = [view]
    with override_settings(SESSION_MIDDLEWARE=session_config,
                           COOKIE_MIDDLEWARE={"trust_proxy": trust_proxy}):
        if handler == "wsgi":
            headers = {"Cookie": raw.decode("latin-1"), **extra} if raw else dict(extra)
            response = Request.blank("/", base_url=f"{scheme}://example.com",
                                     headers=headers).get_response(django_site.wsgi_app())
            return response.headers.getall("Set-Cookie"), json.loads(response.body)
        pairs = [(key.lower().encode(), value.encode("latin-1")) for key, value in extra.items()]
        pairs.insert(0, (b"host", b"example.com"))
        if raw:
            pairs.insert(0, (b"cookie", raw))
        reply = asgi_request(django_site.asgi_app(), headers=pairs, scheme=scheme)
        return reply.set_cookies, json.loads(reply.body)


def through_django_wsgi(*args: Any) -> tuple[list[str], list[Any]]:
    return through_django(*args, handler="wsgi")


def through_django_asgi(*args: Any) -> tuple[list[str], list[Any]]:
    return through_django(*args, handler="asgi")


ADAPTERS = [pytest.param(through_asgi, id="asgi"),
            pytest.param(through_django_wsgi, id="django-wsgi"),
            pytest.param(through_django_asgi, id="django-asgi")]

TOKEN_IN = "_session=" + "T" * 256

CASES = [
    pytest.param([("get", "a"), ("get", "b"), ("get", "c"), ("get", "zz")],
                 b'a=1; b=%E2%82%AC; c="quoted"', {}, id="get-plain-decoded-quoted-missing"),
    pytest.param([("get", "city"), ("get", "word")], "city=Kraków; word=voilà".encode(),
                 {}, id="get-raw-utf8"),
    pytest.param([("get", "x"), ("get", "y")], b"x=\xff\xfe; y=caf\xc3\xa9", {},
                 id="get-invalid-utf8-piece-as-latin1"),
    pytest.param([("get", "a"), ("get", "a ")], b"a=1; a=2;  a = 3", {}, id="get-first-wins"),
    pytest.param([("set", "a", "1"), ("set", "b", "2"), ("set", "a", "3"),
                  ("set", "b", "4", None, True)], b"", {}, id="set-append-overwrite-order"),
    pytest.param([("set", "theme", "dark mode", {"maxAge": 3600, "httpOnly": True,
                                                 "sameSite": "lax", "path": "/", "domain":
                                                 "example.com"})],
                 b"", {}, id="set-options"),
    pytest.param([("set", "when", "x", {"expires": datetime(2020, 1, 2, 3, 4, 5,
                                                             tzinfo=timezone.utc).timestamp(),
                                        "priority": "high"})],
                 b"", {}, id="set-expires-priority"),
    pytest.param([("set", "e", "\u20ac & ;", {"maxAge": 60.9})], b"", {}, id="set-encoded"),
    pytest.param([("set", "a", "1"), ("unset", "a", {"path": "/"}), ("unset", "gone")],
                 b"", {}, id="unset"),
    pytest.param([("reset",), ("reset",)], TOKEN_IN.encode(), {}, id="reset-twice"),
    pytest.param([("get", "_session")], TOKEN_IN.encode(), {}, id="session-kept"),
    pytest.param([], b"_session=bad", {"name": "_session", "max_age": 600,
                                       "same_site": "strict"}, id="session-replaced-options"),
    pytest.param([], b"", {"name": "sid"}, id="session-named"),
]


@pytest.mark.parametrize("through", ADAPTERS)
@pytest.mark.parametrize(("ops", "raw", "session_config"), CASES)
def test_every_adapter_writes_what_wsgi_writes(ops: list[Op], raw: bytes,
                                               session_config: dict[str, Any], through: Any,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ENV", raising=False)
    wsgi_headers, wsgi_results = through_wsgi(ops, raw, "http", session_config, False, {})
    asgi_headers, asgi_results = through(ops, raw, "http", session_config, False, {})
    wsgi_token, asgi_token = wsgi_results[-2], asgi_results[-2]
    wsgi_normal = [header.replace(wsgi_token, TOKEN) for header in wsgi_headers]
    asgi_normal = [header.replace(asgi_token, TOKEN) for header in asgi_headers]
    assert wsgi_normal == asgi_normal
    assert wsgi_results[:-2] == asgi_results[:-2]
    assert wsgi_results[-1] == asgi_results[-1]  # session.new
    assert all(header.isascii() for header in wsgi_headers)


@pytest.mark.parametrize(
    ("scheme", "trust_proxy", "extra", "allowed"),
    [
        pytest.param("https", False, {}, True, id="https"),
        pytest.param("http", False, {}, False, id="http"),
        pytest.param("http", False, {"X-Forwarded-Proto": "https"}, False,
                     id="forwarded-untrusted"),
        pytest.param("http", True, {"X-Forwarded-Proto": "https, http"}, True,
                     id="forwarded-trusted"),
        pytest.param("http", True, {"X-Forwarded-Proto": "http, https"}, False,
                     id="forwarded-client-most-is-http"),
    ],
)
def test_secure_detection_agrees(scheme: str, trust_proxy: bool, extra: dict[str, str],
                                 allowed: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENV", "production")  # the session cookie becomes Secure
    outcomes = []
    for through in (through_wsgi, through_asgi, through_django_wsgi, through_django_asgi):
        try:
            headers, results = through([], b"", scheme, {}, trust_proxy, extra)
        except Exception as error:  # the error's type is compared below
            outcomes.append(type(error).__name__)
        else:
            outcomes.append([h.replace(results[-2], TOKEN) for h in headers])
    assert outcomes[1:] == [outcomes[0]] * 3
    if allowed:
        assert outcomes[0] == [f"_session={TOKEN}; Path=/; HttpOnly; Secure"]
    else:  # the Secure cookie a browser would discard over plain http is left out
        assert outcomes[0] == []
