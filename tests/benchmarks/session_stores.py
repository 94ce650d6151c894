"""A request that reads the user id from its session, this project beside its peers.

    pip install -e '.[test,bench]' && python -m tests.benchmarks.session_stores

Starts its own redis-server on 127.0.0.1 (``redis-server`` on the PATH), logs a
user in on each row (:mod:`.session_peers`), then times, in one run and in
rotating rounds, one request with that session's cookie whose app reads the
user id: this project on the memory store and on Redis, WSGI and ASGI;
starsessions' Redis store; Flask-Session's Redis interface; Django's cached
sessions on django-redis; a hand-written floor; and one plain redis-py ``GET``,
sync and asyncio. Each row is timed in slices that alternate with the plain
``GET`` of its kind, so the two share the machine's noise: a row's ratio is the
median over the rounds of its time over that ``GET``'s. The Redis commands each
request sends come from the server's ``INFO commandstats``. Every body is
checked to be the user id, before and after the timing.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import cast

import redis
import redis.asyncio

from session_middleware.stores import MemoryStore, RedisStore
from tests.services import free_port

from .common import table
from .session_peers import (
    USER,
    Row,
    django_row,
    flask_session_row,
    floor_rows,
    get_rows,
    ours_asgi,
    ours_wsgi,
    parts_rows,
    starsessions_row,
)

SLICES = 5
# Commands a client sends on connecting, not per request.
_HANDSHAKE = {"hello", "client", "select", "info", "ping"}


@contextmanager
def redis_server() -> Iterator[str]:
    """A private redis-server on 127.0.0.1 with no persistence; its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (Debian package redis-server)")
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1",
                                "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    try:
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)


def build_rows(url: str, loop: asyncio.AbstractEventLoop) -> list[Row]:
    """Every row, in the table's order, each with its user logged in."""
    unit, asyncio_unit = get_rows(url)
    floor, asyncio_floor = floor_rows(url)
    store_alone, stack_alone = parts_rows(url)
    run = loop.run_until_complete
    return [
        unit, floor, store_alone, stack_alone,
        ours_wsgi("this project, WSGI, RedisStore", RedisStore(redis.Redis.from_url(url))),
        ours_wsgi("this project, WSGI, RedisStore, rolling=False (no Set-Cookie)",
                  RedisStore(redis.Redis.from_url(url)), rolling=False),
        ours_wsgi("this project, WSGI, MemoryStore", MemoryStore()),
        flask_session_row(url),
        django_row(url),
        asyncio_unit, asyncio_floor,
        run(ours_asgi("this project, ASGI, RedisStore (asyncio)",
                      RedisStore(redis.asyncio.Redis.from_url(url)))),
        run(ours_asgi("this project, ASGI, RedisStore (asyncio), rolling=False",
                      RedisStore(redis.asyncio.Redis.from_url(url)), rolling=False)),
        run(ours_asgi("this project, ASGI, MemoryStore", MemoryStore())),
        run(starsessions_row(url)),
    ]


def repeat(row: Row, number: int, loop: asyncio.AbstractEventLoop) -> float:
    """Seconds for *number* requests of *row*."""
    if not row.asynchronous:
        call = cast(Callable[[], bytes], row.call)
        start = time.perf_counter()
        for _ in range(number):
            call()
        return time.perf_counter() - start
    coroutine = cast(Callable[[], Awaitable[bytes]], row.call)

    async def many() -> float:
        start = time.perf_counter()
        for _ in range(number):
            await coroutine()
        return time.perf_counter() - start

    return loop.run_until_complete(many())


def check(row: Row, loop: asyncio.AbstractEventLoop) -> None:
    """Fail unless *row* answers with the user id (the units: the record)."""
    body = row.call()
    if row.asynchronous:
        body = loop.run_until_complete(cast(Awaitable[bytes], body))
    if USER.encode() not in cast(bytes, body):
        raise AssertionError(f"{row.label} answered {body!r}")


def commands_per_request(row: Row, url: str, loop: asyncio.AbstractEventLoop,
                         number: int) -> dict[str, float]:
    """The Redis commands one request of *row* sends, by name."""
    admin = redis.Redis.from_url(url)

    def calls() -> dict[str, int]:
        stats = admin.info("commandstats")
        return {key.removeprefix("cmdstat_"): value["calls"] for key, value in stats.items()}

    repeat(row, 5, loop)
    before = calls()
    repeat(row, number, loop)
    after = calls()
    admin.close()
    return {name: (count - before.get(name, 0)) / number for name, count in after.items()
            if name not in _HANDSHAKE and count != before.get(name, 0)}


def measure(rows: list[Row], units: dict[bool, Row], rounds: int, requests: int,
            loop: asyncio.AbstractEventLoop) -> dict[str, tuple[float, float, float]]:
    """For each row, the best microseconds per request, and the medians of its
    ratio to one ``GET`` of its kind and of its microseconds over that ``GET``,
    timed in alternating slices."""
    per_slice = max(1, requests // SLICES)
    best: dict[str, float] = {row.label: float("inf") for row in rows}
    ratios: dict[str, list[float]] = {row.label: [] for row in rows}
    over: dict[str, list[float]] = {row.label: [] for row in rows}
    gc.collect()
    for number in range(rounds):
        for row in rows if number % 2 == 0 else rows[::-1]:
            mine = theirs = 0.0
            for _ in range(SLICES):
                theirs += repeat(units[row.asynchronous], per_slice, loop)
                mine += repeat(row, per_slice, loop)
            best[row.label] = min(best[row.label], mine / (per_slice * SLICES) * 1e6)
            ratios[row.label].append(mine / theirs)
            over[row.label].append((mine - theirs) / (per_slice * SLICES) * 1e6)
    return {label: (best[label], statistics.median(ratios[label]),
                    statistics.median(over[label])) for label in best}


def session_table(rounds: int, requests: int) -> list[str]:
    """The table: a row per request kind, and the version line above it."""
    loop = asyncio.new_event_loop()
    try:
        with redis_server() as url:
            rows = build_rows(url, loop)
            units = {False: rows[0], True: next(row for row in rows if row.asynchronous)}
            for row in rows:
                check(row, loop)
            commands = {row.label: commands_per_request(row, url, loop, max(20, requests // 10))
                        for row in rows}
            timings = measure(rows, units, rounds, requests, loop)
            for row in rows:
                check(row, loop)
            server = redis.Redis.from_url(url).info("server")["redis_version"]
    finally:
        loop.close()
    lines = table(["request that reads the user id", "us per request (best)",
                   "x one GET of its kind (median)", "us over that GET (median)",
                   "Redis commands per request"],
                  [[row.label, f"{timings[row.label][0]:.1f} us",
                    f"x{timings[row.label][1]:.2f}", f"{timings[row.label][2]:+.1f} us",
                    ", ".join(f"{name} {count:g}" for name, count in
                              sorted(commands[row.label].items())) or "none"]
                   for row in rows])
    return [f"redis-server {server}, redis-py {redis.__version__}, Python "
            f"{sys.version.split()[0]}; {rounds} rounds of {requests} requests a row", *lines]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--requests", type=int, default=1000, help="per row and round")
    options = parser.parse_args(argv)
    print("\n".join(session_table(options.rounds, options.requests)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

