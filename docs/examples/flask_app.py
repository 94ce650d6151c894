"""Flask: the session extension (with the cookies one it sets up); views reach
cookies and session through ``flask.request``.

Flask's own signed-cookie ``session`` is a different thing; this app does not use it.

    pip install flask && python docs/examples/flask_app.py
"""

from __future__ import annotations

from flask import Flask, redirect, request
from werkzeug.wrappers import Response

from cookie_middleware import get_cookies
from session_middleware import get_session
from session_middleware.flask import SessionExtension

app = Flask(__name__)
SessionExtension(app, same_site="lax")  # or: sessions = SessionExtension(); sessions.init_app(app)


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
