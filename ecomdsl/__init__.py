"""ecomdsl: author RisingWave streaming pipelines in typed Python.

The package exports the builders users write pipelines with (`ecomdsl.dsl`), which import
nothing of sqlglot. The ``ecomdsl`` sqlglot dialect that reads the generated files
(``sqlglot.parse(sql, read="ecomdsl")``) is declared as a ``sqlglot.dialects`` entry point,
so sqlglot loads it by name on first use.
"""

from ecomdsl.dsl.expr import col, interval, lit, raw, when
from ecomdsl.dsl.functions import (
    avg,
    bool_and,
    bool_or,
    count,
    count_distinct,
    dense_rank,
    func,
    lag,
    lead,
    max_,
    min_,
    now,
    proctime,
    rank,
    row_number,
    stddev,
    sum_,
)
from ecomdsl.dsl.objects import Kafka, MaterializedView, Pipeline, Stream, Table, View, ref
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
