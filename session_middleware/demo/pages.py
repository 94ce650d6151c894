"""The demo's HTML: one small inline stylesheet, no script, nothing from a CDN."""

from __future__ import annotations

from html import escape

__all__ = ["FAVICON", "error_page", "index_page"]

FAVICON = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
    b'<circle cx="32" cy="32" r="28" fill="#c8874a"/>'
    b'<circle cx="22" cy="24" r="5" fill="#6b3f1d"/><circle cx="41" cy="21" r="4" fill="#6b3f1d"/>'
    b'<circle cx="38" cy="40" r="6" fill="#6b3f1d"/><circle cx="22" cy="43" r="3" fill="#6b3f1d"/>'
    b"</svg>"
)

_STYLE = """
:root { color-scheme: light dark; --accent: #9a5b25; --on-accent: #fff; --muted: #6b6b6b;
  --card: #f6f3ef; }
@media (prefers-color-scheme: dark) { :root { --accent: #e0a06a; --on-accent: #1d1208;
  --muted: #a8a8a8; --card: #26221e; } }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0;
  padding: 2rem 1rem; display: flex; justify-content: center; }
main { width: 100%; max-width: 40rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
.lead { color: var(--muted); margin: 0 0 1.5rem; }
.card { background: var(--card); border-radius: 12px; padding: 1.25rem 1.5rem;
  margin-bottom: 1rem; }
.state { font-size: 1.15rem; margin: 0 0 .75rem; }
.badge { display: inline-block; border-radius: 999px; padding: .1rem .7rem;
  font-size: .85rem; font-weight: 600; margin-right: .5rem; }
.in { background: #2e7d32; color: #fff; } .out { background: #8a8a8a; color: #fff; }
code { font: .95rem ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
details summary { cursor: pointer; color: var(--accent); margin-top: .25rem; }
.full { word-break: break-all; display: block; margin-top: .5rem; padding: .5rem;
  border-radius: 8px; background: rgba(127, 127, 127, .12); }
form { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin: .5rem 0; }
input[type=text] { font: inherit; padding: .4rem .6rem; border-radius: 8px;
  border: 1px solid var(--muted); min-width: 12rem; }
button { font: inherit; font-weight: 600; padding: .45rem 1rem; border-radius: 8px;
  border: 0; background: var(--accent); color: var(--on-accent); cursor: pointer; }
button.secondary { background: transparent; color: var(--accent);
  border: 1px solid var(--accent); }
.explain { color: var(--muted); font-size: .9rem; margin: 0 0 .75rem; }
.error { border-left: 4px solid #c62828; padding-left: 1rem; }
footer { color: var(--muted); font-size: .85rem; margin-top: 1.5rem; }
"""


def _document(title: str, body: str) -> str:
    return (
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{escape(title)}</title>\n"
        '<link rel="icon" href="/favicon.svg" type="image/svg+xml">\n'
        f"<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def _form(action: str, csrf: str, label: str, extra: str = "", secondary: bool = False) -> str:
    kind = ' class="secondary"' if secondary else ""
    return (f'<form method="post" action="{action}">'
            f'<input type="hidden" name="csrf" value="{escape(csrf)}">{extra}'
            f'<button type="submit"{kind}>{escape(label)}</button></form>')


def _state_and_actions(user: str | None, csrf: str, error: str | None,
                       name: str) -> tuple[str, str]:
    """Who you are, and the forms that change your session, as HTML."""
    if user is not None:
        state = (f'<p class="state" id="state"><span class="badge in">Logged in</span>'
                 f"as <strong>{escape(user)}</strong></p>")
        actions = (
            '<p class="explain"><strong>Reset</strong> gives your session a new token and '
            "carries your login over to it; the old token stops working at once.</p>"
            + _form("/reset", csrf, "Reset token", secondary=True)
            + '<p class="explain"><strong>Log out</strong> forgets your login and gives '
            "your session a new token.</p>"
            + _form("/logout", csrf, "Log out")
            + '<p class="explain"><strong>Log out everywhere</strong> ends every session of '
            f"{escape(user)}, in every browser and every process that shares the store.</p>"
            + _form("/logout-everywhere", csrf, "Log out everywhere", secondary=True)
        )
    else:
        state = ('<p class="state" id="state"><span class="badge out">Not logged in</span>'
                 "</p>")
        problem = (f'<p class="error" id="error">{escape(error)}</p>' if error else "")
        actions = (
            problem
            + '<p class="explain"><strong>Log in</strong> takes any name (this demo shows '
            "session handling, not a password check) and gives your session a new token "
            "first, so a token planted in your browser never becomes a logged-in one.</p>"
            + _form("/login", csrf, "Log in",
                    extra=('<label>Name <input type="text" name="user" required '
                           f'maxlength="64" autocomplete="username" value="{escape(name)}">'
                           "</label>"))
            + '<p class="explain"><strong>Reset</strong> gives your session a new token.</p>'
            + _form("/reset", csrf, "Reset token", secondary=True)
        )
    return state, actions


def index_page(token: str, user: str | None, csrf: str, *, error: str | None = None,
               name: str = "") -> str:
    """The one page: who you are, your token, and what each button does to it."""
    state, actions = _state_and_actions(user, csrf, error, name)
    short = f"{token[:12]}…{token[-12:]}"
    body = f"""<h1>Session demo</h1>
<p class="lead">cookie_middleware and session_middleware, stacked around one small app.</p>
<section class="card">
{state}
<p>Your session token is <code id="token-short">{escape(short)}</code>
({len(token)} characters, in the HttpOnly cookie <code>_session</code>).</p>
<details><summary>Show the whole token</summary>
<code class="full" id="token">{escape(token)}</code></details>
</section>
<section class="card">
{actions}
</section>
<footer>Reload the page: the token stays. Every response sets the cookie again, so its
expiry rolls forward while you use the site.</footer>"""
    return _document("Session demo", body)


def error_page(status: str, message: str) -> str:
    """A page for 403, 404 and 405, with a way back."""
    body = (f"<h1>{escape(status)}</h1>\n<section class=\"card error\"><p>{escape(message)}"
            '</p><p><a href="/">Back to the demo</a></p></section>')
    return _document(status, body)
