"""Deploy a compiled pipeline to a live database: plan, apply, destroy.

Layers (imports point down only): ``target`` (where) -> ``adapters`` (engine SQL and
capabilities) -> ``desired`` (what the pipeline wants, physical names) -> ``catalog`` and
``state`` (what the database has) -> ``plan`` (the diff, as data) -> ``lock`` and ``apply``
(run exactly the plan). Nothing below this package imports it.
"""
