"""32 concurrent clients against both stacks in real servers.

The WSGI demo in waitress (multi-threaded) and the FastAPI recipe with the ASGI
middlewares in uvicorn (one event loop, interleaved requests). Every client has
its own cookie; no response may carry another client's session token, none may
fail with a 5xx, and the server must shut down cleanly.
"""

from __future__ import annotations

import http.client
import signal
import threading
import time
from dataclasses import dataclass, field

import pytest

from tests.load.servers import start_server

CLIENTS = 32
REQUESTS_PER_CLIENT = 40
RESET_EVERY = 7
INTRO = "Your session token is: "


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    owners: dict[str, int] = field(default_factory=dict)
    leaks: int = 0
    server_errors: int = 0
    wrong_cookie: int = 0
    requests: int = 0
    problems: list[str] = field(default_factory=list)

    def claim(self, token: str, client: int) -> None:
        with self.lock:
            owner = self.owners.setdefault(token, client)
            if owner != client:
                self.leaks += 1
                self.problems.append(f"token {token[:8]} seen at clients {owner} and {client}")


def session_token(response: http.client.HTTPResponse) -> str | None:
    cookies = [c for c in response.msg.get_all("Set-Cookie") or [] if c.startswith("_session=")]
    if len(cookies) != 1:
        return None
    return cookies[0].split(";", 1)[0].removeprefix("_session=")


def run_client(client: int, port: int, tally: Tally) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    token: str | None = None
    try:
        for number in range(REQUESTS_PER_CLIENT):
            path = "/reset" if number % RESET_EVERY == RESET_EVERY - 1 else "/"
            headers = {"Cookie": f"_session={token}"} if token else {}
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read().decode()
            with tally.lock:
                tally.requests += 1
                if response.status >= 500:
                    tally.server_errors += 1
            sent = session_token(response)
            if sent is None:
                with tally.lock:
                    tally.wrong_cookie += 1
                    tally.problems.append(f"client {client}: Set-Cookie {response.msg}")
                continue
            tally.claim(sent, client)
            if path == "/" and token is not None and sent != token:
                with tally.lock:
                    tally.wrong_cookie += 1
            if path == "/reset" and sent == token:
                with tally.lock:
                    tally.wrong_cookie += 1
            if path == "/" and body.splitlines()[0] != INTRO + sent:
                with tally.lock:
                    tally.wrong_cookie += 1
            token = sent
    finally:
        connection.close()


@pytest.mark.parametrize("script", [pytest.param("serve.py", id="wsgi-waitress"),
                                    pytest.param("serve_asgi.py", id="asgi-uvicorn")])
def test_32_clients_never_see_each_others_sessions(
    script: str, capsys: pytest.CaptureFixture[str]
) -> None:
    process, port = start_server(script)
    tally = Tally()
    threads = [threading.Thread(target=run_client, args=(client, port, tally))
               for client in range(CLIENTS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.perf_counter() - start
    assert not any(thread.is_alive() for thread in threads)

    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)

    with capsys.disabled():
        print(f"\nload: {tally.requests} requests from {CLIENTS} clients in {elapsed:.2f} s "
              f"= {tally.requests / elapsed:.0f} requests/s; leaks: {tally.leaks}; "
              f"5xx: {tally.server_errors}")
    assert tally.requests == CLIENTS * REQUESTS_PER_CLIENT
    assert tally.leaks == 0, tally.problems[:5]
    assert tally.server_errors == 0
    assert tally.wrong_cookie == 0, tally.problems[:5]
    resets = REQUESTS_PER_CLIENT // RESET_EVERY
    assert len(tally.owners) == CLIENTS * (1 + resets)
    assert process.returncode == 0, err
    assert out == "stopped\n"
