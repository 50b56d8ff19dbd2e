"""Opening, creating and migrating project files: one SQLite file per project, WAL, foreign keys on.

A file is checked before SQLite touches it: the 100-byte SQLite header carries our application id
and the schema version (``PRAGMA user_version``), so a stranger's database, a file from a newer
Claimdesk or a damaged file is refused with a clear message and left exactly as it was.
"""

from __future__ import annotations

import contextlib
import shutil
import struct
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError, OperationalError

from core.errors import DamagedProjectError, NewerSchemaError, NotAProjectError, ProjectError

__all__ = [
    "DamagedProjectError",
    "NewerSchemaError",
    "NotAProjectError",
    "ProjectError",
]

# "CLMD": written into the SQLite header by the first migration.
APPLICATION_ID = 0x434C4D44
# Bumped by every migration (each sets PRAGMA user_version); HEAD_REVISION is its Alembic id.
SCHEMA_VERSION = 3
HEAD_REVISION = "0003"
PROJECT_SUFFIX = ".claimdesk"

_SQLITE_MAGIC = b"SQLite format 3\x00"


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 5000")
    # WAL + NORMAL: a commit survives the process being killed; only an OS crash or power cut
    # can lose the last moments. One edit commits in well under a millisecond.
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite+pysqlite:///{path}", future=True)
    event.listen(engine, "connect", _set_pragmas)
    return engine


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


def _migration_config(connection: Any) -> Any:
    from alembic.config import Config  # imported lazily: Alembic is only needed to migrate

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest version with Alembic."""
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(_migration_config(connection), "head")


def _checkpoint(engine: Engine) -> None:
    # Moves the WAL into the main file so its header (application id, version) is current.
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def create_database(path: Path) -> Engine:
    """Create a new, empty, fully migrated project file. Refuses to overwrite anything."""
    if path.exists():
        raise ProjectError(path, "already exists; choose another name")
    if not path.parent.is_dir():
        raise ProjectError(path, f"cannot be created: the folder {path.parent} does not exist")
    engine = make_engine(path)
    try:
        upgrade(engine)
        _checkpoint(engine)
    except Exception:
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    return engine


def open_database(path: Path) -> Engine:
    """Open an existing project file, migrating an older one (after a backup copy)."""
    version = check_project_file(path)
    engine = make_engine(path)
    try:
        with engine.connect() as connection:
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if revision != HEAD_REVISION or version < SCHEMA_VERSION:
            _migrate_with_backup(path, engine, version, revision)
        with engine.connect() as connection:
            connection.execute(text("SELECT count(*) FROM project")).scalar()
    except OperationalError as exc:
        engine.dispose()
        if "locked" in str(exc):
            raise ProjectError(path, "is locked by another program; close it and retry") from None
        raise DamagedProjectError(path, f"is damaged or incomplete ({exc.orig})") from None
    except DatabaseError as exc:
        engine.dispose()
        raise DamagedProjectError(path, f"is damaged ({exc.orig})") from None
    return engine


def _migrate_with_backup(path: Path, engine: Engine, version: int, revision: str | None) -> None:
    from alembic.script import ScriptDirectory

    with engine.connect() as connection:
        script = ScriptDirectory.from_config(_migration_config(connection))
    known = {rev.revision for rev in script.walk_revisions()}
    if revision is not None and revision not in known:
        engine.dispose()
        raise NewerSchemaError(
            path,
            f"was made by a newer version of Claimdesk (revision {revision}); update Claimdesk",
        )
    _checkpoint(engine)
    backup = path.with_name(f"{path.name}.v{version}.bak")
    shutil.copy2(path, backup)
    try:
        upgrade(engine)
        _checkpoint(engine)
    except Exception as exc:
        engine.dispose()
        shutil.copy2(backup, path)
        raise ProjectError(path, f"could not be upgraded ({exc}); the file was restored") from exc


def close_engine(engine: Engine) -> None:
    # If the checkpoint fails, the WAL stays beside the file and SQLite replays it on next open.
    with contextlib.suppress(DatabaseError):
        _checkpoint(engine)
    engine.dispose()
