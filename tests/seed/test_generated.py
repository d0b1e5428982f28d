"""generated/ is exactly a fresh compile; every statement is a real ecomdsl AST that
round-trips; the seed pipeline's 10 objects are there in dependency order."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
import sqlglot
from sqlglot import exp

from ecomdsl.compiler import compile_paths
from ecomdsl.dialect import as_written
from ecomdsl.errors import SourceLocation
from ecomdsl.generated import diff
from ecomdsl.model.resolve import resolve
from ecomdsl.render import FILES, render, sql_text
from ecomdsl.sql.emit import Emitter
from tests.helpers import ROOT

GENERATED = ROOT / "generated"
SEED_FILES = [GENERATED / "ecommerce" / name for name in FILES]
SEED_OBJECTS = {
    "products",
    "users",
    "user_events",
    "user_events_watermarked",
    "pageview_metrics",
    "product_view_metrics",
    "funnel_analysis",
    "revenue_tracker",
    "product_performance",
    "anomaly_detection",
}


def test_generated_equals_fresh_compile_in_process() -> None:
    compiled = compile_paths([ROOT / "pipelines"], ROOT)
    assert diff(GENERATED, compiled) == []
    assert sorted(compiled.files) == sorted(f"ecommerce/{n}" for n in FILES)


@pytest.mark.parametrize("seed", ["0", "1", "12345"])
def test_generated_equals_fresh_compile_under_hash_seeds(seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    result = subprocess.run(
        [sys.executable, "-m", "ecomdsl.cli", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "generated/ is up to date (4 files)"


def _statements(path: Path) -> list[exp.Expr]:
    return [t for t in sqlglot.parse(path.read_text(), read="ecomdsl") if t is not None]


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_every_statement_roundtrips(path: Path) -> None:
    text = path.read_text()
    trees = _statements(path)
    assert trees, f"{path.name} has no statements"
    for tree in trees:
        assert tree.find(exp.Command) is None
        again = sqlglot.parse_one(sql_text(tree), read="ecomdsl")
        assert again == tree
    assert "\n\n".join(sql_text(t) + ";" for t in trees) + "\n" == text


def test_parsed_trees_equal_the_trees_the_compiler_built() -> None:
    from pipelines.ecommerce import pipeline

    resolved = resolve(pipeline)
    emitter = Emitter()
    parsed = {
        t.this.this.name if isinstance(t.this, exp.Schema) else t.this.name: t
        for path in SEED_FILES[:2]
        for t in _statements(path)
    }
    for d in resolved.objects:
        # the built tree also knows what the text does not spell and the batch lowering
        # needs (a division is of two integers, a window's time type): as_written drops
        # exactly that, nothing else
        built = as_written(emitter.create(d))
        assert parsed[d.name] == built, d.name


def test_seed_objects_in_dependency_order() -> None:
    from pipelines.ecommerce import pipeline

    resolved = resolve(pipeline)
    names = []
    for path in SEED_FILES[:2]:
        for t in _statements(path):
            assert isinstance(t, exp.Create)
            names.append(t.this.this.name if isinstance(t.this, exp.Schema) else t.this.name)
    assert set(names) == SEED_OBJECTS and len(names) == 10
    position = {n: i for i, n in enumerate(names)}
    for upstream, downstream in resolved.edges:
        assert position[upstream] < position[downstream], (upstream, downstream)
    kinds = {d.name: d.kind for d in resolved.objects}
    assert sorted(n for n, k in kinds.items() if k == "materialized view") == sorted(
        SEED_OBJECTS - {"products", "users", "user_events", "user_events_watermarked"}
    )


def test_drop_file_is_reverse_order() -> None:
    creates = [
        t.this.this.name if isinstance(t.this, exp.Schema) else t.this.name
        for path in SEED_FILES[:2]
        for t in _statements(path)
    ]
    drops = [t.args["tables"][0].name for t in _statements(GENERATED / "ecommerce" / "drop.sql")]
    assert drops == list(reversed(creates))


def test_test_data_has_flush_after_every_insert() -> None:
    trees = _statements(GENERATED / "ecommerce" / "insert_test_data.sql")
    kinds = [type(t).__name__ for t in trees]
    assert kinds == ["Insert", "Flush"] * (len(kinds) // 2)
    targets = [t.this.this.name for t in trees if isinstance(t, exp.Insert)]
    assert targets[:2] == ["products", "users"]
    assert set(targets[2:]) == {"user_events"}


def test_render_is_deterministic_in_process() -> None:
    from pipelines.ecommerce import pipeline

    first = render(resolve(pipeline), ROOT)
    second = render(resolve(pipeline), ROOT)
    assert first == second
    assert all(str(ROOT) not in text for text in first.values())


def test_headers_of_a_pipeline_outside_the_project_name_the_file_only(tmp_path: Path) -> None:
    from pipelines.ecommerce import pipeline

    resolved = resolve(pipeline)
    elsewhere = tmp_path / "checkout" / "shop.py"
    moved = attrs.evolve(
        resolved,
        objects=tuple(
            attrs.evolve(d, location=SourceLocation(str(elsewhere), d.location.line))
            for d in resolved.objects
        ),
    )
    files = render(moved, ROOT)
    assert str(tmp_path) not in "".join(files.values())
    line = resolved.get("revenue_tracker").location.line
    assert f"| defined at shop.py:{line}, outside the project */" in files["create_views.sql"]
    # and only the headers differ from the files of the pipeline where it is
    inside = render(resolved, ROOT)
    for name, text in files.items():
        assert (
            text.replace(", outside the project", "").replace(
                "defined at shop.py:", "defined at pipelines/ecommerce.py:"
            )
            == inside[name]
        )
