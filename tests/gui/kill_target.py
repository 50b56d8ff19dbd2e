"""Run by test_crash_safety in its own process: the real app, one edit by key press, then wait.

Prints "EDITED <annotation id>" once the window says the edit is saved; the test then kills
this process with SIGKILL.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest

from claimdesk.gui.app import build_window, make_application
from claimdesk.gui.dialogs import Prompts
from claimdesk.gui.settings import Settings


class Answers(Prompts):
    def annotator_name(self, current: str = "") -> str | None:
        return "Killed Annotator"


def main() -> None:
    project, phrase, key = sys.argv[1:4]
    app = make_application(["claimdesk"])
    window = build_window(project, Settings(), Answers())
    assert window is not None
    window.show()

    def edit() -> None:
        text = window.view.document_text()
        start = text.index(phrase)
        window.view.set_text_selection(start, start + len(phrase))
        QTest.keyClick(window.view, key)
        assert window.saved.text() == "✓ All changes saved", window.saved.text()
        print("EDITED", window.view.selected_span_id, flush=True)

    QTimer.singleShot(0, edit)
    app.exec()


if __name__ == "__main__":
    main()
