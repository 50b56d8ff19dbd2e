"""A lab exercise on a server: students sign in and annotate blind, the teacher grades their
live work against the key without collecting files (PostgreSQL)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimdesk.core.classroom.collect import collect
from claimdesk.core.classroom.grading import grade
from claimdesk.core.cli.main import main
from claimdesk.core.store import classroom as store
from claimdesk.core.store.project import Project
from tests.core.classroom.classroom_kit import exercise_with_key, student_submits, teacher_project
from tests.core.classroom.server_lab import ANA, KEY, Lab, make_lab, student_annotates


@pytest.fixture
def lab(pg_url: str, tmp_path: Path) -> Iterator[Lab]:
    yield make_lab(pg_url, tmp_path)


def test_the_teacher_grades_what_signed_in_students_have_now(lab: Lab) -> None:
    ana = student_annotates(lab, "ana", ANA)
    with Project.open(lab.url) as teacher:
        grades = grade(teacher, lab.exercise_id)
    assert grades.live_read_at is not None
    assert [(s.student_name, s.live) for s in grades.students] == [
        (lab.students["ana"][1], True),
        (lab.students["ben"][1], True),
    ]  # the key (the teacher) is not a student; Ben has not started and is shown with 0
    work = grades.student(ana)
    # By hand: exact 1 of 2 marked, 1 of 3 due; overlap 2 of 2, 2 of 3 (tolerance: any overlap).
    assert (work.exact.tp, work.exact.fp, work.exact.fn) == (1, 1, 2)
    assert work.exact.f1 == pytest.approx(2 / 5)
    assert (work.overlap.tp, work.overlap.fp, work.overlap.fn) == (2, 0, 1)
    assert work.overlap.f1 == pytest.approx(4 / 5)
    assert len(work.boundary) == 1 and len(work.missed) == 1
    ben = next(s for s in grades.students if s.student_name == lab.students["ben"][1])
    assert ben.exact.fn == 3 and ben.exact.f1 == 0.0
    # With a tolerance, as for collected submissions: a boundary 2 characters off is no match.
    with Project.open(lab.url) as teacher:
        strict = grade(teacher, lab.exercise_id, tolerance=1).student(ana)
    assert strict.overlap.tp == 1


def test_grades_follow_the_students_new_work(lab: Lab) -> None:
    with Project.open(lab.url) as teacher:
        before = grade(teacher, lab.exercise_id)
        assert all(s.exact.tp == 0 for s in before.students)
        ana = student_annotates(lab, "ana", [(1, "Claim", 0, 4)])
        after = grade(teacher, lab.exercise_id)
    assert after.student(ana).exact.tp == 1


def test_a_blind_student_still_cannot_read_the_others_work(lab: Lab) -> None:
    ana = student_annotates(lab, "ana", ANA)
    with Project.open(lab.students["ben"][0]) as ben:
        documents = [d.id for d in ben.documents()]
        assert store.claim_rows(ben, documents, [ana]) == []
        with Project.open(lab.url) as teacher:
            key_id = next(a.id for a in teacher.annotators() if a.name == "Teacher")
        assert store.claim_rows(ben, documents, [key_id]) == []  # nor the key


def test_the_command_line_grades_live_work_and_says_so(
    lab: Lab, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    student_annotates(lab, "ana", ANA)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code = main(["exercise", "grade", lab.url, "Week 1"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "2 of them: live work of signed-in students" in out
    assert "read at " in out and " UTC" in out
    ana_line = next(line for line in out.splitlines() if line.startswith(lab.students["ana"][1]))
    assert "(live)" in ana_line
    assert ana_line.split()[2:4] == ["0.400", "0.800"]


def test_a_student_who_also_handed_in_a_file_has_a_row_for_each(lab: Lab, tmp_path: Path) -> None:
    ana = student_annotates(lab, "ana", ANA)
    login = lab.students["ana"][1]
    handed_in = student_submits(lab.exercise_file, login, KEY, tmp_path / "in")
    with Project.open(lab.url) as teacher:
        assert collect(teacher, [handed_in]).summary
        grades = grade(teacher, lab.exercise_id)
    mine = [s for s in grades.students if s.student_name == login]
    assert [s.live for s in mine] == [False, True]  # the file's row first, then the live one
    on_file, live = mine
    assert on_file.annotator_id != ana and on_file.exact.f1 == 1.0
    assert live.annotator_id == ana and live.exact.f1 == pytest.approx(2 / 5)


def test_a_file_project_grades_only_collected_submissions(tmp_path: Path) -> None:
    with teacher_project(tmp_path) as project:
        info = exercise_with_key(project, tmp_path / "out", KEY)
        project.ensure_annotator("Someone")
        grades = grade(project, info.id)
    assert grades.students == () and grades.live_read_at is None
