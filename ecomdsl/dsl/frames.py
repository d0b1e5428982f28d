"""The bounds of a window frame, ``over(rows=(start, end))`` or ``over(range=(start, end))``.

A bound is ``None`` (an unbounded start, or the current row at the end), a row count for
ROWS, or an interval text for RANGE (parsed by the model, which reports a bad interval with
the pipeline's other problems). A bound of any other type is refused where ``over()`` is
called.
"""

from __future__ import annotations

from ecomdsl.dsl.arguments import refuse

ROW_OFFSETS = range(0, 2**63)
"""The row counts a ROWS frame bound takes: RisingWave binds each offset as a bigint that
must not be negative (``bind_window_frame_usize_bounds`` in the frontend's
``binder/expr/function/window.rs``); PostgreSQL also reads it as a bigint."""


def rows(value: object) -> tuple[int | None, int | None]:
    """``over(rows=(start, end))``: row counts before the current row, or None."""
    start, end = _pair(value, "over(rows=...)")
    what = f"over(rows=(start, end)) takes row counts from 0 to {ROW_OFFSETS.stop - 1} or None"
    return _row_count(start, what), _row_count(end, what)


def _row_count(bound: object, what: str) -> int | None:
    if bound is None:
        return None
    if isinstance(bound, int) and not isinstance(bound, bool) and bound in ROW_OFFSETS:
        return bound
    refuse(what, bound)


def interval_range(value: object) -> tuple[str | None, str | None]:
    """``over(range=(start, end))``: interval texts before the current row, or None."""
    start, end = _pair(value, "over(range=...)")
    what = "over(range=(start, end)) takes intervals such as '1 hour' or None"
    return _interval_text(start, what), _interval_text(end, what)


def _interval_text(bound: object, what: str) -> str | None:
    if bound is None or isinstance(bound, str):
        return bound  # parsed by the model, which reports a bad interval with the others
    refuse(what, bound)


def _pair(value: object, call: str) -> tuple[object, object]:
    """A frame's ``(start, end)``."""
    if not isinstance(value, tuple | list) or len(value) != 2:
        refuse(
            f"{call} takes a pair (start, end)",
            value,
            hint="give both bounds, e.g. (3, None); None is unbounded or the current row",
        )
    return value[0], value[1]
