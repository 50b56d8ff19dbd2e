"""push and pull on a real PostgreSQL server: a whole project onto an empty database and back
into a new file, every row of every table the same, ids kept, all or nothing."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import insert, select

from claimdesk.core.classroom.collect import collect
from claimdesk.core.errors import Cancelled, ProjectError
from claimdesk.core.records import Status
from claimdesk.core.scheme import AttributeKind, AttributeSpec, DocLabelSpec, RelationSpec
from claimdesk.core.store.curation import ensure_gold_set
from claimdesk.core.store.project import Project
from claimdesk.core.store.tables import (
    Base,
    applied_edit_table,
    utcnow,
    workspace_table,
)
from claimdesk.core.store.transfer import carried_tables, describe_counts, pull, push
from claimdesk.core.suggest import Suggestion
from claimdesk.core.text.suggest_rules import SuggestRules
from tests.core.classroom.classroom_kit import (
    TEXT_1,
    TEXT_2,
    exercise_with_key,
    label_id,
    student_submits,
    teacher_project,
)

# Outside the BMP (CJK extension B, emoji with a skin tone), a combining mark with no
# precomposed form (q + dot above), right-to-left text; written with CRLF line endings.
TEXT_3 = (
    "𠀀𪚥 said: q\u0307 is not ȩ̄.\r\nمرحبا 👩🏽‍🔬 and 🇨🇳 agreed.\r\nA third line, a longer claim."
)
NOTE = "Checked 𠀀 against the source 🙂\r\nsecond line, q\u0307, a\u0301, tab\there"


def rich_project(folder: Path) -> Path:
    """A teacher's project with something in every table: awkward texts, a codebook whose group
    comes after its member, notes, statuses, a gold set, an exercise with submissions (one of
    them replaced), a workspace row, an edit key, and a deleted annotation (so the highest id
    ever used is above the highest id left)."""
    project = teacher_project(folder, (TEXT_1, TEXT_2, TEXT_3))
    key = [(0, "Claim", 1, 8), (1, "Evidence", 0, 4), (2, "Claim", 0, 6)]
    exercise = exercise_with_key(project, folder / "week1.claimdesk-exercise", key)
    first = student_submits(exercise.path, "Ann 🙂", [(0, "Claim", 1, 6)], folder / "v1", "S1")
    collect(project, [first])
    again = [(2, "Evidence", 0, 6)]  # the workspace still holds the first span
    collect(project, [student_submits(exercise.path, "Ann 🙂", again, folder / "v2", "S1")])
    collect(project, [student_submits(exercise.path, "李 𠀀", [(1, "Claim", 2, 9)], folder / "v3")])
    documents = project.documents()
    teacher = project.ensure_annotator("Teacher")
    spans = project.annotations(documents[2].id, teacher.id)
    project.set_note(spans[0].id, NOTE)
    project.set_status(documents[0].id, teacher.id, Status.DONE)
    project.set_status(documents[2].id, teacher.id, Status.IN_PROGRESS)
    gold = ensure_gold_set(project)
    project.add_annotation(documents[2].id, label_id(project, "Claim"), gold.id, 0, 6, note=NOTE)
    group, _ = project.add_label("Group Ω 𠀀", "#123456", description="after its member")
    project.update_label(label_id(project, "Claim"), parent_id=group.id)
    project.add_annotation(documents[1].id, label_id(project, "Evidence"), teacher.id, 5, 9)
    # Attributes, relations and document labels, with awkward values.
    claim, evidence = label_id(project, "Claim"), label_id(project, "Evidence")
    stance, _ = project.add_attribute(
        claim, AttributeSpec("Stance 𠀀", AttributeKind.CHOICE, ("for", "gegen ✓"), ("f", "g"))
    )
    topics, _ = project.add_attribute(
        claim, AttributeSpec("Topics", AttributeKind.MULTI, ("a", "b"), default=("b",))
    )
    kind, _ = project.add_relation_type(
        RelationSpec("supports", "#2ca02c", sources=("Evidence",), targets=("Claim",))
    )
    ends = project.annotations(documents[1].id, teacher.id)
    said = project.add_annotation(documents[1].id, claim, teacher.id, 10, 14)
    said_id = said.annotations_added[0].id
    project.set_attribute([said_id], stance.id, "gegen ✓")
    project.set_attribute([said_id], topics.id, ["a", "b"])
    evidence_id = next(a.id for a in ends if a.label_id == evidence)
    project.add_relation(kind.id, evidence_id, said_id)
    topic, _ = project.add_doc_label_set(DocLabelSpec("Topic", True, ("=SUM(A1)", "<b>x</b>")))
    project.set_document_labels(documents[1].id, teacher.id, topic.id, ["=SUM(A1)", "<b>x</b>"])
    # Suggestion rules and decisions, awkward text included.
    project.set_suggestion_rules({claim: SuggestRules(("𠀀 claim",), (r"\d+ Ω",), case=True)})
    text = project.document_text(documents[0].id)
    suggested = Suggestion(documents[0].id, 0, 3, evidence, "project", 0.5, text[0:3])
    project.reject_suggestion(teacher.id, suggested)
    project.add_annotation(documents[1].id, evidence, teacher.id, 20, 24)
    last = max(a.id for a in project.annotations(documents[1].id, None))
    project.delete_annotations([last])
    with project.writing() as conn:
        conn.execute(insert(applied_edit_table).values(key="edit-𠀀-1", applied_at=utcnow()))
        conn.execute(
            insert(workspace_table).values(
                exercise_id=exercise.id,
                annotator_id=teacher.id,
                student_name="Zoë",
                student_id="Z9",
                seconds_spent=61,
                started_at=utcnow(),
            )
        )
    path = project.path
    project.close()
    return path


def every_row(project: Project) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the schema, by primary key, as SQLAlchemy reads it."""
    with project.reading() as conn:
        return {
            table.name: [
                tuple(row)
                for row in conn.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in carried_tables()
        }


def file_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with Project.open(path) as project:
        return every_row(project)


def server_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    with Project.open(url) as project:
        return every_row(project)


def last_annotation_id_ever(path: Path) -> int:
    with Project.open(path) as project, project.reading() as conn:
        return int(
            conn.exec_driver_sql(
                "SELECT seq FROM sqlite_sequence WHERE name = 'annotation'"
            ).scalar_one()
        )


def server_tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    return {name for (name,) in rows}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def rich(tmp_path: Path) -> Path:
    return rich_project(tmp_path / "teacher")


def test_every_table_of_the_schema_is_carried_and_the_sample_fills_each(rich: Path) -> None:
    # A table added to the schema later is carried (the list comes from the metadata); this
    # test then asks for a row of it in rich_project, so the round trip below covers it too.
    assert {t.name for t in carried_tables()} == set(Base.metadata.tables)
    empty = [name for name, rows in file_rows(rich).items() if not rows]
    assert empty == [], f"rich_project leaves {empty} empty: add a row so the round trip sees it"


def test_push_then_pull_gives_back_every_row_of_every_table_with_its_id(
    rich: Path, pg_url: str, tmp_path: Path
) -> None:
    before = file_rows(rich)
    seen: list[tuple[int, int]] = []

    pushed = push(rich, pg_url, progress=lambda done, total: seen.append((done, total)) or True)

    assert pushed.counts == {name: len(rows) for name, rows in before.items()}
    assert describe_counts(pushed.counts) == (
        "3 documents, 4 labels, 4 annotators, 9 annotations, 7 statuses, 2 attributes, "
        "2 attribute values, 1 relation type, 1 relation, 1 document label set, "
        "2 document labels, 2 suggestion rules, 1 suggestion decision, 1 exercise, "
        "1 workspace, 2 submissions, "
        "1 earlier or held submission, 1 edit key, 1 project record"
    )
    assert server_rows(pg_url) == before
    total = sum(len(rows) for rows in before.values())
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)

    back = tmp_path / "back.claimdesk"
    pulled = pull(pg_url, back)

    assert pulled.counts == pushed.counts
    assert (pulled.filtered, pulled.unreadable) == ([], [])
    assert file_rows(back) == before
    # The awkward texts came through untouched, code point for code point.
    with Project.open(back) as project:
        texts = [project.document_text(d.id) for d in project.documents()]
    assert "𠀀𪚥 said: q\u0307 is not ȩ̄.\nمرحبا 👩🏽‍🔬" in texts[2]
    assert texts[0].startswith("𠀋")
    # Ids are never reused: the file pulled back still knows the highest one ever handed out.
    assert last_annotation_id_ever(back) == last_annotation_id_ever(rich)
    assert last_annotation_id_ever(rich) > max(row[0] for row in before["annotation"])


def test_after_a_push_the_server_hands_out_fresh_ids(rich: Path, pg_url: str) -> None:
    before = file_rows(rich)
    highest_ever = last_annotation_id_ever(rich)
    push(rich, pg_url)

    with Project.open(pg_url) as project:
        document = project.documents()[1]
        person = project.ensure_annotator("Someone new")
        label, _ = project.add_label("New label", "#abcdef")
        changes = project.add_annotation(document.id, label.id, person.id, 0, 4)
        added = changes.annotations_added[0]
        report = project.import_articles([])
    assert person.id == max(row[0] for row in before["annotator"]) + 1
    assert label.id == max(row[0] for row in before["label"]) + 1
    # Above the deleted annotation's id too: an id seen in an old export means one annotation.
    assert added.id == highest_ever + 1
    assert report.added == []


def test_after_a_push_the_server_knows_how_many_rows_each_table_holds(
    rich: Path, pg_url: str
) -> None:
    # Without statistics the planner guesses, and the generic plan of a hot read that psycopg
    # prepares could filter every span of a document (1.6 ms instead of 0.07 per new span).
    push(rich, pg_url)
    with psycopg.connect(pg_url) as conn:
        for table in ("annotation", "document", "label", "annotator"):
            known = conn.execute(
                "SELECT reltuples FROM pg_class WHERE relname = %s", (table,)
            ).fetchone()
            count = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
            assert known is not None and count is not None
            assert known[0] == count[0], table  # -1: never analysed


def test_push_into_a_database_that_holds_anything_is_refused_and_changes_nothing(
    rich: Path, pg_url: str, project_path: Path
) -> None:
    push(rich, pg_url)
    before = server_rows(pg_url)

    with pytest.raises(ProjectError) as refused:
        push(project_path, pg_url)

    assert "is not empty: it already holds a Claimdesk project" in str(refused.value)
    assert "push only into an empty database" in str(refused.value)
    assert server_rows(pg_url) == before


def test_push_into_a_database_of_another_program_is_refused(
    project_path: Path, pg_url: str
) -> None:
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE invoices (id int)")

    with pytest.raises(ProjectError, match="holds tables of another program \\(invoices\\)"):
        push(project_path, pg_url)

    assert server_tables(pg_url) == {"invoices"}


def test_a_push_that_fails_half_way_leaves_the_database_empty(
    rich: Path, pg_url: str, tmp_path: Path
) -> None:
    # A NUL character: PostgreSQL's text cannot hold it (Claimdesk refuses one in a note now, but
    # an older file, or one written by another program, may hold it). The annotations come after
    # documents, labels and annotators, which were already copied when it fails.
    with sqlite3.connect(rich) as conn:
        conn.execute("UPDATE annotation SET note = 'a ' || char(0) || ' in a note' WHERE id = "
                     "(SELECT max(id) FROM annotation)")  # fmt: skip
    conn.close()

    with pytest.raises(ProjectError) as stopped:
        push(rich, pg_url)

    message = str(stopped.value)
    assert message.startswith(f"{Path(pg_url).name} on 127.0.0.1:")
    assert "the push stopped at the table annotation" in message
    assert message.endswith("nothing was written to the server")
    assert "\n" not in message
    assert server_tables(pg_url) == set()


def test_a_file_whose_rows_point_nowhere_is_refused_and_the_database_left_empty(
    rich: Path, pg_url: str
) -> None:
    # Written past Claimdesk (sqlite3 leaves foreign keys unchecked unless asked): an
    # annotation under a label that does not exist.
    with sqlite3.connect(rich) as conn:
        conn.execute("UPDATE annotation SET label_id = 999 WHERE id = 1")
    conn.close()

    with pytest.raises(ProjectError) as stopped:
        push(rich, pg_url)

    assert "violates foreign key constraint" in str(stopped.value)
    assert str(stopped.value).endswith("nothing was written to the server")
    assert server_tables(pg_url) == set()


def test_a_cancelled_push_leaves_the_database_empty(rich: Path, pg_url: str) -> None:
    with pytest.raises(Cancelled):
        push(rich, pg_url, progress=lambda done, total: done < total // 2)
    assert server_tables(pg_url) == set()


def test_pull_onto_an_existing_file_is_refused_and_the_file_is_unchanged(
    rich: Path, pg_url: str, project_path: Path
) -> None:
    push(rich, pg_url)
    before = digest(project_path)

    with pytest.raises(ProjectError, match="already exists; pull into a new file"):
        pull(pg_url, project_path)

    assert digest(project_path) == before
    with pytest.raises(ProjectError, match=r"a project file name ends in \.claimdesk"):
        pull(pg_url, project_path.with_suffix(".db"))
    with pytest.raises(ProjectError) as refused:
        pull(pg_url, project_path.parent / "gone" / "x.claimdesk")
    assert str(refused.value).startswith("x.claimdesk: cannot be created: the folder")


def test_a_failed_pull_leaves_no_file_behind(rich: Path, pg_url: str, tmp_path: Path) -> None:
    push(rich, pg_url)
    folder = tmp_path / "pulled"
    folder.mkdir()

    with pytest.raises(Cancelled):
        pull(pg_url, folder / "copy.claimdesk", progress=lambda done, total: done < total // 2)

    assert list(folder.iterdir()) == []


def test_what_a_killed_pull_left_is_removed_by_the_next_pull_to_that_place(
    rich: Path, pg_url: str, tmp_path: Path
) -> None:
    push(rich, pg_url)
    folder = tmp_path / "pulled"
    folder.mkdir()
    # A pull killed with SIGKILL cannot clean up: its hidden file names its (gone) process.
    left = [folder / ".copy.claimdesk.pull-4194303", folder / ".copy.claimdesk.pull-4194303-wal"]
    for path in left:
        path.write_bytes(b"half a file")
    other = folder / ".other.claimdesk.pull-4194303"
    other.write_bytes(b"another target's")

    pull(pg_url, folder / "copy.claimdesk")

    assert sorted(p.name for p in folder.iterdir()) == [
        ".other.claimdesk.pull-4194303",
        "copy.claimdesk",
    ]


def test_a_pull_by_someone_row_level_security_limits_holds_only_what_they_may_read(
    rich: Path, pg_url: str, tmp_path: Path
) -> None:
    """As an annotator of a blind project: a login role that reads everything but other
    people's annotations (row-level security) and nothing of the submissions."""
    push(rich, pg_url)
    role = f"ann_{Path(pg_url).name}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'ann-secret'")
        conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
        conn.execute(f"REVOKE SELECT ON exercise_submission FROM {role}")
        conn.execute("UPDATE annotator SET login = %s WHERE name = 'Ann 🙂 (S1)'", (role,))
        conn.execute("ALTER TABLE annotation ENABLE ROW LEVEL SECURITY")
        conn.execute(
            f"CREATE POLICY own ON annotation TO {role} USING "
            "(annotator_id = (SELECT id FROM annotator WHERE login = current_user))"
        )
        # What hangs on annotations follows them, as `server init` sets it up.
        for table, visible in (
            ("relation", "annotator_id = (SELECT id FROM annotator WHERE login = current_user)"),
            (
                "annotation_attribute",
                "EXISTS (SELECT 1 FROM annotation WHERE annotation.id = annotation_id)",
            ),
            (
                "document_label",
                "annotator_id = (SELECT id FROM annotator WHERE login = current_user)",
            ),
        ):
            conn.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            conn.execute(f"CREATE POLICY own ON {table} TO {role} USING ({visible})")
    as_ann = pg_url.replace("postgres@", f"{role}:ann-secret@")
    back = tmp_path / "ann.claimdesk"

    report = pull(as_ann, back)

    assert report.signed_in_as == role
    assert sorted(report.filtered) == [
        "annotation",
        "annotation_attribute",
        "document_label",
        "relation",
    ]
    assert report.unreadable == ["exercise_submission"]
    rows = file_rows(back)
    with Project.open(back) as project:
        ann = next(a.id for a in project.annotators() if a.name == "Ann 🙂 (S1)")
    assert rows["annotation"] and {row[3] for row in rows["annotation"]} == {ann}
    assert rows["exercise_submission"] == []
    assert rows["document"] == server_rows(pg_url)["document"]


def test_push_by_an_owner_into_the_empty_tables_of_an_initialised_database(
    rich: Path, pg_url: str, tmp_path: Path
) -> None:
    """As after `server init`: the schema is there with no row in it, row-level security is on,
    and the owner who pushes does not own the tables (so the server refuses COPY for them)."""
    before = file_rows(rich)
    push(rich, pg_url)
    owner = f"own_{Path(pg_url).name}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("TRUNCATE " + ", ".join(before) + " RESTART IDENTITY")
        conn.execute(f"CREATE ROLE {owner} LOGIN PASSWORD 'owner-pass'")
        conn.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {owner}")
        conn.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {owner}")
        conn.execute("ALTER TABLE annotation ENABLE ROW LEVEL SECURITY")
        conn.execute(f"CREATE POLICY everything ON annotation TO {owner} USING (true)")

    push(rich, pg_url.replace("postgres@", f"{owner}:owner-pass@"))

    assert server_rows(pg_url) == before
    with Project.open(pg_url) as project:
        document = project.documents()[0]
        claim = label_id(project, "Claim")
        added = project.add_annotation(document.id, claim, 1, 20, 30).annotations_added[0]
    assert added.id == last_annotation_id_ever(rich) + 1
