"""Every Python code block in README.md and docs/*.md runs, so the docs cannot drift.

Blocks of one file run in order in one namespace, as a reader would type them; a
block's own asserts are the checks. An ``app`` left behind must answer a request.
"""

from __future__ import annotations

import inspect
import os
import re
from pathlib import Path
from typing import Any

import pytest
from webob import Request

from tests.asgi_driver import request as asgi_request

ROOT = Path(__file__).parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def python_blocks(path: Path) -> list[str]:
    return BLOCK.findall(path.read_text(encoding="utf-8"))


def test_the_docs_have_code() -> None:
    with_code = {path.name for path in DOCUMENTS if python_blocks(path)}
    assert with_code == {"README.md", "index.md", "cookies.md", "session.md", "security.md",
                         "porting.md", "asgi.md", "express.md", "django.md"}


@pytest.mark.parametrize("path", [pytest.param(p, id=p.name) for p in DOCUMENTS])
def test_python_blocks_run(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ENV", raising=False)
    saved = dict(os.environ)
    namespace: dict[str, object] = {"__name__": f"docs_{path.stem}"}
    try:
        for number, block in enumerate(python_blocks(path), 1):
            code = compile(block, f"{path.name} block {number}", "exec")
            exec(code, namespace)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    app: Any = namespace.get("app")
    if app is None:
        return
    if inspect.iscoroutinefunction(app) or inspect.iscoroutinefunction(app.__call__):
        assert asgi_request(app).status == 200  # an ASGI app
    else:
        assert Request.blank("/").get_response(app).status_int == 200
