"""``Session`` as a FastAPI dependency: ``SessionDep``.

::

    from fastapi import FastAPI
    from cookie_middleware.asgi import CookiesMiddleware
    from session_middleware.asgi import SessionMiddleware
    from session_middleware.fastapi import SessionDep

    app = FastAPI()
    app.add_middleware(SessionMiddleware, same_site="lax")  # inner
    app.add_middleware(CookiesMiddleware)  # outer

    @app.post("/login")
    def login(session: SessionDep) -> dict[str, str]:
        return {"token": session.reset()}

It works in HTTP and WebSocket endpoints and in other dependencies, and needs
both ASGI middlewares on the app. With an asyncio store (``store=`` on the
middleware), use the session's data, ``user``, ``login``, ``logout`` and
``reset`` in an ``async def`` endpoint, after ``await session.load()``: a
plain ``def`` endpoint cannot await it, and they raise ``SessionNotLoadedError``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from .lookup import get_session
from .wsgi import Session

__all__ = ["SessionDep", "session_dependency"]


def session_dependency(connection: HTTPConnection) -> Session:
    """The connection's :class:`Session`: the function behind :data:`SessionDep`."""
    return get_session(connection)


SessionDep = Annotated[Session, Depends(session_dependency)]
"""A path-operation parameter annotated ``SessionDep`` receives the request's
:class:`Session`."""
