"""The document list as a user sees it: only the open row looks selected; the filter filters."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QModelRoleData, QModelRoleDataSpan, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from claimdesk.core.importing import import_paths
from claimdesk.gui.document_list import DocumentListModel
from claimdesk.gui.main_window import MainWindow

NEXT = (Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
PREVIOUS = (Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)


def add_articles(window: MainWindow, tmp_path: Path, count: int) -> list[int]:
    """``count`` more short articles, "Extra article 0" …; their ids in list order."""
    paths = []
    for number in range(count):
        path = tmp_path / f"extra-{number:02d}.txt"
        path.write_text(f"Extra article {number}\n\nTroops moved, part {number}.", "utf-8")
        paths.append(path)
    import_paths(window.project, paths)
    window.reload_documents()
    return window.documents.model.document_ids()


def on_screen(window: MainWindow) -> QImage:
    """What the list's viewport shows now: the window's backing store, not a fresh paint.

    ``widget.grab()`` paints everything again and so would hide rows the view forgot to repaint.
    """
    viewport = window.documents.table.viewport()
    shot = window.screen().grabWindow(window.winId()).toImage()
    return shot.copy(QRect(viewport.mapTo(window, QPoint(0, 0)), viewport.size()))


def highlighted_rows(window: MainWindow) -> list[int]:
    """Visible rows of which most pixels have the palette's selection colour."""
    table = window.documents.table
    palette = table.palette()
    highlights = [
        palette.color(group, QPalette.ColorRole.Highlight)
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive)
    ]

    # A theme's style sheet (the focus frames) draws the selection a shade off the palette's
    # colour (#3a6ecf for #2f65ca): near it, and far from the rows' base colours.
    def is_highlight(colour: QColor) -> bool:
        return any(
            abs(colour.red() - h.red())
            + abs(colour.green() - h.green())
            + abs(colour.blue() - h.blue())
            < 48
            for h in highlights
        )

    image = on_screen(window)
    width = min(image.width(), table.horizontalHeader().length())
    rows = []
    for row in range(table.model().rowCount()):
        top, height = table.rowViewportPosition(row), table.rowHeight(row)
        if top < 0 or top + height > image.height():
            continue
        pixels = [
            is_highlight(image.pixelColor(x, y))
            for y in range(top + 1, top + height - 1, 3)
            for x in range(0, width, 3)
        ]
        if sum(pixels) > 0.6 * len(pixels):
            rows.append(row)
    return rows


def selected_ids(window: MainWindow) -> list[int]:
    rows = window.documents.table.selectionModel().selectedRows()
    return [int(index.data(DocumentListModel.DocumentIdRole)) for index in rows]


def row_on_screen(window: MainWindow, document_id: int) -> int:
    ids = window.documents.visible_ids()
    return ids.index(document_id)


def assert_only_open_row_selected(window: MainWindow, qtbot: QtBot) -> None:
    assert window.document_id is not None
    assert selected_ids(window) == [window.document_id]
    row = row_on_screen(window, window.document_id)
    # The view repaints: the rows it leaves no longer look selected.
    qtbot.waitUntil(lambda: highlighted_rows(window) == [row], timeout=2000)


def click_row(window: MainWindow, qtbot: QtBot, row: int) -> None:
    table = window.documents.table
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_after_any_moves_only_the_open_document_looks_selected(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    ids = add_articles(window, tmp_path, 4)
    assert len(ids) == 6
    opened: list[int] = []
    window.documents.documentActivated.connect(opened.append)
    assert_only_open_row_selected(window, qtbot)
    for _ in range(5):
        qtbot.keyClick(window, *NEXT)
        assert_only_open_row_selected(window, qtbot)
    assert window.document_id == ids[5]
    for _ in range(2):
        qtbot.keyClick(window, *PREVIOUS)
        assert_only_open_row_selected(window, qtbot)
    assert window.document_id == ids[3]
    # Moves made by the window never come back from the list as a request to open.
    assert opened == []
    click_row(window, qtbot, 1)
    assert window.document_id == ids[1]
    assert opened == [ids[1]]  # the click opens it once, not again and again
    assert_only_open_row_selected(window, qtbot)
    window.documents.table.setFocus()
    qtbot.keyClick(window.documents.table, Qt.Key.Key_Down)  # arrow keys in the list open, too
    assert window.document_id == ids[2]
    assert opened == [ids[1], ids[2]]
    assert_only_open_row_selected(window, qtbot)
    window.open_document(ids[4])  # from elsewhere (an undo in another document does this)
    assert_only_open_row_selected(window, qtbot)
    qtbot.keyClick(window, *NEXT)
    assert window.document_id == ids[5]
    assert_only_open_row_selected(window, qtbot)
    assert opened == [ids[1], ids[2]]


def test_filtering_out_the_open_document_keeps_it_open_with_no_row_selected(
    window: MainWindow, qtbot: QtBot
) -> None:
    first, second = window.documents.model.document_ids()
    window.open_document(second)
    text = window.view.document_text()
    assert text.startswith("Warming Up")
    opened: list[int] = []
    window.documents.documentActivated.connect(opened.append)
    qtbot.keyClicks(window.documents.filter, "china")
    assert window.documents.visible_ids() == [first]
    assert window.document_id == second
    assert window.view.document_text() == text
    assert selected_ids(window) == []
    assert not window.documents.table.currentIndex().isValid()
    qtbot.waitUntil(lambda: highlighted_rows(window) == [], timeout=2000)
    assert opened == []


def test_clearing_the_filter_selects_the_open_document_again_and_scrolls_to_it(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    ids = add_articles(window, tmp_path, 40)
    window.open_document(ids[-1])  # far down the list
    qtbot.keyClicks(window.documents.filter, "china")
    assert window.documents.visible_ids() == [ids[0]]
    assert selected_ids(window) == []
    window.documents.filter.clear()
    assert window.document_id == ids[-1]
    assert selected_ids(window) == [ids[-1]]
    table = window.documents.table
    index = table.model().index(len(ids) - 1, 0)
    assert table.viewport().rect().contains(table.visualRect(index))  # scrolled into view
    assert_only_open_row_selected(window, qtbot)


def test_filtering_to_nothing_keeps_the_open_document_and_selects_it_when_it_matches_again(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    ids = add_articles(window, tmp_path, 12)
    window.open_document(ids[-1])  # "Extra article 11"
    text = window.view.document_text()
    opened: list[int] = []
    window.documents.documentActivated.connect(opened.append)
    qtbot.keyClicks(window.documents.filter, "extra article 1")
    assert len(window.documents.visible_ids()) == 3  # 1, 10 and 11
    assert selected_ids(window) == [ids[-1]]
    qtbot.keyClicks(window.documents.filter, "x")  # matches nothing
    assert window.documents.visible_ids() == []
    assert window.document_id == ids[-1]
    assert window.view.document_text() == text
    assert selected_ids(window) == []
    qtbot.keyClick(window.documents.filter, Qt.Key.Key_Backspace)  # matches again
    assert selected_ids(window) == [ids[-1]]
    assert_only_open_row_selected(window, qtbot)
    assert opened == []


def test_marking_the_open_document_done_under_an_in_progress_filter_keeps_it_open(
    window: MainWindow, qtbot: QtBot
) -> None:
    first, second = window.documents.model.document_ids()
    for document_id in (second, first):  # one claim in each: both in progress
        window.open_document(document_id)
        window.view.set_text_selection(0, 5)
        qtbot.keyClick(window.view, "1")
    qtbot.keyClicks(window.documents.filter, "progress")
    assert window.documents.visible_ids() == [first, second]
    assert selected_ids(window) == [first]
    window.menu_actions.mark_done.trigger()  # (Ctrl+D in the filter box deletes a character)
    assert first not in window.documents.visible_ids()  # done: filtered out
    assert window.document_id == first
    assert window.view.document_text().startswith("China")
    assert selected_ids(window) == []


@pytest.mark.parametrize("keys", [NEXT, PREVIOUS])
def test_a_click_in_a_filtered_list_or_a_move_from_a_hidden_document_opens_a_shown_one(
    window: MainWindow, qtbot: QtBot, keys: tuple[Qt.Key, Qt.KeyboardModifier]
) -> None:
    first, second = window.documents.model.document_ids()
    qtbot.keyClicks(window.documents.filter, "polar")
    assert window.document_id == first  # still open, filtered out
    qtbot.keyClick(window, *keys)  # from a hidden document: the first one shown
    assert window.document_id == second
    assert_only_open_row_selected(window, qtbot)
    window.open_document(first)
    assert selected_ids(window) == []
    assert window.documents.filter.text() == "polar"  # opening elsewhere leaves the filter
    click_row(window, qtbot, 0)
    assert window.document_id == second
    assert_only_open_row_selected(window, qtbot)
    assert window.documents.table.currentIndex() != QModelIndex()


def test_a_painted_cell_shows_what_the_list_answers_for_each_role(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    # The view asks a painted cell for all its roles at once, through the filter: the answers
    # are those the list gives role by role (title, status mark and colour, counts, tips).
    add_articles(window, tmp_path, 2)
    window.documents.filter.setText("extra 1")  # rows in other places than the model's
    proxy, model = window.documents.proxy, window.documents.model
    assert proxy.rowCount() == 1 < model.rowCount()
    assert proxy.mapToSource(proxy.index(0, 0)).row() != 0
    roles = [int(role) for role in Qt.ItemDataRole if role < Qt.ItemDataRole.UserRole]
    roles.append(DocumentListModel.DocumentIdRole)
    delegate = QStyledItemDelegate()
    for row in range(proxy.rowCount()):
        for column in range(proxy.columnCount()):
            index = proxy.index(row, column)
            source = proxy.mapToSource(index)
            for role in roles:
                asked = QModelRoleData(role)
                index.multiData(QModelRoleDataSpan(asked))
                assert asked.data() == model.data(source, role), (row, column, role)
            option = QStyleOptionViewItem()
            delegate.initStyleOption(option, index)
            assert option.text == str(model.data(source, Qt.ItemDataRole.DisplayRole))
            colour = model.data(source, Qt.ItemDataRole.ForegroundRole)
            if colour is not None:
                assert option.palette.color(QPalette.ColorRole.Text) == colour.color()
