"""Who may do what on a shared project is enforced by PostgreSQL: each test signs in as a real
login role with its password and tries the SQL a curious student would type."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql

from claimdesk.core.errors import EditError, ProjectError
from claimdesk.core.formats.export import export_dataset
from claimdesk.core.records import Status
from claimdesk.core.store import server_admin
from claimdesk.core.store.curation import ensure_gold_set
from claimdesk.core.store.location import parse_server_url
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import Article, sha256_text
from tests.conftest import seed_labels

TEXT = "Troops 🇷🇺 leave the border; envoys resume talks in Beijing. 𠀋 Markets rose."
OTHER = "The minister said prices will fall by half next year."


def word(w: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(w)
    return start, start + len(w)


@dataclass
class Shared:
    """A shared project with two students, a curator and an owner, each with some work."""

    admin: str
    database: str
    port: int
    names: dict[str, str]  # alice, bob, carol, olga -> login
    ids: dict[str, int]  # annotator ids, and "doc", "doc2", "label", "label2"
    work: dict[str, int]  # "alice", "bob", "gold": an annotation id of each

    def url(self, who: str) -> str:
        login = self.names[who]
        return f"postgresql://{login}:pw-{login}@127.0.0.1:{self.port}/{self.database}"

    def sql(self, who: str) -> psycopg.Connection[Any]:
        return psycopg.connect(self.url(who), autocommit=True)


def article(text: str, title: str) -> Article:
    return Article(Path(f"{title}.txt"), text, title, sha256_text(text), "utf-8", ())


@pytest.fixture
def shared(pg_url: str) -> Iterator[Shared]:
    location, _ = parse_server_url(pg_url)
    database = location.database
    server_admin.init(pg_url, codebook=seed_labels()).close()  # tests add what scheme they need
    # Login roles are shared by the whole server: each test's people get names of their own.
    names = {who: f"{who}_{database}" for who in ("alice", "bob", "carol", "olga")}
    roles = {"alice": "annotator", "bob": "annotator", "carol": "curator", "olga": "owner"}
    for who, login in names.items():
        server_admin.add_user(pg_url, None, login, roles[who], f"pw-{login}")
    with Project.open(pg_url) as admin:
        added = admin.import_articles([article(TEXT, "Troops"), article(OTHER, "Prices")]).added
        labels = admin.labels()
        people = {a.name: a.id for a in admin.annotators()}
    ids = {who: people[login] for who, login in names.items()}
    ids |= {"doc": added[0][0], "doc2": added[1][0], "label": labels[0].id}
    ids["label2"] = labels[1].id
    shared = Shared(pg_url, database, location.port, names, ids, {})
    for who, w in (("alice", "Troops"), ("bob", "border")):
        with Project.open(shared.url(who)) as mine:
            changes = mine.add_annotation(ids["doc"], ids["label"], ids[who], *word(w))
            shared.work[who] = changes.annotations_added[0].id
    with Project.open(shared.url("carol")) as curator:
        gold = ensure_gold_set(curator)
        changes = curator.add_annotation(ids["doc"], ids["label"], gold.id, *word("border"))
        shared.work["gold"] = changes.annotations_added[0].id
        shared.ids["gold"] = gold.id
    yield shared


def snapshot(admin_url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables a student could try to change, as the superuser sees them."""
    tables = ("annotation", "document_status", "document", "label", "annotator", "project")
    with psycopg.connect(admin_url) as conn:
        return {
            t: conn.execute(
                sql.SQL("SELECT * FROM {} ORDER BY 1, 2").format(sql.Identifier(t))
            ).fetchall()
            for t in tables
        }


def refused_or_no_effect(conn: psycopg.Connection[Any], statement: str, **values: Any) -> str:
    """'refused' when the server raised an error, 'no rows' when it let nothing through."""
    try:
        cursor = conn.execute(statement, values)
    except psycopg.errors.InsufficientPrivilege:
        return "refused"
    if cursor.description is not None:
        return "refused" if not cursor.fetchall() else "ROWS VISIBLE"
    return "refused" if cursor.rowcount == 0 else f"CHANGED {cursor.rowcount} ROWS"


def test_in_a_blind_project_an_annotator_reads_only_their_own_work(shared: Shared) -> None:
    server_admin.set_blind(shared.admin, None, True)
    with shared.sql("alice") as conn:
        rows = conn.execute("SELECT id, annotator_id FROM annotation").fetchall()
        statuses = conn.execute("SELECT annotator_id FROM document_status").fetchall()
        assert rows == [(shared.work["alice"], shared.ids["alice"])]
        assert statuses == [(shared.ids["alice"],)]
        # Names of the people are no secret; their work is.
        people = {name for (name,) in conn.execute("SELECT name FROM annotator")}
        assert shared.names["bob"] in people
        gold = conn.execute(
            "SELECT count(*) FROM annotation WHERE annotator_id = %s", [shared.ids["gold"]]
        )
        assert gold.fetchone() == (0,)
    with Project.open(shared.url("alice")) as alice:
        seen = alice.annotations(shared.ids["doc"], None)
        assert [a.annotator_id for a in seen] == [shared.ids["alice"]]
        assert alice.spans(shared.ids["doc"], shared.ids["bob"]) == []
    # The curator still sees everyone's work.
    with shared.sql("carol") as conn:
        assert conn.execute("SELECT count(*) FROM annotation").fetchone() == (3,)

    server_admin.set_blind(shared.admin, None, False)
    with Project.open(shared.url("alice")) as alice:
        assert len(alice.annotations(shared.ids["doc"], None)) == 3


FORBIDDEN = {
    "change another's annotation": (
        "UPDATE annotation SET note = 'mine now' WHERE id = %(bob_work)s"
    ),
    "take another's annotation": (
        "UPDATE annotation SET annotator_id = %(me)s WHERE id = %(bob_work)s"
    ),
    "give own annotation away": (
        "UPDATE annotation SET annotator_id = %(bob)s WHERE id = %(my_work)s"
    ),
    "move own annotation to another document": (
        "UPDATE annotation SET document_id = %(doc2)s WHERE id = %(my_work)s"
    ),
    "delete another's annotation": "DELETE FROM annotation WHERE id = %(bob_work)s",
    "delete everyone's annotations": "DELETE FROM annotation WHERE annotator_id <> %(me)s",
    "add an annotation as another": (
        'INSERT INTO annotation (document_id, label_id, annotator_id, start, "end", quote, note,'
        " created_at, updated_at) VALUES (%(doc)s, %(label)s, %(bob)s, 0, 6, 'Troops', '',"
        " now(), now())"
    ),
    "add to the gold set": (
        'INSERT INTO annotation (document_id, label_id, annotator_id, start, "end", quote, note,'
        " created_at, updated_at) VALUES (%(doc)s, %(label)s, %(gold)s, 0, 6, 'Troops', '',"
        " now(), now())"
    ),
    "change the gold set": "UPDATE annotation SET label_id = %(label2)s WHERE id = %(gold_work)s",
    "delete from the gold set": "DELETE FROM annotation WHERE id = %(gold_work)s",
    "set another's status": (
        "INSERT INTO document_status (document_id, annotator_id, status, updated_at)"
        " VALUES (%(doc2)s, %(bob)s, 'done', now())"
    ),
    "change another's status": (
        "UPDATE document_status SET status = 'done' WHERE annotator_id = %(bob)s"
    ),
    "delete another's status": "DELETE FROM document_status WHERE annotator_id = %(bob)s",
    "add a label": (
        "INSERT INTO label (name, colour, description, position) VALUES ('Mine', '#000000', '', 9)"
    ),
    "rename a label": "UPDATE label SET name = 'Renamed' WHERE id = %(label)s",
    "delete a label": "DELETE FROM label WHERE id = %(label)s",
    "add a document": (
        "INSERT INTO document (title, source, date, meta, text, sha256, created_at)"
        " VALUES ('x', '', '', '{}', 'x', 'abc', now())"
    ),
    "change a document": "UPDATE document SET title = 'Hacked' WHERE id = %(doc)s",
    "delete a document": "DELETE FROM document WHERE id = %(doc)s",
    "make oneself gold": "UPDATE annotator SET is_gold = true WHERE id = %(me)s",
    "rename oneself": "UPDATE annotator SET name = 'Teacher' WHERE id = %(me)s",
    "sign in as another's annotator": (
        "UPDATE annotator SET login = current_user WHERE id = %(bob)s"
    ),
    "add an annotator": (
        "INSERT INTO annotator (name, created_at, is_gold) VALUES ('x', now(), false)"
    ),
    "delete an annotator": "DELETE FROM annotator WHERE id = %(bob)s",
    "make the project open": "UPDATE project SET blind = false",
    "read the workspaces' secrets": "SELECT secret FROM exercise_workspace",
    "read the submissions": "SELECT * FROM exercise_submission",
    "create a table": "CREATE TABLE mine (x int)",
    "shadow the annotator table": "CREATE TEMP TABLE annotator (id int, login text)",
    "create a role": "CREATE ROLE sneaky LOGIN PASSWORD 'x'",
    "grant oneself the owner role": "GRANT {owner} TO current_user",
    "become the owner role": "SET ROLE {owner}",
    "turn row-level security off": "ALTER TABLE annotation DISABLE ROW LEVEL SECURITY",
    "drop a policy": "DROP POLICY claimdesk_read ON annotation",
    "replace the helper the policies call": (
        "CREATE OR REPLACE FUNCTION claimdesk_signed_in_annotator() RETURNS integer"
        " LANGUAGE sql STABLE AS 'SELECT %(bob)s'"
    ),
}


@pytest.mark.parametrize("blind", [True, False], ids=["blind", "open"])
def test_every_forbidden_write_of_an_annotator_is_refused_by_the_server(
    shared: Shared, blind: bool
) -> None:
    server_admin.set_blind(shared.admin, None, blind)
    before = snapshot(shared.admin)
    values = {
        "me": shared.ids["alice"],
        "bob": shared.ids["bob"],
        "gold": shared.ids["gold"],
        "doc": shared.ids["doc"],
        "doc2": shared.ids["doc2"],
        "label": shared.ids["label"],
        "label2": shared.ids["label2"],
        "my_work": shared.work["alice"],
        "bob_work": shared.work["bob"],
        "gold_work": shared.work["gold"],
    }
    owner = server_admin.group_role(shared.database, "owner")
    outcomes = {}
    with shared.sql("alice") as conn:
        for what, statement in FORBIDDEN.items():
            text = statement.replace("{owner}", f'"{owner}"')
            outcomes[what] = refused_or_no_effect(conn, text, **values)
    assert outcomes == dict.fromkeys(FORBIDDEN, "refused")
    assert snapshot(shared.admin) == before


def test_an_annotator_works_on_their_own_annotations_through_the_project(shared: Shared) -> None:
    server_admin.set_blind(shared.admin, None, True)
    doc, label, label2 = shared.ids["doc"], shared.ids["label"], shared.ids["label2"]
    with Project.open(shared.url("alice")) as alice:
        me = alice.signed_in_annotator()
        assert me is not None and me.id == shared.ids["alice"]
        added = alice.add_annotation(doc, label, me.id, *word("Beijing")).annotations_added[0]
        alice.set_annotation_label(added.id, label2)
        alice.set_note(added.id, "a place 🇨🇳")
        alice.set_status(doc, me.id, Status.DONE)
        alice.delete_annotations([shared.work["alice"]])
        alice.undo()  # the deleted one is back
        assert alice.status(doc, me.id) is Status.DONE
        mine = {a.id: (a.label_id, a.note) for a in alice.annotations(doc, me.id)}
    assert mine == {added.id: (label2, "a place 🇨🇳"), shared.work["alice"]: (label, "")}
    with Project.open(shared.admin) as admin:
        assert {a.id for a in admin.annotations(doc, shared.ids["alice"])} == set(mine)
        assert admin.status(doc, shared.ids["alice"]) is Status.DONE


def test_deleting_anothers_visible_annotation_is_reported_not_pretended(shared: Shared) -> None:
    with Project.open(shared.url("alice")) as alice:
        with pytest.raises(EditError, match="not yours to delete"):
            alice.delete_annotations([shared.work["alice"], shared.work["bob"]])
        assert alice.undo() is None  # nothing was done, so nothing to undo
    with Project.open(shared.admin) as admin:
        remaining = {a.id for a in admin.annotations(shared.ids["doc"], None)}
    assert {shared.work["alice"], shared.work["bob"]} <= remaining


def test_a_curator_writes_the_gold_set_and_the_codebook_but_not_a_students_work(
    shared: Shared,
) -> None:
    doc, gold = shared.ids["doc"], shared.ids["gold"]
    with Project.open(shared.url("carol")) as carol:
        added = carol.add_annotation(doc, shared.ids["label"], gold, *word("Beijing"))
        carol.set_note(added.annotations_added[0].id, "agreed")
        carol.delete_annotations([shared.work["gold"]])
        carol.add_label("Forecast", "#336699")
        carol.update_label(shared.ids["label2"], description="checked by the curator")
    with shared.sql("carol") as conn:
        assert (
            refused_or_no_effect(
                conn, FORBIDDEN["change another's annotation"], bob_work=shared.work["bob"]
            )
            == "refused"
        )
        assert refused_or_no_effect(conn, FORBIDDEN["make the project open"]) == "refused"
        assert (
            refused_or_no_effect(conn, FORBIDDEN["rename oneself"], me=shared.ids["carol"])
            == "refused"
        )
        assert (
            refused_or_no_effect(conn, FORBIDDEN["make oneself gold"], me=shared.ids["carol"])
            == "refused"
        )
    with Project.open(shared.admin) as admin:
        gold_quotes = [a.quote for a in admin.annotations(doc, gold)]
        assert gold_quotes == ["Beijing"]
        assert "Forecast" in [label.name for label in admin.labels()]


def test_an_owner_may_change_anything(shared: Shared) -> None:
    with shared.sql("olga") as conn:
        for statement in (
            "UPDATE annotation SET note = 'checked' WHERE id = %(bob_work)s",
            "UPDATE project SET blind = true",
            "UPDATE annotator SET name = 'Bob B.' WHERE id = %(bob)s",
            "DELETE FROM label WHERE id = %(label2)s",
        ):
            values = {
                "bob_work": shared.work["bob"],
                "bob": shared.ids["bob"],
                "label2": shared.ids["label2"],
            }
            assert conn.execute(statement, values).rowcount == 1
    with Project.open(shared.admin) as admin:
        assert admin.annotation(shared.work["bob"]).note == "checked"
        assert server_admin.is_blind(admin)


def test_a_blind_annotator_exports_only_their_own_spans(shared: Shared, tmp_path: Path) -> None:
    server_admin.set_blind(shared.admin, None, True)
    with Project.open(shared.url("alice")) as alice:
        export_dataset(alice, "csv", tmp_path / "alice.csv")
    with (tmp_path / "alice.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["annotator"], r["quote"]) for r in rows] == [(shared.names["alice"], "Troops")]


def test_a_removed_user_cannot_sign_in_and_their_work_stays(shared: Shared) -> None:
    server_admin.remove_user(shared.admin, None, shared.names["bob"])
    with pytest.raises(psycopg.OperationalError):
        shared.sql("bob").close()
    with Project.open(shared.admin) as admin:
        assert admin.annotation(shared.work["bob"]).annotator_id == shared.ids["bob"]
    logins = {u.login: u.role for u in server_admin.list_users(shared.admin)}
    assert shared.names["bob"] not in logins
    assert logins[shared.names["alice"]] == "annotator"


def test_init_twice_and_on_an_existing_project_keeps_everything(shared: Shared) -> None:
    server_admin.set_blind(shared.admin, None, True)
    before = snapshot(shared.admin)
    server_admin.init(shared.admin).close()
    assert snapshot(shared.admin) == before  # still blind, every row as it was
    with shared.sql("alice") as conn:
        assert conn.execute("SELECT count(*) FROM annotation").fetchone() == (1,)


def test_group_roles_fit_postgresql_names_and_odd_database_names_work(pg_cluster: Any) -> None:
    long_name = "Klasse Ü " + "x" * 70
    roles = {server_admin.group_role(long_name, r) for r in server_admin.ROLES}
    assert len(roles) == 3 and all(len(r.encode()) <= 63 for r in roles)
    assert server_admin.group_role("a" * 80, "owner") != server_admin.group_role("a" * 81, "owner")
    odd = 'lab "2"; DROP TABLE x; --'
    pg_cluster.create_database(odd)
    try:
        location = f"postgresql://postgres@127.0.0.1:{pg_cluster.port}/{quote(odd, safe='')}"
        server_admin.init(location, blind=True).close()
        login = f"student_{uuid.uuid4().hex[:12]}"
        server_admin.add_user(location, None, login, "annotator", "pw")
        with psycopg.connect(
            host="127.0.0.1", port=pg_cluster.port, dbname=odd, user=login, password="pw"
        ) as conn:
            assert conn.execute("SELECT claimdesk_blind()").fetchone() == (True,)
            assert conn.execute("SELECT count(*) FROM label").fetchone() == (0,)
    finally:
        pg_cluster.drop_database(odd)


def test_a_curator_cannot_take_students_work_away_with_a_label_or_an_import(
    shared: Shared,
) -> None:
    before = snapshot(shared.admin)
    with Project.open(shared.url("carol")) as carol:
        # Alice and Bob filed work under this label: deleting it would delete theirs.
        with pytest.raises(EditError, match="other people's annotations are filed under it"):
            carol.delete_label(shared.ids["label"])
        assert snapshot(shared.admin) == before
        # A label only the gold set uses is the curator's to delete, and to bring back.
        carol.set_annotation_label(shared.work["gold"], shared.ids["label2"])
        carol.delete_label(shared.ids["label2"])
        assert carol.annotations(shared.ids["doc"], shared.ids["gold"]) == []
        carol.undo()
        assert [a.id for a in carol.annotations(shared.ids["doc"], shared.ids["gold"])] == [
            shared.work["gold"]
        ]
        # Undoing an import once a student started on a document would delete their work.
        new = carol.import_articles([article("Envoys met again on Friday.", "Envoys")])
        document = new.added[0][0]
        with Project.open(shared.url("bob")) as bob:
            bob.add_annotation(document, shared.ids["label"], shared.ids["bob"], 0, 6)
        with pytest.raises(EditError, match="other people have started work"):
            carol.undo()
        assert document in [d.id for d in carol.documents()]
    # The owner may.
    with Project.open(shared.url("olga")) as olga:
        olga.delete_label(shared.ids["label"])
        assert olga.annotations(shared.ids["doc"], shared.ids["bob"]) == []
        olga.undo()
        assert len(olga.annotations(shared.ids["doc"], None)) == 3


def test_add_user_gives_an_annotator_already_in_the_project_their_login(pg_url: str) -> None:
    server_admin.init(pg_url).close()
    database = parse_server_url(pg_url)[0].database
    name = f"dana_{database}"
    with Project.open(pg_url) as admin:  # as a project pushed from a file would have her
        dana = admin.ensure_annotator(name)
        doc = admin.import_articles([article(TEXT, "Troops")]).added[0][0]
        label = admin.labels()
    assert label == []  # no codebook: add one label for her to use
    with Project.open(pg_url) as admin:
        admin.add_label("Claim", "#336699")
        label_id = admin.labels()[0].id
        admin.add_annotation(doc, label_id, dana.id, *word("Troops"))
    server_admin.add_user(pg_url, None, name, "annotator", "pw")
    location = parse_server_url(pg_url)[0]
    with Project.open(f"postgresql://{name}:pw@127.0.0.1:{location.port}/{database}") as mine:
        assert mine.signed_in_annotator() == dana
        [old] = mine.annotations(doc, dana.id)
        mine.set_note(old.id, "still mine")
    with pytest.raises(ProjectError, match="already has a user"):
        server_admin.add_user(pg_url, None, name, "annotator", "pw")
