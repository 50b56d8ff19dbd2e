"""The SQLite corner of the store: every statement and driver call only SQLite understands.

Engines for a project file and the pragmas each connection runs, WAL checkpoints, the page
check, upserts (``INSERT … ON CONFLICT``) and the read-only look at a file before it is opened.
Plain reads on the driver's own cursor live here too: they hand back the driver's values as
they are (times as the ISO text SQLite stores, JSON as text). A PostgreSQL store gets a sibling
module with the same names; nothing outside ``core/store`` imports this one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import (
    URL,
    Column,
    Connection,
    Engine,
    Table,
    bindparam,
    create_engine,
    event,
    insert,
)
from sqlalchemy.dialects.sqlite import Insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql import Select
from sqlalchemy.sql.compiler import Compiled

# What the driver raises (for the checks that run on a bare driver connection).
DriverError = sqlite3.Error
DriverConnection = sqlite3.Connection


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Functions named in the schema (defaults, CHECKs, indexes) may not have side effects; the
    # schema itself was checked before this connection was made.
    cursor.execute("PRAGMA trusted_schema = OFF")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 5000")
    # WAL + NORMAL: a commit survives the process being killed; only an OS crash or power cut
    # can lose the last moments. One edit commits in well under a millisecond.
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def file_engine(path: Path) -> Engine:
    """An engine on one project file; every connection gets the pragmas above."""
    # URL.create keeps the path whole: in a URL string, a "?" or "#" in a file name would end it.
    engine = create_engine(URL.create("sqlite+pysqlite", database=str(path)), future=True)
    event.listen(engine, "connect", _set_pragmas)
    return engine


def bare_engine(path: Path) -> Engine:
    """An engine without the pragmas (building the expected schemas on a scratch file)."""
    return create_engine(URL.create("sqlite+pysqlite", database=str(path)))


def checkpoint(engine: Engine) -> None:
    """Move the WAL into the main file, so that its header (application id, version) is current."""
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def insert_if_absent(table: Table, values: dict[str, Any], key: Sequence[Column[Any]]) -> Insert:
    """INSERT … ON CONFLICT (key) DO NOTHING: the write half of a race-free get-or-create.

    Run first in its transaction, it takes the write lock (waiting out another writer) before
    reading, so a row another process has just added is seen instead of colliding with it.
    """
    return sqlite_insert(table).values(values).on_conflict_do_nothing(index_elements=list(key))


def upsert(
    table: Table, values: dict[str, Any], key: Sequence[Column[Any]], changed: dict[str, Any]
) -> Insert:
    """INSERT … ON CONFLICT (key) DO UPDATE SET ``changed``."""
    statement = sqlite_insert(table).values(values)
    return statement.on_conflict_do_update(index_elements=list(key), set_=changed)


# -- a file looked at before it is opened for writing ------------------------------------------


def _read_only_uri(path: Path) -> str:
    # A read-only connection to a WAL file makes -wal and -shm files beside it and cannot
    # remove them. With neither a -wal nor a -journal beside it (nobody has it open, nothing to
    # replay) the main file is the whole database: read it as immutable, which creates nothing.
    uri = f"file:{quote(str(path.absolute()))}?mode=ro"
    if not any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-journal")):
        uri += "&immutable=1"
    return uri


def open_read_only(path: Path) -> DriverConnection:
    """A driver connection that cannot write and runs nothing stored in the file."""
    conn = sqlite3.connect(_read_only_uri(path), uri=True)
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
    except BaseException:
        conn.close()
        raise
    return conn


def open_scratch(path: Path) -> DriverConnection:
    return sqlite3.connect(path)


def stored_revisions(conn: DriverConnection) -> list[str]:
    """The Alembic revisions a file records (one, normally)."""
    return [str(row[0]) for row in conn.execute("SELECT version_num FROM alembic_version")]


def quick_check(conn: DriverConnection) -> str:
    """SQLite's check of every page: "ok", or the first problem it found."""
    first = conn.execute("PRAGMA quick_check(1)").fetchone()
    return "no answer" if first is None else str(first[0])


# -- plain reads and writes on the driver's cursor ------------------------------------------------


def stored_time(moment: datetime) -> str:
    """A time as SQLAlchemy stores it in SQLite (ISO text), for rows written by ``insert_many``."""
    return moment.isoformat(" ", timespec="microseconds")


def insert_many(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """INSERT many rows (values in ``columns`` order) with the driver's executemany.

    At 40,000 rows SQLAlchemy's per-value processing costs more than SQLite's inserts; the
    statement is still written with Core. Times must be given as ``stored_time`` text.
    """
    statement = insert(table).values({name: bindparam(name) for name in columns})
    compiled = statement.compile(dialect=conn.dialect)
    names = getattr(compiled, "positiontup", None) or list(columns)
    order = [list(columns).index(name) for name in names]
    conn.exec_driver_sql(str(compiled), [tuple(row[i] for i in order) for row in rows])


def _driver_params(compiled: Compiled, params: Mapping[str, Any]) -> Any:
    values = {**compiled.params, **params}
    names = getattr(compiled, "positiontup", None)
    if names is None:  # a named paramstyle
        return values
    return tuple(values[name] for name in names)


def _compile(conn: Connection, statement: Select[Any]) -> Compiled:
    # IN lists are rendered as one parameter per value, so the driver can take the string.
    return statement.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})


def plain_rows(
    conn: Connection, statement: Select[Any], params: Mapping[str, Any] | None = None
) -> list[tuple[Any, ...]]:
    """The rows of a Core SELECT as the driver's tuples.

    At 100,000 rows SQLAlchemy's row objects cost more than SQLite itself; the statement is
    still written once with Core, so it compiles for any dialect.
    """
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
            compiled = self._compiled[conn.dialect.name] = _compile(conn, self.statement)
        driver: Any = conn.connection.driver_connection
        return list(driver.execute(str(compiled), _driver_params(compiled, params)).fetchall())
