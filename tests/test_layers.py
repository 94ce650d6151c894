"""The shape of the code: a transport-free core, adapters on top, nothing patched."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

import cookie_middleware
import session_middleware
from cookie_middleware import Cookies
from cookie_middleware.cookies import CookieJar
from session_middleware import Session

CORE = ["cookie_middleware.codec", "cookie_middleware.options", "cookie_middleware.cookies",
        "cookie_middleware.signing", "session_middleware.session", "session_middleware.tokens",
        "session_middleware.access", "session_middleware.storing"]

# What a module that knows a transport or a framework would have to spell.
# (os.environ is the process's environment, which the session reads for ENV.)
TRANSPORT_WORDS = re.compile(
    r"(?<!os\.)environ|\bscope\b|wsgi|asgi|starlette|webob|django|flask|headerlist"
    r"|raw_headers|start_response|exchange", re.IGNORECASE)
HEADER_KEYS = re.compile(r"\bHTTP_[A-Z]|\bMETA\b")


def _code_without_docstrings(module: str) -> str:
    """The module's code, without its docstrings and comments."""
    tree = ast.parse(inspect.getsource(importlib.import_module(module)))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list):
            body[:] = [statement for statement in body
                       if not (isinstance(statement, ast.Expr)
                               and isinstance(statement.value, ast.Constant))] or [ast.Pass()]
    return ast.unparse(tree)


@pytest.mark.parametrize("module", [pytest.param(name, id=name) for name in CORE])
def test_the_core_knows_no_transport(module: str) -> None:
    code = _code_without_docstrings(module)
    assert TRANSPORT_WORDS.findall(code) == []
    assert HEADER_KEYS.findall(code) == []


@pytest.mark.parametrize("module", [pytest.param(name, id=name) for name in CORE])
def test_the_core_imports_only_the_core(module: str) -> None:
    tree = ast.parse(inspect.getsource(importlib.import_module(module)))
    imported = {node.module for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module}
    # Relative imports (level > 0) stay in the package; absolute ones are the
    # standard library or the cookies package's root.
    project = {name for name in imported if name.split(".")[0] in {
        "cookie_middleware", "session_middleware"}}
    assert project <= {"cookie_middleware", "cookie_middleware.deprecation"}
    assert not imported & {"wsgi", "asgi", "exchange", "lookup"}


@pytest.mark.parametrize("package", [pytest.param(cookie_middleware, id="cookies"),
                                     pytest.param(session_middleware, id="session")])
def test_no_class_is_patched_after_its_definition(package: object) -> None:
    root = Path(inspect.getfile(package)).parent  # type: ignore[arg-type]
    for path in root.rglob("*.py"):
        assert "setattr(" not in path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize("cls", [pytest.param(Cookies, id="Cookies"),
                                 pytest.param(Session, id="Session")])
def test_middleware_is_an_ordinary_classmethod(cls: type) -> None:
    assert "middleware" in vars(cls)
    assert cls.middleware.__qualname__ == f"{cls.__name__}.middleware"  # type: ignore[attr-defined]


def test_the_jar_works_on_plain_values() -> None:
    jar = CookieJar("a=1; b=x%20y", https=True)
    assert (jar.get("a"), jar.get("b"), jar.https, jar.cookie_header) == (
        "1", "x y", True, "a=1; b=x%20y")
    jar.set("c", "2", secure=True)
    assert jar.seal() == ["c=2; Secure"]
    assert jar.sent


def test_signers_are_value_transforms() -> None:
    signing = importlib.import_module("cookie_middleware.signing")
    for signer in (signing.ExpressSigner, signing.KeygripSigner):
        assert not {"read", "write"} & set(vars(signer))
    assert "cookies" not in _code_without_docstrings("cookie_middleware.signing").lower()
