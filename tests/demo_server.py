"""Run the demo as a real process, the way a user runs the README's command."""

from __future__ import annotations

import http.cookiejar
import os
import selectors
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser

from tests.services import default_sigint


@dataclass
class Demo:
    process: subprocess.Popen[str]
    url: str


def start_demo(*args: str, env: dict[str, str] | None = None) -> Demo:
    """Start ``python -m session_middleware.demo --port 0 ARGS`` and wait for its
    "Serving ..." line (at most 20 s)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "session_middleware.demo", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **(env or {})}, preexec_fn=default_sigint,
    )
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=20):
            process.kill()
            raise AssertionError("the demo printed nothing within 20 s")
    line = process.stdout.readline()
    if not line.startswith("Serving the session demo on "):
        process.kill()
        _, err = process.communicate(timeout=10)
        raise AssertionError(f"the demo did not start: {line!r} {err!r}")
    url = line.split(" on ", 1)[1].split(" ", 1)[0]
    return Demo(process, url)


def stop_demo(demo: Demo, signum: int = signal.SIGINT) -> tuple[int, str, str]:
    """Ctrl-C (or another signal) the demo; returns its exit status, stdout rest
    and stderr."""
    if demo.process.poll() is None:
        demo.process.send_signal(signum)
    out, err = demo.process.communicate(timeout=20)
    return demo.process.returncode, out, err


@contextmanager
def running_demo(*args: str, env: dict[str, str] | None = None) -> Iterator[Demo]:
    demo = start_demo(*args, env=env)
    try:
        yield demo
    finally:
        if demo.process.poll() is None:
            stop_demo(demo)


class Browser:
    """A client with its own cookie jar, like one browser."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url: str) -> str:
        with self.opener.open(url, timeout=10) as response:
            body: bytes = response.read()
        return body.decode()

    def post(self, url: str, fields: dict[str, str]) -> str:
        data = urllib.parse.urlencode(fields).encode()
        with self.opener.open(url, data=data, timeout=10) as response:
            body: bytes = response.read()
        return body.decode()

    def cookie(self, name: str) -> str | None:
        for cookie in self.jar:
            if cookie.name == name:
                return cookie.value
        return None


class PageFacts(HTMLParser):
    """What a demo page states: the token, who is logged in, the form's CSRF token."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.token: str | None = None
        self.user: str | None = None
        self.logged_in = False
        self.csrf: str | None = None
        self.error: str | None = None
        self.forms: list[str] = []
        self._in: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id") in ("token", "state", "error"):
            self._in = found["id"]
        elif tag == "strong" and self._in == "state":
            self._in = "user"
        elif tag == "form":
            self.forms.append(str(found.get("action")))
        elif tag == "input" and found.get("name") == "csrf":
            self.csrf = found.get("value")
        elif tag == "span" and "in" in str(found.get("class", "")).split():
            self.logged_in = True

    def handle_endtag(self, tag: str) -> None:
        if self._in == "user" and tag == "strong":
            self._in = "state"
        elif tag in ("code", "p"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "token":
            self.token = (self.token or "") + data
        elif self._in == "user":
            self.user = data
        elif self._in == "error":
            self.error = (self.error or "") + data
