"""The fixation-safe login recipe, with sessions stored in Redis.

1. authenticate, 2. ``session.reset()``, 3. store user by the new token, with
an idle expiry. Logout forgets the pairing and resets again.

    pip install redis && REDIS_URL=redis://127.0.0.1:6379/0 python docs/examples/redis_login.py
"""

from __future__ import annotations

import os
from typing import Any

import redis
from webob import Request, Response
from webob.dec import wsgify
from webob.exc import HTTPSeeOther

from cookie_middleware import Cookies
from session_middleware import Session, get_session

IDLE_SECONDS = 14 * 24 * 3600


def make_app(store: redis.Redis) -> Any:
    @wsgify
    def view(request: Request) -> Response:
        session = get_session(request)
        key = f"user-by-session:{session.token}"
        if request.path == "/login" and request.method == "POST":
            user = str(request.POST.get("user", "")).strip()
            if not user:  # 1. authenticate (a real app checks a password here)
                return Response("who are you?\n", status=400, content_type="text/plain")
            store.delete(key)
            token = session.reset()  # 2. a new token before privileges change
            store.set(f"user-by-session:{token}", user, ex=IDLE_SECONDS)  # 3. pair
            return HTTPSeeOther(location="/")
        if request.path == "/logout":
            store.delete(key)
            session.reset()
            return HTTPSeeOther(location="/")
        known = store.getex(key, ex=IDLE_SECONDS)  # reading refreshes the idle expiry
        greeting = f"Hello, {known!s}!" if known else "Not logged in."
        return Response(f"{greeting}\n", content_type="text/plain")

    # max_age makes the cookie roll with the store's idle expiry.
    return Cookies.middleware(Session.middleware(view, max_age=IDLE_SECONDS))


if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    client = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
                                  decode_responses=True)
    with make_server("127.0.0.1", 8000, make_app(client)) as server:
        print("Serving on http://127.0.0.1:8000/")
        server.serve_forever()
