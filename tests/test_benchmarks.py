"""The benchmark commands still run and print every row they promise.

Smoke tests with the smallest budgets: they time nothing that is asserted (no
wall-clock limit anywhere); they fail when a benchmark breaks, so that the
README's speed tables can always be made again.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.benchmarks.compare import linear_sets_table, parse_table
from tests.benchmarks.server import KINDS
from tests.benchmarks.stacks import stack_table
from tests.services import missing

pytestmark = pytest.mark.slow  # a minute of benchmark runs: `pytest -m slow`

ROOT = Path(__file__).parent.parent
# A cell: microseconds, then the ratio to the row's reference where there is one.
CELL = r"-?\d+\.\d\d us(?: \(x\d+\.\d\d\))?"


def cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip("|").split("|")]


@pytest.mark.parametrize(
    ("make", "labels"),
    [
        pytest.param(lambda: parse_table(0.0, sizes=(1024,)),
                     ["plain 1069 B", "realistic 1037 B", "look-alike `_ga` 1020 B"],
                     id="parse-table"),
        pytest.param(lambda: stack_table(0.0, sizes=(300,)),
                     ["298 B, session first", "298 B, session last", "299 B, session new"],
                     id="stack-table"),
    ],
)
def test_table_has_its_rows_and_a_time_in_every_cell(make: Callable[[], list[str]],
                                                      labels: list[str]) -> None:
    lines = make()
    assert [cells(line)[0] for line in lines[2:]] == labels
    for line in lines[2:]:
        assert all(re.fullmatch(CELL, cell) for cell in cells(line)[1:]), line


def test_linear_sets_table_times_each_count() -> None:
    lines = linear_sets_table(0.0)
    assert cells(lines[0]) == ["set calls on a WebOb response", "10", "100", "1000"]
    assert all(re.fullmatch(r"\d+\.\d\d us", cell) for cell in cells(lines[2])[1:])


def test_server_benchmark_starts_drives_and_stops_its_servers() -> None:
    if shutil.which("wrk") is None:
        missing("wrk is not installed (Debian package wrk)")
    result = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.server", "--rounds", "1", "--seconds", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    rows = [cells(line) for line in result.stdout.splitlines() if line.startswith("| ")]
    assert len(rows) == 1 + len(KINDS)  # the head, then a row per app
    for row in rows[1:]:
        rate, best_ratio, median_ratio = row[1:4]
        assert rate.isdigit(), row
        assert re.fullmatch(r"\d\.\d{3}", best_ratio), row
        assert re.fullmatch(r"\d\.\d{3}", median_ratio), row
        # The app's own calls, in the server and in a tight loop, over bare.
        assert all(re.fullmatch(r"[+-]\d+\.\d us", cell) for cell in row[-2:]), row
    assert serving_processes() == []  # it stopped every server it started


def serving_processes() -> list[str]:
    """The PIDs of benchmark servers still running, read from /proc (Linux)."""
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            arguments = cmdline.read_bytes().split(b"\0")
        except OSError:  # gone meanwhile
            continue
        if b"tests.benchmarks.server" in arguments and b"--serve" in arguments:
            pids.append(cmdline.parent.name)
    return pids


def test_session_store_benchmark_runs_every_row_on_its_own_redis() -> None:
    if shutil.which("redis-server") is None:
        missing("redis-server is not installed (apt-get install redis-server)")
    result = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.session_stores", "--rounds", "1",
         "--requests", "20"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    rows = {cells(line)[0]: cells(line)[1:] for line in result.stdout.splitlines()
            if line.startswith("| ") and not line.startswith("| request")}
    for label, (best, ratio, over, _) in rows.items():
        assert re.fullmatch(r"\d+\.\d us", best), label
        assert re.fullmatch(r"x\d+\.\d\d", ratio), label
        assert re.fullmatch(r"[+-]\d+\.\d us", over), label
    commands = {label: row[3] for label, row in rows.items()}
    # An unchanged session: one GET on Redis, nothing on the memory store.
    assert commands == {
        "one redis-py GET": "get 1",
        "hand-written floor, WSGI (cookie, GET, json.loads)": "get 1",
        "hand-written floor, WSGI, with RedisStore.load for GET and json.loads": "get 1",
        "this project's stack, WSGI, no store, its app sends one GET": "get 1",
        "this project, WSGI, RedisStore": "get 1",
        "this project, WSGI, RedisStore, rolling=False (no Set-Cookie)": "get 1",
        "this project, WSGI, MemoryStore": "none",
        "Flask-Session, Redis interface": "get 1, set 1",
        "Django cached sessions, django-redis": "get 1",
        "one redis.asyncio GET": "get 1",
        "hand-written floor, ASGI": "get 1",
        "this project, ASGI, RedisStore (asyncio)": "get 1",
        "this project, ASGI, RedisStore (asyncio), rolling=False": "get 1",
        "this project, ASGI, MemoryStore": "none",
        "starsessions, Redis store (Starlette)": "get 1, set 1",
    }
