"""``python -m session_middleware.demo``: serve the demo on 127.0.0.1.

Sessions live in a :class:`~session_middleware.stores.MemoryStore`, or in a
:class:`~session_middleware.stores.RedisStore` when ``--redis-url``/``REDIS_URL``
is set (then several demo processes share the logins and the CSRF secret).
Errors a user can cause (a port in use, Redis unreachable, ``ENV=production``
over plain http) end in one line on stderr and exit status 2, not a traceback.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from ..session import in_production
from ..stores import MemoryStore, Store
from ..stores.memory import DEFAULT_MAX_SESSIONS
from .app import make_app

_EPILOG = """environment variables:
  PORT                  the port to listen on, when --port is not given (default 8000)
  REDIS_URL             store sessions in this Redis, when --redis-url is not given
                        (default: in memory)
  SESSION_IDLE_TIMEOUT  seconds, when --idle-timeout is not given (default 604800)
  ENV                   "production" makes the session cookie Secure; the demo serves
                        plain http, so it then needs --trust-proxy behind an https proxy
  DEMO_ACCESS_LOG       any non-empty value logs each request to stderr (default: off)
"""


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        if os.environ.get("DEMO_ACCESS_LOG"):
            super().log_message(format, *args)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m session_middleware.demo",
        description="Serve the session demo: a page that shows your session token and "
                    "forms that log in, reset the token and log out.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")),
                        help="port to listen on, 0 for any free one (default: $PORT or 8000)")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"),
                        help="store sessions in Redis (default: $REDIS_URL, else in memory)")
    parser.add_argument("--idle-timeout", type=int,
                        default=int(os.environ.get("SESSION_IDLE_TIMEOUT", str(7 * 24 * 3600))),
                        help="forget a login after this many idle seconds "
                             "(default: $SESSION_IDLE_TIMEOUT or 604800, 7 days)")
    parser.add_argument("--max-sessions", type=int, default=DEFAULT_MAX_SESSIONS,
                        help="logins the in-memory store keeps at most; beyond that the "
                             f"least recently used is dropped (default {DEFAULT_MAX_SESSIONS})")
    parser.add_argument("--trust-proxy", action="store_true",
                        help="count X-Forwarded-Proto: https as https. Only behind a proxy "
                             "that terminates TLS and sets that header itself: otherwise any "
                             "client can claim https (default: off)")
    return parser.parse_args(argv)


def _store(args: argparse.Namespace) -> tuple[Store, bytes]:
    """The store, and the CSRF secret every process that shares it shares."""
    if not args.redis_url:
        return (MemoryStore(args.idle_timeout, max_entries=args.max_sessions),
                secrets.token_bytes(32))
    try:  # redis-py is an optional dependency: needed only here
        import redis

        from ..stores.redis import RedisStore
    except ImportError:
        raise SystemExit(
            "error: REDIS_URL is set but the redis package is missing: "
            "pip install 'idagio-cookie-session[redis]'"
        ) from None
    try:
        client = redis.Redis.from_url(args.redis_url, decode_responses=True, socket_timeout=5,
                                      socket_connect_timeout=5)
        # The first process to start makes the secret; every other one reads it.
        client.set("demo:csrf-secret", secrets.token_hex(32), nx=True)
        secret = bytes.fromhex(str(client.get("demo:csrf-secret")))
    except (redis.RedisError, ValueError) as error:
        raise SystemExit(f"error: cannot reach Redis at {args.redis_url}: {error}") from None
    return RedisStore(client, idle_timeout=args.idle_timeout), secret


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.idle_timeout <= 0:
        print(f"error: --idle-timeout must be positive, got {args.idle_timeout}", file=sys.stderr)
        return 2
    if args.max_sessions < 1:
        print(f"error: --max-sessions must be at least 1, got {args.max_sessions}",
              file=sys.stderr)
        return 2
    if in_production() and not args.trust_proxy:
        # Every request would fail: a Secure cookie cannot be set over plain http.
        print("error: ENV=production makes the session cookie Secure, but this demo serves "
              "plain http: run it behind an https proxy with --trust-proxy, or unset ENV",
              file=sys.stderr)
        return 2
    try:
        store, secret = _store(args)
    except SystemExit as stop:
        print(stop, file=sys.stderr)
        return 2
    try:
        app = make_app(store, secret=secret, max_age=args.idle_timeout,
                       trust_proxy=args.trust_proxy)
        server = make_server(args.host, args.port, app,
                             server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    except (OSError, OverflowError) as error:
        print(f"error: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 2
    kind = "redis" if args.redis_url else "memory"
    # A process manager stops servers with SIGTERM: stop as cleanly as on Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    print(f"Serving the session demo on http://{args.host}:{server.server_port}/ (store: {kind}); "
          "press Ctrl-C to stop", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("Stopped.", flush=True)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
