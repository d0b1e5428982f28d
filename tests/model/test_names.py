"""Names and text that go into SQL (`ecomdsl.model.names`): at most 63 bytes, no NUL byte,
no lone surrogate; each reported once, naming the object and the field."""

from __future__ import annotations

from ecomdsl import Funnel, Join, Kafka, MaterializedView, Stream, Table, col, count, raw
from ecomdsl.model import ir
from ecomdsl.model.names import fit, label, name_problem, text_problem
from tests.helpers import ROOT, build, errors_of, events, one_error, where

LONG_HINT = "use a name of at most 63 bytes"
LONG = (
    "is {} bytes long; PostgreSQL keeps only the first 63 bytes of a name, "
    "so two long names that start alike become one"
)
NUL = "contains a NUL byte (\\x00) at position {}; RisingWave and PostgreSQL text cannot hold it"


def at(marker: str) -> str:
    return where(marker, __file__)


def test_name_problems() -> None:
    assert name_problem("a" * 63) is None
    assert name_problem("é" * 31) is None  # 62 bytes
    long = name_problem("é" * 32)  # 64 bytes, 32 characters
    assert long is not None and long.message == LONG.format(64)
    assert long.hint == LONG_HINT
    assert name_problem(5) is not None and name_problem(5).message == "must be text (str), not int"  # type: ignore[union-attr]
    assert name_problem("") is not None and name_problem("").message == "cannot be empty"  # type: ignore[union-attr]


def test_text_problems() -> None:
    assert text_problem("ok 'quoted' -- */ emoji \U0001f600") is None
    nul = text_problem("ab\x00c")
    assert nul is not None and (nul.message, nul.hint) == (NUL.format(2), "remove the \\x00")
    lone = text_problem("x\ud800")
    assert lone is not None
    assert (
        lone.message
        == "contains a lone surrogate '\\ud800' at position 1, which UTF-8 cannot encode"
    )


def test_fit_cuts_the_base_at_a_character() -> None:
    assert fit("t", "_2") == "t_2"
    assert fit("a" * 63, "_2") == "a" * 61 + "_2"
    assert fit("é" * 31, "_2") == "é" * 30 + "_2"  # 62 + 2 bytes would be 64
    assert label("t\x00x") == "'t\\x00x'"
    assert label("plain") == "plain"


def test_long_object_names_are_refused_with_the_byte_count() -> None:
    base = "a" * 63
    t1 = Table(base + "_one", {"x": "int"})  # L:long1
    t2 = Table(base + "_two", {"x": "int"})
    mv = MaterializedView("mv", Join(t1, t2, on="x").select(x=t1.c.x))
    first, second = errors_of(t1, t2, mv)  # one error each, none for the view reading them
    assert (first.obj, first.message, first.hint) == (
        base + "_one",
        "object name " + LONG.format(67),
        LONG_HINT,
    )
    assert first.location.display(ROOT) == at("L:long1")
    assert second.obj == base + "_two"


def test_multibyte_names_count_bytes() -> None:
    err = one_error(Table("é" * 40, {"x": "int"}))
    assert err.message == "object name " + LONG.format(80)


def test_long_column_names_are_reported_once() -> None:
    t = Table("t", {"c" * 64: "int", "d": "int"})
    v = MaterializedView("v", t.select("c" * 64))
    err = one_error(t, v)
    assert (err.obj, err.message) == ("t", f"column name {'c' * 64!r} " + LONG.format(64))


def test_long_aliases_are_refused() -> None:
    base = "total_revenue_for_each_product_category_in_the_last_sliding_hour"
    e = events()
    agg = e.group_by("user_id").agg(**{base + "_n": count()})  # L:alias
    err = one_error(MaterializedView("mv", agg))
    assert err.message == f"output column {base + '_n'!r} " + LONG.format(66)
    assert err.location.display(ROOT) == at("L:alias")


def test_generated_funnel_rate_names_are_checked() -> None:
    stage = "visited_the_landing_page_from_a_paid_search_campaign"
    e = Stream("e", {"sid": "varchar", "step": "varchar", "ts": "timestamp"}, event_time="ts")
    funnel = Funnel(e, session="sid", step="step", stages=[stage, stage + "_x"])
    errors = errors_of(MaterializedView("mv", funnel))
    rate = f"{stage}_to_{stage}_x_rate"
    assert [x.message for x in errors] == [f"output column {rate!r} " + LONG.format(len(rate))]


def test_a_self_join_of_a_63_byte_name_gets_a_qualifier_that_fits() -> None:
    name = "t" * 63
    t = Table(name, {"k": "int", "v": "int"})
    other = t.select("k", w="v")
    view = build(MaterializedView("mv", Join(t, other, on="k").select("k", "w"))).get("mv")
    assert isinstance(view, ir.ViewDef)
    body = view.query.body
    source = body.source if isinstance(body, ir.Block) else None
    assert isinstance(source, ir.IJoin) and isinstance(source.left, ir.ITable)
    names = {s.alias or s.name for s in (source.left, source.right) if isinstance(s, ir.ITable)}
    assert all(len(n.encode()) <= 63 for n in names)


def test_nul_in_names_is_refused_naming_the_object_by_its_repr() -> None:
    t = Table("t\x00x", {"a\x00b": "int"})
    mv = MaterializedView("mv", t.select("a\x00b"))
    assert [(e.obj, e.message) for e in errors_of(t, mv)] == [
        ("'t\\x00x'", "object name " + NUL.format(1)),
        ("'t\\x00x'", "column name 'a\\x00b' " + NUL.format(1)),
    ]


def test_a_lone_surrogate_in_a_name() -> None:
    err = one_error(Table("t", {"\udc80": "int"}))
    assert err.message == (
        "column name '\\udc80' contains a lone surrogate '\\udc80' at position 0, "
        "which UTF-8 cannot encode"
    )


def test_a_doc_with_a_nul_byte() -> None:
    e = events()
    err = one_error(MaterializedView("a", e.select("user_id"), doc="x\x00y */"))
    assert (err.obj, err.message) == ("a", "doc " + NUL.format(1))


def test_kafka_option_values_must_be_text_sql_can_hold() -> None:
    kafka = Kafka("top'ic", "host:9092", options={"scan.startup.mode": "earliest\x00"})
    s = Stream("k", {"a": "int", "ts": "timestamp"}, event_time="ts", connector=kafka)
    err = one_error(s)
    assert err.message == "Kafka option 'scan.startup.mode': the value " + NUL.format(8)


def test_raw_text_with_a_nul_byte() -> None:
    err = one_error(MaterializedView("mv", events().select(x=raw("amount\x00"))))
    assert err.message == "raw('amount\\x00') " + NUL.format(6)


def test_cte_names_avoid_object_names_in_any_case() -> None:
    e = events()
    other = MaterializedView("Projected", e.select("user_id"))  # DuckDB: the same as projected
    q = e.select("user_id", "amount").where(col("amount") > 1).select("user_id")
    view = build(other, MaterializedView("mv", q)).get("mv")
    assert isinstance(view, ir.ViewDef)
    assert [name for name, _ in view.query.ctes] == ["projected_2"]
