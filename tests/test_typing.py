"""Type checking as users meet it: the ASGI middlewares where Starlette and FastAPI
take them, and a session's cookies, whether ``Cookies`` or a hand-written class."""

from __future__ import annotations

from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api")

USAGE = Path(__file__).parent / "typing" / "asgi_usage.py"
SESSION_USAGE = Path(__file__).parent / "typing" / "session_usage.py"


def check(path: Path) -> tuple[str, int]:
    out, err, status = mypy_api.run(["--strict", "--no-incremental", "--follow-imports=silent",
                                     str(path)])
    return out + err, status


@pytest.mark.parametrize(
    ("usage", "edit", "message"),
    [
        pytest.param(USAGE, None, None, id="asgi-middlewares"),
        pytest.param(USAGE, ("trust_proxy=True", "trust_prox=True"),
                     'Unexpected keyword argument "trust_prox"', id="misspelled-option"),
        pytest.param(SESSION_USAGE, None, None, id="any-jar-with-get-and-set"),
        pytest.param(SESSION_USAGE, ("    def set(", "    def put("),
                     'Argument 1 to "Session" has incompatible type "NodeStyleJar"',
                     id="a-jar-without-set"),
    ],
)
def test_usage_type_checks_and_mistakes_are_caught(
        tmp_path: Path, usage: Path, edit: tuple[str, str] | None, message: str | None) -> None:
    checked = usage
    if edit is not None:
        checked = tmp_path / "wrong.py"
        checked.write_text(usage.read_text().replace(*edit))
    output, status = check(checked)
    if message is None:
        assert status == 0, output
    else:
        assert status == 1
        assert message in output
