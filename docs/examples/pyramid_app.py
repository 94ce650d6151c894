"""Pyramid: ``config.include("session_middleware.pyramid")``, as Pyramid add-ons go.

    pip install pyramid && python docs/examples/pyramid_app.py

The include adds the cookies tween and the session tween; their settings come
from the ``.ini`` file or, as here, from ``Configurator(settings=...)``.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPFound
from pyramid.request import Request
from pyramid.response import Response

from session_middleware import get_session


def home(request: Request) -> Response:
    return Response(f"Your session token is: {get_session(request).token}\n",
                    content_type="text/plain")


def reset(request: Request) -> Any:
    get_session(request).reset()
    return HTTPFound(location="/")


def make_app() -> Any:
    settings = {"session_middleware.same_site": "Lax", "session_middleware.max_age": "1209600"}
    with Configurator(settings=settings) as config:
        config.include("session_middleware.pyramid")
        config.add_route("home", "/")
        config.add_route("reset", "/reset")
        config.add_view(home, route_name="home")
        config.add_view(reset, route_name="reset")
        return config.make_wsgi_app()


app = make_app()

if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    with make_server("127.0.0.1", 8000, app) as server:
        print("Serving on http://127.0.0.1:8000/")
        server.serve_forever()
