"""Two app processes, a waitress (WSGI) one and a uvicorn (ASGI) one, on one
RedisStore: a login in one is seen by the other, and ``logout_everywhere`` in
one ends the user's sessions in both."""

from __future__ import annotations

import http.client
import signal
from collections.abc import Iterator

import pytest

from tests.load.servers import start_server


def get(port: int, path: str, token: str | None = None) -> tuple[str, str | None]:
    """GET *path* with the session cookie *token*: the body and the new token, if any."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Cookie": f"_session={token}"} if token else {})
        response = connection.getresponse()
        cookies = [v for k, v in response.getheaders() if k.lower() == "set-cookie"]
        body = response.read().decode()
    finally:
        connection.close()
    sent = [c.split(";", 1)[0].removeprefix("_session=") for c in cookies
            if c.startswith("_session=")]
    return body, sent[0] if sent else None


@pytest.fixture
def servers(redis_url: str, redis_client: object) -> Iterator[dict[str, int]]:
    started = {kind: start_server("serve_shared_store.py", kind, redis_url)
               for kind in ("wsgi", "asgi")}
    try:
        yield {kind: port for kind, (_, port) in started.items()}
    finally:
        for process, _ in started.values():
            process.send_signal(signal.SIGINT)
            process.communicate(timeout=30)


@pytest.mark.parametrize(("here", "there"), [pytest.param("wsgi", "asgi", id="wsgi-to-asgi"),
                                             pytest.param("asgi", "wsgi", id="asgi-to-wsgi")])
def test_a_login_in_one_process_is_seen_in_the_other(servers: dict[str, int], here: str,
                                                     there: str) -> None:
    body, token = get(servers[here], "/login?user=ada")
    assert body == "logged in"
    assert token is not None
    assert get(servers[there], "/whoami", token)[0] == "ada"


def test_logout_everywhere_in_one_process_ends_the_sessions_of_both(
        servers: dict[str, int]) -> None:
    _, first = get(servers["wsgi"], "/login?user=ada")
    _, second = get(servers["asgi"], "/login?user=ada")
    assert first is not None
    assert second is not None
    assert get(servers["asgi"], "/logout-everywhere", first)[0] == "2"
    assert get(servers["wsgi"], "/whoami", second)[0] == "None"
    assert get(servers["asgi"], "/whoami", first)[0] == "None"
