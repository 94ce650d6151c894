"""The public API is exactly what __all__ says, and every name in it exists."""

from __future__ import annotations

import pytest

import cookie_middleware
import session_middleware

COOKIE_API = {
    "ENVIRON_KEY", "CookieError", "CookieOptions", "CookieTooLargeError", "CookieWarning",
    "Cookies", "CookiesMiddleware", "DuplicateOptionError", "ExpressSigner", "HeadersSentError",
    "InsecureCookieError", "InvalidNameError", "InvalidOptionError", "InvalidValueError",
    "KeygripSigner", "MissingMiddlewareError", "PartitionedError", "PrefixError",
    "SameSiteNoneError", "Signer", "SigningError", "UnknownOptionError", "cookie_options",
    "environ_of", "get_cookies", "parse", "scope_of", "serialize",
}
SESSION_API = {
    "ENVIRON_KEY", "TOKEN_LENGTH", "CookieJar", "MissingCookiesError", "MissingSessionError",
    "Session", "SessionError", "SessionMiddleware", "SessionSettings", "get_session",
    "is_session_token",
    "new_token",
}


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        pytest.param(cookie_middleware, COOKIE_API, id="cookie_middleware"),
        pytest.param(session_middleware, SESSION_API, id="session_middleware"),
    ],
)
def test_all_is_pinned(module: object, expected: set[str]) -> None:
    exported = module.__all__  # type: ignore[attr-defined]
    assert set(exported) == expected
    assert len(exported) == len(set(exported))
    public = {name for name in vars(module) if not name.startswith("_")}
    assert set(exported) <= public


def test_every_cookie_error_derives_from_one_base() -> None:
    errors = [getattr(cookie_middleware, name) for name in COOKIE_API if name.endswith("Error")]
    assert all(issubclass(error, cookie_middleware.CookieError) for error in errors)
    assert issubclass(cookie_middleware.CookieError, ValueError)
    assert issubclass(cookie_middleware.CookieWarning, UserWarning)


def test_every_session_error_derives_from_one_base() -> None:
    errors = [getattr(session_middleware, name) for name in SESSION_API if name.endswith("Error")]
    assert all(issubclass(error, session_middleware.SessionError) for error in errors)


def test_environ_keys() -> None:
    assert cookie_middleware.ENVIRON_KEY == "cookie_middleware.cookies"
    assert session_middleware.ENVIRON_KEY == "session_middleware.session"
