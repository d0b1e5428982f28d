"""The last line of defence: no statement ecomdsl writes holds a NUL byte or a lone surrogate,
whatever path the character took (the model refuses them where the user wrote them; these
tests put them past the model, into the resolved pipeline)."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from ecomdsl import MaterializedView, Pipeline, Table
from ecomdsl.errors import CompileError
from ecomdsl.model import ir
from ecomdsl.model.resolve import resolve
from ecomdsl.render import render
from ecomdsl.sql.statements import statements
from ecomdsl.sql.writable import Unwritable, check_text
from tests.helpers import ROOT


def test_clean_text_passes() -> None:
    text = 'SELECT \'é\t\n\x01 😀 \U0010ffff\' AS "a""b"'
    assert check_text(text) is text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "SELECT 'a\x00b'",
            "the SQL would contain a NUL byte (U+0000), which RisingWave and PostgreSQL cannot "
            "store or read, in \"SELECT 'a\\x00b'\"",
        ),
        (
            "x" * 40 + "\udfff" + "y" * 40,
            "the SQL would contain a lone surrogate (U+DFFF), which is not text and has no UTF-8 "
            f"form, in '{'x' * 20}\\udfff{'y' * 20}'",
        ),
    ],
)
def test_nul_and_lone_surrogates_are_refused(text: str, message: str) -> None:
    with pytest.raises(Unwritable) as info:
        check_text(text)
    assert str(info.value) == message


def _pipeline() -> ir.ResolvedPipeline:
    t = Table("t", {"id": "varchar"})
    mv = MaterializedView("mv", t.select("id"), doc="Counts.")
    return resolve(Pipeline("p", objects=[t, mv], test_data=lambda: [("t", [{"id": "a"}])]))


def _with(p: ir.ResolvedPipeline, obj: str, **changes: Any) -> ir.ResolvedPipeline:
    objects = tuple(attrs.evolve(d, **changes) if d.name == obj else d for d in p.objects)
    return attrs.evolve(p, objects=objects)


def _error(p: ir.ResolvedPipeline) -> str:
    with pytest.raises(CompileError) as info:
        render(p, ROOT)
    assert len(info.value.diagnostics) == 1
    return info.value.diagnostics[0].format(ROOT)


def test_a_nul_in_a_doc_is_an_error_at_the_object() -> None:
    p = _pipeline()
    where = p.get("mv").location.display(ROOT)
    message = _error(_with(p, "mv", doc="a\x00b */"))
    assert message.startswith(
        f"{where}: error: mv: the SQL would contain a NUL byte (U+0000), which RisingWave and "
        "PostgreSQL cannot store or read, in '"
    )
    assert message.endswith(" */\\n/* a\\x00b * / */\\nCREATE MATE'")  # the header comment


def test_a_lone_surrogate_in_a_schema_is_an_error_before_the_fingerprint() -> None:
    p = _pipeline()
    t = p.get("t")
    assert isinstance(t, ir.TableDef)
    column = attrs.evolve(t.schema.columns[0], name="id\ud800")
    broken = _with(p, "t", schema=attrs.evolve(t.schema, columns=(column,)))
    with pytest.raises(CompileError) as info:
        statements(broken)  # the deploy's path: no encode error, the same diagnostic
    (problem,) = info.value.diagnostics
    assert problem.obj == "t" and problem.location == t.location
    assert problem.message.startswith("the SQL would contain a lone surrogate (U+D800)")


def test_a_nul_in_test_data_is_an_error_at_the_test_data() -> None:
    p = _pipeline()
    (insert,) = p.test_data
    broken = attrs.evolve(p, test_data=(attrs.evolve(insert, rows=(("a\x00",),)),))
    assert _error(broken) == (
        f"{p.location.display(ROOT)}: error: test data of 'p': the SQL would contain a NUL byte "
        "(U+0000), which RisingWave and PostgreSQL cannot store or read, in "
        "\"\\n  id\\n)\\nVALUES\\n  ('a\\x00')\""
    )


def test_every_problem_of_a_render_is_reported_together() -> None:
    p = _with(_pipeline(), "mv", doc="\x00")
    (insert,) = p.test_data
    broken = attrs.evolve(p, test_data=(attrs.evolve(insert, rows=(("\ud8ff",),)),))
    with pytest.raises(CompileError) as info:
        render(broken, ROOT)
    assert [d.obj for d in info.value.diagnostics] == ["mv", "test data of 'p'"]


def test_a_name_that_cannot_be_written_is_shown_escaped() -> None:
    p = _pipeline()
    renamed = _with(p, "mv", name="m\x00v")
    with pytest.raises(CompileError) as info:
        statements(renamed)
    assert [d.obj for d in info.value.diagnostics] == ["'m\\x00v'"]


def test_objects_reading_an_unwritable_one_do_not_repeat_its_error() -> None:
    p = _pipeline()
    mv = p.get("mv")
    assert isinstance(mv, ir.ViewDef) and isinstance(mv.query.body, ir.Block)
    # the view reads the table by its broken name too, as the model would have resolved it
    body = attrs.evolve(mv.query.body, source=ir.ITable("t\x00"))
    broken = _with(p, "t", name="t\x00")
    broken = _with(broken, "mv", reads=("t\x00",), query=attrs.evolve(mv.query, body=body))
    with pytest.raises(CompileError) as info:
        statements(broken)
    assert [d.obj for d in info.value.diagnostics] == ["'t\\x00'"]
    # without the table's error, the view's own is reported
    alone = _with(p, "mv", query=attrs.evolve(mv.query, body=body))
    with pytest.raises(CompileError) as info:
        statements(alone)
    assert [d.obj for d in info.value.diagnostics] == ["mv"]
