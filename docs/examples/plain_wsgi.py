"""Plain WSGI: no framework, just the two middlewares around a WSGI callable.

    python docs/examples/plain_wsgi.py     # serves http://127.0.0.1:8000/
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cookie_middleware import Cookies, get_cookies
from session_middleware import Session, get_session


def hello(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    session = get_session(environ)
    cookies = get_cookies(environ)
    visits = int(cookies.get("visits") or "0") + 1
    cookies.set("visits", str(visits), {"maxAge": 3600, "httpOnly": True}, True)
    if environ.get("PATH_INFO") == "/reset":
        session.reset()
    body = f"Your session token is: {session.token}\nVisits: {visits}\n".encode()
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"),
                              ("Content-Length", str(len(body)))])
    return [body]


app = Cookies.middleware(Session.middleware(hello))

if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    with make_server("127.0.0.1", 8000, app) as server:
        print("Serving on http://127.0.0.1:8000/")
        server.serve_forever()
