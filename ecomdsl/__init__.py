"""ecomdsl: author RisingWave streaming pipelines in typed Python.

Importing the package registers the ``ecomdsl`` sqlglot dialect, so that
``sqlglot.parse(sql, read="ecomdsl")`` reads the generated files.
"""

from ecomdsl import dialect as _dialect  # registers "ecomdsl" with sqlglot
from ecomdsl.dsl.expr import (
    avg,
    bool_and,
    bool_or,
    col,
    count,
    count_distinct,
    dense_rank,
    func,
    interval,
    lag,
    lead,
    lit,
    max_,
    min_,
    now,
    proctime,
    rank,
    raw,
    row_number,
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
from ecomdsl.dsl.relation import (
    Filter,
    Funnel,
    Hop,
    Join,
    Stage,
    Tumble,
    Union,
    ZScore,
    union,
    union_all,
)
from ecomdsl.errors import CompileError, EcomdslError
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
    "Union",
    "View",
    "ZScore",
    "avg",
    "bool_and",
    "bool_or",
    "col",
    "count",
    "count_distinct",
    "dense_rank",
    "func",
    "interval",
    "lag",
    "lead",
    "lit",
    "max_",
    "min_",
    "now",
    "proctime",
    "rank",
    "raw",
    "ref",
    "row_number",
    "stddev",
    "sum_",
    "union",
    "union_all",
    "when",
]

del _dialect
