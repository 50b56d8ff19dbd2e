"""Opening a project on a PostgreSQL server: what is not a project, what cannot be reached or
signed in to, and what is newer is refused by name; an older project is brought up to date; a
password is never shown, and is remembered only in the keyring when asked."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic import command
from psycopg import sql
from sqlalchemy import create_engine, insert, select

from claimdesk.core.errors import (
    NewerSchemaError,
    NotAProjectError,
    PasswordNeededError,
    ProjectError,
)
from claimdesk.core.store import engine as store
from claimdesk.core.store import passwords
from claimdesk.core.store.location import parse_server_url
from claimdesk.core.store.project import Project
from claimdesk.core.store.tables import annotator_table, project_table, utcnow
from tests.keyrings import MemoryKeyring
from tests.pgserver import PgCluster, free_port

PASSWORD = "Tr0ub4dor-and-3"


@pytest.fixture(autouse=True)
def no_password_from_elsewhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> MemoryKeyring:
    """No password reaches libpq but the one a test gives: no PGPASSWORD, no ~/.pgpass, an
    empty keyring of our own."""
    import keyring

    for name in ("PGPASSWORD", "PGSERVICE", "PGSERVICEFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no.pgpass"))
    before = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(before)


def url_of(admin_url: str, user: str, password: str | None = None) -> str:
    """The same database, signed in as ``user`` (with ``password`` in the URL when given)."""
    who = f"{user}:{password}" if password is not None else user
    return admin_url.replace("postgres@", f"{who}@", 1)


@pytest.fixture
def reader(pg_cluster: PgCluster, server_project_url: str) -> Iterator[str]:
    """A login role with a password that may read the test's server project; dropped after."""
    name = f"reader_{uuid.uuid4().hex[:8]}"
    role = sql.Identifier(name)
    pg_cluster.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(role, PASSWORD))
    database = server_project_url.rsplit("/", 1)[1]
    statement = sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}").format(role)
    pg_cluster.execute(statement, database)
    yield name
    pg_cluster.execute(sql.SQL("DROP OWNED BY {}").format(role), database)
    pg_cluster.execute(sql.SQL("DROP ROLE {}").format(role))


def refusal(target: str, password: str | None = None) -> ProjectError:
    with pytest.raises(ProjectError) as caught:
        Project.open(target, password).close()
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message  # one sentence, for a person
    return caught.value


# -- what is not a Claimdesk project -----------------------------------------------------------


def test_a_database_with_other_tables_is_not_a_project(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id serial PRIMARY KEY, total numeric)")
        conn.execute("INSERT INTO invoices (total) VALUES (12.5)")
    error = refusal(pg_url)
    assert isinstance(error, NotAProjectError)
    assert "is a database with other tables in it, not a Claimdesk project" in str(error)
    with psycopg.connect(pg_url) as conn:  # left as it was
        tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        assert [name for (name,) in tables] == ["invoices"]


def test_an_empty_database_is_named_with_how_to_make_it_a_project(pg_url: str) -> None:
    error = refusal(pg_url)
    assert isinstance(error, NotAProjectError)
    assert "is an empty database" in str(error) and "claimdesk-cli server init" in str(error)
    with psycopg.connect(pg_url) as conn:
        count = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert count.fetchone() == (0,)  # nothing was built in it


def test_a_newer_revision_is_refused_and_nothing_changes(server_project_url: str) -> None:
    with psycopg.connect(server_project_url, autocommit=True) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    with psycopg.connect(server_project_url) as conn:
        before = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    error = refusal(server_project_url)
    assert isinstance(error, NewerSchemaError)
    assert "made by a newer version of Claimdesk (revision 0099_from_the_future" in str(error)
    assert f"reads up to {store.HEAD_REVISION}" in str(error) and "Update Claimdesk" in str(error)
    with psycopg.connect(server_project_url) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == before


def test_an_older_revision_is_brought_up_to_date_with_its_rows(pg_url: str) -> None:
    # Built by the same migrations up to revision 0004 (before shared projects), with rows.
    engine = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        command.upgrade(store.migration_config(conn), "0004")
        conn.exec_driver_sql(
            "INSERT INTO project (name, description, created_at) VALUES ('Lab', '', now())"
        )
        conn.exec_driver_sql(
            "INSERT INTO annotator (name, created_at, is_gold) VALUES ('Ana', now(), false)"
        )
        columns = {
            row[0]
            for row in conn.exec_driver_sql(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'annotator'"
            )
        }
    engine.dispose()
    assert "login" not in columns
    with Project.open(pg_url) as project:
        assert project.name == "Lab"
        assert [a.name for a in project.annotators()] == ["Ana"]
        assert project.signed_in_annotator() is None  # the new column is there, empty
        with project.reading() as conn:
            assert conn.execute(select(project_table.c.blind)).scalar_one() is False
        # and it takes new rows of the new revision
        with project.writing() as conn:
            values = {"name": "Bo", "login": "bo", "created_at": utcnow()}
            conn.execute(insert(annotator_table).values(values))
    with psycopg.connect(pg_url) as conn:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    assert revision == [(store.HEAD_REVISION,)]


# -- what cannot be reached or signed in to ------------------------------------------------------


def test_a_database_that_does_not_exist_is_named(pg_cluster: PgCluster) -> None:
    error = refusal(pg_cluster.admin_url("no_such_project"))
    assert "the server has no database 'no_such_project'" in str(error)


def test_an_unreachable_server_is_one_sentence_and_quick() -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/lab"  # nothing listens there
    started = time.monotonic()
    error = refusal(url)
    assert time.monotonic() - started < 5
    assert str(error).startswith("lab on 127.0.0.1:")
    assert "cannot reach the server (" in str(error) and "Connection refused" in str(error)


def test_a_wrong_password_asks_again(server_project_url: str, reader: str) -> None:
    error = refusal(url_of(server_project_url, reader), "not the password")
    assert isinstance(error, PasswordNeededError)
    assert str(error).endswith(f"the server refused the password for {reader}")
    # The same from the URL: refused, and the password in it is not repeated.
    error = refusal(url_of(server_project_url, reader, "not-the-password"))
    assert isinstance(error, PasswordNeededError) and "not-the-password" not in str(error)


def test_no_password_for_a_role_that_needs_one_asks_for_it(
    server_project_url: str, reader: str
) -> None:
    error = refusal(url_of(server_project_url, reader))
    assert isinstance(error, PasswordNeededError)
    assert str(error).endswith(f"the server asks for {reader}'s password")
    with Project.open(url_of(server_project_url, reader), PASSWORD) as project:  # given: in
        assert project.name == "Test project"


# -- passwords ------------------------------------------------------------------------------------


def test_a_remembered_password_opens_until_it_is_forgotten(
    server_project_url: str, reader: str, no_password_from_elsewhere: MemoryKeyring
) -> None:
    url = url_of(server_project_url, reader)
    location, _ = parse_server_url(url)
    assert passwords.remember(location, PASSWORD)
    assert no_password_from_elsewhere.kept == {
        ("Claimdesk", f"{reader}@127.0.0.1:{location.port}/{location.database}"): PASSWORD
    }
    with Project.open(url) as project:  # no password given: the keyring's
        assert project.name == "Test project" and project.labels()
    passwords.forget(location)
    assert no_password_from_elsewhere.kept == {}
    assert isinstance(refusal(url), PasswordNeededError)


def test_a_password_in_the_url_is_never_shown_kept_or_logged(
    server_project_url: str,
    reader: str,
    caplog: pytest.LogCaptureFixture,
    isolated_user_dirs: Path,
    no_password_from_elsewhere: MemoryKeyring,
) -> None:
    caplog.set_level(logging.DEBUG)
    url = url_of(server_project_url, reader, PASSWORD)
    with Project.open(url) as project:
        assert project.location == url_of(server_project_url, reader)
        shown = [project.location, str(project.path), project.name]
        assert project.server is not None
        shown += [project.server.text(), project.server.display(), repr(project.server)]
    wrong = refusal(url_of(server_project_url, reader, PASSWORD + "x"))
    gone = refusal(url.rsplit("/", 1)[0] + "/no_such_db")
    shown += [str(wrong), str(gone), caplog.text]
    logs = isolated_user_dirs / "logs"
    shown += [p.read_text(errors="replace") for p in logs.rglob("*") if p.is_file()]
    assert not [text for text in shown if PASSWORD in text]
    assert no_password_from_elsewhere.kept == {}  # remembered only when asked


def test_server_init_signs_in_with_the_remembered_password_too(
    pg_cluster: PgCluster, pg_url: str, no_password_from_elsewhere: MemoryKeyring
) -> None:
    # Administration finds the password where opening does: given, in the URL, or remembered.
    from claimdesk.core.store import server_admin

    name = f"admin_{uuid.uuid4().hex[:8]}"
    role = sql.Identifier(name)
    pg_cluster.execute(sql.SQL("CREATE ROLE {} LOGIN SUPERUSER PASSWORD {}").format(role, PASSWORD))
    try:
        url = url_of(pg_url, name)
        location, _ = parse_server_url(url)
        assert passwords.remember(location, PASSWORD)
        server_admin.init(url).close()  # no password given: the keyring's
        assert [user.login for user in server_admin.list_users(url)] == []
    finally:
        database = pg_url.rsplit("/", 1)[1]
        pg_cluster.execute(sql.SQL("DROP OWNED BY {}").format(role), database)
        pg_cluster.execute(sql.SQL("DROP ROLE {}").format(role))
