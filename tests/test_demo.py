"""The demo app: its pages through WebOb, the login flow on memory and on a real
Redis, the command as a user runs it, and two processes sharing one Redis."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from webob import Request

from session_middleware import new_token
from session_middleware.demo import make_app
from session_middleware.stores import MemoryStore, RedisStore, Store
from tests.demo_server import Browser, PageFacts, running_demo, stop_demo


class Client:
    """Drives a WSGI app through WebOb, keeping the session cookie like a browser."""

    def __init__(self, app: Any, token: str | None = None) -> None:
        self.app = app
        self.token = token
        self.csrf: str | None = None

    def request(self, path: str, **kwargs: Any) -> Any:
        headers = {"Cookie": f"_session={self.token}"} if self.token else {}
        headers.update(kwargs.pop("headers", {}))
        response = Request.blank(path, headers=headers, **kwargs).get_response(self.app)
        for value in response.headers.getall("Set-Cookie"):
            self.token = value.split(";", 1)[0].removeprefix("_session=")
        return response

    def page(self) -> PageFacts:
        response = self.request("/")
        assert response.status_int == 200
        facts = PageFacts(response.text)
        assert facts.token == self.token
        self.csrf = facts.csrf
        return facts

    def post(self, path: str, **fields: str) -> Any:
        if self.csrf is None:
            self.page()
        return self.request(path, POST={"csrf": str(self.csrf), **fields})


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> Store:
    if request.param == "memory":
        return MemoryStore(idle_timeout=3600)
    import redis

    url = request.getfixturevalue("redis_url")
    request.getfixturevalue("redis_client")  # a flushed database
    return RedisStore(redis.Redis.from_url(url), idle_timeout=3600)


def test_index_shows_the_token_and_keeps_it(store: Store) -> None:
    client = Client(make_app(store))
    response = client.request("/")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers.getall("Set-Cookie") == [
        f"_session={client.token}; Path=/; HttpOnly; SameSite=Lax"]
    facts = client.page()
    assert (facts.logged_in, facts.user) == (False, None)
    assert facts.forms == ["/login", "/reset"]
    first = client.token
    client.page()
    assert client.token == first


def test_login_flow_is_fixation_safe(store: Store) -> None:
    app = make_app(store)
    planted = new_token()  # an attacker's token, planted in the victim's browser
    victim = Client(app, planted)
    assert victim.page().token == planted

    response = victim.post("/login", user="alice")
    assert response.status_int == 303
    assert response.headers["Cache-Control"] == "no-store"
    assert victim.token != planted
    facts = victim.page()
    assert (facts.logged_in, facts.user, facts.forms) == (
        True, "alice", ["/reset", "/logout", "/logout-everywhere"])
    assert not Client(app, planted).page().logged_in

    logged_in = victim.token
    assert victim.post("/logout").status_int == 303
    assert victim.token != logged_in
    assert not victim.page().logged_in
    assert not Client(app, logged_in).page().logged_in


def test_reset_carries_the_login_and_ends_the_old_token(store: Store) -> None:
    app = make_app(store)
    client = Client(app)
    client.post("/login", user="alice")
    before = client.token
    client.page()
    assert client.post("/reset").status_int == 303
    assert client.token != before
    assert client.page().user == "alice"
    assert not Client(app, before).page().logged_in  # the old token is logged out


@pytest.mark.parametrize(
    ("method", "path", "status", "allow"),
    [
        pytest.param("GET", "/reset", 405, "POST", id="get-reset"),
        pytest.param("GET", "/logout", 405, "POST", id="get-logout"),
        pytest.param("PUT", "/login", 405, "GET, POST", id="put-login"),
        pytest.param("DELETE", "/logout", 405, "POST", id="delete-logout"),
        pytest.param("GET", "/nowhere", 404, None, id="not-found"),
    ],
)
def test_state_changes_take_a_post(method: str, path: str, status: int,
                                   allow: str | None) -> None:
    response = Client(make_app(MemoryStore(60))).request(path, method=method)
    assert response.status_int == status
    assert response.headers.get("Allow") == allow
    assert response.content_type == "text/html"


@pytest.mark.parametrize(
    ("fields", "headers"),
    [
        pytest.param({}, {}, id="no-csrf-token"),
        pytest.param({"csrf": "0" * 64}, {}, id="wrong-csrf-token"),
        pytest.param(None, {"Sec-Fetch-Site": "cross-site"}, id="cross-site"),
    ],
)
def test_forged_forms_are_refused(fields: dict[str, str] | None, headers: dict[str, str]) -> None:
    app = make_app(MemoryStore(60))
    client = Client(app)
    client.post("/login", user="alice")
    token = client.token
    form = {"csrf": str(client.page().csrf)} if fields is None else fields
    for path in ("/logout", "/reset", "/login"):
        response = client.request(path, POST={**form, "user": "mallory"}, headers=headers)
        assert response.status_int == 403
        assert client.token == token
    assert client.page().user == "alice"


def test_rejected_login_escapes_the_name() -> None:
    client = Client(make_app(MemoryStore(60)))
    response = client.post("/login", user="<b>\x00")
    assert response.status_int == 400
    assert PageFacts(response.text).error == "Not a valid user name: '<b>\\x00'"
    assert "&lt;b&gt;" in response.text


def test_favicon() -> None:
    response = Request.blank("/favicon.svg").get_response(make_app(MemoryStore(60)))
    assert (response.status_int, response.content_type) == (200, "image/svg+xml")
    assert response.body.startswith(b"<svg")


def test_demo_cookie_rolls_with_the_idle_timeout() -> None:
    response = Request.blank("/").get_response(make_app(MemoryStore(60), max_age=60))
    assert response.headers["Set-Cookie"].endswith("; Max-Age=60; Path=/; HttpOnly; SameSite=Lax")


def test_a_login_flood_stays_within_the_cap() -> None:
    store = MemoryStore(idle_timeout=7 * 86400, max_entries=1000)
    app = make_app(store)
    clients = [Client(app) for _ in range(1500)]  # 1500 browsers, one login each
    for number, client in enumerate(clients):
        client.post("/login", user=f"user{number}")
    assert len(store) == 1000
    assert clients[-1].page().user == "user1499"
    assert not clients[0].page().logged_in  # the oldest login made room


def test_logout_everywhere_ends_the_users_other_sessions(store: Store) -> None:
    app = make_app(store)
    laptop, phone, other = Client(app), Client(app), Client(app)
    laptop.post("/login", user="alice")
    phone.post("/login", user="alice")
    other.post("/login", user="bob")
    laptop.page()
    assert laptop.post("/logout-everywhere").status_int == 303
    assert not laptop.page().logged_in
    assert not phone.page().logged_in
    assert other.page().user == "bob"


@pytest.mark.parametrize("signum", [pytest.param(signal.SIGINT, id="ctrl-c"),
                                    pytest.param(signal.SIGTERM, id="sigterm")])
def test_the_command_serves_the_pages_and_stops_cleanly(signum: int) -> None:
    with running_demo() as demo:
        browser = Browser()
        facts = PageFacts(browser.get(demo.url))
        assert facts.token == browser.cookie("_session")
        browser.post(demo.url + "login", {"user": "bob", "csrf": str(facts.csrf)})
        assert PageFacts(browser.get(demo.url)).user == "bob"
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
        pytest.param(("--port", "0", "--max-sessions", "0"), {},
                     "error: --max-sessions must be at least 1, got 0", id="bad-cap"),
        pytest.param(("--port", "0"), {"REDIS_URL": "redis://127.0.0.1:1/0"},
                     "error: cannot reach Redis at redis://127.0.0.1:1/0: ", id="redis-down"),
        pytest.param(("--port", "0"), {"REDIS_URL": "nonsense://x"},
                     "error: cannot reach Redis at nonsense://x: ", id="redis-bad-url"),
        pytest.param(("--port", "0"), {"ENV": "production"},
                     "error: ENV=production makes the session cookie Secure, but this demo "
                     "serves plain http: run it behind an https proxy with --trust-proxy, "
                     "or unset ENV", id="production-over-http"),
    ],
)
def test_command_errors_are_one_line(args: tuple[str, ...], env: dict[str, str],
                                     message: str) -> None:
    result = run_command(*args, env=env)
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_production_behind_a_trusted_proxy() -> None:
    with running_demo("--trust-proxy", env={"ENV": "production"}) as demo:
        browser = Browser()
        browser.opener.addheaders.append(("X-Forwarded-Proto", "https"))
        with browser.opener.open(demo.url, timeout=10) as response:
            assert response.status == 200
            cookie = response.headers["Set-Cookie"]
    assert cookie.endswith("; Path=/; HttpOnly; Secure; SameSite=Lax")


def test_help_lists_every_option_and_variable() -> None:
    result = run_command("--help")
    assert result.returncode == 0
    for word in ("--host", "--port", "--redis-url", "--idle-timeout", "--max-sessions",
                 "--trust-proxy", "PORT", "REDIS_URL", "SESSION_IDLE_TIMEOUT", "ENV",
                 "DEMO_ACCESS_LOG", "default 8000", "604800", "100000", "127.0.0.1"):
        assert word in result.stdout, word


def test_port_in_use_is_one_line() -> None:
    with running_demo() as demo:
        port = demo.url.rsplit(":", 1)[1].rstrip("/")
        result = run_command("--port", port)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: cannot listen on 127.0.0.1:{port}: ")
    assert result.stderr.count("\n") == 1


def test_two_processes_share_one_redis(redis_url: str, redis_client: Any) -> None:
    """Scale-out: a form served by one process is accepted by the other."""
    env = {"REDIS_URL": redis_url}
    with running_demo(env=env) as one, running_demo(env=env) as two:
        assert one.url != two.url
        browser = Browser()
        facts = PageFacts(browser.get(one.url))
        browser.post(two.url + "login", {"user": "carol", "csrf": str(facts.csrf)})
        token = browser.cookie("_session")
        for round_ in range(4):
            facts = PageFacts(browser.get((one, two)[round_ % 2].url))
            assert (facts.token, facts.user) == (token, "carol")
        browser.post(one.url + "logout", {"csrf": str(facts.csrf)})  # a form from `two`
        assert browser.cookie("_session") != token
        for demo in (one, two):
            assert not PageFacts(browser.get(demo.url)).logged_in
        stranger = Browser()
        stranger.opener.addheaders.append(("Cookie", f"_session={token}"))
        assert not PageFacts(stranger.get(one.url)).logged_in


# Fuzzing the demo: whatever a client sends, a 4xx at worst ----------------------------

FUZZ_STORE = MemoryStore(idle_timeout=3600)
FUZZ_APP = make_app(FUZZ_STORE)
_SESSION_PAGE = Request.blank("/").get_response(FUZZ_APP)
_FUZZ_TOKEN = _SESSION_PAGE.headers["Set-Cookie"].split(";", 1)[0].removeprefix("_session=")
_FUZZ_CSRF = str(PageFacts(_SESSION_PAGE.text).csrf)

raw_text = st.binary(max_size=40)
fuzz_paths = st.one_of(
    st.sampled_from([b"/", b"/login", b"/reset", b"/logout", b"/favicon.svg", b"/favicon.ico",
                     b"/nope", b"//login", b"/login/", b"/%6cogin", b"/\xff", b"/\xc3\xa9"]),
    raw_text.map(lambda b: b"/" + b),
)
fuzz_fields = st.one_of(
    st.sampled_from([_FUZZ_CSRF, "", "\u00e9", "\u00ff", _FUZZ_CSRF + "\u00e9"]),
    st.text(max_size=20),
)
fuzz_bodies = st.one_of(
    st.builds(lambda csrf, user: urlencode({"csrf": csrf, "user": user}).encode(),
              fuzz_fields, st.text(max_size=80)),
    st.sampled_from([b"csrf=%C3%A9", b"csrf=\xff", b"csrf=%ff%fe&user=%00",
                     b"user=\xff\xfe&csrf=" + _FUZZ_CSRF.encode(), b"\xff\xfe=1", b"&&=&"]),
    st.binary(max_size=80),
)
fuzz_content_types = st.sampled_from([
    None, "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=latin-1",
    "multipart/form-data", "multipart/form-data; boundary=x", "text/plain",
    "application/json", "application/x-www-form-urlencoded; charset=\xff",
])
fuzz_cookies = st.one_of(
    st.none(),
    st.sampled_from([f"_session={_FUZZ_TOKEN}".encode(), b"_session=" + b"\xff" * 256,
                     f"_session={_FUZZ_TOKEN}; _session=x".encode(), b"_session"]),
    st.binary(max_size=80),
)
fuzz_headers = st.dictionaries(
    st.sampled_from(["Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest", "Host",
                     "X-Forwarded-Proto", "Accept", "Content-Length", "Referer", "Origin"]),
    st.one_of(st.sampled_from([b"cross-site", b"same-origin", b"navigate", b"document",
                               b"https", b"-1", b"99999999999"]), raw_text),
    max_size=4,
)


@pytest.mark.parametrize(
    ("path", "body", "content_type", "status"),
    [
        pytest.param("/login", b"csrf=%C3%A9", None, 403, id="non-ascii-csrf"),
        pytest.param("/login", b"csrf=\xff", None, 403, id="raw-ff-csrf"),
        pytest.param("/logout", b"csrf=" + _FUZZ_CSRF.encode() + b"%C3%A9", None, 403,
                     id="valid-csrf-then-non-ascii"),
        pytest.param("/login", b"--x", "multipart/form-data", 400, id="multipart-no-boundary"),
        pytest.param("/login", b"csrf=x", "application/x-www-form-urlencoded; charset=nope",
                     400, id="unknown-charset"),
        pytest.param("/login", b"csrf=x", "application/x-www-form-urlencoded; charset=latin-1",
                     400, id="charset-not-utf8"),
        pytest.param("/\x80", b"", None, 404, id="path-not-utf8"),
        pytest.param("/login", b"user=\xff&csrf=" + _FUZZ_CSRF.encode(), None, 303,
                     id="user-not-utf8-still-logs-in"),
        pytest.param("/login", b"csrf=x", None, 400, id="body-shorter-than-its-length",
                     marks=pytest.mark.content_length(100)),
        pytest.param("/login", b"csrf=x", None, 413, id="body-too-large-never-read",
                     marks=pytest.mark.content_length(10**9)),
    ],
)
def test_odd_forms_and_paths_get_a_4xx(request: pytest.FixtureRequest, path: str, body: bytes,
                                       content_type: str | None, status: int) -> None:
    posted = Request.blank("/", method="POST", body=body,
                           headers={"Cookie": f"_session={_FUZZ_TOKEN}"},
                           content_type=content_type or "application/x-www-form-urlencoded")
    posted.environ["PATH_INFO"] = path
    length = request.node.get_closest_marker("content_length")
    if length is not None:  # a client that claims more than it sends
        posted.environ["CONTENT_LENGTH"] = str(length.args[0])
        # As a server hands the body over: a stream read up to the length claimed.
        posted.environ["wsgi.input"] = io.BytesIO(body)
        posted.environ.pop("webob.is_body_seekable", None)
    assert posted.get_response(FUZZ_APP).status_code == status


def test_a_production_demo_over_plain_http_answers_and_changes_nothing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Behind trust_proxy, a request that reaches the demo over plain http (a
    health check, a client that goes around the proxy) gets its page without the
    Secure cookie, and a login there is refused before the store changes."""
    monkeypatch.setenv("ENV", "production")
    store = MemoryStore(idle_timeout=3600)
    app = make_app(store, trust_proxy=True)
    token = new_token()
    page = Request.blank("/", headers={"Cookie": f"_session={token}"}).get_response(app)
    assert (page.status_code, page.headers.getall("Set-Cookie")) == (200, [])
    csrf = str(PageFacts(page.text).csrf)
    login = Request.blank("/login", POST={"csrf": csrf, "user": "ada"},
                          headers={"Cookie": f"_session={token}"}).get_response(app)
    assert login.status_code == 403
    assert "https only" in login.text
    assert store.load(token) is None


@settings(max_examples=300, deadline=None)
@given(method=st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "BREW"]),
       path=fuzz_paths, body=fuzz_bodies, content_type=fuzz_content_types,
       cookie=fuzz_cookies, headers=fuzz_headers)
def test_no_request_makes_the_demo_fail(method: str, path: bytes, body: bytes,
                                        content_type: str | None, cookie: bytes | None,
                                        headers: dict[str, bytes]) -> None:
    request = Request.blank("/", method=method)
    environ = request.environ
    # As a WSGI server hands them over (PEP 3333): the bytes read as latin-1.
    environ["PATH_INFO"] = path.decode("latin-1")
    for name, value in headers.items():
        environ[f"HTTP_{name.upper().replace('-', '_')}"] = value.decode("latin-1")
    if cookie is not None:
        environ["HTTP_COOKIE"] = cookie.decode("latin-1")
    request.body = body
    if content_type is not None:
        environ["CONTENT_TYPE"] = content_type
    errors = io.StringIO()
    environ["wsgi.errors"] = errors
    response = request.get_response(FUZZ_APP)
    assert response.status_code < 500, response.text
    assert errors.getvalue() == ""


def test_the_demo_runs_without_redis_installed() -> None:
    """redis-py is optional (the README's first command installs no extra): the demo
    starts on the memory store without it."""
    hide_redis = ("import runpy, sys; sys.modules['redis'] = None; "
                  "sys.argv = ['demo', '--help']; "
                  "runpy.run_module('session_middleware.demo', run_name='__main__')")
    result = subprocess.run([sys.executable, "-c", hide_redis], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m session_middleware.demo")
