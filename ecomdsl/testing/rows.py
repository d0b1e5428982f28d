"""Compare rows the way the seed contract says numbers compare, with a readable diff.

Counts, keys, timestamps and money (``Decimal``) compare exactly; floats (double precision)
with a relative tolerance. Rows are compared as multisets: order does not matter.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from ecomdsl.engines.output import decimal_text

Row = Mapping[str, Any]

REL_TOL = 1e-9
ABS_TOL = 1e-12  # so that 0.0 and 1e-17 from a different summation order agree


def _float_columns(rows: Sequence[Row]) -> set[str]:
    return {k for row in rows for k, v in row.items() if isinstance(v, float)}


def _exact_key(row: Row, columns: Sequence[str], floats: set[str]) -> tuple[Any, ...]:
    return tuple((c, row.get(c)) for c in columns if c not in floats)


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=REL_TOL, abs_tol=ABS_TOL)


def show_value(value: Any) -> str:
    """Values as a reader wants them in a diff: 10.5 not Decimal('10.5000000000')."""
    if isinstance(value, decimal.Decimal):
        return decimal_text(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return repr(value)


def _show(row: Row) -> str:
    return "{" + ", ".join(f"{k}: {show_value(v)}" for k, v in row.items()) + "}"


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return _close(a, b)
    return bool(a == b)


def _pair_up(unexpected: list[Row], missing: list[Row]) -> tuple[list[str], list[Row], list[Row]]:
    """Match leftover rows that differ in a few columns, to report just those columns."""
    notes: list[str] = []
    left = list(unexpected)
    unmatched: list[Row] = []
    for want in missing:
        best, score = None, 0
        for i, got in enumerate(left):
            same = sum(_same(got.get(c), want.get(c)) for c in want)
            if same > score:
                best, score = i, same
        if best is not None and score * 2 >= len(want):
            got = left.pop(best)
            cols = [c for c in want if not _same(got.get(c), want.get(c))]
            detail = ", ".join(
                f"{c}: got {show_value(got.get(c))}, expected {show_value(want.get(c))}"
                for c in cols
            )
            notes.append(f"row {_show(want)}: {detail}")
        else:
            unmatched.append(want)
    return notes, left, unmatched


def diff_rows(actual: Sequence[Row], expected: Sequence[Row], *, limit: int = 20) -> list[str]:
    """Differences between two row sets; empty when they match.

    Columns must be the same (and in the same order). Floats match within ``REL_TOL``.
    """
    problems: list[str] = []
    a_cols = list(actual[0]) if actual else []
    e_cols = list(expected[0]) if expected else []
    if actual and expected and a_cols != e_cols:
        return [f"columns differ: got {a_cols}, expected {e_cols}"]
    columns = e_cols or a_cols
    floats = _float_columns(actual) | _float_columns(expected)
    groups: dict[tuple[Any, ...], list[list[Row]]] = defaultdict(lambda: [[], []])
    for row in actual:
        groups[_exact_key(row, columns, floats)][0].append(row)
    for row in expected:
        groups[_exact_key(row, columns, floats)][1].append(row)
    leftover_got: list[Row] = []
    leftover_want: list[Row] = []
    for got, want in groups.values():
        if floats:
            order = sorted(floats)
            got.sort(key=lambda r: [(r.get(c) is not None, r.get(c) or 0.0) for c in order])
            want.sort(key=lambda r: [(r.get(c) is not None, r.get(c) or 0.0) for c in order])
        for g, w in zip(got, want, strict=False):
            bad = [c for c in floats if not _close(g.get(c), w.get(c))]
            if bad:
                detail = ", ".join(
                    f"{c}: got {g.get(c)!r}, expected {w.get(c)!r}" for c in sorted(bad)
                )
                problems.append(f"row {_show(w)}: {detail}")
        leftover_got.extend(got[len(want) :])
        leftover_want.extend(want[len(got) :])
    notes, unexpected, missing = _pair_up(leftover_got, leftover_want)
    problems.extend(notes)
    problems.extend(f"unexpected row {_show(g)}" for g in unexpected)
    problems.extend(f"missing row {_show(w)}" for w in missing)
    if len(problems) > limit:
        problems = [*problems[:limit], f"... and {len(problems) - limit} more differences"]
    if problems:
        problems.insert(0, f"{len(actual)} rows, expected {len(expected)}")
    return problems
