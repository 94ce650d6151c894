"""Shared fixtures: a real redis-server on loopback and a headless Chromium, started
and stopped by the tests.

A service that is missing skips its tests with a reason, unless the environment
variable ``REQUIRE_SERVICES`` is set (``.ci/run`` sets it): then it fails them, so
a CI run cannot turn green by skipping what it failed to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.services import CHROMIUM_FLAGS, free_port, missing


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private redis-server on 127.0.0.1; skipped with a reason when absent."""
    binary = shutil.which("redis-server")
    if binary is None:
        missing("redis-server is not installed (apt-get install redis-server); "
                ".ci/run installs it so CI runs these tests")
        raise AssertionError  # unreachable: missing() skips or fails
    import redis

    port = free_port()
    workdir: Path = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--appendonly", "no", "--dir", str(workdir), "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        for _ in range(100):  # bounded: at most ~5 s for the server to come up
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if server.poll() is not None:
                    pytest.fail(f"redis-server exited with status {server.returncode}")
                time.sleep(0.05)
        else:
            pytest.fail("redis-server did not answer PING within 5 s")
        yield url
    finally:
        client.close()
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def redis_cluster_nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[int]]:
    """A real Redis Cluster of three masters on 127.0.0.1, started from the
    redis-server binary in cluster mode; yields the three ports."""
    binary = shutil.which("redis-server")
    if binary is None:
        missing("redis-server is not installed (apt-get install redis-server); "
                ".ci/run installs it so CI runs these tests")
        raise AssertionError  # unreachable: missing() skips or fails
    import redis

    workdir: Path = tmp_path_factory.mktemp("redis-cluster")
    ports = [free_port() for _ in range(3)]
    buses = [free_port() for _ in range(3)]  # the cluster bus of each node
    servers = [subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--cluster-enabled", "yes",
         "--cluster-port", str(bus), "--cluster-config-file", f"nodes-{port}.conf",
         "--save", "", "--appendonly", "no", "--dir", str(workdir), "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        for port, bus in zip(ports, buses, strict=True)]
    clients: list[Any] = [redis.Redis(host="127.0.0.1", port=port) for port in ports]
    try:
        for client in clients:
            _wait_for(lambda client=client: client.ping(), "a cluster node to answer PING")
        # 16384 slots in three ranges, one per master, then the nodes meet.
        for index, client in enumerate(clients):
            client.execute_command("CLUSTER ADDSLOTSRANGE", index * 5462,
                                   min(16383, index * 5462 + 5461))
        for port, bus in zip(ports[1:], buses[1:], strict=True):
            clients[0].execute_command("CLUSTER MEET", "127.0.0.1", port, bus)
        for client in clients:
            _wait_for(lambda client=client: client.execute_command("CLUSTER INFO")[
                          "cluster_state"] == "ok",
                      "the cluster to be ok")
        yield ports
    finally:
        for client in clients:
            client.close()
        for server in servers:
            server.terminate()
            server.wait(timeout=10)


def _wait_for(ready: Any, what: str) -> None:
    """Poll *ready* until it is true: at most 200 tries, 50 ms apart."""
    import redis

    for _ in range(200):
        try:
            if ready():
                return
        except redis.ConnectionError:
            pass
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mypy cache that every mypy run of a test session shares."""
    return tmp_path_factory.mktemp("mypy_cache")


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[object]:
    """A client on a freshly flushed database."""
    import redis

    client = redis.Redis.from_url(redis_url, decode_responses=True)
    client.flushdb()
    yield client
    client.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Headless Chromium driven by Playwright: the system chromium when there is
    one (Playwright's own download is not reachable everywhere), else Playwright's.

    Per module: Playwright's sync API keeps an event loop running in this thread
    while it is open, and other tests start event loops of their own."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        missing("playwright is not installed (pip install -e '.[test]')")
        raise AssertionError from None
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=executable,
                                                 args=CHROMIUM_FLAGS)
        except Error as error:
            missing(f"no Chromium to drive (apt-get install chromium): {error.message[:200]}")
            raise AssertionError from None
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where browser tests leave screenshots: $ARTIFACTS_DIR, else ./artifacts."""
    folder = Path(os.environ.get("ARTIFACTS_DIR", "artifacts")) / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
