"""Statement order and fingerprints (shared by render and deploy)."""

from __future__ import annotations

import time

import attrs

from ecomdsl import Join, MaterializedView, Table, View, col, count
from ecomdsl.dsl.objects import PipelineObject
from ecomdsl.dsl.relation import Relation
from ecomdsl.errors import SourceLocation
from ecomdsl.model import ir
from ecomdsl.sql.statements import Stage, creation_order, drop_order, stages, statements
from tests.helpers import build, events, products


def _pipeline(where: str = "view") -> ir.ResolvedPipeline:
    ev = events()
    base = View("typed", ev.select("user_id", "event_type", "event_time"))
    per_user = MaterializedView(
        "per_user", base.where(col("event_type") == where).group_by("user_id").agg(n=count())
    )
    total = MaterializedView("total", per_user.agg(users=count()))
    return build(ev, products(), base, per_user, total)


def test_stages_and_order() -> None:
    stmts = statements(_pipeline())
    order = [(s.name, s.stage) for s in creation_order(stmts)]
    assert order == [
        ("events", Stage.TABLES),
        ("products", Stage.TABLES),
        ("typed", Stage.TABLES),
        ("per_user", Stage.VIEWS),
        ("total", Stage.VIEWS),
    ]
    assert [s.name for s in drop_order(stmts)] == [
        "total",
        "per_user",
        "typed",
        "products",
        "events",
    ]


def test_fingerprint_ignores_location_and_doc() -> None:
    p = _pipeline()
    moved = attrs.evolve(
        p,
        objects=tuple(
            attrs.evolve(d, location=SourceLocation("/elsewhere.py", 999), doc="reworded")
            for d in p.objects
        ),
    )
    before = {s.name: s.fingerprint for s in statements(p)}
    after = {s.name: s.fingerprint for s in statements(moved)}
    assert before == after


def test_fingerprint_changes_with_the_query_only_for_that_object() -> None:
    before = {s.name: s.fingerprint for s in statements(_pipeline("view"))}
    after = {s.name: s.fingerprint for s in statements(_pipeline("cart"))}
    changed = sorted(n for n in before if before[n] != after[n])
    assert changed == ["per_user"]  # downstream names follow through physical names, not here
    assert len(set(before.values())) == len(before)
    assert all(len(f) == 64 for f in before.values())


def _lattice(levels: int) -> list[PipelineObject]:
    """Two plain views per level, each joining both views of the level below: every view
    has 2**level paths down to the tables."""
    a: Relation = Table("ta", {"id": "varchar", "x": "int"}, primary_key="id")
    b: Relation = Table("tb", {"id": "varchar", "x": "int"}, primary_key="id")
    objects: list[PipelineObject] = [a, b]  # type: ignore[list-item]
    for i in range(levels):
        a, b = (
            View(f"a{i:02d}", Join(a, b, on=a["id"] == b["id"]).select(id=a["id"], x=b["x"])),
            View(f"b{i:02d}", Join(b, a, on=b["id"] == a["id"]).select(id=b["id"], x=a["x"])),
        )
        objects += [a, b]
    return objects


def test_stages_of_a_lattice_of_shared_ancestors_take_one_pass() -> None:
    # a diamond lattice took minutes (every path was walked again); now each object once
    objects = _lattice(24)
    top = MaterializedView("top", objects[-1].select("id"))
    p = build(*objects, top)
    start = time.perf_counter()
    stage = stages(p.objects)
    assert time.perf_counter() - start < 1
    assert stage["top"] is Stage.VIEWS
    assert {stage[d.name] for d in p.objects if d.name != "top"} == {Stage.TABLES}


def test_a_chain_of_2000_plain_views_is_staged_without_recursion() -> None:
    first = Table("t", {"id": "varchar", "amount": "int"})
    objects: list[PipelineObject] = [first]
    prev: Relation = first
    for i in range(2000):
        prev = View(f"v{i:04d}", prev.where(col("amount") > i))
        objects.append(prev)
    stmts = statements(build(*objects, MaterializedView("top", prev.select("id"))))
    assert [s.stage for s in stmts].count(Stage.TABLES) == 2001
    assert stmts[-1].name == "top" and stmts[-1].stage is Stage.VIEWS
