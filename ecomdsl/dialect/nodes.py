"""The expression nodes the ecomdsl dialect adds to sqlglot's, one per RisingWave construct.

They live outside ``sqlglot.expressions``, so the generator's automatic ``<key>_sql`` lookup
never sees them: each is rendered through ``EcomdslGenerator.TRANSFORMS``, and each property
also needs a ``PROPERTIES_LOCATION`` entry (`ecomdsl.dialect.generator`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Self

from sqlglot import exp


class AppendOnlyProperty(exp.Property):
    """``CREATE TABLE ... APPEND ONLY``."""

    arg_types: ClassVar[dict[str, bool]] = {}


class OnConflictProperty(exp.Property):
    """``ON CONFLICT <action>``; ``this`` is ``exp.var("DO NOTHING")`` and the like."""

    arg_types: ClassVar[dict[str, bool]] = {"this": True}


class EmitOnWindowCloseProperty(exp.Property):
    """``CREATE MATERIALIZED VIEW ... EMIT ON WINDOW CLOSE``."""

    arg_types: ClassVar[dict[str, bool]] = {}


class WatermarkTtlConstraint(exp.WatermarkColumnConstraint):
    """``WATERMARK FOR col AS expr WITH TTL``: cleans the table's own state only."""


class Flush(exp.Expression):
    """``FLUSH``: force a checkpoint so that what was inserted becomes visible."""

    arg_types: ClassVar[dict[str, bool]] = {}


class Wait(exp.Expression):
    """``WAIT [TABLE | MATERIALIZED VIEW | SINK | INDEX] name`` (RisingWave >= 3.0): block
    until that streaming job has finished its backfill; a bare ``WAIT`` waits for every job
    (parser ``parse_wait`` in RisingWave's src/sqlparser/src/parser.rs)."""

    arg_types: ClassVar[dict[str, bool]] = {"this": False, "kind": False}


class AlterWatermark(exp.Expression):
    """``ALTER TABLE t ALTER WATERMARK FOR col AS expr [WITH TTL]`` (RisingWave >= 3.0,
    risingwave#25651): a new expression for an existing watermark column; the column and the
    TTL flag cannot change (``alter_watermark.rs``)."""

    arg_types: ClassVar[dict[str, bool]] = {"this": True, "expression": True}


class IntegerDivision(exp.IntDiv):
    """A division of two integers, written ``a / b``: RisingWave truncates it, so it is
    integer division (DuckDB's ``//``) and the batch lowering must know it. A node of its
    own, not sqlglot's ``exp.IntDiv``, which the parser builds for ``DIV(a, b)`` in a
    ``raw()`` fragment and which keeps that spelling. The parser reads ``a / b`` back as
    ``exp.Div``: the text does not say that the operands are integers."""


class TimeWindow(exp.Expression, exp.Func):
    """A time-window table function in FROM: each row of ``this`` (a table) once per window
    containing its ``column``, plus ``window_start``/``window_end``.

    ``time_type`` is the type of ``column`` (and so of the window bounds): the batch lowering
    needs it to align windows to the epoch in the right type, but the SQL does not spell it,
    so the parser leaves it unset (read as ``TIMESTAMP``). ``SQL_ARGS`` are the arguments
    written in the SQL, in order; ``time_type`` is never one of them.
    """

    SQL_ARGS: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def from_arg_list(cls, args: Sequence[object]) -> Self:
        return cls(**dict(zip(cls.SQL_ARGS, args, strict=False)))

    def error_messages(self, args: Sequence[object] | None = None) -> list[str]:
        messages = super().error_messages()
        if args is not None and len(args) > len(self.SQL_ARGS):
            messages.append(
                f"{self.sql_name()} takes at most {len(self.SQL_ARGS)} arguments, not {len(args)}"
            )
        return messages


class Hop(TimeWindow):
    """``HOP(table, time_col, hop, size[, offset])``: sliding windows."""

    arg_types: ClassVar[dict[str, bool]] = {
        "this": True,
        "column": True,
        "hop": True,
        "size": True,
        "offset": False,
        "time_type": False,
    }
    SQL_ARGS = ("this", "column", "hop", "size", "offset")


class Tumble(TimeWindow):
    """``TUMBLE(table, time_col, size[, offset])``: fixed, non-overlapping windows."""

    arg_types: ClassVar[dict[str, bool]] = {
        "this": True,
        "column": True,
        "size": True,
        "offset": False,
        "time_type": False,
    }
    SQL_ARGS = ("this", "column", "size", "offset")


def as_written(tree: exp.Expr) -> exp.Expr:
    """A copy of ``tree`` without the facts its SQL text does not spell, i.e. the tree the
    parser reads back from ``tree``'s SQL: an `IntegerDivision` becomes the ``exp.Div`` the
    parser builds for ``/``, and a `TimeWindow` loses its ``time_type``."""

    tree = tree.copy()
    # replaced one by one, not by `transform`, which does not visit what a replacement holds
    for division in list(tree.find_all(IntegerDivision)):
        written = exp.Div(
            this=division.this, expression=division.expression, typed=True, safe=False
        )
        tree = written if division is tree else tree
        division.replace(written)
    for window in tree.find_all(TimeWindow):
        window.set("time_type", None)
    return tree
