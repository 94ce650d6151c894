"""The demo WSGI app, stacked as ``Cookies.middleware(Session.middleware(...))``.

``GET /`` shows the session; ``POST /login``, ``POST /reset``, ``POST /logout``
and ``POST /logout-everywhere`` change it. The login lives in the session's
store (:mod:`session_middleware.stores`): ``session.login``, ``session.logout``
and ``store.logout_everywhere``. Each form carries a CSRF token bound to the
session token (an HMAC under a secret that every process sharing the store
shares), and a request the browser marks cross-site is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING

from webob import Request, Response

from cookie_middleware import Cookies, InsecureCookieError

from ..lookup import get_session
from ..wsgi import Session
from .pages import FAVICON, error_page, index_page

if TYPE_CHECKING:
    from collections.abc import Iterable

    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from ..stores import Store

__all__ = ["make_app"]

_POST_ROUTES = ("/login", "/reset", "/logout", "/logout-everywhere")

# The demo's forms hold a CSRF token and a user name: a body larger than this is
# refused before it is read, so no request can fill the disk WebOb spools it to.
_MAX_FORM_BYTES = 64 * 1024


def _authenticate(user: str) -> bool:
    """Stand-in for a real credential check."""
    return 0 < len(user) <= 64 and user.isprintable()


def _html(text: str, status: int = 200, allow: str | None = None) -> Response:
    response = Response(text, status=status, content_type="text/html", charset="utf-8")
    # Pages show a session token or a user: no cache may keep them.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    if allow is not None:
        response.headers["Allow"] = allow
    return response


def _form(request: Request) -> Mapping[str, object] | None:
    """The posted form, or ``None`` for a body that cannot be read as one (a
    multipart body without a boundary, a charset other than UTF-8)."""
    try:
        return dict(request.POST.items())  # a repeated field: its last value, as POST.get
    # (WebOb raises DeprecationWarning for a charset other than UTF-8, and
    # DisconnectionError, an OSError, for a body shorter than its Content-Length;
    # UnicodeDecodeError is a ValueError.)
    except (ValueError, LookupError, DeprecationWarning, OSError):
        return None


def _same_text(sent: str, expected: str) -> bool:
    """Compare in constant time; compare_digest refuses non-ASCII text, and a
    token that is not ASCII is not the (hex) expected one anyway."""
    return sent.isascii() and hmac.compare_digest(sent, expected)


def _see_other() -> Response:
    response = Response(status=303, location="/")
    response.headers["Cache-Control"] = "no-store"
    return response


class DemoApp:
    """The routes, over the session middleware's *store*; *secret* keys the CSRF
    tokens (the same in every process that shares the store)."""

    def __init__(self, store: Store, secret: bytes) -> None:
        self.store = store
        self._secret = secret

    def csrf_token(self, session: Session) -> str:
        """The form token for *session*: it changes whenever the session token does."""
        return hmac.new(self._secret, session.token.encode(), hashlib.sha256).hexdigest()

    def __call__(self, environ: WSGIEnvironment,
                 start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        # The raw path, its bytes read as latin-1 (PEP 3333): the routes are ASCII,
        # and a path that is not UTF-8 is simply none of them.
        path = environ.get("PATH_INFO", "")
        if path in ("/favicon.svg", "/favicon.ico"):
            response = Response(FAVICON, content_type="image/svg+xml")
            response.cache_control.max_age = 86400
        elif path == "/":
            response = self.index(request)
        elif path in _POST_ROUTES:
            response = self.change(request, path)
        else:
            response = _html(error_page("404 Not Found", "There is no such page."), 404)
        return response(environ, start_response)

    def index(self, request: Request, error: str | None = None, name: str = "",
              status: int = 200) -> Response:
        session = get_session(request)
        page = index_page(session.token, session.user, self.csrf_token(session), error=error,
                          name=name)
        return _html(page, status)

    def checked_form(self, request: Request, session: Session) -> Mapping[str, object] | Response:
        """The posted form, or the error page for one too large, unreadable or
        not sent from this site's current page (the CSRF check)."""
        if (request.content_length or 0) > _MAX_FORM_BYTES:
            return _html(error_page("413 Content Too Large",
                                    "This form is larger than any this site takes."), 413)
        form = _form(request)
        if form is None:
            return _html(error_page("400 Bad Request", "This form could not be read."), 400)
        sent = form.get("csrf", "")
        if (request.headers.get("Sec-Fetch-Site") == "cross-site" or not isinstance(sent, str)
                or not _same_text(sent, self.csrf_token(session))):
            return _html(error_page(
                "403 Forbidden",
                "This form was not sent from this site's current page (or your session "
                "changed since it was shown). Go back, reload and try again."), 403)
        return form

    def change(self, request: Request, path: str) -> Response:
        if request.method != "POST":
            if path == "/login" and request.method in ("GET", "HEAD"):
                return self.index(request)  # the page holds the login form
            allow = "GET, POST" if path == "/login" else "POST"
            return _html(error_page("405 Method Not Allowed",
                                    f"{path} changes your session: it takes a form post."),
                         405, allow=allow)
        session = get_session(request)
        form = self.checked_form(request, session)
        if isinstance(form, Response):
            return form
        user: str | None = None
        if path == "/login":
            field = form.get("user", "")
            user = field.strip() if isinstance(field, str) else ""
            if not _authenticate(user):
                return self.index(request, error=f"Not a valid user name: {user!r}",
                                  name=user, status=400)
        try:
            # Session fixation defence, as the original package's README gives it:
            # authenticate, then a new token before the session gains a user.
            # login(), logout() and reset() mint that token first, and are refused,
            # changing nothing, where its cookie could not reach the browser
            # (ENV=production over plain http).
            if path == "/login" and user is not None:
                session.login(user)
            elif path == "/reset":  # Django's cycle_key: the login carried over
                session.reset()
            else:
                if path == "/logout-everywhere" and session.user is not None:
                    self.store.logout_everywhere(session.user)  # every browser, every process
                session.logout()
        except InsecureCookieError:
            return _html(error_page("403 Forbidden", "This site changes sessions over https "
                                    "only: come back on its https address."), 403)
        return _see_other()


def make_app(store: Store, *, secret: bytes | None = None, max_age: int | None = None,
             trust_proxy: bool = False) -> WSGIApplication:
    """The demo app over *store*, with both middlewares stacked around it.

    *secret* keys the forms' CSRF tokens; give every process that shares the
    store the same one (default: a new one, for a single process). *max_age*
    makes the session cookie's rolling expiry real: each visit pushes it
    *max_age* seconds into the future, matching the store's idle timeout.
    """
    app = DemoApp(store, secrets.token_bytes(32) if secret is None else secret)
    return Cookies.middleware(
        Session.middleware(app, store=store, max_age=max_age, same_site="lax"),
        trust_proxy=trust_proxy,
    )
