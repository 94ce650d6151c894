"""The demo WSGI app, stacked as ``Cookies.middleware(Session.middleware(...))``."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from webob import Request, Response
from webob.exc import HTTPFound, HTTPMethodNotAllowed, HTTPNotFound, HTTPSeeOther

from cookie_middleware import Cookies

from ..lookup import get_session
from ..session import Session

if TYPE_CHECKING:
    from collections.abc import Iterable

    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from .store import SessionStore

__all__ = ["make_app"]

_LOGIN_FORM = """<!doctype html>
<title>Log in</title>
<h1>Log in</h1>
{error}<form method="post" action="/login">
  <label>User name <input name="user" autofocus required maxlength="64"></label>
  <button>Log in</button>
</form>
<p>Any name will do: this demo shows the session handling, not a password check.</p>
"""


def _authenticate(user: str) -> bool:
    """Stand-in for a real credential check."""
    return 0 < len(user) <= 64 and user.isprintable()


class DemoApp:
    """``/``, ``/reset``, ``/login`` and ``/logout`` over a :class:`SessionStore`."""

    def __init__(self, store: SessionStore) -> None:
        self.store = store

    def __call__(self, environ: WSGIEnvironment,
                 start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        routes = {"/": self.index, "/reset": self.reset,
                  "/login": self.login, "/logout": self.logout}
        handler = routes.get(request.path_info)
        response = HTTPNotFound() if handler is None else handler(request)
        return response(environ, start_response)

    def index(self, request: Request) -> Response:
        session = get_session(request)
        lines = [f"Your session token is: {session.token}"]
        user = self.store.get(session.token)
        if user is not None:
            lines.append(f"Hello, {user}! You are logged in. Log out at /logout.")
        else:
            lines.append("You are not logged in. Log in at /login.")
        return Response("\n".join(lines) + "\n", content_type="text/plain", charset="utf-8")

    def reset(self, request: Request) -> Response:
        get_session(request).reset()
        return HTTPFound(location="/")

    def login(self, request: Request) -> Response:
        if request.method == "GET":
            return Response(_LOGIN_FORM.format(error=""), charset="utf-8")
        if request.method != "POST":
            return HTTPMethodNotAllowed(headers={"Allow": "GET, POST"})
        field = request.POST.get("user", "")
        user = field.strip() if isinstance(field, str) else ""
        if not _authenticate(user):
            error = f"<p>Not a valid user name: {html.escape(repr(user))}</p>\n"
            return Response(_LOGIN_FORM.format(error=error), status=400, charset="utf-8")
        # Session fixation defence, in the order the original package's README gives: authenticate,
        # reset(), then store the pairing under the new token.
        session = get_session(request)
        self.store.delete(session.token)
        self.store.set(session.reset(), user)
        return HTTPSeeOther(location="/")

    def logout(self, request: Request) -> Response:
        if request.method not in ("GET", "POST"):
            return HTTPMethodNotAllowed(headers={"Allow": "GET, POST"})
        session = get_session(request)
        self.store.delete(session.token)
        session.reset()
        return HTTPSeeOther(location="/")


def make_app(store: SessionStore, *, max_age: int | None = None,
             trust_proxy: bool = False) -> WSGIApplication:
    """The demo app over *store*, with both middlewares stacked around it.

    *max_age* makes the session cookie's rolling expiry real: each visit pushes
    it *max_age* seconds into the future, matching the store's idle timeout.
    """
    return Cookies.middleware(
        Session.middleware(DemoApp(store), max_age=max_age), trust_proxy=trust_proxy
    )
