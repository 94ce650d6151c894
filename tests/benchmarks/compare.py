"""Parse and per-request benchmarks, this project beside its peers in one run.

    pip install -e '.[test,bench]' && python -m tests.benchmarks.compare

Prints Markdown tables: microseconds per call and ratios. Timings run with the
garbage collector on, peers interleaved, the best round counting. Not part of
the test run: timings are reported, never asserted. The in-server throughput
ratio is its own command, ``python -m tests.benchmarks.server``.
"""

from __future__ import annotations

import argparse
import platform
import sys
from collections.abc import Callable, Iterable
from functools import partial
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import unquote

from cookie_middleware import Cookies, parse

from .common import SIZES, best_microseconds, cell, look_alike_header, make_header, table
from .stacks import stack_table


def floor(header: str) -> dict[str, str]:
    cookies = {}
    for piece in header.split(";"):
        name, _, value = piece.partition("=")
        cookies[name.strip()] = value.strip()
    return cookies


def floor_unquote(header: str) -> dict[str, str]:
    cookies = {}
    for piece in header.split(";"):
        name, _, value = piece.partition("=")
        value = value.strip()
        cookies[name.strip()] = unquote(value) if "%" in value else value
    return cookies


def simple_cookie(header: str) -> list[str]:
    jar: SimpleCookie = SimpleCookie()
    jar.load(header)
    return [morsel.value for morsel in jar.values()]


def every_get(header: str) -> list[str | None]:
    """Cookies.get for every name in the header, as an app reading them all."""
    cookies = Cookies({"HTTP_COOKIE": header})
    return [cookies.get(name) for name in NAMES[header]]


class _DictReader:
    """A reader whose get is one dict lookup: what N calls cost at the least."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def get(self, name: str) -> str | None:
        return self.values.get(name)


def parse_then_calls(header: str) -> list[str | None]:
    """parse(), then one method call per name: the least that reading every cookie
    through N calls of a method can cost, whatever the method does."""
    reader = _DictReader(parse(header))
    return [reader.get(name) for name in NAMES[header]]


def one_get(header: str) -> str | None:
    return Cookies({"HTTP_COOKIE": header}).get(FIRST_NAME[header])


NAMES: dict[str, list[str]] = {}
FIRST_NAME: dict[str, str] = {}


def peers() -> dict[str, tuple[Callable[[str], Iterable[Any]], bool]]:
    """name -> (a call that reads every value, whether it percent-decodes values)."""
    from starlette.requests import cookie_parser
    from webob import Request
    from werkzeug.http import parse_cookie

    return {
        "this project parse()": (lambda h: parse(h).values(), True),
        "Cookies.get, every cookie": (every_get, True),
        "parse() + a trivial method call per name": (parse_then_calls, True),
        "werkzeug parse_cookie": (lambda h: parse_cookie(h).values(), False),
        "WebOb request.cookies": (lambda h: Request({"HTTP_COOKIE": h}).cookies.values(),
                                  False),
        "Starlette cookie_parser": (lambda h: cookie_parser(h).values(), False),
        "SimpleCookie": (simple_cookie, False),
        "floor (split/partition/strip)": (lambda h: floor(h).values(), False),
        "floor + unquote": (lambda h: floor_unquote(h).values(), True),
    }


def read_all(function: Callable[[str], Iterable[Any]], header: str) -> list[Any]:
    return list(function(header))


def headers_to_time(sizes: Iterable[int] = SIZES) -> list[tuple[str, str]]:
    """Plain and realistic headers of each of *sizes*, and look-alike ones of those
    from 1 to 4 KB (below 1 KB there is no room for many false matches)."""
    sizes = tuple(sizes)
    rows = []
    for realistic in (False, True):
        for size in sizes:
            header = make_header(size, realistic=realistic)
            rows.append((f"{'realistic' if realistic else 'plain'} {len(header)} B", header))
    for size in [size for size in sizes if 1024 <= size <= 4096]:
        header = look_alike_header(size)
        rows.append((f"look-alike `_ga` {len(header)} B", header))
    return rows


def parse_table(budget: float, sizes: Iterable[int] = SIZES) -> list[str]:
    implementations = peers()
    rows = []
    for label, header in headers_to_time(sizes):
        NAMES[header] = list(parse(header))
        FIRST_NAME[header] = "_ga" if label.startswith("look-alike") else NAMES[header][0]
        calls: dict[str, Callable[[], object]] = {
            name: partial(read_all, function, header)
            for name, (function, _) in implementations.items()
        }
        calls["Cookies.get, one cookie"] = partial(one_get, header)
        times = best_microseconds(calls, budget)
        ours = times["this project parse()"]
        cells = [cell(times["this project parse()"]),
                 cell(times["Cookies.get, one cookie"], ours),
                 *[cell(times[name], ours) for name in implementations
                   if name != "this project parse()"]]
        rows.append([label, *cells])
    head = ["header", "this project parse()", "Cookies.get, one cookie",
            *[f"{name}{'' if decodes else ' (no %-decoding)'}"
              for name, (_, decodes) in implementations.items()
              if name != "this project parse()"]]
    return table(head, rows)


def linear_sets_table(budget: float) -> list[str]:
    """Cookies(request, webob_response): each set costs the same however many came before."""
    from webob import Request, Response

    environ = Request.blank("/").environ

    def sets(count: int) -> None:
        cookies = Cookies(environ, Response())
        for number in range(count):
            cookies.set(f"c{number}", "v")

    counts = (10, 100, 1000)
    times = best_microseconds({str(n): partial(sets, n) for n in counts}, budget)
    return table(["set calls on a WebOb response", *[str(n) for n in counts]],
                 [["microseconds per set", *[f"{times[str(n)] / n:.2f} us" for n in counts]]])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--budget", type=float, default=0.3,
                        help="seconds of timing per peer and row (default 0.3)")
    args = parser.parse_args(argv)
    print(f"Python {platform.python_version()} on {platform.machine()}, "
          f"{platform.system()}; GC on; best of interleaved rounds per cell; "
          "ratios against this project's parse() (first table) and stacks.\n")
    print("\n".join(parse_table(args.budget)))
    print()
    print("\n".join(stack_table(args.budget)))
    print()
    print("\n".join(linear_sets_table(args.budget)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
