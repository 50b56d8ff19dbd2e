"""A whole project moved between a file and a server: push (a file onto an empty database) and
pull (a server project into a new file).

Every table of the schema is carried, in the order its foreign keys ask for (read from the
metadata, so a table added later is carried too), with its ids; rows stream through in batches,
so a large project is never held whole in memory. Each direction is all or nothing: a push is one
transaction on the server, a pull is written to a hidden file beside the target and renamed into
place at the end. Afterwards the ids the target hands out come after every id the source ever
handed out.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Dialect,
    Engine,
    Float,
    Table,
    and_,
    bindparam,
    func,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Select

from claimdesk.core.errors import ClaimdeskError, ProjectError
from claimdesk.core.progress import Progress, check_progress
from claimdesk.core.store import driver, passwords, postgresql, sqlite
from claimdesk.core.store import engine as store
from claimdesk.core.store.location import ServerLocation, parse_server_url
from claimdesk.core.store.tables import Base
from claimdesk.core.suffixes import PROJECT_SUFFIX

# Rows read and written at a time: large enough for the driver's batching to pay, small enough
# that 100,000 annotations never sit in memory at once.
BATCH_ROWS = 5_000


@dataclass
class TransferReport:
    """What a push or pull carried: rows per table (in the order carried) and what was left."""

    source: str  # where from, as shown to the user (never with a password)
    target: str
    counts: dict[str, int] = field(default_factory=dict)
    # Pull: tables the signed-in role may not read at all (left empty in the file) ...
    unreadable: list[str] = field(default_factory=list)
    # ... and tables whose rows row-level security filters for it (only what it may read).
    filtered: list[str] = field(default_factory=list)
    signed_in_as: str = ""
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def carried_tables() -> list[Table]:
    """Every table of the schema, each after the tables its foreign keys point to."""
    return list(Base.metadata.sorted_tables)


# -- push: a file onto an empty server database ------------------------------------------------


def push(
    file_path: Path | str,
    url: str,
    password: str | None = None,
    progress: Progress | None = None,
) -> TransferReport:
    """Copy the project file onto an empty PostgreSQL database, in one transaction.

    The database must hold nothing (or only the empty tables ``server init`` made); the file is
    checked as when it is opened (an older one is brought up to date first, after a backup).
    """
    began = time.perf_counter()
    file_path = Path(file_path)
    location, in_url = parse_server_url(url)
    password = passwords.to_use(location, password, in_url)
    report = TransferReport(str(file_path), location.display())
    source = store.open_database(file_path)
    try:
        target = postgresql.server_engine(location, password)
        try:
            with (
                _snapshot_of_file(source) as read,
                _connect(location, target) as write,
                write.begin(),
            ):
                built = store.prepare_empty_server(location, write)
                floors = sqlite.autoincrement_positions(read)
                # Tables built just now are ours: their foreign keys are checked once at the
                # end rather than row by row.
                keys = (
                    postgresql.foreign_keys_set_aside(write) if built else contextlib.nullcontext()
                )
                with keys:
                    _copy(read, write, carried_tables(), report, progress)
                for table in carried_tables():
                    column = table.autoincrement_column
                    if column is not None:
                        floor = floors.get(table.name, 0)
                        postgresql.move_sequence_past(write, table.name, column.name, floor)
                postgresql.refresh_statistics(write, [t.name for t in carried_tables()])
        except (DBAPIError, TransferStopped) as exc:
            raise _stopped(
                location.as_path(), "push", exc, "nothing was written to the server"
            ) from None
        finally:
            target.dispose()
    finally:
        store.close_engine(source)
    report.seconds = time.perf_counter() - began
    return report


@contextlib.contextmanager
def _snapshot_of_file(engine: Engine) -> Iterator[Connection]:
    """A read transaction on the file: every table is read as of one moment, even while a
    window goes on editing it (WAL keeps the snapshot)."""
    with engine.connect() as conn:
        conn.exec_driver_sql("BEGIN")
        try:
            yield conn
        finally:
            conn.exec_driver_sql("ROLLBACK")


@contextlib.contextmanager
def _connect(location: ServerLocation, engine: Engine) -> Iterator[Connection]:
    try:
        conn = engine.connect()
    except DBAPIError as exc:
        raise postgresql.connection_error(location, exc) from None
    with conn:
        yield conn


def _stopped(path: Path, what: str, exc: Exception, outcome: str) -> ProjectError:
    where = ""
    if isinstance(exc, TransferStopped):
        where, exc = f" at the table {exc.table}", exc.error  # type: ignore[assignment]
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return ProjectError(path, f"the connection was lost during the {what}; {outcome}")
    return ProjectError(
        path, f"the {what} stopped{where} ({postgresql.first_line(exc)}); {outcome}"
    )


# -- pull: a server project into a new file ----------------------------------------------------


def pull(
    url: str,
    file_path: Path | str,
    password: str | None = None,
    progress: Progress | None = None,
) -> TransferReport:
    """Copy the server project into a new project file (an existing path is refused).

    The file is written beside its place under a hidden name and renamed at the end, so a
    failure leaves nothing behind. Rows are read as of one moment of the server (a repeatable
    read), whoever goes on editing meanwhile. Signed in as someone row-level security limits
    (an annotator of a blind project), the file holds only what that person may read: the
    report says so.
    """
    began = time.perf_counter()
    file_path = Path(file_path)
    if file_path.suffix != PROJECT_SUFFIX:
        raise ProjectError(file_path, f"a project file name ends in {PROJECT_SUFFIX}")
    if file_path.exists() or file_path.is_symlink():
        raise ProjectError(file_path, "already exists; pull into a new file")
    location, in_url = parse_server_url(url)
    password = passwords.to_use(location, password, in_url)
    report = TransferReport(location.display(), str(file_path))
    source = store.open_server(location, password)
    _remove_abandoned(file_path)
    temporary = file_path.with_name(f".{file_path.name}.pull-{os.getpid()}")
    try:
        try:
            target = store.create_database(temporary)
        except ProjectError as exc:  # about the hidden file: name the one asked for
            raise type(exc)(file_path, exc.reason) from None
        try:
            with _snapshot_of_server(location, source) as read, target.begin() as write:
                names = [table.name for table in carried_tables()]
                report.unreadable, report.filtered = postgresql.readable_tables(read, names)
                if report.unreadable or report.filtered:
                    report.signed_in_as = str(read.execute(select(func.current_user())).scalar())
                tables = _readable(carried_tables(), set(report.unreadable))
                _copy(read, write, tables, report, progress)
                for table in tables:
                    column = table.autoincrement_column
                    if column is not None and table.dialect_options["sqlite"]["autoincrement"]:
                        position = postgresql.sequence_position(read, table.name, column.name)
                        sqlite.raise_autoincrement_position(write, table.name, position)
            store.close_engine(target)
        except BaseException:
            target.dispose()
            raise
        _move_into_place(temporary, file_path)
    except (DBAPIError, TransferStopped) as exc:
        raise _stopped(file_path, "pull", exc, "no file was written") from None
    finally:
        source.dispose()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{temporary}{suffix}").unlink(missing_ok=True)
    report.seconds = time.perf_counter() - began
    return report


@contextlib.contextmanager
def _snapshot_of_server(location: ServerLocation, engine: Engine) -> Iterator[Connection]:
    with _connect(location, engine) as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            yield conn


def _readable(tables: list[Table], unreadable: set[str]) -> list[Table]:
    """The tables to copy: not those left unread, nor those whose rows point into one of them."""
    kept: list[Table] = []
    for table in tables:
        referred = {key.column.table.name for key in table.foreign_keys} - {table.name}
        if table.name in unreadable or referred & unreadable:
            unreadable.add(table.name)
            continue
        kept.append(table)
    return kept


def _remove_abandoned(file_path: Path) -> None:
    """Remove what a pull to the same place left when its process was killed (the hidden file
    names the process; one still running is left alone)."""
    left = re.compile(rf"\.{re.escape(file_path.name)}\.pull-(\d+)(-wal|-shm|-journal)?")
    for found in file_path.parent.glob(f".{glob.escape(file_path.name)}.pull-*"):
        match = left.fullmatch(found.name)
        if match and found.is_file() and not _running(int(match[1])):
            found.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _move_into_place(temporary: Path, file_path: Path) -> None:
    """Rename without ever replacing: a file that appeared meanwhile is kept, the pull refused."""
    try:
        os.link(temporary, file_path)
    except FileExistsError:
        raise ProjectError(file_path, "already exists; pull into a new file") from None
    except OSError:  # a file system without hard links
        if file_path.exists():
            raise ProjectError(file_path, "already exists; pull into a new file") from None
        os.rename(temporary, file_path)


# -- the copy itself ---------------------------------------------------------------------------


def _copy(
    read: Connection,
    write: Connection,
    tables: list[Table],
    report: TransferReport,
    progress: Progress | None,
) -> None:
    totals = {
        t.name: int(read.execute(select(func.count()).select_from(t)).scalar_one()) for t in tables
    }
    total = sum(totals.values())
    done = 0
    check_progress(progress, done, total)
    errors = (DBAPIError, read.dialect.loaded_dbapi.Error, write.dialect.loaded_dbapi.Error)
    for table in tables:
        copied = 0
        later: list[dict[str, Any]] = []
        columns = [column.name for column in table.columns]
        try:
            # COPY is the fast way in, but the server refuses it where row-level security
            # applies to the signed-in role (an owner who does not own the tables).
            copy = write.dialect.name == "postgresql"
            copy = copy and not postgresql.row_security_applies(write, table.name)
            for rows in _batches(read, write, table, later):
                if copy:
                    postgresql.copy_rows(write, table.name, columns, rows)
                else:
                    driver.insert_many(write, table, columns, rows)
                copied += len(rows)
                done += len(rows)
                check_progress(progress, done, total)
            if later:
                write.execute(_set_later(table), later)
        except errors as exc:
            raise TransferStopped(table.name, exc) from exc
        report.counts[table.name] = copied


class TransferStopped(ClaimdeskError):
    """A table could not be copied; ``error`` is what the database or driver said (turned into a
    ProjectError sentence before it reaches the user)."""

    def __init__(self, table: str, error: BaseException) -> None:
        super().__init__(table, error)
        self.table = table
        self.error = error


def _self_references(table: Table) -> list[str]:
    return [key.parent.name for key in table.foreign_keys if key.column.table is table]


def _converters(table: Table, read: Dialect, write: Dialect) -> list[Callable[[Any], Any] | None]:
    """Per column: the driver's value where the rows come from, as the driver where they go
    expects it (times, JSON, booleans), by SQLAlchemy's own processors for each dialect."""
    converters: list[Callable[[Any], Any] | None] = []
    for column in table.columns:
        if isinstance(column.type, Float):
            # Both drivers hand over a Python float; PostgreSQL's processor for it needs the
            # column's type code, which a row read this way does not carry.
            converters.append(None)
            continue
        loaded = column.type.dialect_impl(read).result_processor(read, None)
        stored = column.type.dialect_impl(write).bind_processor(write)
        if loaded is None or stored is None:
            converters.append(loaded or stored)
        else:
            converters.append(_chain(loaded, stored))
    return converters


def _chain(first: Callable[[Any], Any], then: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: then(first(value))


def _stream_rows(conn: Connection, statement: Select[Any], batch: int) -> Iterator[Sequence[Any]]:
    """The rows of a Core SELECT (no parameters) as the driver's tuples, ``batch`` at a time,
    never all at once: on PostgreSQL through a server-side cursor (inside the connection's
    transaction), on SQLite through SQLite's own stepping."""
    sql = str(statement.compile(dialect=conn.dialect))
    dbapi: Any = conn.connection.dbapi_connection
    named = conn.dialect.name == "postgresql"
    cursor = dbapi.cursor(name="claimdesk_transfer") if named else dbapi.cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(batch):
            yield rows
    finally:
        cursor.close()


def _batches(
    read: Connection, write: Connection, table: Table, later: list[dict[str, Any]]
) -> Iterator[list[list[Any]]]:
    """The table's rows in batches, by primary key, as the target's driver takes them.

    A column pointing into the same table (a label's group) is written empty first and
    collected in ``later``, to be set once the whole table is in: a row may point to one that
    comes after it.
    """
    names = [column.name for column in table.columns]
    key = [names.index(column.name) for column in table.primary_key.columns]
    pointing = [names.index(name) for name in _self_references(table)]
    converters = [
        (i, convert)
        for i, convert in enumerate(_converters(table, read.dialect, write.dialect))
        if convert is not None
    ]
    statement = select(table).order_by(*table.primary_key.columns)
    for batch in _stream_rows(read, statement, BATCH_ROWS):
        rows = [list(row) for row in batch]
        for row in rows:
            for i, convert in converters:
                if row[i] is not None:
                    row[i] = convert(row[i])
            if any(row[i] is not None for i in pointing):
                later.append(
                    {
                        **{f"_{names[k]}": row[k] for k in key},
                        **{names[i]: row[i] for i in pointing},
                    }
                )
                for i in pointing:
                    row[i] = None
        yield rows


def _set_later(table: Table) -> Any:
    condition = and_(*(c == bindparam(f"_{c.name}") for c in table.primary_key.columns))
    values: dict[str, Any] = {name: bindparam(name) for name in _self_references(table)}
    return update(table).where(condition).values(values)


def describe_counts(counts: dict[str, int]) -> str:
    """'2 documents, 13 labels, 57 annotations' for a report line (empty tables left out)."""
    ordered = [name for name in _NOUNS if name in counts]
    ordered += [name for name in counts if name not in _NOUNS]
    parts = [
        f"{counts[name]:,} {_NOUNS.get(name, (name, name))[counts[name] != 1]}"
        for name in ordered
        if counts[name]
    ]
    return ", ".join(parts) or "no rows"


_NOUNS = {
    "document": ("document", "documents"),
    "label": ("label", "labels"),
    "annotator": ("annotator", "annotators"),
    "annotation": ("annotation", "annotations"),
    "document_status": ("status", "statuses"),
    "attribute": ("attribute", "attributes"),
    "annotation_attribute": ("attribute value", "attribute values"),
    "relation_type": ("relation type", "relation types"),
    "relation": ("relation", "relations"),
    "doc_label_set": ("document label set", "document label sets"),
    "document_label": ("document label", "document labels"),
    "suggestion_rule": ("suggestion rule", "suggestion rules"),
    "suggestion_decision": ("suggestion decision", "suggestion decisions"),
    "exercise": ("exercise", "exercises"),
    "exercise_workspace": ("workspace", "workspaces"),
    "exercise_submission": ("submission", "submissions"),
    "exercise_submission_version": ("earlier or held submission", "earlier or held submissions"),
    "applied_edit": ("edit key", "edit keys"),
    "project": ("project record", "project records"),
}

__all__ = ["TransferReport", "carried_tables", "describe_counts", "pull", "push"]
