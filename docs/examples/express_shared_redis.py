"""The Python half of a route-by-route move from Express: express-session's cookie
and connect-redis's records, read and written from a WSGI app.

Its Express twin is ``express_app.js``. Both sit behind one domain and share one
Redis and one list of secrets, so a login on either side holds on both, a logout
on either side ends it on both, and what one side puts in the session (here a
cart) the other reads.

    pip install redis && REDIS_URL=redis://127.0.0.1:6379/0 SESSION_SECRETS=new,old \\
        python docs/examples/express_shared_redis.py
"""

from __future__ import annotations

import json
import os
from typing import Any

import redis
from webob import Request, Response
from webob.dec import wsgify

from cookie_middleware import Cookies, ExpressSigner
from session_middleware import Session, get_session
from session_middleware.express import ConnectRedisStore, is_express_sid

# The session cookie as express-session sets it: 14 days (seconds here, where
# Express takes milliseconds), SameSite=Lax, HttpOnly, Path=/.
COOKIE: dict[str, Any] = {"max_age": 14 * 24 * 3600, "same_site": "lax"}


def make_app(client: Any, secrets: list[str]) -> Any:
    # Express's req.session is session.data here; req.session.user is session.user.
    store = ConnectRedisStore(client, prefix="sess:", cookie=COOKIE)

    @wsgify
    def view(request: Request) -> Response:
        session = get_session(request)
        if request.path == "/login" and request.method == "POST":
            user = str(request.POST.get("user", "")).strip()
            if not user:  # a real app checks a password here
                return Response("who are you?\n", status=400)
            session.login(user)  # a new id, the old record gone, as regenerate()
            return Response(status=303, location="/whoami")
        if request.path == "/logout" and request.method == "POST":
            session.logout()  # the record gone: Express sees it gone too
            return Response(status=303, location="/whoami")
        if request.path == "/cart" and request.method == "POST":
            item = str(request.POST.get("item", ""))
            session.data["cart"] = [*session.data.get("cart", []), item]
            return Response(status=303, location="/whoami")
        body = json.dumps({"side": "python", "user": session.user,
                           "cart": session.data.get("cart", [])})
        return Response(body, content_type="application/json", charset="utf-8")

    # rolling=False writes the cookie only for a new id, as express-session does
    # with its defaults (rolling: false), so neither side rolls it back; lazy=True
    # sets none until the session holds something (saveUninitialized: false).
    return Cookies.middleware(
        Session.middleware(view, "connect.sid", signed=True, accept_token=is_express_sid,
                           rolling=False, lazy=True, store=store,
                           max_age=COOKIE["max_age"], same_site=COOKIE["same_site"]),
        signer=ExpressSigner(secrets),
    )


def secrets_from(text: str) -> list[str]:
    """The secrets of a comma-separated list, as Express's recipe reads them, without
    the empty entry a trailing comma leaves (ExpressSigner refuses an empty secret)."""
    return [secret for secret in text.split(",") if secret]


if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    client = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    secrets = secrets_from(os.environ.get("SESSION_SECRETS", "change me"))
    app = make_app(client, secrets)
    with make_server("127.0.0.1", int(os.environ.get("PORT", "8000")), app) as server:
        print(f"Serving on http://127.0.0.1:{server.server_port}/")
        server.serve_forever()
