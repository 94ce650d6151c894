"""What every benchmark table shares: the headers it times and the timer.

The timer runs peers side by side (rounds interleave them, so a drift in
machine load hits all alike; the best round counts) with the garbage collector
**on**, as it is in an app: ``timeit`` switches it off, which hides the cost of
reference cycles.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from urllib.parse import quote

from session_middleware import new_token

TOKEN = new_token()
JSON_VALUE = quote('{"necessary":true,"analytics":false,"marketing":false,"v":3}', safe="")
PLAIN_COOKIES = [
    ("_ga", "GA1.2.1234567890.1700000000"),
    ("_gid", "GA1.2.987654321.1700000000"),
    ("_fbp", "fb.1.1700000000000.1234567890"),
    ("ajs_anonymous_id", "b7a6f1e0-3c1d-4f8e-9a2b-5d4c3b2a1f00"),
    ("_hjSessionUser_123456", "eyJpZCI6IjEyMzQ1Njc4LTkwYWItY2RlZi0xMjM0IiwiY3JlYXRlZCI6MX0"),
    ("locale", "en-GB"),
    ("theme", "dark"),
    ("_gcl_au", "1.1.1234567890.1700000000"),
    ("amplitude_id_fef1e872c952688acd962d30aa545b9e", "eyJkZXZpY2VJZCI6ImFiY2RlZiJ9"),
    ("intercom-id-abcdef12", "0f1e2d3c-4b5a-6978-8a9b-acbdcedf0011"),
]
SIZES = (300, 1024, 4096, 16384)


def make_header(size: int, *, realistic: bool = False, session: str | None = None,
                where: str = "middle") -> str:
    """A Cookie header of about *size* bytes of analytics-style cookies.

    *session* (a whole ``name=value`` pair) goes ``first``, ``middle`` or
    ``last``; with *realistic*, about one value in five is percent-encoded JSON.
    """
    pairs: list[str] = []
    extra = len(session) + 2 if session else 0
    index = 0
    while extra + sum(len(pair) + 2 for pair in pairs) < size:
        name, value = PLAIN_COOKIES[index % len(PLAIN_COOKIES)]
        if index >= len(PLAIN_COOKIES):
            name = f"{name}_{index}"
        if realistic and index % 5 == 1:
            value = JSON_VALUE
        pairs.append(f"{name}={value}")
        index += 1
    if session:
        at = {"first": 0, "middle": len(pairs) // 2, "last": len(pairs)}[where]
        pairs.insert(at, session)
    return "; ".join(pairs)


def look_alike_header(size: int) -> str:
    """A header in which the name ``_ga`` also occurs inside other names and
    values (``_ga_XYZ=..._ga...``) many times before the real ``_ga``."""
    pairs: list[str] = []
    index = 0
    while sum(len(pair) + 2 for pair in pairs) < size - 40:
        pairs.append(f"_ga_{index:04X}=GS1.1._ga.{index}._ga")
        index += 1
    pairs.append("_ga=GA1.2.1234567890.1700000000")
    return "; ".join(pairs)


def _loops(call: Callable[[], object], target: float = 0.02) -> int:
    """How many calls take about *target* seconds."""
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            call()
        if time.perf_counter() - start >= target:
            return number
        number *= 2


def best_microseconds(calls: dict[str, Callable[[], object]], budget: float) -> dict[str, float]:
    """Microseconds per call of each of *calls*, timed side by side with the
    garbage collector enabled; the best of the interleaved rounds counts."""
    gc.enable()
    numbers = {name: _loops(call) for name, call in calls.items()}
    best = dict.fromkeys(calls, float("inf"))
    deadline = time.perf_counter() + budget * len(calls)
    rounds = 0
    while rounds < 5 or (rounds < 200 and time.perf_counter() < deadline):
        for name, call in calls.items():
            number = numbers[name]
            # Start each run with empty young generations, so that one peer's
            # garbage is not collected on another's time.
            gc.collect()
            start = time.perf_counter()
            for _ in range(number):
                call()
            elapsed = time.perf_counter() - start
            best[name] = min(best[name], elapsed / number * 1e6)
        rounds += 1
    return best


def cell(value: float, reference: float | None = None) -> str:
    """A table cell: microseconds, and the ratio to *reference* when given."""
    if reference is None:
        return f"{value:.2f} us"
    return f"{value:.2f} us (x{value / reference:.2f})"


def table(head: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head),
            *["| " + " | ".join(row) + " |" for row in rows]]
