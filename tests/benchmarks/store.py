"""MemoryStore under a login flood: the cost per login stays flat.

    python -m tests.benchmarks.store

Logs in 100,000 sessions (destroy the old record, create the new one, as
``session.login`` does) and prints the microseconds per login over windows of
1,000 logins at 1,000, 10,000 and 100,000 sessions held, with the garbage
collector on.
"""

from __future__ import annotations

import gc
import sys
import time

from session_middleware import new_token
from session_middleware.stores import MemoryStore, Record

from .common import table

WINDOW = 1000
MARKS = (1_000, 10_000, 100_000)


def per_login(count: int = MARKS[-1]) -> dict[int, float]:
    store = MemoryStore(idle_timeout=7 * 86400, max_entries=count)
    tokens = [new_token() for _ in range(count)]
    gc.enable()
    results = {}
    start = time.perf_counter()
    for number, token in enumerate(tokens, 1):
        store.destroy(token)
        store.save(token, Record({}, f"user{number}"), create=True)
        if number % WINDOW == 0:
            now = time.perf_counter()
            if number in MARKS:
                results[number] = (now - start) / WINDOW * 1e6
            start = now
    return results


def main() -> int:
    results = per_login()
    print("\n".join(table(["sessions held", *[f"{mark:,}" for mark in MARKS]],
                          [["microseconds per login (last 1,000)",
                            *[f"{results[mark]:.2f} us" for mark in MARKS]]])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
