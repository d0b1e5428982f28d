"""Import pipeline files and find the `Pipeline` objects they define.

Loading runs the user's code, so everything that code can do at import ends here as one
`LoadFailure` that names the user's file and line: an exception (even one whose message
cannot be shown), ``sys.exit()``, a builder error carrying the ``location`` of the call.
The files themselves are checked before they are imported (a folder or FIFO named
``x.py``, a symlink loop, a path that is not a ``.py`` file), and what a file binds to
``pipeline`` must be a `Pipeline`.
"""

from __future__ import annotations

import ast
import importlib
import itertools
import stat
import sys
import sysconfig
import traceback
from collections.abc import Iterable
from pathlib import Path

from ecomdsl.dsl.objects import Pipeline, PipelineObject
from ecomdsl.errors import (
    UNKNOWN_LOCATION,
    CompileError,
    Diagnostic,
    LoadError,
    SourceLocation,
)
from ecomdsl.project import display_path

_PACKAGE_DIR = Path(__file__).resolve().parent
_STDLIB_DIR = Path(sysconfig.get_paths()["stdlib"]).resolve()
_PIPELINE_HINT = 'a pipeline file defines `pipeline = Pipeline("name", objects=[...])`'


class LoadFailure(LoadError):
    """A pipeline file could not be found, read or imported, or defines no usable pipeline.

    ``message`` is shown after ``location`` (the user's file and line, when known) as
    ``file:line: error: message``; `diagnostic` gives the same for the lint formats.
    """

    def __init__(
        self, message: str, location: SourceLocation | None = None, hint: str | None = None
    ) -> None:
        self.message = message
        self.location = location
        self.hint = hint
        super().__init__(self.render())

    def render(self, root: Path | None = None) -> str:
        text = self.message
        if self.location is not None:
            text = f"{self.location.display(root)}: error: {text}"
        return text + (f"\n    hint: {self.hint}" if self.hint else "")

    def diagnostic(self) -> Diagnostic:
        return Diagnostic(self.message, self.location or UNKNOWN_LOCATION, hint=self.hint)


# -- which files ---------------------------------------------------------------------------


def pipeline_files(paths: list[Path], root: Path) -> list[Path]:
    """The .py files named, or found directly in the folders named (not ``_*.py``), sorted.

    Each is checked to be a readable regular file first, so that a symlink loop or a folder
    named ``x.py`` is reported as what it is rather than as a failed import.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = [p for p in sorted(path.glob("*.py")) if not p.name.startswith("_")]
        else:
            found = [path]
        for file in found:
            _check_file(file, root, named=file is path)
            files.append(file)
    return sorted({f.resolve() for f in files})


def _check_file(path: Path, root: Path, *, named: bool) -> None:
    """Refuse what cannot be imported as a pipeline file (``named``: given on the command
    line rather than found in a folder)."""
    shown = (Path(display_path(path.parent, root)) / path.name).as_posix()  # a link as named
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if not path.is_symlink():
            raise LoadFailure(f"{shown}: no such pipeline file or folder") from None
        raise LoadFailure(f"{shown}: cannot read it: it is a link to a missing file") from None
    except OSError as err:  # a symlink loop, no permission on a folder, ...
        raise LoadFailure(f"{shown}: cannot read it: {err.strerror}") from None
    if named and path.suffix != ".py":
        raise LoadFailure(
            f"{shown}: not a pipeline file; pipeline files are Python files ending in .py"
        )
    if not stat.S_ISREG(mode):
        raise LoadFailure(
            f"{shown}: {_kind(mode)}, not a Python file; rename it (files ending in .py in "
            "pipelines/ are imported as pipeline files)"
        )


def _kind(mode: int) -> str:
    """What a path that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    return "a device or socket"


# -- importing one file --------------------------------------------------------------------


def _module_name(path: Path) -> tuple[Path, str]:
    """The sys.path entry and dotted module name for ``path`` (packages honoured)."""
    parts = [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    return folder, ".".join(parts)


def _forget_foreign_package(top: str, base: Path) -> None:
    """Drop an already imported package of the same name from another folder (another
    project compiled in the same process), so this project's package is imported."""
    module = sys.modules.get(top)
    if module is None:
        return
    locations = [Path(p).resolve() for p in getattr(module, "__path__", [])]
    if (base / top).resolve() in locations or Path(
        getattr(module, "__file__", "") or ""
    ).parent == base:
        return
    for name in [n for n in sys.modules if n == top or n.startswith(top + ".")]:
        del sys.modules[name]


def _user_frame(err: BaseException) -> SourceLocation | None:
    """The innermost frame of the traceback that is the user's code, not ecomdsl's, a
    library's or Python's own (``exit()`` raises in the standard library)."""
    if isinstance(err, SyntaxError) and err.filename and err.lineno:
        return SourceLocation(err.filename, err.lineno)
    found = None
    for frame in traceback.extract_tb(err.__traceback__):
        file = Path(frame.filename)
        parents = file.resolve().parents
        ours = _PACKAGE_DIR in parents or _STDLIB_DIR in parents or "site-packages" in file.parts
        if frame.lineno and file.is_absolute() and not ours and "importlib" not in frame.filename:
            found = SourceLocation(frame.filename, frame.lineno)
    return found


def builder_location(err: BaseException) -> SourceLocation | None:
    """The ``location`` an error carries of the builder call it is about, if any."""
    location = getattr(err, "location", None)
    if isinstance(location, SourceLocation) and location != UNKNOWN_LOCATION:
        return location
    return None


def user_code_location(err: BaseException) -> SourceLocation | None:
    """Where in the user's code ``err`` was raised: the builder call it is about, else the
    innermost frame of the user's code."""
    return builder_location(err) or _user_frame(err)


def message_text(err: BaseException) -> str:
    """``str(err)``, even when its ``__str__`` itself raises (then it is said so)."""
    try:
        return str(err)
    except Exception as inner:
        return f"<its message cannot be shown: str() raised {type(inner).__name__}>"


def exception_text(err: BaseException) -> str:
    """``Type: message`` of an exception raised by user code (``Type`` alone when empty)."""
    text = message_text(err)
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def exit_text(err: SystemExit) -> str:
    """What ``sys.exit(code)`` in user code is reported as."""
    code = err.code
    return f"called sys.exit({'' if code is None else repr(code)})"


EXIT_HINT = "pipeline code is run by ecomdsl, not as a script: remove the exit() call"


def load_module(path: Path, root: Path) -> object:
    base, name = _module_name(path)
    if str(base) in sys.path:  # this project's folder first, ahead of other projects'
        sys.path.remove(str(base))
    sys.path.insert(0, str(base))
    _forget_foreign_package(name.split(".")[0], base)
    # always import the file as it is now (a long-lived process may compile it again)
    sys.modules.pop(name, None)
    importlib.invalidate_caches()
    try:
        module = importlib.import_module(name)
    except CompileError:
        raise
    except SystemExit as err:
        raise _import_failure(path, root, err, f"it {exit_text(err)}", EXIT_HINT) from None
    except Exception as err:
        if (where := builder_location(err)) is not None:
            # a builder's own error: its message already says what is wrong with the call
            raise LoadFailure(message_text(err), where) from err
        raise _import_failure(path, root, err, exception_text(err)) from err
    loaded = Path(getattr(module, "__file__", "") or "").resolve()
    if loaded != path:
        raise LoadFailure(
            f"{display_path(path, root)}: the module name {name!r} is taken by {loaded}; rename the file"
        )
    return module


def _import_failure(
    path: Path, root: Path, err: BaseException, text: str, hint: str | None = None
) -> LoadFailure:
    where = _user_frame(err) or SourceLocation(str(path), 1)
    return LoadFailure(f"importing {display_path(path, root)} failed: {text}", where, hint)


# -- the pipelines a file defines ----------------------------------------------------------


def _own(value: object, path: Path) -> bool:
    """Whether ``value`` is an ecomdsl object created in the file ``path``."""
    location = getattr(value, "location", None)
    return isinstance(location, SourceLocation) and Path(location.path).resolve() == path


def load_pipelines(paths: list[Path], root: Path) -> list[Pipeline]:
    """Every `Pipeline` defined at module level in the given files, in name order."""
    found: dict[int, Pipeline] = {}
    others: list[tuple[Path, list[PipelineObject]]] = []
    for path in pipeline_files(paths, root):
        module = load_module(path, root)
        values = list(vars(module).values())
        own = {id(v): v for v in values if isinstance(v, Pipeline) and _own(v, path)}
        if not own:
            _check_not_misbound(module, path)
            others.append((path, [v for v in values if isinstance(v, PipelineObject)]))
        found.update(own)
    if not found:
        raise _nothing_found(paths, others, root)
    pipelines = sorted(found.values(), key=lambda p: (str(p.name), p.location))
    _check_unique_names(pipelines, root)
    return pipelines


def _check_not_misbound(module: object, path: Path) -> None:
    """A file with no `Pipeline` that binds ``pipeline`` to something else: say what."""
    if not hasattr(module, "pipeline"):
        return
    value = module.pipeline
    if isinstance(value, PipelineObject):
        what = f"{type(value).__name__} {value.name!r}"
        hint = f'put it in a Pipeline: `pipeline = Pipeline("name", objects=[{value.name}])`'
    else:
        what = "None" if value is None else f"a {type(value).__name__}"
        hint = _PIPELINE_HINT
    line = _binding_line(path, "pipeline")
    raise LoadFailure(
        f"`pipeline` is {what}, not a Pipeline", SourceLocation(str(path), line or 1), hint
    )


def _binding_line(path: Path, name: str) -> int | None:
    """The line of the last module-level assignment to ``name`` (the binding that won)."""
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError, OSError):
        return None
    line = None
    for node in tree.body:
        targets: Iterable[ast.expr] = ()
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = (node.target,)
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            line = node.lineno
    return line


def _nothing_found(
    paths: list[Path], files: list[tuple[Path, list[PipelineObject]]], root: Path
) -> LoadFailure:
    """No Pipeline anywhere: say where we looked and what the files define instead."""
    shown = ", ".join(display_path(p, root) for p in paths)
    defined = [
        f"{display_path(path, root)} has "
        + ", ".join(f"{type(o).__name__} {o.name!r}" for o in objects[:3])
        + (f" and {len(objects) - 3} more" if len(objects) > 3 else "")
        for path, objects in files
        if objects
    ]
    found = f" ({'; '.join(defined)}, but no Pipeline)" if defined else ""
    return LoadFailure(f"no Pipeline found in {shown}{found}; {_PIPELINE_HINT}")


def _check_unique_names(pipelines: list[Pipeline], root: Path) -> None:
    """Two pipelines with one name would write the same generated/<name>/ folder."""
    for first, second in itertools.pairwise(pipelines):
        if first.name == second.name:
            raise LoadFailure(
                f"two pipelines are named {first.name!r}; each needs its own name "
                f"(the other is at {first.location.display(root)})",
                second.location,
            )
