"""Statements both dialects have, each in its own SQL: upserts (``INSERT … ON CONFLICT``).

SQLite and PostgreSQL spell them alike, but SQLAlchemy builds them from each dialect's own
``insert``; the connection says which. PostgreSQL's dialect is imported only for a server project.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, Connection, Table


def _insert(conn: Connection, table: Table) -> Any:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def insert_if_absent(
    conn: Connection, table: Table, values: dict[str, Any], key: Sequence[Column[Any]]
) -> Any:
    """INSERT … ON CONFLICT (key) DO NOTHING: the write half of a race-free get-or-create.

    Run first in its transaction, it waits out another writer of the same key before reading,
    so a row another client has just added is seen instead of colliding with it.
    """
    return _insert(conn, table).values(values).on_conflict_do_nothing(index_elements=list(key))


def upsert(
    conn: Connection,
    table: Table,
    values: dict[str, Any],
    key: Sequence[Column[Any]],
    changed: dict[str, Any],
) -> Any:
    """INSERT … ON CONFLICT (key) DO UPDATE SET ``changed``."""
    statement = _insert(conn, table).values(values)
    return statement.on_conflict_do_update(index_elements=list(key), set_=changed)
