"""The grades window shows attributes, relations and document labels beside the span scores."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from claimdesk.core.classroom.collect import collect
from claimdesk.core.classroom.exercise import exercises
from claimdesk.core.classroom.grading import OVERVIEW_COLUMNS, SCHEME_COLUMNS
from claimdesk.gui.grades_window import GradesWindow
from tests.core.classroom.test_submission_scheme import keyed_exercise, student_work
from tests.gui.classroom_prompts import ClassroomPrompts


def test_scores_beside_the_spans_and_what_differs(qtbot: QtBot, tmp_path: Path) -> None:
    project, info = keyed_exercise(tmp_path)
    try:
        assert info.path is not None
        collect(project, [student_work(info.path, tmp_path / "ana", "positive")])
        window = GradesWindow(project, exercises(project), ClassroomPrompts())
        qtbot.addWidget(window)
        window.show()
        window.regrade()
        qtbot.waitUntil(lambda: window.grades is not None, timeout=20000)
        model = window.table.model()
        headers = [
            model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())
        ]
        assert headers[-3:] == list(SCHEME_COLUMNS)
        assert headers[: len(OVERVIEW_COLUMNS)] == list(OVERVIEW_COLUMNS)
        n = len(OVERVIEW_COLUMNS)
        # Stance and check-worthy both wrong; the relation right; one topic too many.
        assert [model.index(0, n + i).data() for i in range(3)] == ["0.00", "1.00", "0.00"]
        assert model.index(0, headers.index("Exact F1")).data() == "1.00"  # spans as before
        assert window.grades is not None
        window.select_student(window.grades.students[0].annotator_id)
        details = window.details.toPlainText()
        assert "Beside the spans (not part of their scores)" in details
        assert "Stance: you positive · key negative" in details
        assert "Topic: you Diplomacy, Military · key Military" in details
        window.grab().save("/tmp/grade16-grades.png")
    finally:
        project.close()
