"""Set-up steps a probe's project needs beyond plain files: links, FIFOs, folders that cannot be
written, a read-only file system, data made by code.

Each step is applied to the fresh project before the command runs and undone right after it
(so the project can be deleted), and may wrap the command (the read-only mount lives in a
mount namespace of the command alone, so nothing outlives it).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path


class Unsupported(Exception):
    """This machine cannot set the probe up; the probe is skipped with this reason."""


def _is_root() -> bool:
    return os.geteuid() == 0


class Step:
    """A set-up step (the default does nothing)."""

    def apply(self, root: Path) -> None:
        """Prepare ``root`` (the project folder)."""

    def undo(self, root: Path) -> None:
        """Make ``root`` removable again."""

    def wrap(self, root: Path, argv: list[str]) -> list[str]:
        """The command line to run instead of ``argv``."""
        return argv


@dataclasses.dataclass(frozen=True)
class Mkdir(Step):
    path: str

    def apply(self, root: Path) -> None:
        (root / self.path).mkdir(parents=True, exist_ok=True)


@dataclasses.dataclass(frozen=True)
class Symlink(Step):
    """``link`` -> ``target`` (the target as written: relative to the link's folder)."""

    link: str
    target: str

    def apply(self, root: Path) -> None:
        link = root / self.link
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(self.target)


@dataclasses.dataclass(frozen=True)
class Fifo(Step):
    path: str

    def apply(self, root: Path) -> None:
        (root / self.path).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(root / self.path)


@dataclasses.dataclass(frozen=True)
class Unwritable(Step):
    """``path`` (created as a folder if missing) cannot be written. ``chmod -w`` does not stop
    root, so as root the path is made immutable (``chattr +i``) instead."""

    path: str

    def apply(self, root: Path) -> None:
        target = root / self.path
        if not target.exists():
            target.mkdir(parents=True)
        if not _is_root():
            target.chmod(0o555 if target.is_dir() else 0o444)
            return
        if shutil.which("chattr") is None:
            raise Unsupported("running as root without chattr: cannot make a path unwritable")
        done = subprocess.run(["chattr", "+i", str(target)], capture_output=True, text=True)
        if done.returncode != 0:
            raise Unsupported(f"chattr +i failed: {done.stderr.strip()}")

    def undo(self, root: Path) -> None:
        target = root / self.path
        if _is_root():
            subprocess.run(["chattr", "-i", str(target)], capture_output=True, check=False)
        else:
            target.chmod(0o755 if target.is_dir() else 0o644)


_MOUNT_RO = 'mount -t tmpfs -o ro tmpfs "$1" && shift && exec "$@"'


@dataclasses.dataclass(frozen=True)
class ReadOnlyFileSystem(Step):
    """``path`` is a read-only file system, mounted in a mount namespace of the command's own
    (``unshare -m``; ``-r`` maps the user to root where that is not root already)."""

    path: str

    def _unshare(self) -> list[str]:
        return ["unshare", "-m"] if _is_root() else ["unshare", "-r", "-m"]

    def apply(self, root: Path) -> None:
        (root / self.path).mkdir(parents=True, exist_ok=True)
        if shutil.which("unshare") is None:
            raise Unsupported("no unshare: cannot mount a read-only file system")
        probe = [*self._unshare(), "sh", "-c", _MOUNT_RO, "sh", str(root / self.path), "true"]
        done = subprocess.run(probe, capture_output=True, text=True, timeout=10)
        if done.returncode != 0:
            raise Unsupported(f"cannot mount a read-only tmpfs: {done.stderr.strip()}")

    def wrap(self, root: Path, argv: list[str]) -> list[str]:
        return [*self._unshare(), "sh", "-c", _MOUNT_RO, "sh", str(root / self.path), *argv]


@dataclasses.dataclass(frozen=True)
class Make(Step):
    """Files made by code (binary data, Parquet, a large CSV): ``make(root)``."""

    what: str
    make: Callable[[Path], None]

    def apply(self, root: Path) -> None:
        self.make(root)
