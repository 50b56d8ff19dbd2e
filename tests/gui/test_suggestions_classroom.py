"""Suggestions reach an exercise's students only when the teacher turns them on: the create
dialog's choice goes into the exercise file, and the student's window follows it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from claimdesk.core.classroom.exercise import create_exercise, exercises
from claimdesk.core.store.project import Project
from claimdesk.gui.app import build_window
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.settings import Settings
from claimdesk.gui.teacher_dialogs import CreateExerciseDialog
from claimdesk.gui.workers import running_tasks
from tests.gui.classroom_prompts import ClassroomPrompts
from tests.gui.test_main_window import select_phrase


def student_window(qtbot: QtBot, exercise: Path) -> MainWindow:
    prompts = ClassroomPrompts()
    prompts.identities = [("Sam", "")]
    window = build_window(str(exercise), Settings(), prompts)
    assert window is not None
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def settle(window: MainWindow, qtbot: QtBot) -> None:
    """Every background computation of the window has reported back."""
    qtbot.waitUntil(lambda: not running_tasks(window) and not window.suggestions.pending())


@pytest.mark.parametrize("turned_on", [False, True])
def test_students_see_suggestions_only_when_the_exercise_turns_them_on(
    seeded: Project, qtbot: QtBot, tmp_path: Path, turned_on: bool
) -> None:
    info = create_exercise(
        seeded,
        tmp_path / "week1",
        title="Week 1",
        document_ids=[d.id for d in seeded.documents()],
        guidelines="Mark troop movements.",
        suggestions=turned_on,
    )
    assert info.path is not None
    window = student_window(qtbot, info.path)
    assert window.student_mode is not None
    for row in window.project.overview(window.annotator.id):
        if "troops" in window.project.document_text(row.id):
            window.open_document(row.id)
    settle(window, qtbot)
    select_phrase(window, "troops")
    window.view.setFocus()
    qtbot.keyClick(window.view, "2")
    settle(window, qtbot)
    assert bool(window.view.suggestions.items) is turned_on


def test_the_teachers_dialog_turns_suggestions_on(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    prompts = ClassroomPrompts()
    window.prompts = prompts

    def fill(dialog: CreateExerciseDialog) -> None:
        assert not dialog.suggestions.isChecked()  # off unless the teacher says so
        dialog.title.setText("Week 2")
        dialog.destination.setText(str(tmp_path / "week2"))
        dialog.suggestions.setChecked(True)

    prompts.fill_exercise = fill
    window.menu_actions.create_exercise.trigger()
    (info,) = exercises(window.project)
    assert info.suggestions is True
