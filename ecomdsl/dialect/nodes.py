"""The expression nodes the ecomdsl dialect adds to sqlglot's, one per RisingWave construct.

They live outside ``sqlglot.expressions``, so the generator's automatic ``<key>_sql`` lookup
never sees them: each is rendered through ``EcomdslGenerator.TRANSFORMS``, and each property
also needs a ``PROPERTIES_LOCATION`` entry (`ecomdsl.dialect.generator`).
"""

from __future__ import annotations

from typing import ClassVar

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
