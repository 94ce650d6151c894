"""Helpers for tests that need real services: skip or fail when one is missing, and
serve a WSGI app from a thread."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]


def missing(reason: str) -> None:
    """Skip for a missing service, or fail when REQUIRE_SERVICES is set."""
    if os.environ.get("REQUIRE_SERVICES"):
        pytest.fail(f"{reason} (REQUIRE_SERVICES is set)")
    pytest.skip(reason)


def default_sigint() -> None:
    """``preexec_fn`` for a server the tests stop with SIGINT (Ctrl-C): a test run
    started in the background of a shell without job control (``cmd &``) ignores
    SIGINT, its children inherit that, and Python then never raises
    KeyboardInterrupt in them."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve_wsgi(app: Any, host: str = "127.0.0.1") -> tuple[WSGIServer, str]:
    """Serve *app* from a thread on *host* and a free port; returns the server
    (``shutdown()`` it) and its base URL."""
    server = make_server(host, 0, app, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_port}/"


def run_mypy(cache: Path, *arguments: str) -> str:
    """``mypy --strict`` with the project's configuration, in a process of its own:
    run in-process, mypy leaves millions of objects behind, and every later
    garbage collection of the test run pays for them. The runs of one test
    session share the *cache* folder, so the libraries are analysed once.
    Returns mypy's report."""
    pytest.importorskip("mypy")
    root = Path(__file__).parent.parent
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache),
         "--config-file", str(root / "pyproject.toml"), *arguments],
        capture_output=True, text=True, cwd=root, timeout=600)
    return result.stdout + result.stderr
