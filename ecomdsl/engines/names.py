"""Names an engine cannot tell apart: refused before a run, at the user's line.

RisingWave and PostgreSQL tell a quoted ``"Amount"`` from ``amount`` (RisingWave's SQL
parser keeps a double-quoted identifier as written and folds only unquoted ones to lower
case: ``Ident::real_value`` in risingwavelabs/risingwave src/sqlparser/src/ast/mod.rs);
DuckDB compares names without case, even quoted ones, so two such tables fail to be created
there, and two such columns of a view come back renamed (``ID_1``). A pipeline that uses
such names is valid, and its generated SQL is right; it is only the batch engine that
cannot run it, and says so as one error per clash rather than as the engine's catalog error.
"""

from __future__ import annotations

from collections.abc import Iterable

from ecomdsl.errors import CompileError, Diagnostic, SourceLocation
from ecomdsl.model import ir
from ecomdsl.targets import Target, capabilities

_HINT = "rename one of them to run the pipeline here; RisingWave tells them apart"


def check_names(pipeline: ir.ResolvedPipeline, target: Target) -> None:
    """Refuse object and column names that ``target`` would take for one another (a clash a
    view inherits from what it reads is reported once, on the object it comes from)."""
    if not capabilities(target).names_fold_case:
        return
    objects = [(d.name, d.location, d.name) for d in pipeline.objects]
    found = [diagnostic for _, diagnostic in _clashes(objects, "objects", target)]
    pairs: dict[str, set[tuple[str, str]]] = {}
    for d in pipeline.objects:
        columns = [(c.name, d.location, d.name) for c in d.schema.columns]
        clashes = _clashes(columns, "columns", target)
        inherited = set().union(*(pairs.get(r, set()) for r in d.reads))
        pairs[d.name] = {pair for pair, _ in clashes}
        found += [diagnostic for pair, diagnostic in clashes if pair not in inherited]
    if found:
        raise CompileError(found)


def _clashes(
    names: Iterable[tuple[str, SourceLocation, str]], what: str, target: Target
) -> list[tuple[tuple[str, str], Diagnostic]]:
    """Each name that folds to a name seen before it: the pair, and its diagnostic."""
    seen: dict[str, str] = {}
    found = []
    for name, location, obj in names:
        first = seen.setdefault(name.casefold(), name)
        if first != name:
            message = (
                f"{what} {first!r} and {name!r} differ only in case, which the {target} "
                "engine does not tell apart"
            )
            found.append(((first, name), Diagnostic(message, location, obj=obj, hint=_HINT)))
    return found
