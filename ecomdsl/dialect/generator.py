"""The ecomdsl generator: RisingWave's, printing the nodes of `ecomdsl.dialect.nodes`,
quoting PostgreSQL's reserved words, and reporting type parameters RisingWave rejects.

It follows sqlglot's own dialects: new dicts built from the parent's (``TRANSFORMS``,
``TYPE_MAPPING``, ``PROPERTIES_LOCATION``) and a few overridden ``<node>_sql`` methods, so the
``risingwave`` and ``postgres`` generators are untouched.
"""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from ecomdsl.dialect.base import RisingWaveGenerator
from ecomdsl.dialect.nodes import (
    AlterWatermark,
    AppendOnlyProperty,
    EmitOnWindowCloseProperty,
    Flush,
    Hop,
    IntegerDivision,
    OnConflictProperty,
    TimeWindow,
    Tumble,
    Wait,
    WatermarkTtlConstraint,
)
from ecomdsl.dialect.quoting import RESERVED_KEYWORDS

# RisingWave rejects (n) and (p, s) on these (notes, section 11): dropped and reported.
# FLOAT(p) is left alone: dropping FLOAT(24) would turn float4 into double precision.
UNPARAMETERIZED_TYPES = frozenset(
    {
        exp.DType.VARCHAR,
        exp.DType.NVARCHAR,
        exp.DType.CHAR,
        exp.DType.NCHAR,
        exp.DType.TEXT,
        exp.DType.DECIMAL,
    }
)


def _time_window_sql(generator: Any, expression: TimeWindow) -> str:
    # only the written arguments: time_type is for the batch lowering (see TimeWindow)
    args = (expression.args.get(key) for key in expression.SQL_ARGS)
    return str(generator.func(expression.sql_name(), *args))


def _wait_sql(generator: Any, expression: Wait) -> str:
    target = generator.sql(expression, "this")
    if not target:
        return "WAIT"
    return f"WAIT {expression.args.get('kind') or 'MATERIALIZED VIEW'} {target}"


def _alter_watermark_sql(generator: EcomdslGenerator, expression: AlterWatermark) -> str:
    return f"ALTER TABLE {generator.sql(expression, 'this')} ALTER {generator.sql(expression, 'expression')}"


def _on_conflict_sql(generator: EcomdslGenerator, expression: OnConflictProperty) -> str:
    return f"ON CONFLICT {generator.sql(expression, 'this')}"


class EcomdslGenerator(RisingWaveGenerator):
    """RisingWave's generator with quoting of reserved words and the nodes above."""

    RESERVED_KEYWORDS = set(RESERVED_KEYWORDS)

    TYPE_MAPPING = {
        **RisingWaveGenerator.TYPE_MAPPING,
        exp.DType.DOUBLE: "DOUBLE PRECISION",
        exp.DType.JSONB: "JSONB",
    }

    TRANSFORMS = {
        **RisingWaveGenerator.TRANSFORMS,
        AppendOnlyProperty: lambda *_: "APPEND ONLY",
        OnConflictProperty: _on_conflict_sql,
        EmitOnWindowCloseProperty: lambda *_: "EMIT ON WINDOW CLOSE",
        Flush: lambda *_: "FLUSH",
        Wait: _wait_sql,
        AlterWatermark: _alter_watermark_sql,
        IntegerDivision: lambda self, e: self.binary(e, "/"),
        Hop: _time_window_sql,
        Tumble: _time_window_sql,
        WatermarkTtlConstraint: lambda self, e: (
            f"WATERMARK FOR {self.sql(e, 'this')} AS {self.sql(e, 'expression')} WITH TTL"
        ),
    }

    PROPERTIES_LOCATION = {
        **RisingWaveGenerator.PROPERTIES_LOCATION,
        AppendOnlyProperty: exp.Properties.Location.POST_SCHEMA,
        OnConflictProperty: exp.Properties.Location.POST_SCHEMA,
        EmitOnWindowCloseProperty: exp.Properties.Location.POST_EXPRESSION,
    }

    def version_sql(self, expression: exp.Version) -> str:
        # the parser maps FOR SYSTEM_TIME to this="TIMESTAMP"; the base prints FOR TIMESTAMP
        if expression.name == "TIMESTAMP" and expression.text("kind") == "AS OF":
            return f"FOR SYSTEM_TIME AS OF {self.sql(expression, 'expression')}"
        return str(super().version_sql(expression))

    def filter_sql(self, expression: exp.Filter) -> str:
        # `agg FILTER (WHERE cond)` on one line (the base breaks the line after WHERE)
        condition = self.sql(expression.expression, "this")
        return f"{self.sql(expression, 'this')} FILTER (WHERE {condition})"

    def datatype_sql(self, expression: exp.DataType) -> str:
        if expression.this in UNPARAMETERIZED_TYPES and expression.expressions:
            self.unsupported(f"RisingWave rejects type parameters in {expression.sql()}; dropped")
            expression = expression.copy()
            expression.set("expressions", None)
        return str(super().datatype_sql(expression))
