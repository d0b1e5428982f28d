"""Interval text (``"5 minutes"``) as the model's `Interval`: windows, frames, watermarks."""

from __future__ import annotations

import re

from ecomdsl.model import ir

_UNITS = {
    "second": ("SECOND", 1, 0),
    "minute": ("MINUTE", 60, 0),
    "hour": ("HOUR", 3600, 0),
    "day": ("DAY", 86400, 0),
    "week": ("WEEK", 604800, 0),
    "month": ("MONTH", 0, 1),
    "year": ("YEAR", 0, 12),
}
_INTERVAL_RE = re.compile(r"\s*(\d+)\s*([a-zA-Z]+?)s?\s*")


class IntervalError(ValueError):
    """Text that is not one positive whole amount of one unit; the message says why."""


def parse_interval(text: object) -> ir.Interval:
    """``"2 minutes"`` -> Interval(2, "MINUTES"); only one positive whole amount and unit."""
    if not isinstance(text, str):
        raise IntervalError(f"an interval is text like '5 minutes', not {text!r}")
    m = _INTERVAL_RE.fullmatch(text)
    unit = _UNITS.get(m.group(2).lower()) if m else None
    if m is None or unit is None:
        raise IntervalError(
            f"{text!r} is not an interval like '5 minutes' "
            "(a whole number and one of second, minute, hour, day, week, month, year)"
        )
    amount = int(m.group(1))
    if amount <= 0:
        raise IntervalError(f"interval {text!r} must be positive")
    name, seconds, months = unit
    return ir.Interval(
        amount, name + ("S" if amount != 1 else ""), amount * seconds, amount * months
    )
