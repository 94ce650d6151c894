"""Run a harness of this folder in node, one JSON request in, one JSON reply out."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any


def run_node(folder: Path, script: str, request: dict[str, Any]) -> dict[str, Any]:
    """Run *script* in *folder* with *request* on stdin; its JSON reply."""
    node_bin = shutil.which("node")
    assert node_bin is not None
    done = subprocess.run(
        [node_bin, script], cwd=folder, input=json.dumps(request),
        capture_output=True, text=True, check=True, timeout=300,
    )
    reply: dict[str, Any] = json.loads(done.stdout)
    return reply
