"""Every Python code block in README.md and docs/*.md runs alone and type-checks.

Each block is complete, imports and all, as a reader would copy it: it runs in a
namespace of its own, and ``mypy --strict`` checks it as a file of its own. A
block's asserts are its checks; an ``app`` it leaves behind must answer a request.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from webob import Request

from tests.asgi_driver import request as asgi_request
from tests.services import run_mypy

ROOT = Path(__file__).parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def python_blocks(path: Path) -> list[str]:
    return BLOCK.findall(path.read_text(encoding="utf-8"))


def _file_name(path: Path, number: int) -> str:
    return f"block_{path.stem.lower().replace('-', '_')}_{number}.py"


ALL_BLOCKS = [(path, number, code)
              for path in DOCUMENTS for number, code in enumerate(python_blocks(path), 1)]
BLOCKS = [pytest.param(path, number, code, id=f"{path.name}-{number}")
          for path, number, code in ALL_BLOCKS]


def test_the_docs_have_code() -> None:
    with_code = {path.name for path in DOCUMENTS if python_blocks(path)}
    assert with_code == {"README.md", "index.md", "cookies.md", "session.md", "security.md",
                         "porting.md", "asgi.md", "express.md", "django.md", "frameworks.md",
                         "stores.md"}


@pytest.mark.parametrize(("path", "number", "code"), BLOCKS)
def test_block_runs_alone(path: Path, number: int, code: str,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ENV", raising=False)
    saved = dict(os.environ)
    # A module of its own, as a copied file would be: frameworks look their
    # callers up in sys.modules.
    module = ModuleType(f"docs_{path.stem}_{number}")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    try:
        exec(compile(code, f"{path.name} block {number}", "exec"), module.__dict__)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    app: Any = module.__dict__.get("app")
    if app is None:
        return
    if inspect.iscoroutinefunction(app) or inspect.iscoroutinefunction(app.__call__):
        assert asgi_request(app).status == 200  # an ASGI app
    else:
        assert Request.blank("/").get_response(app).status_int == 200


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory, mypy_cache: Path) -> str:
    """One ``mypy --strict`` run over every block, each written as a file."""
    folder = tmp_path_factory.mktemp("doc_blocks")
    files = []
    for path, number, code in ALL_BLOCKS:
        target = folder / _file_name(path, number)
        target.write_text(code, encoding="utf-8")
        files.append(str(target))
    report = run_mypy(mypy_cache, *files)
    assert f"{len(files)} source files" in report.splitlines()[-1], report
    return report


@pytest.mark.slow  # one mypy run over every block: seconds, so with the slow suites
@pytest.mark.parametrize(("path", "number", "code"), BLOCKS)
def test_block_type_checks(mypy_output: str, path: Path, number: int, code: str) -> None:
    name = _file_name(path, number)
    errors = [line for line in mypy_output.splitlines()
              if line.startswith(name) or f"/{name}:" in line]
    assert errors == [], "\n".join(errors)
