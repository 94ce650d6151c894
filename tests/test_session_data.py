"""Session data on a store, through the middlewares: ``session.data``, ``user``,
``login``, ``logout``, what is written when, and the races."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from typing import Any, cast

import pytest
from webob import Request, Response
from webob.dec import wsgify

from cookie_middleware import Cookies, get_cookies
from cookie_middleware.asgi import CookiesMiddleware
from session_middleware import (
    Session,
    SessionDataError,
    SessionNotLoadedError,
    get_session,
    new_token,
)
from session_middleware.asgi import SessionMiddleware
from session_middleware.stores import MemoryStore, Record
from tests.asgi_driver import request as asgi_request
from tests.async_store import AsyncMemoryStore


class CountingStore(MemoryStore):
    """A memory store that counts its calls, by name."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.calls: list[str] = []

    def load(self, token: str) -> Record | None:
        self.calls.append("load")
        return super().load(token)

    def save(self, token: str, record: Record, *, create: bool) -> bool:
        self.calls.append("save" if not create else "create")
        return super().save(token, record, create=create)

    def destroy(self, token: str, user: str | None = None) -> bool:
        self.calls.append("destroy")
        return super().destroy(token, user)


Handler = Callable[[Session], object]


def wsgi_app(store: Any, handler: Handler) -> Any:
    @wsgify
    def view(request: Request) -> Response:
        return Response(json.dumps(handler(get_session(request))))

    return Cookies.middleware(Session.middleware(view, store=store))


def visit(app: Any, token: str | None = None) -> tuple[Any, str]:
    """One request (with the session cookie *token*): what the handler returned,
    and the token the response left the browser with."""
    headers = {"Cookie": f"_session={token}"} if token else {}
    response = Request.blank("/", headers=headers).get_response(app)
    cookie = next((v for v in response.headers.getall("Set-Cookie")
                   if v.startswith("_session=")), None)
    if cookie is None:  # the cookie left alone: the browser keeps the one it has
        assert token is not None
        return json.loads(response.body), token
    return json.loads(response.body), cookie.split(";", 1)[0].removeprefix("_session=")


def set_cookies(app: Any, token: str | None = None) -> list[str]:
    headers = {"Cookie": f"_session={token}"} if token else {}
    return list(Request.blank("/", headers=headers).get_response(app).headers.getall(
        "Set-Cookie"))


def test_data_lasts_from_request_to_request() -> None:
    store = CountingStore()

    def count(session: Session) -> object:
        session.data["visits"] = session.data.get("visits", 0) + 1
        return session.data["visits"]

    app = wsgi_app(store, count)
    first, token = visit(app)
    second, _ = visit(app, token)
    assert (first, second) == (1, 2)
    assert store.calls == ["create", "load", "save"]  # a new token is read from nowhere


def test_an_unchanged_session_costs_one_read_and_an_untouched_one_nothing() -> None:
    store = CountingStore()
    app = wsgi_app(store, lambda session: session.data.setdefault("n", 1))
    _, token = visit(app)
    store.calls.clear()
    visit(app, token)
    assert store.calls == ["load"]  # unchanged: no write
    store.calls.clear()
    untouched = wsgi_app(store, lambda session: session.token[:4])
    assert set_cookies(untouched, token) == []  # the cookie left alone, as the store
    assert store.calls == []  # never touched: no round trip at all


def test_a_change_deep_inside_a_value_is_saved() -> None:
    store = MemoryStore()
    app = wsgi_app(store, lambda session: session.data.setdefault("cart", []))
    _, token = visit(app)
    visit(wsgi_app(store, lambda session: session.data["cart"].append("book")), token)
    assert visit(app, token)[0] == ["book"]


@pytest.mark.parametrize("reach", [
    pytest.param(lambda data: data["cart"], id="getitem"),
    pytest.param(lambda data: data.get("cart"), id="get"),
    pytest.param(lambda data: next(iter(data.values())), id="values"),
    pytest.param(lambda data: dict(data.items())["cart"], id="items"),
    pytest.param(lambda data: data.setdefault("cart", []), id="setdefault"),
])
def test_a_value_reached_any_way_and_changed_later_is_saved(
        reach: Callable[[Any], Any]) -> None:
    store = MemoryStore()
    _, token = visit(wsgi_app(store, lambda session: session.data.update(cart=[])))
    session = _session_for(store, token)
    cart = reach(session.data)
    session.save()  # nothing changed yet: nothing written
    cart.append("book")  # changed after a save, through the value the app holds
    session.save()
    assert _session_for(store, token).data["cart"] == ["book"]


def test_reading_only_keys_and_the_user_is_no_change() -> None:
    store = CountingStore()
    _, token = visit(wsgi_app(store, lambda session: session.data.update(a=1)))
    store.calls.clear()
    assert visit(wsgi_app(store, lambda session: [list(session.data), len(session.data),
                                                  "a" in session.data, session.user]),
                 token)[0] == [["a"], 1, True, None]
    assert store.calls == ["load"]


def test_an_empty_session_is_never_written() -> None:
    store = CountingStore()
    visit(wsgi_app(store, lambda session: dict(session.data)))
    assert store.calls == []
    assert len(store) == 0


def test_login_moves_the_data_and_the_old_cookie_finds_nothing() -> None:
    store = MemoryStore()
    _, anonymous = visit(wsgi_app(store, lambda session: session.data.update(cart=[1])))

    def log_in(session: Session) -> object:
        return session.login("ada")

    _, token = visit(wsgi_app(store, log_in), anonymous)
    assert token != anonymous
    who = wsgi_app(store, lambda session: [session.user, dict(session.data)])
    assert visit(who, token)[0] == ["ada", {"cart": [1]}]
    assert visit(who, anonymous)[0] == [None, {}]  # the replayed old cookie: nothing


def test_logout_destroys_the_record() -> None:
    store = MemoryStore()
    _, token = visit(wsgi_app(store, lambda session: session.login("ada")))
    _, after = visit(wsgi_app(store, lambda session: session.logout()), token)
    assert after != token
    who = wsgi_app(store, lambda session: session.user)
    assert visit(who, token)[0] is None
    assert visit(who, after)[0] is None
    assert len(store) == 0


def _session_for(store: Any, token: str) -> Session:
    return Session(Cookies(Request.blank("/", headers={"Cookie": f"_session={token}"})),
                   store=store)


def test_a_logout_during_a_slow_request_stays_in_force() -> None:
    store = MemoryStore()
    _, token = visit(wsgi_app(store, lambda session: session.login("ada")))
    slow = _session_for(store, token)
    slow.data["seen"] = True  # the slow request loaded the session and changed it
    fast = _session_for(store, token)
    fast.logout()
    fast.save()  # the logout's response starts first
    slow.save()  # then the slow request's: it must not bring the record back
    assert store.load(token) is None


def test_logout_everywhere_during_a_slow_request_stays_in_force() -> None:
    store = MemoryStore()
    _, token = visit(wsgi_app(store, lambda session: session.login("ada")))
    slow = _session_for(store, token)
    slow.data["seen"] = True
    assert store.logout_everywhere("ada") == 1
    slow.save()
    assert store.load(token) is None


def test_two_saves_of_one_session_the_later_wins_whole() -> None:
    store = MemoryStore()
    _, token = visit(wsgi_app(store, lambda session: session.data.update(a=0, b=0)))
    first, second = _session_for(store, token), _session_for(store, token)
    first.data["a"] = 1
    second.data["b"] = 2
    first.save()
    second.save()
    loaded = store.load(token)
    assert loaded is not None
    assert loaded.data == {"a": 0, "b": 2}  # the documented rule: last write wins, whole


@pytest.mark.parametrize("value", [
    pytest.param({1, 2}, id="set"),
    pytest.param(b"bytes", id="bytes"),
    pytest.param(float("nan"), id="nan"),
    pytest.param(object(), id="object"),
])
def test_only_json_values_are_taken(value: object) -> None:
    session = Session(Cookies(Request.blank("/")), store=MemoryStore())
    with pytest.raises(SessionDataError, match=r"session.data\['x'\] must be a JSON value"):
        session.data["x"] = value
    assert dict(session.data) == {}


def test_a_session_without_a_store_says_how_to_get_one() -> None:
    session = Session(Cookies(Request.blank("/")))
    with pytest.raises(TypeError, match="this session has no store: give the session middleware"):
        session.data  # noqa: B018


def test_a_visitor_without_a_cookie_is_nobody_without_a_read() -> None:
    store = CountingStore()
    assert visit(wsgi_app(store, lambda session: session.user))[0] is None
    assert store.calls == []


# ASGI: the same rules, with an asynchronous store or the memory store.

def asgi_app(store: Any, handler: Callable[[Session], Any]) -> Any:
    async def view(scope: Any, receive: Any, send: Any) -> None:
        result = await handler(get_session(scope))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": json.dumps(result).encode()})

    return CookiesMiddleware(SessionMiddleware(view, store=store))


def asgi_visit(app: Any, token: str | None = None) -> tuple[Any, str]:
    headers = [(b"cookie", f"_session={token}".encode())] if token else []
    reply = asgi_request(app, headers=headers)
    cookie = next((v for v in reply.set_cookies if v.startswith("_session=")), None)
    if cookie is None:  # the cookie left alone
        assert token is not None
        return json.loads(reply.body), token
    return json.loads(reply.body), cookie.split(";", 1)[0].removeprefix("_session=")


@pytest.mark.parametrize("store", [pytest.param(MemoryStore, id="memory"),
                                   pytest.param(AsyncMemoryStore, id="asyncio")])
def test_asgi_data_login_and_logout(store: Callable[[], Any]) -> None:
    backing = store()

    async def count(session: Session) -> object:
        data = await session.load()
        data["n"] = data.get("n", 0) + 1
        return data["n"]

    async def log_in(session: Session) -> object:
        await session.load()
        return session.login("ada")

    async def who(session: Session) -> object:
        await session.load()
        return session.user

    assert asgi_visit(asgi_app(backing, count))[0] == 1
    _, token = asgi_visit(asgi_app(backing, count))
    assert asgi_visit(asgi_app(backing, count), token)[0] == 2
    _, logged_in = asgi_visit(asgi_app(backing, log_in), token)
    assert asgi_visit(asgi_app(backing, who), logged_in)[0] == "ada"
    assert asgi_visit(asgi_app(backing, who), token)[0] is None


@pytest.mark.parametrize("use", [
    pytest.param(lambda session: session.data.__setitem__("x", 1), id="data"),
    pytest.param(lambda session: session.user, id="user"),
    pytest.param(lambda session: session.login("ada"), id="login"),
])
@pytest.mark.parametrize("token", [pytest.param(new_token(), id="returning-visitor"),
                                   pytest.param(None, id="no-cookie")])
def test_an_asyncio_store_wants_load_awaited_first(use: Callable[[Session], object],
                                                   token: str | None) -> None:
    # A visitor without a cookie has nothing to read, yet fails alike: code that
    # forgot the await fails on the first request, not on a returning visitor's.
    async def touch(session: Session) -> object:
        try:
            use(session)
        except SessionNotLoadedError as error:
            return str(error)
        return "no error"

    message = asgi_visit(asgi_app(AsyncMemoryStore(), touch), token)[0]
    assert message == "the session's store is asynchronous: await session.load() first"


def test_a_blocking_store_is_refused_under_asgi(redis_url: str) -> None:
    import redis

    from session_middleware.stores import RedisStore

    with pytest.raises(TypeError, match="blocks, and would block the event loop"):
        SessionMiddleware(lambda scope, receive, send: None,  # type: ignore[arg-type,return-value]
                          store=RedisStore(redis.Redis.from_url(redis_url)))


def test_an_asyncio_store_is_refused_under_wsgi() -> None:
    with pytest.raises(TypeError, match="a WSGI app needs a synchronous store"):
        Session.middleware(lambda environ, start_response: [],
                           store=AsyncMemoryStore())  # type: ignore[arg-type]


def test_cookies_set_by_the_app_stay_beside_the_session() -> None:
    @wsgify
    def view(request: Request) -> Response:
        get_cookies(request).set("theme", "dark")
        get_session(request).data["a"] = 1
        return Response("ok")

    app = Cookies.middleware(Session.middleware(view, store=MemoryStore()))
    response = Request.blank("/").get_response(app)
    assert [v.split("=")[0] for v in response.headers.getall("Set-Cookie")] == [
        "_session", "theme"]
    assert asyncio.iscoroutinefunction(Session.load)


# Per request: the cookie decided when the response starts; lazy sessions.

def test_rolling_false_on_one_request_leaves_the_cookie_alone() -> None:
    def quiet(session: Session) -> object:
        session.rolling = False
        return session.token[:4]

    token = new_token()
    app = Cookies.middleware(Session.middleware(wsgi_view(quiet)))
    assert set_cookies(app, token) == []
    assert len(set_cookies(app)) == 1  # a new token is written all the same

    def quiet_then_reset(session: Session) -> object:
        session.rolling = False
        return session.reset()[:4]

    app = Cookies.middleware(Session.middleware(wsgi_view(quiet_then_reset)))
    assert len(set_cookies(app, token)) == 1  # reset: written


def test_remember_me_lasts_for_that_session_only() -> None:
    store = MemoryStore()

    def remember(session: Session) -> object:
        session.login("ada")
        session.max_age = 30 * 24 * 3600
        return None

    remembered_app = wsgi_app(store, remember)
    cookies = set_cookies(remembered_app)
    assert cookies[0].endswith("; Max-Age=2592000; Path=/; HttpOnly")
    token = cookies[0].split(";")[0].removeprefix("_session=")
    reader = wsgi_app(store, lambda session: session.user)
    assert set_cookies(reader, token)[0].endswith("; Max-Age=2592000; Path=/; HttpOnly")
    other = set_cookies(wsgi_app(store, lambda session: session.login("bob")))
    assert other[0].endswith("; Path=/; HttpOnly")  # another session: the default
    assert set_cookies(wsgi_app(store, lambda session: None), token) == []


def test_max_age_needs_a_store() -> None:
    session = Session(Cookies(Request.blank("/")))
    with pytest.raises(TypeError, match="this session has no store"):
        session.max_age = 60


def test_a_lazy_session_mints_nothing_until_asked() -> None:
    store = CountingStore()

    def app_for(handler: Handler) -> Any:
        return Cookies.middleware(Session.middleware(wsgi_view(handler), store=store,
                                                     lazy=True))

    assert set_cookies(app_for(lambda session: session.user)) == []
    assert set_cookies(app_for(lambda session: dict(session.data))) == []
    assert store.calls == []
    asked = set_cookies(app_for(lambda session: session.token[:4]))
    assert len(asked) == 1
    wrote = set_cookies(app_for(lambda session: session.data.update(a=1)))
    assert len(wrote) == 1
    assert store.calls == ["create"]
    token = wrote[0].split(";")[0].removeprefix("_session=")
    assert set_cookies(app_for(lambda session: None), token) == []  # untouched
    assert set_cookies(app_for(lambda session: session.data["a"]), token)[0].startswith(
        f"_session={token};")  # read: rolled


def test_a_lazy_session_without_a_store() -> None:
    app = Cookies.middleware(Session.middleware(wsgi_view(lambda session: None), lazy=True))
    assert set_cookies(app) == []
    app = Cookies.middleware(Session.middleware(wsgi_view(lambda session: session.token[:4]),
                                                lazy=True))
    assert len(set_cookies(app)) == 1


def wsgi_view(handler: Handler) -> Any:
    @wsgify
    def view(request: Request) -> Response:
        return Response(json.dumps(handler(get_session(request))))

    return view


# Found by review: each case once resurrected an ended session or failed a request.

def _logged_in(store: Any, user: str = "ada") -> str:
    _, token = visit(wsgi_app(store, lambda session: session.login(user)))
    return token


def _log_out(store: Any, token: str) -> None:
    session = _session_for(store, token)
    session.logout()
    session.save()


@pytest.mark.parametrize("end", [
    pytest.param(_log_out, id="logout"),
    pytest.param(lambda store, token: store.logout_everywhere("ada"), id="logout-everywhere"),
])
@pytest.mark.parametrize("move", [
    pytest.param(lambda session: session.reset(), id="reset"),
    pytest.param(lambda session: session.login("ada"), id="login"),
])
def test_a_slow_request_moving_to_a_new_token_after_the_session_ended_keeps_it_ended(
        end: Callable[[Any, str], object], move: Callable[[Session], object]) -> None:
    store = MemoryStore()
    token = _logged_in(store)
    slow = _session_for(store, token)
    slow.data["x"] = 1
    end(store, token)  # completes while the slow request still runs
    move(slow)
    slow.save()
    assert store.load(slow.token) is None
    assert store.load(token) is None


def test_an_ended_anonymous_token_is_not_recreated_by_a_slow_request() -> None:
    store = MemoryStore()
    token = new_token()
    slow = _session_for(store, token)
    dict(slow.data)  # loaded: no record yet
    first = _session_for(store, token)
    first.data["a"] = 1
    first.save()
    assert store.load(token) is None  # an unknown token's first record: a fresh token
    assert store.load(first.token) is not None
    slow.data["b"] = 1
    slow.save()
    assert store.load(token) is None
    assert slow.token != token


def test_logout_ends_remember_me() -> None:
    store = MemoryStore()
    session = _session_for(store, _logged_in(store))
    session.max_age = 30 * 24 * 3600
    session.save()
    cookies = Cookies(Request.blank("/", headers={"Cookie": f"_session={session.token}"}))
    again = Session(cookies, store=store)
    again.logout()
    again.save()
    assert store.load(again.token) is None  # nothing to keep: no record
    assert cookies.set_cookie_headers() == [f"_session={again.token}; Path=/; HttpOnly"]


@pytest.mark.parametrize(("seconds", "error"), [
    pytest.param(0, ValueError, id="zero"), pytest.param(-5, ValueError, id="negative"),
    pytest.param(10**9, ValueError, id="past-400-days"), pytest.param("60", TypeError, id="text"),
])
def test_max_age_is_checked(seconds: object, error: type[Exception]) -> None:
    session = Session(Cookies(Request.blank("/")), store=MemoryStore())
    with pytest.raises(error, match="max_age must be"):
        session.max_age = seconds  # type: ignore[assignment]


def test_a_lazy_session_that_empties_its_data_loses_its_record() -> None:
    store = MemoryStore()
    _, token = visit(wsgi_app(store, lambda session: session.data.update(cart=["book"])))
    app = Cookies.middleware(Session.middleware(
        wsgi_view(lambda session: session.data.pop("cart")), store=store, lazy=True))
    set_cookies(app, token)
    assert store.load(token) is None


def test_a_signed_session_left_alone_sends_no_signature_either() -> None:
    from cookie_middleware import KeygripSigner

    store = MemoryStore()
    signer = KeygripSigner(["key"])

    def stack(handler: Handler) -> Any:
        return Cookies.middleware(Session.middleware(wsgi_view(handler), store=store,
                                                     signed=True), signer=signer)

    login = Request.blank("/").get_response(stack(lambda session: session.login("ada")))
    cookie = "; ".join(v.split(";")[0] for v in login.headers.getall("Set-Cookie"))
    untouched = Request.blank("/", headers={"Cookie": cookie}).get_response(
        stack(lambda session: None))
    assert untouched.headers.getall("Set-Cookie") == []


def test_a_second_start_response_with_exc_info_is_not_refused() -> None:
    def failing(environ: Any, start_response: Any) -> list[bytes]:
        get_session(environ).data["x"] = 1
        start_response("200 OK", [])
        try:
            raise RuntimeError("after the headers were chosen")
        except RuntimeError:
            start_response("500 Internal Server Error", [], sys.exc_info())
        return [b"error page"]

    calls: list[str] = []

    def server_start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        calls.append(status)

    app = Cookies.middleware(Session.middleware(failing, store=MemoryStore()))
    body = list(app(Request.blank("/").environ, server_start_response))
    assert (calls, body) == (["200 OK", "500 Internal Server Error"], [b"error page"])


def test_a_lone_surrogate_in_the_data_round_trips() -> None:
    store = MemoryStore()
    _, token = visit(wsgi_app(store, lambda session: session.data.update(q="\ud800")))
    assert visit(wsgi_app(store, lambda session: session.data["q"] == "\ud800"), token)[0]


def test_the_absolute_timeout_runs_on_the_stores_clock() -> None:
    now = [1000.0]
    store = MemoryStore(100, absolute_timeout=250, clock=lambda: now[0])
    token = _logged_in(store)
    for _ in range(2):
        now[0] += 90
        assert store.load(token) is not None
    now[0] += 90  # 270 s after the login
    assert store.load(token) is None


def test_a_save_that_finds_its_record_gone_leaves_the_cookie_alone() -> None:
    store = MemoryStore()
    token = _logged_in(store)
    cookies = Cookies(Request.blank("/", headers={"Cookie": f"_session={token}"}))
    slow = Session(cookies, store=store)
    slow.data["x"] = 1
    assert store.logout_everywhere("ada") == 1  # meanwhile, elsewhere
    slow.save()
    assert cookies.set_cookie_headers() == []  # the browser keeps whatever it has now


CROSS_SITE_POST = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors",
                   "Sec-Fetch-Dest": "empty"}


@pytest.mark.parametrize("lazy", [pytest.param(False, id="eager"), pytest.param(True, id="lazy")])
@pytest.mark.parametrize("token", [pytest.param(True, id="reads-the-token"),
                                   pytest.param(False, id="never-reads-the-token")])
def test_data_written_on_a_withheld_cross_site_request_makes_no_orphan_record(
        lazy: bool, token: bool) -> None:
    store = CountingStore()

    @wsgify
    def view(request: Request) -> Response:
        session = get_session(request)
        session.data["cart"] = ["book"]
        if request.path == "/login":
            session.login("ada")
        return Response(session.token[:4] if token else "ok")

    app = Cookies.middleware(Session.middleware(view, store=store, lazy=lazy))
    response = Request.blank("/", method="POST", headers=CROSS_SITE_POST).get_response(app)
    assert response.headers.getall("Set-Cookie") == []  # the browser never gets this token
    assert (store.calls, len(store)) == ([], 0)  # so no record is made for it
    # A login there writes its new token, and so keeps the record.
    response = Request.blank("/login", method="POST",
                             headers=CROSS_SITE_POST).get_response(app)
    assert len(response.headers.getall("Set-Cookie")) == 1
    assert (store.calls, len(store)) == (["create"], 1)


def test_max_age_reads_the_remembered_lifetime_on_a_later_request() -> None:
    store = MemoryStore()

    def remember(session: Session) -> object:
        session.max_age = 30 * 24 * 3600
        return session.max_age

    _, token = visit(wsgi_app(store, remember))
    assert visit(wsgi_app(store, lambda session: session.max_age), token)[0] == 30 * 24 * 3600
    assert visit(wsgi_app(store, lambda session: session.max_age))[0] is None  # no cookie


class LogoutEverywhereDuringSave(MemoryStore):
    """A memory store where another process's logout_everywhere lands right
    before (or after) a new record is created."""

    def __init__(self, when: str) -> None:
        super().__init__()
        self.when = when
        self.armed = False

    def save(self, token: str, record: Record, *, create: bool) -> bool:
        fire = self.armed and create
        if fire and self.when == "before":
            self.armed = False
            self.logout_everywhere("ada")
        written = super().save(token, record, create=create)
        if fire and self.when == "after":
            self.armed = False
            self.logout_everywhere("ada")
        return written


@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize("rotate", [pytest.param(lambda s: s.login("ada"), id="login-again"),
                                    pytest.param(lambda s: s.reset(), id="reset")])
def test_logout_everywhere_ends_a_session_that_moves_to_a_new_token_meanwhile(
        when: str, rotate: Callable[[Session], object]) -> None:
    store = LogoutEverywhereDuringSave(when)
    _, token = visit(wsgi_app(store, lambda session: session.login("ada")))
    store.armed = True
    _, after = visit(wsgi_app(store, rotate), token)
    who = wsgi_app(store, lambda session: session.user)
    assert visit(who, after)[0] is None
    assert visit(who, token)[0] is None
    assert len(store) == 0


def test_a_login_submitted_twice_leaves_the_first_logins_cookie() -> None:
    store = MemoryStore()
    _, anonymous = visit(wsgi_app(store, lambda session: session.data.update(cart=[1])))
    first = _session_for(store, anonymous)
    second = _session_for(store, anonymous)
    assert first.data["cart"] == second.data["cart"] == [1]  # both loaded the old record
    first.login("ada")
    first.save()
    second.login("ada")
    second.save()  # its old record is gone: the first login moved it
    assert len(store) == 1
    assert _session_for(store, first.token).user == "ada"
    cookies = cast(Cookies, second.cookies)
    assert [value for value in cookies.set_cookie_headers()
            if value.startswith("_session=")] == []  # the browser keeps the first's


@pytest.mark.parametrize("save_again", [pytest.param(True, id="saved-again"),
                                        pytest.param(False, id="not-saved-again")])
def test_a_change_after_the_response_starts_needs_a_save_of_its_own(save_again: bool) -> None:
    store = MemoryStore()

    def view(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        session = get_session(environ)
        session.data["a"] = 1
        start_response("200 OK", [("Content-Type", "text/plain")])  # saved here
        session.data["b"] = 2  # while the body is sent
        if save_again:
            session.save()
        return [b"ok"]

    app = Cookies.middleware(Session.middleware(view, store=store))
    cookie = Request.blank("/").get_response(app).headers["Set-Cookie"].split(";")[0]
    token = cookie.split("=", 1)[1]
    expected = {"a": 1, "b": 2} if save_again else {"a": 1}
    assert dict(_session_for(store, token).data) == expected


def test_a_value_changed_in_place_into_no_json_fails_with_session_data_error() -> None:
    store = MemoryStore()
    _, token = visit(wsgi_app(store, lambda session: session.data.update(cart=[])))
    session = _session_for(store, token)
    session.data["cart"].append({1, 2})  # a set, inside a value the app reached
    with pytest.raises(SessionDataError, match="session data must be JSON values"):
        session.save()


def test_a_late_save_of_a_remembered_session_writes_no_cookie() -> None:
    store = MemoryStore()

    def remember(session: Session) -> object:
        session.max_age = 30 * 24 * 3600
        return None

    _, token = visit(wsgi_app(store, remember))

    def view(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        session = get_session(environ)
        session.data["n"] = 1
        start_response("200 OK", [("Content-Type", "text/plain")])  # saved, cookie rolled
        session.data["n"] = 2
        session.save()  # the headers are gone: the data alone is written
        return [b"ok"]

    app = Cookies.middleware(Session.middleware(view, store=store))
    response = Request.blank("/", headers={"Cookie": f"_session={token}"}).get_response(app)
    assert len(response.headers.getall("Set-Cookie")) == 1
    assert _session_for(store, token).data["n"] == 2


@pytest.mark.parametrize("lazy", [pytest.param(False, id="eager"), pytest.param(True, id="lazy")])
def test_a_late_save_of_a_session_first_read_after_the_response_started(lazy: bool) -> None:
    store = MemoryStore()
    _, token = visit(wsgi_app(store, lambda session: session.data.update(n=1)))

    def view(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])  # untouched: saved nothing
        session = get_session(environ)
        session.data["n"] = 2  # first read now, as in a background task
        session.save()
        return [b"ok"]

    app = Cookies.middleware(Session.middleware(view, store=store, lazy=lazy))
    response = Request.blank("/", headers={"Cookie": f"_session={token}"}).get_response(app)
    assert response.headers.getall("Set-Cookie") == []  # the browser keeps its cookie
    assert _session_for(store, token).data["n"] == 2


@pytest.mark.parametrize("lazy", [pytest.param(False, id="eager"), pytest.param(True, id="lazy")])
def test_a_late_save_after_a_logout_elsewhere_returns_quietly(lazy: bool) -> None:
    store = MemoryStore()
    _, token = visit(wsgi_app(store, lambda session: session.login("ada")))

    def view(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        session = get_session(environ)
        session.data["n"] = 1
        start_response("200 OK", [("Content-Type", "text/plain")])  # saved
        store.logout_everywhere("ada")  # elsewhere, meanwhile
        session.data["n"] = 2
        session.save()  # the record is gone: nothing written, nothing raised
        return [b"ok"]

    app = Cookies.middleware(Session.middleware(view, store=store, lazy=lazy))
    Request.blank("/", headers={"Cookie": f"_session={token}"}).get_response(app)
    assert len(store) == 0


@pytest.mark.parametrize("lazy", [pytest.param(False, id="eager"), pytest.param(True, id="lazy")])
def test_a_late_save_on_asgi_after_the_response_started(lazy: bool) -> None:
    store = AsyncMemoryStore()
    _, token = asgi_visit(asgi_app(store, _count_once))

    async def view(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        session = get_session(scope)  # first read after the start, as a background task
        data = await session.load()
        data["n"] = 2
        await session.asave()
        await send({"type": "http.response.body", "body": b"ok"})

    app = CookiesMiddleware(SessionMiddleware(view, store=store, lazy=lazy))
    reply = asgi_request(app, headers=[(b"cookie", f"_session={token}".encode())])
    assert reply.set_cookies == []  # the browser keeps its cookie
    assert asgi_visit(asgi_app(store, _read_n), token)[0] == 2


async def _count_once(session: Session) -> object:
    (await session.load())["n"] = 1
    return 1


async def _read_n(session: Session) -> object:
    return (await session.load()).get("n")
