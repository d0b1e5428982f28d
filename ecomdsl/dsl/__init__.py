"""The builders users write pipelines with; they import nothing of sqlglot or databases.

Every builder is an immutable `Node` that records the user's file and line. The modules
split them by job: `expr` (column expressions and their operators), `functions` (function
and aggregate calls), `relation` (queries: filters, joins, windows, `ZScore`, `Funnel`) and
`objects` (what becomes a CREATE statement, and the `Pipeline`). `ecomdsl` re-exports the
names below.
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

__all__ = [
    "Filter",
    "Funnel",
    "Hop",
    "Join",
    "Kafka",
    "MaterializedView",
    "Pipeline",
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
