"""Statements both dialects have, each in its own SQL: upserts (``INSERT … ON CONFLICT``), and
expressions that read alike on both (a time as the ISO text SQLite stores, text sorted by code
point).

SQLite and PostgreSQL spell upserts alike, but SQLAlchemy builds them from each dialect's own
``insert``; the connection says which. PostgreSQL's dialect is imported only for a server project.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, Connection, String, Table
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


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


def advance_ids(conn: Connection, tables: Sequence[Table]) -> None:
    """After rows were inserted with ids of their own (copied from another project): the next
    id each table gives is past them.

    SQLite gives max(id) + 1 (or more, with AUTOINCREMENT) whatever was inserted; a server's
    sequences know nothing of ids given explicitly and would hand one out again, so the next new
    row would be refused as a duplicate. Run in the transaction that inserted the rows.
    """
    if conn.dialect.name != "postgresql":
        return
    from claimdesk.core.store import postgresql

    for table in tables:
        # Never backwards: ids handed out to rows deleted since stay used, as in a file.
        given = postgresql.sequence_position(conn, table.name, "id")
        postgresql.move_sequence_past(conn, table.name, "id", given)


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


class time_text(FunctionElement[str]):
    """A time column read as text, "2026-03-04 05:06:07.123456" (UTC, microseconds always), on
    both dialects: SQLite stores that very text; PostgreSQL stores a timestamp, which plain driver
    rows would hand back as a ``datetime``."""

    type = String()
    name = "time_text"
    inherit_cache = True


@compiles(time_text)
def _time_text_as_stored(element: time_text, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(time_text, "postgresql")
def _time_text_postgresql(element: time_text, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"to_char({column}, 'YYYY-MM-DD HH24:MI:SS.US')"


class by_code_point(FunctionElement[str]):
    """Text to sort by code point ("Bo" before "ana", "fact" before "Éclat"), as SQLite and
    Python's ``sorted`` do. A server sorts by its database's collation (en-US puts "ana" first),
    so an export or a list would come out in another order from a server than from a file."""

    type = String()
    name = "by_code_point"
    inherit_cache = True


@compiles(by_code_point)
def _by_code_point_sqlite(element: by_code_point, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)  # SQLite's BINARY collation


@compiles(by_code_point, "postgresql")
def _by_code_point_postgresql(element: by_code_point, compiler: SQLCompiler, **kw: Any) -> str:
    # "C" compares the UTF-8 bytes: code point order, whatever the database's own collation.
    return f'({compiler.process(element.clauses, **kw)}) COLLATE "C"'
