"""JSON as Node's ``JSON.parse`` reads it and ``JSON.stringify`` writes it.

A session record that Express and Python share must mean the same on both sides.
Python's :mod:`json` differs from Node's in four places that matter here:

* it writes ``NaN`` and ``Infinity``, which ``JSON.parse`` rejects (``JSON.stringify``
  writes ``null`` for them, silently changing the data): refused here;
* it cannot encode a lone surrogate as UTF-8, which ``JSON.stringify`` writes as a
  ``\\udXXX`` escape (and ``JSON.parse`` reads back): written as that escape here;
* it recurses, and stops at Python's recursion limit (about 1,000 levels), where
  Node reads any depth and writes a few thousand: deeper values go through a
  loop here instead;
* it reads an integer past 2**53 exactly, where ``JSON.parse`` reads the nearest
  double: read as that double here, so both sides hold the same number (an
  integer Python writes past 2**53 reaches Node rounded, as any JSON does).

Anything that is not JSON, or a record Node could not read, raises
:class:`~session_middleware.errors.SessionDataError`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable

from .errors import SessionDataError

__all__ = ["dumps", "loads"]

# ws = *( %x20 / %x09 / %x0A / %x0D )                     ; RFC 8259 sec 2
_SPACE = re.compile(r"[ \t\n\r]*")

# A lone surrogate: only a str inside a JSON string can hold one.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_constant(name: str) -> object:
    raise SessionDataError(f"{name} is not JSON: Node's JSON.parse rejects it")


# JavaScript's Numbers hold integers exactly up to 2**53 (Number.MAX_SAFE_INTEGER).
_SAFE_INTEGER = 2**53 - 1


def _integer(text: str) -> int | float:
    # JSON.parse reads a larger integer as the nearest double, and so must this,
    # or the two sides would hold different values (Node writes a double such as
    # 7.045515118361217e16 as 70455151183612170).
    number = int(text)
    return number if -_SAFE_INTEGER <= number <= _SAFE_INTEGER else float(text)


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_int=_integer)


def loads(text: str | bytes) -> object:
    """The value of the JSON *text*, as ``JSON.parse`` reads it, at any depth."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        try:
            return _DECODER.decode(text)
        except RecursionError:
            return _decode_deep(text)
    except SessionDataError:
        raise
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError among them
        raise SessionDataError(f"not JSON that Node's JSON.parse reads: {error}") from None


def dumps(value: object) -> str:
    """Compact JSON for *value*, which ``JSON.parse`` reads back as the same value."""
    try:
        try:
            text = json.dumps(value, ensure_ascii=False, allow_nan=False,
                              separators=(",", ":"))
        except RecursionError:
            text = _encode_deep(value)
    except (TypeError, ValueError) as error:
        raise SessionDataError(f"session data is not JSON: {error}") from None
    # JSON.stringify's escape for what UTF-8 cannot carry.
    return _SURROGATE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def _skip(text: str, at: int) -> int:
    return _SPACE.match(text, at).end()  # type: ignore[union-attr]  # it matches ""


def _key(text: str, at: int) -> tuple[str, int]:
    """An object key and its colon, from *at*; where the value begins after them."""
    if not text.startswith('"', at):
        raise ValueError(f"expected a property name in double quotes at {at}")
    key, at = _DECODER.raw_decode(text, at)
    at = _skip(text, at)
    if not text.startswith(":", at):
        raise ValueError(f"expected ':' at {at}")
    return key, at + 1


def _decode_deep(text: str) -> object:
    """:func:`loads` without recursion: a stack of the containers still open."""
    stack: list[list[object] | dict[str, object]] = []
    keys: list[str] = []  # the pending key of each open object, "" for an array
    at = 0
    while True:
        opened, value, at = _open_or_read(text, _skip(text, at), stack, keys)
        if opened:
            continue
        while True:  # put the value in its container; close the containers that end
            if not stack:
                if _skip(text, at) != len(text):
                    raise ValueError(f"extra data at {at}")
                return value
            top = stack[-1]
            if isinstance(top, list):
                top.append(value)
            else:
                top[keys[-1]] = value
            at = _skip(text, at)
            if text.startswith(",", at):
                at += 1
                if isinstance(top, dict):
                    keys[-1], at = _key(text, _skip(text, at))
                break
            if not text.startswith("]" if isinstance(top, list) else "}", at):
                raise ValueError(f"expected ',' or the container's end at {at}")
            at += 1
            value = stack.pop()
            keys.pop()


def _open_or_read(text: str, at: int, stack: list[list[object] | dict[str, object]],
                  keys: list[str]) -> tuple[bool, object, int]:
    """At *at*, open a container that holds something onto *stack* (``True``),
    or read a whole value: an empty container, a string, number or literal."""
    if text.startswith("[", at):
        at = _skip(text, at + 1)
        if text.startswith("]", at):
            return False, [], at + 1
        stack.append([])
        keys.append("")
        return True, None, at
    if text.startswith("{", at):
        at = _skip(text, at + 1)
        if text.startswith("}", at):
            return False, {}, at + 1
        key, at = _key(text, at)
        stack.append({})
        keys.append(key)
        return True, None, at
    value, at = _DECODER.raw_decode(text, at)  # json's own scanner: no recursion there
    return False, value, at


_KEYS: dict[type, Callable[[object], str]] = {
    # What json writes for a key that is no str: as JavaScript turns it into one.
    bool: lambda key: "true" if key else "false",
    int: int.__repr__,
    float: float.__repr__,
}


def _encode_key(key: object) -> str:
    if isinstance(key, str):
        return json.dumps(key, ensure_ascii=False)
    if key is None:
        return '"null"'
    if isinstance(key, float) and not math.isfinite(key):
        raise ValueError(f"Out of range float values are not JSON compliant: {key!r}")
    for kind, text in _KEYS.items():
        if isinstance(key, kind):
            return json.dumps(text(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


class _Piece(str):
    """Text already written as JSON, between the values of a container."""

    __slots__ = ()


class _Close:
    """Where an open container ends: its closing text, and who it was."""

    __slots__ = ("ident", "text")

    def __init__(self, text: str, ident: int) -> None:
        self.text = text
        self.ident = ident


def _encode_deep(value: object) -> str:
    """:func:`dumps` without recursion: a stack of what is still to be written."""
    out: list[str] = []
    open_ids: set[int] = set()  # the containers being written: one seen again is a cycle
    work: list[object] = [value]
    while work:
        item = work.pop()
        if isinstance(item, _Close):
            out.append(item.text)
            open_ids.discard(item.ident)
        elif type(item) is _Piece:
            out.append(item)
        elif isinstance(item, (dict, list, tuple)):
            if id(item) in open_ids:
                raise ValueError("Circular reference detected")
            open_ids.add(id(item))
            pieces: list[object] = []
            if isinstance(item, dict):
                out.append("{")
                for index, (key, member) in enumerate(item.items()):
                    pieces += [_Piece(("," if index else "") + _encode_key(key) + ":"), member]
                work.append(_Close("}", id(item)))
            else:
                out.append("[")
                for index, member in enumerate(item):
                    pieces += [_Piece(",")] if index else []
                    pieces.append(member)
                work.append(_Close("]", id(item)))
            work.extend(reversed(pieces))
        else:
            out.append(json.dumps(item, ensure_ascii=False, allow_nan=False))
    return "".join(out)
