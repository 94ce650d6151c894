"""The README's first lines are the two commands, and CI runs the same test command."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).parent.parent
DEMO = "pip install -e . && python -m session_middleware.demo"
TESTS = "pip install -e '.[test]' && pytest"


def first_block_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.splitlines()]


def test_readme_opens_with_the_demo_and_test_commands() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert "```sh" in lines[:3]  # right under the title
    assert first_block_commands() == [DEMO, TESTS]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f"\n{TESTS}\n" in script
