"""The throw-away PostgreSQL server the shared-project tests run against: a test gets its own
empty database, a client reaches it through SQLAlchemy and psycopg, and only the superuser signs
in without a password."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.pgserver import PgCluster


def sqlalchemy_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def user_tables(url: str) -> list[str]:
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
    return [name for (name,) in rows]


@pytest.fixture
def login_role(pg_cluster: PgCluster) -> Iterator[tuple[str, str]]:
    """A real login role with a password (roles belong to the whole cluster: dropped after)."""
    name, password = f"student_{uuid.uuid4().hex[:8]}", "correct horse"
    pg_cluster.execute(
        sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(name), sql.Literal(password)
        )
    )
    yield name, password
    pg_cluster.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def test_a_client_stores_and_reads_rows_through_sqlalchemy(pg_url: str) -> None:
    engine = create_engine(sqlalchemy_url(pg_url))
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE claim (id serial PRIMARY KEY, quote text)"))
            connection.execute(text("INSERT INTO claim (quote) VALUES ('Prices rose 5 %')"))
        with engine.connect() as connection:
            assert connection.execute(text("SELECT quote FROM claim")).scalar_one() == (
                "Prices rose 5 %"
            )
            database = connection.execute(text("SELECT current_database()")).scalar_one()
            assert connection.dialect.name == "postgresql"
            assert connection.dialect.driver == "psycopg"
    finally:
        engine.dispose()
    assert database == make_url(pg_url).database
    assert make_url(pg_url).host == "127.0.0.1"


@pytest.mark.parametrize("round_", [1, 2])
def test_each_test_gets_a_fresh_empty_database(pg_url: str, round_: int) -> None:
    # The second round would find the first round's table if the database were shared.
    assert user_tables(pg_url) == []
    with psycopg.connect(pg_url) as connection:
        connection.execute("CREATE TABLE left_behind (id int)")
    assert user_tables(pg_url) == ["left_behind"]


def test_two_databases_are_apart(pg_cluster: PgCluster, pg_url: str) -> None:
    other_name = f"t_{uuid.uuid4().hex[:16]}"
    other_url = pg_cluster.create_database(other_name)
    try:
        assert other_url != pg_url
        with psycopg.connect(pg_url) as connection:
            connection.execute("CREATE TABLE only_here (id int)")
        assert user_tables(pg_url) == ["only_here"]
        assert user_tables(other_url) == []
    finally:
        pg_cluster.drop_database(other_name)
    with psycopg.connect(pg_cluster.admin_url()) as connection:
        left = connection.execute(
            "SELECT count(*) FROM pg_database WHERE datname = %s", [other_name]
        ).fetchone()
    assert left == (0,)


def test_a_login_role_signs_in_with_its_password_only(
    pg_url: str, login_role: tuple[str, str]
) -> None:
    name, password = login_role

    def as_student(**password: str) -> str:  # no ~/.pgpass may answer for us
        return make_conninfo(pg_url, user=name, passfile="/dev/null", **password)

    with psycopg.connect(as_student(password=password)) as connection:
        assert connection.execute("SELECT current_user").fetchone() == (name,)

    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(as_student(password="Tr0ub4dor&3"))

    # No password at all: refused too (only the superuser is trusted).
    with pytest.raises(psycopg.OperationalError, match="no password supplied"):
        psycopg.connect(as_student())


def test_the_server_listens_on_loopback_only_and_stop_leaves_nothing(
    pg_cluster: PgCluster,
) -> None:
    cluster = PgCluster.start()
    folder, port = cluster.base, cluster.port
    try:
        assert port != pg_cluster.port
        with psycopg.connect(cluster.admin_url()) as connection:
            assert connection.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
            assert connection.execute("SHOW max_connections").fetchone() == ("200",)
        # The unix socket is in the cluster's own folder, not a shared one.
        assert (folder / f".s.PGSQL.{port}").is_socket()
        assert not Path(f"/var/run/postgresql/.s.PGSQL.{port}").exists()
    finally:
        cluster.stop()
    assert not folder.exists()
    with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
        probe.connect(("127.0.0.1", port))


def test_missing_server_programs_say_how_to_install_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr("glob.glob", lambda _pattern: [])
    with pytest.raises(RuntimeError) as raised:
        PgCluster.start()
    message = str(raised.value)
    assert ".ci/run" in message
    assert "apt-get install --no-install-recommends postgresql" in message
