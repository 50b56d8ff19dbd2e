"""Find in project from the keyboard: type, Enter, the concordance fills; Enter on a hit opens it
in the article with the hit selected; Mark all files every hit in one undoable step."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.search_window import LabelConcordanceWindow, SearchWindow
from claimdesk.gui.theme import apply_theme
from tests.gui.conftest import ScriptedPrompts, db_rows

MILITARY = r"\b(troops?|military|weapons?|arm(y|ies)|forces?|soldiers?)\b"


def _search(qtbot: QtBot, finder: SearchWindow, text: str) -> None:
    finder.field.clear()
    qtbot.keyClicks(finder.field, text)
    with qtbot.waitSignal(finder.searched, timeout=10_000):
        qtbot.keyClick(finder.field, Qt.Key.Key_Return)


def test_ctrl_shift_f_type_enter_then_enter_opens_the_hit(
    window: MainWindow, qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    assert window.menu_actions.find_in_project.shortcut() == QKeySequence("Ctrl+Shift+F")
    window.menu_actions.find_in_project.trigger()
    finder = window._search_window
    assert finder is not None and finder.isVisible()
    qtbot.waitUntil(finder.field.hasFocus)

    _search(qtbot, finder, "Soviet troops")
    assert finder.model.rowCount() == 2
    qtmodeltester.check(finder.model)
    assert finder.status.text() == "2 hits in 1 document"
    hit = finder.model.hits[1]
    assert (finder.model.data(finder.model.index(1, 1)), hit.match) == ("Soviet troops",) * 2
    left = finder.model.index(1, 0)
    assert finder.model.data(left, Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight

    finder.table.setFocus()
    qtbot.keyClick(finder.table, Qt.Key.Key_Down)
    qtbot.keyClick(finder.table, Qt.Key.Key_Return)
    assert window.document_id == hit.document_id
    assert window.view.text_selection() == (hit.start, hit.end)
    assert window.view.textCursor().selectedText() == "Soviet troops"


def test_sorting_by_left_context_reads_it_backwards(window: MainWindow, qtbot: QtBot) -> None:
    finder = window.find_in_project()
    _search(qtbot, finder, "troops")
    finder.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    proxy = finder.table.proxy
    lefts = [proxy.data(proxy.index(row, 0)) for row in range(proxy.rowCount())]
    assert lefts == sorted(lefts, key=lambda text: text[::-1].casefold())
    finder.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    rights = [proxy.data(proxy.index(row, 2)) for row in range(proxy.rowCount())]
    assert rights == sorted(rights, key=str.casefold)


def test_a_bad_pattern_is_a_sentence_in_the_window(window: MainWindow, qtbot: QtBot) -> None:
    finder = window.find_in_project()
    finder.regex.setChecked(True)
    _search(qtbot, finder, "(troops")
    assert "cannot be read" in finder.status.text()
    assert finder.model.rowCount() == 0


def test_mark_all_files_30_hits_and_one_undo_takes_them_back(
    window: MainWindow, qtbot: QtBot, prompts: ScriptedPrompts, project_path: Path
) -> None:
    finder = window.find_in_project()
    finder.regex.setChecked(True)
    _search(qtbot, finder, MILITARY)
    assert finder.model.rowCount() == 30
    finder.label_choice.setCurrentIndex(finder.label_choice.findText("Military"))
    prompts.confirms.append(True)
    with qtbot.waitSignal(finder.searched, timeout=10_000):
        qtbot.mouseClick(finder.mark_button, Qt.MouseButton.LeftButton)
    assert "File 30 hits under 'Military' as Ana" in prompts.asked[-1]
    assert len(db_rows(project_path, "SELECT id FROM annotation")) == 30
    assert all(h.labels == ("Military (Ana)",) for h in finder.model.hits)

    window.menu_actions.undo.trigger()
    assert db_rows(project_path, "SELECT id FROM annotation") == []
    window.menu_actions.redo.trigger()
    assert len(db_rows(project_path, "SELECT id FROM annotation")) == 30

    # Again: nothing new to file, nothing asked.
    asked = len(prompts.asked)
    finder.mark_all()
    assert len(prompts.asked) == asked
    assert finder.status.text() == "All 30 already filed under Military."


def test_label_concordance_flags_text_filed_under_another_label(
    window: MainWindow, qtbot: QtBot
) -> None:
    project, ana = window.project, window.annotator
    labels = {label.name: label.id for label in project.labels()}
    finder = window.find_in_project()
    _search(qtbot, finder, "Soviet troops")
    one, two = finder.model.hits
    project.add_annotation(one.document_id, labels["Military"], ana.id, one.start, one.end)
    project.add_annotation(two.document_id, labels["Border security"], ana.id, two.start, two.end)
    project.ensure_annotator("Bo")

    view = window.show_label_concordance(labels["Military"])
    qtbot.addWidget(view)
    assert isinstance(view, LabelConcordanceWindow)
    assert view.model.rowCount() == 1
    assert view.model.data(view.model.index(0, 5)) == "Border security"
    assert view.status.text() == "1 span; 1 with text filed elsewhere under another label"
    view.annotator_choice.setCurrentIndex(view.annotator_choice.findText("Bo"))
    assert view.model.rowCount() == 0


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_search_window_in_both_themes(window: MainWindow, qtbot: QtBot, theme: str) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, theme)
    try:
        finder = window.find_in_project()
        _search(qtbot, finder, "Moscow")
        image = finder.grab().toImage()
        background = image.pixelColor(image.width() // 2, image.height() - 60).lightnessF()
        assert (background < 0.5) == (theme == "dark")
    finally:
        apply_theme(app, "light")


def test_mark_all_files_only_the_selected_hits_when_some_are_selected(
    window: MainWindow, qtbot: QtBot, prompts: ScriptedPrompts, project_path: Path
) -> None:
    finder = window.find_in_project()
    _search(qtbot, finder, "Moscow")
    assert finder.model.rowCount() == 13
    finder.table.selectRow(0)
    qtbot.keyClick(finder.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(finder.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    prompts.confirms.append(True)
    with qtbot.waitSignal(finder.searched, timeout=10_000):
        finder.mark_all()
    assert "File 3 hits" in prompts.asked[-1]
    assert len(db_rows(project_path, "SELECT id FROM annotation")) == 3
