"""Where a deploy goes: the DSN, the schema, the engine behind the connection.

The DSN comes from ``--dsn``, else the environment variable ``ECOMDSL_DSN``, else RisingWave's
local default; a named target (``--target NAME``) reads ``[tool.ecomdsl.targets.NAME]`` from the
project's pyproject.toml, as dbt reads a profile::

    [tool.ecomdsl.targets.prod]
    dsn_env = "PROD_RISINGWAVE_DSN"   # the variable holding the DSN (never the DSN itself)
    schema = "analytics"              # where the pipeline's objects go (default: public)
    state_schema = "ecomdsl"          # where the deploy journal and the lock live

Connection errors become one line naming host, port and database, never the password.
"""

from __future__ import annotations

import getpass
import os
import re
import socket
from pathlib import Path
from typing import Any

import attrs
import psycopg
from psycopg import conninfo

from ecomdsl.deploy.errors import DeployError
from ecomdsl.project import NotATable, PyprojectError, tool_section

DEFAULT_DSN = "postgresql://root@localhost:4566/dev"
DSN_ENV = "ECOMDSL_DSN"
DEFAULT_SCHEMA = "public"
DEFAULT_STATE_SCHEMA = "ecomdsl"
_NAME = re.compile(r"[a-z_][a-z0-9_]*")


@attrs.frozen
class Target:
    """A resolved deploy target."""

    dsn: str = attrs.field(repr=False)
    schema: str = DEFAULT_SCHEMA
    state_schema: str = DEFAULT_STATE_SCHEMA
    name: str | None = None  # the named target, if one was chosen
    dsn_from: str = "default"  # --dsn, ECOMDSL_DSN, the target's variable, or default

    def describe(self) -> str:
        """``host:port/database`` (never the user's password), and the schema."""
        return f"{redacted(self.dsn)} schema {self.schema}"


def redacted(dsn: str) -> str:
    """``user@host:port/dbname`` from a DSN, without password or other options."""
    try:
        info = conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return "<unparsable DSN>"
    host = str(info.get("host") or "localhost")
    port = str(info.get("port") or "5432")
    user = str(info.get("user") or "")
    db = info.get("dbname") or user or "?"
    return f"{user + '@' if user else ''}{host}:{port}/{db}"


def _check_name(value: object, what: str, source: str) -> str:
    if not isinstance(value, str) or not _NAME.fullmatch(value) or len(value) > 50:
        raise DeployError(
            f"{source}: {what} must be a lower-case SQL name ([a-z_][a-z0-9_]*, at most 50 "
            f"characters), got {value!r}"
        )
    if value.startswith("pg_") or value in ("information_schema", "rw_catalog"):
        raise DeployError(f"{source}: {what} {value!r} is a system schema name")
    return value


def load_targets(root: Path) -> dict[str, dict[str, Any]]:
    """``[tool.ecomdsl.targets]`` of the project's pyproject.toml (empty when absent)."""
    targets: dict[str, object] | None
    try:
        targets = tool_section(root, "targets")
    except NotATable:
        targets = None  # refused below, with how to write the targets
    except PyprojectError as err:
        raise DeployError(str(err)) from None
    if targets is None or not all(isinstance(v, dict) for v in targets.values()):
        raise DeployError(
            "pyproject.toml: [tool.ecomdsl.targets] must hold tables, "
            "e.g. [tool.ecomdsl.targets.prod] with dsn_env and schema"
        )
    return {name: dict(table) for name, table in targets.items() if isinstance(table, dict)}


def resolve_target(
    root: Path,
    *,
    dsn: str | None = None,
    target: str | None = None,
    schema: str | None = None,
    environ: dict[str, str] | None = None,
) -> Target:
    """The target from the options, the environment and pyproject.toml (in that order)."""
    env = dict(os.environ if environ is None else environ)
    config = _named_target(root, target) if target is not None else {}
    where = _section(target)
    dsn, source = _dsn(dsn, config, target, env)
    chosen_schema = schema if schema is not None else config.get("schema", DEFAULT_SCHEMA)
    state = config.get("state_schema", DEFAULT_STATE_SCHEMA)
    schema_source = "--schema" if schema is not None or target is None else where
    _check_name(chosen_schema, "schema", schema_source)
    _check_name(state, "state_schema", where if target is not None else "state schema")
    if state == chosen_schema:
        raise DeployError(
            f"{schema_source}: the schema to deploy into cannot be {state!r}, where ecomdsl "
            "keeps its journal and lock (choose another schema, or set state_schema)"
        )
    return Target(dsn, chosen_schema, state, target, source)


def _section(target: str | None) -> str:
    return f"pyproject.toml [tool.ecomdsl.targets.{target}]"


def _named_target(root: Path, target: str) -> dict[str, Any]:
    """``[tool.ecomdsl.targets.<target>]``, which must exist and hold only known options."""
    targets = load_targets(root)
    if target not in targets:
        known = ", ".join(sorted(targets)) or "none are configured"
        raise DeployError(
            f"no target named {target!r} in pyproject.toml [tool.ecomdsl.targets] (known: {known})"
        )
    config = targets[target]
    unknown = sorted(set(config) - {"dsn_env", "schema", "state_schema"})
    if unknown:
        raise DeployError(
            f"{_section(target)}: unknown option(s) "
            f"{', '.join(unknown)} (known: dsn_env, schema, state_schema)"
        )
    return config


def _dsn(
    dsn: str | None, config: dict[str, Any], target: str | None, env: dict[str, str]
) -> tuple[str, str]:
    """The DSN and where it came from: --dsn, the named target's variable, $ECOMDSL_DSN,
    else the default; checked to parse (never shown: it may hold a password)."""
    source = "--dsn"
    where = _section(target)
    if target is not None and "dsn_env" not in config and dsn is None:
        raise DeployError(
            f"{where} has no dsn_env: a named target says which environment variable holds "
            'its DSN (dsn_env = "PROD_DSN"), so that it never deploys somewhere else'
        )
    if dsn is None and "dsn_env" in config:
        var = config["dsn_env"]
        if not isinstance(var, str) or not var:
            raise DeployError(f"{where}: dsn_env must name an environment variable")
        if not env.get(var):
            raise DeployError(
                f"target {target!r} reads its DSN from ${var}, which is not set "
                f"(hint: export {var}=postgresql://user@host:port/db)"
            )
        dsn, source = env[var], f"${var}"
    if dsn is None and env.get(DSN_ENV):
        dsn, source = env[DSN_ENV], f"${DSN_ENV}"
    if dsn is None:
        dsn, source = DEFAULT_DSN, "default"
    try:
        conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        # libpq's message may quote the DSN, password included: say nothing of it
        raise DeployError(
            f"the DSN from {source} is not valid (expected postgresql://user@host:port/db "
            "or key=value pairs)"
        ) from None
    return dsn, source


def _first_line(err: BaseException) -> str:
    """The cause in libpq's message: its first line names it (later lines are hints)."""
    lines = [line.strip() for line in str(err).strip().splitlines() if line.strip()]
    if not lines:
        return type(err).__name__
    first = lines[0]
    # "connection to server at "h" (ip), port p failed: FATAL:  password authentication..."
    cause = first.rsplit(" failed: ", 1)[-1]
    return cause if cause else first


def actor() -> str:
    """``user@host`` of the one deploying (for the journal and the lock)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def connect(target: Target, application: str = "ecomdsl") -> psycopg.Connection[Any]:
    """An autocommit connection, or one line saying why not (host, port, database, cause)."""
    try:
        conn = psycopg.connect(
            target.dsn, autocommit=True, application_name=application, connect_timeout=10
        )
    except psycopg.OperationalError as err:
        cause = _first_line(err)
        info = conninfo.conninfo_to_dict(target.dsn)
        password = info.get("password")
        if password:
            cause = cause.replace(str(password), "***")
        raise DeployError(
            f"cannot connect to {redacted(target.dsn)} (DSN from {target.dsn_from}): {cause}"
        ) from None
    return conn
