"""The store's named reads for agreement and datasets, and its dialect corners, on a real file
and on a real server."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import bindparam, insert, select

from claimdesk.core.formats.base import SpanOut
from claimdesk.core.records import Status
from claimdesk.core.store import agreement_reads, datasets, dialects, driver
from claimdesk.core.store.project import Project
from claimdesk.core.store.tables import annotation_table, annotator_table, label_table
from claimdesk.core.text.textio import Article, sha256_text

pytestmark = pytest.mark.both_dialects

TEXTS = ("Troops left 🇷🇺 Mongolia today.", "Talks resumed in Ulaanbaatar.", "Nobody read this.")


@pytest.fixture
def filled(project: Project) -> tuple[Project, list[int], dict[str, int], dict[str, int]]:
    """Three documents; Ana and Bo annotate the first, Ana the second; Cy marks one done."""
    articles = [
        Article(Path(f"{i}.txt"), text, f"Doc {i}", sha256_text(text), "utf-8", ())
        for i, text in enumerate(TEXTS)
    ]
    docs = [document_id for document_id, _ in project.import_articles(articles).added]
    people = {name: project.ensure_annotator(name).id for name in ("Ana", "Bo", "Cy")}
    labels = {label.name: label.id for label in project.labels()}
    first, second = list(labels.values())[:2]
    project.add_annotation(docs[0], first, people["Ana"], 0, 6)
    project.add_annotation(docs[0], second, people["Ana"], 12, 14)
    project.add_annotation(docs[0], first, people["Bo"], 0, 6, note="same")
    project.add_annotation(docs[1], second, people["Ana"], 0, 5)
    project.set_status(docs[2], people["Cy"], Status.DONE)
    project.set_status(docs[1], people["Bo"], Status.TODO)
    return project, docs, people, labels


def test_agreement_rows_read_documents_spans_and_active_statuses(filled) -> None:
    project, docs, people, labels = filled
    rows = agreement_reads.agreement_rows(project, None)
    assert rows.documents == [(d, f"Doc {i}", TEXTS[i]) for i, d in enumerate(docs)]
    # document, annotator, label, start, end, and the annotation's id (for its attribute values)
    assert rows.spans.dtype == np.int64 and rows.spans.shape == (4, 6)
    first, second = list(labels.values())[:2]
    ids = {a.id for d in docs for a in project.annotations(d, None)}
    assert set(rows.spans[:, 5].tolist()) == ids
    assert sorted(map(tuple, rows.spans[:, :5].tolist())) == sorted(
        [
            (docs[0], people["Ana"], first, 0, 6),
            (docs[0], people["Ana"], second, 12, 14),
            (docs[0], people["Bo"], first, 0, 6),
            (docs[1], people["Ana"], second, 0, 5),
        ]
    )
    # In progress (from annotating) and done count; "to do" does not.
    ana, bo, cy = people["Ana"], people["Bo"], people["Cy"]
    expected = [(docs[0], ana), (docs[0], bo), (docs[1], ana), (docs[2], cy)]
    assert sorted(rows.active) == sorted(expected)


def test_agreement_rows_of_chosen_annotators_without_texts(filled) -> None:
    project, _, people, _ = filled
    rows = agreement_reads.agreement_rows(project, [people["Bo"]], texts=False)
    assert [text for _, _, text in rows.documents] == ["", "", ""]
    assert rows.spans[:, 1].tolist() == [people["Bo"]]
    nobody = agreement_reads.agreement_rows(project, [])
    assert nobody.spans.shape == (0, 6)


def test_pair_spans_label_counts_and_daily_counts(filled) -> None:
    project, docs, people, labels = filled
    ana, bo = people["Ana"], people["Bo"]
    pair = agreement_reads.pair_spans(project, ana, bo)
    assert len(pair) == 4
    assert {row[6] for row in pair} == {"Troops", "🇷🇺", "Talks"}
    in_first = agreement_reads.pair_spans(project, ana, bo, docs[1])
    assert [(row[1], row[2], row[3], row[4], row[6]) for row in in_first] == [
        (docs[1], ana, 0, 5, "Talks")
    ]
    first, second = list(labels.values())[:2]
    assert sorted(agreement_reads.label_counts(project)) == sorted(
        [(ana, first, 1), (ana, second, 2), (bo, first, 1)]
    )
    today = datetime.now(UTC).date()
    counts = agreement_reads.daily_counts(project)
    assert {(who, n) for who, _, n in counts.annotations} == {(ana, 3), (bo, 1)}
    assert [(who, n) for who, _, n in counts.documents_done] == [(people["Cy"], 1)]
    # Days are ISO dates (UTC, as stored): today or, near midnight, a day either side.
    days = {datetime.fromisoformat(day).date() for _, day, _ in counts.annotations}
    assert all(abs((day - today).days) <= 1 for day in days)


def test_import_keys_and_existing_spans(filled) -> None:
    project, docs, people, labels = filled
    keys = datasets.import_keys(project)
    assert keys.documents == {sha256_text(t): d for t, d in zip(TEXTS, docs, strict=True)}
    assert keys.labels == {name.casefold(): name for name in labels}
    assert keys.annotators == people
    assert keys.last_position == max(label.position for label in project.labels())
    existing = datasets.existing_spans(project, [docs[1]])
    assert existing.label_ids == {name.casefold(): i for name, i in labels.items()}
    second = list(labels.values())[1]
    assert existing.keys == {(docs[1], people["Ana"], second, 0, 5)}
    (ident,) = [a.id for a in project.annotations(docs[1], None)]
    assert existing.by_id == {ident: (docs[1], second, 0, 5)}


def test_stream_documents_in_the_order_given_with_sorted_named_spans(filled) -> None:
    project, docs, people, _ = filled
    streamed = list(datasets.stream_documents(project, [docs[1], docs[0]]))
    assert [doc.id for doc in streamed] == [docs[1], docs[0]]
    first = streamed[1]
    assert (first.title, first.text) == ("Doc 0", TEXTS[0])
    assert first.meta["encoding"] == "utf-8"  # JSON decoded
    spans = [SpanOut._make(row) for row in first.spans]
    assert [(s.start, s.end, s.annotator, s.quote, s.note) for s in spans] == [
        (0, 6, "Ana", "Troops", ""),
        (0, 6, "Bo", "Troops", "same"),
        (12, 14, "Ana", "🇷🇺", ""),
    ]
    assert isinstance(spans[0].created, str)  # the stored ISO text, parsed only on demand
    assert isinstance(spans[0].created_at, datetime)
    only_bo = list(datasets.stream_documents(project, [docs[0]], [people["Bo"]]))
    assert [row[4] for row in only_bo[0].spans] == ["Bo"]


def test_the_exported_span_columns_are_the_formats_fields() -> None:
    assert SpanOut._fields == datasets.SPAN_COLUMNS


def test_plain_query_compiles_once_and_reads_driver_tuples(filled) -> None:
    project, _, people, _ = filled
    query = driver.PlainQuery(
        select(annotation_table.c.start, annotation_table.c.quote)
        .where(annotation_table.c.annotator_id == bindparam("who", 0))
        .order_by(annotation_table.c.id)
    )
    with project.reading() as conn:
        assert query.rows(conn, who=people["Bo"]) == [(0, "Troops")]
        assert query.rows(conn, who=people["Cy"]) == []
        ids = driver.plain_rows(
            conn,
            select(annotator_table.c.name)
            .where(annotator_table.c.id.in_([people["Ana"], people["Cy"]]))
            .order_by(annotator_table.c.name),
        )
    assert ids == [("Ana",), ("Cy",)]
    assert type(ids[0]) is tuple  # the driver's rows, not SQLAlchemy's


def test_upsert_and_insert_if_absent(project: Project) -> None:
    values = {"name": "Dee", "created_at": datetime(2026, 1, 2)}
    key = [annotator_table.c.name]
    with project.writing() as conn:
        conn.execute(dialects.insert_if_absent(conn, annotator_table, values, key))
        conn.execute(dialects.insert_if_absent(conn, annotator_table, values, key))  # no error
        later = {"name": "Dee", "created_at": datetime(2026, 3, 4)}
        conn.execute(
            dialects.upsert(conn, annotator_table, later, key, {"created_at": later["created_at"]})
        )
    assert [a.name for a in project.annotators()].count("Dee") == 1
    with project.reading() as conn:
        when = conn.execute(
            select(annotator_table.c.created_at).where(annotator_table.c.name == "Dee")
        ).scalar_one()
    assert when == datetime(2026, 3, 4)


def test_the_engine_is_private(project: Project) -> None:
    assert "engine" not in vars(project)
    assert "_engine" in vars(project)


def test_opening_a_project_loads_only_the_sqlite_dialect(tmp_path: Path) -> None:
    # Start-up time: SQLAlchemy's PostgreSQL dialect is 19 modules the desktop never needs to
    # open a project (only a migration names it).
    path = tmp_path / "p.claimdesk"
    Project.create(path).close()
    script = (
        "import sys\n"
        "from claimdesk.core.store.project import Project\n"
        f"with Project.open({str(path)!r}) as p:\n"
        "    p.documents()\n"
        "others = ('postgresql', 'mysql', 'mssql', 'oracle')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[:3][-1] in others"
        " and m.startswith('sqlalchemy.dialects.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "[]"


def test_exported_spans_sort_names_by_code_point_on_every_server(project: Project) -> None:
    # A server sorts text by its collation (en-US: "ana" before "Bo", "É" beside "E"); SQLite by
    # code point. An export is the same file whichever holds the project: code point order.
    text = "Troops left Mongolia."
    article = Article(Path("t.txt"), text, "T", sha256_text(text), "utf-8", ())
    (document_id, _), *_ = project.import_articles([article]).added
    names = ["ana", "Bo", "Émile", "Zoé", "Eve"]
    for name in names:
        project.ensure_annotator(name)
    labels = {"apex": "#112233", "Zeal": "#445566", "Éclat": "#778899", "fact": "#aabbcc"}
    label_ids = [project.add_label(name, colour)[0].id for name, colour in labels.items()]
    for who in project.annotators():
        for label_id in label_ids:
            project.add_annotation(document_id, label_id, who.id, 0, 6)
    (streamed,) = datasets.stream_documents(project, [document_id])
    order = [(row[3], row[4]) for row in streamed.spans]
    assert order == [(label, who) for label in sorted(labels) for who in sorted(names)]


def test_rows_copied_with_their_ids_leave_new_ids_past_them(project: Project) -> None:
    # A project copied row by row (push, pull) keeps its ids. A server's sequence knows nothing
    # of them: without moving it on, the next annotation or label took id 1 again and was
    # refused as a duplicate.
    text = "Troops left Mongolia today."
    article = Article(Path("t.txt"), text, "T", sha256_text(text), "utf-8", ())
    (document_id, _), *_ = project.import_articles([article]).added
    ana = project.ensure_annotator("Ana").id
    label = project.labels()[0].id
    stamp = driver.stored_time(datetime(2026, 1, 2, 3, 4, 5))
    columns = ("id", "document_id", "label_id", "annotator_id", "start", "end", "quote", "note")
    copied = [(n, document_id, label, ana, n, n + 1, text[n], "") for n in (1, 2, 20)]
    with project.writing() as conn:
        driver.insert_many(
            conn,
            annotation_table,
            (*columns, "created_at", "updated_at"),
            [(*row, stamp, stamp) for row in copied],
        )
        values = {"name": "Copied", "colour": "#123456", "description": "", "position": 99}
        conn.execute(insert(label_table).values(id=77, **values))
        dialects.advance_ids(conn, [label_table])
    added = project.add_annotation(document_id, label, ana, 12, 16).annotations_added[0]
    assert added.id > 20 and project.annotation(added.id).quote == "Mong"
    new_label, _ = project.add_label("Fresh", "#654321")
    assert new_label.id > 77


def test_rows_copied_with_their_ids_never_move_new_ids_back(project: Project) -> None:
    # Annotation ids handed out to rows deleted since stay used (undo and redo name rows by id):
    # copying in a row with a smaller id must not make the next new one take a deleted one's id.
    text = "Troops left Mongolia today."
    article = Article(Path("t.txt"), text, "T", sha256_text(text), "utf-8", ())
    (document_id, _), *_ = project.import_articles([article]).added
    ana = project.ensure_annotator("Ana").id
    label = project.labels()[0].id
    made = [
        project.add_annotation(document_id, label, ana, start, start + 4).annotations_added[0]
        for start in (0, 7, 12)
    ]
    project.delete_annotations([made[1].id, made[2].id])
    stamp = driver.stored_time(datetime(2026, 1, 2, 3, 4, 5))
    columns = ("id", "document_id", "label_id", "annotator_id", "start", "end", "quote", "note")
    with project.writing() as conn:
        driver.insert_many(
            conn,
            annotation_table,
            (*columns, "created_at", "updated_at"),
            [(made[1].id, document_id, label, ana, 7, 11, text[7:11], "", stamp, stamp)],
        )
    fresh = project.add_annotation(document_id, label, ana, 21, 26).annotations_added[0]
    assert fresh.id > made[2].id
