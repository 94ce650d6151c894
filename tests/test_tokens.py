"""Session tokens: cryptiles.randomString(256) shape, from the CSPRNG, never repeated."""

from __future__ import annotations

import os
import string
import threading

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


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_never_hands_out_its_parents_next_token() -> None:
    """Tokens are minted ahead in batches: a child forked mid-batch mints afresh."""
    new_token()  # the parent now holds tokens minted ahead
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        os.close(read_end)
        os.write(write_end, "".join(new_token() for _ in range(40)).encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        sent = pipe.read().decode()
    os.waitpid(child, 0)
    in_child = {sent[at:at + TOKEN_LENGTH] for at in range(0, len(sent), TOKEN_LENGTH)}
    in_parent = {new_token() for _ in range(40)}
    assert len(in_child) == 40
    assert not in_child & in_parent


def test_threads_never_share_a_token() -> None:
    tokens: list[list[str]] = [[] for _ in range(8)]

    def mint(into: list[str]) -> None:
        into.extend(new_token() for _ in range(5_000))

    threads = [threading.Thread(target=mint, args=(into,)) for into in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [token for into in tokens for token in into]
    assert len(every) == len(set(every)) == 40_000
