"""Requests per second of a hello-world app with and without the stack, in a real server.

    pip install -e '.[test,bench]' && python -m tests.benchmarks.server

Serves a hello-world WSGI app from waitress on 127.0.0.1 six times, each in its
own process: bare; bare but sending the very Set-Cookie header the session writes
(what those bytes cost the server and the client); bare after a plain Python loop
about as long as the stack's work in a tight loop (what any such work costs in this
server); the hand-written minimum of :mod:`.minimal` (the least any session stack
can do); wrapped in ``Cookies.middleware(Session.middleware(app))``; and wrapped
so with ``rolling=False``, which writes no Set-Cookie for a session the client
already has (the original writes it on every request; ``rolling=True`` does). Drives
them with ``wrk`` (keep-alive connections, a 1 KB Cookie header with an existing
session) in rotating rounds, the server on one core and wrk on another, and
prints each round, the ratios of the best rounds and the median of the per-round
ratios, and, on Linux, the server's CPU time per request read from
``/proc/<pid>/stat`` (steadier than a rate on a shared machine). Last, what the
app's own calls cost inside the server (the thread CPU time of each call, summed
by a wrapper, :class:`Timed`) beside what the same calls cost in a tight loop:
that splits the server's extra work into the app's and the server's own (the
bytes of a longer response, say). Starts and stops
its servers and load generator by PID; needs ``wrk`` on the PATH (Debian's
``wrk`` package).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import timeit
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from typing import Any

from .common import TOKEN, make_header
from .minimal import minimal_stack


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


def apps() -> dict[str, Any]:
    """Every app this benchmark serves, by kind."""
    from cookie_middleware import Cookies
    from session_middleware import Session

    return {"bare": hello, "bare+cookie": hello_with_cookie, "bare+python": hello_after_python,
            "minimum": minimal_stack(hello_with_session),
            "stack": Cookies.middleware(Session.middleware(hello_with_session)),
            "stack, not rolling": Cookies.middleware(Session.middleware(hello_with_session,
                                                                        rolling=False))}


CPU_PATH = "/__app_cpu"


class Timed:
    """Wraps a served app: sums the thread CPU time of its calls, and answers
    ``GET /__app_cpu`` itself with ``"<nanoseconds> <calls>"`` so far.

    Thread CPU time, not wall time: a call that loses the GIL to another thread
    halfway does not count the other thread's work. The wrapper's own cost is
    the same for every app, and is subtracted with the bare app's.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.nanoseconds = 0
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == CPU_PATH:
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [f"{self.nanoseconds} {self.calls}".encode()]
        start = time.thread_time_ns()
        body: Iterable[bytes] = self.app(environ, start_response)
        elapsed = time.thread_time_ns() - start
        with self.lock:
            self.nanoseconds += elapsed
            self.calls += 1
        return body


def app_cpu(port: int) -> tuple[int, int]:
    """The served app's thread CPU nanoseconds and calls so far (see :class:`Timed`)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{CPU_PATH}", timeout=30) as answer:
        nanoseconds, calls = answer.read().split()
    return int(nanoseconds), int(calls)


def loop_microseconds(header: str) -> dict[str, float]:
    """Each app's cost per call in a tight loop, for the same request: what the
    server column is compared with."""
    from .common import best_microseconds
    from .stacks import environ_for, one_wsgi

    environ = environ_for(header)
    return best_microseconds({kind: partial(one_wsgi, app, environ)
                              for kind, app in apps().items()}, 0.3)


def serve(kind: str) -> None:
    """Child process: serve one app on a free port, print it, run until SIGTERM."""
    import logging

    from waitress import create_server  # type: ignore[import-untyped]

    from ..load.waitress_run import run_until_stopped

    app = Timed(apps()[kind])
    # Under load waitress logs every queued request; that is the load, not news.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    if SPLIT_CPUS:
        os.sched_setaffinity(0, {0})  # the server on one core, wrk on the other
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    run_until_stopped(server, str(server.effective_port))


@contextmanager
def server(kind: str) -> Iterator[tuple[int, int]]:
    """Serve *kind* in a child process: yields its port and PID."""
    process = subprocess.Popen([sys.executable, "-m", "tests.benchmarks.server", "--serve", kind],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield int(process.stdout.readline()), process.pid
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time of process *pid* so far, where ``/proc`` tells it."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


KINDS = ("bare", "bare+cookie", "bare+python", "minimum", "stack", "stack, not rolling")

# With two cores or more, the server and the load generator get one each, so that
# they do not take turns on one and blur the comparison.
SPLIT_CPUS = hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) >= 2


def wrk(port: int, seconds: int, connections: int, header: str) -> tuple[float, int]:
    """Drive the server on *port*: requests per second, and requests made."""
    pin = ["taskset", "-c", "1"] if SPLIT_CPUS and shutil.which("taskset") else []
    output = subprocess.run(
        [*pin, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-H", f"Cookie: {header}",
         f"http://127.0.0.1:{port}/"],
        capture_output=True, text=True, check=True, timeout=seconds + 30,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors", output)
    if errors:
        raise RuntimeError(f"wrk saw errors:\n{output}")
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    made = re.search(r"(\d+) requests in", output)
    if rate is None or made is None:
        raise RuntimeError(f"no Requests/sec in wrk's output:\n{output}")
    return float(rate.group(1)), int(made.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=3, help="per wrk run (default 3)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--serve",
                        choices=KINDS,
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve)
        return 0
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    header = make_header(1024, session=f"_session={TOKEN}")
    kinds = KINDS
    rates: dict[str, list[float]] = {kind: [] for kind in kinds}
    cpu: dict[str, list[float]] = {kind: [] for kind in kinds}
    in_app: dict[str, list[float]] = {kind: [] for kind in kinds}
    in_loop = loop_microseconds(header)
    loop = min(timeit.repeat(busy, number=10000, repeat=5)) / 10000 * 1e6
    with ExitStack() as servers:
        served = {kind: servers.enter_context(server(kind)) for kind in kinds}
        for kind in kinds:  # warm up
            wrk(served[kind][0], 1, args.connections, header)
        for number in range(args.rounds):
            # Rotate the order each round, so no app always runs first or last.
            order = kinds[number % len(kinds):] + kinds[:number % len(kinds)]
            for kind in order:
                port, pid = served[kind]
                before = cpu_seconds(pid)
                app_before = app_cpu(port)
                rate, made = wrk(port, args.seconds, args.connections, header)
                app_after = app_cpu(port)
                after = cpu_seconds(pid)
                in_app[kind].append((app_after[0] - app_before[0]) / 1000
                                    / (app_after[1] - app_before[1]))
                rates[kind].append(rate)
                if before is not None and after is not None:
                    cpu[kind].append((after - before) / made * 1e6)
                print(f"round {number + 1}: {kind:18} {rate:9.0f} req/s", flush=True)
    labels = {"bare": "bare app", "bare+cookie": "bare app + the stack's Set-Cookie header",
              "bare+python": f"bare app + {loop:.1f} us of plain Python (in a tight loop)",
              "minimum": "hand-written minimum stack (tests/benchmarks/minimal.py)",
              "stack": "Cookies + Session stack",
              "stack, not rolling": "the stack with rolling=False (no Set-Cookie for a "
                                    "session the client already has)"}
    best = {kind: max(rates[kind]) for kind in kinds}
    # Rounds are rotated in time, so a round's ratio compares neighbours.
    ratios = {kind: statistics.median(rate / bare_rate for rate, bare_rate
                                      in zip(rates[kind], rates["bare"], strict=True))
              for kind in kinds}
    print(f"\n| waitress, 4 threads, wrk -c{args.connections}, 1 KB header | req/s, best round "
          "| best against bare | median of rounds against bare "
          "| server CPU per request (median) | over bare "
          "| the app's own calls in the server, over bare (median) "
          "| the same calls in a tight loop, over bare |\n|---|---|---|---|---|---|---|---|")
    for kind in kinds:
        in_server = statistics.median(in_app[kind]) - statistics.median(in_app["bare"])
        app_cells = f"{in_server:+.1f} us | {in_loop[kind] - in_loop['bare']:+.1f} us"
        if cpu[kind] and cpu["bare"]:
            used = statistics.median(cpu[kind])
            over = used - statistics.median(cpu["bare"])
            cpu_cells = f"{used:.1f} us | {over:+.1f} us"
        else:
            cpu_cells = "- | -"
        print(f"| {labels[kind]} | {best[kind]:.0f} | {best[kind] / best['bare']:.3f} "
              f"| {ratios[kind]:.3f} | {cpu_cells} | {app_cells} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
