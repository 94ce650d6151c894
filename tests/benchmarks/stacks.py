"""Per-request cost of the session stacks, each over its own no-session baseline.

Every app reads the session and writes its cookie back, as the session layer does
on every request: this project's WSGI and ASGI stacks
(``Cookies.middleware(Session.middleware(app))`` and the ASGI
``CookiesMiddleware(SessionMiddleware(app))``), Flask's session (over the same
Flask app without a secret key, so without a session) and Starlette's
``SessionMiddleware`` (over the bare ASGI app).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from cookie_middleware import Cookies
from cookie_middleware.asgi import CookiesMiddleware, Message, Receive, Scope, Send
from session_middleware import Session
from session_middleware.asgi import SessionMiddleware

from .common import SIZES, TOKEN, best_microseconds, cell, make_header, table
from .minimal import minimal_stack

BODY = [b"hello"]
WSGI_HEADERS = [("Content-Type", "text/plain")]
ASGI_HEADERS = ((b"content-type", b"text/plain"),)
ASGI_BODY = {"type": "http.response.body", "body": b"hello"}


def asgi_start() -> Message:
    """A fresh response-start message, as an app builds one per response (Starlette's
    SessionMiddleware appends to the message's header list in place)."""
    return {"type": "http.response.start", "status": 200, "headers": list(ASGI_HEADERS)}


def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
    return None


def wsgi_bare(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", WSGI_HEADERS)
    return BODY


def wsgi_reads_session(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    environ["session_middleware.session"].token  # noqa: B018 - the app reads it
    start_response("200 OK", WSGI_HEADERS)
    return BODY


async def asgi_bare(scope: Scope, receive: Receive, send: Send) -> None:
    await send(asgi_start())
    await send(ASGI_BODY)


async def asgi_reads_session(scope: Scope, receive: Receive, send: Send) -> None:
    scope["state"]["session"].token  # noqa: B018 - the app reads it
    await send(asgi_start())
    await send(ASGI_BODY)


async def starlette_reads_session(scope: Scope, receive: Receive, send: Send) -> None:
    session = scope["session"]
    session["token"] = session.get("token") or TOKEN  # read it, write it back
    await send(asgi_start())
    await send(ASGI_BODY)


async def _receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send(message: Message) -> None:
    return None


def drive(app: Callable[..., Any], scope: dict[str, Any]) -> None:
    """One ASGI request without an event loop: nothing here really awaits, so
    the coroutine finishes on its first step."""
    coroutine = app({**scope}, _receive, _send)
    try:
        coroutine.send(None)
    except StopIteration:
        return
    raise RuntimeError("the app suspended; drive() cannot wait")


def one_wsgi(app: Any, environ: dict[str, Any]) -> Iterable[bytes]:
    return list(app({**environ}, start_response))


def flask_apps() -> tuple[Any, Any] | None:
    try:
        from flask import Flask, session
    except ImportError:
        return None

    def view() -> str:
        session["token"] = session.get("token") or TOKEN
        return "hello"

    def bare_view() -> str:
        return "hello"

    with_session = Flask("with_session")
    with_session.secret_key = "benchmark secret"
    with_session.add_url_rule("/", view_func=view)
    without = Flask("without_session")  # no secret key: no session is opened
    without.add_url_rule("/", view_func=bare_view)
    return with_session.wsgi_app, without.wsgi_app


def starlette_session() -> Any:
    try:
        from starlette.middleware.sessions import SessionMiddleware as StarletteSession
    except ImportError:
        return None
    return StarletteSession(starlette_reads_session, secret_key="benchmark secret")


def peer_cookie(kind: str) -> str:
    """The session cookie a peer writes for ``{"token": TOKEN}``, to send back."""
    if kind == "flask":
        apps = flask_apps()
        assert apps is not None
        captured: list[str] = []

        def keep(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            captured.extend(v for k, v in headers if k == "Set-Cookie")

        list(apps[0](environ_for(""), keep))
    else:
        sent: list[Message] = []

        async def keep_message(message: Message) -> None:
            sent.append(message)

        coroutine = starlette_session()(scope_for(""), _receive, keep_message)
        with contextlib.suppress(StopIteration):
            coroutine.send(None)
        captured = [v.decode() for k, v in sent[0]["headers"] if k == b"set-cookie"]
    return captured[0].split(";", 1)[0]


# What a browser sends besides the Cookie header (Chrome's navigation request), so
# that whatever scans a request's headers scans as many as it would in an app.
BROWSER_HEADERS = [
    ("host", "example.com"),
    ("connection", "keep-alive"),
    ("sec-ch-ua", '"Chromium";v="131", "Not_A Brand";v="24"'),
    ("sec-ch-ua-mobile", "?0"),
    ("sec-ch-ua-platform", '"Linux"'),
    ("upgrade-insecure-requests", "1"),
    ("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                   "Chrome/131.0.0.0 Safari/537.36"),
    ("accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
               "image/webp,*/*;q=0.8"),
    ("sec-fetch-site", "same-origin"),
    ("sec-fetch-mode", "navigate"),
    ("sec-fetch-user", "?1"),
    ("sec-fetch-dest", "document"),
    ("accept-encoding", "gzip, deflate, br, zstd"),
    ("accept-language", "en-GB,en;q=0.9"),
]


def environ_for(header: str) -> dict[str, Any]:
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "SCRIPT_NAME": "",
               "QUERY_STRING": "", "wsgi.url_scheme": "http", "SERVER_NAME": "localhost",
               "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.version": (1, 0),
               "wsgi.input": None, "wsgi.errors": None, "wsgi.multithread": False,
               "wsgi.multiprocess": False, "wsgi.run_once": False}
    for name, value in BROWSER_HEADERS:
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    if header:
        environ["HTTP_COOKIE"] = header
    return environ


def scope_for(header: str) -> dict[str, Any]:
    headers = [(name.encode(), value.encode()) for name, value in BROWSER_HEADERS]
    if header:
        headers.append((b"cookie", header.encode()))
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": "GET", "scheme": "http", "path": "/", "raw_path": b"/",
            "query_string": b"", "root_path": "", "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80), "headers": headers}


def stack_table(budget: float, sizes: Iterable[int] = SIZES) -> list[str]:
    ours_wsgi = Cookies.middleware(Session.middleware(wsgi_reads_session))
    ours_asgi = CookiesMiddleware(SessionMiddleware(asgi_reads_session))
    minimum = minimal_stack(wsgi_reads_session)
    flask = flask_apps()
    starlette = starlette_session()
    cookies = {"ours": f"_session={TOKEN}"}
    if flask:
        cookies["flask"] = peer_cookie("flask")
    if starlette:
        cookies["starlette"] = peer_cookie("starlette")
    rows = []
    for size in sizes:
        for where, existing in (("first", True), ("last", True), ("first", False)):
            def header(kind: str, size: int = size, where: str = where,
                       existing: bool = existing) -> str:
                return make_header(size, session=cookies[kind] if existing else None,
                                   where=where)

            # Each framework's pair is interleaved within itself: a peer that
            # allocates heavily would otherwise lend its garbage to the next timing.
            t = best_microseconds({
                "wsgi bare": partial(one_wsgi, wsgi_bare, environ_for(header("ours"))),
                "wsgi stack": partial(one_wsgi, ours_wsgi, environ_for(header("ours"))),
                "wsgi minimum": partial(one_wsgi, minimum, environ_for(header("ours"))),
                "find": partial(header("ours").find, "_session="),
                "asgi bare": partial(drive, asgi_bare, scope_for(header("ours"))),
                "asgi stack": partial(drive, ours_asgi, scope_for(header("ours"))),
            }, budget)
            if flask:
                t.update(best_microseconds({
                    "flask bare": partial(one_wsgi, flask[1], environ_for(header("flask"))),
                    "flask session": partial(one_wsgi, flask[0], environ_for(header("flask"))),
                }, budget))
            if starlette:
                t.update(best_microseconds({
                    "starlette bare": partial(drive, asgi_bare, scope_for(header("starlette"))),
                    "starlette session": partial(drive, starlette,
                                                 scope_for(header("starlette"))),
                }, budget))
            wsgi = t["wsgi stack"] - t["wsgi bare"]
            asgi = t["asgi stack"] - t["asgi bare"]
            row = [f"{len(header('ours'))} B, session {where if existing else 'new'}",
                   cell(wsgi), cell(t["wsgi minimum"] - t["wsgi bare"], wsgi),
                   cell(t["find"], wsgi), cell(asgi, wsgi)]
            row.append(cell(t["flask session"] - t["flask bare"], wsgi) if flask else "-")
            row.append(cell(t["starlette session"] - t["starlette bare"], asgi)
                       if starlette else "-")
            rows.append(row)
    return table(["header", "WSGI stack overhead",
                  "hand-written minimum, WSGI (vs WSGI stack)",
                  "of which any stack: str.find of the name (vs WSGI stack)",
                  "ASGI stack overhead (vs WSGI)",
                  "Flask session overhead (vs WSGI stack)",
                  "Starlette SessionMiddleware overhead (vs ASGI stack)"], rows)
