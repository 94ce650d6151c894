"""Pyramid: the middlewares wrap the app that ``Configurator.make_wsgi_app`` returns.

    pip install pyramid && python docs/examples/pyramid_app.py
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPFound
from pyramid.request import Request
from pyramid.response import Response

from cookie_middleware import Cookies
from session_middleware import Session, get_session


def home(request: Request) -> Response:
    return Response(f"Your session token is: {get_session(request).token}\n",
                    content_type="text/plain")


def reset(request: Request) -> Any:
    get_session(request).reset()
    return HTTPFound(location="/")


def make_app() -> Any:
    with Configurator() as config:
        config.add_route("home", "/")
        config.add_route("reset", "/reset")
        config.add_view(home, route_name="home")
        config.add_view(reset, route_name="reset")
        pyramid_app = config.make_wsgi_app()
    return Cookies.middleware(Session.middleware(pyramid_app))


app = make_app()

if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    with make_server("127.0.0.1", 8000, app) as server:
        print("Serving on http://127.0.0.1:8000/")
        server.serve_forever()
