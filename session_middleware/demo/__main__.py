"""``python -m session_middleware.demo``: serve the demo on 127.0.0.1.

Storage is an in-memory dict, or Redis when ``--redis-url``/``REDIS_URL`` is set.
Errors a user can cause (a port in use, Redis unreachable) end in one line on
stderr and exit status 2, not a traceback.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from .app import make_app
from .store import MemoryStore, RedisStore, SessionStore


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
        description="Serve the session demo: / shows your token, /reset, /login, /logout.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")),
                        help="port to listen on, 0 for any free one (default: $PORT or 8000)")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"),
                        help="store sessions in Redis (default: $REDIS_URL, else in memory)")
    parser.add_argument("--idle-timeout", type=int,
                        default=int(os.environ.get("SESSION_IDLE_TIMEOUT", str(7 * 24 * 3600))),
                        help="forget a login after this many idle seconds (default: 7 days)")
    return parser.parse_args(argv)


def _store(args: argparse.Namespace) -> SessionStore:
    if not args.redis_url:
        return MemoryStore(args.idle_timeout)
    try:
        import redis
    except ImportError:
        raise SystemExit(
            "error: REDIS_URL is set but the redis package is missing: "
            "pip install 'idagio-cookie-session[redis]'"
        ) from None
    try:
        return RedisStore.from_url(args.redis_url, args.idle_timeout)
    except (redis.RedisError, ValueError) as error:
        raise SystemExit(f"error: cannot reach Redis at {args.redis_url}: {error}") from None


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.idle_timeout <= 0:
        print(f"error: --idle-timeout must be positive, got {args.idle_timeout}", file=sys.stderr)
        return 2
    try:
        store = _store(args)
    except SystemExit as stop:
        print(stop, file=sys.stderr)
        return 2
    try:
        server = make_server(args.host, args.port, make_app(store, max_age=args.idle_timeout),
                             server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    except (OSError, OverflowError) as error:
        print(f"error: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 2
    kind = "redis" if isinstance(store, RedisStore) else "memory"
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
