"""Serve one small app on a RedisStore, as WSGI in waitress or ASGI in uvicorn.

``python serve_shared_store.py wsgi|asgi REDIS_URL`` prints ``listening <port>``
once ready; SIGINT or SIGTERM stops it. Two of these, one of each kind, share one
Redis: test_shared_store.py logs in through one and looks through the other.
Routes: ``/login?user=ID``, ``/whoami``, ``/logout-everywhere``.
"""

from __future__ import annotations

import contextlib
import socket
import sys
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import redis
import redis.asyncio
import uvicorn
from waitress import create_server  # type: ignore[import-untyped]
from waitress_run import run_until_stopped  # this folder

from cookie_middleware import Cookies
from cookie_middleware.asgi import CookiesMiddleware
from session_middleware import Session, get_session
from session_middleware.asgi import SessionMiddleware
from session_middleware.stores import RedisStore


def answer(path: str, query: str, session: Session) -> str:
    user = parse_qs(query).get("user", [""])[0]
    if path == "/login" and user:
        session.login(user)
        return "logged in"
    return str(session.user)


def wsgi_app(url: str) -> Any:
    store = RedisStore(redis.Redis.from_url(url))

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        session = get_session(environ)
        if environ["PATH_INFO"] == "/logout-everywhere":
            body = str(store.logout_everywhere(str(session.user)))
        else:
            body = answer(environ["PATH_INFO"], environ.get("QUERY_STRING", ""), session)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [body.encode()]

    return Cookies.middleware(Session.middleware(app, store=store))


def asgi_app(url: str) -> Any:
    store = RedisStore(redis.asyncio.Redis.from_url(url))

    async def app(scope: Any, receive: Any, send: Any) -> None:
        session = get_session(scope)
        await session.load()
        if scope["path"] == "/logout-everywhere":
            body = str(await store.logout_everywhere(str(session.user)))
        else:
            body = answer(scope["path"], scope["query_string"].decode(), session)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": body.encode()})

    return CookiesMiddleware(SessionMiddleware(app, store=store))


def main() -> int:
    kind, url = sys.argv[1], sys.argv[2]
    if kind == "wsgi":
        server = create_server(wsgi_app(url), host="127.0.0.1", port=0, threads=4)
        run_until_stopped(server, f"listening {server.effective_port}")
        return 0
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    config = uvicorn.Config(asgi_app(url), log_level="warning", access_log=False,
                            lifespan="off")
    print(f"listening {listener.getsockname()[1]}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[listener])
    return 0


if __name__ == "__main__":
    sys.exit(main())
