"""Parse and middleware benchmarks, this project beside its Python peers in one run.

    pip install -e '.[test,bench]' && python -m tests.benchmarks.compare

Prints Markdown tables: microseconds per call and the ratio to this project
(``x2.0`` = twice as slow as this project). Every parse timing reads every
value. Not part of the default test run: timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import platform
import sys
import timeit
from collections.abc import Callable, Iterable
from functools import partial
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote, unquote

from cookie_middleware import Cookies, parse
from session_middleware import Session, new_token

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


def make_header(size: int, realistic: bool) -> str:
    """A Cookie header of about *size* bytes: the session token in the middle of
    analytics ids; with *realistic*, about one value in five is percent-encoded JSON."""
    session = f"_session={TOKEN}"
    pairs: list[str] = []
    index = 0
    while len(session) + sum(len(pair) + 2 for pair in pairs) < size:
        name, value = PLAIN_COOKIES[index % len(PLAIN_COOKIES)]
        if index >= len(PLAIN_COOKIES):
            name = f"{name}_{index}"
        if realistic and index % 5 == 1:
            value = JSON_VALUE
        pairs.append(f"{name}={value}")
        index += 1
    pairs.insert(len(pairs) // 2, session)
    return "; ".join(pairs)


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


def peers() -> dict[str, Callable[[str], Iterable[Any]]]:
    from starlette.requests import cookie_parser
    from webob import Request
    from werkzeug.http import parse_cookie

    return {
        "this project": lambda h: parse(h).values(),
        "werkzeug parse_cookie": lambda h: parse_cookie(h).values(),
        "WebOb request.cookies": lambda h: Request({"HTTP_COOKIE": h}).cookies.values(),
        "Starlette cookie_parser": lambda h: cookie_parser(h).values(),
        "SimpleCookie": simple_cookie,
        "floor (split/partition/strip)": lambda h: floor(h).values(),
        "floor + unquote": lambda h: floor_unquote(h).values(),
    }


def best_microseconds(calls: dict[str, Callable[[], object]], budget: float) -> dict[str, float]:
    """Time every call in *calls* side by side: rounds interleave the peers, so
    a drift in machine load hits them all alike; the best round counts."""
    timers = {name: timeit.Timer(call) for name, call in calls.items()}
    numbers = {name: timer.autorange()[0] for name, timer in timers.items()}
    best = dict.fromkeys(calls, float("inf"))
    deadline = timeit.default_timer() + budget * len(calls)
    rounds = 0
    while rounds < 5 or (rounds < 200 and timeit.default_timer() < deadline):
        for name, timer in timers.items():
            elapsed = timer.timeit(numbers[name]) / numbers[name]
            best[name] = min(best[name], elapsed * 1e6)
        rounds += 1
    return best


def read_all(function: Callable[[str], Iterable[Any]], header: str) -> list[Any]:
    return list(function(header))


def one_request(app: Any, environ: dict[str, Any], start_response: Any) -> list[bytes]:
    return list(app(dict(environ), start_response))


def parse_table(budget: float) -> list[str]:
    implementations = peers()
    rows = []
    for realistic in (False, True):
        for size in (300, 1024, 4096):
            header = make_header(size, realistic)
            # Every value is read: lazy mappings pay for their decoding here.
            times = best_microseconds(
                {name: partial(read_all, function, header)
                 for name, function in implementations.items()},
                budget,
            )
            ours = times["this project"]
            label = f"{'realistic' if realistic else 'plain'} {len(header)} B"
            cells = [f"{t:.2f} us (x{t / ours:.2f})" if name != "this project" else f"{t:.2f} us"
                     for name, t in times.items()]
            rows.append(f"| {label} | " + " | ".join(cells) + " |")
    head = "| header | " + " | ".join(implementations) + " |"
    rule = "|---" * (len(implementations) + 1) + "|"
    return [head, rule, *rows]


def middleware_table(budget: float) -> list[str]:
    from webob import Request, Response

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        return None

    def bare(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"hello"]

    def inner(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        environ["session_middleware.session"].token  # noqa: B018 - the app reads it
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"hello"]

    stacked = Cookies.middleware(Session.middleware(inner))

    def by_hand(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        token = request.cookies.get("_session") or new_token()
        response = Response(b"hello", content_type="text/plain")
        response.set_cookie("_session", token, path="/", httponly=True)
        return response(environ, start_response)

    apps = {"bare app": bare, "Cookies + Session stack": stacked, "WebOb by hand": by_hand}
    lines = ["| header (existing session) | bare app | Cookies + Session stack | WebOb by hand "
             "| stack overhead |", "|---|---|---|---|---|"]
    for realistic in (False, True):
        for size in (300, 1024, 4096):
            header = make_header(size, realistic)
            environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_COOKIE": header,
                       "wsgi.url_scheme": "http", "SERVER_NAME": "localhost",
                       "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1"}
            times = best_microseconds(
                {name: partial(one_request, app, environ, start_response)
                 for name, app in apps.items()},
                budget,
            )
            overhead = times["Cookies + Session stack"] - times["bare app"]
            label = f"{'realistic' if realistic else 'plain'} {len(header)} B"
            lines.append(f"| {label} | " + " | ".join(f"{t:.2f} us" for t in times.values())
                         + f" | {overhead:.2f} us |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--budget", type=float, default=0.5,
                        help="seconds of timing per peer and header (default 0.5)")
    args = parser.parse_args(argv)
    print(f"Python {platform.python_version()} on {platform.machine()}, "
          f"{platform.system()}; best of interleaved rounds per cell.\n")
    print("\n".join(parse_table(args.budget)))
    print()
    print("\n".join(middleware_table(args.budget)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
