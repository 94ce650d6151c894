"""``get_session``: the request's :class:`~session_middleware.Session`, on either transport."""

from __future__ import annotations

from cookie_middleware.exchange import environ_of, scope_of

from .asgi import session_in_scope
from .wsgi import Session, session_in_environ

__all__ = ["get_session"]


def get_session(request: object, name: str | None = None) -> Session:
    """The :class:`Session` a middleware made for *request*.

    *request* may be a WSGI environ, a WebOb, Flask or Django request, or an
    ASGI scope, a Starlette or FastAPI ``Request`` or ``WebSocket``. With
    several session middlewares stacked under different cookie names, *name*
    picks one; without it, the innermost. In FastAPI it is a dependency as it
    stands::

        Annotated[Session, Depends(get_session)]

    Raises :class:`~session_middleware.errors.MissingSessionError` when no
    middleware put one there.
    """
    scope = scope_of(request)
    if scope is not None:
        return session_in_scope(scope, name)
    return session_in_environ(environ_of(request), name)
