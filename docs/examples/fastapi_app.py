"""FastAPI: both ASGI middlewares, ``SessionDep`` and ``CookiesDep``, a login flow.

    pip install fastapi uvicorn && uvicorn --app-dir docs/examples fastapi_app:app

The store is a dict for the sake of the example; use Redis (see redis_login.py)
or a database in an app with more than one process.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, RedirectResponse

from cookie_middleware.asgi import CookiesMiddleware
from cookie_middleware.fastapi import CookiesDep
from session_middleware.asgi import SessionMiddleware
from session_middleware.fastapi import SessionDep

IDLE_SECONDS = 14 * 24 * 3600
users_by_token: dict[str, str] = {}


app = FastAPI()
# add_middleware wraps outwards: the session goes in first, the cookies around it.
app.add_middleware(SessionMiddleware, max_age=IDLE_SECONDS, same_site="lax")
app.add_middleware(CookiesMiddleware)


@app.get("/", response_class=PlainTextResponse)
def index(session: SessionDep, cookies: CookiesDep) -> str:
    visits = int(cookies.get("visits") or "0") + 1
    cookies.set("visits", str(visits), max_age=3600, http_only=True, overwrite=True)
    user = users_by_token.get(session.token)
    greeting = f"Hello, {user}!" if user else "Not logged in."
    return f"Your session token is: {session.token}\n{greeting}\nVisits: {visits}\n"


@app.get("/reset", response_class=PlainTextResponse)
def reset(session: SessionDep) -> str:
    user = users_by_token.pop(session.token, None)
    token = session.reset()
    if user is not None:  # carry the login over to the new token
        users_by_token[token] = user
    return f"Your session token is: {token}\n"


@app.post("/login")
async def login(request: Request, session: SessionDep) -> RedirectResponse:
    form = parse_qs((await request.body()).decode())
    user = form.get("user", [""])[0].strip()
    if not user:  # 1. authenticate (a real app checks a password here)
        return RedirectResponse("/", status_code=303)
    users_by_token.pop(session.token, None)
    token = session.reset()  # 2. a new token before privileges change
    users_by_token[token] = user  # 3. pair the user with the new token
    return RedirectResponse("/", status_code=303)


@app.post("/logout")
def logout(session: SessionDep) -> RedirectResponse:
    users_by_token.pop(session.token, None)
    session.reset()
    return RedirectResponse("/", status_code=303)
