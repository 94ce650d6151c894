"""JavaScript's ``Date``, as far as express-session and connect-redis use it.

A ``Date`` is a count of milliseconds since the epoch, valid within 8.64e15 of
it (about 275,760 years either way); past that it is an *Invalid Date*, whose
value is ``NaN`` and whose JSON is ``null``. Python's :class:`datetime` stops at
the year 9999, so the arithmetic here is on milliseconds, and a date is shifted
by whole 400-year Gregorian cycles (which repeat exactly) to be formatted or read.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone

__all__ = ["date_value", "falsy", "iso_string"]

_LIMIT_MS = 8.64e15  # ECMA-262 TimeClip
_CYCLE_YEARS = 400
_CYCLE_MS = 146_097 * 86_400_000  # the days of 400 Gregorian years, in milliseconds
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

# Date.prototype.toISOString and what Date.parse reads back (ECMA-262 sec 21.4.1.32):
# YYYY-MM-DDTHH:mm:ss.sssZ, a year of 4 digits or a sign and 6, the time optional,
# the fraction optional, Z or an offset (or neither: local time). V8 takes a lower-case
# t and z too.
_ISO = re.compile(
    r"(?P<year>\d{4}|[+-]\d{6})(?:-(?P<month>\d\d)(?:-(?P<day>\d\d))?)?"
    r"(?:T(?P<hour>\d\d):(?P<minute>\d\d)(?::(?P<second>\d\d)(?:\.(?P<fraction>\d+))?)?"
    r"(?P<zone>Z|[+-]\d\d:\d\d)?)?",
    re.ASCII | re.IGNORECASE,
)
_ISO_FIELDS = (("year", 0), ("month", 1), ("day", 1), ("hour", 0), ("minute", 0), ("second", 0))

# Date.prototype.toUTCString, the HTTP date (RFC 7231 IMF-fixdate), years 0 to 275760
# (V8 writes a negative year, "-0001", but does not read it back).
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_UTC_STRING = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (?P<day>\d\d) (?P<month>" + "|".join(_MONTHS) + r") "
    r"(?P<year>\d{4,6}) (?P<hour>\d\d):(?P<minute>\d\d):(?P<second>\d\d) GMT",
    re.ASCII,
)


def iso_string(milliseconds: float) -> str | None:
    """``new Date(milliseconds).toISOString()``, or ``None`` for an Invalid Date
    (which ``JSON.stringify`` writes as ``null``)."""
    if not math.isfinite(milliseconds) or abs(milliseconds) > _LIMIT_MS:
        return None
    cycles, rest = divmod(int(milliseconds), _CYCLE_MS)  # int(): TimeClip truncates
    moment = _EPOCH + timedelta(milliseconds=rest)
    year = moment.year + _CYCLE_YEARS * cycles
    year_text = f"{year:04d}" if 0 <= year <= 9999 else f"{year:+07d}"
    return f"{year_text}-{moment:%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def falsy(value: object) -> bool:
    """Whether JavaScript counts *value* (as JSON gives it) as false: ``null``,
    ``false``, ``0``, ``NaN`` and ``""``; every object and array is true."""
    if value is None or value is False or value == "":
        return True
    return isinstance(value, (int, float)) and not isinstance(value, bool) and (
        value == 0 or value != value)


def date_value(value: object) -> float:
    """``Number(new Date(value))`` for what a stored cookie's ``expires`` may hold:
    milliseconds, ``NaN`` where JavaScript makes an Invalid Date of it.

    Strings are read in the forms JavaScript writes: ``toISOString`` (and the
    shorter ISO forms ``Date.parse`` takes) and ``toUTCString``, the HTTP date.
    V8's older, looser forms (``2030/01/01``, ``Jan 1 2030``, other zones than
    GMT) read as an Invalid Date here."""
    if value is None:
        return 0  # new Date(null) is the epoch
    if isinstance(value, (bool, int, float)):
        try:
            number = float(value)
        except OverflowError:  # an int past any double: JavaScript's Infinity
            return math.nan
    elif isinstance(value, str):
        number = _parse(value)
    else:
        return math.nan
    return math.trunc(number) if abs(number) <= _LIMIT_MS else math.nan


def _parse(text: str) -> float:
    found = _ISO.fullmatch(text)
    if found is not None:
        if found["year"] == "-000000":
            return math.nan  # ECMA-262: minus zero is no year
        year, month, day, hour, minute, second = (
            int(found[part] or default) for part, default in _ISO_FIELDS)
        milli = int((found["fraction"] or "0")[:3].ljust(3, "0"))
        # A date and time without a zone is local time; a date alone is UTC.
        local = found["zone"] is None and found["hour"] is not None
        return _value(year, month, day, hour, minute, second, milli, found["zone"] or "Z",
                      local)
    found = _UTC_STRING.fullmatch(text)
    if found is None:
        return math.nan  # V8's older, looser forms: not read here
    return _value(int(found["year"]), _MONTHS.index(found["month"]) + 1, int(found["day"]),
                  int(found["hour"]), int(found["minute"]), int(found["second"]), 0, "Z",
                  False)


def _value(year: int, month: int, day: int, hour: int, minute: int, second: int,
           milli: int, zone: str, local: bool) -> float:
    # V8 reads a day up to 31 in any month, rolling over (February 30th is March
    # 2nd), and 24:00:00 as the next day's midnight; anything else out of range,
    # and an offset of 24 hours or more, is an Invalid Date.
    if not (1 <= month <= 12 and 1 <= day <= 31 and minute <= 59 and second <= 59
            and (hour <= 23 or (hour == 24 and minute == second == milli == 0))):
        return math.nan
    offset = timedelta(0)
    if zone.upper() != "Z":
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 23 or minutes > 59:
            return math.nan
        offset = (1 if zone[0] == "+" else -1) * timedelta(hours=hours, minutes=minutes)
    # Shift into the years datetime has, by whole cycles, and back after.
    cycles = (year - 2000) // _CYCLE_YEARS
    moment = datetime(year - _CYCLE_YEARS * cycles, month, 1) + timedelta(
        days=day - 1, hours=hour, minutes=minute, seconds=second, milliseconds=milli)
    moment = moment.astimezone() if local else moment.replace(tzinfo=timezone.utc) - offset
    return _milliseconds(moment, cycles)


def _milliseconds(moment: datetime, cycles: int) -> float:
    delta = moment - _EPOCH
    return float(delta // timedelta(milliseconds=1) + cycles * _CYCLE_MS)
