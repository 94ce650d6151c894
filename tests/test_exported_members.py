"""The public API is exactly what docs/api.md lists, and the old names still answer."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from types import ModuleType

import pytest

import cookie_middleware
import session_middleware
from cookie_middleware import CookieError, Cookies
from cookie_middleware.errors import (
    CookieTooLargeError,
    DuplicateOptionError,
    InvalidNameError,
    InvalidOptionError,
    InvalidValueError,
    PartitionedError,
    PrefixError,
    SameSiteNoneError,
    UnknownOptionError,
)
from session_middleware import SessionError

API_DOC = Path(__file__).parent.parent / "docs" / "api.md"

PUBLIC = {
    "cookie_middleware": {
        "CookieError", "CookieOptions", "CookieWarning", "Cookies", "ExpressSigner",
        "HeadersSentError", "InsecureCookieError", "InvalidCookieError", "KeygripSigner",
        "MissingMiddlewareError", "SigningError", "cookie_options", "get_cookies", "parse",
        "serialize",
    },
    "cookie_middleware.wsgi": {"COOKIES_ENVIRON_KEY", "Cookies", "CookiesMiddleware",
                               "cookies_in_environ"},
    "cookie_middleware.asgi": {"COOKIES_STATE_KEY", "CookiesMiddleware", "cookies_in_scope"},
    "cookie_middleware.django": {"CookiesMiddleware", "setting", "setting_class"},
    "cookie_middleware.flask": {"CookiesExtension", "cookies_middleware_of"},
    "cookie_middleware.fastapi": {"CookiesDep", "cookies_dependency"},
    "cookie_middleware.pyramid": {"TWEEN", "cookies_tween_factory", "includeme", "setting_flag"},
    "cookie_middleware.codec": {"parse", "serialize"},
    "cookie_middleware.signing": {"ExpressSigner", "KeygripSigner", "Signer", "sign", "unsign"},
    "session_middleware": {
        "MissingCookiesError", "MissingSessionError", "Session", "SessionDataError",
        "SessionError", "SessionNotLoadedError", "StoreUnavailableError", "TOKEN_LENGTH",
        "get_session", "is_session_token", "new_token",
    },
    "session_middleware.stores": {"MAX_RECORD_BYTES", "AsyncConnectRedisStore",
                                  "AsyncRedisStore", "AsyncStore", "ConnectRedisStore",
                                  "MemoryStore", "Record", "RedisStore",
                                  "SessionDataTooLargeError", "Store"},
    "session_middleware.wsgi": {"SESSION_ENVIRON_KEY", "Session", "SessionMiddleware",
                                "open_session", "session_in_environ"},
    "session_middleware.asgi": {"SESSION_STATE_KEY", "SessionMiddleware", "session_in_scope"},
    "session_middleware.django": {"SessionMiddleware"},
    "session_middleware.flask": {"SessionExtension"},
    "session_middleware.fastapi": {"SessionDep", "session_dependency"},
    "session_middleware.pyramid": {"TWEEN", "includeme", "session_settings",
                                   "session_tween_factory"},
}


@pytest.mark.parametrize(("module", "expected"),
                         [pytest.param(name, names, id=name) for name, names in PUBLIC.items()])
def test_all_is_pinned(module: str, expected: set[str]) -> None:
    exported = importlib.import_module(module).__all__
    assert set(exported) == expected
    assert len(exported) == len(set(exported))


def _documented(module: str) -> set[str]:
    """The names docs/api.md lists under the heading ``## `module` ``."""
    text = API_DOC.read_text(encoding="utf-8")
    section = text.split(f"## `{module}`\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([A-Za-z_]+)", section, re.M))


@pytest.mark.parametrize("module", [pytest.param(name, id=name) for name in PUBLIC])
def test_api_doc_lists_every_public_name(module: str) -> None:
    assert _documented(module) == PUBLIC[module]


@pytest.mark.parametrize(
    ("package", "root"),
    [
        pytest.param(cookie_middleware, CookieError, id="cookie_middleware"),
        pytest.param(session_middleware, SessionError, id="session_middleware"),
    ],
)
def test_every_error_derives_from_one_root(package: ModuleType, root: type[Exception]) -> None:
    errors = importlib.import_module(f"{package.__name__}.errors")
    classes = [getattr(errors, name) for name in errors.__all__ if name.endswith("Error")]
    assert all(issubclass(error, root) for error in classes)
    assert not issubclass(root, ValueError)


def test_invalid_cookies_are_value_errors_and_the_rest_are_not() -> None:
    invalid = [CookieTooLargeError, DuplicateOptionError, InvalidNameError, InvalidOptionError,
               InvalidValueError, PartitionedError, PrefixError, SameSiteNoneError,
               UnknownOptionError]
    assert all(issubclass(error, cookie_middleware.InvalidCookieError) for error in invalid)
    assert issubclass(cookie_middleware.InvalidCookieError, ValueError)
    for error in (cookie_middleware.InsecureCookieError, cookie_middleware.HeadersSentError,
                  cookie_middleware.MissingMiddlewareError, cookie_middleware.SigningError):
        assert not issubclass(error, ValueError)


@pytest.mark.parametrize(
    ("module", "old", "new"),
    [
        pytest.param("cookie_middleware", "ENVIRON_KEY", "cookie_middleware.cookies",
                     id="root-key"),
        pytest.param("cookie_middleware", "CookiesMiddleware", None, id="root-middleware"),
        pytest.param("cookie_middleware", "environ_of", None, id="environ_of"),
        pytest.param("cookie_middleware", "scope_of", None, id="scope_of"),
        pytest.param("cookie_middleware", "Signer", None, id="signer"),
        pytest.param("cookie_middleware", "PrefixError", PrefixError, id="root-error"),
        pytest.param("cookie_middleware.wsgi", "ENVIRON_KEY", "cookie_middleware.cookies",
                     id="wsgi-key"),
        pytest.param("cookie_middleware.asgi", "STATE_KEY", "cookies", id="asgi-key"),
        pytest.param("session_middleware", "ENVIRON_KEY", "session_middleware.session",
                     id="session-root-key"),
        pytest.param("session_middleware", "SessionMiddleware", None, id="session-middleware"),
        pytest.param("session_middleware", "SessionSettings", None, id="settings"),
        pytest.param("session_middleware", "CookieJar", None, id="cookie-jar"),
        pytest.param("session_middleware.wsgi", "ENVIRON_KEY", "session_middleware.session",
                     id="session-wsgi-key"),
        pytest.param("session_middleware.asgi", "STATE_KEY", "session", id="session-asgi-key"),
        pytest.param("session_middleware.session", "CookieJar", None, id="session-cookie-jar"),
        pytest.param("session_middleware.session", "SigningCookieJar", None,
                     id="session-signing-cookie-jar"),
    ],
)
def test_old_names_warn_and_still_work(module: str, old: str, new: object) -> None:
    with pytest.warns(DeprecationWarning, match=rf"{re.escape(module)}\.{old} is deprecated"):
        value = getattr(importlib.import_module(module), old)
    if new is not None:
        assert value == new


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'Cookis'"):
        getattr(cookie_middleware, "Cookis")  # noqa: B009


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("header", "cookie_header", id="header"),
        pytest.param("secure", "https", id="secure"),
    ],
)
def test_renamed_properties_warn_and_answer_the_same(old: str, new: str) -> None:
    cookies = Cookies({"HTTP_COOKIE": "a=1", "wsgi.url_scheme": "https"})
    with pytest.warns(DeprecationWarning, match=rf"Cookies\.{old} is deprecated"):
        assert getattr(cookies, old) == getattr(cookies, new)


def test_headers_method_warns_and_answers_the_same() -> None:
    cookies = Cookies({"wsgi.url_scheme": "http"})
    cookies.set("a", "1")
    with pytest.warns(DeprecationWarning, match=r"Cookies\.headers\(\) is deprecated"):
        assert cookies.headers() == cookies.set_cookie_headers() == ["a=1"]
