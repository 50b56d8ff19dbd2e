"""What another program sees in a project, file or server: rows read on a connection of its own
(plain sqlite3 or psycopg), so only what was committed is there."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from claimdesk.core.store.project import Project

# Every table Claimdesk makes (alembic_version aside), for snapshots.
TABLES = (
    "project",
    "document",
    "label",
    "annotator",
    "annotation",
    "document_status",
    "exercise",
    "exercise_workspace",
    "exercise_submission",
    "exercise_submission_version",
    "applied_edit",
)


def committed_rows(project: Project, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` (written for both dialects, parameters as ``?``) as another
    connection reads them."""
    if project.server is None:
        conn = sqlite3.connect(project.path)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(project.location) as server:
        rows = server.execute(sql.replace("?", "%s"), params).fetchall()  # type: ignore[arg-type]
        return [tuple(row) for row in rows]


def snapshot(project: Project) -> dict[str, list[str]]:
    """Every row of every table, as text in a stable order: equal snapshots, nothing changed."""
    return {
        table: sorted(repr(row) for row in committed_rows(project, f"SELECT * FROM {table}"))
        for table in TABLES
    }


def unchanged_marker(project: Project) -> object:
    """Something equal before and after a refused change: a file's bytes (WAL included), or a
    server project's rows."""
    if project.server is None:
        from pathlib import Path

        wal = Path(f"{project.path}-wal")
        return project.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    return snapshot(project)
