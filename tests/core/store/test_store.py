"""Opening project files: good ones open, everything else is refused by name and left untouched."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from claimdesk.core.store import engine as store
from claimdesk.core.store.project import Project
from tests.core.cli.test_cli import cli_path, failed


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def siblings(path: Path) -> set[str]:
    return {p.name for p in path.parent.iterdir()}


def test_new_project_is_wal_with_foreign_keys(project: Project) -> None:
    with project.reading() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL


def test_header_marks_file_as_claimdesk_project(project_path: Path) -> None:
    assert store.read_header(project_path) == (store.APPLICATION_ID, store.SCHEMA_VERSION)


def test_head_revision_constant_matches_migrations(project: Project) -> None:
    with project.reading() as conn:
        script = ScriptDirectory.from_config(store.migration_config(conn))
    assert script.get_current_head() == store.HEAD_REVISION


def test_models_and_migrations_do_not_drift(project: Project) -> None:
    # `alembic check`: autogenerate finds nothing between the models and the migrated file.
    with project.reading() as conn:
        command.check(store.migration_config(conn))


def test_create_refuses_to_overwrite(project_path: Path) -> None:
    before = digest(project_path)
    with pytest.raises(store.ProjectError, match="already exists"):
        Project.create(project_path)
    assert digest(project_path) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a SQLite database"),
        (b"hello, this is a text file\n" * 10, "not a SQLite database"),
        (bytes(range(256)) * 4, "not a SQLite database"),
    ],
)
def test_non_sqlite_file_is_refused_and_unchanged(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "notes.claimdesk"
    path.write_bytes(content)
    with pytest.raises(store.NotAProjectError, match=message) as caught:
        Project.open(path)
    assert "notes.claimdesk" in str(caught.value)
    assert path.read_bytes() == content
    assert siblings(path) == {"notes.claimdesk"}


def test_other_sqlite_database_is_refused_and_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "other.claimdesk"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    before = digest(path)
    with pytest.raises(store.NotAProjectError, match="not a Claimdesk project"):
        Project.open(path)
    assert digest(path) == before
    assert siblings(path) == {"other.claimdesk"}


def test_newer_schema_is_refused_and_unchanged(project_path: Path) -> None:
    with sqlite3.connect(project_path) as conn:
        conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    conn.close()
    before = digest(project_path)
    with pytest.raises(store.NewerSchemaError, match="newer version of Claimdesk"):
        Project.open(project_path)
    assert digest(project_path) == before


def test_unknown_revision_is_refused_as_newer(project_path: Path) -> None:
    with sqlite3.connect(project_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    before = digest(project_path)
    with pytest.raises(store.NewerSchemaError, match="newer version"):
        Project.open(project_path)
    assert digest(project_path) == before


def test_damaged_file_is_refused(project_path: Path) -> None:
    data = bytearray(project_path.read_bytes())
    # Keep the 100-byte header, scribble over the schema page.
    data[100:4096] = b"\xff" * (4096 - 100)
    project_path.write_bytes(bytes(data))
    with pytest.raises(store.DamagedProjectError, match="damaged"):
        Project.open(project_path)


def test_truncated_file_is_refused(project_path: Path) -> None:
    data = project_path.read_bytes()
    project_path.write_bytes(data[:100])
    with pytest.raises(store.ProjectError):
        Project.open(project_path)


def test_folder_and_missing_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(store.ProjectError, match="folder"):
        Project.open(tmp_path)
    with pytest.raises(store.ProjectError, match="does not exist"):
        Project.open(tmp_path / "missing.claimdesk")


def test_older_file_is_upgraded_after_a_backup(project_path: Path) -> None:
    # A file left at an older revision (here: before the first migration) is brought up to date
    # by the migrations, and a copy of it as it was is kept beside it.
    with Project.open(project_path) as project, project.writing() as conn:
        command.downgrade(store.migration_config(conn), "base")
    assert store.read_header(project_path)[1] == 0
    with Project.open(project_path) as project:
        assert project.labels() == []
        project.add_label("Claim", "#1f77b4")
    assert store.read_header(project_path) == (store.APPLICATION_ID, store.SCHEMA_VERSION)
    assert (project_path.parent / "test.claimdesk.v0.bak").exists()


# -- folders and files Claimdesk cannot write to ----------------------------------------------
# Tests run as root, whom file permissions do not bind. Two ways round it: the in-process tests
# deny writing at the seam the store asks (os.access); the command-line tests run claimdesk-cli
# as root without CAP_DAC_OVERRIDE (setpriv), so the kernel applies the permissions for real.


def deny_writing(monkeypatch: pytest.MonkeyPatch, *denied: Path) -> None:
    real = os.access

    def access(path: str | os.PathLike[str], mode: int, **kwargs: object) -> bool:
        if mode & os.W_OK and Path(path) in denied:
            return False
        return real(path, mode)

    monkeypatch.setattr(store.os, "access", access)


def test_read_only_folder_is_named_as_such(
    project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deny_writing(monkeypatch, project_path.parent)
    before = digest(project_path), siblings(project_path)
    with pytest.raises(store.ReadOnlyProjectError) as caught:
        Project.open(project_path)
    assert str(caught.value) == (
        "test.claimdesk: is in a folder Claimdesk cannot write to (WAL needs to write beside "
        "the file); copy it to a writable folder"
    )
    assert (digest(project_path), siblings(project_path)) == before


def test_read_only_file_is_named_as_such(
    project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deny_writing(monkeypatch, project_path)
    with pytest.raises(store.ReadOnlyProjectError, match=r"^test\.claimdesk: is read-only; "):
        Project.open(project_path)


def test_new_project_in_a_read_only_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deny_writing(monkeypatch, tmp_path)
    with pytest.raises(store.ReadOnlyProjectError, match="cannot write to that folder"):
        Project.create(tmp_path / "new.claimdesk")
    assert list(tmp_path.iterdir()) == []


def run_without_root_privileges(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """claimdesk-cli as root without the capabilities that skip permission checks."""
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv is not installed")
    prefix = [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--"]
    probe = subprocess.run([*prefix, "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("cannot drop capabilities here")
    return subprocess.run(
        [*prefix, cli_path(), *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def test_cli_names_a_read_only_folder(project_path: Path) -> None:
    before = digest(project_path), siblings(project_path)
    project_path.parent.chmod(0o555)
    try:
        result = run_without_root_privileges("list", project_path)
    finally:
        project_path.parent.chmod(0o755)
    stderr = failed(result, "test.claimdesk", "in a folder Claimdesk cannot write to")
    assert "damaged" not in stderr
    assert (digest(project_path), siblings(project_path)) == before


def test_cli_names_a_read_only_file(project_path: Path) -> None:
    project_path.chmod(0o444)
    try:
        result = run_without_root_privileges("list", project_path)
    finally:
        project_path.chmod(0o644)
    stderr = failed(result, "test.claimdesk: is read-only")
    assert "attempt to write" not in stderr
