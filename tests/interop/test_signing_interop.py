"""Signed cookies, differentially against cookie-signature, keygrip, cookies (Koa),
cookie-parser and Express, run in node: what one side signs, the other verifies;
tampering is refused on both; key rotation agrees."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest
from webob import Request, Response

from cookie_middleware import Cookies, ExpressSigner, KeygripSigner
from cookie_middleware.signing import sign, unsign
from tests.interop.npm import run_node
from tests.transports import TRANSPORTS, Through

SEED = 20261130
ALPHABET = "abcXYZ019 -_.~!*'()%+/=:;,\"\\\u00e9\u20ac\U0001f600"


@pytest.fixture(scope="module")
def signing(npm_folder: Path) -> Any:
    return lambda request: run_node(npm_folder, "signing.js", request)


def values(count: int) -> list[str]:
    rng = random.Random(SEED)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 24)))
            for _ in range(count)]


SECRETS = ["keyboard cat", "s\u00e9cret \u20ac", "", "x" * 100]


def test_sign_and_unsign_agree_with_cookie_signature(signing: Any) -> None:
    cases = [(value, secret) for value in values(200) for secret in SECRETS[:2]]
    reply = signing({"sign": cases})
    assert reply["sign"] == [sign(v, s) for v, s in cases]
    signed = reply["sign"]
    tampered = [s[:-1] + ("A" if s[-1] != "A" else "B") for s in signed]
    probes = ([(s, secret) for s, (_, secret) in zip(signed, cases, strict=True)]
              + [(s, "wrong") for s in signed[:50]]
              + [(t, secret) for t, (_, secret) in zip(tampered, cases, strict=True)]
              + [(v, "keyboard cat") for v in ["", "abc", "no-dot", ".", "a.", ".b", "a.b.c"]])
    reply = signing({"unsign": probes})
    ours = [unsign(signed_value, secret) for signed_value, secret in probes]
    assert [False if v is None else v for v in ours] == reply["unsign"]


@pytest.mark.parametrize("algorithm", ["sha1", "sha256"])
def test_keygrip_sign_and_index_agree(signing: Any, algorithm: str) -> None:
    keys = ["newest", "older", "oldest"]
    data = [f"name={value}" for value in values(100)]
    old = KeygripSigner(keys[1:], algorithm)
    digests = [old.sign(d) for d in data] + ["", "garbage", KeygripSigner(["other"]).sign("x")]
    probes = [[d, g] for d, g in zip(data + ["x"] * 3, digests, strict=True)]
    reply = signing({"keygrip": [{"keys": keys, "algorithm": algorithm, "sign": data,
                                  "index": probes}]})["keygrip"][0]
    grip = KeygripSigner(keys, algorithm)
    assert reply["sign"] == [grip.sign(d) for d in data]
    assert reply["index"] == [grip.index(d, g) for d, g in probes]
    assert set(reply["index"]) == {1, -1}  # all made by the second key, or by none


def koa_pair(headers: list[str]) -> str:
    """A Cookie header built from Set-Cookie values, as a browser would send it."""
    return "; ".join(h.split(";", 1)[0] for h in headers)


def python_set(signer: Any, name: str, value: str, **options: Any) -> list[str]:
    response = Response()
    cookies = Cookies(Request.blank("/"), response, signer=signer)
    cookies.set(name, value, signed=True, **options)
    return response.headers.getall("Set-Cookie")


def python_get(signer: Any, header: str, name: str) -> tuple[str | None, list[str]]:
    response = Response()
    cookies = Cookies(Request.blank("/", headers={"Cookie": header}), response, signer=signer)
    return cookies.get(name, signed=True), response.headers.getall("Set-Cookie")


KOA_VALUES = ["dark", "a.b", "123", "x%20y", "eyJhIjoxfQ", "~!*'()"]


def test_koa_reads_what_python_signs_and_back(signing: Any) -> None:
    keys = ["k1", "k0"]
    ours = [python_set(KeygripSigner(keys), "theme", value, path="/") for value in KOA_VALUES]
    reply = signing({
        "koaGet": [{"keys": keys, "header": koa_pair(headers), "name": "theme"}
                   for headers in ours],
        "koaSet": [{"keys": keys, "name": "theme", "value": value} for value in KOA_VALUES],
    })
    # Koa's cookies package neither percent-encodes nor decodes: it reads the value
    # as it is on the wire, which this project writes encodeURIComponent'ed.
    assert [r["value"] for r in reply["koaGet"]] == [quote(v, safe="!*'()~") for v in KOA_VALUES]
    assert all(r["setCookie"] == [] for r in reply["koaGet"])
    for value, theirs in zip(KOA_VALUES, reply["koaSet"], strict=True):
        got, written = python_get(KeygripSigner(keys), koa_pair(theirs), "theme")
        assert (got, written) == (unquote(value), [])


# Koa lets latin-1 characters through unencoded; Node writes each as one byte.
KOA_LATIN1_VALUES = ["\u00c3\u00a9", "\u00e9", "\u00e2\u0082\u00ac", "\u00ffa\u00c3\u00a9",
                     "\u00f0\u009f\u0098\u0080x", "caf\u00c3\u00a9 \u00e9"]


@pytest.mark.parametrize("through", TRANSPORTS)
def test_what_koa_signs_verifies_whatever_the_bytes_of_its_value(signing: Any,
                                                                 through: Through) -> None:
    keys = ["k1"]
    reply = signing({"koaSet": [{"keys": keys, "name": "theme", "value": value}
                                for value in KOA_LATIN1_VALUES]})
    for value, theirs in zip(KOA_LATIN1_VALUES, reply["koaSet"], strict=True):
        wire = koa_pair(theirs).encode("latin-1")  # the bytes the browser sends back
        outcome = through(lambda cookies, session: cookies.get("theme", signed=True),
                          [("cookie", wire)], cookies={"signer": KeygripSigner(keys)})
        # get() answers the UTF-8 reading of the bytes where they are UTF-8, and
        # Koa's own (latin-1) reading where they are not.
        try:
            text = value.encode("latin-1").decode("utf-8")
        except UnicodeDecodeError:
            text = value
        assert (outcome.result, outcome.set_cookies) == (text, []), value


@pytest.mark.parametrize(
    ("case", "header"),
    [
        pytest.param("older-key", None, id="older-key-verifies"),
        pytest.param("tampered", "theme=light; theme.sig={sig}", id="tampered-value"),
        pytest.param("bad-sig", "theme=dark; theme.sig=AAAA", id="bad-sig"),
        pytest.param("no-sig", "theme=dark", id="no-sig"),
    ],
)
def test_rotation_and_tampering_as_koa_handles_them(signing: Any, case: str,
                                                    header: str | None) -> None:
    old_sig = KeygripSigner(["k0"]).sign("theme=dark")
    if header is None:
        header = f"theme=dark; theme.sig={old_sig}"
    header = header.format(sig=old_sig)
    keys = ["k1", "k0"]
    theirs = signing({"koaGet": [{"keys": keys, "header": header, "name": "theme"}]})
    reply = theirs["koaGet"][0]
    value, written = python_get(KeygripSigner(keys), header, "theme")
    assert value == reply["value"]
    # Koa writes on a read (re-signs an older key's .sig, expires a bad one) without
    # knowing the cookie's Path, Domain or lifetime; here a read writes nothing.
    koa_writes = {"older-key": ["theme.sig"], "tampered": ["theme.sig"],
                  "bad-sig": ["theme.sig"], "no-sig": []}[case]
    assert [w.split("=", 1)[0] for w in reply["setCookie"]] == koa_writes
    assert written == []


def test_express_and_cookie_parser_agree(signing: Any) -> None:
    secrets = ["new secret", "old secret"]
    plain = [v for v in values(60) if v]
    theirs = signing({"expressCookie": [{"secret": "old secret", "name": "c", "value": v,
                                          "options": {}} for v in plain]})["expressCookie"]
    for value, headers in zip(plain, theirs, strict=True):
        # Express's header: the same cookie value as this project writes.
        (header,) = headers
        assert header.split(";", 1)[0] == python_set(
            ExpressSigner("old secret"), "c", value)[0].split(";", 1)[0]
        got, _ = python_get(ExpressSigner(secrets), header.split(";", 1)[0], "c")
        assert got == value  # an older secret still verifies
    ours = [python_set(ExpressSigner(secrets), "c", v)[0].split(";", 1)[0] for v in plain]
    tampered = [o.replace("%2B", "%2F", 1) if "%2B" in o else o[:-1] + "A" for o in ours]
    reply = signing({"cookieParser": [{"secrets": secrets[::-1], "header": h}
                                      for h in ours + tampered + ["c=plain"]]})
    assert [r.get("c") for r in reply["cookieParser"][:len(plain)]] == plain
    assert [r.get("c") for r in reply["cookieParser"][len(plain):-1]] == [False] * len(plain)
    assert reply["cookieParser"][-1] == {}  # unsigned: not a signed cookie at all
    assert [python_get(ExpressSigner(secrets), t, "c")[0] for t in tampered] == [None] * len(plain)
