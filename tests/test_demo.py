"""The demo app: its pages through WebOb, the login flow on memory and on a real
Redis, the command as a user runs it, and two processes sharing one Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

import pytest
from webob import Request

from session_middleware import new_token
from session_middleware.demo import MemoryStore, RedisStore, SessionStore, make_app
from tests.demo_server import Browser, running_demo, stop_demo

INTRO = "Your session token is: "


class Client:
    """Drives a WSGI app through WebOb, keeping the session cookie like a browser."""

    def __init__(self, app: Any, token: str | None = None) -> None:
        self.app = app
        self.token = token

    def request(self, path: str, **kwargs: Any) -> Any:
        headers = {"Cookie": f"_session={self.token}"} if self.token else {}
        response = Request.blank(path, headers=headers, **kwargs).get_response(self.app)
        set_cookies = response.headers.getall("Set-Cookie")
        assert len(set_cookies) == 1, set_cookies
        self.token = set_cookies[0].split(";", 1)[0].removeprefix("_session=")
        return response

    def page(self) -> list[str]:
        response = self.request("/")
        assert response.status_int == 200
        lines: list[str] = response.text.splitlines()
        assert lines[0] == INTRO + str(self.token)
        return lines


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> SessionStore:
    if request.param == "memory":
        return MemoryStore(idle_timeout=3600)
    url = request.getfixturevalue("redis_url")
    request.getfixturevalue("redis_client")  # a flushed database
    return RedisStore.from_url(url, idle_timeout=3600)


def test_index_shows_the_token(store: SessionStore) -> None:
    client = Client(make_app(store))
    assert client.page()[1] == "You are not logged in. Log in at /login."
    first = client.token
    client.page()
    assert client.token == first


def test_reset_redirects_with_a_new_token(store: SessionStore) -> None:
    client = Client(make_app(store))
    client.page()
    old = client.token
    response = client.request("/reset")
    assert response.status_int == 302
    assert response.location == "http://localhost/"
    assert client.token != old
    client.page()


def test_login_flow_is_fixation_safe(store: SessionStore) -> None:
    app = make_app(store)
    planted = new_token()  # an attacker's token, planted in the victim's browser
    victim = Client(app, planted)
    assert victim.page()[0] == INTRO + planted

    form = victim.request("/login")
    assert form.status_int == 200
    assert '<form method="post" action="/login">' in form.text

    response = victim.request("/login", POST={"user": "alice"})
    assert response.status_int == 303
    assert victim.token != planted
    assert victim.page()[1] == "Hello, alice! You are logged in. Log out at /logout."

    attacker = Client(app, planted)
    assert attacker.page()[1] == "You are not logged in. Log in at /login."

    logged_in = victim.token
    assert victim.request("/logout", POST={}).status_int == 303
    assert victim.token != logged_in
    assert victim.page()[1] == "You are not logged in. Log in at /login."
    assert Client(app, logged_in).page()[1] == "You are not logged in. Log in at /login."


@pytest.mark.parametrize(
    ("path", "kwargs", "status"),
    [
        pytest.param("/login", {"POST": {"user": ""}}, 400, id="empty-user"),
        pytest.param("/login", {"POST": {"user": "x" * 65}}, 400, id="long-user"),
        pytest.param("/login", {"method": "PUT"}, 405, id="login-put"),
        pytest.param("/logout", {"method": "DELETE"}, 405, id="logout-delete"),
        pytest.param("/nowhere", {}, 404, id="not-found"),
    ],
)
def test_bad_requests(path: str, kwargs: dict[str, Any], status: int) -> None:
    response = Client(make_app(MemoryStore(60))).request(path, **kwargs)
    assert response.status_int == status


def test_rejected_login_escapes_the_name() -> None:
    response = Client(make_app(MemoryStore(60))).request("/login", POST={"user": "<b>\x00"})
    assert response.status_int == 400
    assert "Not a valid user name: &#x27;&lt;b&gt;\\x00&#x27;" in response.text


def test_demo_cookie_rolls_with_the_idle_timeout() -> None:
    response = Request.blank("/").get_response(make_app(MemoryStore(60), max_age=60))
    assert response.headers["Set-Cookie"].endswith("; Max-Age=60; Path=/; HttpOnly")


def test_memory_store_forgets_idle_sessions(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr("session_middleware.demo.store.time.monotonic", lambda: now[0])
    store = MemoryStore(idle_timeout=10)
    store.set("t", "alice")
    now[0] += 9
    assert store.get("t") == "alice"  # use refreshes the idle deadline
    now[0] += 9
    assert store.get("t") == "alice"
    now[0] += 10
    assert store.get("t") is None


def test_redis_store_expires_idle_sessions(redis_url: str, redis_client: Any) -> None:
    store = RedisStore.from_url(redis_url, idle_timeout=100)
    store.set("t", "alice")
    assert 0 < redis_client.ttl("session:t") <= 100
    redis_client.expire("session:t", 5)
    assert store.get("t") == "alice"
    assert redis_client.ttl("session:t") > 5  # refreshed by the read
    store.delete("t")
    assert store.get("t") is None


@pytest.mark.parametrize("signum", [pytest.param(signal.SIGINT, id="ctrl-c"),
                                    pytest.param(signal.SIGTERM, id="sigterm")])
def test_the_command_serves_the_pages_and_stops_cleanly(signum: int) -> None:
    with running_demo() as demo:
        browser = Browser()
        lines = browser.get(demo.url).splitlines()
        assert lines[0] == INTRO + str(browser.cookie("_session"))
        browser.post(demo.url + "login", {"user": "bob"})
        assert browser.get(demo.url).splitlines()[1].startswith("Hello, bob!")
        status, out, err = stop_demo(demo, signum)
    assert status == 0
    assert out == "Stopped.\n"
    assert "Traceback" not in err


def run_command(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "session_middleware.demo", *args],
        capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        pytest.param(("--port", "70000"), {}, "error: cannot listen on 127.0.0.1:70000: ",
                     id="port-out-of-range"),
        pytest.param(("--port", "1", "--host", "256.0.0.1"), {},
                     "error: cannot listen on 256.0.0.1:1: ", id="bad-host"),
        pytest.param(("--port", "0", "--idle-timeout", "0"), {},
                     "error: --idle-timeout must be positive, got 0", id="bad-idle-timeout"),
        pytest.param(("--port", "0"), {"REDIS_URL": "redis://127.0.0.1:1/0"},
                     "error: cannot reach Redis at redis://127.0.0.1:1/0: ", id="redis-down"),
        pytest.param(("--port", "0"), {"REDIS_URL": "nonsense://x"},
                     "error: cannot reach Redis at nonsense://x: ", id="redis-bad-url"),
    ],
)
def test_command_errors_are_one_line(args: tuple[str, ...], env: dict[str, str],
                                     message: str) -> None:
    result = run_command(*args, env=env)
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_port_in_use_is_one_line() -> None:
    with running_demo() as demo:
        port = demo.url.rsplit(":", 1)[1].rstrip("/")
        result = run_command("--port", port)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: cannot listen on 127.0.0.1:{port}: ")
    assert result.stderr.count("\n") == 1


def test_two_processes_share_one_redis(redis_url: str, redis_client: Any) -> None:
    """Scale-out: the library keeps no state, so a shared store is all it takes."""
    env = {"REDIS_URL": redis_url}
    with running_demo(env=env) as one, running_demo(env=env) as two:
        assert one.url != two.url
        browser = Browser()
        browser.get(one.url)
        browser.post(one.url + "login", {"user": "carol"})
        token = browser.cookie("_session")
        for round_ in range(6):
            demo = (one, two)[round_ % 2]
            lines = browser.get(demo.url).splitlines()
            assert lines == [INTRO + str(token),
                             "Hello, carol! You are logged in. Log out at /logout."]
        browser.get(two.url + "logout")
        assert browser.cookie("_session") != token
        for demo in (one, two):
            assert browser.get(demo.url).splitlines()[1] == (
                "You are not logged in. Log in at /login."
            )
        assert browser_with(token).get(one.url).splitlines()[1] == (
            "You are not logged in. Log in at /login."
        )


def browser_with(token: str | None) -> Browser:
    """A second browser that presents someone else's (now logged-out) token."""
    browser = Browser()
    browser.opener.addheaders.append(("Cookie", f"_session={token}"))
    return browser
