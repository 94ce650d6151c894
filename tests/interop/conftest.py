"""The real npm packages, installed once per test session into a temporary folder."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.services import missing

HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def npm_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with package.json's pinned packages installed, and the harnesses."""
    node_bin, npm_bin = shutil.which("node"), shutil.which("npm")
    if node_bin is None or npm_bin is None:
        missing("node and npm are needed for the interop tests (.ci/run installs them)")
        raise AssertionError  # unreachable: missing() skips or fails
    folder = tmp_path_factory.mktemp("interop")
    for path in HERE.glob("*.js"):
        shutil.copy(path, folder / path.name)
    shutil.copy(HERE / "package.json", folder / "package.json")
    subprocess.run(
        [npm_bin, "install", "--no-audit", "--no-fund", "--ignore-scripts", "--silent"],
        cwd=folder, check=True, timeout=600, capture_output=True,
    )
    return folder
