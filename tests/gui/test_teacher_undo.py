"""Collecting through the window is one edit: Edit › Undo takes the whole collect back."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from claimdesk.core.classroom.collect import submissions
from claimdesk.core.classroom.exercise import create_exercise
from claimdesk.gui.main_window import MainWindow
from tests.gui.classroom_prompts import ClassroomPrompts
from tests.gui.edit_menu import edit_menu_items
from tests.gui.test_teacher_classroom import EMBARGO, student_submits


def test_collect_then_undo_and_redo_from_the_edit_menu(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    prompts = ClassroomPrompts()
    window.prompts = prompts
    project = window.project
    document = project.documents()[0]
    info = create_exercise(
        project,
        tmp_path / "week1",
        title="Week 1",
        document_ids=[document.id],
        key_annotator=window.annotator.id,
    )
    assert info.path is not None
    path = student_submits(
        info.path, "Eve", "S1", [(EMBARGO, "arms embargo with the West")], tmp_path / "eve"
    )
    prompts.submission_list = [path]
    window.menu_actions.collect.trigger()
    qtbot.waitUntil(lambda: bool(prompts.reports or prompts.errors), timeout=20000)
    assert prompts.errors == []
    assert [s.student_name for s in submissions(project, info.id)] == ["Eve"]
    assert window.menu_actions.undo.isEnabled()
    assert edit_menu_items(window)[0] == "&Undo Collect 1 submission"

    window.menu_actions.undo.trigger()
    assert submissions(project, info.id) == []
    assert "Eve (S1)" not in {a.name for a in project.annotators()}
    assert edit_menu_items(window)[0] == "&Undo Create exercise 'Week 1'"
    window.menu_actions.redo.trigger()
    assert [s.student_name for s in submissions(project, info.id)] == ["Eve"]
