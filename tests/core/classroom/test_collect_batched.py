"""A class's hand-in is collected and graded without waiting on per-student overhead: every new
student's annotations go into the project in one INSERT (not one per student), and Python's
cycle collector is paused while the files are read and checked and while the class is graded.
What ends up in the project, and what Undo takes back, stays the same."""

from __future__ import annotations

import gc
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from claimdesk.core.classroom.collect import check_submissions, collect, collect_checked
from claimdesk.core.classroom.exercise_files import timestamp_text, write_archive
from claimdesk.core.classroom.grading import grade
from claimdesk.core.classroom.submission_history import history
from claimdesk.core.classroom.submission_proof import new_secret, new_workspace_id, sign
from claimdesk.core.classroom.workspace import (
    PLAIN_SUBMISSION_VERSION,
    SUBMISSION_FORMAT,
    SUBMISSION_MIMETYPE,
    open_workspace,
    submit,
    workspace_info,
)
from claimdesk.core.store.project import Project
from claimdesk.core.store.tables import utcnow
from tests.core.classroom.classroom_kit import (
    annotate,
    exercise_with_key,
    student_submits,
    teacher_project,
)

KEY = [(0, "Claim", 0, 10), (0, "Evidence", 20, 30)]
CLASS = {
    "Ann": [(0, "Claim", 0, 10), (0, "Evidence", 12, 18), (1, "Claim", 0, 4)],
    "Bob": [(0, "Claim", 2, 10)],
    "Cem": [(1, "Evidence", 3, 9), (0, "Evidence", 20, 30)],
}
_ANNOTATION_INSERT = re.compile(r'^\s*INSERT INTO "?annotation"?\s*\(', re.IGNORECASE)


@contextmanager
def annotation_inserts() -> Iterator[list[str]]:
    """The INSERT statements into the annotation table sent to the database meanwhile."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if _ANNOTATION_INSERT.match(statement):
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", note)


def spans_of(project: Project, name: str) -> set[tuple[int, str, int, int]]:
    documents = [d.id for d in project.documents()]
    labels = {label.id: label.name for label in project.labels()}
    annotator = next(a.id for a in project.annotators() if a.name == name)
    return {
        (documents.index(d), labels[a.label_id], a.start, a.end)
        for d in documents
        for a in project.annotations(d, annotator)
    }


def class_handed_in(tmp_path: Path) -> tuple[Project, Any, list[Path]]:
    """A teacher's project with an exercise and its key, and each student's submission file."""
    project = teacher_project(tmp_path / "teacher")
    info = exercise_with_key(project, tmp_path, KEY)
    assert info.path is not None
    files = [
        student_submits(info.path, name, spans, tmp_path / name.lower())
        for name, spans in CLASS.items()
    ]
    return project, info, files


def test_a_class_of_new_students_is_stored_with_one_insert_of_its_annotations(
    tmp_path: Path,
) -> None:
    project, _, files = class_handed_in(tmp_path)
    with annotation_inserts() as inserts:
        report = collect(project, files)
    assert sorted(name for _, name in report.accepted) == sorted(CLASS)
    assert len(inserts) == 1  # one per student before
    # Each student's annotations under their own annotator, with the ids the report gives.
    for name, spans in CLASS.items():
        assert spans_of(project, name) == set(spans)
    added = report.changes.annotations_added
    stored = {
        a.id: (a.annotator_id, a.start, a.end)
        for d in project.documents()
        for a in project.annotations(d.id, None)
    }
    assert len(added) == sum(map(len, CLASS.values()))
    assert all(stored[a.id] == (a.annotator_id, a.start, a.end) for a in added)
    # One step: Undo takes every student back, Redo brings the same rows back.
    project.undo()
    assert {a.name for a in project.annotators()}.isdisjoint(CLASS)
    project.redo()
    for name, spans in CLASS.items():
        assert spans_of(project, name) == set(spans)
    project.close()


def test_a_second_file_of_a_student_in_the_same_collect_replaces_the_first(
    tmp_path: Path,
) -> None:
    project = teacher_project(tmp_path / "teacher")
    info = exercise_with_key(project, tmp_path, KEY)
    assert info.path is not None
    first_spans, later_spans = [(0, "Claim", 0, 10)], [(1, "Claim", 0, 4)]
    workspace = open_workspace(info.path, "Ann")
    with Project.open(workspace) as student:
        work = workspace_info(student)
        assert work is not None
        annotate(student, work.annotator.id, first_spans)
        first = submit(student, tmp_path / "ann-1.claimdesk-submission")
        annotate(student, work.annotator.id, later_spans)
        later = submit(student, tmp_path / "ann-2.claimdesk-submission")
    bob = student_submits(info.path, "Bob", CLASS["Bob"], tmp_path / "bob")
    # The first file waits to be stored with Bob's; the second replaces it all the same.
    report = collect(project, [first, bob, later])
    assert sorted(name for _, name in report.accepted) == ["Ann", "Bob"]
    assert [path.name for path, _ in report.replaced] == [later.name]
    assert spans_of(project, "Ann") == set(first_spans + later_spans)
    assert spans_of(project, "Bob") == set(CLASS["Bob"])
    kept = history(project, info.id)
    assert [(v.state, v.file_name) for v in kept] == [("replaced", first.name)]
    project.close()


def test_the_cycle_collector_is_paused_while_a_class_is_checked_stored_and_graded(
    tmp_path: Path,
) -> None:
    project, info, files = class_handed_in(tmp_path)
    assert gc.isenabled()
    seen: list[bool] = []

    def progress(_done: int, _total: int) -> bool:
        seen.append(gc.isenabled())
        return True

    checked = check_submissions(project, files, progress=progress)
    assert seen and not any(seen)
    assert gc.isenabled()
    collect_checked(project, checked)
    assert gc.isenabled()
    seen.clear()
    grades = grade(project, info.id, progress=progress)
    assert len(grades.students) == len(CLASS)
    assert seen and not any(seen)
    assert gc.isenabled()
    project.close()


def _signed_file(
    folder: Path, project: Project, exercise: Any, name: str, spans: list[tuple[int, int, int]]
) -> Path:
    """A student's submission of (document index, start, end) "Claim" spans, signed as their
    workspace signs its first file (written directly: hundreds of spans)."""
    documents = project.documents()
    data: dict[str, Any] = {
        "format": SUBMISSION_FORMAT,
        "version": PLAIN_SUBMISSION_VERSION,
        "submission_id": uuid.uuid4().hex,
        "exercise_id": exercise.id,
        "fingerprint": exercise.fingerprint,
        "student": {"name": name, "id": ""},
        "seconds_spent": 60,
        "submitted_at": timestamp_text(utcnow()),
        "documents_done": [],
        "annotations": [
            {
                "document": documents[index].id,
                "label": "Claim",
                "start": start,
                "end": end,
                "quote": project.document_text(documents[index].id)[start:end],
                "note": "",
            }
            for index, start, end in spans
        ],
    }
    data["proof"] = sign(data, new_workspace_id(), new_secret(), 1)
    path = folder / f"{name.lower()}.claimdesk-submission"
    write_archive(path, SUBMISSION_MIMETYPE, "submission.json", data)
    return path


def test_hundreds_of_annotations_go_in_hundreds_per_statement_and_undo_as_one(
    tmp_path: Path,
) -> None:
    project, info, _ = class_handed_in(tmp_path)
    # 2 students × 330 spans: more than one statement holds, and not a multiple of it.
    spans = [(0, start, start + length) for start in range(0, 66) for length in (1, 2, 3, 4, 5)]
    spans += [(1, start, start + length) for start in range(0, 51) for length in (2, 4, 6, 8, 10)]
    spans = spans[:330]
    files = [_signed_file(tmp_path, project, info, name, spans) for name in ("Dee", "Eve")]
    with annotation_inserts() as inserts:
        report = collect(project, files)
    assert not report.rejected, report.rejected
    assert sorted(name for _, name in report.accepted) == ["Dee", "Eve"]
    # Hundreds of rows a statement: far fewer statements than rows (and values), not one
    # step of the driver per row.
    assert inserts[0].count("?") >= 100 * 9
    documents = [d.id for d in project.documents()]
    expected = {(documents[index], start, end) for index, start, end in spans}
    for name in ("Dee", "Eve"):
        annotator = next(a.id for a in project.annotators() if a.name == name)
        stored = {
            (a.document_id, a.start, a.end)
            for d in documents
            for a in project.annotations(d, annotator)
        }
        assert stored == expected
    added = report.changes.annotations_added
    assert len(added) == 2 * 330
    rows = {a.id: a for d in documents for a in project.annotations(d, None)}
    assert all(rows[a.id].start == a.start and rows[a.id].end == a.end for a in added)
    project.undo()
    assert {a.name for a in project.annotators()}.isdisjoint({"Dee", "Eve"})
    project.redo()
    again = {a.id: a for d in documents for a in project.annotations(d, None)}
    assert again == rows
    project.close()
