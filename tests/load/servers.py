"""Start the serve scripts of this folder as real server processes on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import default_sigint

NEEDS = {"serve.py": ["waitress"], "serve_asgi.py": ["uvicorn"],
         "serve_shared_store.py": ["waitress", "uvicorn", "redis"]}


def start_server(script: str, *args: str) -> tuple[subprocess.Popen[str], int]:
    """Start *script* (with *args*), wait for its ``listening <port>`` line, return
    process and port."""
    for module in NEEDS[script]:
        pytest.importorskip(module)
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name(script)), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=default_sigint,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("listening "):
        process.kill()
        pytest.fail(f"server did not start: {line!r} {process.communicate()[1]!r}")
    return process, int(line.split()[1])
