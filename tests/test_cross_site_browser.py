"""A cross-site request must not log the user out, in a real browser.

An app on ``Session.middleware`` with a SameSite session cookie. Chromium withholds
the cookie from a cross-site POST (Lax) or from every cross-site navigation
(Strict); the session layer then mints a token for that request, and must not
write it, or the browser would replace the user's session cookie. Two sites on
loopback: the app on ``127.0.0.1``, the other site on ``localhost``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from webob import Request, Response

from cookie_middleware import Cookies
from session_middleware import Session, get_session
from tests.services import serve_wsgi


def make_app(same_site: str) -> Any:
    users: dict[str, str] = {}

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        session = get_session(request)
        if request.path == "/login" and request.method == "POST":
            users[session.reset()] = "ada"
            response = Response(status=303, location="/")
        else:
            text = f"user={users.get(session.token, '-')}"
            form = '<form method="post" action="/login"><button id="login">Log in</button></form>'
            response = Response(f"<!doctype html><title>app</title><p id=who>{text}</p>{form}",
                                content_type="text/html")
        return response(environ, start_response)

    return Cookies.middleware(Session.middleware(app, same_site=same_site))


def other_site(target: str) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        body = (f'<!doctype html><title>other</title><form method="post" action="{target}any">'
                f'<button id="post">post</button></form><a id="link" href="{target}any">link</a>'
                ).encode()
        start_response("200 OK", [("Content-Type", "text/html"),
                                  ("Content-Length", str(len(body)))])
        return [body]

    return app


@pytest.mark.parametrize(("same_site", "action"), [
    pytest.param("lax", "#post", id="lax-cross-site-post"),
    pytest.param("strict", "#post", id="strict-cross-site-post"),
    pytest.param("strict", "#link", id="strict-cross-site-link"),
])
def test_the_user_stays_logged_in(chromium: Any, same_site: str, action: str) -> None:
    app_server, app_url = serve_wsgi(make_app(same_site), host="127.0.0.1")
    other_server, other_url = serve_wsgi(other_site(app_url), host="localhost")
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(app_url)
        with page.expect_navigation():
            page.click("#login")
        assert page.inner_text("#who") == "user=ada"
        (before,) = [c["value"] for c in context.cookies() if c["name"] == "_session"]

        page.goto(other_url)
        with page.expect_navigation():
            page.click(action)  # the app answers; the browser withheld the cookie
        (after,) = [c["value"] for c in context.cookies() if c["name"] == "_session"]
        assert after == before
        page.goto(app_url)
        assert page.inner_text("#who") == "user=ada"
    finally:
        context.close()
        for server in (app_server, other_server):
            server.shutdown()
            server.server_close()
