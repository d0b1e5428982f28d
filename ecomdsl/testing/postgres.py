"""A throwaway PostgreSQL server for tests, started from Debian's server binaries.

``TemporaryPostgres`` runs ``initdb`` and ``pg_ctl`` on a fresh data directory in /tmp, listens
on a free 127.0.0.1 port and removes everything again on exit::

    with TemporaryPostgres() as pg:
        with psycopg.connect(pg.dsn, autocommit=True) as conn:
            ...

``initdb`` refuses to run as root, so as root the binaries run as the ``postgres`` user (through
``runuser``) in a directory that user owns. Durability is switched off (``fsync``,
``synchronous_commit``, ``full_page_writes``): the cluster only lives for one test run.
"""

from __future__ import annotations

import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

from ecomdsl.errors import EcomdslError

__all__ = [
    "DSN_ENV_VAR",
    "PostgresUnavailable",
    "TemporaryPostgres",
    "find_pg_bin",
    "postgres_dsn_from_env",
]

DSN_ENV_VAR = "ECOMDSL_TEST_PG_DSN"
PG_LIB_DIR = Path("/usr/lib/postgresql")

_INSTALL_HINT = (
    "install Debian's postgresql: apt-get install postgresql "
    "(or run scripts/ensure-postgres.sh as root), "
    f"or set {DSN_ENV_VAR} to the DSN of a server to use instead"
)
_PORT_ATTEMPTS = 5
_START_TIMEOUT_S = 30
_LOG_TAIL_LINES = 20
# what the server logs when another process took the port between our probe and its bind
_PORT_TAKEN = re.compile(r"Address already in use|could not create any TCP/IP sockets")


class PostgresUnavailable(EcomdslError):
    """A PostgreSQL server could not be found, initialised or started."""


def postgres_dsn_from_env() -> str | None:
    """The DSN of an existing server from ``ECOMDSL_TEST_PG_DSN``, or None when unset/empty."""
    dsn = os.environ.get(DSN_ENV_VAR, "").strip()
    return dsn or None


def _version_key(path: Path) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in path.name.split("."))
    except ValueError:
        return (-1,)


def _has_server_binaries(bin_dir: Path) -> bool:
    return all(os.access(bin_dir / name, os.X_OK) for name in ("initdb", "pg_ctl"))


def find_pg_bin(lib_dir: Path = PG_LIB_DIR) -> Path | None:
    """The newest ``<lib_dir>/<version>/bin`` holding ``initdb`` and ``pg_ctl``, or None."""
    versions = sorted(lib_dir.glob("*/bin"), key=lambda b: _version_key(b.parent), reverse=True)
    return next((b for b in versions if _has_server_binaries(b)), None)


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now (it may be taken later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _tail(text: str, lines: int = _LOG_TAIL_LINES) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


class TemporaryPostgres:
    """A PostgreSQL cluster in a temporary directory, running while the context is open.

    ``bin_dir`` defaults to :func:`find_pg_bin`. Every failure raises
    :class:`PostgresUnavailable` saying what is missing and how to fix it; whatever was created
    up to then is removed. ``stop()`` is idempotent and is called by ``__exit__``.
    """

    def __init__(self, bin_dir: Path | None = None) -> None:
        self._requested_bin_dir = bin_dir
        self.bin_dir: Path | None = None
        self.directory: Path | None = None
        self._port: int | None = None
        self._as_root = os.geteuid() == 0

    # -- public API -------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("TemporaryPostgres is not running: use it as a context manager")
        return self._port

    @property
    def dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"

    @property
    def data_dir(self) -> Path | None:
        return None if self.directory is None else self.directory / "data"

    def start(self) -> None:
        """Create, initialise and start the cluster; on any failure clean up and raise."""
        if self.directory is not None:
            raise RuntimeError("TemporaryPostgres is already started")
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop the server (if it runs) and remove its directory. Safe to call repeatedly."""
        directory, self.directory, self._port = self.directory, None, None
        if directory is None:
            return
        try:
            data = directory / "data"
            pg_ctl = None if self.bin_dir is None else self.bin_dir / "pg_ctl"
            if pg_ctl is not None and (data / "postmaster.pid").exists():
                for mode in ("fast", "immediate"):
                    result = self._run(
                        [str(pg_ctl), "-D", str(data), "-m", mode, "-w", "-t", "30", "stop"],
                        cwd=directory,
                        timeout=60,
                    )
                    if result.returncode == 0:
                        break
        finally:
            shutil.rmtree(directory, ignore_errors=True)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- internals --------------------------------------------------------------------------

    def _start(self) -> None:
        self.bin_dir = self._resolve_bin_dir()
        if self._as_root:
            self._check_root_prerequisites()
        # as root the postgres user must reach the directory, so never under a private $TMPDIR
        parent = "/tmp" if self._as_root else None
        self.directory = directory = Path(tempfile.mkdtemp(prefix="ecomdsl-pg-", dir=parent))
        if self._as_root:
            shutil.chown(directory, user="postgres", group=pwd.getpwnam("postgres").pw_gid)
        self._initdb(directory)
        self._start_server(directory)

    def _resolve_bin_dir(self) -> Path:
        if self._requested_bin_dir is None:
            found = find_pg_bin()
            if found is None:
                raise PostgresUnavailable(
                    "PostgreSQL server binaries not found "
                    f"(no {PG_LIB_DIR}/*/bin/initdb); {_INSTALL_HINT}"
                )
            return found
        bin_dir = self._requested_bin_dir
        if not _has_server_binaries(bin_dir):
            missing = [n for n in ("initdb", "pg_ctl") if not os.access(bin_dir / n, os.X_OK)]
            raise PostgresUnavailable(
                f"PostgreSQL server binaries not found in {bin_dir} "
                f"(missing {', '.join(missing)}); {_INSTALL_HINT}"
            )
        return bin_dir

    def _check_root_prerequisites(self) -> None:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailable(
                "running as root, but there is no 'postgres' user to run initdb as "
                "(initdb refuses root); install Debian's postgresql, which creates it "
                "(apt-get install postgresql), or run the tests as a non-root user"
            ) from None
        if shutil.which("runuser") is None:
            raise PostgresUnavailable(
                "running as root, but 'runuser' (needed to run initdb as the postgres user) "
                "is not on PATH; install util-linux or run the tests as a non-root user"
            )

    def _initdb(self, directory: Path) -> None:
        assert self.bin_dir is not None
        command = [
            str(self.bin_dir / "initdb"),
            "-D",
            str(directory / "data"),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ]
        result = self._run(command, cwd=directory, timeout=120)
        if result.returncode != 0:
            raise PostgresUnavailable(
                f"initdb failed (exit {result.returncode}) in {directory}:\n"
                f"{_tail(result.stdout + result.stderr)}"
            )

    def _start_server(self, directory: Path) -> None:
        assert self.bin_dir is not None
        log = directory / "server.log"
        last_error = ""
        for attempt in range(1, _PORT_ATTEMPTS + 1):
            port = _free_port()
            log_offset = log.stat().st_size if log.exists() else 0
            options = (
                f"-p {port} -k {shlex.quote(str(directory))} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            command = [
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(directory / "data"),
                "-l",
                str(log),
                "-o",
                options,
                "-w",
                "-t",
                str(_START_TIMEOUT_S),
                "start",
            ]
            result = self._run(command, cwd=directory, timeout=_START_TIMEOUT_S + 30)
            if result.returncode == 0:
                self._port = port
                return
            server_log = ""
            if log.exists():
                with log.open("rb") as handle:
                    handle.seek(log_offset)
                    server_log = handle.read().decode("utf-8", errors="replace")
            attempts = f" (attempt {attempt} of {_PORT_ATTEMPTS})" if attempt > 1 else ""
            last_error = (
                f"pg_ctl start failed (exit {result.returncode}) on 127.0.0.1:{port}{attempts}:\n"
                f"{_tail(result.stdout + result.stderr)}\n"
                f"server log tail:\n{_tail(server_log) or '(empty)'}"
            )
            if not _PORT_TAKEN.search(server_log) or (directory / "data/postmaster.pid").exists():
                break
        raise PostgresUnavailable(last_error)

    def _run(
        self, command: Sequence[str], *, cwd: Path, timeout: float
    ) -> subprocess.CompletedProcess[str]:
        """Run a server binary, as the postgres user when we are root."""
        argv = ["runuser", "-u", "postgres", "--", *command] if self._as_root else list(command)
        # PG* variables of the caller (PGDATA, PGPORT, ...) must not redirect our cluster
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        try:
            return subprocess.run(
                argv,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise PostgresUnavailable(
                f"{Path(command[0]).name} did not finish within {timeout:g} s: {shlex.join(argv)}"
            ) from exc
        except OSError as exc:
            raise PostgresUnavailable(f"cannot run {argv[0]}: {exc}") from exc
