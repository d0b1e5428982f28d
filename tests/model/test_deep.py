"""Deep and long inputs resolve in loops, not by recursion (`relations.reads`,
`QueryResolver.resolve`, `Checker._binary`, `traverse`): 2,000 chained views, a query of
1,000 steps, sums of 1,000 terms nested either way and a where() of 1,000 conditions. Any
other nesting past Python's recursion limit is one error, not a traceback."""

from __future__ import annotations

import functools
import operator
import time

from ecomdsl import MaterializedView, Table, View, col, count, func, union_all
from ecomdsl.dsl.expr import Expr
from ecomdsl.dsl.objects import PipelineObject
from ecomdsl.dsl.relation import Relation
from ecomdsl.lint.engine import lint
from ecomdsl.model import ir
from ecomdsl.model.relations import read_names
from ecomdsl.types import SqlType
from tests.helpers import ROOT, build, events, one_error, where


def resolved_quickly(*objects: PipelineObject) -> ir.ResolvedPipeline:
    """The pipeline resolved and linted, in well under the seconds a user would notice."""
    started = time.perf_counter()
    p = build(*objects)
    lint(p)
    assert time.perf_counter() - started < 5
    return p


def test_two_thousand_chained_views() -> None:
    prev: PipelineObject = events()
    chain = []
    for i in range(2000):
        prev = View(f"v{i:04d}", prev.where(col("amount") > i))
        chain.append(prev)
    last = MaterializedView("last", prev.group_by("user_id").agg(n=count()))
    p = resolved_quickly(*chain, last)
    assert [o.name for o in p.objects][-3:] == ["v1998", "v1999", "last"]


def test_a_query_of_a_thousand_steps() -> None:
    q: Relation = events()
    for i in range(1000):
        q = q.select("user_id", "amount").where(col("amount") > i)
    view = resolved_quickly(MaterializedView("deep", q)).get("deep")
    assert isinstance(view, ir.ViewDef)
    assert [name for name, _ in view.query.ctes][-2:] == ["projected_999", "projected_1000"]


def test_ten_thousand_chained_steps_read_one_object() -> None:
    q = events().select("amount")
    for i in range(10_000):
        q = q.where(col("amount") > i).select("amount")
    assert read_names(q) == ("events",)


def test_sums_of_a_thousand_terms_nested_either_way() -> None:
    columns = {f"c{i}": "int" for i in range(1000)}
    wide = Table("wide", columns)
    terms: list[Expr] = [col(c) for c in columns]
    left = functools.reduce(operator.add, terms)  # ((c0 + c1) + c2) + ...
    right = functools.reduce(lambda acc, t: t + acc, terms)  # c999 + (c998 + (...))
    p = resolved_quickly(MaterializedView("sums", wide.select(left=left, right=right)))
    assert p.get("sums").schema.columns == (
        ir.Column("left", SqlType.INT),
        ir.Column("right", SqlType.INT),
    )


def test_a_where_of_a_thousand_conditions() -> None:
    e = events()
    resolved_quickly(MaterializedView("w", e.where(*[col("amount") > i for i in range(1000)])))


def test_other_nesting_past_the_recursion_limit_is_one_error() -> None:
    e: Expr = col("amount")
    for _ in range(5000):
        e = func("abs", e)
    err = one_error(MaterializedView("m", events().select(x=e)))  # L:nested
    assert (err.obj, err.message) == (
        "m",
        "the query nests too deeply to check (past Python's recursion limit)",
    )
    assert err.hint == "build it in steps: a View of an inner part, read by the next"
    assert err.location.display(ROOT) == where("L:nested", __file__)


def test_a_shared_sub_query_that_expands_past_the_limit_is_one_error() -> None:
    q: Relation = events().select("user_id")
    for _ in range(30):  # 2**30 copies of the select once written out
        q = union_all(q, q)
    started = time.perf_counter()
    err = one_error(MaterializedView("mv", q))
    assert time.perf_counter() - started < 5
    assert (err.message, err.hint) == (
        "the query expands to more than 20,000 steps: a sub-query used in several places is "
        "written out at each",
        "make a shared sub-query a View of its own and read that",
    )
