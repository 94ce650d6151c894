"""The apps of the session-store benchmark: one request that reads the logged-in
user from its session, in this project and in each peer, on one Redis.

Every factory logs a user in (the peer's own way), then returns a :class:`Row`:
the request with that session's cookie, as a call (WSGI) or a coroutine
function (ASGI), whose body is the user id. Used by :mod:`.session_stores`.
"""

from __future__ import annotations

import io
import json
import sys
import types
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

import redis
import redis.asyncio

USER = "ada"

Sync = Callable[[], bytes]
Async = Callable[[], Awaitable[bytes]]


@dataclass
class Row:
    """One side of the table: its label, and one request of it."""

    label: str
    call: Sync | Async
    asynchronous: bool


# WSGI: a prebuilt environ, copied per request (middlewares keep state in it).

_ENVIRON = {
    "REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": "/", "QUERY_STRING": "",
    "SERVER_NAME": "bench", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
    "HTTP_HOST": "bench", "REMOTE_ADDR": "127.0.0.1", "wsgi.version": (1, 0),
    "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
    "wsgi.multithread": False, "wsgi.multiprocess": False, "wsgi.run_once": False,
}


def wsgi_request(app: Any, path: str = "/", cookie: str = "") -> tuple[list[Any], bytes]:
    """The response headers and body of one request."""
    environ = dict(_ENVIRON, PATH_INFO=path)
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    started: list[Any] = []

    def start_response(status: str, headers: list[Any], exc_info: Any = None) -> Any:
        started[:] = headers
        return None

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        getattr(result, "close", lambda: None)()
    return started, body


def cookie_of(headers: Iterable[tuple[str, str]], name: str) -> str:
    """The ``name=value`` pair of the Set-Cookie header for *name*."""
    for key, value in headers:
        if key.lower() == "set-cookie" and value.strip().startswith(name + "="):
            return value.strip().split(";", 1)[0]
    raise AssertionError(f"no Set-Cookie for {name!r} in {headers!r}")


def wsgi_row(label: str, app: Any, cookie_name: str) -> Row:
    headers, _ = wsgi_request(app, "/login")
    cookie = cookie_of(headers, cookie_name)
    return Row(label, lambda: wsgi_request(app, "/", cookie)[1], False)


# ASGI: a prebuilt scope, copied per request.

def _scope(path: str, cookie: str) -> dict[str, Any]:
    headers = [(b"host", b"bench")] + ([(b"cookie", cookie.encode())] if cookie else [])
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
            "root_path": "", "query_string": b"", "headers": headers,
            "client": ("127.0.0.1", 50000), "server": ("bench", 80)}


async def asgi_request(app: Any, path: str = "/",
                       cookie: str = "") -> tuple[list[Any], bytes]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(_scope(path, cookie), receive, send)
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in sent[0]["headers"]]
    return headers, b"".join(m.get("body", b"") for m in sent[1:])


async def asgi_row(label: str, app: Any, cookie_name: str) -> Row:
    headers, _ = await asgi_request(app, "/login")
    cookie = cookie_of(headers, cookie_name)

    async def call() -> bytes:
        return (await asgi_request(app, "/", cookie))[1]

    return Row(label, call, True)


# The units and the floors: one GET, and the least a session read can do.

def get_rows(url: str) -> tuple[Row, Row]:
    client, asyncio_client = redis.Redis.from_url(url), redis.asyncio.Redis.from_url(url)
    client.set("unit", json.dumps({"user": USER}))

    async def asyncio_get() -> bytes:
        return cast(bytes, await asyncio_client.get("unit"))

    return (Row("one redis-py GET", lambda: cast(bytes, client.get("unit")), False),
            Row("one redis.asyncio GET", asyncio_get, True))


def floor_rows(url: str) -> tuple[Row, Row]:
    """By hand: find the cookie, one GET, ``json.loads``; nothing else."""
    client, asyncio_client = redis.Redis.from_url(url), redis.asyncio.Redis.from_url(url)
    client.set("floor:s1", json.dumps({"user": USER}))

    def token(cookie: str) -> str:
        return next(value for name, _, value in
                    (part.strip().partition("=") for part in cookie.split(";")) if name == "sid")

    def wsgi(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = json.loads(client.get("floor:" + token(environ["HTTP_COOKIE"])))  # type: ignore[arg-type]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [body["user"].encode()]

    async def asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
        cookie = dict(scope["headers"])[b"cookie"].decode("latin-1")
        body = json.loads(cast(bytes, await asyncio_client.get("floor:" + token(cookie))))
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": body["user"].encode()})

    async def asgi_call() -> bytes:
        return (await asgi_request(asgi, "/", "sid=s1"))[1]

    return (Row("hand-written floor, WSGI (cookie, GET, json.loads)",
                lambda: wsgi_request(wsgi, "/", "sid=s1")[1], False),
            Row("hand-written floor, ASGI", asgi_call, True))


# Where this project's time goes: its store's read alone, and its stack alone.

def parts_rows(url: str) -> tuple[Row, Row]:
    """The floor with ``RedisStore.load`` for its GET and ``json.loads``; and the
    cookies and session stack without a store, whose app sends the floor's GET."""
    from cookie_middleware import Cookies
    from session_middleware import Session, get_session
    from session_middleware.stores import Record, RedisStore

    client = redis.Redis.from_url(url)
    store = RedisStore(client)
    store.save("s2", Record({}, USER), create=True)
    client.set("parts", json.dumps({"user": USER}))

    def floor_with_store(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        record = store.load(environ["HTTP_COOKIE"].partition("=")[2])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [str(None if record is None else record.user).encode()]

    def token_and_get(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        get_session(environ).token  # noqa: B018  # the session, read
        body = json.loads(cast(bytes, client.get("parts")))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [body["user"].encode()]

    stack = Cookies.middleware(Session.middleware(token_and_get))
    cookie = cookie_of(wsgi_request(stack)[0], "_session")
    return (Row("hand-written floor, WSGI, with RedisStore.load for GET and json.loads",
                lambda: wsgi_request(floor_with_store, "/", "sid=s2")[1], False),
            Row("this project's stack, WSGI, no store, its app sends one GET",
                lambda: wsgi_request(stack, "/", cookie)[1], False))


# This project.

def ours_wsgi(label: str, store: Any, **options: Any) -> Row:
    from cookie_middleware import Cookies
    from session_middleware import Session, get_session

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        session = get_session(environ)
        if environ["PATH_INFO"] == "/login":
            session.login(USER)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [str(session.user).encode()]

    return wsgi_row(label, Cookies.middleware(Session.middleware(app, store=store, **options)),
                    "_session")


async def ours_asgi(label: str, store: Any, **options: Any) -> Row:
    from cookie_middleware.asgi import CookiesMiddleware
    from session_middleware import get_session
    from session_middleware.asgi import SessionMiddleware

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        session = get_session(scope)
        await session.load()
        if scope["path"] == "/login":
            session.login(USER)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": str(session.user).encode()})

    return await asgi_row(label, CookiesMiddleware(SessionMiddleware(app, store=store,
                                                                      **options)), "_session")


# The peers, each on its own Redis interface, configured as its docs show.

async def starsessions_row(url: str) -> Row:
    import starsessions
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starsessions.stores.redis import RedisStore as StarRedisStore

    async def read(request: Request) -> PlainTextResponse:
        if request.url.path == "/login":
            request.session["user"] = USER
        return PlainTextResponse(request.session["user"])

    app = Starlette(routes=[Route("/", read), Route("/login", read)], middleware=[
        Middleware(starsessions.SessionMiddleware, lifetime=14 * 24 * 3600, rolling=True,
                   store=StarRedisStore(connection=redis.asyncio.Redis.from_url(url))),
        Middleware(starsessions.SessionAutoloadMiddleware),
    ])
    return await asgi_row("starsessions, Redis store (Starlette)", app, "session")


def flask_session_row(url: str) -> Row:
    import flask
    from flask_session import Session as FlaskSession  # type: ignore[import-untyped]

    app = flask.Flask("bench")
    app.config.update(SECRET_KEY="bench" * 8, SESSION_TYPE="redis",
                      SESSION_REDIS=redis.Redis.from_url(url))
    FlaskSession(app)

    @app.route("/")
    @app.route("/login", endpoint="login")
    def read() -> str:
        if flask.request.path == "/login":
            flask.session["user"] = USER
        return str(flask.session["user"])

    return wsgi_row("Flask-Session, Redis interface", app, "session")


def django_row(url: str) -> Row:
    """Django's cached sessions on django-redis (settings made in this process)."""
    import django
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.http import HttpRequest, HttpResponse
    from django.urls import path

    def read(request: HttpRequest) -> HttpResponse:
        if request.path == "/login":
            request.session["user"] = USER
        return HttpResponse(str(request.session["user"]), content_type="text/plain")

    urls = types.ModuleType("session_bench_urls")
    urls.urlpatterns = [path("", read), path("login", read)]  # type: ignore[attr-defined]
    sys.modules[urls.__name__] = urls
    settings.configure(
        SECRET_KEY="bench" * 10, ALLOWED_HOSTS=["*"], ROOT_URLCONF=urls.__name__,
        MIDDLEWARE=["django.contrib.sessions.middleware.SessionMiddleware"],
        SESSION_ENGINE="django.contrib.sessions.backends.cache",
        CACHES={"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": url}},
    )
    django.setup()
    return wsgi_row("Django cached sessions, django-redis", WSGIHandler(), "sessionid")
