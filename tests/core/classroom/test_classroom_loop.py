"""The whole classroom loop in the core: hand out, annotate, submit, collect, grade, feedback."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from claimdesk.core.classroom.collect import collect, submissions
from claimdesk.core.classroom.exercise import create_exercise, read_exercise
from claimdesk.core.classroom.grading import grade
from claimdesk.core.classroom.scheme_grading import Scores
from claimdesk.core.classroom.workspace import (
    open_workspace,
    record_time,
    submit,
    workspace_info,
    workspaces,
)
from claimdesk.core.records import Status
from claimdesk.core.store.project import Project
from tests.core.classroom.classroom_kit import (
    TEXT_1,
    annotate,
    exercise_with_key,
    label_id,
    rewrite_submission,
    student_submits,
    table_rows,
    teacher_project,
)

# The fixed case, on document 1 ("𠀋abcdefghiabc…", no white space):
#   key  K1 Claim [0,10)   K2 Evidence [20,30)   K3 Claim [40,50)
KEY = [(0, "Claim", 0, 10), (0, "Evidence", 20, 30), (0, "Claim", 40, 50)]
#   Ann: Claim [0,10) = K1 exactly; Evidence [22,30) overlaps K2 (boundary error);
#        Claim [60,65) matches nothing (extra); K3 is missed.
ANN = [(0, "Claim", 0, 10), (0, "Evidence", 22, 30), (0, "Claim", 60, 65)]
#   Bob: Evidence [0,10) on K1 (wrong label); Claim [41,49) inside K3 (boundary error, but only
#        within a tolerance of 1 or more); K2 is missed.
BOB = [(0, "Evidence", 0, 10), (0, "Claim", 41, 49)]


pytestmark = pytest.mark.both_dialects


@pytest.fixture
def classroom(tmp_path: Path, new_project_target: Path | str) -> tuple[Project, Path]:
    project = teacher_project(tmp_path / "teacher", target=new_project_target)
    info = exercise_with_key(project, tmp_path, KEY)
    assert info.path is not None
    yield project, info.path
    project.close()


def test_hand_computed_grades(classroom: tuple[Project, Path], tmp_path: Path) -> None:
    project, exercise = classroom
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    student_submits(exercise, "Ann", ANN, inbox)
    student_submits(exercise, "Bob", BOB, inbox, student_id="s-2")
    report = collect(project, [inbox])
    assert sorted(name for _, name in report.accepted) == ["Ann", "Bob (s-2)"]
    grades = grade(project, read_exercise(exercise).id)
    ann, bob = grades.students
    claim, evidence = label_id(project, "Claim"), label_id(project, "Evidence")

    # Ann, exact: 1 match of 3 marked, 3 in the key -> P = R = F1 = 1/3.
    assert ann.exact == Scores(tp=1, fp=2, fn=2)
    assert ann.exact.precision == pytest.approx(1 / 3)
    assert ann.exact.f1 == pytest.approx(1 / 3)
    # Ann, overlap: K1 and K2 -> 2 of 3 both ways -> P = R = F1 = 2/3.
    assert ann.overlap == Scores(tp=2, fp=1, fn=1)
    assert ann.overlap.f1 == pytest.approx(2 / 3)
    per_label = {g.label.id: g for g in ann.labels}
    # Claim: exact 1 of 2 marked, 1 of 2 in the key -> 0.5; Evidence: exact 0, overlap 1.0.
    assert per_label[claim].exact.precision == pytest.approx(0.5)
    assert per_label[claim].exact.recall == pytest.approx(0.5)
    assert per_label[evidence].exact.f1 == 0.0
    assert per_label[evidence].overlap.f1 == 1.0
    assert [(c.start, c.end) for c in ann.missed] == [(40, 50)]
    assert [(c.start, c.end) for c in ann.extra] == [(60, 65)]
    assert [((m.start, m.end), (k.start, k.end)) for m, k in ann.boundary] == [((22, 30), (20, 30))]
    assert ann.wrong_label == ()

    # Bob, exact: nothing matches -> 0 of 2 marked, 0 of 3 found.
    assert bob.exact == Scores(tp=0, fp=2, fn=3)
    # Bob, overlap (any overlap): K3 -> P = 1/2, R = 1/3, F1 = 2*1/(2*1+1+2) = 0.4.
    assert bob.overlap == Scores(tp=1, fp=1, fn=2)
    assert bob.overlap.precision == pytest.approx(0.5)
    assert bob.overlap.recall == pytest.approx(1 / 3)
    assert bob.overlap.f1 == pytest.approx(0.4)
    assert [(m.label_name, k.label_name, k.start) for m, k in bob.wrong_label] == [
        ("Evidence", "Claim", 0)
    ]
    assert [(c.start, c.end) for c in bob.missed] == [(20, 30)]
    assert bob.extra == ()
    assert bob.missed[0].quote == TEXT_1[20:30]

    # A tolerance of 0 characters: Bob's [41,49) is one off at both ends of K3 -> no match;
    # it becomes an extra claim and K3 a missed one. With a tolerance of 1 it matches again.
    strict = grade(project, grades.exercise_id, tolerance=0).student(bob.annotator_id)
    assert strict.overlap == Scores(tp=0, fp=2, fn=3)
    assert [(c.start, c.end) for c in strict.extra] == [(41, 49)]
    assert [(c.start, c.end) for c in strict.missed] == [(20, 30), (40, 50)]
    one = grade(project, grades.exercise_id, tolerance=1).student(bob.annotator_id)
    assert one.overlap == Scores(tp=1, fp=1, fn=2)


def test_student_workspace_resumes_and_tracks_progress(
    classroom: tuple[Project, Path], tmp_path: Path
) -> None:
    _, exercise = classroom
    path = open_workspace(exercise, "  Zoë   Ng ", "42")
    with Project.open(path) as project:
        work = workspace_info(project)
        assert work is not None
        assert (work.student_name, work.student_id, work.annotator.name) == (
            "Zoë Ng",
            "42",
            "Zoë Ng (42)",
        )
        assert work.progress_text == "0 of 2 documents done · 0 claims"
        assert "<script>" in work.guidelines  # plain text, kept as written
        documents = project.documents()
        assert project.document_text(documents[0].id) == TEXT_1
        project.add_annotation(
            documents[0].id, label_id(project, "Claim"), work.annotator.id, 0, 10
        )
        project.set_status(documents[0].id, work.annotator.id, Status.DONE)
        record_time(project, 90)
    # Every edit was committed: reopening the exercise as the same student resumes the work.
    assert open_workspace(exercise, "Zoë Ng", "42") == path
    with Project.open(path) as project:
        work = workspace_info(project)
        assert work is not None
        assert work.progress_text == "1 of 2 documents done · 1 claim"
        assert work.seconds_spent == 90
    # Another student gets their own workspace; both are offered for this exercise.
    other = open_workspace(exercise, "Zoë Ng", "43")
    assert other != path
    assert [(w.student_id, w.annotations) for w in workspaces(exercise)] == [("42", 1), ("43", 0)]


def test_an_ordinary_project_is_not_a_workspace(classroom: tuple[Project, Path]) -> None:
    project, _ = classroom
    assert workspace_info(project) is None


# File only: 20 s a run, and on a server it goes through the same store reads and edits as the
# hand-computed class above (the thirty workspaces are files either way).
@pytest.mark.file_only
def test_class_of_thirty(tmp_path: Path, new_project_target: Path | str) -> None:
    """30 generated students of varying accuracy, duplicates, late, tampered and stray files.

    Key spans are 40 characters apart; a student's span is either the key span (exact), the key
    span shifted by 1-3 characters at one end (boundary error), the key span under another label
    (wrong label), or left out (missed); extras lie in the gaps, touching no key span. So every
    expected count follows from how the student was generated.
    """
    body = "".join(chr(0x4E00 + i % 500) for i in range(2000))  # CJK, no white space
    project = teacher_project(
        tmp_path / "teacher", texts=[body, "🙂" + body[:999]], target=new_project_target
    )
    labels = ["Claim", "Evidence", "<b>Source</b>"]
    key = [
        (doc, labels[(doc + n) % 3], 40 * n + 5, 40 * n + 20)
        for doc, n_spans in ((0, 40), (1, 20))
        for n in range(n_spans)
    ]
    info = exercise_with_key(project, tmp_path, key)
    assert info.path is not None
    exercise = info.path
    other = create_exercise(
        project, tmp_path / "other", title="Other", document_ids=[project.documents()[0].id]
    )
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    rng = random.Random(4)
    expected: dict[str, tuple[int, int, int, int, int]] = {}
    first_copies: dict[str, Path] = {}
    for number in range(30):
        accuracy = number / 29
        spans: list[tuple[int, str, int, int]] = []
        exact = boundary = wrong = missed = extra = 0
        for doc, label, start, end in key:
            roll = rng.random()
            if roll < accuracy:
                spans.append((doc, label, start, end))
                exact += 1
            elif roll < accuracy + (1 - accuracy) / 3:
                shift = rng.randint(1, 3)
                spans.append(
                    (doc, label, start + shift, end)
                    if rng.random() < 0.5
                    else (doc, label, start, end - shift)
                )
                boundary += 1
            elif roll < accuracy + 2 * (1 - accuracy) / 3:
                spans.append((doc, labels[(labels.index(label) + 1) % 3], start, end))
                wrong += 1
            else:
                missed += 1
            if rng.random() < 0.1:
                spans.append((doc, label, end + 5, end + 12))  # in the gap before the next span
                extra += 1
        name = f"Student {number:02d}"
        folder = inbox / f"s{number:02d}"
        folder.mkdir()
        if number % 7 == 0:
            # A late submission: a first version with nothing but one exact span, then the
            # real one. The teacher collects the first copy again afterwards; it is skipped.
            first = student_submits(
                exercise, name, [key[0]], tmp_path / f"first-{number}.claimdesk-submission"
            )
            first_copies[name] = first
            workspace = open_workspace(exercise, name)
            with Project.open(workspace) as student:
                work = workspace_info(student)
                assert work is not None
                student.delete_annotations(
                    [
                        a.id
                        for d in student.documents()
                        for a in student.annotations(d.id, work.annotator.id)
                    ]
                )
                annotate(student, work.annotator.id, spans)
                submit(student, folder)
        else:
            path = student_submits(exercise, name, spans, folder)
            if number % 5 == 1:
                shutil.copy(path, inbox / f"copy-of-{number}.claimdesk-submission")  # duplicate
        expected[name] = (exact, boundary, wrong, missed, extra)

    # One tampered file (a quote edited by hand) and one for the other exercise.
    some = next(inbox.glob("s03/*.claimdesk-submission"))
    tampered = rewrite_submission(
        some,
        inbox / "tampered.claimdesk-submission",
        lambda data: data["annotations"][0].update(quote="I was here"),
    )
    assert other.path is not None
    stray = student_submits(other.path, "Lost Student", [(0, "Claim", 5, 20)], inbox / "stray")

    report = collect(project, [inbox], exercise_id=info.id)
    assert len(report.accepted) == 30
    assert report.replaced == []
    assert {p for p, _ in report.rejected} == {tampered, stray}
    reasons = dict(report.rejected)
    assert "quotes text that is not at" in reasons[tampered]
    assert "another exercise" in reasons[stray]
    assert len(report.skipped) == len(list(inbox.glob("copy-of-*")))
    assert all(why.startswith("the same file as") for _, why in report.skipped)

    # The first versions of the late students, collected afterwards: older, so skipped.
    before = table_rows(project)
    late = collect(project, list(first_copies.values()))
    assert len(late.skipped) == len(first_copies) and not late.accepted and not late.replaced
    assert all("older than the submission already collected" in why for _, why in late.skipped)
    assert table_rows(project) == before

    assert len(submissions(project, info.id)) == 30
    grades = grade(project, info.id)
    assert len(grades.students) == 30
    for student in grades.students:
        exact, boundary, wrong, missed, extra = expected[student.student_name]
        marked = exact + boundary + wrong + extra
        assert student.exact == Scores(exact, marked - exact, len(key) - exact), (
            student.student_name
        )
        assert student.overlap == Scores(
            exact + boundary, marked - exact - boundary, len(key) - exact - boundary
        )
        assert (len(student.boundary), len(student.wrong_label)) == (boundary, wrong)
        assert (len(student.missed), len(student.extra)) == (missed, extra)
    by_name = {student.student_name: student for student in grades.students}
    assert by_name["Student 29"].exact.recall == 1.0  # accuracy 1: every key span, exactly
    assert by_name["Student 00"].exact.tp == 0  # accuracy 0: not one exact span
