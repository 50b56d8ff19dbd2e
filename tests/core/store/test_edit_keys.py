"""Edit keys (``applied_edit``) are kept while an edit's outcome may be in doubt, then forgotten
when someone opens the project: the table does not grow with every edit ever made."""

from __future__ import annotations

import uuid
from datetime import timedelta

import psycopg
import pytest

from claimdesk.core.codebook import load_codebook
from claimdesk.core.paths import seeds_dir
from claimdesk.core.store import server_admin
from claimdesk.core.store.location import parse_server_url
from claimdesk.core.store.project import Project
from claimdesk.core.store.tables import utcnow
from tests.core.store.test_server_permissions import TEXT, article


def put_keys(admin_url: str, **ages: timedelta) -> None:
    """Keys as earlier edits left them, stamped ``age`` ago."""
    with psycopg.connect(admin_url) as conn:
        for key, age in ages.items():
            conn.execute(
                "INSERT INTO applied_edit (key, applied_at) VALUES (%s, %s)", (key, utcnow() - age)
            )


def keys(admin_url: str) -> set[str]:
    with psycopg.connect(admin_url) as conn:
        return {key for (key,) in conn.execute("SELECT key FROM applied_edit")}


@pytest.fixture
def student(pg_url: str) -> str:
    """A shared project (``server init``) and the URL of one annotator on it."""
    location, _ = parse_server_url(pg_url)
    server_admin.init(pg_url, codebook=load_codebook(seeds_dir() / "codebook.json")).close()
    login = f"ann_{uuid.uuid4().hex[:8]}"
    server_admin.add_user(pg_url, None, login, "annotator", "pw-student")
    return f"postgresql://{login}:pw-student@127.0.0.1:{location.port}/{location.database}"


def test_opening_a_shared_project_forgets_week_old_keys_and_keeps_recent_ones(
    pg_url: str, student: str
) -> None:
    put_keys(
        pg_url,
        old=timedelta(days=8),
        in_doubt=timedelta(minutes=1),  # someone's retry may still look for it
        yesterday=timedelta(days=1),  # a server down overnight: settle asks in the morning
    )
    assert {"old", "in_doubt", "yesterday"} <= keys(pg_url)
    with Project.open(student):  # an annotator, who may not DELETE from the table
        pass
    found = keys(pg_url)
    assert "old" not in found
    assert {"in_doubt", "yesterday"} <= found


def test_an_annotator_cannot_delete_anyone_s_keys_by_hand(pg_url: str, student: str) -> None:
    put_keys(pg_url, others=timedelta(minutes=1), old=timedelta(days=30))
    with psycopg.connect(student, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM applied_edit")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE applied_edit SET applied_at = '2000-01-01'")
        # The trim is all they can run, and it spares every recent key.
        conn.execute("SELECT claimdesk_forget_old_edit_keys()")
    found = keys(pg_url)
    assert "others" in found
    assert "old" not in found


def test_an_edit_s_key_stays_while_it_may_be_looked_up(pg_url: str, student: str) -> None:
    with Project.open(pg_url) as admin:
        label = admin.labels()[0].id
        doc = admin.import_articles([article(TEXT, "Troops")]).added[0][0]
    with Project.open(student) as mine:
        me = mine.signed_in_annotator()
        assert me is not None
        mine.add_annotation(doc, label, me.id, 0, 6)
    before = keys(pg_url)
    assert len(before) >= 2  # the import's and the edit's
    with Project.open(student):
        pass
    assert keys(pg_url) == before


def test_a_project_nobody_ran_server_init_on_is_trimmed_by_its_owner(
    server_project_url: str,
) -> None:
    put_keys(server_project_url, old=timedelta(days=8), fresh=timedelta(hours=2))
    with Project.open(server_project_url):
        pass
    found = keys(server_project_url)
    assert "fresh" in found
    assert "old" not in found
