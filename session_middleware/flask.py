"""``Session`` as a Flask extension: ``SessionExtension(app)`` or ``init_app`` later.

::

    from flask import Flask, request
    from session_middleware import get_session
    from session_middleware.flask import SessionExtension

    app = Flask(__name__)
    SessionExtension(app, same_site="Lax")  # sets up the cookies extension too

    @app.post("/login")
    def login() -> str:
        token = get_session(request).reset()
        ...

It puts :class:`~session_middleware.wsgi.SessionMiddleware` just inside the
cookies middleware of :class:`cookie_middleware.flask.CookiesExtension`, which
it sets up with its defaults when the app has none yet (set that one up first
for ``trust_proxy`` or a signer). Flask's own ``flask.session`` is left alone.
The middleware is kept in ``app.extensions["session_middleware"]``.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from cookie_middleware.flask import CookiesExtension, cookies_middleware_of

from .stores.base import Store
from .tokens import is_session_token
from .wsgi import Session, SessionMiddleware

__all__ = ["SessionExtension"]

EXTENSION_KEY = "session_middleware"


class SessionExtension:
    """The Flask extension: every request gets a :class:`Session`, read in views
    with ``get_session(request)``. Takes what ``Session.middleware`` takes: the
    cookie *name*, ``rolling``, ``signed``, ``accept_token``, ``mint``,
    ``session_class`` and cookie options (``max_age``, ``same_site``, ...), all
    checked here, at start-up."""

    def __init__(self, app: Flask | None = None, name: str = "_session", *,
                 accept_token: Callable[[str], bool] = is_session_token,
                 rolling: bool = True, signed: bool = False,
                 mint: Callable[[], str] | None = None,
                 store: Store | None = None, lazy: bool = False,
                 session_class: type[Session] = Session,
                 **cookie_options: object) -> None:
        self.name = name
        self.store = store
        self.lazy = lazy
        self.accept_token = accept_token
        self.rolling = rolling
        self.signed = signed
        self.mint = mint
        self.session_class = session_class
        self.cookie_options = cookie_options
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Add the session middleware to *app*, inside its cookies middleware."""
        if EXTENSION_KEY in app.extensions:
            raise RuntimeError("SessionExtension is already set up on this app")
        try:
            cookies = cookies_middleware_of(app)
        except LookupError:
            CookiesExtension(app)
            cookies = cookies_middleware_of(app)
        session = SessionMiddleware(cookies.app, self.name, accept_token=self.accept_token,
                                    rolling=self.rolling, signed=self.signed, mint=self.mint,
                                    store=self.store, lazy=self.lazy,
                                    session_class=self.session_class, **self.cookie_options)
        cookies.app = session
        app.extensions[EXTENSION_KEY] = session
