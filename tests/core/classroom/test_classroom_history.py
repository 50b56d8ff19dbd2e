"""Every classroom write is an edit: collect, restore, a new exercise and its key undo and redo
as one step each, and after every step the file holds exactly what the history says."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from claimdesk.core.classroom.collect import (
    check_submissions,
    collect,
    collect_checked,
    submissions,
)
from claimdesk.core.classroom.exercise import create_exercise, exercises, set_key
from claimdesk.core.classroom.submission_history import history, restore_version
from claimdesk.core.classroom.workspace import (
    open_workspace,
    record_time,
    submit,
    workspace_info,
)
from claimdesk.core.errors import EditError
from claimdesk.core.records import Status
from claimdesk.core.store import classroom as classroom_store
from claimdesk.core.store.classroom_records import WorkspaceDocument, WorkspaceSetup
from claimdesk.core.store.project import Project
from tests.core.classroom.classroom_kit import (
    annotate,
    exercise_with_key,
    label_id,
    student_submits,
    table_rows,
    teacher_project,
)

KEY = [(0, "Claim", 0, 10), (0, "Evidence", 20, 30)]
ANN = [(0, "Claim", 0, 10), (0, "Evidence", 12, 18), (1, "Claim", 0, 4)]
BOB = [(0, "Claim", 2, 10)]


pytestmark = pytest.mark.both_dialects


@pytest.fixture
def teacher(tmp_path: Path, new_project_target: Path | str) -> Iterator[tuple[Project, Path]]:
    project = teacher_project(tmp_path / "teacher", target=new_project_target)
    info = exercise_with_key(project, tmp_path, KEY)
    assert info.path is not None
    yield project, info.path
    project.close()


def rows(project: Project) -> dict[str, list[tuple[Any, ...]]]:
    """The file's rows. Not part of the state: SQLite's counter of ids given out (ids are never
    reused, so it only grows) and when a status was set (redoing an annotation sets it anew)."""
    found = table_rows(project)
    found.pop("sqlite_sequence", None)
    found.pop("applied_edit", None)  # on a server every edit, undo and redo leaves its key
    found["document_status"] = [row[:-1] for row in found["document_status"]]
    return found


def names(project: Project) -> set[str]:
    return {annotator.name for annotator in project.annotators()}


def test_a_collect_is_one_step_undo_takes_back_and_redo_brings_back(
    teacher: tuple[Project, Path], tmp_path: Path
) -> None:
    project, exercise = teacher
    exercise_id = exercises(project)[0].id
    files = [
        student_submits(exercise, "Ann", ANN, tmp_path / "ann"),
        student_submits(exercise, "Bob", BOB, tmp_path / "bob"),
    ]
    # The teacher's own edit just before collecting.
    teacher_id = next(a.id for a in project.annotators() if a.name == "Teacher")
    second = project.documents()[1].id
    before_edit = rows(project)
    project.add_annotation(second, label_id(project, "Claim"), teacher_id, 5, 9)
    before = rows(project)

    report = collect(project, files)
    assert sorted(name for _, name in report.accepted) == ["Ann", "Bob"]
    after = rows(project)
    assert project.history.undo_text == "Collect 2 submissions"
    # The report says what changed: every collected annotation, the students' statuses, people.
    added = report.changes.annotations_added
    assert len(added) == len(ANN) + len(BOB) and not report.changes.annotations_removed
    assert {(a.start, a.end) for a in added} == {(s, e) for _, _, s, e in ANN + BOB}
    students = {a.annotator_id for a in added}
    assert {s.annotator_id for s in report.changes.statuses} == students
    assert {s.status for s in report.changes.statuses} == {Status.IN_PROGRESS}
    assert report.changes.documents  # new annotators

    undone = project.undo()
    assert undone is not None
    assert rows(project) == before  # annotations, statuses, submissions, annotators: all gone
    assert submissions(project, exercise_id) == [] and {"Ann", "Bob"}.isdisjoint(names(project))
    assert {r.id for r in undone.annotations_removed} == {r.id for r in added}
    # A second undo takes back the edit made before the collect.
    assert project.history.undo_text == "Add annotation"
    project.undo()
    assert rows(project) == before_edit

    project.redo()
    assert rows(project) == before
    redone = project.redo()
    assert redone is not None
    assert rows(project) == after  # the same rows, ids included
    assert {r.id for r in redone.annotations_added} == {r.id for r in added}
    assert [s.student_name for s in submissions(project, exercise_id)] == ["Ann", "Bob"]
    assert project.history.redo_text is None


def test_a_replacing_collect_with_a_held_file_undoes_to_the_first_collect(
    teacher: tuple[Project, Path], tmp_path: Path
) -> None:
    project, exercise = teacher
    exercise_id = exercises(project)[0].id
    collect(project, [student_submits(exercise, "Ann", ANN, tmp_path / "v1", "S1")])
    first = rows(project)
    # Ann submits again from her workspace; a file from another workspace claims her id.
    with Project.open(open_workspace(exercise, "Ann", "S1")) as student:
        work = workspace_info(student)
        assert work is not None
        annotate(student, work.annotator.id, [(1, "Evidence", 10, 20)])
        later = submit(student, tmp_path / "v2")
    forged_home = tmp_path / "elsewhere"
    forged_home.mkdir()
    saved = os.environ["CLAIMDESK_DATA_DIR"]
    os.environ["CLAIMDESK_DATA_DIR"] = str(forged_home)
    try:
        forged = student_submits(exercise, "Eve", [], tmp_path / "eve", "S1")
    finally:
        os.environ["CLAIMDESK_DATA_DIR"] = saved
    report = collect(project, [later, forged])
    assert len(report.replaced) == 1 and len(report.held) == 1
    second = rows(project)
    replaced = report.changes
    assert len(replaced.annotations_removed) == len(ANN)
    assert len(replaced.annotations_added) == len(ANN) + 1

    project.undo()
    assert rows(project) == first
    assert history(project, exercise_id) == []
    project.redo()
    assert rows(project) == second
    assert sorted(v.state for v in history(project, exercise_id)) == ["held", "replaced"]


def test_restoring_a_kept_submission_is_an_edit(
    teacher: tuple[Project, Path], tmp_path: Path
) -> None:
    project, exercise = teacher
    exercise_id = exercises(project)[0].id
    collect(project, [student_submits(exercise, "Ann", ANN, tmp_path / "v1", "S1")])
    with Project.open(open_workspace(exercise, "Ann", "S1")) as student:
        later = submit(student, tmp_path / "v2")  # the same work, submitted again
    collect(project, [later])
    before = rows(project)
    (old,) = history(project, exercise_id)
    restored = restore_version(project, old.id)
    assert restored.annotator_name == "Ann (S1)"
    assert len(restored.changes.annotations_added) == len(ANN)
    assert project.history.undo_text == "Restore submission"
    after = rows(project)
    project.undo()
    assert rows(project) == before
    project.redo()
    assert rows(project) == after


def test_creating_an_exercise_and_choosing_its_key_are_edits(
    tmp_path: Path, new_project_target: Path | str
) -> None:
    project = teacher_project(tmp_path / "teacher", target=new_project_target)
    with project:
        before = rows(project)
        info = create_exercise(
            project, tmp_path, title="Week 2", document_ids=[project.documents()[0].id]
        )
        assert info.path is not None and info.path.exists()
        assert project.history.undo_text == "Create exercise 'Week 2'"
        created = rows(project)
        curator = project.ensure_annotator("Curator")  # not an edit: people are not undone
        with_curator = rows(project)
        set_key(project, info.id, curator.id)
        assert project.history.undo_text == "Choose answer key"
        project.undo()
        assert exercises(project)[0].key_annotator_id is None
        assert rows(project) == with_curator
        project.undo()
        assert exercises(project) == []
        assert info.path.exists()  # the file handed out stays; the project forgets it
        assert {k: v for k, v in rows(project).items() if k != "annotator"} == {
            k: v for k, v in before.items() if k != "annotator"
        }
        project.redo()
        assert [e.id for e in exercises(project)] == [info.id]
        assert {k: v for k, v in rows(project).items() if k != "annotator"} == {
            k: v for k, v in created.items() if k != "annotator"
        }
        project.redo()
        assert exercises(project)[0].key_annotator_name == "Curator"


def test_a_collect_checked_elsewhere_is_refused_if_the_class_changed_meanwhile(
    teacher: tuple[Project, Path], tmp_path: Path
) -> None:
    project, exercise = teacher
    first = student_submits(exercise, "Ann", ANN, tmp_path / "a")
    # Checked (as the window's worker does, with its own connection), stored later.
    with Project.open(project.location) as worker:
        checked = check_submissions(worker, [first])
    collect(project, [first])  # collected another way in between
    before = rows(project)
    undo_text = project.history.undo_text
    with pytest.raises(EditError, match="changed while the files were checked"):
        collect_checked(project, checked)
    assert rows(project) == before and project.history.undo_text == undo_text


def test_checked_in_a_worker_and_stored_in_the_window_project_undoes_there(
    teacher: tuple[Project, Path], tmp_path: Path
) -> None:
    project, exercise = teacher
    before = rows(project)
    path = student_submits(exercise, "Ann", ANN, tmp_path / "a")
    with Project.open(project.location) as worker:
        checked = check_submissions(worker, [path])
        assert worker.history.undo_text is None
    assert rows(project) == before  # checking writes nothing
    report = collect_checked(project, checked)
    assert [name for _, name in report.accepted] == ["Ann"]
    project.undo()
    assert rows(project) == before


def test_a_collect_of_only_bad_files_adds_no_step(
    teacher: tuple[Project, Path], tmp_path: Path
) -> None:
    project, _ = teacher
    undo_text = project.history.undo_text
    bad = tmp_path / "bad.claimdesk-submission"
    bad.write_bytes(b"not a zip")
    report = collect(project, [bad])
    assert report.rejected and report.changes == type(report.changes)()
    assert project.history.undo_text == undo_text


def test_a_new_workspace_is_not_an_edit_and_says_so(new_project_target: Path | str) -> None:
    with Project.create(new_project_target) as project:
        project.add_label("Claim", "#e6194b")
        assert project.history.undo_text is not None
        annotator = project.ensure_annotator("Ann")
        result = classroom_store.create_workspace(
            project,
            WorkspaceSetup(
                exercise_id="0" * 32,
                title="Week 1",
                guidelines="",
                fingerprint="f" * 64,
                created_at=classroom_store.utcnow(),
                documents=(WorkspaceDocument(7, "One", "Some text.", "a" * 64),),
                annotator_id=annotator.id,
                student_name="Ann",
                student_id="",
                exercise_path="",
                public_id="1" * 32,
                secret="2" * 64,
            ),
        )
        assert result.history_cleared
        assert project.history.undo_text is None and project.history.redo_text is None
        (document,) = project.documents()
        assert result.documents == ((7, document.id),)


def test_time_and_submissions_are_bookkeeping_the_students_undo_survives(
    teacher: tuple[Project, Path], tmp_path: Path
) -> None:
    _, exercise = teacher
    with Project.open(open_workspace(exercise, "Ann")) as student:
        work = workspace_info(student)
        assert work is not None
        annotate(student, work.annotator.id, [(0, "Claim", 0, 10)])
        record_time(student, 120)
        submit(student, tmp_path)
        assert student.history.undo_text == "Add annotation"
        student.undo()
        after = workspace_info(student)
        assert after is not None
        assert after.annotations == 0 and after.submitted_at is not None
        assert after.seconds_spent >= 120
