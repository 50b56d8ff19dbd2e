"""What one edit changes in the window, and only that: the claim the reader selected, the rows
of the lists that changed, the widths of their columns."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from claimdesk.gui.main_window import MainWindow
from tests.gui.test_main_window import select_phrase


def test_undoing_a_new_claim_selects_no_other_claim(window: MainWindow, qtbot: QtBot) -> None:
    select_phrase(window, "arms embargo")
    qtbot.keyClick(window.view, "1")
    select_phrase(window, "Soviet weapons technology")
    qtbot.keyClick(window.view, "4")
    newest = window.view.selected_span_id
    assert newest is not None and window.annotations.model_.rowCount() == 2
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    # The claim undone is gone; its neighbour in the list is not selected in its place (nor
    # the article scrolled to it): the reader picks what comes next.
    assert window.annotations.model_.rowCount() == 1
    assert window.view.selected_span_id is None
    assert not window.annotations.selectionModel().hasSelection()
    assert not window.annotations.currentIndex().isValid()

