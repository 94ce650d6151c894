"""The Pyramid add-ons: ``config.include(...)``, settings as an ``.ini`` file gives
them, and the same headers as the WSGI middlewares."""

from __future__ import annotations

import re
from typing import Any

import pytest
from webob import Request

pytest.importorskip("pyramid")

from pyramid.config import Configurator
from pyramid.response import Response

from cookie_middleware import Cookies, get_cookies
from session_middleware import Session, get_session
from tests.async_store import AsyncMemoryStore


def view(request: Any) -> Response:
    cookies = get_cookies(request)
    cookies.set("theme", cookies.get("theme") or "light", {"maxAge": 60})
    response = Response(get_session(request).token)
    response.set_cookie("own", "1")  # the app's own header stays first
    return response


def make_app(settings: dict[str, Any], include: str = "session_middleware.pyramid") -> Any:
    with Configurator(settings=settings) as config:
        config.include(include)
        config.add_route("home", "/")
        config.add_view(view, route_name="home")
        return config.make_wsgi_app()


def test_the_include_writes_what_the_wsgi_middlewares_write() -> None:
    settings = {"session_middleware.name": "sid", "session_middleware.max_age": "600",
                "session_middleware.same_site": "Strict"}
    included = Request.blank("/").get_response(make_app(settings))
    with Configurator() as config:
        config.add_route("home", "/")
        config.add_view(view, route_name="home")
        bare = config.make_wsgi_app()
    wrapped = Cookies.middleware(Session.middleware(bare, "sid", max_age=600,
                                                    same_site="Strict"))
    through_wsgi = Request.blank("/").get_response(wrapped)
    assert [h.replace(included.text, "<t>") for h in included.headers.getall("Set-Cookie")] == [
        h.replace(through_wsgi.text, "<t>") for h in through_wsgi.headers.getall("Set-Cookie")]
    assert included.headers.getall("Set-Cookie") == [
        "own=1; Path=/",
        f"sid={included.text}; Max-Age=600; Path=/; HttpOnly; SameSite=Strict",
        "theme=light; Max-Age=60"]


def test_the_cookies_include_alone() -> None:
    def cookies_only(request: Any) -> Response:
        get_cookies(request).set("a", "1")
        return Response("ok")

    with Configurator(settings={"cookie_middleware.trust_proxy": "true"}) as config:
        config.include("cookie_middleware.pyramid")
        config.add_route("home", "/")
        config.add_view(cookies_only, route_name="home")
        app = config.make_wsgi_app()
    response = Request.blank("/").get_response(app)
    assert response.headers.getall("Set-Cookie") == ["a=1"]


def test_under_a_wsgi_cookies_middleware_the_tween_steps_aside() -> None:
    app = Cookies.middleware(make_app({}))
    response = Request.blank("/").get_response(app)
    assert len(response.headers.getall("Set-Cookie")) == 3


@pytest.mark.parametrize(("settings", "message"), [
    pytest.param({"session_middleware.max_agee": "60"},
                 "unknown setting(s) ['session_middleware.max_agee']", id="misspelled"),
    pytest.param({"session_middleware.max_age": "a day"},
                 "setting session_middleware.max_age must be a number of seconds, got 'a day'",
                 id="max-age"),
    pytest.param({"session_middleware.rolling": "maybe"},
                 "setting session_middleware.rolling must be true or false, got 'maybe'",
                 id="flag"),
    pytest.param({"cookie_middleware.trustproxy": "true"},
                 "unknown setting(s) ['cookie_middleware.trustproxy']", id="cookies-misspelled"),
    pytest.param({"session_middleware.path": " "},
                 "setting session_middleware.path is empty: leave it out for the default",
                 id="empty"),
    pytest.param({"cookie_middleware.trust_proxy": "perhaps"},
                 "setting cookie_middleware.trust_proxy must be true or false, got 'perhaps'",
                 id="cookies-flag"),
])
def test_a_bad_setting_fails_when_the_app_is_made(settings: dict[str, str],
                                                   message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        make_app(settings)


def test_response_callbacks_may_still_set_cookies() -> None:
    def with_callback(request: Any) -> Response:
        request.add_response_callback(
            lambda request, response: get_cookies(request).set("late", "1"))
        return Response("ok")

    with Configurator() as config:
        config.include("cookie_middleware.pyramid")
        config.add_route("home", "/")
        config.add_view(with_callback, route_name="home")
        app = config.make_wsgi_app()
    assert Request.blank("/").get_response(app).headers.getall("Set-Cookie") == ["late=1"]


@pytest.mark.parametrize("store", [pytest.param("", id="empty"),
                                   pytest.param("session_middleware.stores.MemoryStore",
                                                id="a-path")])
def test_a_store_setting_must_be_a_store(store: str) -> None:
    with pytest.raises(TypeError, match="session option store must be a store object"):
        make_app({"session_middleware.store": store})


def test_a_store_given_in_python_keeps_the_data() -> None:
    from session_middleware.stores import MemoryStore

    def count(request: Any) -> Response:
        data = get_session(request).data
        data["n"] = data.get("n", 0) + 1
        return Response(str(data["n"]))

    with Configurator(settings={"session_middleware.store": MemoryStore()}) as config:
        config.include("session_middleware.pyramid")
        config.add_route("home", "/")
        config.add_view(count, route_name="home")
        app = config.make_wsgi_app()
    first = Request.blank("/").get_response(app)
    cookie = {"Cookie": first.headers["Set-Cookie"].split(";")[0]}
    assert [first.text, Request.blank("/", headers=cookie).get_response(app).text] == ["1", "2"]


def test_an_asyncio_store_is_refused() -> None:
    with pytest.raises(TypeError, match="a Pyramid app needs a synchronous store"):
        make_app({"session_middleware.store": AsyncMemoryStore()})


def test_the_lazy_setting_writes_no_cookie_until_the_app_asks() -> None:
    from session_middleware.stores import MemoryStore

    def maybe(request: Any) -> Response:
        session = get_session(request)
        return Response(session.token[:4] if request.params.get("token") else "none")

    settings = {"session_middleware.lazy": "true", "session_middleware.store": MemoryStore()}
    with Configurator(settings=settings) as config:
        config.include("session_middleware.pyramid")
        config.add_route("home", "/")
        config.add_view(maybe, route_name="home")
        app = config.make_wsgi_app()
    assert Request.blank("/").get_response(app).headers.getall("Set-Cookie") == []
    assert len(Request.blank("/?token=1").get_response(app).headers.getall("Set-Cookie")) == 1
