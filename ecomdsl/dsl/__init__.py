"""The builders users write pipelines with; they import nothing of sqlglot or databases.

Every builder is an immutable `Node` that records the user's file and line. The modules
split them by job: `expr` (column expressions and their operators), `functions` (function
and aggregate calls), `frames` (window frame bounds), `relation` (queries: filters, joins,
windows, `ZScore`, `Funnel`), `columns` (``rel.c.name``; a relation is no list) and
`objects` (what becomes a CREATE statement, and the `Pipeline`). Users import the builders
from `ecomdsl`, which re-exports them.

Each builder checks the shape of its arguments when it is called (`arguments`: a name is a
str, a flag a bool, a list of names a list, never a set) and raises one `BuilderError` at the
user's line; what the arguments mean is checked when the pipeline is compiled.
"""
