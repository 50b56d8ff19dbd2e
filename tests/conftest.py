"""Shared fixtures: offscreen Qt, isolated user folders, a migrated template project per session,
and a throw-away PostgreSQL server for the tests that ask for one."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

# Must be set before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from claimdesk.core.codebook import Codebook, load_codebook
from claimdesk.core.paths import seeds_dir
from claimdesk.core.scheme import Scheme
from claimdesk.core.store.project import Project

if TYPE_CHECKING:
    from tests.pgserver import PgCluster


@pytest.fixture(autouse=True)
def isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Settings, the sample project, the logs, the cache and Documents are in a temp folder,
    never the developer's own."""
    home = tmp_path_factory.mktemp("userdirs")
    monkeypatch.setenv("CLAIMDESK_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("CLAIMDESK_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("CLAIMDESK_LOG_DIR", str(home / "logs"))
    monkeypatch.setenv("CLAIMDESK_CACHE_DIR", str(home / "cache"))
    (home / "Documents").mkdir()
    monkeypatch.setenv("CLAIMDESK_DOCUMENTS_DIR", str(home / "Documents"))
    return home


def seed_labels() -> Codebook:
    """The sample codebook's labels, without its attributes, relation types and document label
    sets: tests that need those define them (the sample's own are tested where the sample is)."""
    return replace(load_codebook(seeds_dir() / "codebook.json"), scheme=Scheme())


@pytest.fixture(scope="session")
def template_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated once per session with the sample codebook's labels, no documents; copied per
    test."""
    path = tmp_path_factory.mktemp("template") / "template.claimdesk"
    Project.create(path, name="Test project", codebook=seed_labels()).close()
    return path


@pytest.fixture
def project_path(template_project: Path, tmp_path: Path) -> Path:
    path = tmp_path / "test.claimdesk"
    shutil.copy2(template_project, path)
    return path


# The two places a project can live. A test (or a module, through ``pytestmark``) marked
# ``both_dialects`` runs once on each: its ``project`` and ``seeded`` are then a file, and a
# database on the test cluster. Unmarked tests, and those marked ``file_only``, get a file.
DIALECTS = ("file", "server")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "dialect" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("file_only") is not None:
        return
    if metafunc.definition.get_closest_marker("both_dialects") is not None:
        metafunc.parametrize("dialect", DIALECTS)


@pytest.fixture
def dialect() -> str:
    """Where ``project`` lives: "file" unless the test is marked ``both_dialects``."""
    return "file"


@pytest.fixture(scope="session")
def template_database(pg_cluster: PgCluster) -> str:
    """A server project migrated once per session with the sample codebook, no documents; each
    test gets a copy (CREATE DATABASE … TEMPLATE: ~25 ms instead of a migration per test)."""
    from psycopg import sql

    # Sorted as a department's server sorts (en-US, as initdb under an English locale gives):
    # "ana" before "Bo", unlike SQLite's code point order, so a name sort left to the database
    # shows up here. Copies of a template keep its collation.
    name = "claimdesk_template"
    pg_cluster.execute(
        sql.SQL(
            "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' "
            "LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
        ).format(sql.Identifier(name))
    )
    url = pg_cluster.admin_url(name)
    # a template must have no open connection
    Project.create(url, name="Test project", codebook=seed_labels()).close()
    return name


@pytest.fixture
def server_project_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A copy of the template server project for this test (its superuser URL), dropped after."""
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    template = request.getfixturevalue("template_database")
    name = f"t_{uuid.uuid4().hex[:16]}"
    url = cluster.create_database(name, template=template)
    try:
        yield url
    finally:
        cluster.drop_database(name)


@pytest.fixture
def project(dialect: str, request: pytest.FixtureRequest) -> Iterator[Project]:
    """The test project (sample codebook, no documents): a file, or on a server when the test
    runs on both dialects."""
    if dialect == "server":
        target: Path | str = request.getfixturevalue("server_project_url")
    else:
        target = request.getfixturevalue("project_path")
    with Project.open(target) as opened:
        yield opened


@pytest.fixture
def new_project_target(dialect: str, tmp_path: Path, request: pytest.FixtureRequest) -> Path | str:
    """Where a test creates a project of its own with ``Project.create``: a file path, or (on
    the server) the URL of an empty database, dropped after the test."""
    if dialect == "server":
        return str(request.getfixturevalue("pg_url"))
    return tmp_path / "new.claimdesk"


@pytest.fixture
def seeded(project: Project) -> Project:
    """The test project with the two sample articles imported."""
    from claimdesk.core.importing import import_paths

    import_paths(project, sorted(seeds_dir().glob("*.txt")))
    project.history = type(project.history)()
    return project


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A PostgreSQL cluster on 127.0.0.1, started when the first test asks for it (a run without
    such a test starts none) and stopped at the end of the session, whatever the results."""
    from tests.pgserver import PgCluster

    cluster = PgCluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> Iterator[str]:
    """A fresh empty database for this test (its superuser URL), dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    url = pg_cluster.create_database(name)
    try:
        yield url
    finally:
        pg_cluster.drop_database(name)
