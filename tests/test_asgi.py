"""The ASGI middlewares through raw ASGI, Starlette and FastAPI apps."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Any

import pytest
from fastapi import Depends, FastAPI, Request
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket

from cookie_middleware import Cookies, HeadersSentError, MissingMiddlewareError, get_cookies
from cookie_middleware.asgi import CookiesMiddleware, Message, Receive, Scope, Send
from session_middleware import MissingCookiesError, MissingSessionError, Session, get_session
from session_middleware.asgi import SessionMiddleware
from tests.asgi_driver import call, http_scope, request, websocket

TOKEN = "T" * 256


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ENV", raising=False)


async def hello(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"hello"})


def test_pending_cookies_follow_the_apps_own_headers() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        get_cookies(scope).set("a", "1", {"maxAge": 60})
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"set-cookie", b"own=1"), (b"x-app", b"yes")]})
        await send({"type": "http.response.body", "body": b"ok"})

    reply = request(CookiesMiddleware(app))
    assert reply.headers == [(b"set-cookie", b"own=1"), (b"x-app", b"yes"),
                             (b"set-cookie", b"a=1; Max-Age=60")]


def test_no_pending_cookies_leave_the_message_as_it_was() -> None:
    reply = request(CookiesMiddleware(hello))
    assert reply.messages[0] == {"type": "http.response.start", "status": 200,
                                 "headers": [(b"content-type", b"text/plain")]}


def test_split_cookie_headers_are_joined_as_http2_says() -> None:
    seen: list[Any] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        cookies = get_cookies(scope)
        seen.extend([cookies.cookie_header, cookies.get("a"), cookies.get("b"), cookies.get("c")])
        await hello(scope, receive, send)

    request(CookiesMiddleware(app), headers=[(b"cookie", b"a=1"), (b"accept", b"*/*"),
                                             (b"cookie", b"b=2; c=3")])
    assert seen == ["a=1; b=2; c=3", "1", "2", "3"]


def test_set_after_response_start_raises() -> None:
    errors: list[Exception] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        cookies = get_cookies(scope)
        cookies.set("before", "1")
        await hello(scope, receive, send)
        try:
            cookies.set("after", "1")
        except HeadersSentError as error:
            errors.append(error)

    reply = request(CookiesMiddleware(app))
    assert reply.set_cookies == ["before=1"]
    assert [str(e) for e in errors] == [
        "cannot set cookie 'after': the response has started"
    ]


@pytest.mark.parametrize("scope_type", ["lifespan", "custom.protocol"])
def test_other_scope_types_pass_through_untouched(scope_type: str) -> None:
    seen: list[Scope] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(dict(scope))

    scope = {"type": scope_type, "asgi": {"version": "3.0"}}
    asyncio.run(SessionMiddleware.__call__(
        SessionMiddleware(app), scope, _never, _nowhere))
    asyncio.run(CookiesMiddleware(app)(scope, _never, _nowhere))
    assert seen == [scope, scope]
    assert "state" not in scope


async def _never() -> Message:  # pragma: no cover - never called
    raise AssertionError("receive called")


async def _nowhere(message: Message) -> None:  # pragma: no cover - never called
    raise AssertionError(f"send called with {message}")


def test_an_app_that_raises_before_start_leaks_nothing() -> None:
    calls = 0

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal calls
        calls += 1
        get_cookies(scope).set(f"from{calls}", "x")
        if calls == 1:
            raise RuntimeError("boom")
        await hello(scope, receive, send)

    stack = CookiesMiddleware(app)
    with pytest.raises(RuntimeError, match="boom"):
        request(stack)
    assert request(stack).set_cookies == ["from2=x"]


def test_an_app_that_raises_after_start_keeps_its_headers() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        get_cookies(scope).set("a", "1")
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"x-own", b"1")]})
        raise RuntimeError("after start")

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    with pytest.raises(RuntimeError, match="after start"):
        asyncio.run(CookiesMiddleware(app)(http_scope(), _never, send))
    assert sent[0]["headers"] == [(b"x-own", b"1"), (b"set-cookie", b"a=1")]


def test_a_client_that_disconnects_mid_stream() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        get_cookies(scope).set("a", "1")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        message = await receive()  # the request body
        message = await receive()
        assert message["type"] == "http.disconnect"

    reply = asyncio.run(call(CookiesMiddleware(app), http_scope(), disconnect_after_start=True))
    assert reply.set_cookies == ["a=1"]


def test_concurrent_requests_keep_their_own_cookies() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        cookies = get_cookies(scope)
        mine = cookies.get("me")
        assert mine is not None
        await asyncio.sleep(0.001 * (int(mine) % 5))  # interleave the requests
        cookies.set("echo", mine)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": mine.encode()})

    stack = CookiesMiddleware(app)

    async def many() -> list[tuple[bytes, list[tuple[bytes, bytes]]]]:
        replies = await asyncio.gather(*[
            call(stack, http_scope(headers=[(b"cookie", f"me={n}".encode())]))
            for n in range(50)
        ])
        return [(reply.body, reply.headers) for reply in replies]

    for number, (body, headers) in enumerate(asyncio.run(many())):
        assert body == str(number).encode()
        assert headers == [(b"set-cookie", f"echo={number}".encode())]


def test_stacking_twice_keeps_one_cookies_and_one_session() -> None:
    seen: list[tuple[Cookies, Session]] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        session = get_session(scope)
        seen.append((get_cookies(scope), session))
        session.reset()
        await hello(scope, receive, send)

    stack = CookiesMiddleware(SessionMiddleware(CookiesMiddleware(SessionMiddleware(app))))
    reply = request(stack, headers=[(b"cookie", f"_session={TOKEN}".encode())])
    (_, session), = seen
    assert reply.set_cookies == [f"_session={session.token}; Path=/; HttpOnly"]
    assert session.token != TOKEN


def test_session_without_cookies_middleware_says_so() -> None:
    with pytest.raises(MissingCookiesError, match=r"needs cookie_middleware\.asgi\.Cookies"):
        request(SessionMiddleware(hello))


def test_lookups_without_middleware_say_so() -> None:
    scope = http_scope()
    with pytest.raises(MissingMiddlewareError, match=r"asgi\.CookiesMiddleware"):
        get_cookies(scope)
    with pytest.raises(MissingSessionError, match=r"asgi\.SessionMiddleware"):
        get_session(scope)


def test_cross_site_request_without_cookie_writes_no_session_cookie() -> None:
    reply = request(CookiesMiddleware(SessionMiddleware(hello)),
                    headers=[(b"sec-fetch-site", b"cross-site")])
    assert reply.set_cookies == []


class CountingHeaders(list[tuple[bytes, bytes]]):
    """A scope's header list that counts the passes made over it."""

    passes = 0

    def __iter__(self) -> Any:
        self.passes += 1
        return super().__iter__()


@pytest.mark.parametrize(
    ("cookie", "site", "passes", "written"),
    [
        pytest.param(f"_session={TOKEN}", b"cross-site", 1, True, id="session-cookie"),
        pytest.param("theme=dark", b"same-origin", 2, True, id="no-session-cookie"),
        pytest.param("theme=dark", b"cross-site", 2, False, id="no-session-cookie-cross-site"),
    ],
)
def test_sec_fetch_site_is_looked_for_only_for_a_request_without_a_session_cookie(
    cookie: str, site: bytes, passes: int, written: bool
) -> None:
    """The header list is scanned in Python; a returning client's request is
    spared the second scan, which only a minted token needs."""
    scope = http_scope()
    headers = scope["headers"] = CountingHeaders(
        [(b"host", b"example.com"), (b"sec-fetch-site", site), (b"cookie", cookie.encode())])
    reply = asyncio.run(call(CookiesMiddleware(SessionMiddleware(hello)), scope))
    assert headers.passes == passes
    assert bool(reply.set_cookies) is written


# Starlette and FastAPI -----------------------------------------------------------------


async def starlette_home(request: Request) -> Response:
    session = get_session(request)
    assert request.state.session is session
    assert request.state.cookies is get_cookies(request)
    cookies: Cookies = request.state.cookies
    if request.url.path == "/reset":
        session.reset()
    cookies.set("seen", "yes", {"maxAge": 3600}, True)
    response = PlainTextResponse(f"{session.token}\n{cookies.get('theme')}")
    response.set_cookie("own", "1", httponly=True)
    return response


async def starlette_stream(request: Request) -> StreamingResponse:
    cookies = get_cookies(request)
    cookies.set("stream", "1")

    async def chunks() -> AsyncIterator[bytes]:
        yield b"one,"
        with pytest.raises(HeadersSentError):
            cookies.set("late", "1")
        yield b"two"

    return StreamingResponse(chunks())


async def starlette_background(request: Request) -> Response:
    cookies = get_cookies(request)
    outcomes: list[str] = request.app.state.outcomes

    def later() -> None:
        try:
            cookies.set("late", "1")
        except HeadersSentError:
            outcomes.append("refused")

    return PlainTextResponse("ok", background=BackgroundTask(later))


async def starlette_socket(websocket: WebSocket) -> None:
    cookies = get_cookies(websocket)
    cookies.set("ws", "hello")
    await websocket.accept()
    await websocket.send_text(f"{cookies.get('theme')} {get_session(websocket).new}")
    with pytest.raises(HeadersSentError):
        cookies.set("late", "1")
    await websocket.close()


def starlette_app() -> Starlette:
    app = Starlette(
        routes=[Route("/", starlette_home), Route("/reset", starlette_home),
                Route("/stream", starlette_stream), Route("/background", starlette_background),
                WebSocketRoute("/ws", starlette_socket)],
        middleware=[Middleware(CookiesMiddleware),
                    Middleware(SessionMiddleware, name="_session", max_age=600)],
    )
    app.state.outcomes = []
    return app


def session_of(response: Any) -> str:
    values = [v for v in response.headers.get_list("set-cookie") if v.startswith("_session=")]
    assert len(values) == 1, values
    return str(values[0].split(";", 1)[0].removeprefix("_session="))


def test_starlette_app_flow() -> None:
    with TestClient(starlette_app()) as client:
        first = client.get("/", headers={"Cookie": "theme=dark"})
        token = session_of(first)
        assert first.text == f"{token}\ndark"
        assert first.headers.get_list("set-cookie") == [
            "own=1; HttpOnly; Path=/; SameSite=lax",
            f"_session={token}; Max-Age=600; Path=/; HttpOnly",
            "seen=yes; Max-Age=3600",
        ]
        again = client.get("/")
        assert session_of(again) == token
        reset = client.get("/reset")
        assert session_of(reset) != token
        assert reset.text.startswith(session_of(reset))


def test_starlette_streaming_and_background_tasks() -> None:
    app = starlette_app()
    with TestClient(app) as client:
        stream = client.get("/stream")
        assert stream.text == "one,two"
        assert "stream=1" in stream.headers.get_list("set-cookie")
        background = client.get("/background")
        assert background.text == "ok"
        assert not any(v.startswith("late=") for v in background.headers.get_list("set-cookie"))
    assert app.state.outcomes == ["refused"]


def test_starlette_websocket_handshake_carries_the_cookies() -> None:
    with TestClient(starlette_app()) as client, client.websocket_connect(
        "/ws", headers={"Cookie": "theme=light"}
    ) as socket:
        assert socket.receive_text() == "light True"
        # TestClient does not expose the accept headers; the raw test below does.


WS_ACCEPT = {"type": "websocket.accept", "subprotocol": None}
WS_DENIAL = {"type": "websocket.http.response.start", "status": 403,
             "headers": [(b"content-type", b"text/plain")]}


@pytest.mark.parametrize(
    ("start", "then"),
    [
        pytest.param(WS_ACCEPT, {"type": "websocket.close", "code": 1000}, id="accept"),
        pytest.param(WS_DENIAL, {"type": "websocket.http.response.body", "body": b"no"},
                     id="denial-response"),
    ],
)
def test_websocket_accept_headers_raw(start: Message, then: Message) -> None:
    """The handshake's accept, or the denial response of the ASGI extension, carries
    the pending cookies; a set after it raises, as after http.response.start."""
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        cookies = get_cookies(scope)
        assert cookies.get("theme") == "light"
        assert cookies.https
        cookies.set("ws", "1", {"secure": True})
        await receive()  # websocket.connect
        await send(dict(start))
        with pytest.raises(HeadersSentError):
            cookies.set("late", "1")
        await send(then)

    sent = websocket(CookiesMiddleware(app), [(b"cookie", b"theme=light")], scheme="wss")
    assert sent[0] == {**start, "headers": [*start.get("headers", []),
                                            (b"set-cookie", b"ws=1; Secure")]}
    assert sent[1] == then


def test_a_set_after_a_websocket_close_before_the_accept_raises() -> None:
    """Closing before the accept denies the handshake with no headers at all."""
    outcomes: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()  # websocket.connect
        await send({"type": "websocket.close", "code": 1008})
        try:
            get_cookies(scope).set("late", "1")
        except HeadersSentError:
            outcomes.append("refused")

    sent = websocket(CookiesMiddleware(app))
    assert (outcomes, sent) == (["refused"], [{"type": "websocket.close", "code": 1008}])


def test_lifespan_state_and_per_request_state() -> None:
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        yield {"db": "shared"}

    async def home(request: Request) -> Response:
        assert request.state.db == "shared"
        return PlainTextResponse(get_session(request).token)

    app = Starlette(routes=[Route("/", home)], lifespan=lifespan,
                    middleware=[Middleware(CookiesMiddleware), Middleware(SessionMiddleware)])
    with TestClient(app) as client:
        tokens = {client.get("/", headers={"Cookie": ""}).text for _ in range(3)}
    assert len(tokens) == 3


def cookies_dependency(request: Request) -> Cookies:
    return get_cookies(request)


def session_dependency(request: Request) -> Session:
    return get_session(request)


def test_fastapi_dependencies() -> None:
    app = FastAPI()

    @app.get("/")
    def home(session: Annotated[Session, Depends(session_dependency)],
             cookies: Annotated[Cookies, Depends(cookies_dependency)]) -> dict[str, Any]:
        cookies.set("lang", "de", max_age=60)
        return {"token": session.token, "theme": cookies.get("theme")}

    @app.post("/login")
    def login(session: Annotated[Session, Depends(session_dependency)]) -> dict[str, str]:
        return {"token": session.reset()}

    app.add_middleware(SessionMiddleware, same_site="lax")  # inner: added first
    app.add_middleware(CookiesMiddleware, trust_proxy=False)
    with TestClient(app) as client:
        page = client.get("/", headers={"Cookie": "theme=dark"})
        body = page.json()
        assert body["theme"] == "dark"
        assert page.headers.get_list("set-cookie") == [
            f"_session={body['token']}; Path=/; HttpOnly; SameSite=Lax", "lang=de; Max-Age=60",
        ]
        login = client.post("/login")
        assert login.json()["token"] != body["token"]
        assert session_of(login) == login.json()["token"]


def test_node_shaped_cookies_on_a_starlette_request_and_response() -> None:
    """Cookies(request, response) without middleware: the response carries exactly
    the pending cookies whenever it is sent, after its own."""
    async def endpoint(request: Request) -> Response:
        response = PlainTextResponse("ok")
        response.set_cookie("own", "1")
        cookies = Cookies(request, response)
        cookies.set("a", cookies.get("theme") or "none")
        cookies.set("a", "2", None, True)
        cookies.set("b", "3")
        return response

    app = Starlette(routes=[Route("/", endpoint)])
    with TestClient(app) as client:
        reply = client.get("/", headers={"Cookie": "theme=dark"})
    assert reply.headers.get_list("set-cookie") == ["own=1; Path=/; SameSite=lax", "a=2", "b=3"]


def test_signed_cookies_and_an_express_session_on_asgi() -> None:
    from urllib.parse import quote

    from cookie_middleware import ExpressSigner
    from session_middleware.express import is_express_sid

    signer = ExpressSigner(["new", "old"])
    seen: list[Any] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        cookies = get_cookies(scope)
        seen.append((cookies.get("theme", signed=True), get_session(scope).token))
        cookies.set("theme", "dark", signed=True)
        await hello(scope, receive, send)

    stack = CookiesMiddleware(SessionMiddleware(app, "connect.sid", signed=True,
                                                accept_token=is_express_sid), signer=signer)
    old_theme = quote(ExpressSigner("old").sign("light"), safe="")
    sid = is_express_sid.mint()
    old_sid = quote(ExpressSigner("old").sign(sid), safe="")
    reply = request(stack, headers=[(b"cookie", f"theme={old_theme}; "
                                               f"connect.sid={old_sid}".encode())])
    assert seen == [("light", sid)]
    assert reply.set_cookies == [
        f"connect.sid={quote(signer.sign(sid), safe='')}; Path=/; HttpOnly",
        f"theme={quote(signer.sign('dark'), safe='')}",
    ]


@pytest.mark.parametrize(("rolling", "written"), [pytest.param(True, True, id="rolling"),
                                                  pytest.param(False, False, id="not-rolling")])
def test_a_kept_token_is_rewritten_only_when_rolling(rolling: bool, written: bool) -> None:
    stack = CookiesMiddleware(SessionMiddleware(hello, rolling=rolling))
    reply = request(stack, headers=[(b"cookie", f"_session={TOKEN}".encode())])
    assert reply.set_cookies == ([f"_session={TOKEN}; Path=/; HttpOnly"] if written else [])


@pytest.mark.parametrize("read_before", [True, False], ids=["read-before", "unread-before"])
@pytest.mark.parametrize(
    ("scheme", "forwarded", "trust_proxy", "https"),
    [
        pytest.param("http", None, False, False, id="http"),
        pytest.param("https", None, False, True, id="https"),
        pytest.param("http", b"https", True, True, id="proxy-trusted"),
        pytest.param("http", b"https", False, False, id="proxy-not-trusted"),
    ],
)
def test_get_and_secure_answer_the_same_after_the_response_starts(
        scheme: str, forwarded: bytes | None, trust_proxy: bool, https: bool,
        read_before: bool) -> None:
    """As on WSGI: the response's start lets go of the scope, and what get,
    header and secure answer does not change."""
    answers: list[tuple[str | None, str, bool]] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        cookies = get_cookies(scope)
        if read_before:
            answers.append((cookies.get("b"), cookies.cookie_header, cookies.https))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        scope["headers"] = [(b"cookie", b"a=changed")]  # what the request said is kept
        answers.append((cookies.get("b"), cookies.cookie_header, cookies.https))
        await send({"type": "http.response.body", "body": b"ok"})

    headers = [(b"cookie", b"a=1; b=2")]
    if forwarded is not None:
        headers.append((b"x-forwarded-proto", forwarded))
    asyncio.run(call(CookiesMiddleware(app, trust_proxy=trust_proxy),
                     http_scope(headers=headers, scheme=scheme)))
    assert answers[-1] == ("2", "a=1; b=2", https)
    assert len(set(answers)) == 1
