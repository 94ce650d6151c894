"""A one-view Django site for the tests: the view runs whatever ``HANDLER`` holds.

Django's settings are global to the process, so every in-process Django test
shares this configuration and changes it with ``override_settings``; Django's
handlers read ``MIDDLEWARE`` and the middlewares their settings when made, so
each test makes its own handler.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django
from django.conf import settings

MIDDLEWARE = ["cookie_middleware.django.CookiesMiddleware",
              "session_middleware.django.SessionMiddleware"]

if not settings.configured:
    settings.configure(
        DEBUG=False, SECRET_KEY="tests-only", ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["*"], MIDDLEWARE=MIDDLEWARE, INSTALLED_APPS=[], DATABASES={},
    )
    django.setup()

from django.core.handlers.asgi import ASGIHandler  # noqa: E402 - needs the settings
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

HANDLER: list[Callable[[HttpRequest], Any]] = []


def view(request: HttpRequest) -> HttpResponse:
    result = HANDLER[0](request) if HANDLER else None
    return result if isinstance(result, HttpResponse) else HttpResponse(str(result))


urlpatterns = [path("", view)]


def wsgi_app() -> WSGIHandler:
    return WSGIHandler()


def asgi_app() -> ASGIHandler:
    return ASGIHandler()
