"""A student signed in to a shared project reads the exercise's guidelines from the Classroom
menu (in the file loop the workspace banner shows them)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import make_url

from claimdesk.gui.dialogs import TextDialog
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.server_dialog import ServerChoice
from tests.core.classroom.server_lab import make_lab
from tests.gui.conftest import ScriptedPrompts

OPENS = 15_000


def test_a_signed_in_student_reads_the_guidelines(
    qtbot: QtBot, window: MainWindow, prompts: ScriptedPrompts, pg_url: str, tmp_path: Path
) -> None:
    lab = make_lab(pg_url, tmp_path)
    url, login = lab.students["ana"]
    signed = make_url(url)  # as the student types it: the address, then the password
    password = signed.password
    assert isinstance(password, str)
    address = signed.set(password=None).render_as_string(hide_password=False)
    prompts.server_choices.append(ServerChoice(address, password, False))
    window.menu_actions.open_shared_project.trigger()
    qtbot.waitUntil(lambda: window.project.server is not None, timeout=OPENS)
    assert window.annotator.name == login
    dialog = window.show_exercise_guidelines()
    assert isinstance(dialog, TextDialog)
    shown = dialog.text.toPlainText()
    assert shown.startswith("Week 1\n")
    assert "<script>alert(1)</script> stays text." in shown  # plain text, never HTML
    assert prompts.errors == []
