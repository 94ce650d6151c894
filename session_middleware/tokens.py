"""Session tokens, minted exactly as the Node original's ``cryptiles.randomString(256)``.

cryptiles reads ``(256 + 1) * 6`` random bits, base64-encodes them URL-safe
without padding and keeps the first 256 characters: 256 characters of
``A-Z a-z 0-9 - _``, 1536 random bits. Base64 turns every 192 random bytes into
exactly 256 such characters, so tokens minted by either side are accepted by
the other.
"""

from __future__ import annotations

import binascii
import os
from collections.abc import Callable

__all__ = ["TOKEN_LENGTH", "is_session_token", "new_token"]

TOKEN_LENGTH = 256
"""Characters in a session token."""

URL_SAFE_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
"""The URL-safe base64 alphabet (RFC 4648 sec 5) of session tokens and of
express-session ids; neither carries padding."""

# Random bytes behind one token: 192 bytes are 64 base64 groups, 256 characters.
_TOKEN_BYTES = TOKEN_LENGTH * 6 // 8

_random_bytes: Callable[[int], bytes]
try:  # OpenSSL's CSPRNG, seeded by the OS: the generator behind Node's crypto.randomBytes
    from ssl import RAND_bytes as _random_bytes
except ImportError:  # pragma: no cover - a Python built without ssl
    _random_bytes = os.urandom

# Tokens are cut from one read of the CSPRNG for this many: one call and one
# base64 pass then serve 32 tokens, where a read per token (what
# secrets.token_urlsafe does) costs 1.7 us of every new session.
_BATCH = 32

# Standard base64 to its URL-safe alphabet.
_URL_SAFE = bytes.maketrans(b"+/", b"-_")

# Minted and not yet handed out. list.pop() hands each one out exactly once,
# whichever thread asks.
_unused: list[str] = []

if hasattr(os, "register_at_fork"):
    # A forked child must never hand out a token its parent also holds.
    os.register_at_fork(after_in_child=_unused.clear)


def _mint_batch() -> None:
    encoded = binascii.b2a_base64(_random_bytes(_TOKEN_BYTES * _BATCH), newline=False)
    text = encoded.translate(_URL_SAFE).decode("ascii")
    _unused.extend([text[at:at + TOKEN_LENGTH] for at in range(0, len(text), TOKEN_LENGTH)])


def new_token() -> str:
    """A fresh session token from OpenSSL's CSPRNG (``ssl.RAND_bytes``, seeded by
    the operating system; ``os.urandom`` where Python has no ``ssl``), never
    handed out before, not even to a forked process."""
    while True:
        try:
            return _unused.pop()
        except IndexError:  # another thread may empty a fresh batch first: mint again
            _mint_batch()


def is_session_token(value: str) -> bool:
    """Whether *value* has the shape of a token this library (or the Node
    original) could have minted: exactly 256 URL-safe base64 characters."""
    # Deleting every alphabet byte leaves nothing: a C-speed check, run on
    # every request.
    return (len(value) == TOKEN_LENGTH and value.isascii()
            and not value.encode("ascii").translate(None, URL_SAFE_ALPHABET))
