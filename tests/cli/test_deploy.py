"""`ecomdsl plan / apply / destroy / unlock` from the command line, on a real PostgreSQL."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from typer.testing import CliRunner

from ecomdsl.cli import app
from ecomdsl.deploy.target import DEFAULT_DSN, resolve_target
from ecomdsl.errors import EcomdslError

runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})


@pytest.fixture
def schema(pg_dsn: str, seed_project: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh schema name, the seed project as cwd, ECOMDSL_DSN pointing at the server."""
    name = f"cli_{secrets.token_hex(5)}"
    monkeypatch.setenv("ECOMDSL_DSN", pg_dsn)
    yield name
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        for s in (name, "ecomdsl"):
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(s)))


pytestmark = pytest.mark.postgres


def test_plan_apply_plan_exit_codes_and_output(schema: str) -> None:
    first = runner.invoke(app, ["plan", "--schema", schema])
    assert first.exit_code == 2, first.output
    assert "Plan for pipeline ecommerce on postgres" in first.output
    assert "+ revenue_tracker" in first.output
    assert "CREATE MATERIALIZED VIEW revenue_tracker__" in first.output
    assert "WITH NO DATA;" in first.output
    assert re.search(r"Plan: 10 create; 0 unchanged; \d+ step\(s\)\.", first.output)
    refused = runner.invoke(app, ["apply", "--schema", schema])
    assert refused.exit_code == 1
    assert "no terminal to confirm on" in refused.output
    applied = runner.invoke(app, ["apply", "--schema", schema, "--yes", "--with-test-data"])
    assert applied.exit_code == 0, applied.output
    assert re.search(
        r"Applied \d+ step\(s\) in [\d.]+s as deploy \d{8}T\d{6}Z-[0-9a-f]{6}\.", applied.output
    )
    assert "test data: loaded products 50, users 200, user_events" in applied.output
    assert "refreshed 6 materialized view(s)" in applied.output
    again = runner.invoke(app, ["plan", "--schema", schema])
    assert again.exit_code == 0, again.output
    assert "No changes: the database matches the pipeline (10 object(s))." in again.output
    noop = runner.invoke(app, ["apply", "--schema", schema, "--yes"])
    assert noop.exit_code == 0
    assert "Nothing to apply" in noop.output
    as_json = runner.invoke(app, ["plan", "--schema", schema, "--format", "json"])
    data = json.loads(as_json.stdout)
    assert data["pending"] is False and data["summary"] == {"unchanged": 10}


def test_saved_plan_runs_exactly_and_is_refused_when_stale(
    schema: str, seed_project: Path, pg_dsn: str
) -> None:
    out = seed_project / "plan.json"
    saved = runner.invoke(app, ["plan", "--schema", schema, "--out", str(out)])
    assert saved.exit_code == 2
    steps = json.loads(out.read_text())["steps"]
    applied = runner.invoke(app, ["apply", str(out), "--yes"])
    assert applied.exit_code == 0, applied.output
    assert f"Applied {len(steps)} step(s)" in applied.output
    # a second run of the same file: the database moved on since it was made
    stale = runner.invoke(app, ["apply", str(out), "--yes"])
    assert stale.exit_code == 1
    assert "the saved plan is stale" in stale.output
    assert "Traceback" not in stale.output


def test_destroy_and_unlock(schema: str) -> None:
    assert runner.invoke(app, ["apply", "--schema", schema, "--yes"]).exit_code == 0
    refused = runner.invoke(app, ["destroy", "--schema", schema])
    assert refused.exit_code == 1 and "pass --yes" in refused.output
    done = runner.invoke(app, ["destroy", "--schema", schema, "--yes"])
    assert done.exit_code == 0, done.output
    assert "Destroyed:" in done.output
    again = runner.invoke(app, ["destroy", "--schema", schema, "--yes"])
    assert "Nothing to destroy" in again.output
    free = runner.invoke(app, ["unlock", "--schema", schema])
    assert free.exit_code == 0 and "No lock is held" in free.output


def test_a_connection_failure_is_one_line_without_the_password(seed_project: Path) -> None:
    dsn = "postgresql://alice:s3cret-pw@127.0.0.1:1/shop"
    result = runner.invoke(app, ["plan", "--dsn", dsn])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("cannot connect to alice@127.0.0.1:1/shop (DSN from --dsn): ")
    assert "s3cret-pw" not in result.output


def test_targets_from_pyproject(seed_project: Path) -> None:
    (seed_project / "pyproject.toml").write_text(
        "[project]\nname = 'demo'\n\n"
        "[tool.ecomdsl.targets.prod]\ndsn_env = 'PROD_DSN'\nschema = 'analytics'\n"
    )
    t = resolve_target(seed_project, target="prod", environ={"PROD_DSN": "postgresql://u@h:5/db"})
    assert (t.dsn, t.schema, t.state_schema, t.dsn_from) == (
        "postgresql://u@h:5/db",
        "analytics",
        "ecomdsl",
        "$PROD_DSN",
    )
    with pytest.raises(EcomdslError, match=r"reads its DSN from \$PROD_DSN, which is not set"):
        resolve_target(seed_project, target="prod", environ={})
    with pytest.raises(EcomdslError, match=r"no target named 'dev' .*known: prod"):
        resolve_target(seed_project, target="dev", environ={})
    env = {"ECOMDSL_DSN": "postgresql://e@h/db"}
    assert resolve_target(seed_project, environ=env).dsn_from == "$ECOMDSL_DSN"
    assert resolve_target(seed_project, dsn="postgresql://x@y/z", environ=env).dsn_from == "--dsn"
    assert resolve_target(seed_project, environ={}).dsn == DEFAULT_DSN
    with pytest.raises(EcomdslError, match="schema must be a lower-case SQL name"):
        resolve_target(seed_project, schema="Bad-Name", environ={})
    result = runner.invoke(app, ["plan", "--target", "nope"])
    assert result.exit_code == 1
    assert "no target named 'nope'" in result.output


def test_help_describes_the_deploy_commands() -> None:
    top = runner.invoke(app, ["--help"]).output
    for command in ("plan", "apply", "destroy", "unlock"):
        assert command in top
    text = runner.invoke(app, ["plan", "--help"]).output
    for word in ("--prune", "--adopt", "--allow-destructive", "--out", "Exit code"):
        assert word in text
    text = runner.invoke(app, ["apply", "--help"]).output
    for word in ("--yes", "--with-test-data", "--lock-timeout", "stale", "--dry-run"):
        assert word in text


def test_apply_asks_on_a_terminal(schema: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from ecomdsl.cli import deploy as deploy_cli

    monkeypatch.setattr(deploy_cli, "_interactive", lambda: True)
    declined = runner.invoke(app, ["apply", "--schema", schema], input="n\n")
    assert declined.exit_code == 1
    assert "Apply these 18 step(s)? [y/N]" in declined.output
    assert "apply cancelled: nothing was changed" in declined.output
    again = runner.invoke(app, ["plan", "--schema", schema])
    assert again.exit_code == 2  # nothing was applied
    accepted = runner.invoke(app, ["apply", "--schema", schema], input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert "Applied 18 step(s)" in accepted.output


def test_bad_inputs_are_one_line_never_a_traceback(
    seed_project: Path, schema: str, pg_dsn: str
) -> None:
    # an unparsable DSN: nothing of it is shown (it may hold a password)
    bad = runner.invoke(app, ["plan", "--dsn", "postgresql://u:hunter2@[::1/db"])
    assert bad.exit_code == 1 and "hunter2" not in bad.output and "Traceback" not in bad.output
    assert "the DSN from --dsn is not valid" in bad.output
    # a named target must say where its DSN comes from
    (seed_project / "pyproject.toml").write_text(
        "[project]\nname = 'demo'\n\n[tool.ecomdsl.targets.prod]\nschema = 'analytics'\n"
    )
    no_env = runner.invoke(app, ["plan", "--target", "prod"])
    assert no_env.exit_code == 1 and "has no dsn_env" in no_env.output
    (seed_project / "pyproject.toml").write_text("[project]\nname = 'demo'\n[tool]\necomdsl = 5\n")
    odd = runner.invoke(app, ["plan", "--target", "prod"])
    assert odd.exit_code == 1 and "[tool.ecomdsl.targets] must hold tables" in odd.output
    (seed_project / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    system = runner.invoke(app, ["plan", "--schema", "pg_x"])
    assert system.exit_code == 1 and "'pg_x' is a system schema name" in system.output
    # a plan saved where it cannot be written
    out = runner.invoke(app, ["plan", "--schema", schema, "--out", "/nonexistent/dir/p.json"])
    assert out.exit_code == 1 and "No such file or directory" in out.output
    assert "Traceback" not in out.output
    # a damaged saved plan
    path = seed_project / "plan.json"
    assert runner.invoke(app, ["plan", "--schema", schema, "--out", str(path)]).exit_code == 2
    data = json.loads(path.read_text())
    for damage in ({"hash": None}, {"options": [1]}, {"options": {"allow_destructive": 5}}):
        path.write_text(json.dumps({**data, **damage}))
        result = runner.invoke(app, ["apply", str(path), "--yes"])
        assert result.exit_code == 1, damage
        assert "damaged" in result.output and "Traceback" not in result.output
    # a journal damaged by hand: one line, not a traceback
    assert runner.invoke(app, ["apply", "--schema", schema, "--yes"]).exit_code == 0
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute("ALTER TABLE ecomdsl.deploys DROP COLUMN event")
    broken = runner.invoke(app, ["apply", "--schema", schema, "--yes"])
    assert broken.exit_code == 1 and "Traceback" not in broken.output
    assert "the database refused" in broken.output
