"""Signed cookies as Express and Koa write them, so both sides read each other's.

Standard library only. Two formats, as the npm packages write them:

* **cookie-signature** (Express ``res.cookie(name, value, {signed: true})``,
  ``cookie-parser``, ``express-session``): the value becomes
  ``"s:" + value + "." + base64(HMAC-SHA256(secret, value))`` without ``=``
  padding, in the cookie itself. :func:`sign` and :func:`unsign` are the package's
  two functions; :class:`ExpressSigner` adds the ``s:`` prefix and a list of
  secrets (the first signs, all verify).
* **Keygrip with the cookies package** (Koa): the cookie stays as it is, and a
  companion cookie ``name.sig`` holds ``keygrip.sign("name=value")``, HMAC-SHA1 by
  default, base64 with ``/`` ``+`` ``=`` turned into ``_`` ``-`` and nothing.
  :class:`KeygripSigner` has Keygrip's ``sign``, ``verify`` and ``index``.

Every comparison is constant-time (:func:`hmac.compare_digest`). Pass a signer to
:class:`~cookie_middleware.Cookies` (or its middlewares) and use
``get(name, signed=True)`` and ``set(name, value, signed=True)``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence

from .errors import SigningError

__all__ = ["ExpressSigner", "KeygripSigner", "Signer", "sign", "unsign"]

Secret = str | bytes


def _key(secret: object, position: int, what: str) -> bytes:
    # Node's createHmac takes a string key as UTF-8.
    if isinstance(secret, str):
        key = secret.encode("utf-8")
    elif isinstance(secret, bytes):
        key = secret
    else:
        raise TypeError(
            f"{what}: secret {position} must be a str or bytes, got {type(secret).__name__}"
        )
    if not key:
        # An empty key signs what anyone can sign: a forged cookie would verify.
        raise SigningError(
            f"{what}: secret {position} is empty, so anyone could forge a signature "
            "(a trailing comma in a comma-separated list of secrets?)"
        )
    return key


def _secrets(secrets: Secret | Sequence[Secret], what: str) -> list[bytes]:
    """The keys of *secrets* (one secret or a list), refusing an empty list and
    any secret that is empty or not a ``str`` or ``bytes``, by position."""
    if isinstance(secrets, (str, bytes)):
        return [_key(secrets, 0, what)]
    if not isinstance(secrets, Sequence):
        raise TypeError(
            f"{what}: secrets must be a str, bytes or a list of them, "
            f"got {type(secrets).__name__}"
        )
    if not secrets:
        raise SigningError(f"{what} needs at least one secret")
    return [_key(secret, position, what) for position, secret in enumerate(secrets)]


def _utf8(text: str) -> bytes:
    """*text* as UTF-8, the way Node hashes a string: a lone surrogate (which no
    header decodes to, but a caller's string may hold) becomes U+FFFD."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace").encode()


def _hmac_sha256(value: str, key: bytes) -> str:
    digest = hmac.new(key, _utf8(value), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii").rstrip("=")


def sign(value: str, secret: Secret) -> str:
    """``value + "." + base64(HMAC-SHA256(secret, value))``, without ``=`` padding:
    cookie-signature's ``sign``."""
    if not isinstance(value, str):
        raise TypeError(f"the value to sign must be a str, got {type(value).__name__}")
    return f"{value}.{_hmac_sha256(value, _key(secret, 0, 'sign'))}"


def unsign(signed: str, secrets: Secret | Sequence[Secret]) -> str | None:
    """The value *signed* carries, if one of *secrets* signed it, else ``None``.

    cookie-signature's ``unsign``, tried with each secret in turn: the value is
    everything before the last ``.``, and the whole string must equal what
    :func:`sign` makes of it (compared in constant time).
    """
    if not isinstance(signed, str):
        raise TypeError(f"the signed value must be a str, got {type(signed).__name__}")
    # input.slice(0, input.lastIndexOf('.')): without a ".", JavaScript's slice(0, -1).
    value = signed[:signed.rfind(".")] if "." in signed else signed[:-1]
    wanted = _utf8(signed)
    matched = False
    for key in _secrets(secrets, "unsign"):
        # Every secret is tried, whatever matched, so timing tells nothing.
        matched |= hmac.compare_digest(_utf8(f"{value}.{_hmac_sha256(value, key)}"), wanted)
    return value if matched else None


class ExpressSigner:
    """Express's signed cookies: ``s:`` + :func:`sign`, with the first secret;
    every secret of the list verifies (secret rotation, as in cookie-parser)."""

    prefix = "s:"

    def __init__(self, secrets: Secret | Sequence[Secret]) -> None:
        self._keys = _secrets(secrets, "ExpressSigner")

    def sign(self, value: str) -> str:
        """The cookie value Express writes for *value*."""
        return self.prefix + sign(value, self._keys[0])

    def unsign(self, value: str) -> str | None:
        """The value a signed cookie carries, or ``None`` for one that is unsigned
        or signed with no secret of this signer (cookie-parser's ``false``)."""
        if not value.startswith(self.prefix):
            return None
        return unsign(value[len(self.prefix):], self._keys)

    def __repr__(self) -> str:
        return f"<ExpressSigner with {len(self._keys)} secret(s)>"


class KeygripSigner:
    """Keygrip, as Koa's ``cookies`` package uses it for ``name.sig`` cookies.

    ``sign(data)`` signs with the first key; ``index(data, digest)`` tells which
    key signed *data* (``-1``: none), so keys can rotate: every key verifies.

    A read only reads. The ``cookies`` package also writes on a read: it re-signs
    a ``.sig`` an older key made and expires one that matches no key. A read knows
    nothing of the cookie's Path, Domain or lifetime, so those writes can add a
    second companion beside the old one, outlive or die before the cookie, or
    expire a good companion at another path; here a companion is written only
    with its cookie, by ``set``, with the cookie's own attributes.
    """

    def __init__(self, keys: Secret | Sequence[Secret], algorithm: str = "sha1") -> None:
        self._keys = _secrets(keys, "KeygripSigner")
        if not isinstance(algorithm, str):
            raise TypeError(
                f"the Keygrip algorithm must be a str such as 'sha1', got {algorithm!r}")
        try:  # at start-up, not at the first request that sends a .sig
            hmac.new(b"key", b"", algorithm)
        except (ValueError, TypeError):
            raise SigningError(
                f"unknown hash algorithm for Keygrip, or one HMAC cannot use: {algorithm!r}"
            ) from None
        self.algorithm = algorithm

    def _sign(self, data: str, key: bytes) -> str:
        digest = hmac.new(key, _utf8(data), self.algorithm).digest()
        text = base64.b64encode(digest).decode("ascii")
        return text.replace("/", "_").replace("+", "-").replace("=", "")

    def sign(self, data: str) -> str:
        """Keygrip's ``sign``: the digest of *data* under the first key."""
        return self._sign(data, self._keys[0])

    def index(self, data: str, digest: str) -> int:
        """Keygrip's ``index``: which key signed *data*, or ``-1``."""
        for number, key in enumerate(self._keys):
            if hmac.compare_digest(_utf8(digest), self._sign(data, key).encode()):
                return number
        return -1

    def verify(self, data: str, digest: str) -> bool:
        """Keygrip's ``verify``: whether any key signed *data*."""
        return self.index(data, digest) > -1

    def verify_header(self, data: str, digest: str) -> bool:
        """:meth:`verify` for a ``name=value`` read from a Cookie header, as Koa
        reads it: Node reads the header as latin-1 and hashes that string as
        UTF-8, so a value whose bytes are not ASCII (which Koa lets through
        unencoded) was signed as its latin-1 reading, where this package reads
        the header as UTF-8."""
        if self.index(data, digest) > -1:
            return True
        return not data.isascii() and self.index(_utf8(data).decode("latin-1"), digest) > -1

    def __repr__(self) -> str:
        return f"<KeygripSigner {self.algorithm} with {len(self._keys)} key(s)>"


Signer = ExpressSigner | KeygripSigner
"""What :class:`~cookie_middleware.Cookies` takes as ``signer``: Express's
format keeps the signature in the value, Keygrip's in a ``name.sig`` companion
cookie that ``Cookies`` writes beside it."""
