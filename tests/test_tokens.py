"""Session tokens: cryptiles.randomString(256) shape, from the CSPRNG, never repeated."""

from __future__ import annotations

import string

import pytest

from session_middleware import TOKEN_LENGTH, is_session_token, new_token

ALPHABET = frozenset(string.ascii_letters + string.digits + "-_")


def test_hundred_thousand_tokens_have_the_shape_and_never_repeat() -> None:
    tokens = [new_token() for _ in range(100_000)]
    assert len(set(tokens)) == len(tokens)
    assert {len(token) for token in tokens} == {TOKEN_LENGTH} == {256}
    assert set().union(*map(set, tokens)) <= ALPHABET
    assert all(is_session_token(token) for token in tokens)


def test_tokens_use_the_whole_alphabet() -> None:
    """1536 random bits a token: over a few thousand tokens every character shows up."""
    seen = set("".join(new_token() for _ in range(2_000)))
    assert seen == ALPHABET


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        pytest.param("A" * 256, True, id="all-same-char"),
        pytest.param("-_" * 128, True, id="url-safe-punctuation"),
        pytest.param("", False, id="empty"),
        pytest.param("A" * 255, False, id="short"),
        pytest.param("A" * 257, False, id="long"),
        pytest.param("A" * 4000, False, id="oversized"),
        pytest.param("A" * 255 + "+", False, id="standard-base64-plus"),
        pytest.param("A" * 255 + "/", False, id="standard-base64-slash"),
        pytest.param("A" * 254 + "==", False, id="padding"),
        pytest.param("A" * 255 + "\n", False, id="trailing-newline"),
        pytest.param("A" * 255 + "\u00e9", False, id="non-ascii"),
        pytest.param("A" * 255 + "\uff21", False, id="fullwidth-letter"),
        pytest.param("A" * 255 + "\u0661", False, id="arabic-digit"),
    ],
)
def test_is_session_token(value: str, valid: bool) -> None:
    assert is_session_token(value) is valid
