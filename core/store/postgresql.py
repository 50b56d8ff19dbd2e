"""The PostgreSQL corner of the store: engines for a project on a server and what only a server has.

A server project is a PostgreSQL database the same Alembic chain built; its revision is the one
row of ``alembic_version`` (there is no file header). psycopg 3 speaks to it through SQLAlchemy.
Connection problems are turned into sentences here, naming the database and the server.
"""

from __future__ import annotations

import contextlib
import select
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, DisconnectionError

from claimdesk.core.errors import PasswordNeededError, ProjectError
from claimdesk.core.limits import printable
from claimdesk.core.store.location import ServerLocation

# Seconds to wait for the server to answer a connection (libpq's connect_timeout).
CONNECT_TIMEOUT = 10
# A statement that waits longer than this for a lock is cancelled (and reported) rather than
# leaving the window frozen.
LOCK_TIMEOUT_MS = 10_000
APPLICATION_NAME = "Claimdesk"
# libpq's TCP keepalives and its limit on unacknowledged data (milliseconds).
DEAD_NETWORK = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 3,
    "keepalives_count": 2,
    "tcp_user_timeout": 15_000,
}


def server_engine(location: ServerLocation, password: str | None) -> Engine:
    """An engine on one server project. Connections are checked before use (a restarted server
    costs a reconnect, not an error) and kept few: a window needs two or three.

    The check costs no round trip (`still_connected`), unlike SQLAlchemy's pre-ping, which
    sends an empty statement on every checkout: a third of the time of an edit over loopback.
    The most recently returned connection is handed out first, so one stays warm (its
    statements prepared by psycopg after a few uses) and the others can idle.
    """
    connect_args: dict[str, Any] = {
        "connect_timeout": CONNECT_TIMEOUT,
        "application_name": APPLICATION_NAME,
        "options": f"-c lock_timeout={LOCK_TIMEOUT_MS}",
        # A network that silently drops packets (a cable pulled, a laptop's Wi-Fi gone) is noticed
        # in about 15 s instead of the system's two hours: the window says so and reconnects.
        **DEAD_NETWORK,
    }
    engine = create_engine(
        location.engine_url(password),
        connect_args=connect_args,
        pool_size=3,
        max_overflow=4,
        pool_use_lifo=True,
    )
    event.listen(engine, "checkout", _checked_out)
    return engine


def still_connected(dbapi_connection: Any) -> bool:
    """Whether a pooled psycopg connection is still open, without asking the server.

    A connection idle in the pool is sent nothing while all is well (it LISTENs to nothing).
    When the server ends it (a restart, ``pg_terminate_backend``, an idle timeout) the backend
    sends its FATAL message and closes the socket: anything waiting to be read means the
    connection is gone, or at least not worth trusting. A network that silently drops
    packets is not seen here, nor was it by a ping (both wait for TCP to give up).
    """
    pgconn = getattr(dbapi_connection, "pgconn", None)
    if pgconn is None or dbapi_connection.closed:
        return False
    from psycopg import pq

    if pgconn.status != pq.ConnStatus.OK:
        return False
    try:
        readable, _, _ = select.select([pgconn.socket], [], [], 0)
    except Exception:  # no socket any more (psycopg's OperationalError), or a closed one
        return False
    return not readable


def _checked_out(dbapi_connection: Any, _record: object, _proxy: object) -> None:
    if not still_connected(dbapi_connection):
        # The pool drops this one and hands out a new connection in its place.
        raise DisconnectionError("the server closed this connection while it was in the pool")


def first_line(error: BaseException) -> str:
    message = str(getattr(error, "orig", None) or error).strip()
    return printable(message.splitlines()[0] if message else type(error).__name__, 300)


_PASSWORD_SIGNS = ("password authentication failed", "no password supplied", "password is required")


def connection_error(location: ServerLocation, error: BaseException) -> ProjectError:
    """A sentence for a failure to reach or sign in to the server."""
    path = location.as_path()
    message = first_line(error)
    lowered = message.lower()
    who = location.user or "this user"
    if any(sign in lowered for sign in _PASSWORD_SIGNS):
        # Not just "failed": libpq's every message starts "connection failed: …".
        if "password authentication failed" in lowered:
            return PasswordNeededError(path, f"the server refused the password for {who}")
        return PasswordNeededError(path, f"the server asks for {who}'s password")
    if "does not exist" in lowered and "database" in lowered:
        return ProjectError(path, f"the server has no database {location.database!r}")
    if "role" in lowered and "does not exist" in lowered:
        return ProjectError(path, f"the server has no user {who!r}; ask its administrator")
    if "no pg_hba.conf entry" in lowered or "permission denied" in lowered:
        return ProjectError(path, f"the server does not let {who} in ({message})")
    if any(sign in lowered for sign in ("connection refused", "timeout", "could not translate")):
        return ProjectError(path, f"cannot reach the server ({message})")
    return ProjectError(path, f"cannot be opened ({message})")


def table_names(conn: Connection) -> set[str]:
    """The tables in the database's search path (the public schema, normally)."""
    rows = conn.execute(
        text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()"
        )
    )
    return {str(name) for (name,) in rows}


def stored_revisions(conn: Connection) -> list[str]:
    return [str(row[0]) for row in conn.execute(text("SELECT version_num FROM alembic_version"))]


def is_driver_disconnect(error: BaseException) -> bool:
    """True when a statement failed because the connection to the server was lost."""
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def driver_version() -> str:
    """'psycopg 3.3.9 (binary, libpq 17.4)': which driver and libpq a server project would use
    (the bundle's smoke test checks both are in it)."""
    import psycopg
    from sqlalchemy.dialects.postgresql import psycopg as dialect

    number = psycopg.pq.version()
    libpq = f"{number // 10000}.{number % 10000}"
    return (
        f"psycopg {psycopg.__version__} ({psycopg.pq.__impl__}, libpq {libpq}, {dialect.__name__})"
    )


# SQLSTATE of a statement the signed-in role may not run (grants, row-level security policies).
INSUFFICIENT_PRIVILEGE = "42501"


def refusal(error: BaseException) -> str | None:
    """A sentence when the server refused a change because of the signed-in role's grants or
    row-level security; None for any other failure."""
    if getattr(getattr(error, "orig", None), "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
        return None
    return (
        "The server does not let you make this change: your role in this project does not "
        f"allow it ({first_line(error)}). Nothing was changed; the project's owner can change "
        "your role."
    )


# -- whole-project transfer (push, pull) -------------------------------------------------------


def _serial_sequence(conn: Connection, table: str, column: str) -> str | None:
    found = conn.execute(
        text("SELECT pg_get_serial_sequence(:table, :column)"),
        {"table": conn.dialect.identifier_preparer.quote(table), "column": column},
    ).scalar()
    return None if found is None else str(found)


def move_sequence_past(conn: Connection, table: str, column: str, floor: int = 0) -> None:
    """Set the sequence behind ``table.column`` so the next insert gets an id above the largest
    stored and above ``floor`` (the last id ever handed out where the rows came from)."""
    sequence = _serial_sequence(conn, table, column)
    if sequence is None:
        return
    quote = conn.dialect.identifier_preparer.quote
    largest = conn.execute(
        text(f"SELECT COALESCE(MAX({quote(column)}), 0) FROM {quote(table)}")
    ).scalar_one()
    last = max(int(largest), floor)
    # setval(…, 1, false): the next value is 1; setval(…, n, true): the next is n + 1.
    conn.execute(
        text("SELECT setval(CAST(:sequence AS regclass), :value, :called)"),
        {"sequence": sequence, "value": max(last, 1), "called": last > 0},
    )


def sequence_position(conn: Connection, table: str, column: str) -> int:
    """The last id the sequence behind ``table.column`` handed out (0 if none, or if this role
    may not read the sequence)."""
    sequence = _serial_sequence(conn, table, column)
    if sequence is None:
        return 0
    readable = conn.execute(
        text("SELECT has_sequence_privilege(:sequence, 'SELECT')"), {"sequence": sequence}
    ).scalar()
    if not readable:
        return 0
    row = conn.execute(text(f"SELECT last_value, is_called FROM {sequence}")).one()
    return int(row[0]) if row[1] else int(row[0]) - 1


def readable_tables(conn: Connection, tables: list[str]) -> tuple[list[str], list[str]]:
    """Of ``tables``: those the signed-in role may not read at all, and those whose rows
    row-level security filters for it (an annotator of a blind project reads only their own)."""
    unreadable: list[str] = []
    filtered: list[str] = []
    for table in tables:
        name = conn.dialect.identifier_preparer.quote(table)
        allowed = conn.execute(
            text("SELECT has_table_privilege(CAST(:t AS regclass), 'SELECT')"), {"t": name}
        ).scalar()
        if not allowed:
            unreadable.append(table)
            continue
        if row_security_applies(conn, table) and not _all_rows_visible(conn, table):
            filtered.append(table)
    return unreadable, filtered


def _all_rows_visible(conn: Connection, table: str) -> bool:
    """Whether a permissive policy lets the signed-in role read every row (``USING (true)``, as
    for a project's owners and curators) and no restrictive one applies."""
    query = text(
        "SELECT coalesce(bool_or(permissive = 'PERMISSIVE' AND qual = 'true'), false) "
        "AND NOT coalesce(bool_or(permissive = 'RESTRICTIVE'), false) "
        "FROM pg_policies WHERE schemaname = current_schema() AND tablename = :t "
        "AND cmd IN ('SELECT', 'ALL') AND EXISTS (SELECT 1 FROM unnest(roles) AS r(name) "
        "WHERE r.name = 'public' OR pg_has_role(current_user, r.name, 'MEMBER'))"
    )
    return bool(conn.execute(query, {"t": table}).scalar())


def row_security_applies(conn: Connection, table: str) -> bool:
    """Whether row-level security filters this table for the signed-in role (then COPY FROM is
    refused by the server and rows go in with INSERT)."""
    name = conn.dialect.identifier_preparer.quote(table)
    query = text("SELECT row_security_active(CAST(:t AS regclass))")
    return bool(conn.execute(query, {"t": name}).scalar())


@contextlib.contextmanager
def foreign_keys_set_aside(conn: Connection) -> Iterator[None]:
    """Drop the schema's foreign keys while a whole project is copied in, then add them back
    as they were, which checks every row in one pass (three times faster than a check per row
    at 100,000 annotations). Only inside a transaction, by the tables' owner: a failure rolls
    the drop back with everything else."""
    found = conn.execute(
        text(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' "
            "AND connamespace = CAST(current_schema() AS regnamespace) ORDER BY conname"
        )
    ).all()
    quote = conn.dialect.identifier_preparer.quote
    for table, name, _definition in found:
        conn.execute(text(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}"))
    yield
    for table, name, definition in found:
        conn.execute(text(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}"))


def refresh_statistics(conn: Connection, tables: list[str]) -> None:
    """ANALYZE tables just filled in bulk, in the filling transaction.

    Until autovacuum gets to them (a minute or more), tables without statistics make the planner
    guess: once psycopg prepares a hot read (its 6th run) and PostgreSQL switches to a generic
    plan, that guess picked the annotator index and filtered 10,000 rows (1.6 ms instead of 0.07
    for a new span's check on a freshly filled project). A role that does not own a table gets a
    warning, not an error: it is left to autovacuum.
    """
    quote = conn.dialect.identifier_preparer.quote
    for table in tables:
        conn.exec_driver_sql(f"ANALYZE {quote(table)}")


def copy_rows(conn: Connection, table: str, columns: list[str], rows: list[list[Any]]) -> None:
    """Rows into a table with COPY, on the connection's transaction (values as psycopg takes
    them: times as datetime, JSON as its text). Row triggers fire as for INSERT."""
    quote = conn.dialect.identifier_preparer.quote
    statement = f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN"
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    with dbapi.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[attr-defined]
        for row in rows:
            copy.write_row(row)
