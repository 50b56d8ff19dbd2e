"""A student opens an exercise, annotates in the ordinary window, submits, closes and resumes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QToolButton
from pytestqt.qtbot import QtBot

from claimdesk.core.classroom.exercise import create_exercise
from claimdesk.core.importing import import_paths
from claimdesk.core.store.project import Project
from claimdesk.gui.app import build_window, parse_args
from claimdesk.gui.exercise_window import FROZEN_TIP, IdentityDialog, StudentMode
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.settings import Settings
from tests.gui.classroom_prompts import ClassroomPrompts

AWKWARD = "Café 😀 said: 𠀋 the embargo\r\nwill end. <b>x</b>&amp; =SUM(A1)\r\n"
GUIDELINES = "Mark every <b>claim</b> & its source.\nOne span per claim."


@pytest.fixture
def exercise_file(seeded: Project, tmp_path: Path) -> Path:
    """The teacher's exercise: the two sample articles and one awkward text, no key."""
    awkward = tmp_path / "awkward.txt"
    awkward.write_bytes(AWKWARD.encode("utf-8"))
    import_paths(seeded, [awkward])
    handout = tmp_path / "handout"
    handout.mkdir()
    info = create_exercise(
        seeded,
        handout / "week1",
        title="Week 1 <i>sanctions</i>",
        document_ids=[d.id for d in seeded.documents()],
        guidelines=GUIDELINES,
    )
    assert info.path is not None
    return info.path


def student_window(qtbot: QtBot, exercise: Path, prompts: ClassroomPrompts) -> MainWindow:
    window = build_window(str(exercise), Settings(), prompts)
    assert window is not None
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()  # menu shortcuts (Ctrl+D) reach the active window only
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def mode(window: MainWindow) -> StudentMode:
    found = getattr(window, "student_mode", None)
    assert isinstance(found, StudentMode)
    return found


def open_titled(window: MainWindow, prefix: str) -> None:
    model = window.documents.model
    row = next(r for r in range(model.rowCount()) if model.summary(r).title.startswith(prefix))
    window.open_document(model.summary(row).id)


def select(window: MainWindow, phrase: str) -> tuple[int, int]:
    start = window.view.document_text().index(phrase)
    window.view.set_text_selection(start, start + len(phrase))
    return start, start + len(phrase)


def test_student_opens_annotates_submits_and_resumes(
    qtbot: QtBot, exercise_file: Path, tmp_path: Path
) -> None:
    assert parse_args([str(exercise_file)]).project == str(exercise_file)
    prompts = ClassroomPrompts()
    prompts.identities = [("<b>Eve</b>", "S-17")]
    window = student_window(qtbot, exercise_file, prompts)
    student = mode(window)
    assert prompts.asked == ["identity: Week 1 <i>sanctions</i>"]
    # The ordinary window, over the student's own workspace, with the exercise banner.
    assert window.annotator.name.startswith("<b>Eve</b>")
    assert window.documents.model.rowCount() == 3
    assert student.banner.title.text() == "Exercise: Week 1 <i>sanctions</i>"
    assert student.banner.title.textFormat() == Qt.TextFormat.PlainText
    assert student.banner.progress.text() == "0 of 3 documents done · 0 claims"
    assert student.banner.submitted.text() == "Not submitted yet"
    # The codebook is frozen, and says why.
    assert not window.add_label_action.isEnabled()
    assert window.add_label_action.toolTip() == FROZEN_TIP
    assert all(not a.isEnabled() for a in window.labels_menu.actions() if not a.isSeparator())
    panel_buttons = window.tags.findChildren(QToolButton)
    assert panel_buttons and all(
        not b.isEnabled() and b.toolTip() == FROZEN_TIP for b in panel_buttons
    )
    assert not window.import_action.isEnabled()
    assert not window.classroom_menu.menuAction().isVisible()
    # Guidelines as plain text.
    guidelines = student.show_guidelines()
    assert guidelines.text.toPlainText() == GUIDELINES
    guidelines.grab().save(str(tmp_path / "guidelines.png"))
    guidelines.close()

    # Annotate as usual: select, press the label's key; in the awkward text, after 😀 and 𠀋.
    open_titled(window, "China and Soviet Union")
    china = window.document_id
    first = select(window, "arms embargo with the West")
    window.view.setFocus()
    qtbot.keyClick(window.view, "1")
    assert student.banner.progress.text() == "0 of 3 documents done · 1 claim"
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert student.banner.progress.text() == "1 of 3 documents done · 1 claim"
    open_titled(window, "Café")
    awkward_text = window.view.document_text()
    assert "𠀋" in awkward_text and "\r" not in awkward_text
    second = select(window, "the embargo")
    qtbot.keyClick(window.view, "1")
    assert student.banner.progress.text() == "1 of 3 documents done · 2 claims"
    window.grab().save(str(tmp_path / "student.png"))

    # Submit next to the exercise file (the suggested place); the student is told where.
    out = exercise_file.parent / "eve.claimdesk-submission"
    prompts.submit_to = [out]
    student.submit_action.trigger()
    assert prompts.asked[-1] == (
        f"submit to: {exercise_file.parent / 'Week 1 i sanctions i - b Eve b S-17'}"
        ".claimdesk-submission"
    )
    assert out.is_file()
    assert str(out) in prompts.informed[-1]
    assert student.banner.submitted.text().startswith("Submitted ")

    from claimdesk.core.classroom.collect import read_submission

    submission = read_submission(out)
    assert submission.student_name == "<b>Eve</b>" and submission.student_id == "S-17"
    spans = sorted((a.label, a.start, a.end, a.quote) for a in submission.annotations)
    embargo = "Arms embargo / sanctions"
    assert spans == sorted(
        [
            (embargo, first[0], first[1], "arms embargo with the West"),
            (embargo, second[0], second[1], "the embargo"),
        ]
    )
    assert awkward_text[second[0] : second[1]] == "the embargo"  # code points, not UTF-16
    window.close()

    # Reopening the exercise resumes the same workspace without asking the name again.
    again = ClassroomPrompts()
    reopened = student_window(qtbot, exercise_file, again)
    assert again.asked == []
    assert reopened.project.path == window.project.path
    assert mode(reopened).banner.progress.text() == "1 of 3 documents done · 2 claims"
    reopened.open_document(china or 0)
    assert [r.quote for r in reopened.project.annotations(china or 0, reopened.annotator.id)] == [
        "arms embargo with the West"
    ]
    assert reopened.annotations.model_.rowCount() == 1
    assert len(reopened.view._index) == 1
    reopened.close()


def test_plain_launch_after_an_exercise_resumes_it_and_other_projects_are_normal(
    qtbot: QtBot, exercise_file: Path, project_path: Path
) -> None:
    prompts = ClassroomPrompts()
    prompts.identities = [("Bo", "")]
    window = student_window(qtbot, exercise_file, prompts)
    workspace = window.project.path
    window.close()
    # `claimdesk` with no file: the last project was the exercise, so its banner comes back.
    plain = build_window(None, Settings(), ClassroomPrompts())
    assert plain is not None
    qtbot.addWidget(plain)
    assert plain.project.path == workspace
    assert mode(plain).work.student_name == "Bo"
    assert plain.annotator.name == "Bo"
    # Opening an ordinary project turns the window back to normal.
    plain.open_project(project_path)
    assert getattr(plain, "student_mode", None) is None
    assert plain.add_label_action.isEnabled()
    assert all(b.isEnabled() for b in plain.tags.findChildren(QToolButton))
    assert plain.classroom_menu.menuAction().isVisible()
    assert "Exercise" not in [a.text().replace("&", "") for a in plain.menuBar().actions()]
    plain.close()


def test_a_damaged_exercise_is_reported_and_opens_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    bad = tmp_path / "quiz.claimdesk-exercise"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    prompts = ClassroomPrompts()
    assert build_window(str(bad), Settings(), prompts) is None
    assert prompts.asked == []  # no name asked for a file that cannot be read
    assert "quiz.claimdesk-exercise" in prompts.errors[0]


def test_cancelling_the_name_opens_nothing(qtbot: QtBot, exercise_file: Path) -> None:
    prompts = ClassroomPrompts()
    prompts.identities = [None]
    assert build_window(str(exercise_file), Settings(), prompts) is None


def test_identity_dialog_needs_a_name_and_shows_the_title_literally(
    qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = IdentityDialog("Quiz <b>2</b> 𠀋", "", "", None)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    qtbot.keyClicks(dialog.name, "  ")
    assert not ok.isEnabled()  # blanks are no name
    qtbot.keyClicks(dialog.name, "Zo")
    assert ok.isEnabled()
    dialog.name.setText("  Zoë   Ng ")  # (QTest types ASCII only)
    dialog.student_id.setText(" 42 ")
    assert dialog.identity() == ("Zoë Ng", "42")
    intro = dialog.findChildren(QLabel)[0]
    assert intro.textFormat() == Qt.TextFormat.PlainText
    assert "Quiz <b>2</b> 𠀋" in intro.text()
    dialog.grab().save(str(tmp_path / "identity.png"))


def test_time_spent_is_recorded_while_open_but_not_across_a_sleep(
    qtbot: QtBot, exercise_file: Path
) -> None:
    from claimdesk.core.classroom.workspace import workspace_info

    prompts = ClassroomPrompts()
    prompts.identities = [("Ida", "")]
    window = student_window(qtbot, exercise_file, prompts)
    student = mode(window)
    student._last_flush -= 45  # 45 s of work since the window opened
    student.flush_time()
    work = workspace_info(window.project)
    assert work is not None and 45 <= work.seconds_spent < 50
    student._last_flush -= 3 * 3600  # the laptop slept for three hours: not work
    student.flush_time()
    work = workspace_info(window.project)
    assert work is not None and work.seconds_spent < 50
    student._last_flush -= 20  # closing the window records the last stretch
    path = window.project.path
    window.close()
    with Project.open(path) as project:
        work = workspace_info(project)
    assert work is not None and 65 <= work.seconds_spent < 75


def test_another_student_on_the_same_computer_gets_their_own_workspace(
    qtbot: QtBot, exercise_file: Path
) -> None:
    prompts = ClassroomPrompts()
    prompts.identities = [("Ann", ""), ("Ben", "B2")]
    window = student_window(qtbot, exercise_file, prompts)
    ann_workspace = window.project.path
    start = window.view.document_text().index("Beijing")
    window.view.set_text_selection(start, start + len("Beijing"))
    qtbot.keyClick(window.view, "9")
    mode(window).switch_action.trigger()
    assert window.project.path != ann_workspace
    assert mode(window).work.student_name == "Ben"
    assert mode(window).banner.progress.text() == "0 of 3 documents done · 0 claims"
    assert window.annotations.model_.rowCount() == 0
    assert len([m for m in window.menuBar().actions() if m.text() == "E&xercise"]) == 1
    window.close()
    # Next time the exercise opens as the last student who worked on it.
    again = ClassroomPrompts()
    reopened = student_window(qtbot, exercise_file, again)
    assert again.asked == [] and mode(reopened).work.student_id == "B2"
    reopened.close()


def test_a_submission_that_cannot_be_written_is_reported(
    qtbot: QtBot, exercise_file: Path, tmp_path: Path
) -> None:
    prompts = ClassroomPrompts()
    prompts.identities = [("Cy", "")]
    window = student_window(qtbot, exercise_file, prompts)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be", "utf-8")
    prompts.submit_to = [blocker / "cy.claimdesk-submission", None]
    assert mode(window).submit() is None
    assert "Your submission was not written." in prompts.errors[-1]
    assert prompts.informed == []
    assert mode(window).banner.submitted.text() == "Not submitted yet"
    assert mode(window).submit() is None  # the student cancelled the second time: nothing asked
    assert len(prompts.errors) == 1
    window.close()


def test_a_student_named_with_overrides_is_asked_again_and_gold_is_a_name(
    qtbot: QtBot, exercise_file: Path
) -> None:
    prompts = ClassroomPrompts()
    prompts.identities = [("Eve\u202e", ""), ("Gold", "")]
    window = student_window(qtbot, exercise_file, prompts)
    assert len(prompts.errors) == 1
    assert "right-to-left" in prompts.errors[0] and "\u202e" not in prompts.errors[0]
    assert window.annotator.name == "Gold"  # without an id too, a person like any other
    window.close()
