"""Session tokens, minted exactly as the Node original's ``cryptiles.randomString(256)``.

cryptiles reads ``(256 + 1) * 6`` random bits, base64-encodes them URL-safe
without padding and keeps the first 256 characters: 256 characters of
``A-Z a-z 0-9 - _``, 1536 random bits. ``secrets.token_urlsafe(192)`` encodes
exactly 1536 bits into exactly 256 such characters, so tokens minted by either
side are accepted by the other.
"""

from __future__ import annotations

import secrets

__all__ = ["TOKEN_LENGTH", "is_session_token", "new_token"]

TOKEN_LENGTH = 256
"""Characters in a session token."""

# The URL-safe base64 alphabet (RFC 4648 sec 5); tokens carry no padding.
_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def new_token() -> str:
    """A fresh session token from the operating system's CSPRNG."""
    return secrets.token_urlsafe(TOKEN_LENGTH * 6 // 8)


def is_session_token(value: str) -> bool:
    """Whether *value* has the shape of a token this library (or the Node
    original) could have minted: exactly 256 URL-safe base64 characters."""
    # Deleting every alphabet byte leaves nothing: a C-speed check, run on
    # every request.
    return (len(value) == TOKEN_LENGTH and value.isascii()
            and not value.encode("ascii").translate(None, _ALPHABET))
