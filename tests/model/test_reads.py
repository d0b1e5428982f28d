"""What a query reads (`ecomdsl.model.relations`): one traversal through every kind of
relation, used for the objects a pipeline creates, the dependency order, the cycle check and
each view's ``reads``. Unions once hid their inputs from all four."""

from __future__ import annotations

import time

from ecomdsl import Join, MaterializedView, Table, Tumble, View, ref, union, union_all
from ecomdsl.dsl.relation import Relation
from ecomdsl.model.relations import inputs, read_names, reads
from tests.helpers import ROOT, build, events, one_error, where


def at(marker: str) -> str:
    return where(marker, __file__)


def table() -> Table:
    return Table("t", {"id": "varchar", "x": "int"}, primary_key="id")


def test_a_table_read_only_through_a_union_is_created() -> None:
    t = table()
    mv = MaterializedView("mv", union_all(t.select("id", "x"), t.select("id", "x")))
    p = build(mv)
    assert [o.name for o in p.objects] == ["t", "mv"]
    assert p.edges == (("t", "mv"),)
    assert p.get("mv").reads == ("t",)


def test_views_read_through_a_union_come_first() -> None:
    t = table()
    zz = MaterializedView("zz", t.select("id", "x"))
    aa = MaterializedView("aa", union_all(zz.select("id", "x"), zz.select("id", "x")))
    p = build(t, zz, aa)
    assert [o.name for o in p.objects] == ["t", "zz", "aa"]
    assert ("zz", "aa") in p.edges


def test_a_cycle_through_a_union_is_reported() -> None:
    t = table()
    a = MaterializedView("a", union_all(ref("b").select("id", "x"), t.select("id", "x")))  # L:a
    b = MaterializedView("b", union(a.select("id", "x"), t.select("id", "x")))
    err = one_error(t, a, b)
    assert (err.obj, err.message) == ("a", "dependency cycle: a -> b -> a (x -> y: y reads x)")
    assert err.location.display(ROOT) == at("L:a")


def test_every_relation_names_its_inputs() -> None:
    e, t = events(), table()
    window = Tumble(e, "event_time", "1 hour")
    assert inputs(window) == (e,)
    assert inputs(Join(e, t, on=e.c.user_id == t.c.id)) == (e, t)
    assert inputs(union_all(e, t, e)) == (e, t, e)
    assert inputs(e) == ()


def test_reads_go_through_joins_windows_and_unions_in_reading_order() -> None:
    e, t, v = events(), table(), View("v", table().select("id"))
    q = Join(Tumble(e, "event_time", "1 hour"), union_all(t, ref("v")), on="x").select("x")
    assert [o.name for o in reads(q)] == ["events", "t", "v"]
    assert read_names(q) == ("events", "t", "v")
    assert [o.name for o in reads(v)] == ["v"]  # an object reads itself, not its query


def test_reads_skip_what_is_not_a_relation() -> None:
    assert reads("SELECT * FROM s") == []


def test_a_shared_sub_query_is_walked_once() -> None:
    q: Relation = events()
    for _ in range(60):  # 2**60 paths through the same nodes
        q = union_all(q, q)
    started = time.perf_counter()
    assert [o.name for o in reads(q)] == ["events"]
    assert time.perf_counter() - started < 1
