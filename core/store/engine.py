"""Opening, creating and migrating project files: one SQLite file per project, WAL, foreign keys on.

A file is checked before SQLite writes to it: the 100-byte SQLite header carries our application id
and the schema version (``PRAGMA user_version``); then, on a read-only connection, its structure is
compared with the one Claimdesk made for its revision (no foreign triggers or views) and
``PRAGMA quick_check`` reads every page. A stranger's database, a file from a newer Claimdesk, a
tampered or damaged file is refused with a clear message and left exactly as it was. Every
connection runs with ``trusted_schema=OFF``, so functions named in the schema cannot run either.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import struct
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import DatabaseError, DBAPIError

from claimdesk.core.errors import (
    DamagedProjectError,
    ForeignSchemaError,
    NewerSchemaError,
    NotAProjectError,
    ProjectError,
    ReadOnlyProjectError,
)
from claimdesk.core.limits import printable
from claimdesk.core.store import postgresql, sqlite
from claimdesk.core.store import schema as project_schema
from claimdesk.core.store.location import ServerLocation
from claimdesk.core.store.tables import project_table

__all__ = [
    "DamagedProjectError",
    "ForeignSchemaError",
    "NewerSchemaError",
    "NotAProjectError",
    "ProjectError",
    "ReadOnlyProjectError",
]

# "CLMD": written into the SQLite header by the first migration.
APPLICATION_ID = 0x434C4D44
# Bumped by every migration (each sets PRAGMA user_version); HEAD_REVISION is its Alembic id.
SCHEMA_VERSION = 8
HEAD_REVISION = "0008"

_SQLITE_MAGIC = b"SQLite format 3\x00"


def read_header(path: Path) -> tuple[int, int]:
    """Return (application_id, user_version) from the SQLite header, or raise NotAProjectError."""
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except IsADirectoryError:
        raise NotAProjectError(path, "is a folder, not a Claimdesk project file") from None
    except FileNotFoundError:
        raise ProjectError(path, "does not exist") from None
    except OSError as exc:
        raise ProjectError(path, f"cannot be read ({exc.strerror})") from None
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        raise NotAProjectError(path, "is not a Claimdesk project (not a SQLite database)")
    (user_version,) = struct.unpack(">I", header[60:64])
    (application_id,) = struct.unpack(">I", header[68:72])
    return application_id, user_version


def check_project_file(path: Path) -> int:
    """Refuse anything that is not a Claimdesk project we can open; return its schema version."""
    application_id, user_version = read_header(path)
    if application_id != APPLICATION_ID:
        raise NotAProjectError(path, "is a SQLite database but not a Claimdesk project")
    if user_version > SCHEMA_VERSION:
        raise NewerSchemaError(
            path,
            f"was made by a newer version of Claimdesk (project format {user_version}; this "
            f"version reads up to {SCHEMA_VERSION}). Update Claimdesk to open it.",
        )
    return user_version


def migration_config(connection: Any) -> Any:
    """Alembic's configuration for the migrations, run on ``connection``."""
    from alembic.config import Config  # imported lazily: Alembic is only needed to migrate

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest version with Alembic."""
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(migration_config(connection), "head")


def _checkpoint(engine: Engine) -> None:
    # Moves the WAL into the main file so its header (application id, version) is current.
    sqlite.checkpoint(engine)


def _writing_problem(path: Path) -> str | None:
    """Why Claimdesk could not write to the project file, or None.

    Every edit is committed at once, and WAL mode keeps two files (-wal, -shm) beside the
    project, so both the file and its folder must be writable. ``os.access`` answers for the
    real user (root passes it everywhere except on a read-only file system).
    """
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return (
            "is in a folder Claimdesk cannot write to (WAL needs to write beside the file); "
            "copy it to a writable folder"
        )
    if not os.access(path, os.W_OK):
        return (
            "is read-only; Claimdesk saves every edit at once, so it needs to write to the file: "
            "make it writable or copy it"
        )
    for suffix in ("-wal", "-shm"):
        side = Path(f"{path}{suffix}")
        if side.exists() and not os.access(side, os.W_OK):
            return f"cannot be opened: the file {side.name} beside it is read-only"
    return None


def _sqlite_error(path: Path, error: BaseException | None) -> ProjectError:
    """A sentence for an error SQLite reported while opening or migrating ``path``."""
    message = str(error)
    if "locked" in message:
        return ProjectError(path, "is locked by another program; close it and retry")
    if "readonly" in message or "unable to open" in message:
        problem = _writing_problem(path)
        if problem is not None:
            return ReadOnlyProjectError(path, problem)
        if "readonly" in message:
            return ReadOnlyProjectError(path, "cannot be written to; make it writable or copy it")
    return DamagedProjectError(path, f"is damaged or incomplete ({message})")


def inspect_project_file(path: Path) -> str | None:
    """Check a project file on a read-only connection before anything writes to it.

    Its structure must be the one the migrations made for its revision (no triggers or views
    Claimdesk did not create) and ``PRAGMA quick_check`` must pass. Returns the revision (None
    before the first migration); raises a ProjectError naming the file and the reason.
    """
    try:
        conn = sqlite.open_read_only(path)
    except sqlite.DriverError as exc:
        raise _sqlite_error(path, exc) from None
    try:
        actual = project_schema.describe(conn)
        revision = _stored_revision(path, conn, actual)
        expected = project_schema.expected_schemas().get(revision or project_schema.BASE)
        if expected is None:
            raise NewerSchemaError(
                path,
                "was made by a newer version of Claimdesk "
                f"(revision {printable(str(revision), 40)}); update Claimdesk",
            )
        code = project_schema.stored_code(expected, actual)
        if code:
            raise ForeignSchemaError(
                path,
                f"holds {code[0]}; it was not opened, since SQL stored in a project file "
                "could change your data",
            )
        problems = project_schema.differences(expected, actual)
        if problems:
            more = f" (and {len(problems) - 1} more differences)" if len(problems) > 1 else ""
            raise ForeignSchemaError(
                path,
                "does not have the tables and indexes Claimdesk made for it "
                f"(revision {revision or project_schema.BASE}): it has {problems[0]}{more}; "
                "it was not opened",
            )
        _quick_check(path, conn)
    except sqlite.DriverError as exc:
        raise _sqlite_error(path, exc) from None
    finally:
        conn.close()
    return revision


def _stored_revision(
    path: Path, conn: sqlite.DriverConnection, actual: dict[str, Any]
) -> str | None:
    if "alembic_version" not in actual["tables"]:
        raise DamagedProjectError(path, "is damaged or incomplete: it records no schema revision")
    revisions = sqlite.stored_revisions(conn)
    if len(revisions) > 1:
        raise DamagedProjectError(path, "is damaged: it records more than one schema revision")
    return revisions[0] if revisions else None


def _quick_check(path: Path, conn: sqlite.DriverConnection) -> None:
    # Reads every page: ~70 ms for 100,000 annotations in a 23 MB file (100-140 ms on a busy
    # machine), ~0.1 ms for the sample. A damaged page found now is a refusal instead of edits
    # written into a broken file.
    answer = sqlite.quick_check(conn)
    if answer != "ok":
        found = printable(answer, 80)
        raise DamagedProjectError(path, f"is damaged (SQLite's check of its pages found: {found})")


def create_database(path: Path) -> Engine:
    """Create a new, empty, fully migrated project file. Refuses to overwrite anything."""
    if path.exists():
        raise ProjectError(path, "already exists; choose another name")
    if not path.parent.is_dir():
        raise ProjectError(path, f"cannot be created: the folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise ReadOnlyProjectError(
            path, "cannot be created: Claimdesk cannot write to that folder; choose another"
        )
    engine = sqlite.file_engine(path)
    try:
        upgrade(engine)
        _checkpoint(engine)
    except Exception as exc:
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        if isinstance(exc, DBAPIError):
            raise _sqlite_error(path, exc.orig) from None
        raise
    return engine


def open_database(path: Path) -> Engine:
    """Open an existing project file, migrating an older one (after a backup copy).

    Nothing writes to the file until the header, the folder's and file's permissions, the
    schema and the pages have been checked (the last two on a read-only connection).
    """
    version = check_project_file(path)
    problem = _writing_problem(path)
    if problem is not None:
        raise ReadOnlyProjectError(path, problem)
    revision = inspect_project_file(path)
    engine = sqlite.file_engine(path)
    try:
        if revision != HEAD_REVISION or version < SCHEMA_VERSION:
            _migrate_with_backup(path, engine, version)
        with engine.connect() as connection:
            connection.execute(select(func.count()).select_from(project_table)).scalar()
    except DBAPIError as exc:
        engine.dispose()
        raise _sqlite_error(path, exc.orig) from None
    return engine


def _migrate_with_backup(path: Path, engine: Engine, version: int) -> None:
    _checkpoint(engine)
    backup = path.with_name(f"{path.name}.v{version}.bak")
    shutil.copy2(path, backup)
    try:
        upgrade(engine)
        _checkpoint(engine)
    except Exception as exc:
        engine.dispose()
        shutil.copy2(backup, path)
        # The driver's message, not the statement: SQL means nothing to the reader.
        reason = exc.orig if isinstance(exc, DBAPIError) else exc
        raise ProjectError(
            path, f"could not be upgraded ({reason}); the file was restored"
        ) from exc


# -- a project on a PostgreSQL server ----------------------------------------------------------


def _known_revisions() -> set[str]:
    return set(project_schema.expected_schemas()) - {project_schema.BASE}


def _server_revision(location: ServerLocation, conn: Connection) -> str | None:
    """The server database's revision; None for an empty database. Refuses anything else."""
    path = location.as_path()
    tables = postgresql.table_names(conn)
    if "alembic_version" not in tables:
        if tables:
            raise NotAProjectError(
                path, "is a database with other tables in it, not a Claimdesk project"
            )
        return None
    revisions = postgresql.stored_revisions(conn)
    if len(revisions) != 1:
        raise DamagedProjectError(path, "is damaged: it records no single schema revision")
    revision = revisions[0]
    if revision not in _known_revisions():
        raise NewerSchemaError(
            path,
            "was made by a newer version of Claimdesk "
            f"(revision {printable(revision, 40)}; this version reads up to {HEAD_REVISION}). "
            "Update Claimdesk to open it.",
        )
    return revision


def open_server(location: ServerLocation, password: str | None, *, create: bool = False) -> Engine:
    """Open a project on a server, bringing an older schema up to date in one transaction.

    An empty database is refused unless ``create`` (then it is built: ``server init``, ``push``).
    A database with a project in it is refused when ``create`` is asked for.
    """
    path = location.as_path()
    engine = postgresql.server_engine(location, password)
    try:
        with engine.connect() as conn:
            revision = _server_revision(location, conn)
        if revision is None and not create:
            raise NotAProjectError(
                path,
                "is an empty database: make it a Claimdesk project with "
                "`claimdesk-cli server init`, or put a project there with `claimdesk-cli push`",
            )
        if revision is not None and create:
            raise ProjectError(path, "already holds a Claimdesk project; choose an empty database")
        if revision != HEAD_REVISION:
            try:
                upgrade(engine)  # PostgreSQL changes its schema in a transaction: all or nothing
            except DBAPIError as exc:
                if exc.connection_invalidated:
                    raise
                raise ProjectError(
                    path,
                    f"could not be brought up to date ({postgresql.first_line(exc)}); "
                    "nothing was changed. Its owner can bring it up to date with "
                    "`claimdesk-cli server init`",
                ) from None
    except ProjectError:
        engine.dispose()
        raise
    except DBAPIError as exc:
        engine.dispose()
        raise postgresql.connection_error(location, exc) from None
    return engine


def reading_database(path: Path) -> Engine:
    """A project file the window has open, read from another process (see
    ``sqlite.reading_engine``)."""
    return sqlite.reading_engine(path)


def close_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite" or engine.get_execution_options().get(sqlite.READER):
        engine.dispose()  # a server's, or one that only read: nothing to move into the file
        return
    # If the checkpoint fails, the WAL stays beside the file and SQLite replays it on next open.
    with contextlib.suppress(DatabaseError):
        _checkpoint(engine)
    engine.dispose()


def prepare_empty_server(location: ServerLocation, conn: Connection) -> bool:
    """Make an empty server database ready to take a whole project, on ``conn``'s transaction.

    A database with no tables gets the schema (built in the same transaction as what follows,
    so a failure leaves it empty again); a Claimdesk schema with not one row in it is brought
    up to date. Anything else is refused. True when the schema was built here (its tables
    then belong to the signed-in role).
    """
    from alembic import command

    from claimdesk.core.store.tables import Base

    path = location.as_path()
    present = postgresql.table_names(conn)
    if present:
        if "alembic_version" not in present:
            raise NotAProjectError(
                path,
                f"is not empty: it holds tables of another program ({_first_names(present)}); "
                "push only into an empty database",
            )
        revision = _server_revision(location, conn)  # refuses a newer Claimdesk's schema
        holding = [
            table.name
            for table in Base.metadata.sorted_tables
            if table.name in present
            and conn.execute(select(func.count()).select_from(table)).scalar()
        ]
        if holding:
            raise ProjectError(
                path,
                f"is not empty: it already holds a Claimdesk project (rows in "
                f"{', '.join(holding)}); push only into an empty database, or pull that "
                "project first",
            )
        if revision == HEAD_REVISION:
            return False
    command.upgrade(migration_config(conn), "head")
    return not present


def _first_names(names: set[str], shown: int = 3) -> str:
    listed = ", ".join(printable(name, 63) for name in sorted(names)[:shown])
    return listed + (", …" if len(names) > shown else "")
