"""Django: the middlewares wrap the WSGI application, outside Django's own stack.

A single-file Django project; in a real one, wrap ``application`` in ``wsgi.py``
the same way. Views read the session from ``request.META`` (the WSGI environ).

    pip install django && python docs/examples/django_app.py
"""

from __future__ import annotations

from typing import Any

import django
from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="example-only-not-secret",
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["localhost", "127.0.0.1", "testserver"],
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
    )
    django.setup()

from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path

from cookie_middleware import Cookies
from session_middleware import Session, get_session


def home(request: HttpRequest) -> HttpResponse:
    token = get_session(request).token
    return HttpResponse(f"Your session token is: {token}\n", content_type="text/plain")


def reset(request: HttpRequest) -> HttpResponse:
    get_session(request).reset()
    return HttpResponseRedirect("/")


urlpatterns = [path("", home), path("reset", reset)]

application: Any = Cookies.middleware(Session.middleware(get_wsgi_application()))
app = application

if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    with make_server("127.0.0.1", 8000, app) as server:
        print("Serving on http://127.0.0.1:8000/")
        server.serve_forever()
