"""The builders users write pipelines with; they import nothing of sqlglot or databases.

Every builder is an immutable `Node` that records the user's file and line. The modules
split them by job: `expr` (column expressions and their operators), `functions` (function
and aggregate calls), `relation` (queries: filters, joins, windows, `ZScore`, `Funnel`) and
`objects` (what becomes a CREATE statement, and the `Pipeline`). Users import the builders
from `ecomdsl`, which re-exports them.
"""
