"""The FastAPI recipe with both ASGI middlewares in a real uvicorn, driven over HTTP."""

from __future__ import annotations

import http.client
import signal
from collections.abc import Iterator

import pytest

from tests.load.servers import start_server


class Browser:
    """Keeps the session cookie the way a browser's jar would, over one keep-alive
    connection."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.jar: dict[str, str] = {}

    def go(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.jar.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        for value in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.jar[name] = rest.split(";", 1)[0]
        return response.status, text

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def port() -> Iterator[int]:
    process, number = start_server("serve_asgi.py")
    yield number
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert out == "stopped\n"


def test_login_reset_logout_over_http(port: int) -> None:
    browser, stranger = Browser(port), Browser(port)
    try:
        flow(browser, stranger)
    finally:
        browser.close()
        stranger.close()


def flow(browser: Browser, stranger: Browser) -> None:
    status, page = browser.go("GET", "/")
    assert status == 200
    first = browser.jar["_session"]
    assert page.splitlines()[:2] == [f"Your session token is: {first}", "Not logged in."]

    status, _ = browser.go("POST", "/login", "user=ada")
    assert status == 303
    logged_in = browser.jar["_session"]
    assert logged_in != first
    assert browser.go("GET", "/")[1].splitlines()[1] == "Hello, ada!"

    browser.go("GET", "/reset")
    assert browser.jar["_session"] != logged_in
    assert browser.go("GET", "/")[1].splitlines()[1] == "Hello, ada!"

    status, _ = browser.go("POST", "/logout")
    assert status == 303
    assert browser.go("GET", "/")[1].splitlines()[1] == "Not logged in."

    stranger.jar["_session"] = logged_in  # a stolen, rotated-away token
    assert stranger.go("GET", "/")[1].splitlines()[1] == "Not logged in."
