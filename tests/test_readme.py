"""The README's first lines are the two commands, and CI runs the same test command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).parent.parent
DEMO = "pip install -e . && python -m session_middleware.demo"
TESTS = "pip install -e '.[test]' && pytest"
DOCS = "pip install -e '.[docs]' && mkdocs serve"


def first_block_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.splitlines()]


def test_readme_opens_with_the_demo_and_test_commands() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert "```sh" in lines[:3]  # right under the title
    assert first_block_commands() == [DEMO, TESTS, DOCS]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f"\n{TESTS}\n" in script


def _docs_url() -> str:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    url: str = pyproject["project"]["urls"]["Documentation"]
    return url


def test_the_docs_url_is_the_same_everywhere() -> None:
    mkdocs = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert f"\nsite_url: {_docs_url()}\n" in mkdocs


def test_readme_links_work_on_a_package_index() -> None:
    """A package index shows the README away from the repository: every link is
    absolute, and every link into the docs site names a page that exists."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)]+)\)", text)
    assert links
    assert [link for link in links if not link.startswith("https://")] == []
    for link in links:
        if link.startswith(_docs_url()):
            page = link.removeprefix(_docs_url()).strip("/") or "index"
            assert (ROOT / "docs" / f"{page}.md").is_file(), link
