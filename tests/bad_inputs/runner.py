"""Run a probe: build its project in a fresh folder and run the real CLI on it in a subprocess.

The command runs as a user runs it (the venv's ``ecomdsl`` script, or ``python -P -m
ecomdsl.cli`` without one), in its own process group and session, with no stdin, under a
1 GB address-space limit and a 10 s timeout; on the timeout the whole group is killed. The
limit is set by a three-line launcher that calls ``resource.setrlimit``, gives SIGINT its
default action back (a job started in the background inherits it ignored, and then the
Ctrl-C probes would prove nothing) and ``exec``s the command. Not in ``preexec_fn``: probes
run from several threads, and ``preexec_fn`` is not safe in a process with threads (the
child may deadlock before ``exec``).

Before and after, the output folder (generated/, or ``--out``) is digested, so a failed
command that changed it is caught.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.bad_inputs.probe import Probe, Sigint
from tests.bad_inputs.steps import Unsupported

TIMEOUT_S = 10.0
MEMORY_LIMIT = 1 << 30  # bytes of address space

# set the limit, let Ctrl-C work as for a user (a background job inherits SIGINT ignored), exec
_LAUNCH = (
    "import os, resource, signal, sys\n"
    "n = int(sys.argv[1]); resource.setrlimit(resource.RLIMIT_AS, (n, n))\n"
    "signal.signal(signal.SIGINT, signal.SIG_DFL)\n"
    "os.execvp(sys.argv[2], sys.argv[2:])"
)

DEFAULT_PYPROJECT = '[project]\nname = "probe"\n'


def ecomdsl_argv() -> list[str]:
    """How to start the CLI of the interpreter running the tests."""
    script = Path(sys.executable).parent / "ecomdsl"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-P", "-m", "ecomdsl.cli"]  # -P: the cwd is not on sys.path


@dataclasses.dataclass(frozen=True)
class Attempt:
    """One run of the command."""

    rc: int | None  # None: killed after the timeout
    stdout: str
    stderr: str
    seconds: float
    after: str | None  # digest of the output folder afterwards

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclasses.dataclass(frozen=True)
class Result:
    """A probe's runs (one, or one per PYTHONHASHSEED) in project folder ``root``."""

    probe: Probe
    root: Path
    before: str | None
    attempts: tuple[Attempt, ...]
    skipped: str | None = None  # why the probe could not be set up here


def out_dir(probe: Probe, root: Path) -> Path:
    """The folder compile writes: ``--out`` (relative to the cwd), else generated/."""
    args = probe.command
    if "--out" in args:
        return root / probe.cwd / args[args.index("--out") + 1]
    return root / probe.out


def _entries(path: Path, rel: str) -> Iterator[str]:
    if path.is_symlink():
        yield f"L {rel} {os.readlink(path)}"
    elif path.is_dir():
        yield f"D {rel}"
        for child in sorted(os.listdir(path)):
            yield from _entries(path / child, f"{rel}/{child}")
    elif path.is_file():
        yield f"F {rel} {hashlib.sha256(path.read_bytes()).hexdigest()}"
    else:
        yield f"O {rel}"  # a FIFO or socket: never opened


def digest(path: Path) -> str | None:
    """A digest of everything under ``path`` (None if there is nothing there)."""
    if not path.exists() and not path.is_symlink():
        return None
    return hashlib.sha256("\n".join(_entries(path, ".")).encode()).hexdigest()


def write_project(probe: Probe, root: Path) -> None:
    """The probe's files under ``root``; an empty-ish pyproject.toml unless it brings one."""
    files = dict(probe.files)
    if probe.pyproject:
        files.setdefault("pyproject.toml", DEFAULT_PYPROJECT)
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8", errors="surrogatepass")


def environment(probe: Probe, root: Path, seed: str | None) -> dict[str, str]:
    """The caller's environment without ecomdsl's own variables (no DSN reaches a probe),
    plus the probe's (``{root}`` in a value is the project folder)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ECOMDSL_") and k != "PYTHONHASHSEED"
    }
    env.update({k: v.format(root=root) for k, v in probe.env.items()})
    if seed is not None:
        env["PYTHONHASHSEED"] = seed
    return env


def _has_open(pid: int, path: Path) -> bool:
    """Does process ``pid`` have ``path`` open (Linux: its /proc/<pid>/fd links)?"""
    fds = Path(f"/proc/{pid}/fd")
    try:
        return any(os.readlink(fd) == str(path) for fd in fds.iterdir())
    except OSError:  # the process ended, or a descriptor closed while we looked
        return False


def _wait(until: Callable[[], bool], proc: subprocess.Popen[bytes], deadline: float) -> None:
    while not until() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)


def _interrupt(proc: subprocess.Popen[bytes], cwd: Path, sigint: Sigint, deadline: float) -> None:
    marker = (cwd / sigint.marker).resolve()
    if not sigint.reading:
        _wait(marker.exists, proc, deadline)
    else:
        _wait(lambda: _has_open(proc.pid, marker), proc, deadline)
        if sigint.reading == "done":
            _wait(lambda: not _has_open(proc.pid, marker), proc, deadline)
    time.sleep(sigint.delay)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)


def run_once(probe: Probe, root: Path, argv: list[str], seed: str | None) -> Attempt:
    """Run ``argv`` once for ``probe``, killing its process group after the timeout."""
    cwd = root / probe.cwd
    started = time.monotonic()
    deadline = started + TIMEOUT_S
    env = environment(probe, root, seed)
    launcher = [sys.executable, "-I", "-S", "-c", _LAUNCH, str(MEMORY_LIMIT), *argv]
    proc = subprocess.Popen(
        launcher,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    if probe.sigint is not None:
        _interrupt(proc, cwd, probe.sigint, deadline)
    try:
        out, err = proc.communicate(timeout=max(0.1, deadline - time.monotonic()))
        rc: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        rc = None
    seconds = time.monotonic() - started
    text = (out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))
    return Attempt(rc, text[0], text[1], seconds, digest(out_dir(probe, root)))


def run_probe(probe: Probe, root: Path) -> Result:
    """Build ``probe``'s project in the empty folder ``root`` and run its command."""
    if probe.sigint is not None and probe.sigint.reading and not Path("/proc/self/fd").is_dir():
        return Result(probe, root, None, (), skipped="no /proc to see which files it reads")
    write_project(probe, root)
    applied = []
    try:
        for step in probe.steps:
            step.apply(root)
            applied.append(step)
        argv = [*ecomdsl_argv(), *probe.command]
        for step in probe.steps:
            argv = step.wrap(root, argv)
        before = digest(out_dir(probe, root))
        seeds: tuple[str | None, ...] = probe.seeds or (None,)
        attempts = tuple(run_once(probe, root, argv, seed) for seed in seeds)
        return Result(probe, root, before, attempts)
    except Unsupported as why:
        return Result(probe, root, None, (), skipped=str(why))
    finally:
        for step in reversed(applied):
            step.undo(root)
