"""Errors in queries: columns, joins, grouping, window frames and unions
(`ecomdsl.model.query`). Each test asserts the whole message and, where one exists, the
hint."""

from __future__ import annotations

from ecomdsl import Join, MaterializedView, Table, col, count, sum_
from tests.helpers import ROOT, build, errors_of, events, one_error, products, where


def at(marker: str) -> str:
    return where(marker, __file__)


def test_missing_column_with_hint() -> None:
    e = events()
    mv = MaterializedView("mv", e.group_by("event_typ").agg(n=count()))  # L:missing
    err = one_error(mv)
    assert err.obj == "mv"
    assert err.message == "column 'event_typ' not found in 'events'"
    assert err.hint == "did you mean 'event_type'?"
    assert err.location.display(ROOT) == at("L:missing")
    assert err.format(ROOT) == (
        f"{at('L:missing')}: error: mv: column 'event_typ' not found in 'events'\n"
        "    hint: did you mean 'event_type'?"
    )


def test_missing_column_without_close_match_lists_columns() -> None:
    mv = MaterializedView("mv", products().select("zzz"))
    err = one_error(mv)
    assert err.message == "column 'zzz' not found in 'products'"
    assert err.hint == "available: product_id, name, price"


def test_ambiguous_column_in_join() -> None:
    e = events()
    p = Table("products", {"product_id": "varchar", "amount": "numeric"})
    mv = MaterializedView("mv", Join(e, p, on="product_id").select("product_id", "amount"))
    err = one_error(mv)  # the key column means the left one; `amount` is ambiguous
    assert err.message == "column 'amount' is ambiguous: it is in events and products"
    assert err.hint == "say which one: events.c.amount, products.c.amount"


def test_join_key_missing_on_one_side() -> None:
    e, p = events(), products()
    mv = MaterializedView("mv", Join(e, p, on="user_id").select("event_id"))
    err = one_error(mv)
    assert err.message == "column 'user_id' not found in 'products'"


def test_ungrouped_column_in_agg() -> None:
    mv = MaterializedView("mv", events().group_by("user_id").agg(x=col("event_type")))
    errors = errors_of(mv)
    assert [e.message for e in errors] == [
        "'x' in agg() is not an aggregate",
        "column 'event_type' in 'x' must be grouped or aggregated",
    ]


def test_computed_column_needs_a_name() -> None:
    # deliberately not a name: the runtime error is what the test checks
    mv = MaterializedView("mv", events().select(col("quantity") + 1))  # type: ignore[arg-type]
    err = one_error(mv)
    assert err.message == "a computed column needs a name"


def test_group_by_jsonb() -> None:
    mv = MaterializedView("mv", events().group_by("payload").agg(n=count()))
    assert one_error(mv).message == "cannot group by jsonb column 'payload'"


def test_column_of_a_relation_the_query_does_not_read() -> None:
    e, p = events(), products()
    mv = MaterializedView("mv", e.select(x=p.c.price))
    err = one_error(mv)
    assert (
        err.message
        == "column 'price' of 'products' is not available here (this query reads 'events')"
    )


def test_join_key_types_and_how() -> None:
    a = Table("a", {"id": "int"})
    b = Table("b", {"id": "varchar"})
    errors = errors_of(MaterializedView("mv", Join(a, b, on="id", how="outer").select(a.c.id)))  # type: ignore[arg-type]
    assert [e.message for e in errors] == [
        "Join(how='outer'): use 'inner', 'left', 'right' or 'full'",
        "join key 'id' has type int on the left and varchar on the right",
    ]


def test_window_frame_and_union_type_errors() -> None:
    from ecomdsl import row_number, union_all

    e = events()
    both = sum_(col("amount")).over(
        partition_by="user_id", order_by="event_time", rows=(1, None), range=("1 hour", None)
    )
    by_id = sum_(col("amount")).over(
        partition_by="user_id", order_by="event_id", range=("1 hour", None)
    )
    a = e.select("user_id", x=col("quantity"))
    b = e.select("user_id", x=col("event_type"))
    errors = errors_of(
        MaterializedView("w1", e.select(s=both)),
        MaterializedView("w2", e.select(s=by_id)),
        MaterializedView("u", union_all(a, b).select("user_id")),
        MaterializedView(
            "r", e.select(rn=row_number().over(partition_by="user_id", order_by="event_time"))
        ),
    )
    assert [(x.obj, x.message) for x in errors] == [  # in dependency order, then by name
        ("u", "union column 'x' is int in one input and varchar in another"),
        ("w1", "over() takes rows= or range=, not both"),
        ("w2", "over(range=...) with intervals needs order_by a time column"),
    ]


def test_window_function_errors() -> None:
    from ecomdsl import rank, row_number

    e = events()
    errors = [
        d.message
        for d in errors_of(
            MaterializedView("a", e.select(r=rank())),
            MaterializedView(
                "b",
                e.where(
                    row_number().over(partition_by="user_id", order_by="event_time") > 1
                ).select("event_id"),
            ),
            MaterializedView("c", e.select(r=row_number().over(partition_by="user_id"))),
        )
    ]
    assert errors == [
        "rank() needs .over(...)",
        "a window function is not allowed here",
        "row_number() needs over(order_by=...)",
    ]


def test_union_column_mismatch() -> None:
    from ecomdsl import union_all

    e = events()
    a = e.select("user_id", "event_time")
    b = e.select("event_time", "user_id")
    [d] = errors_of(MaterializedView("m", union_all(a, b).select("user_id")))
    assert d.message == (
        "union inputs need the same columns in the same order: user_id, event_time vs event_time, user_id"
    )


def test_a_self_join_on_a_condition_says_how_to_write_it() -> None:
    t1 = Table("t1", {"k": "int", "p": "int"})
    err = one_error(MaterializedView("mv", Join(t1, t1, on=t1.c.k == t1.c.p)))  # L:self
    assert err.message == (
        "Join() of 't1' with itself: both sides are the same relation, so t1.c.<column> "
        "cannot say which side it means"
    )
    assert err.hint == (
        "read each side through its own builder: a = t1.select(...); b = t1.select(...); "
        "Join(a, b, on=a.c.k == b.c.k)"
    )
    assert err.location.display(ROOT) == at("L:self")
    a, b = t1.select("k", "p"), t1.select("k", "p")  # the hint works
    build(MaterializedView("ok", Join(a, b, on=a.c.k == b.c.p).select(k=a.c.k, p=b.c.p)))
