"""A real Express app (express-session on connect-redis) and the Python recipe,
against one real redis-server, with one browser-like cookie jar between them.

Runs docs/examples/express_app.js in node and docs/examples/express_shared_redis.py
in a thread: a login on either side is seen by the other, and a logout on either
side ends it on both.
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.services import serve_wsgi

EXAMPLES = Path(__file__).parent.parent.parent / "docs" / "examples"
SECRETS = ["newest secret", "older secret"]
# As an operator may write them: with a trailing comma, which both sides must skip.
SECRETS_TEXT = ",".join(SECRETS) + ","


class Jar:
    """One browser's cookies for one host (ports share cookies, as browsers do)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, base: str, method: str, path: str,
                form: dict[str, str] | None = None) -> tuple[int, Any]:
        parts = urllib.parse.urlsplit(base)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            for value in response.msg.get_all("Set-Cookie") or []:
                self.receive(value)
        finally:
            connection.close()
        return response.status, json.loads(payload) if payload.startswith(b"{") else payload

    def receive(self, set_cookie: str) -> None:
        pair, *attributes = [part.strip() for part in set_cookie.split(";")]
        name, _, value = pair.partition("=")
        expired = any(a.lower().startswith("expires=thu, 01 jan 1970") or
                      a.lower() == "max-age=0" for a in attributes)
        if expired:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value

    def who(self, base: str) -> str | None:
        status, body = self.request(base, "GET", "/whoami")
        assert status == 200, body
        user: str | None = body["user"]
        return user


@pytest.fixture
def express(npm_folder: Path, redis_url: str, redis_client: Any) -> Iterator[str]:
    shutil.copy(EXAMPLES / "express_app.js", npm_folder / "express_app.js")
    node = shutil.which("node")
    assert node is not None
    process = subprocess.Popen(
        [node, "express_app.js"], cwd=npm_folder, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
        env={**os.environ, "REDIS_URL": redis_url, "PORT": "0",
             "SESSION_SECRETS": SECRETS_TEXT},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("listening "):
        process.kill()
        pytest.fail(f"the Express app did not start: {line!r} {process.communicate()[1]!r}")
    try:
        yield f"http://127.0.0.1:{line.split()[1]}/"
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)


@pytest.fixture
def python(redis_url: str, redis_client: Any) -> Iterator[str]:
    import redis

    spec = importlib.util.spec_from_file_location("express_shared_redis",
                                                  EXAMPLES / "express_shared_redis.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["express_shared_redis"] = module
    spec.loader.exec_module(module)
    client = redis.Redis.from_url(redis_url)
    server, url = serve_wsgi(module.make_app(client, module.secrets_from(SECRETS_TEXT)))
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()
        client.close()


def test_logins_and_logouts_hold_on_both_sides(express: str, python: str,
                                               redis_client: Any) -> None:
    jar = Jar()
    assert (jar.who(express), jar.who(python)) == (None, None)

    assert jar.request(express, "POST", "/login", {"user": "ada"})[0] == 303
    assert (jar.who(express), jar.who(python)) == ("ada", "ada")

    assert jar.request(python, "POST", "/logout", {})[0] == 303
    assert (jar.who(express), jar.who(python)) == (None, None)

    assert jar.request(python, "POST", "/login", {"user": "bob"})[0] == 303
    assert (jar.who(python), jar.who(express)) == ("bob", "bob")
    (key,) = redis_client.keys("sess:*")
    record = json.loads(redis_client.get(key))
    assert record["user"] == "bob"
    assert record["cookie"]["originalMaxAge"] == 14 * 24 * 3600 * 1000
    assert (record["cookie"]["httpOnly"], record["cookie"]["path"],
            record["cookie"]["sameSite"]) == (True, "/", "lax")
    assert 14 * 24 * 3600 - 60 < redis_client.ttl(key) <= 14 * 24 * 3600

    assert jar.request(express, "POST", "/logout", {})[0] == 303
    assert (jar.who(python), jar.who(express)) == (None, None)
    assert redis_client.keys("sess:*") == []


def test_a_forged_or_foreign_cookie_is_refused_by_both(express: str, python: str) -> None:
    jar = Jar()
    jar.request(express, "POST", "/login", {"user": "ada"})
    value = jar.cookies["connect.sid"]
    jar.cookies["connect.sid"] = value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB")
    assert (jar.who(express), jar.who(python)) == (None, None)


def test_session_data_is_one_record_for_both_sides(express: str, python: str,
                                                   redis_client: Any) -> None:
    jar = Jar()
    jar.request(express, "POST", "/cart", {"item": "from express"})
    assert jar.request(python, "GET", "/whoami")[1]["cart"] == ["from express"]

    jar.request(python, "POST", "/cart", {"item": "from python"})
    assert jar.request(express, "GET", "/whoami")[1]["cart"] == ["from express", "from python"]

    # A login on the Python side keeps the cart (the data moves to the new id),
    # as express-session's regenerate would not: Express reads the user and the cart.
    old = jar.cookies["connect.sid"]
    jar.request(python, "POST", "/login", {"user": "ada"})
    assert jar.cookies["connect.sid"] != old
    assert jar.request(express, "GET", "/whoami")[1] == {
        "side": "express", "user": "ada", "cart": ["from express", "from python"]}
    (key,) = redis_client.keys("sess:*")
    assert list(json.loads(redis_client.get(key))) == ["cookie", "cart", "user"]

    jar.request(express, "POST", "/cart", {"item": "after login"})
    assert jar.request(python, "GET", "/whoami")[1] == {
        "side": "python", "user": "ada", "cart": ["from express", "from python", "after login"]}

    # A replayed pre-login cookie finds nothing on either side.
    replay = Jar()
    replay.cookies["connect.sid"] = old
    assert (replay.who(express), replay.who(python)) == (None, None)

    jar.request(express, "POST", "/logout", {})
    assert jar.request(python, "GET", "/whoami")[1] == {"side": "python", "user": None,
                                                          "cart": []}
    assert redis_client.keys("sess:*") == []
