"""Plain reads and writes on the driver's own cursor, for both dialects.

At 100,000 rows SQLAlchemy's row objects (and its per-value processing on insert) cost more than
the database itself. The statements are still written once with SQLAlchemy Core and compiled for
the connection's dialect; only the rows skip the ORM layer. Values come back as the driver gives
them: SQLite hands times back as ISO text and PostgreSQL as ``datetime`` (read them through
``dialects.time_text``), JSON as text and as Python values (read it through ``json_value``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, insert
from sqlalchemy.sql import Select
from sqlalchemy.sql.compiler import Compiled

from claimdesk.core.store.dialects import advance_ids


def stored_time(moment: datetime) -> str:
    """A time as ISO text (how SQLAlchemy stores it in SQLite; PostgreSQL reads it as a timestamp),
    for rows written by ``insert_many``."""
    return moment.isoformat(" ", timespec="microseconds")


def json_value(value: Any) -> Any:
    """A JSON column's value from a plain driver row: sqlite3 gives the stored text, psycopg
    the value it decoded already. None stays None."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def insert_many(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """INSERT many rows (values in ``columns`` order) with the driver's executemany.

    Times must be given as ``stored_time`` text. Rows given with their ``id`` leave the table's
    next id past them on both dialects (``dialects.advance_ids``).
    """
    sql, order = _insert_sql(conn, table, tuple(columns))
    if order is None:  # a named paramstyle (psycopg): one mapping a row
        conn.exec_driver_sql(sql, [dict(zip(columns, row, strict=True)) for row in rows])
    elif order == tuple(range(len(columns))):  # the rows are in the driver's order already
        plain = isinstance(rows, list) and all(type(row) is tuple for row in rows)
        conn.exec_driver_sql(sql, rows if plain else [tuple(row) for row in rows])
    else:
        conn.exec_driver_sql(sql, [tuple(row[i] for i in order) for row in rows])
    if "id" in columns and "id" in table.c and rows:
        advance_ids(conn, [table])


# (dialect, table, columns) -> the INSERT's text and the positions of its parameters (None for a
# named paramstyle): compiling it costs more than inserting a thousand rows.
_INSERTS: dict[tuple[str, str, tuple[str, ...]], tuple[str, tuple[int, ...] | None]] = {}


def _insert_sql(
    conn: Connection, table: Table, columns: tuple[str, ...]
) -> tuple[str, tuple[int, ...] | None]:
    key = (conn.dialect.name, table.fullname, columns)
    found = _INSERTS.get(key)
    if found is None:
        statement = insert(table).values({name: bindparam(name) for name in columns})
        compiled = statement.compile(dialect=conn.dialect)
        names = getattr(compiled, "positiontup", None)
        order = None if names is None else tuple(columns.index(name) for name in names)
        found = _INSERTS[key] = (str(compiled), order)
    return found


def _driver_params(compiled: Compiled, params: Mapping[str, Any]) -> Any:
    values = {**compiled.params, **params}
    names = getattr(compiled, "positiontup", None)
    if names is None:  # a named paramstyle
        return values
    return tuple(values[name] for name in names)


def compile_statement(conn: Connection, statement: Select[Any]) -> Compiled:
    # IN lists are rendered as one parameter per value, so the driver can take the string.
    return statement.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})


def plain_rows(
    conn: Connection, statement: Select[Any], params: Mapping[str, Any] | None = None
) -> list[tuple[Any, ...]]:
    """The rows of a Core SELECT as the driver's tuples."""
    return PlainQuery(statement).rows(conn, **(params or {}))


class PlainQuery:
    """A Core SELECT compiled once per dialect and run on the driver's cursor.

    For statements whose parameters are ``bindparam``s with a value given per call; an IN list
    is rendered into the compiled form, so build a new query (or use ``plain_rows``) for one.
    """

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: dict[str, Compiled] = {}

    def rows(self, conn: Connection, **params: Any) -> list[tuple[Any, ...]]:
        compiled = self._compiled.get(conn.dialect.name)
        if compiled is None:
            compiled = self._compiled[conn.dialect.name] = compile_statement(conn, self.statement)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(str(compiled), _driver_params(compiled, params))
            return list(cursor.fetchall())
        finally:
            cursor.close()
