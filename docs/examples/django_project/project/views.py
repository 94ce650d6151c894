"""An Express app's three routes, ported: a page, a login and a logout."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_POST

from cookie_middleware import get_cookies
from session_middleware import get_session

# Who is logged in, by session token. Keep this in Redis or your database.
LOGGED_IN: dict[str, str] = {}


def home(request: HttpRequest) -> HttpResponse:
    session = get_session(request)
    user = LOGGED_IN.get(session.token, "stranger")
    theme = get_cookies(request).get("theme") or "light"
    visits = request.session["visits"] = request.session.get("visits", 0) + 1  # Django's own
    return HttpResponse(f"Hello, {user} (theme {theme}, visit {visits})\n",
                        content_type="text/plain")


def theme(request: HttpRequest, name: str) -> HttpResponse:
    get_cookies(request).set("theme", name, {"maxAge": 365 * 24 * 3600})
    return HttpResponseRedirect("/")


@require_POST
def login(request: HttpRequest) -> HttpResponse:
    session = get_session(request)
    LOGGED_IN.pop(session.token, None)
    token = session.reset()  # a new token before the session gains a user
    LOGGED_IN[token] = request.POST.get("name") or "user"
    return HttpResponseRedirect("/")


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    session = get_session(request)
    LOGGED_IN.pop(session.token, None)
    session.reset()
    return HttpResponseRedirect("/")
