"""WebOb: a ``wsgify`` view, stacked under both middlewares.

    python docs/examples/webob_app.py      # serves http://127.0.0.1:8000/
"""

from __future__ import annotations

from webob import Request, Response
from webob.dec import wsgify
from webob.exc import HTTPFound

from cookie_middleware import Cookies, get_cookies
from session_middleware import Session, get_session


@wsgify
def view(request: Request) -> Response:
    session = get_session(request)
    cookies = get_cookies(request)
    if request.path == "/reset":
        session.reset()
        return HTTPFound(location="/")
    if request.path == "/theme":
        theme = str(request.params.get("name", "light"))
        cookies.set("theme", theme, max_age=30 * 24 * 3600, same_site="lax")
        return Response(f"theme set to {theme}\n", content_type="text/plain")
    if request.path == "/forget-theme":
        cookies.unset("theme")
        return Response("theme forgotten\n", content_type="text/plain")
    theme = cookies.get("theme") or "light"
    return Response(f"Your session token is: {session.token}\nTheme: {theme}\n",
                    content_type="text/plain")


app = Cookies.middleware(Session.middleware(view))

if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    with make_server("127.0.0.1", 8000, app) as server:
        print("Serving on http://127.0.0.1:8000/")
        server.serve_forever()
