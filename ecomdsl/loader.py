"""Import pipeline files and find the `Pipeline` objects they define."""

from __future__ import annotations

import importlib
import sys
import traceback
from pathlib import Path

from ecomdsl.dsl.objects import Pipeline
from ecomdsl.errors import CompileError, LoadError, SourceLocation
from ecomdsl.project import display_path

_PACKAGE_DIR = Path(__file__).resolve().parent


def pipeline_files(paths: list[Path], root: Path) -> list[Path]:
    """The .py files named, or found directly in the folders named (not ``_*.py``), sorted."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(p for p in sorted(path.glob("*.py")) if not p.name.startswith("_"))
        elif path.is_file() and path.suffix == ".py":
            files.append(path)
        else:
            raise LoadError(f"{display_path(path, root)}: no such pipeline file or folder")
    return sorted({f.resolve() for f in files})


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


def _user_frame(err: BaseException, path: Path) -> SourceLocation | None:
    """The innermost frame of the traceback that is the user's code, not ecomdsl's."""
    if isinstance(err, SyntaxError) and err.filename and err.lineno:
        return SourceLocation(err.filename, err.lineno)
    found = None
    for frame in traceback.extract_tb(err.__traceback__):
        file = Path(frame.filename)
        ours = _PACKAGE_DIR in file.resolve().parents or "site-packages" in file.parts
        if frame.lineno and file.is_absolute() and not ours and "importlib" not in frame.filename:
            found = SourceLocation(frame.filename, frame.lineno)
    return found


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
    except Exception as err:
        where = _user_frame(err, path)
        shown = where.display(root) if where else display_path(path, root)
        raise LoadError(
            f"{shown}: error: importing {display_path(path, root)} failed: {type(err).__name__}: {err}"
        ) from err
    loaded = Path(getattr(module, "__file__", "") or "").resolve()
    if loaded != path:
        raise LoadError(
            f"{display_path(path, root)}: the module name {name!r} is taken by {loaded}; rename the file"
        )
    return module


def load_pipelines(paths: list[Path], root: Path) -> list[Pipeline]:
    """Every `Pipeline` defined at module level in the given files, in name order."""
    found: dict[int, Pipeline] = {}
    for path in pipeline_files(paths, root):
        module = load_module(path, root)
        for value in vars(module).values():
            if isinstance(value, Pipeline) and Path(value.location.path).resolve() == path:
                found[id(value)] = value
    pipelines = sorted(found.values(), key=lambda p: str(p.name))
    names = [p.name for p in pipelines]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise LoadError(f"two pipelines are named {dupes[0]!r}; each needs its own name")
    return pipelines
