"""A teacher creates an exercise through the dialog, collects two submissions, reads the grades,
exports them as CSV and opens a student's feedback."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from claimdesk.core.classroom.exercise import exercises
from claimdesk.core.classroom.workspace import open_workspace, submit, workspace_info
from claimdesk.core.store.project import Project
from claimdesk.gui.app import build_window
from claimdesk.gui.dialogs import TextDialog
from claimdesk.gui.grades_window import AnnotatorRole, GradesWindow
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.settings import Settings
from claimdesk.gui.teacher_actions import report_text
from claimdesk.gui.teacher_dialogs import CreateExerciseDialog
from claimdesk.gui.workers import Task
from tests.gui.classroom_prompts import ClassroomPrompts

EMBARGO = "Arms embargo / sanctions"
WEAPONS = "Weapons & technology transfer"


def label_id(project: Project, name: str) -> int:
    return next(label.id for label in project.labels() if label.name == name)


def span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def student_submits(
    exercise: Path, name: str, student_id: str, marks: list[tuple[str, str]], out: Path
) -> Path:
    """A student's work done through the core (the student window has its own test)."""
    with Project.open(open_workspace(exercise, name, student_id)) as project:
        work = workspace_info(project)
        assert work is not None
        document = project.documents()[0]
        text = project.document_text(document.id)
        for label, phrase in marks:
            start, end = span(text, phrase)
            project.add_annotation(
                document.id, label_id(project, label), work.annotator.id, start, end
            )
        return submit(project, out)


# On a server too: collecting and grading run in a worker on their own connection to the same
# project, which must be the server's (not a file named after it).
@pytest.mark.both_dialects
def test_create_collect_grade_export_feedback(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, qtmodeltester: object
) -> None:
    prompts = ClassroomPrompts()
    window.prompts = prompts
    project = window.project
    china = project.documents()[0]
    text = project.document_text(china.id)
    # The teacher's own annotations are the key: two claims.
    for label, phrase in (
        (EMBARGO, "arms embargo with the West"),
        (WEAPONS, "Soviet weapons technology"),
    ):
        start, end = span(text, phrase)
        project.add_annotation(china.id, label_id(project, label), window.annotator.id, start, end)

    # -- create the exercise through the dialog --
    handout = tmp_path / "handout"
    handout.mkdir()

    def fill(dialog: CreateExerciseDialog) -> None:
        dialog.grab().save(str(tmp_path / "create.png"))
        dialog.buttons.accepted.emit()  # nothing filled in yet: refused, with the reason
        assert dialog.problem.text() == "Give the exercise a title."
        dialog.title.setText("Week 1: <b>sanctions</b>")
        assert dialog.destination.text().endswith("Week 1 b sanctions b.claimdesk-exercise")
        dialog.documents.setData(
            dialog.documents.index(1), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole
        )
        dialog.guidelines.setPlainText("Mark sanctions.")
        dialog.key.setCurrentIndex(dialog.key.findData(window.annotator.id))
        dialog.destination.setText(str(handout / "week1"))

    prompts.fill_exercise = fill
    window.menu_actions.create_exercise.trigger()
    exercise = handout / "week1.claimdesk-exercise"
    assert exercise.is_file()
    assert str(exercise) in prompts.informed[-1]
    (info,) = exercises(project)
    assert info.title == "Week 1: <b>sanctions</b>"
    assert info.document_ids == (china.id,)
    assert info.key_annotator_id == window.annotator.id

    # -- two students hand in; one stray file is not a submission --
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    eve = student_submits(
        exercise,
        "<b>Eve</b>",
        "S1",
        [(EMBARGO, "arms embargo with the West"), (WEAPONS, "Soviet weapons")],
        inbox / "eve.claimdesk-submission",
    )
    bo = student_submits(
        exercise, "=Bo", "", [(EMBARGO, "barter deal")], inbox / "bo.claimdesk-submission"
    )
    stray = inbox / "stray.claimdesk-submission"
    stray.write_bytes(b"not a submission at all")
    prompts.submission_list = [eve, bo, stray]
    window.menu_actions.collect.trigger()
    qtbot.waitUntil(lambda: bool(prompts.reports or prompts.errors), timeout=20000)
    assert prompts.errors == []
    summary, body = prompts.reports[-1]
    assert summary == "2 accepted, 0 replaced, 0 skipped, 1 rejected"
    assert "eve.claimdesk-submission as <b>Eve</b> (S1)" in body
    assert "stray.claimdesk-submission" in body.split("Rejected (1)")[1]
    names = [a.name for a in project.annotators()]
    assert "<b>Eve</b> (S1)" in names and "=Bo" in names
    report = TextDialog("Submissions collected", body, summary=summary)
    assert report.text.toPlainText() == body
    report.grab().save(str(tmp_path / "report.png"))

    # The same folder again: nothing doubles.
    prompts.folders = [inbox]
    window.menu_actions.collect_folder.trigger()
    qtbot.waitUntil(lambda: len(prompts.reports) == 2, timeout=20000)
    assert prompts.reports[-1][0] == "0 accepted, 0 replaced, 2 skipped, 1 rejected"

    # -- grades --
    window.menu_actions.grades.trigger()
    grades: GradesWindow = window.grades_window
    qtbot.addWidget(grades)
    qtbot.waitUntil(lambda: grades.grades is not None, timeout=20000)
    qtmodeltester.check(grades.model)  # type: ignore[attr-defined]
    model, proxy = grades.model, grades.proxy
    assert model.rowCount() == 2
    columns = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    exact_f1, overlap_f1 = columns.index("Exact F1"), columns.index("Overlap F1")
    boundary = columns.index("Boundary errors")
    # Sorted by name at first ("<" before "="); then by exact F1, best first.
    assert [proxy.index(r, 0).data() for r in range(2)] == ["<b>Eve</b>", "=Bo"]
    grades.table.sortByColumn(exact_f1, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data() for r in range(2)] == ["=Bo", "<b>Eve</b>"]
    eve_row = 1
    # Eve: 1 exact of 2 marked, 2 key claims → P = R = F1 = 0.50; by overlap, 2 of 2 → 1.00.
    assert proxy.index(eve_row, exact_f1).data() == "0.50"
    assert proxy.index(eve_row, overlap_f1).data() == "1.00"
    assert proxy.index(eve_row, boundary).data() == "1"
    assert proxy.index(0, exact_f1).data() == "0.00"

    eve_id = proxy.index(eve_row, 0).data(AnnotatorRole)
    assert grades.select_student(eve_id)
    qtmodeltester.check(grades.labels_model)  # type: ignore[attr-defined]
    labels = grades.labels_model
    rows = {labels.index(r, 0).data(): r for r in range(labels.rowCount())}
    assert labels.index(rows[EMBARGO], 3).data() == "1.00"  # exact F1 for the embargo
    assert labels.index(rows[WEAPONS], 3).data() == "0.00"
    assert labels.index(rows[WEAPONS], 6).data() == "1.00"  # overlap F1
    assert labels.index(rows["Border security"], 3).data() == "—"  # unused by key and student
    assert grades.student_heading.text() == "<b>Eve</b> (S1)"
    assert "Boundary errors (1)" in grades.details.toPlainText()
    assert "“Soviet weapons”" in grades.details.toPlainText()
    grades.grab().save(str(tmp_path / "grades.png"))
    grades.details.parentWidget().parentWidget().setCurrentIndex(1)  # type: ignore[attr-defined]
    grades.grab().save(str(tmp_path / "grades-details.png"))

    # A tolerance of 0 characters: the boundary error no longer counts as an overlap match.
    grades.tolerance.setValue(0)
    qtbot.waitUntil(lambda: grades.grades is not None and grades.grades.tolerance == 0)
    assert grades.select_student(eve_id)
    assert grades.proxy.index(grades.table.currentIndex().row(), overlap_f1).data() == "0.50"

    # -- CSV --
    out = tmp_path / "grades.csv"
    prompts.csv_paths = [out]
    grades.csv_button.click()
    with out.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0][: len(columns)] == columns
    assert sorted(row[0] for row in table[1:]) == ["'=Bo", "<b>Eve</b>"]  # no formula runs
    if project.server is None:  # a file project is never replaced by the CSV
        before = project.path.read_bytes()
        prompts.csv_paths = [project.path]  # the save dialog's "replace?" was answered yes
        grades.csv_button.click()
        assert "is the Claimdesk project this command reads" in prompts.errors[-1]
        assert project.path.read_bytes() == before

    # -- feedback --
    assert grades.feedback_button.isEnabled()
    grades.feedback_button.click()
    preview = grades.preview
    qtbot.addWidget(preview)
    assert preview.path.is_file() and preview.path.parent == grades.feedback_folder()
    shown = preview.browser.toPlainText()
    assert "<b>Eve</b>" in shown  # the name as typed, never as markup
    assert "arms embargo with the West" in shown
    preview.grab().save(str(tmp_path / "feedback.png"))

    # A file where the feedback folder should be: a message, nothing written, no traceback.
    folder = grades.feedback_folder()
    for page in folder.iterdir():
        page.unlink()
    folder.rmdir()
    folder.write_text("mine", encoding="utf-8")
    grades.feedback_button.click()
    assert "is a file, not a folder" in prompts.errors[-1]
    assert folder.read_text(encoding="utf-8") == "mine"


def test_report_text_lists_every_file_with_its_reason() -> None:
    from claimdesk.core.classroom.exercise import CollectReport

    report = CollectReport(
        accepted=[(Path("a.claimdesk-submission"), "Ann")],
        rejected=[(Path("b.claimdesk-submission"), "<script>x</script> is not a zip file")],
    )
    text = report_text(report)
    assert "Accepted (1)\n  • a.claimdesk-submission as Ann" in text
    assert "Rejected (1)\n  • b.claimdesk-submission — <script>x</script> is not a zip file" in text
    assert "Replaced an older submission (0)" in text


def test_classroom_menu_without_exercises_says_what_to_do(window: MainWindow) -> None:
    prompts = ClassroomPrompts()
    window.prompts = prompts
    window.menu_actions.grades.trigger()
    assert prompts.errors == ["This project has no exercises yet: Classroom › Create exercise."]


def exercise_with_submission(window: MainWindow, tmp_path: Path) -> tuple[Path, Path]:
    from claimdesk.core.classroom.exercise import create_exercise

    project = window.project
    china = project.documents()[0]
    start, end = span(project.document_text(china.id), "arms embargo")
    project.add_annotation(china.id, label_id(project, EMBARGO), window.annotator.id, start, end)
    info = create_exercise(
        project,
        tmp_path / "quiz",
        title="Quiz",
        document_ids=[china.id],
        key_annotator=window.annotator.id,
    )
    assert info.path is not None
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    sent = student_submits(
        info.path, "Kai", "", [(EMBARGO, "arms embargo")], inbox / "kai.claimdesk-submission"
    )
    return info.path, sent


def test_cancelled_collect_changes_nothing(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts = ClassroomPrompts()
    window.prompts = prompts
    _, sent = exercise_with_submission(window, tmp_path)
    before = window.project.annotators()

    start = Task.start

    def start_cancelled(task: Task) -> None:
        task.cancel()  # as if the teacher pressed Cancel in the progress dialog at once
        start(task)

    monkeypatch.setattr(Task, "start", start_cancelled)
    prompts.submission_list = [sent]
    window.menu_actions.collect.trigger()
    qtbot.waitUntil(lambda: "cancelled" in window.statusBar().currentMessage(), timeout=20000)
    assert window.statusBar().currentMessage() == "Collecting cancelled; nothing was collected."
    assert prompts.reports == [] and prompts.errors == []
    assert window.project.annotators() == before


def test_opening_a_submission_file_collects_it_into_the_class_project(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    _, sent = exercise_with_submission(window, tmp_path)
    teacher_project = window.project.path
    window.close()
    settings = Settings()
    settings.last_project = str(teacher_project)
    settings.annotator_name = "Ana"
    # A double-click on the submission: `claimdesk kai.claimdesk-submission`.
    prompts = ClassroomPrompts()
    opened = build_window(str(sent), settings, prompts)
    assert opened is not None
    qtbot.addWidget(opened)
    assert opened.project.path == teacher_project
    qtbot.waitUntil(lambda: bool(prompts.reports or prompts.errors), timeout=20000)
    assert prompts.reports[0][0] == "1 accepted, 0 replaced, 0 skipped, 0 rejected"
    assert "Kai" in [a.name for a in opened.project.annotators()]
    # File › Open on the same file again: already there, skipped, never doubled.
    prompts.paths = [sent]
    opened.menu_actions.open_project.trigger()
    qtbot.waitUntil(lambda: len(prompts.reports) == 2, timeout=20000)
    assert prompts.reports[1][0] == "0 accepted, 0 replaced, 1 skipped, 0 rejected"
    opened.close()


def test_file_open_on_an_exercise_starts_it_as_a_student(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    exercise, _ = exercise_with_submission(window, tmp_path)
    teacher_project = window.project.path
    prompts = ClassroomPrompts()
    window.prompts = prompts
    prompts.paths = [exercise]
    prompts.identities = [("Try-out", "")]
    window.menu_actions.open_project.trigger()
    assert window.project.path != teacher_project
    mode = window.student_mode
    assert mode.work.title == "Quiz"
    assert mode.banner.progress.text() == "0 of 1 documents done · 0 claims"
    assert window.annotator.name == "Try-out"
    # And back to the class project: an ordinary window again.
    prompts.paths = [teacher_project]
    window.menu_actions.open_project.trigger()
    assert window.project.path == teacher_project
    assert window.student_mode is None
    assert window.menu_actions.create_exercise.isEnabled()


def test_grades_without_a_key_say_so_until_one_is_chosen(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    from claimdesk.core.classroom.collect import collect
    from claimdesk.core.classroom.exercise import create_exercise, set_key

    _, sent = exercise_with_submission(window, tmp_path)
    (info,) = exercises(window.project)
    set_key(window.project, info.id, None)
    assert collect(window.project, [sent]).summary.startswith("1 accepted")
    prompts = ClassroomPrompts()
    window.prompts = prompts
    # A second exercise, so the window offers a choice.
    create_exercise(window.project, tmp_path / "other", title="Other", document_ids=[1])
    window.menu_actions.grades.trigger()
    grades: GradesWindow = window.grades_window
    qtbot.addWidget(grades)
    assert grades.exercise.count() == 2
    grades.exercise.setCurrentIndex(grades.exercise.findData(info.id))
    assert grades.key.currentData() is None
    qtbot.waitUntil(lambda: grades.task is None, timeout=20000)
    assert "key" in grades.status.text().lower()
    assert grades.model.rowCount() == 0 and not grades.csv_button.isEnabled()
    grades.key.setCurrentIndex(grades.key.findData(window.annotator.id))
    assert exercises(window.project)[-1].key_annotator_id == window.annotator.id
    qtbot.waitUntil(lambda: grades.grades is not None, timeout=20000)
    assert grades.grades is not None and grades.grades.key_annotator_name == "Ana"
    assert grades.model.rowCount() == 1 and grades.csv_button.isEnabled()


def test_a_held_conflict_is_shown_and_can_be_accepted(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimdesk.gui.teacher_actions import collect_now

    prompts = ClassroomPrompts()
    window.prompts = prompts
    exercise, sent = exercise_with_submission(window, tmp_path)
    collect_now(window, [sent])
    qtbot.waitUntil(lambda: len(prompts.reports) == 1, timeout=20000)
    # Someone else, on another computer, hands in a file under Kai's name with no work in it.
    monkeypatch.setenv("CLAIMDESK_DATA_DIR", str(tmp_path / "other-computer"))
    forged = student_submits(exercise, "Kai", "", [], tmp_path / "forged.claimdesk-submission")
    collect_now(window, [forged])
    qtbot.waitUntil(lambda: len(prompts.reports) == 2, timeout=20000)
    summary, body = prompts.reports[1]
    assert summary == "0 accepted, 0 replaced, 1 held as conflicts, 0 skipped, 0 rejected"
    assert "Held as conflicts, not applied (1)" in body and "another workspace" in body
    kai = next(a for a in window.project.annotators() if a.name == "Kai")
    china = window.project.documents()[0]
    assert len(window.project.annotations(china.id, kai.id)) == 1  # untouched
    dialog = window.history_dialog
    assert dialog.isVisible() and dialog.model.rowCount() == 1
    assert dialog.model.index(0).data().startswith("HELD (conflict) · Quiz · Kai: 0 claims")
    dialog.list.setCurrentIndex(dialog.model.index(0))
    assert dialog.restore_button.text() == "&Accept this file"
    dialog.restore_button.click()
    assert "is now the current submission of Kai" in dialog.status.text()
    assert window.project.annotations(china.id, kai.id) == []
    assert dialog.model.index(0).data().startswith("Replaced · Quiz · Kai: 1 claim,")
    # Back again: the teacher restores the first file.
    dialog.list.setCurrentIndex(dialog.model.index(0))
    dialog.restore_button.click()
    assert len(window.project.annotations(china.id, kai.id)) == 1
    dialog.grab().save(str(tmp_path / "history.png"))
    dialog.close()
