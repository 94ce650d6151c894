"""Requests per second of a hello-world app with and without the stack, in a real server.

    pip install -e '.[test,bench]' && python -m tests.benchmarks.server

Serves a hello-world WSGI app from waitress on 127.0.0.1 four times, each in its
own process: bare; bare but sending the very Set-Cookie header the session writes
(what those bytes cost the server and the client); bare after a plain Python loop
about as long as the stack's work in a tight loop (what any such work costs in this
server); and wrapped in ``Cookies.middleware(Session.middleware(app))``. Drives them with ``wrk``
(keep-alive connections, a 1 KB Cookie header with an existing session) in
rotating rounds, the server on one core and wrk on another, and prints each round
and the ratios of the best rounds. Starts
and stops its servers and load generator by PID; needs ``wrk`` on the PATH
(Debian's ``wrk`` package).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import timeit
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from .common import TOKEN, make_header


def hello(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
    return [b"hello"]


SAME_COOKIE = ("Set-Cookie", f"_session={TOKEN}; Path=/; HttpOnly")


def hello_with_cookie(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    """The bare app plus the Set-Cookie header the stack writes: the price of the bytes."""
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5"),
                              SAME_COOKIE])
    return [b"hello"]


BUSY_LOOPS = 300


def busy(loops: int = BUSY_LOOPS) -> int:
    total = 0
    for number in range(loops):
        total += number
    return total


def hello_after_python(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    """The bare app after a plain Python loop as long as the stack's work in a tight
    loop: what any such work costs inside this server."""
    busy()
    return hello(environ, start_response)


def hello_with_session(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    environ["session_middleware.session"].token  # noqa: B018 - the app reads it
    return hello(environ, start_response)


def serve(kind: str) -> None:
    """Child process: serve one app on a free port, print it, run until SIGTERM."""
    import logging

    from waitress import create_server  # type: ignore[import-untyped]

    from cookie_middleware import Cookies
    from session_middleware import Session

    apps = {"bare": hello, "bare+cookie": hello_with_cookie, "bare+python": hello_after_python,
            "stack": Cookies.middleware(Session.middleware(hello_with_session))}
    app = apps[kind]
    # Under load waitress logs every queued request; that is the load, not news.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    if SPLIT_CPUS:
        os.sched_setaffinity(0, {0})  # the server on one core, wrk on the other
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    print(server.effective_port, flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


@contextmanager
def server(kind: str) -> Iterator[int]:
    process = subprocess.Popen([sys.executable, "-m", "tests.benchmarks.server", "--serve", kind],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield int(process.stdout.readline())
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


# With two cores or more, the server and the load generator get one each, so that
# they do not take turns on one and blur the comparison.
SPLIT_CPUS = hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) >= 2


def wrk(port: int, seconds: int, connections: int, header: str) -> float:
    pin = ["taskset", "-c", "1"] if SPLIT_CPUS and shutil.which("taskset") else []
    output = subprocess.run(
        [*pin, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-H", f"Cookie: {header}",
         f"http://127.0.0.1:{port}/"],
        capture_output=True, text=True, check=True, timeout=seconds + 30,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors", output)
    if errors:
        raise RuntimeError(f"wrk saw errors:\n{output}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if match is None:
        raise RuntimeError(f"no Requests/sec in wrk's output:\n{output}")
    return float(match.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=3, help="per wrk run (default 3)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--serve", choices=["bare", "bare+cookie", "bare+python", "stack"],
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve)
        return 0
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    header = make_header(1024, session=f"_session={TOKEN}")
    kinds = ("bare", "bare+cookie", "bare+python", "stack")
    best = dict.fromkeys(kinds, 0.0)
    loop = min(timeit.repeat(busy, number=10000, repeat=5)) / 10000 * 1e6
    with server("bare") as bare, server("bare+cookie") as cookie, \
            server("bare+python") as python, server("stack") as stack:
        ports = dict(zip(kinds, (bare, cookie, python, stack), strict=True))
        for kind in kinds:  # warm up
            wrk(ports[kind], 1, args.connections, header)
        for number in range(args.rounds):
            # Rotate the order each round, so no app always runs first or last.
            order = kinds[number % 4:] + kinds[:number % 4]
            for kind in order:
                rate = wrk(ports[kind], args.seconds, args.connections, header)
                best[kind] = max(best[kind], rate)
                print(f"round {number + 1}: {kind:11} {rate:9.0f} req/s", flush=True)
    print(f"\n| waitress, 4 threads, wrk -c{args.connections}, 1 KB header | req/s, best round "
          "| against the bare app |\n|---|---|---|")
    labels = {"bare": "bare app", "bare+cookie": "bare app + the stack's Set-Cookie header",
              "bare+python": f"bare app + {loop:.1f} us of plain Python (in a tight loop)",
              "stack": "Cookies + Session stack"}
    for kind in kinds:
        print(f"| {labels[kind]} | {best[kind]:.0f} | {best[kind] / best['bare']:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
