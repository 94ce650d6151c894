"""Signed cookies: cookie-signature's and Keygrip's formats through Cookies.

The literal vectors were produced by running the npm packages themselves
(cookie-signature 1.2.2, keygrip 1.1.0, cookies 0.9.2); tests/interop compares
with them live.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from webob import Request, Response

from cookie_middleware import Cookies, ExpressSigner, KeygripSigner, SigningError, get_cookies
from cookie_middleware.errors import DuplicateOptionError, InvalidNameError
from cookie_middleware.signing import sign, unsign
from session_middleware import Session, get_session
from session_middleware.express import is_express_sid, new_express_sid
from tests.transports import TRANSPORTS, Through

EXPRESS_DARK_MODE = "dark mode.4pHTXj84TSV4zTjjiNCRlNrntMLs1PoRU09DUbmsf+I"  # "keyboard cat"


@pytest.mark.parametrize(
    ("signed", "secrets", "expected"),
    [
        pytest.param(EXPRESS_DARK_MODE, "keyboard cat", "dark mode", id="valid"),
        pytest.param(EXPRESS_DARK_MODE, ["old", "keyboard cat"], "dark mode", id="rotated"),
        pytest.param(EXPRESS_DARK_MODE, "other", None, id="wrong-secret"),
        pytest.param(EXPRESS_DARK_MODE[:-1], "keyboard cat", None, id="truncated"),
        pytest.param("dark mode", "keyboard cat", None, id="no-signature"),
        pytest.param("", "keyboard cat", None, id="empty"),
    ],
)
def test_unsign(signed: str, secrets: Any, expected: str | None) -> None:
    assert unsign(signed, secrets) == expected


def test_sign_matches_cookie_signature() -> None:
    assert sign("dark mode", "keyboard cat") == EXPRESS_DARK_MODE
    assert sign("dark mode", b"keyboard cat") == EXPRESS_DARK_MODE


def test_keygrip_matches_keygrip() -> None:
    grip = KeygripSigner(["k1", "k2"])
    assert grip.sign("a=b") == "daC_r78ln8xSrKOlvsJIqtKd5bY"
    assert grip.index("a=b", KeygripSigner(["k2"]).sign("a=b")) == 1
    assert grip.verify("a=b", "daC_r78ln8xSrKOlvsJIqtKd5bY")
    assert not grip.verify("a=c", "daC_r78ln8xSrKOlvsJIqtKd5bY")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(lambda: ExpressSigner([]), "ExpressSigner needs at least one secret",
                     id="express-no-secret"),
        pytest.param(lambda: KeygripSigner([]), "KeygripSigner needs at least one secret",
                     id="keygrip-no-key"),
        pytest.param(lambda: KeygripSigner(["k"], "sha7"), "unknown hash algorithm",
                     id="keygrip-bad-algorithm"),
        pytest.param(lambda: KeygripSigner(["k"], "shake_128"), "one HMAC cannot use",
                     id="keygrip-algorithm-hmac-cannot-use"),
        pytest.param(lambda: ExpressSigner(""), "ExpressSigner: secret 0 is empty",
                     id="express-empty-str"),
        pytest.param(lambda: ExpressSigner(b""), "ExpressSigner: secret 0 is empty",
                     id="express-empty-bytes"),
        pytest.param(lambda: ExpressSigner([""]), "ExpressSigner: secret 0 is empty",
                     id="express-list-of-empty"),
        pytest.param(lambda: ExpressSigner(["real", ""]), "ExpressSigner: secret 1 is empty",
                     id="express-trailing-comma"),
        pytest.param(lambda: KeygripSigner([""]), "KeygripSigner: secret 0 is empty",
                     id="keygrip-list-of-empty"),
        pytest.param(lambda: KeygripSigner(["k", b""]), "KeygripSigner: secret 1 is empty",
                     id="keygrip-empty-second"),
        pytest.param(lambda: sign("v", ""), "sign: secret 0 is empty", id="sign-empty"),
        pytest.param(lambda: unsign("v.x", ["a", ""]), "unsign: secret 1 is empty",
                     id="unsign-empty"),
    ],
)
def test_signers_refuse_bad_configuration(make: Any, message: str) -> None:
    with pytest.raises(SigningError, match=message):
        make()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(lambda: ExpressSigner(None), "ExpressSigner: secrets must be a str, "
                     "bytes or a list of them, got NoneType", id="express-none"),
        pytest.param(lambda: ExpressSigner(["a", 1]), "ExpressSigner: secret 1 must be a str "
                     "or bytes, got int", id="express-int"),
        pytest.param(lambda: KeygripSigner([None]), "KeygripSigner: secret 0 must be a str or "
                     "bytes, got NoneType", id="keygrip-none"),
        pytest.param(lambda: KeygripSigner(["k"], b"sha1"), "the Keygrip algorithm must be a "
                     "str such as 'sha1', got b'sha1'", id="keygrip-algorithm-bytes"),
    ],
)
def test_signers_refuse_secrets_of_the_wrong_type(make: Any, message: str) -> None:
    with pytest.raises(TypeError) as caught:
        make()
    assert str(caught.value) == message


def test_a_signature_made_without_a_secret_cannot_be_configured_to_verify() -> None:
    """The forgery an empty secret allowed: anyone can compute HMAC with no key."""
    import base64
    import hashlib
    import hmac

    forged = base64.b64encode(hmac.new(b"", b"admin", hashlib.sha256).digest()).decode()
    assert unsign(f"admin.{forged.rstrip('=')}", "real") is None
    for secrets in ("", [""], ["real", ""], b""):
        with pytest.raises(SigningError):
            ExpressSigner(secrets)


def cookies_for(header: str = "", signer: Any = None) -> tuple[Cookies, Response]:
    response = Response()
    request = Request.blank("/", headers={"Cookie": header} if header else {})
    return Cookies(request, response, signer=signer), response


def test_express_signed_cookie_round_trip() -> None:
    cookies, response = cookies_for(signer=ExpressSigner("keyboard cat"))
    cookies.set("theme", "dark mode", {"signed": True, "maxAge": 60})
    assert response.headers.getall("Set-Cookie") == [
        "theme=s%3Adark%20mode.4pHTXj84TSV4zTjjiNCRlNrntMLs1PoRU09DUbmsf%2BI; Max-Age=60"]
    header = response.headers["Set-Cookie"].split(";", 1)[0]
    reader, _ = cookies_for(header, ExpressSigner(["new", "keyboard cat"]))
    assert reader.get("theme", signed=True) == "dark mode"
    assert reader.get("theme", {"signed": True}) == "dark mode"  # the Node form
    assert reader.get("theme") == "s:" + EXPRESS_DARK_MODE
    assert reader.get("missing", signed=True) is None


def test_koa_signed_cookie_writes_the_sig_companion() -> None:
    cookies, response = cookies_for(signer=KeygripSigner(["k1"]))
    cookies.set("theme", "dark", path="/", signed=True)
    assert response.headers.getall("Set-Cookie") == [
        "theme=dark; Path=/", "theme.sig=WSNC4gWq8-Y0qFLK4atallWLjqo; Path=/"]


def test_a_bad_signed_set_records_neither_cookie() -> None:
    cookies, response = cookies_for(signer=KeygripSigner(["k1"]))
    with pytest.raises(InvalidNameError):
        cookies.set("bad name", "v", signed=True)
    assert cookies.set_cookie_headers() == []
    assert response.headers.getall("Set-Cookie") == []


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        pytest.param(lambda c: c.get("a", signed=True), SigningError,
                     "cookie 'a' is signed, but no signer was given", id="get-no-signer"),
        pytest.param(lambda c: c.set("a", "b", signed=True), SigningError, "no signer",
                     id="set-no-signer"),
        pytest.param(lambda c: c.set("a", "b", {"signed": True}, signed=True),
                     DuplicateOptionError, "'signed' given twice", id="signed-twice"),
        pytest.param(lambda c: c.set("a", "b", signed="yes"), TypeError,
                     "option signed must be a bool", id="signed-not-bool"),
        pytest.param(lambda c: c.get("a", {"signd": True}), TypeError,
                     "get() takes only the option 'signed'", id="get-typo"),
        pytest.param(lambda c: c.unset("a", signed=True), TypeError,
                     "do not pass 'signed'", id="unset-signed"),
    ],
)
def test_signing_mistakes_raise(call: Any, error: type[Exception], message: str) -> None:
    cookies, _ = cookies_for()
    with pytest.raises(error) as caught:
        call(cookies)
    assert message in str(caught.value)


def test_signed_session_on_the_middleware_with_express_ids() -> None:
    signer = ExpressSigner("keyboard cat")
    seen: list[Session] = []

    def app(environ: Any, start_response: Any) -> Any:
        seen.append(get_session(environ))
        get_cookies(environ).get("connect.sid", signed=True)
        return Response("ok")(environ, start_response)

    stack = Cookies.middleware(
        Session.middleware(app, "connect.sid", signed=True, accept_token=is_express_sid),
        signer=signer,
    )
    first = Request.blank("/").get_response(stack)
    sid = seen[0].token
    assert is_express_sid(sid)
    assert len(sid) == 32
    encoded = quote(signer.sign(sid), safe="!*'()~")  # encodeURIComponent
    assert first.headers["Set-Cookie"] == f"connect.sid={encoded}; Path=/; HttpOnly"
    again = Request.blank("/", headers={"Cookie": first.headers["Set-Cookie"].split(";")[0]})
    again.get_response(stack)
    assert seen[1].token == sid
    assert not seen[1].new
    forged = Request.blank("/", headers={"Cookie": f"connect.sid=s%3A{sid}.forged"})
    forged.get_response(stack)
    assert seen[2].token != sid
    assert seen[2].new


def test_express_ids() -> None:
    assert is_express_sid(new_express_sid())
    assert not is_express_sid("x" * 31)
    assert not is_express_sid("é" * 32)
    assert is_express_sid(is_express_sid.mint())


HOST_SID = "__Host-sid"
GOOD = KeygripSigner(["new"]).sign(f"{HOST_SID}=abc")
OLDER = KeygripSigner(["old"]).sign(f"{HOST_SID}=abc")


@pytest.mark.parametrize("through", TRANSPORTS)
@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize(
    ("name", "sig", "value"),
    [
        pytest.param(HOST_SID, "forged", None, id="host-forged"),
        pytest.param(HOST_SID, OLDER, "abc", id="host-older-key"),
        pytest.param(HOST_SID, GOOD, "abc", id="host-good"),
        pytest.param("__Secure-sid", "forged", None, id="secure-forged"),
        pytest.param("__Http-sid", "forged", None, id="http-forged"),
        pytest.param("__host-sid", "forged", None, id="host-lower-case-forged"),
    ],
)
def test_a_prefixed_sig_companion_never_fails_the_request(
        through: Through, scheme: str, name: str, sig: str, value: str | None) -> None:
    """Any client can send a forged __Host-sid.sig, and a key rotation makes every
    good one "older": the read answers, and writes nothing (a companion written
    on a read, without the cookie's own attributes, broke the request where its
    prefix wants Secure)."""
    outcome = through(lambda cookies, session: cookies.get(name, signed=True),
                      [("cookie", f"{name}=abc; {name}.sig={sig}".encode())],
                      scheme=scheme, cookies={"signer": KeygripSigner(["new", "old"])})
    assert (outcome.status, outcome.result, outcome.set_cookies) == (200, value, [])


@pytest.mark.parametrize("through", TRANSPORTS)
def test_a_prefixed_cookie_and_its_companion_are_written_alike(through: Through) -> None:
    signer = KeygripSigner(["new"])

    def login(cookies: Cookies, session: object) -> None:
        cookies.set(HOST_SID, "abc", path="/", secure=True, http_only=True, signed=True)

    outcome = through(login, scheme="https", cookies={"signer": signer})
    assert outcome.set_cookies == [f"{HOST_SID}=abc; Path=/; HttpOnly; Secure",
                                   f"{HOST_SID}.sig={GOOD}; Path=/; HttpOnly; Secure"]


# What Koa's cookies package writes for set("theme", value, {signed: true}) with the key
# "k1": it lets latin-1 characters through unencoded, and Node sends each as one byte.
# Generated by running cookies 0.9.2 (tests/interop checks it live).
KOA_LATIN1 = [
    pytest.param("\u00c3\u00a9", "tHFSMtuFikuNiuNDQtL39dTz-WA", "\u00e9",
                 id="utf8-bytes-of-e-acute"),
    pytest.param("\u00e2\u0082\u00ac", "km1aiKYXTv2rv_o_ubFTtDFy-1I", "\u20ac",
                 id="utf8-bytes-of-euro"),
    pytest.param("\u00e9", "syVSwofvGggSeIGK4EKEHEgMxE4", "\u00e9", id="latin1-e-acute"),
    pytest.param("\u00ffa\u00c3\u00a9", "0fF20xi5wVPMsOrfo9-KxFUENLI",
                 "\u00ffa\u00c3\u00a9", id="not-utf8-read-as-latin1"),
]


@pytest.mark.parametrize("through", TRANSPORTS)
@pytest.mark.parametrize(("koa_value", "digest", "text"), KOA_LATIN1)
def test_a_value_koa_signed_verifies_whatever_its_bytes(through: Through, koa_value: str,
                                                        digest: str, text: str) -> None:
    """Node reads the Cookie header as latin-1, so Koa signs the latin-1 reading of the
    value's bytes; get() answers the UTF-8 reading where the bytes are valid UTF-8."""
    wire = f"theme={koa_value}; theme.sig={digest}".encode("latin-1")
    outcome = through(lambda cookies, session: cookies.get("theme", signed=True),
                      [("cookie", wire)], cookies={"signer": KeygripSigner(["k1"])})
    assert (outcome.result, outcome.set_cookies) == (text, [])


@pytest.mark.parametrize("through", TRANSPORTS)
def test_a_later_read_does_not_undo_the_sig_this_response_writes(through: Through) -> None:
    """The session replaces a token whose .sig is forged, writing a new token and its
    companion; a later signed read of the same request cookie writes nothing over
    them (the browser would lose the new session at once)."""
    signer = KeygripSigner(["k1"])
    forged = f"_session={'T' * 256}; _session.sig=forged".encode()

    def read_again(cookies: Cookies, session: Any) -> str:
        assert cookies.get("_session", signed=True) is None
        return str(session.token)

    outcome = through(read_again, [("cookie", forged)], cookies={"signer": signer},
                      session={"signed": True})
    token = outcome.result
    assert outcome.set_cookies == [
        f"_session={token}; Path=/; HttpOnly",
        f"_session.sig={signer.sign(f'_session={token}')}; Path=/; HttpOnly",
    ]


@pytest.mark.parametrize("through", TRANSPORTS)
def test_a_signed_read_of_a_name_no_cookie_can_have_answers(through: Through) -> None:
    outcome = through(lambda cookies, session: cookies.get("a b", signed=True),
                      [("cookie", b"a b=1; a b.sig=forged")],
                      cookies={"signer": KeygripSigner(["k1"])})
    assert (outcome.status, outcome.result, outcome.set_cookies) == (200, None, [])


@pytest.mark.parametrize("through", TRANSPORTS)
@pytest.mark.parametrize(
    ("rolling", "written"),
    [
        pytest.param(False, False, id="not-rolling-left-as-it-is"),
        pytest.param(True, True, id="rolling-rewritten-with-the-new-key"),
    ],
)
def test_a_session_signed_with_an_older_key_is_kept_on_rotation(
        through: Through, rolling: bool, written: bool) -> None:
    """Rotation keeps an older key in the list: what it signed still verifies, and
    nothing is written on the read. A rolling session rewrites its cookie and
    companion on every request, with the new key and the session's own attributes."""
    old = KeygripSigner(["old"])
    token = "T" * 256
    header = f"_sid={token}; _sid.sig={old.sign(f'_sid={token}')}".encode()
    signer = KeygripSigner(["new", "old"])
    outcome = through(lambda cookies, session: session.token, [("cookie", header)],
                      cookies={"signer": signer},
                      session={"name": "_sid", "signed": True, "rolling": rolling,
                               "max_age": 3600, "path": "/app"})
    assert outcome.result == token
    attributes = "Max-Age=3600; Path=/app; HttpOnly"
    assert outcome.set_cookies == ([
        f"_sid={token}; {attributes}",
        f"_sid.sig={signer.sign(f'_sid={token}')}; {attributes}"] if written else [])


def test_an_empty_options_mapping_does_not_turn_signing_off() -> None:
    cookies = Cookies({"HTTP_COOKIE": "sid=forged", "wsgi.url_scheme": "http"},
                      signer=ExpressSigner("secret"))
    assert cookies.get("sid", {}, signed=True) is None
    with pytest.raises(DuplicateOptionError, match="'signed' given twice"):
        cookies.get("sid", {"signed": False}, signed=True)


def test_a_custom_encoder_leaves_the_keygrip_digest_alone() -> None:
    signer = KeygripSigner(["key"])
    cookies = Cookies({"wsgi.url_scheme": "http"}, signer=signer)
    cookies.set("theme", "dark", signed=True, encode=str.upper)
    assert cookies.set_cookie_headers() == [
        "theme=DARK", f"theme.sig={signer.sign('theme=DARK')}"]
    reader = Cookies({"HTTP_COOKIE": f"theme=DARK; theme.sig={signer.sign('theme=DARK')}",
                      "wsgi.url_scheme": "http"}, signer=signer)
    assert reader.get("theme", signed=True) == "DARK"
