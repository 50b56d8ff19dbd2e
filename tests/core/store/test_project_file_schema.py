"""A project file is checked against the schema Claimdesk made before anything writes to it:
SQL planted in it (triggers, views), extra tables or indexes and damaged pages are refused by
name, and the refused file is left byte for byte as it was, with nothing created beside it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, insert, text

from claimdesk.core.errors import DamagedProjectError, ForeignSchemaError, ProjectError
from claimdesk.core.store import engine as store
from claimdesk.core.store import schema as project_schema
from claimdesk.core.store.project import Project
from claimdesk.core.store.tables import annotation_table, utcnow
from claimdesk.core.text.textio import Article, sha256_text
from tests.core.cli.test_cli import cli_path, failed


def snapshot(path: Path) -> tuple[bytes, set[str]]:
    """The file's bytes and the names of everything in its folder."""
    return path.read_bytes(), {p.name for p in path.parent.iterdir()}


def plant(path: Path, *statements: str) -> None:
    """What someone with a SQLite tool does to a project before handing it over."""
    conn = sqlite3.connect(path)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()
    assert not Path(f"{path}-wal").exists()


def refused(path: Path, error: type[ProjectError], *words: str) -> str:
    before = snapshot(path)
    with pytest.raises(error) as caught:
        Project.open(path)
    message = str(caught.value)
    assert message.startswith(f"{path.name}: ")
    for word in words:
        assert word in message
    assert "CREATE" not in message and "SELECT" not in message  # a sentence, not SQL
    assert snapshot(path) == before  # no byte changed, no -wal, -shm or backup appeared
    return message


# -- the expected schema comes from the migrations -------------------------------------------


def test_committed_schema_matches_the_migration_chain() -> None:
    # Like `alembic check` for the schema description: a new migration fails here until
    # `python -m claimdesk.core.store.schema` has regenerated core/store/migrations/schema.json.
    committed = json.loads(project_schema.SCHEMA_FILE.read_text("utf-8"))["revisions"]
    chain = project_schema.build_expected()  # in the chain's order, base first
    built = json.loads(project_schema.render(chain))["revisions"]
    assert committed == built, "run: python -m claimdesk.core.store.schema"
    assert list(chain)[-1] == store.HEAD_REVISION


def test_a_new_project_matches_the_schema_of_its_revision(project_path: Path) -> None:
    conn = sqlite3.connect(project_path)
    try:
        actual = project_schema.describe(conn)
    finally:
        conn.close()
    expected = project_schema.expected_schemas()[store.HEAD_REVISION]
    assert project_schema.differences(expected, actual) == []
    assert actual["triggers"] == {} and actual["views"] == {}


# -- SQL stored in the file -------------------------------------------------------------------


def test_planted_trigger_is_refused_and_never_fires(project_path: Path) -> None:
    plant(
        project_path,
        "CREATE TRIGGER rename_labels AFTER INSERT ON annotation "
        "BEGIN UPDATE label SET name = 'pwned' || id; END",
    )
    message = refused(project_path, ForeignSchemaError, "trigger 'rename_labels'", "annotation")
    assert "could change your data" in message
    conn = sqlite3.connect(f"file:{project_path}?mode=ro&immutable=1", uri=True)
    assert not any(name.startswith("pwned") for (name,) in conn.execute("SELECT name FROM label"))
    conn.close()


def test_view_shadowing_a_table_is_refused(project_path: Path) -> None:
    plant(
        project_path,
        "ALTER TABLE label RENAME TO label_kept",
        "CREATE VIEW label AS SELECT id, 'Not a claim' AS name, colour, description, shortcut, "
        "parent_id, position FROM label_kept",
    )
    refused(project_path, ForeignSchemaError, "view 'label'", "did not create")


@pytest.mark.parametrize(
    ("statement", "words"),
    [
        ("CREATE TABLE notes_of_mine (x TEXT)", ("an extra table 'notes_of_mine'",)),
        ("CREATE INDEX ix_mine ON annotation (note)", ("an extra index 'ix_mine'", "annotation")),
        ("ALTER TABLE label ADD COLUMN secret TEXT", ("other columns in the table 'label'",)),
        ("DROP INDEX ix_annotation_label", ("no index 'ix_annotation_label'",)),
        ("DROP TABLE document_search", ("no table 'document_search'",)),
    ],
)
def test_other_tables_columns_and_indexes_are_refused(
    project_path: Path, statement: str, words: tuple[str, ...]
) -> None:
    plant(project_path, statement)
    message = refused(project_path, ForeignSchemaError, *words)
    assert "not have the tables and indexes Claimdesk made" in message


def test_search_index_made_another_way_is_refused(project_path: Path) -> None:
    # The search index (0007) is a virtual table: its module runs code, so only the very
    # table Claimdesk made passes.
    plant(
        project_path,
        "DROP TABLE document_search",
        "CREATE VIRTUAL TABLE document_search USING fts5(text, content='document', "
        "content_rowid='id', tokenize='trigram')",
    )
    refused(
        project_path,
        ForeignSchemaError,
        "another kind of table in place of the virtual table 'document_search'",
    )


def test_generated_column_is_refused(project_path: Path) -> None:
    # A virtual generated column is hidden from PRAGMA table_info, not from table_xinfo.
    plant(project_path, "ALTER TABLE label ADD COLUMN shout TEXT AS (upper(name)) VIRTUAL")
    refused(project_path, ForeignSchemaError, "other columns in the table 'label'")


def test_names_from_the_file_are_shown_escaped(project_path: Path) -> None:
    plant(project_path, 'CREATE TRIGGER "x\x1b[2J\u202e" AFTER DELETE ON label BEGIN SELECT 1; END')
    message = refused(project_path, ForeignSchemaError, "trigger")
    assert "\x1b" not in message and "\u202e" not in message


# -- damaged files ----------------------------------------------------------------------------


def big_project(path: Path, annotations: int = 20_000) -> None:
    with Project.create(path) as project:
        text_ = " ".join(f"word{i}" for i in range(annotations + 10))
        report = project.import_articles(
            [Article(Path("a.txt"), text_, "A", sha256_text(text_), "utf-8", ())]
        )
        document = report.added[0][0]
        project.add_label("Claim", "#1f77b4")
        label = project.labels()[0].id
        annotator = project.ensure_annotator("Ana").id
        now = utcnow()
        rows = [
            {
                "document_id": document,
                "label_id": label,
                "annotator_id": annotator,
                "start": i,
                "end": i + 3,
                "quote": text_[i : i + 3],
                "note": "",
                "created_at": now,
                "updated_at": now,
            }
            for i in range(annotations)
        ]
        with project.writing() as conn:
            conn.execute(insert(annotation_table), rows)


def test_damaged_page_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.claimdesk"
    big_project(path)
    original = path.read_bytes()
    page = 4096
    assert len(original) > 100 * page
    # A page of annotations from the middle on: one whose damage SQLite's own check reports
    # (an interior page of an index makes the check itself fail, which is not this case).
    for number in range(len(original) // page // 2, len(original) // page):
        data = bytearray(original)
        data[number * page : (number + 1) * page] = b"\xa5" * page
        path.write_bytes(bytes(data))
        conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        try:
            answer = conn.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError:
            continue
        finally:
            conn.close()
        if answer != "ok":  # the damage is real
            break
    else:
        pytest.fail("no page whose damage SQLite's check reports")
    refused(path, DamagedProjectError, "is damaged", "check of its pages")


def test_file_without_a_revision_is_refused_untouched(project_path: Path) -> None:
    plant(project_path, "DROP TABLE alembic_version")
    refused(project_path, DamagedProjectError, "records no schema revision")


def test_strangers_file_with_our_header_is_left_in_its_journal_mode(tmp_path: Path) -> None:
    # Someone else's database carrying our application id: before, opening it switched it to
    # WAL (a write) before the refusal.
    path = tmp_path / "theirs.claimdesk"
    plant(
        path,
        f"PRAGMA application_id = {store.APPLICATION_ID}",
        "PRAGMA user_version = 2",
        "CREATE TABLE things (id INTEGER PRIMARY KEY, what TEXT)",
        "INSERT INTO things (what) VALUES ('theirs')",
    )
    assert path.read_bytes()[18:20] == b"\x01\x01"  # rollback journal, not WAL
    refused(path, DamagedProjectError, "records no schema revision")
    assert path.read_bytes()[18:20] == b"\x01\x01"


# -- what the open connections run with -------------------------------------------------------


def test_every_connection_runs_with_trusted_schema_off(project: Project) -> None:
    with project.reading() as first, project.reading() as second:
        assert first.execute(text("PRAGMA trusted_schema")).scalar() == 0
        assert second.execute(text("PRAGMA trusted_schema")).scalar() == 0


def test_an_open_project_with_a_wal_is_checked_without_leaving_files(project: Project) -> None:
    # Another Claimdesk has it open (its -wal and -shm exist): a second open reads the schema
    # through the WAL, and the first one's uncommitted-to-main-file edits are seen.
    project.add_label("Fresh", "#123456")
    assert Path(f"{project.path}-wal").exists()
    with Project.open(project.path) as again:
        assert "Fresh" in [label.name for label in again.labels()]


@pytest.mark.parametrize("name", ["what? #1 100% é.claimdesk", "a&mode=rw.claimdesk"])
def test_file_names_with_uri_characters_open(project_path: Path, name: str) -> None:
    # The read-only check opens the file by URI: ?, #, % and & in a name must stay the name.
    path = project_path.with_name(name)
    project_path.rename(path)
    with Project.open(path) as project:
        assert project.labels()
    assert sorted(p.name for p in path.parent.iterdir()) == [name]


def test_new_project_with_a_question_mark_in_its_name(tmp_path: Path) -> None:
    # Before, "what? #1.claimdesk" was created as a file called "what".
    with Project.create(tmp_path / "what? #1.claimdesk") as project:
        project.add_label("Claim", "#1f77b4")
    assert [p.name for p in tmp_path.iterdir()] == ["what? #1.claimdesk"]


# -- older files ------------------------------------------------------------------------------


def format_1_project(path: Path) -> None:
    """A project as Claimdesk's first format made it: the chain up to 0001, with some data."""
    engine = create_engine(f"sqlite+pysqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(store.migration_config(conn), "0001")
        conn.execute(
            text("INSERT INTO project (name, description, created_at) VALUES ('Old', '', :t)"),
            {"t": utcnow()},
        )
        conn.execute(
            text(
                "INSERT INTO label (name, colour, description, position) "
                "VALUES ('Claim', '#1f77b4', '', 0)"
            )
        )
    engine.dispose()
    assert store.read_header(path) == (store.APPLICATION_ID, 1)


def test_format_1_project_is_checked_then_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.claimdesk"
    format_1_project(path)
    with Project.open(path) as project:
        assert [label.name for label in project.labels()] == ["Claim"]
        assert project.name == "Old"
    assert store.read_header(path) == (store.APPLICATION_ID, store.SCHEMA_VERSION)
    assert (tmp_path / "old.claimdesk.v1.bak").exists()


def test_format_1_project_with_a_trigger_is_refused_before_migrating(tmp_path: Path) -> None:
    path = tmp_path / "old.claimdesk"
    format_1_project(path)
    plant(path, "CREATE TRIGGER t AFTER UPDATE ON label BEGIN DELETE FROM annotation; END")
    refused(path, ForeignSchemaError, "trigger 't'")
    assert not (tmp_path / "old.claimdesk.v1.bak").exists()


def test_revision_that_does_not_match_the_tables_is_a_sentence(tmp_path: Path) -> None:
    # The tables of format 2 under the revision of format 1: before, the migration failed on
    # "table exercise already exists" and printed the CREATE statement.
    path = tmp_path / "odd.claimdesk"
    Project.create(path).close()
    plant(path, "UPDATE alembic_version SET version_num = '0001'", "PRAGMA user_version = 1")
    refused(path, ForeignSchemaError, "(revision 0001)", "an extra table")


# -- the command line -------------------------------------------------------------------------


def test_cli_list_refuses_a_planted_trigger_in_one_line(project_path: Path) -> None:
    plant(
        project_path,
        "CREATE TRIGGER rename_labels AFTER INSERT ON annotation "
        "BEGIN UPDATE label SET name = 'pwned'; END",
    )
    before = snapshot(project_path)
    result = subprocess.run(
        [cli_path(), "list", str(project_path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    stderr = failed(result, "test.claimdesk", "trigger 'rename_labels'")
    assert stderr.count("\n") == 1 and result.stdout == ""
    assert snapshot(project_path) == before
