"""A calibration, not a product: the least a cookies-and-session stack can do.

``minimal_stack(app)`` does a session request's essential work by hand, in two
closures: find ``_session=`` in the Cookie header, check the value with
``is_session_token``, mint a token when there is none, read ``ENV``, render
the same Set-Cookie header with ``render`` and append it when the response
starts. It has none of the libraries' features (no other cookies, no spelling
but ``; _session=``, no stacking, no signing, no HeadersSentError, no cross-site
rule), so no real stack can be cheaper. The benchmarks time it beside the real
stack to show how much of the stack's cost is the work itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cookie_middleware import cookie_options
from cookie_middleware.codec import render
from session_middleware import is_session_token, new_token
from session_middleware.session import in_production

_NAME = "_session"
_OPTIONS = cookie_options({"path": "/", "httpOnly": True, "secure": False})


class MinimalSession:
    """What the app reads: ``token``."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token


def minimal_stack(app: Any) -> Any:
    """Wrap a WSGI *app*: a :class:`MinimalSession` at
    ``environ["session_middleware.session"]``, its cookie written back on every
    response."""

    def stack(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        header = environ.get("HTTP_COOKIE", "")
        at = header.find(_NAME + "=")
        token = None
        if at >= 0:
            end = header.find(";", at)
            token = header[at + len(_NAME) + 1:end if end >= 0 else len(header)]
        if not token or not is_session_token(token):
            token = new_token()
        in_production()  # read at every set, as the real stack does
        set_cookie = ("Set-Cookie", render(_NAME, token, _OPTIONS))
        environ["session_middleware.session"] = MinimalSession(token)

        def start_response_with_cookie(status: str, headers: list[tuple[str, str]],
                                       exc_info: Any = None) -> Any:
            return start_response(status, [*headers, set_cookie], exc_info)

        return app(environ, start_response_with_cookie)  # type: ignore[no-any-return]

    return stack
