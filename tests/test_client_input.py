"""No client input makes a request fail, on either transport, under any signer.

Random Cookie headers (duplicates, prefixed names, ``.sig`` companions, ``s:``
values, percent escapes, quotes, non-ASCII and invalid UTF-8 bytes), random
``Sec-Fetch-*`` headers, ``X-Forwarded-Proto`` and methods go through the WSGI and
the ASGI stack. Whatever they are: no exception escapes, the response starts, at
most one Set-Cookie goes out per cookie name and path, and the session cookie
written, if any, parses back to the session's token.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cookie_middleware import Cookies, ExpressSigner, InsecureCookieError, KeygripSigner, parse
from session_middleware import Session, is_session_token, new_token
from session_middleware.stores import MemoryStore
from tests.transports import TRANSPORTS, Through


@dataclass
class Config:
    """One way an app may set the stack up."""

    session_name: str = "_session"
    signer: ExpressSigner | KeygripSigner | None = None
    signed: bool = False
    scheme: str = "http"
    session: dict[str, Any] = field(default_factory=dict)
    store: bool = False  # a MemoryStore, and a handler that writes session data

    def cookies_options(self) -> dict[str, Any]:
        return {"signer": self.signer, "trust_proxy": True}

    def session_options(self) -> dict[str, Any]:
        store = {"store": MemoryStore()} if self.store else {}
        return {"name": self.session_name, "signed": self.signed, **store, **self.session}


EXPRESS = ExpressSigner(["new secret", "old secret"])
KEYGRIP = KeygripSigner(["new key", "old key"])
OLD_KEYGRIP = KeygripSigner(["old key"])
FORGED_KEYGRIP = KeygripSigner(["forger"])

CONFIGS = [
    pytest.param(Config(), id="no-signer"),
    pytest.param(Config(signer=EXPRESS), id="express-unsigned-session"),
    pytest.param(Config(signer=EXPRESS, signed=True), id="express-signed-session"),
    pytest.param(Config(signer=KEYGRIP, signed=True), id="keygrip-signed-session"),
    pytest.param(Config(session_name="__Host-sid", scheme="https",
                        session={"secure": True, "same_site": "strict"}),
                 id="host-prefixed-session"),
    pytest.param(Config(signer=KEYGRIP), id="keygrip-unsigned-session"),
    # Secure session cookies where X-Forwarded-Proto (trusted) decides what is https.
    pytest.param(Config(session={"secure": True}), id="secure-session-behind-a-proxy"),
    pytest.param(Config(session_name="__Host-sid", signer=KEYGRIP, signed=True,
                        session={"secure": True}), id="keygrip-host-prefixed-behind-a-proxy"),
    pytest.param(Config(session_name="__Host-sid", signer=KEYGRIP, signed=True, scheme="https",
                        session={"secure": True, "same_site": "none"}),
                 id="keygrip-host-prefixed-session"),
    pytest.param(Config(store=True), id="memory-store"),
    pytest.param(Config(store=True, session={"lazy": True}), id="lazy-memory-store"),
    pytest.param(Config(signer=KEYGRIP, signed=True, store=True), id="keygrip-memory-store"),
]

NAMES = ["_session", "__Host-sid", "__Secure-sid", "__host-sid", "theme", "connect.sid",
         "__proto__", "a b", "=", ""]


def companion_values(name: str, value: str) -> st.SearchStrategy[str]:
    """What a ``.sig`` companion may hold: a good digest, an older key's, a forgery."""
    data = f"{name}={value}"
    return st.sampled_from([KEYGRIP.sign(data), OLD_KEYGRIP.sign(data),
                            FORGED_KEYGRIP.sign(data), "", "forged"])


token = new_token()
values = st.one_of(
    st.sampled_from([token, "s:" + token, EXPRESS.sign(token), ExpressSigner("old secret")
                     .sign(token), ExpressSigner("forger").sign(token), "s:", "s:%ZZ",
                     "%E2%82%AC", "%ff", '"quoted"', '"', "\u00e9", "\u00c3\u00a9", ""]),
    st.text(max_size=20),
)


@st.composite
def pieces(draw: st.DrawFn) -> str:
    """One ``name=value`` piece, sometimes with its ``.sig`` companion after it."""
    name = draw(st.one_of(st.sampled_from(NAMES), st.text(max_size=8)))
    value = draw(values)
    piece = f"{name}={value}"
    if draw(st.booleans()):
        piece += f"; {name}.sig={draw(companion_values(name, value))}"
    if draw(st.integers(0, 9)) == 0:
        piece = name  # a piece without "="
    return piece


@st.composite
def cookie_headers(draw: st.DrawFn) -> bytes:
    separator = draw(st.sampled_from(["; ", ";", " ; ", ";\t"]))
    text = separator.join(draw(st.lists(pieces(), max_size=6)))
    raw = text.encode("utf-8", "surrogatepass")
    # Bytes no UTF-8 encoder writes: a lone continuation byte, a cut sequence, latin-1.
    for junk in draw(st.lists(st.sampled_from([b"\xff", b"\xc3", b"\x80", b"\xe9", b"\x00"]),
                              max_size=2)):
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + junk + raw[at:]
    return raw


FETCH_VALUES = {
    "sec-fetch-site": [b"cross-site", b"same-site", b"same-origin", b"none"],
    "sec-fetch-mode": [b"navigate", b"cors", b"no-cors", b"websocket", b"same-origin"],
    "sec-fetch-dest": [b"document", b"iframe", b"image", b"empty"],
    "x-forwarded-proto": [b"https", b"http", b"https, http", b""],
}


@st.composite
def other_headers(draw: st.DrawFn) -> list[tuple[str, bytes]]:
    headers = []
    for name, known in FETCH_VALUES.items():
        if draw(st.booleans()):
            headers.append((name, draw(st.one_of(st.sampled_from(known),
                                                 st.binary(max_size=12)))))
    return headers


methods = st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"])


def read_everything(config: Config, reset: bool) -> Any:
    """The handler: what an app reads, and, when asked, a login."""
    def handler(cookies: Cookies, session: Session | None) -> str:
        assert session is not None
        for name in NAMES:
            cookies.get(name)
            cookies.get(f"{name}.sig")
            if config.signer is not None:
                cookies.get(name, signed=True)
        if config.store:
            session.data["seen"] = session.data.get("seen", 0) + 1
        if reset:
            try:
                session.reset()
            except InsecureCookieError:  # the app's own call, over plain http: it may
                assert not cookies.https  # raise, and only there
        return session.token

    return handler


def attribute(header: str, wanted: str) -> str | None:
    for part in header.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == wanted:
            return value
    return None


@pytest.mark.parametrize("through", TRANSPORTS)
@pytest.mark.parametrize("config", CONFIGS)
@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cookie=st.one_of(st.none(), cookie_headers()), headers=other_headers(), method=methods,
       reset=st.booleans())
def test_no_client_input_fails_a_request(
        monkeypatch: pytest.MonkeyPatch, through: Through, config: Config,
        cookie: bytes | None, headers: list[tuple[str, bytes]], method: str,
        reset: bool) -> None:
    monkeypatch.delenv("ENV", raising=False)
    if cookie is not None:
        headers = [("cookie", cookie), *headers]
    outcome = through(read_everything(config, reset), headers, scheme=config.scheme,
                      method=method, cookies=config.cookies_options(),
                      session=config.session_options())
    assert outcome.status == 200  # the response started, after the handler ran
    token = outcome.result
    assert isinstance(token, str)

    names_and_paths = Counter((header.split("=", 1)[0], attribute(header, "path"))
                              for header in outcome.set_cookies)
    assert max(names_and_paths.values(), default=1) == 1, outcome.set_cookies

    name = config.session_name
    written = [header for header in outcome.set_cookies if header.startswith(f"{name}=")]
    if written:
        (header,) = written
        value = parse(header.split(";", 1)[0])[name]
        if config.store:
            # A token the store did not know gets a fresh one as the data is saved.
            token = value if value != token and is_session_token(value) else token
        if config.signed and isinstance(config.signer, ExpressSigner):
            assert config.signer.unsign(value) == token
        else:
            assert value == token
        if config.signed and isinstance(config.signer, KeygripSigner):
            sig = [h for h in outcome.set_cookies if h.startswith(f"{name}.sig=")]
            assert [parse(h.split(";", 1)[0]) for h in sig] == [
                {f"{name}.sig": config.signer.sign(f"{name}={token}")}]


REDIS_CONFIGS = [
    pytest.param("redis", Config(store=True), id="redis-store"),
    pytest.param("redis", Config(store=True, session={"lazy": True}), id="lazy-redis-store"),
    pytest.param("connect-redis", Config(session_name="connect.sid", signer=EXPRESS,
                                         signed=True, store=True),
                 id="connect-redis-store"),
]


@pytest.mark.parametrize("through", [p for p in TRANSPORTS if p.id != "asgi"])  # sync stores
@pytest.mark.parametrize(("kind", "config"), REDIS_CONFIGS)
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cookie=st.one_of(st.none(), cookie_headers()), headers=other_headers(), method=methods,
       reset=st.booleans())
def test_no_client_input_fails_a_request_on_a_real_redis(
        monkeypatch: pytest.MonkeyPatch, redis_client: Any, through: Through, kind: str,
        config: Config, cookie: bytes | None, headers: list[tuple[str, bytes]], method: str,
        reset: bool) -> None:
    from session_middleware.express import is_express_sid
    from session_middleware.stores import ConnectRedisStore, RedisStore

    monkeypatch.delenv("ENV", raising=False)
    if cookie is not None:
        headers = [("cookie", cookie), *headers]
    session = config.session_options()
    if kind == "redis":
        session["store"] = RedisStore(redis_client)
    else:
        session.update(store=ConnectRedisStore(redis_client), accept_token=is_express_sid)
    outcome = through(read_everything(config, reset), headers, scheme=config.scheme,
                      method=method, cookies=config.cookies_options(), session=session)
    assert outcome.status == 200  # the response started, after the handler ran
    assert isinstance(outcome.result, str)
    names_and_paths = Counter((header.split("=", 1)[0], attribute(header, "path"))
                              for header in outcome.set_cookies)
    assert max(names_and_paths.values(), default=1) == 1, outcome.set_cookies
