"""The ASGI middlewares' signatures type-check where Starlette and FastAPI take them."""

from __future__ import annotations

from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api")

USAGE = Path(__file__).parent / "typing" / "asgi_usage.py"


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
