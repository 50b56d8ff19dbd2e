"""The grades window's per-label rows come in the order of the tagging panel."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from claimdesk.core.classroom.exercise import exercises
from claimdesk.gui.grades_window import GradesWindow
from claimdesk.gui.tag_panel import TagPanel
from tests.core.classroom.classroom_kit import CODEBOOK_ORDER, interleaved_class
from tests.gui.classroom_prompts import ClassroomPrompts


def test_per_label_rows_follow_the_tagging_panel(qtbot: QtBot, tmp_path: Path) -> None:
    project, graded = interleaved_class(tmp_path)
    try:
        panel = TagPanel()
        qtbot.addWidget(panel)
        panel.model.set_labels(project.labels())
        shown = [panel.model.label_at(row).name for row in range(panel.model.rowCount())]
        assert shown == CODEBOOK_ORDER
        window = GradesWindow(project, exercises(project), ClassroomPrompts())
        qtbot.addWidget(window)
        window.show()
        window.regrade()
        qtbot.waitUntil(lambda: window.grades is not None, timeout=20000)
        assert window.select_student(graded.students[0].annotator_id)
        labels = window.labels_model
        assert [labels.index(row, 0).data() for row in range(labels.rowCount())] == shown
    finally:
        project.close()
