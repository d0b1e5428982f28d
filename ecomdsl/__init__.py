"""ecomdsl: author RisingWave streaming pipelines in typed Python.

Importing the package registers the ``ecomdsl`` sqlglot dialect, so that
``sqlglot.parse(sql, read="ecomdsl")`` reads the generated files.
"""

from ecomdsl.dsl.expr import (
    avg,
    bool_and,
    bool_or,
    col,
    count,
    count_distinct,
    func,
    interval,
    lit,
    max_,
    min_,
    raw,
    stddev,
    sum_,
    when,
)
from ecomdsl.dsl.objects import (
    Kafka,
    MaterializedView,
    Pipeline,
    Stream,
    Table,
    View,
    ref,
)
from ecomdsl.dsl.relation import Filter, Funnel, Hop, Join, Stage, Tumble, ZScore
from ecomdsl.errors import CompileError, EcomdslError
from ecomdsl.sql import dialect as _dialect  # registers "ecomdsl" with sqlglot
from ecomdsl.types import SqlType

__version__ = "0.1.0"

__all__ = [
    "CompileError",
    "EcomdslError",
    "Filter",
    "Funnel",
    "Hop",
    "Join",
    "Kafka",
    "MaterializedView",
    "Pipeline",
    "SqlType",
    "Stage",
    "Stream",
    "Table",
    "Tumble",
    "View",
    "ZScore",
    "avg",
    "bool_and",
    "bool_or",
    "col",
    "count",
    "count_distinct",
    "func",
    "interval",
    "lit",
    "max_",
    "min_",
    "raw",
    "ref",
    "stddev",
    "sum_",
    "when",
]

del _dialect
