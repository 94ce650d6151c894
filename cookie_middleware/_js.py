"""The few JavaScript built-ins whose exact behaviour the wire format depends on.

The Node original hands values to ``encodeURIComponent``/``decodeURIComponent``,
trims with ``String.prototype.trim`` and formats dates with
``Date.prototype.toUTCString``. Python's nearest equivalents differ in small
ways (``str.strip()`` removes U+001C..U+001F and U+0085, ``unquote`` tolerates
broken escapes, ``strftime('%Y')`` does not pad years), so each is written out
here. Standard library only.
"""

from __future__ import annotations

import re
from codecs import escape_decode
from datetime import datetime
from urllib.parse import quote, unquote

# ECMA-262 WhiteSpace and LineTerminator code points: what String.prototype.trim
# removes. U+001C..U+001F and U+0085 are absent on purpose (Python strips them).
JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)

# JS_WHITESPACE restricted to ASCII.
ASCII_WHITESPACE = "\t\n\v\f\r "

# encodeURIComponent leaves these alone: ALPHA / DIGIT / "-" / "_" / "." / "!" /
# "~" / "*" / "'" / "(" / ")". quote() already keeps letters, digits and "_.-~".
_URI_COMPONENT_SAFE = "!*'()"
# All of them, as bytes: deleting these from an ASCII value that needs no
# escaping leaves nothing.
_URI_COMPONENT_SAFE_BYTES = (
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()"
)

# decodeURIComponent throws URIError on a "%" not followed by two hex digits.
_BROKEN_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def encode_uri_component(value: str) -> str:
    """Percent-encode *value* exactly like ``encodeURIComponent``.

    Raises :class:`UnicodeEncodeError` for a lone surrogate, where JavaScript
    throws ``URIError``.
    """
    # Tokens and ids usually need no escaping: a C-speed check skips quote().
    if value.isascii() and not value.encode("ascii").translate(None, _URI_COMPONENT_SAFE_BYTES):
        return value
    return quote(value, safe=_URI_COMPONENT_SAFE, encoding="utf-8", errors="strict")


def decode_uri_component(value: str) -> str:
    """Decode *value* like ``decodeURIComponent``, or return it unchanged.

    JavaScript throws on a malformed escape or on escapes that are not strict
    UTF-8 (overlong forms, surrogates, truncated sequences); cookie@0.2.4 then
    keeps the raw value whole, and so does this function. ``+`` stays ``+``.
    """
    if "%" not in value:
        return value
    # Turn every "%XX" into the bytes escape "\\xXX" (backslashes doubled first, so
    # no other escape can arise) and let the C decoder do the work: about ten times
    # faster than unquote(). It refuses a "%" without two hex digits, as JS does.
    try:
        data = escape_decode(value.replace("\\", "\\\\").replace("%", "\\x"))[0]
    except UnicodeEncodeError:  # a lone surrogate among the literal characters
        return _decode_with_surrogates(value)
    except ValueError:
        return value
    # Literal characters were encoded as UTF-8 beside the escaped bytes; a strict
    # decode of the whole accepts exactly the escape runs JavaScript accepts.
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return value


def _decode_with_surrogates(value: str) -> str:
    """The slow path, for values whose literal characters are not valid UTF-8."""
    if _BROKEN_ESCAPE.search(value) is not None:
        return value
    try:
        return unquote(value, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return value


def utc_string(moment: datetime) -> str:
    """Format an aware UTC *moment* like ``Date.prototype.toUTCString()``."""
    return (
        f"{_WEEKDAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month - 1]} "
        f"{moment.year:04d} {moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} GMT"
    )
