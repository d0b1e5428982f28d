"""Statement order and fingerprints (shared by render and deploy)."""

from __future__ import annotations

import attrs

from ecomdsl import MaterializedView, View, col, count
from ecomdsl.errors import SourceLocation
from ecomdsl.model import ir
from ecomdsl.sql.statements import Stage, creation_order, drop_order, statements
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
