"""Load a recipe of docs/examples as a module, for the serve scripts of this folder."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

EXAMPLES = Path(__file__).parent.parent.parent / "docs" / "examples"


def load_example(name: str) -> ModuleType:
    """docs/examples/<name>.py, executed as the module *name*."""
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
