"""A minimal ASGI 3 client for the tests: one request through an app, no framework.

Frameworks' test clients rewrite headers (they refuse non-ASCII bytes, merge
repeated headers); this drives an app with exactly the scope a server would
build, so tests can send raw bytes and split Cookie headers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cookie_middleware.asgi import ASGIApp, Message


@dataclass
class Reply:
    """What the app sent: the start message's status and headers, the body."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    messages: list[Message] = field(repr=False)

    def header_values(self, name: str) -> list[str]:
        wanted = name.lower().encode("latin-1")
        return [value.decode("latin-1") for key, value in self.headers if key.lower() == wanted]

    @property
    def set_cookies(self) -> list[str]:
        return self.header_values("set-cookie")


def http_scope(path: str = "/", headers: Iterable[tuple[bytes, bytes]] = (), *,
               scheme: str = "http", method: str = "GET",
               state: dict[str, Any] | None = None) -> dict[str, Any]:
    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
        "method": method, "scheme": scheme, "path": path, "raw_path": path.encode(),
        "query_string": b"", "root_path": "", "headers": list(headers),
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
    }
    if state is not None:
        scope["state"] = state
    return scope


async def call(app: ASGIApp, scope: dict[str, Any], body: bytes = b"",
               disconnect_after_start: bool = False) -> Reply:
    """Run *scope* through *app*; *body* is the request body, sent in one chunk."""
    inbox: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[Message] = []
    started = asyncio.Event()

    async def receive() -> Message:
        if inbox:
            return inbox.pop(0)
        if disconnect_after_start:
            await started.wait()
        else:
            await asyncio.Event().wait()  # pragma: no cover - a client that waits
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)
        if message["type"] == "http.response.start":
            started.set()

    await app(scope, receive, send)
    start = next((m for m in sent if m["type"] == "http.response.start"), None)
    body_out = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    if start is None:
        return Reply(0, [], body_out, sent)
    return Reply(start["status"], list(start.get("headers", [])), body_out, sent)


def request(app: ASGIApp, path: str = "/", headers: Iterable[tuple[bytes, bytes]] = (),
            **scope_options: Any) -> Reply:
    """One request, run to completion in a fresh event loop."""
    return asyncio.run(call(app, http_scope(path, headers, **scope_options)))


def websocket(app: ASGIApp, headers: Iterable[tuple[bytes, bytes]] = (), *,
              scheme: str = "ws") -> list[Message]:
    """One WebSocket connection through *app*: the client connects (and waits for
    nothing more); what the app sent, in order."""
    scope = {"type": "websocket", "asgi": {"version": "3.0"}, "scheme": scheme, "path": "/",
             "headers": list(headers), "query_string": b""}
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "websocket.connect"}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent
