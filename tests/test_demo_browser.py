"""The demo in a real browser: headless Chromium through Playwright.

Checks through the browser's own cookie store what the page shows and what the
cookie is; clicks log in, reset and log out; posts a form from another site;
and keeps a screenshot of each state under ``artifacts/browser/`` (not committed).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.demo_server import Demo, running_demo
from tests.services import serve_wsgi

IDLE = 3600


@pytest.fixture
def demo() -> Iterator[Demo]:
    with running_demo("--idle-timeout", str(IDLE)) as started:
        yield started


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error"
            and problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    page.problems = problems
    yield page
    context.close()


def session_cookie(page: Any) -> dict[str, Any]:
    cookies = [c for c in page.context.cookies() if c["name"] == "_session"]
    assert len(cookies) == 1, cookies
    return dict(cookies[0])


def shot(page: Any, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"demo-{name}.png"), full_page=True)


def test_the_demo_in_a_browser(demo: Demo, page: Any, artifacts: Path) -> None:
    page.goto(demo.url)
    assert page.title() == "Session demo"
    cookie = session_cookie(page)
    assert len(cookie["value"]) == 256
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"], cookie["secure"]) == (
        True, "Lax", "/", False)
    assert abs(cookie["expires"] - (time.time() + IDLE)) < 60  # Max-Age: the idle timeout
    assert page.inner_text("#state").strip() == "Not logged in"
    assert page.inner_text("#token-short") == f"{cookie['value'][:12]}…{cookie['value'][-12:]}"
    page.click("summary")  # "Show the whole token"
    assert page.inner_text("#token") == cookie["value"]
    shot(page, artifacts, "1-new-visitor")

    page.reload()
    assert session_cookie(page)["value"] == cookie["value"]  # stable across reloads

    page.fill("input[name=user]", "Ada")
    with page.expect_navigation():
        page.click("button:text-is('Log in')")
    assert page.inner_text("#state .badge") == "Logged in"
    logged_in = session_cookie(page)["value"]
    assert logged_in != cookie["value"]
    assert page.inner_text("#state strong") == "Ada"
    shot(page, artifacts, "2-logged-in")

    with page.expect_navigation():
        page.click("button:text-is('Reset token')")
    reset = session_cookie(page)["value"]
    assert reset != logged_in
    assert page.inner_text("#state strong") == "Ada"  # the login carried over
    shot(page, artifacts, "3-after-reset")

    with page.expect_navigation():
        page.click("button:text-is('Log out')")
    assert page.inner_text("#state .badge") == "Not logged in"
    assert session_cookie(page)["value"] not in (reset, logged_in)
    shot(page, artifacts, "4-logged-out")
    assert page.problems == []


def attacker_site(target: str) -> Any:
    """Another site's page with a form that posts to the demo, and a link to it."""
    def app(environ: Any, start_response: Any) -> list[bytes]:
        body = (f'<!doctype html><title>elsewhere</title><form method="post" '
                f'action="{target}logout"><input type="hidden" name="csrf" value="guess">'
                '<button id="forge">Win a prize</button></form>').encode()
        start_response("200 OK", [("Content-Type", "text/html"),
                                  ("Content-Length", str(len(body)))])
        return [body]

    return app


def test_a_cross_site_form_post_is_refused(demo: Demo, page: Any, artifacts: Path) -> None:
    page.goto(demo.url)
    page.fill("input[name=user]", "Grace")
    with page.expect_navigation():
        page.click("button:text-is('Log in')")
    token = session_cookie(page)["value"]

    server, elsewhere = serve_wsgi(attacker_site(demo.url), host="localhost")
    try:
        page.goto(elsewhere)
        with page.expect_navigation():
            page.click("#forge")
        assert page.title() == "403 Forbidden"
        shot(page, artifacts, "5-cross-site-post-refused")
    finally:
        server.shutdown()
        server.server_close()
    assert session_cookie(page)["value"] == token
    page.goto(demo.url)
    assert page.inner_text("#state strong") == "Grace"


def link_site(target: str) -> Any:
    """Another site's page that links to the demo, as a search result or an email does."""
    def app(environ: Any, start_response: Any) -> list[bytes]:
        body = (f'<!doctype html><title>elsewhere</title><a id="link" href="{target}">'
                'the demo</a>').encode()
        start_response("200 OK", [("Content-Type", "text/html"),
                                  ("Content-Length", str(len(body)))])
        return [body]

    return app


def test_a_visitor_who_arrives_by_a_link_can_log_in(demo: Demo, page: Any,
                                                    artifacts: Path) -> None:
    """The landing request is cross-site and carries no cookie; a Lax cookie would
    have come with it, so the visitor has none, and the token minted for the landing
    page (which the login form's CSRF token is bound to) is the one they keep."""
    server, elsewhere = serve_wsgi(link_site(demo.url), host="localhost")
    try:
        page.goto(elsewhere)
        with page.expect_navigation():
            page.click("#link")
    finally:
        server.shutdown()
        server.server_close()
    assert page.url == demo.url
    landed = session_cookie(page)["value"]
    page.fill("input[name=user]", "Katherine")
    with page.expect_navigation():
        page.click("button:text-is('Log in')")
    assert page.title() == "Session demo"
    assert page.inner_text("#state strong") == "Katherine"
    assert session_cookie(page)["value"] != landed  # reset() at login, as ever
    shot(page, artifacts, "6-logged-in-after-a-link")
    assert page.problems == []


def test_log_out_everywhere_reaches_another_browser(demo: Demo, chromium: Any,
                                                    artifacts: Path) -> None:
    """Two browser contexts (two browsers, as far as cookies go) log in as one user;
    "Log out everywhere" in one logs the other out too."""
    contexts = [chromium.new_context(), chromium.new_context()]
    try:
        pages = [context.new_page() for context in contexts]
        for page in pages:
            page.goto(demo.url)
            page.fill("input[name=user]", "Ada")
            with page.expect_navigation():
                page.click("button:text-is('Log in')")
            assert page.inner_text("#state strong") == "Ada"
        assert session_cookie(pages[0])["value"] != session_cookie(pages[1])["value"]
        with pages[0].expect_navigation():
            pages[0].click("button:text-is('Log out everywhere')")
        assert pages[0].inner_text("#state .badge") == "Not logged in"
        pages[1].reload()
        assert pages[1].inner_text("#state .badge") == "Not logged in"
        shot(pages[1], artifacts, "5-logged-out-everywhere")
    finally:
        for context in contexts:
            context.close()
