"""Type checking as users meet it: the ASGI middlewares where Starlette and FastAPI
take them, and a session's cookies, whether ``Cookies`` or a hand-written class."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.services import run_mypy

USAGE = Path(__file__).parent / "typing" / "asgi_usage.py"
SESSION_USAGE = Path(__file__).parent / "typing" / "session_usage.py"


CASES = [
    pytest.param(USAGE, None, None, id="asgi-middlewares"),
    pytest.param(USAGE, ("trust_proxy=True", "trust_prox=True"),
                 'Unexpected keyword argument "trust_prox"', id="misspelled-option"),
    pytest.param(SESSION_USAGE, None, None, id="any-jar-with-get-and-set"),
    pytest.param(SESSION_USAGE, ("    def set(", "    def put("),
                 'Argument 1 to "Session" has incompatible type "NodeStyleJar"',
                 id="a-jar-without-set"),
]


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory, mypy_cache: Path) -> str:
    """Every case's file, checked by one mypy --strict run (each run costs seconds)."""
    folder = tmp_path_factory.mktemp("typing")
    files = []
    for case in CASES:
        usage, edit, _ = case.values
        text = usage.read_text()
        checked = folder / f"{case.id.replace('-', '_')}.py"
        checked.write_text(text if edit is None else text.replace(*edit))
        files.append(str(checked))
    return run_mypy(mypy_cache, *files)


@pytest.mark.parametrize(("usage", "edit", "message"), CASES)
def test_usage_type_checks_and_mistakes_are_caught(
        request: pytest.FixtureRequest, mypy_output: str, usage: Path,
        edit: tuple[str, str] | None, message: str | None) -> None:
    name = f"{request.node.callspec.id.replace('-', '_')}.py:"
    errors = [line for line in mypy_output.splitlines()
              if name in line and ": error:" in line]
    if message is None:
        assert errors == [], mypy_output
    else:
        assert any(message in line for line in errors), mypy_output


ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "docs" / "examples"
RECIPES = sorted([*EXAMPLES.glob("*.py"), *EXAMPLES.glob("django_project/**/*.py")])


@pytest.fixture(scope="module")
def recipes_mypy_output(mypy_cache: Path) -> str:
    """Every recipe, as it stands, checked by one mypy --strict run."""
    return run_mypy(mypy_cache, *map(str, RECIPES))


@pytest.mark.slow  # one mypy run over every recipe: seconds, so with the slow suites
@pytest.mark.parametrize("recipe", [pytest.param(path, id=str(path.relative_to(EXAMPLES)))
                                    for path in RECIPES])
def test_every_recipe_type_checks(recipes_mypy_output: str, recipe: Path) -> None:
    errors = [line for line in recipes_mypy_output.splitlines()
              if line.startswith(str(recipe)) or line.startswith(str(recipe.relative_to(ROOT)))]
    assert errors == [], recipes_mypy_output
    assert f"in {len(RECIPES)} source files" in recipes_mypy_output.splitlines()[-1]
