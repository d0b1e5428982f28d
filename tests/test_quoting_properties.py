"""Property: any identifier or string a user passes survives into SQL as data, never as
syntax. Quotes, semicolons, backslashes, newlines, comment markers, unicode and reserved
words all re-parse to exactly the names and values that went in."""

from __future__ import annotations

import pytest
import sqlglot
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlglot import exp

from ecomdsl import MaterializedView, Pipeline, Table, col
from ecomdsl.dialect import RESERVED_KEYWORDS
from ecomdsl.model.resolve import resolve
from ecomdsl.render import render
from tests.helpers import ROOT

TRICKY = [
    "order",
    "select",
    "Order",
    "a b",
    'x"y',
    "x'y",
    "a;b",
    "--c",
    "/*",
    "*/",
    "café",
    "1a",
    "\\",
    "emit",
    "window_start",
    "FLUSH",
    "tab\there",
    "new\nline",
]
names = st.one_of(
    st.sampled_from(TRICKY),
    st.sampled_from(sorted(RESERVED_KEYWORDS)),
    st.text(
        st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
        min_size=1,
        max_size=20,
    ),
)
strings = st.one_of(
    st.sampled_from(["it's", "a;b -- c", "back\\slash", "'; DROP TABLE t; --", "é\n\t\x01", "*/"]),
    st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=30),
)


def _compile(
    table_name: str, c1: str, c2: str, mv_name: str, alias: str, value: str, key: str
) -> dict[str, str]:
    t = Table(table_name, {c1: "varchar", c2: "jsonb"})
    mv = MaterializedView(
        mv_name,
        t.where(col(c1) == value).select(c1, **{alias: col(c2).json(key)}),
        doc=value,
    )

    def data() -> list[tuple[str, list[dict[str, object]]]]:
        return [(table_name, [{c1: value, c2: {key: value}}])]

    files = render(resolve(Pipeline("p", objects=[t, mv], test_data=data)), ROOT)
    return files


@pytest.mark.slow
@settings(  # 300 examples under CI, 30 locally (conftest's profiles)
    max_examples=(settings.default.max_examples if settings.default else 200) * 3 // 2,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(names, names, names, names, names, strings, strings.filter(bool))
def test_names_and_strings_roundtrip(
    table_name: str, c1: str, c2: str, mv_name: str, alias: str, value: str, key: str
) -> None:
    assume(c1 != c2 and table_name != mv_name and alias != c1)
    files = _compile(table_name, c1, c2, mv_name, alias, value, key)

    tables = sqlglot.parse(files["create_tables.sql"], read="ecomdsl")
    views = sqlglot.parse(files["create_views.sql"], read="ecomdsl")
    inserts = sqlglot.parse(files["insert_test_data.sql"], read="ecomdsl")
    assert len(tables) == 1 and len(views) == 1 and len(inserts) == 2

    create_table = tables[0]
    assert isinstance(create_table, exp.Create)
    assert create_table.this.this.name == table_name
    assert [c.name for c in create_table.this.expressions] == [c1, c2]

    mv = views[0]
    assert isinstance(mv, exp.Create) and mv.this.name == mv_name
    select = mv.expression
    assert isinstance(select, exp.Select)
    assert select.args["from_"].this.name == table_name
    assert [e.alias_or_name for e in select.expressions] == [c1, alias]
    where = select.args["where"].this
    assert isinstance(where, exp.EQ)
    assert where.this.name == c1 and where.expression.this == value
    json_key = select.expressions[1].find(exp.JSONPathKey).this
    assert json_key == key

    insert = inserts[0]
    assert isinstance(insert, exp.Insert)
    assert insert.this.this.name == table_name
    row = insert.expression.expressions[0].expressions
    assert row[0].this == value
    # nothing but these statements came out of the text: no injected statement, no Command
    for tree in (*tables, *views, *inserts):
        assert tree is not None and tree.find(exp.Command) is None
