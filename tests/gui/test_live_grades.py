"""The Grades window on a server project follows the students' live work without Refresh."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from claimdesk.core.classroom.exercise import exercises
from claimdesk.core.store.project import Project
from claimdesk.gui.grades_window import AnnotatorRole, GradesWindow
from tests.core.classroom.server_lab import make_lab, student_annotates
from tests.gui.classroom_prompts import ClassroomPrompts


def test_the_grades_window_follows_a_students_new_span(
    qtbot: QtBot, pg_url: str, tmp_path: Path
) -> None:
    lab = make_lab(pg_url, tmp_path)
    ana_login = lab.students["ana"][1]
    with Project.open(lab.url) as teacher:
        window = GradesWindow(teacher, exercises(teacher), ClassroomPrompts())
        qtbot.addWidget(window)
        window.show()
        window.regrade()
        qtbot.waitUntil(lambda: window.grades is not None, timeout=20000)
        qtbot.waitUntil(lambda: window.live.listening, timeout=5000)
        assert window.grades is not None
        names = [s.student_name for s in window.grades.students]
        assert names == [ana_login, lab.students["ben"][1]]
        assert "Live work of signed-in students read at" in window.status.text()
        assert window.exercise.currentText().endswith("(0 submitted + live work)")
        row = next(
            r
            for r in range(window.proxy.rowCount())
            if window.proxy.index(r, 0).data() == ana_login
        )
        ana_id = window.proxy.index(row, 0).data(AnnotatorRole)
        assert window.select_student(ana_id)

        def exact_f1() -> str:
            return str(window.proxy.index(row, 6).data())

        assert exact_f1() == "0.00"
        assert window.proxy.index(row, 2).data().startswith("live, read ")
        # Ana marks one claim of the key (3 claims) exactly, in her own window, signed in.
        student_annotates(lab, "ana", [(1, "Claim", 0, 4)])
        qtbot.waitUntil(lambda: exact_f1() == "0.50", timeout=3000)  # 2·1 / (2·1 + 0 + 2)
        # Her row stays selected and its breakdown follows.
        assert window.selected_student() is not None
        assert window.selected_student().exact.tp == 1  # type: ignore[union-attr]
        window.close()
        assert window.live.listener is None
