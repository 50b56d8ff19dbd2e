"""Collecting: newer replaces older, names never merge two people, cancel writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import delete

from claimdesk.core.classroom.collect import collect, submissions
from claimdesk.core.classroom.exercise import (
    Cancelled,
    ExerciseError,
    create_exercise,
    exercises,
    set_key,
)
from claimdesk.core.classroom.workspace import open_workspace, submit, workspace_info
from claimdesk.core.store import engine as store
from claimdesk.core.store.project import Project
from claimdesk.core.store.tables import document_table, utcnow
from tests.core.classroom.classroom_kit import (
    annotate,
    exercise_with_key,
    rewrite_submission,
    student_submits,
    table_rows,
    teacher_project,
)

KEY = [(0, "Claim", 0, 10), (0, "Evidence", 20, 30)]


pytestmark = pytest.mark.both_dialects


@pytest.fixture
def teacher(tmp_path: Path, new_project_target: Path | str) -> Iterator[tuple[Project, Path]]:
    project = teacher_project(tmp_path / "teacher", target=new_project_target)
    info = exercise_with_key(project, tmp_path, KEY)
    assert info.path is not None
    yield project, info.path
    project.close()


def count_for(project: Project, name: str) -> int:
    annotator = next(a for a in project.annotators() if a.name == name)
    return sum(len(project.annotations(d.id, annotator.id)) for d in project.documents())


def test_a_newer_submission_replaces_the_older_one(
    teacher: tuple[Project, Path], tmp_path: Path
) -> None:
    project, exercise = teacher
    first = student_submits(exercise, "Ann", [(0, "Claim", 0, 10)], tmp_path / "v1")
    assert [n for _, n in collect(project, [first]).accepted] == ["Ann"]
    # Ann goes on working in the same workspace and submits again.
    with Project.open(open_workspace(exercise, "Ann")) as student:
        work = workspace_info(student)
        assert work is not None and work.submitted_at is not None
        annotate(student, work.annotator.id, [(0, "Evidence", 20, 30), (1, "Claim", 0, 4)])
        second = submit(student, tmp_path / "v2")
    report = collect(project, [second])
    assert [n for _, n in report.replaced] == ["Ann"] and not report.accepted
    assert count_for(project, "Ann") == 3  # replaced, never doubled
    (info,) = submissions(project, exercises(project)[0].id)
    assert (info.annotation_count, info.file_name) == (3, second.name)
    # The first file, collected once more, is older: skipped, nothing changes.
    before = table_rows(project)
    report = collect(project, [first])
    assert "older than the submission already collected" in report.skipped[0][1]
    assert table_rows(project) == before


def test_names_never_merge_two_people(teacher: tuple[Project, Path], tmp_path: Path) -> None:
    project, exercise = teacher
    project.ensure_annotator("Ann")  # the teacher's own annotator, not a student
    a = student_submits(exercise, "Ann", [(0, "Claim", 0, 10)], tmp_path / "a")
    b = student_submits(exercise, "Ann", [(0, "Claim", 20, 30)], tmp_path / "b", "s7")
    c = student_submits(exercise, "Teacher", [(0, "Claim", 40, 50)], tmp_path / "c")
    report = collect(project, [a, b, c])
    assert sorted(n for _, n in report.accepted) == ["Ann (s7)", "Ann – Week 1", "Teacher – Week 1"]
    assert count_for(project, "Ann") == 0
    assert count_for(project, "Teacher") == len(KEY)  # the key is untouched
    assert count_for(project, "Ann – Week 1") == 1


def test_a_student_keeps_their_annotator_across_exercises_on_other_documents(
    teacher: tuple[Project, Path], tmp_path: Path
) -> None:
    project, _ = teacher
    first, second = (d.id for d in project.documents())
    weeks = [
        create_exercise(project, tmp_path / f"w{n}", title=f"Week {n}", document_ids=[doc])
        for n, doc in ((1, first), (2, second), (3, second))
    ]
    one, two, three = (
        student_submits(w.path, "Ann", [(0, "Claim", 0, 4)], tmp_path / w.title, "s1")
        for w in weeks
        if w.path is not None
    )
    report = collect(project, [one, two, three])
    # Week 2 shares no document with week 1: same annotator. Week 3 shares week 2's document,
    # so replacing one must not wipe the other: a second annotator.
    assert sorted(n for _, n in report.accepted) == ["Ann (s1)", "Ann (s1)", "Ann (s1) – Week 3"]
    assert count_for(project, "Ann (s1)") == 2
    assert count_for(project, "Ann (s1) – Week 3") == 1


def test_cancelled_collect_writes_nothing(teacher: tuple[Project, Path], tmp_path: Path) -> None:
    project, exercise = teacher
    files = [
        student_submits(exercise, f"S{n}", [(0, "Claim", 0, 10)], tmp_path / f"s{n}")
        for n in range(3)
    ]
    before = table_rows(project)
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        seen.append((done, total))
        return done < 3  # stop once all three were read, just before writing

    with pytest.raises(Cancelled):
        collect(project, files, progress=progress)
    assert table_rows(project) == before
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_exercise_creation_is_checked(teacher: tuple[Project, Path], tmp_path: Path) -> None:
    project, exercise = teacher
    before = table_rows(project)
    cases = [
        ({"title": " ", "document_ids": [1]}, "needs a title"),
        ({"title": "T", "document_ids": []}, "at least one document"),
        ({"title": "T", "document_ids": [99]}, "no document with id 99"),
        ({"title": "T", "document_ids": list(range(1, 1002))}, "at most 1000 documents"),
        ({"title": "T", "document_ids": [1], "key_annotator": 99}, "no annotator with id 99"),
    ]
    for arguments, words in cases:
        with pytest.raises(ExerciseError, match=words):
            create_exercise(project, tmp_path / "x", **arguments)  # type: ignore[arg-type]
    with pytest.raises(ExerciseError, match="already exists"):
        create_exercise(project, exercise, title="Again", document_ids=[1])
    assert table_rows(project) == before
    assert not (tmp_path / "x.claimdesk-exercise").exists()


def test_the_key_can_be_chosen_later(teacher: tuple[Project, Path], tmp_path: Path) -> None:
    project, _ = teacher
    info = create_exercise(project, tmp_path, title="No key yet", document_ids=[1])
    assert info.key_annotator_id is None and info.path is not None
    assert info.path.name == "No key yet.claimdesk-exercise"
    curator = project.ensure_annotator("Curated key")
    assert set_key(project, info.id, curator.id).key_annotator_name == "Curated key"
    assert set_key(project, info.id, None).key_annotator_id is None


@pytest.mark.file_only
def test_a_version_1_project_is_upgraded_for_exercises(project_path: Path) -> None:
    with Project.open(project_path) as project, project.writing() as conn:
        command.downgrade(store.migration_config(conn), "0001")
    assert store.read_header(project_path)[1] == 1
    with Project.open(project_path) as project:
        assert exercises(project) == []
    assert store.read_header(project_path)[1] == store.SCHEMA_VERSION
    assert (project_path.parent / "test.claimdesk.v1.bak").exists()


def test_a_label_renamed_after_handing_out_still_counts(
    teacher: tuple[Project, Path], tmp_path: Path
) -> None:
    from claimdesk.core.classroom.grading import grade

    project, exercise = teacher
    claim = next(label for label in project.labels() if label.name == "Claim")
    project.update_label(claim.id, name="Factual claim")
    path = student_submits(exercise, "Ann", [(0, "Claim", 0, 10)], tmp_path / "a")
    assert [n for _, n in collect(project, [path]).accepted] == ["Ann"]
    (student,) = grade(project, exercises(project)[0].id).students
    (claims,) = [g for g in student.labels if g.label.id == claim.id]
    assert claims.label.name == "Factual claim" and claims.exact.tp == 1
    # A label deleted since cannot take the student's annotations: refused, nothing changes.
    project.delete_label(claim.id)
    late = student_submits(exercise, "Bob", [(0, "Claim", 0, 10)], tmp_path / "b")
    before = table_rows(project)
    (rejected,) = collect(project, [late]).rejected
    assert "not in the exercise (or deleted from this project since)" in rejected[1]
    assert table_rows(project) == before


def test_a_document_removed_after_handing_out(
    teacher: tuple[Project, Path], tmp_path: Path
) -> None:
    from claimdesk.core.classroom.grading import grade

    project, exercise = teacher
    path = student_submits(exercise, "Ann", [(0, "Claim", 0, 10), (1, "Claim", 0, 4)], tmp_path)
    second = project.documents()[1].id
    with project.writing() as conn:  # as an undone import does
        conn.execute(delete(document_table).where(document_table.c.id == second))
    before = table_rows(project)
    (rejected,) = collect(project, [path]).rejected
    assert f"points to document {second}, no longer in this project" in rejected[1]
    assert table_rows(project) == before
    grades = grade(project, exercises(project)[0].id)
    assert [d.id for d in grades.documents] == [project.documents()[0].id]


def test_a_submission_dated_in_the_future_is_refused(
    teacher: tuple[Project, Path], tmp_path: Path
) -> None:
    project, exercise = teacher
    first = student_submits(exercise, "Ann 😀 𠀋", [(0, "Claim", 0, 10)], tmp_path / "v1")
    # A copy whose date was pushed a year ahead would otherwise beat every later submission.
    forged = rewrite_submission(
        first,
        tmp_path / "forged.claimdesk-submission",
        lambda d: d.update(submitted_at="2099-01-01T00:00:00.000000Z"),
    )
    before = table_rows(project)
    report = collect(project, [forged])
    ((path, reason),) = report.rejected
    assert path == forged and "dated in the future (submitted 2099-01-01 00:00 UTC" in reason
    assert not report.accepted and table_rows(project) == before
    # A clock a few minutes ahead is tolerated.
    ahead = (utcnow() + timedelta(minutes=5)).isoformat(timespec="microseconds") + "Z"
    slightly = rewrite_submission(
        first,
        tmp_path / "ahead.claimdesk-submission",
        lambda d: d.update(submitted_at=ahead, student={"name": "Bob", "id": ""}),
    )
    assert [n for _, n in collect(project, [slightly]).accepted] == ["Bob"]
    # In one batch with the forged copy, the real later submission is the one kept.
    with Project.open(open_workspace(exercise, "Ann 😀 𠀋")) as student:
        later = submit(student, tmp_path / "later.claimdesk-submission")
    report = collect(project, [forged, later])
    assert [p for p, _ in report.rejected] == [forged]
    assert [p for p, _ in report.accepted] == [later]


def test_a_student_with_the_longest_name_and_id_is_collected(
    teacher: tuple[Project, Path], tmp_path: Path
) -> None:
    # Name and id may each be 200 characters (outside the BMP too); the annotator's name, which
    # holds both, is cut to the 200 the project keeps, on a server as in a file.
    project, exercise = teacher
    name, number = "Ann " + "😀" * 196, "𠀋" * 200
    path = student_submits(exercise, name, [(0, "Claim", 0, 10)], tmp_path / "a", number)
    ((_, annotator),) = collect(project, [path]).accepted
    assert annotator == f"{name} ({number})"[:200]
    assert count_for(project, annotator) == 1
    (info,) = submissions(project, exercises(project)[0].id)
    assert (info.student_name, info.student_id) == (name, number)
