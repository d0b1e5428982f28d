"""Interval text (``"5 minutes"``) as the model's `Interval`: windows, frames, watermarks.

Faithful to RisingWave's interval type (``src/common/src/types/interval.rs``): a value is
``months: i32, days: i32, usecs: i64``, so each unit has a largest amount (178,956,970 years,
2,147,483,647 days, 9,223,372,036,854 seconds), and a larger one is refused here instead of
by the database. Its text parser knows years, months, days, hours, minutes and seconds
(``DateTimeField::from_str``) but not weeks, so weeks are written as days.
"""

from __future__ import annotations

import re

from ecomdsl.model import ir

_I32 = 2**31 - 1
_I64 = 2**63 - 1

# unit -> (the unit written, seconds in one, months in one)
_UNITS = {
    "second": ("SECOND", 1, 0),
    "minute": ("MINUTE", 60, 0),
    "hour": ("HOUR", 3600, 0),
    "day": ("DAY", 86400, 0),
    "week": ("DAY", 604800, 0),  # written as 7 days each: RisingWave has no week unit
    "month": ("MONTH", 0, 1),
    "year": ("YEAR", 0, 12),
}
_DAYS_IN = {"day": 1, "week": 7}
_INTERVAL_RE = re.compile(r"\s*(\d+)\s*([a-zA-Z]+?)s?\s*")


class IntervalError(ValueError):
    """Text that is not one positive whole amount of one unit; the message says why."""


def parse_interval(text: object) -> ir.Interval:
    """``"2 minutes"`` -> Interval(2, "MINUTES"); only one positive whole amount and unit."""
    if not isinstance(text, str):
        raise IntervalError(f"an interval is text like '5 minutes', not {text!r}")
    m = _INTERVAL_RE.fullmatch(text)
    word = m.group(2).lower() if m else ""
    unit = _UNITS.get(word)
    if m is None or unit is None:
        raise IntervalError(
            f"{text!r} is not an interval like '5 minutes' "
            "(a whole number and one of second, minute, hour, day, week, month, year)"
        )
    amount = int(m.group(1))
    if amount <= 0:
        raise IntervalError(f"interval {text!r} must be positive")
    _check_range(text, word, amount)
    name, seconds, months = unit
    written = amount * _DAYS_IN.get(word, 1)
    return ir.Interval(
        written, name + ("S" if written != 1 else ""), amount * seconds, amount * months
    )


def _check_range(text: str, word: str, amount: int) -> None:
    """``amount`` of ``word`` fits RisingWave's interval fields."""
    if word in ("month", "year"):
        most = _I32 // (12 if word == "year" else 1)
    elif word in _DAYS_IN:
        most = _I32 // _DAYS_IN[word]
    else:
        most = _I64 // (_UNITS[word][1] * 1_000_000)
    if amount > most:
        raise IntervalError(
            f"interval {text!r} is longer than RisingWave's interval type holds "
            f"(at most {most:,} {word}s)"
        )
