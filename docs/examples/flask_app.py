"""Flask: wrap ``app.wsgi_app``; views reach the session through ``flask.request``.

Flask's own signed-cookie ``session`` is a different thing; this app does not use it.

    pip install flask && python docs/examples/flask_app.py
"""

from __future__ import annotations

from flask import Flask, redirect, request
from werkzeug.wrappers import Response

from cookie_middleware import Cookies, get_cookies
from session_middleware import Session, get_session

app = Flask(__name__)
app.wsgi_app = Cookies.middleware(  # type: ignore[method-assign]
    Session.middleware(app.wsgi_app, same_site="lax")
)


@app.get("/")
def home() -> str:
    language = get_cookies(request).get("lang") or "en"
    return f"Your session token is: {get_session(request).token}\nLanguage: {language}\n"


@app.get("/lang/<code>")
def set_language(code: str) -> Response:
    get_cookies(request).set("lang", code, {"maxAge": 365 * 24 * 3600}, True)
    return redirect("/")


@app.get("/reset")
def reset() -> Response:
    get_session(request).reset()
    return redirect("/")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=8000)
