"""Shared fixtures: offscreen Qt, isolated user folders, a migrated template project per session,
and a throw-away PostgreSQL server for the tests that ask for one."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

# Must be set before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from claimdesk.core.codebook import load_codebook
from claimdesk.core.paths import seeds_dir
from claimdesk.core.store.project import Project

if TYPE_CHECKING:
    from tests.pgserver import PgCluster


@pytest.fixture(autouse=True)
def isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Settings, the sample project, the logs and Documents are in a temp folder, never the
    developer's own."""
    home = tmp_path_factory.mktemp("userdirs")
    monkeypatch.setenv("CLAIMDESK_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("CLAIMDESK_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("CLAIMDESK_LOG_DIR", str(home / "logs"))
    (home / "Documents").mkdir()
    monkeypatch.setenv("CLAIMDESK_DOCUMENTS_DIR", str(home / "Documents"))
    return home


@pytest.fixture(scope="session")
def template_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated once per session with the sample codebook, no documents; copied per test."""
    path = tmp_path_factory.mktemp("template") / "template.claimdesk"
    Project.create(
        path, name="Test project", codebook=load_codebook(seeds_dir() / "codebook.json")
    ).close()
    return path


@pytest.fixture
def project_path(template_project: Path, tmp_path: Path) -> Path:
    path = tmp_path / "test.claimdesk"
    shutil.copy2(template_project, path)
    return path


@pytest.fixture
def project(project_path: Path) -> Iterator[Project]:
    with Project.open(project_path) as opened:
        yield opened


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
