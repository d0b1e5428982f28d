"""Deploy a compiled pipeline to a live database: plan, apply, destroy.

Layers (imports point down only): ``target`` (where) -> ``adapters`` (engine SQL and
capabilities) -> ``desired`` (what the pipeline wants, physical names) -> ``catalog`` and
``state`` (what the database has) -> ``plan`` (the plan as data) -> ``tables`` and the
planner (``planning``, ``plan_tables``, ``plan_views``, ``plan_retire``, ``planner``: the
diff) -> ``lock``, ``execute`` (one step on the server) and ``apply`` (run exactly the plan)
-> ``destroy``, ``data``, ``show`` (text for people) and ``saved`` (JSON, saved plans).
Nothing below this package imports it.
"""
