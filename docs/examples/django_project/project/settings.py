"""A Django project that uses cookie_middleware and session_middleware through
``MIDDLEWARE``, beside Django's own (signed-cookie) sessions."""

from __future__ import annotations

SECRET_KEY = "example-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
ROOT_URLCONF = "project.urls"
INSTALLED_APPS = ["django.contrib.sessions"]
DATABASES: dict[str, dict[str, str]] = {}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",  # Django's: request.session
    "cookie_middleware.django.CookiesMiddleware",  # get_cookies(request)
    "session_middleware.django.SessionMiddleware",  # get_session(request)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]

# Django's sessions keep their data in a signed cookie here, so the recipe needs
# no database; they use the "sessionid" cookie, ours "_session".
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"

# The keywords of Session.middleware(app, ...): the session cookie's name and options.
SESSION_MIDDLEWARE = {"name": "_session", "same_site": "Lax"}
# COOKIE_MIDDLEWARE = {"trust_proxy": True}  # behind a proxy that sets X-Forwarded-Proto
