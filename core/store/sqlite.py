"""The SQLite corner of the store: every statement and driver call only SQLite understands.

Engines for a project file and the pragmas each connection runs, WAL checkpoints, the page
check and the read-only look at a file before it is opened.
Its sibling for a project on a server is ``postgresql``; ``dialects`` picks between them for
the statements both need. Nothing outside ``core/store`` imports this module.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import (
    URL,
    Engine,
    create_engine,
    event,
)

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


READER = "claimdesk_reader"  # the execution option that marks a reading engine


def _set_reading_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA trusted_schema = OFF")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.execute("PRAGMA query_only = ON")
    cursor.close()


def reading_engine(path: Path) -> Engine:
    """An engine that only reads a project file the window has open, from another process (the
    suggestions' worker): read-only connections, nothing created or checkpointed, no checks
    (the window's open made them; repeating them read every page again for each job)."""
    uri = f"file:{quote(str(path.absolute()))}?mode=ro"
    engine = create_engine(
        "sqlite+pysqlite://",
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
        future=True,
    )
    event.listen(engine, "connect", _set_reading_pragmas)
    return engine.execution_options(**{READER: True})


def bare_engine(path: Path) -> Engine:
    """An engine without the pragmas (building the expected schemas on a scratch file)."""
    return create_engine(URL.create("sqlite+pysqlite", database=str(path)))


def checkpoint(engine: Engine) -> None:
    """Move the WAL into the main file, so that its header (application id, version) is current."""
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


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


# -- the migrations' SQLite-only steps ----------------------------------------------------------


def file_header(pragma: str) -> None:
    """Run a PRAGMA that writes the file header (application id, user_version) in a migration.

    Only a project file has that header; on a server the revision in ``alembic_version`` is the
    whole record, so the same chain of migrations runs there without it.
    """
    from alembic import op  # only inside a migration

    if op.get_bind().dialect.name == "sqlite":
        op.execute(pragma)


# -- whole-project transfer (push, pull): AUTOINCREMENT tables never reuse an id -------------


def autoincrement_positions(conn: Any) -> dict[str, int]:
    """The last id each AUTOINCREMENT table ever handed out (``sqlite_sequence``), by table."""
    rows = conn.exec_driver_sql("SELECT name, seq FROM sqlite_sequence").fetchall()
    return {str(name): int(seq) for name, seq in rows}


def raise_autoincrement_position(conn: Any, table: str, position: int) -> None:
    """Make the next id of an AUTOINCREMENT table come after ``position``."""
    found = conn.exec_driver_sql("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).first()
    if found is None:
        conn.exec_driver_sql(
            "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, position)
        )
    elif int(found[0]) < position:
        conn.exec_driver_sql("UPDATE sqlite_sequence SET seq = ? WHERE name = ?", (position, table))
