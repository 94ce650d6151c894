"""``get_cookies``: the request's :class:`~cookie_middleware.Cookies`, on either transport."""

from __future__ import annotations

from .asgi import cookies_in_scope
from .exchange import environ_of, scope_of
from .wsgi import Cookies, cookies_in_environ

__all__ = ["get_cookies"]


def get_cookies(request: object) -> Cookies:
    """The :class:`Cookies` a middleware made for *request*.

    *request* may be a WSGI environ, a WebOb, Flask or Django request (under
    ``Cookies.middleware``), or an ASGI scope, a Starlette or FastAPI ``Request``
    or ``WebSocket`` (under :class:`cookie_middleware.asgi.CookiesMiddleware`).
    In FastAPI it is a dependency as it stands::

        Annotated[Cookies, Depends(get_cookies)]

    Raises :class:`~cookie_middleware.errors.MissingMiddlewareError` when no
    middleware put one there, and :class:`TypeError` for an object that is no
    request.
    """
    scope = scope_of(request)
    if scope is not None:
        return cookies_in_scope(scope)
    return cookies_in_environ(environ_of(request))
