"""Print view results: an aligned text table, CSV, or JSON for scripts."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
from collections.abc import Sequence
from typing import Any

from ecomdsl.engines.runner import RunResult, ViewResult

TABLE_ROWS = 20  # rows per view in a table when no limit is given


def decimal_text(value: decimal.Decimal) -> str:
    """A Decimal as a person writes it: 10.5, not 10.5000000000 or 1.05E+1."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def cell(value: Any) -> str:
    """A value as a person reads it in a table."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, decimal.Decimal):
        return decimal_text(value)
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


def json_value(value: Any) -> Any:
    """JSON: numbers as numbers, timestamps as ISO-8601 strings."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def table(view: ViewResult, limit: int | None) -> str:
    rows = view.rows if limit is None else view.rows[:limit]
    cells = [[cell(v) for v in row] for row in rows]
    widths = [len(c) for c in view.columns]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

    def line(values: Sequence[str]) -> str:
        return " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    shown = f"{len(rows):,} of {view.total:,}" if len(rows) < view.total else f"{view.total:,}"
    noun = "row" if view.total == 1 else "rows"
    out = [f"{view.name} ({shown} {noun})", line(view.columns), "-+-".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    return "\n".join(out) + "\n"


def tables_text(views: Sequence[ViewResult], limit: int | None) -> str:
    """Every view as a table, ``limit`` rows each (default `TABLE_ROWS`)."""
    shown = TABLE_ROWS if limit is None else limit
    return "\n".join(table(v, shown) for v in views)


def loaded_text(result: RunResult) -> str:
    """What a run loaded: rows per table, late rows dropped, and the NOW() it ran at."""
    loaded = ", ".join(
        f"{t} {n:,}" + (f" ({result.dropped[t]:,} late dropped)" if result.dropped.get(t) else "")
        for t, n in result.loaded.items()
    )
    return f"{result.pipeline}: loaded {loaded}; NOW() = {result.now.isoformat(sep=' ')}"


def csv_text(views: Sequence[ViewResult], limit: int | None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for i, view in enumerate(views):
        if len(views) > 1:
            buffer.write(("\n" if i else "") + f"# {view.name}\n")
        writer.writerow(view.columns)
        rows = view.rows if limit is None else view.rows[:limit]
        writer.writerows([["" if v is None else cell(v) for v in row] for row in rows])
    return buffer.getvalue()


def json_text(views: Sequence[ViewResult], limit: int | None) -> str:
    data = {
        view.name: [
            {c: json_value(v) for c, v in zip(view.columns, row, strict=True)}
            for row in (view.rows if limit is None else view.rows[:limit])
        ]
        for view in views
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
