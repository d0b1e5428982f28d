"""Shared fixtures: SQL snapshots as one readable .sql file per test."""

from __future__ import annotations

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode


class SQLSnapshotExtension(SingleFileSnapshotExtension):
    """One text .sql file per snapshot, so reviews read them as SQL."""

    file_extension = "sql"
    _write_mode = WriteMode.TEXT


@pytest.fixture
def sql_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(SQLSnapshotExtension)
