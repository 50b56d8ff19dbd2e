"""The PostgreSQL corner of the store: engines for a project on a server and what only a server has.

A server project is a PostgreSQL database the same Alembic chain built; its revision is the one
row of ``alembic_version`` (there is no file header). psycopg 3 speaks to it through SQLAlchemy.
Connection problems are turned into sentences here, naming the database and the server.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from claimdesk.core.errors import PasswordNeededError, ProjectError
from claimdesk.core.limits import printable
from claimdesk.core.store.location import ServerLocation

# Seconds to wait for the server to answer a connection (libpq's connect_timeout).
CONNECT_TIMEOUT = 10
# A statement that waits longer than this for a lock is cancelled (and reported) rather than
# leaving the window frozen.
LOCK_TIMEOUT_MS = 10_000
APPLICATION_NAME = "Claimdesk"


def server_engine(location: ServerLocation, password: str | None) -> Engine:
    """An engine on one server project. Connections are checked before use (a restarted server
    costs a reconnect, not an error) and kept few: a window needs two or three."""
    connect_args: dict[str, Any] = {
        "connect_timeout": CONNECT_TIMEOUT,
        "application_name": APPLICATION_NAME,
        "options": f"-c lock_timeout={LOCK_TIMEOUT_MS}",
    }
    return create_engine(
        location.engine_url(password),
        connect_args=connect_args,
        pool_pre_ping=True,
        pool_size=3,
        max_overflow=4,
    )


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
        if "failed" in lowered:
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
