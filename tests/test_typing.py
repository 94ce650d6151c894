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


def test_middleware_and_add_middleware_type_check() -> None:
    output, status = check(USAGE)
    assert status == 0, output


def test_a_misspelled_option_is_caught(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.py"
    wrong.write_text(USAGE.read_text().replace("trust_proxy=True", "trust_prox=True"))
    output, status = check(wrong)
    assert status == 1
    assert 'Unexpected keyword argument "trust_prox"' in output


def test_any_object_with_get_and_set_type_checks_as_a_sessions_cookies() -> None:
    output, status = check(SESSION_USAGE)
    assert status == 0, output


def test_an_object_without_set_does_not(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.py"
    wrong.write_text(SESSION_USAGE.read_text().replace("    def set(", "    def put("))
    output, status = check(wrong)
    assert status == 1
    assert 'Argument 1 to "Session" has incompatible type "NodeStyleJar"' in output
