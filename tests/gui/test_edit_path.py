"""What one edit changes in the window, and only that: the claim the reader selected, the rows
of the lists that changed, the widths of their columns."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QEvent, QModelRoleData, QModelRoleDataSpan, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QStyleOptionViewItem, QWidget
from pytestqt.qtbot import QtBot

from claimdesk.gui.main_window import MainWindow
from tests.gui.test_document_list import add_articles
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


class Paints(QObject):
    """The areas painted on the widgets it watches (the rectangles of each paint's region)."""

    def __init__(self, *widgets: QWidget) -> None:
        super().__init__()
        self.areas: dict[QWidget, list[QRect]] = {widget: [] for widget in widgets}
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and watched in self.areas:
            assert isinstance(event, QPaintEvent)
            self.areas[watched].extend(event.region())  # type: ignore[index, call-overload]
        return False

    def clear(self) -> None:
        for areas in self.areas.values():
            areas.clear()

    def settle(self, qtbot: QtBot) -> None:
        """Wait until nothing has been painted for 100 ms (up to 3 s: a loaded machine paints
        what an earlier edit left later), then start counting afresh."""
        for _ in range(30):
            self.clear()
            qtbot.wait(100)
            if not any(self.areas.values()):
                return


def test_a_claim_redraws_the_cells_of_its_document_that_changed_and_the_count_fits(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    add_articles(window, tmp_path, 12)
    table = window.documents.table
    header = table.horizontalHeader()
    row = window.documents.visible_ids().index(window.document_id)
    paints = Paints(table.viewport(), header.viewport())
    paints.settle(qtbot)
    select_phrase(window, "arms embargo")
    qtbot.keyClick(window.view, "1")  # the document is now in progress: its status widens
    QApplication.processEvents()
    model = table.model()
    title, status, count = (model.index(row, column) for column in range(3))
    assert status.data().endswith("In progress") and count.data() == 1
    # Its status and its count are drawn again; its title is not. (Qt's rectangle of a cell
    # can reach a pixel past it, where the grid would be.)
    band = table.visualRect(title).united(table.visualRect(count)).adjusted(0, 0, 1, 1)
    drawn = paints.areas[table.viewport()]
    assert drawn and all(band.contains(area) for area in drawn)
    assert not any(area.intersects(table.visualRect(title)) for area in drawn)
    paints.settle(qtbot)
    select_phrase(window, "Soviet weapons technology")
    qtbot.keyClick(window.view, "4")
    QApplication.processEvents()
    # The count went up: that cell alone is drawn again; the other cells, rows and the
    # headings are left as they were.
    assert paints.areas[header.viewport()] == []
    drawn = paints.areas[table.viewport()]
    assert drawn and all(band.contains(area) for area in drawn)
    assert not any(area.intersects(table.visualRect(title)) for area in drawn)
    assert not any(area.intersects(table.visualRect(status)) for area in drawn)
    assert count.data() == 2
    assert table.columnWidth(2) >= table.sizeHintForIndex(count).width()


def test_a_count_that_outgrows_its_column_widens_it(window: MainWindow, qtbot: QtBot) -> None:
    documents = window.documents
    model = documents.model
    rows = [model.summary(row) for row in range(model.rowCount())]
    big = [replace(rows[0], annotation_count=123_456_789_012), *rows[1:]]
    before = documents.table.columnWidth(2)
    documents.update_rows(big, None)  # counts from elsewhere, as a shared project's are
    index = documents.proxy.mapFromSource(model.index(0, 2))
    needed = documents.table.fontMetrics().horizontalAdvance("123456789012")
    assert documents.table.columnWidth(2) > max(before, needed)
    assert documents.table.columnWidth(2) >= documents.table.sizeHintForIndex(index).width()


def test_a_claim_redraws_the_count_of_its_label_alone(window: MainWindow, qtbot: QtBot) -> None:
    view, model = window.tags.view, window.tags.model
    paints = Paints(view.viewport())
    paints.settle(qtbot)
    select_phrase(window, "arms embargo")
    qtbot.keyClick(window.view, "1")
    qtbot.wait(50)  # a list laid out again is painted on a timer, after the edit
    (label,) = [label for label in window.labels.values() if label.shortcut == "1"]
    row = view.visualRect(model.index(model.row_of(label.id)))
    assert model.index(model.row_of(label.id)).data(model.CountRole) == 1
    drawn = paints.areas[view.viewport()]
    assert drawn and all(row.contains(area) for area in drawn)


def test_the_document_columns_fit_a_larger_font(window: MainWindow, qtbot: QtBot) -> None:
    documents = window.documents
    table = documents.table
    font = documents.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    documents.setFont(font)
    QApplication.processEvents()
    for column in (1, 2):
        index = table.model().index(0, column)
        assert table.columnWidth(column) >= table.sizeHintForIndex(index).width()


def test_an_edit_far_from_the_selected_claim_leaves_the_article_as_a_full_repaint_would(
    window: MainWindow, qtbot: QtBot
) -> None:
    view = window.view
    flash = QApplication.cursorFlashTime()
    QApplication.setCursorFlashTime(0)  # a caret that does not blink: the two pictures agree
    try:
        select_phrase(window, "arms embargo")
        qtbot.keyClick(view, "1")  # near the top, and selected
        text = view.document_text()
        words = text.split()
        # A phrase far below it, still on screen: the outline goes from one end to the other.
        phrase = " ".join(words[-40:-37])
        start = text.index(phrase)
        view.set_text_selection(start, start + len(phrase))
        assert view.span_rects(view.selected_span_id or -1)
        qtbot.wait(50)
        qtbot.keyClick(view, "4")
        assert view.span_rects(view.selected_span_id or -1)  # the new claim, on screen
        qtbot.wait(50)
        viewport = view.viewport()
        shot = window.screen().grabWindow(window.winId()).toImage()
        on_screen = shot.copy(QRect(viewport.mapTo(window, QPoint(0, 0)), viewport.size()))
        repainted = viewport.grab().toImage().convertToFormat(on_screen.format())
        assert on_screen == repainted
    finally:
        QApplication.setCursorFlashTime(flash)


def test_the_annotation_list_answers_a_painted_cell_as_it_answers_each_role(
    window: MainWindow, qtbot: QtBot
) -> None:
    for phrase, key in (("arms embargo", "1"), ("Soviet weapons technology", "4")):
        select_phrase(window, phrase)
        qtbot.keyClick(window.view, key)
    table = window.annotations
    model = table.model_
    roles = [int(role) for role in Qt.ItemDataRole if role < Qt.ItemDataRole.UserRole]
    delegate = QStyledItemDelegate()
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            for role in [*roles, model.IdRole]:
                asked = QModelRoleData(role)
                model.multiData(index, QModelRoleDataSpan(asked))
                assert asked.data() == model.data(index, role), (row, column, role)
            # What the list draws in the cell (the delegate asks for all its roles at once).
            option = QStyleOptionViewItem()
            delegate.initStyleOption(option, index)
            assert option.text == str(model.data(index, Qt.ItemDataRole.DisplayRole))
            decoration = model.data(index, Qt.ItemDataRole.DecorationRole)
            assert bool(option.features & option.ViewItemFeature.HasDecoration) == (
                decoration is not None
            )
            editable = model.flags(index) & Qt.ItemFlag.ItemIsEditable
            assert bool(editable) == (column == 2)  # the note


def test_clicking_a_highlight_redraws_the_list_rows_it_selects_and_leaves(
    window: MainWindow, qtbot: QtBot
) -> None:
    phrases = ("arms embargo", "Soviet weapons technology", "barter away for Chinese things")
    for phrase in phrases:
        select_phrase(window, phrase)
        qtbot.keyClick(window.view, "1")
    table, model = window.annotations, window.annotations.model_
    first = next(
        model.id_at(r) for r in range(model.rowCount()) if model.record(r).quote == phrases[0]
    )
    last = window.view.selected_span_id
    assert last is not None and last != first
    window.view.verticalScrollBar().setValue(0)
    paints = Paints(table.viewport())
    paints.settle(qtbot)
    rect = window.view.span_rects(first)[0]
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    QApplication.processEvents()
    assert table.currentIndex().row() == model.row_of(first)
    rows = [model.row_of(first), model.row_of(last)]
    bands = [(table.rowViewportPosition(r), table.rowHeight(r)) for r in rows]
    drawn = paints.areas[table.viewport()]
    assert drawn and all(
        any(top <= area.top() and area.bottom() <= top + height for top, height in bands)
        for area in drawn
    ), (drawn, bands)
    # What the list shows is what a full repaint draws: the row left looks unselected again.
    viewport = table.viewport()
    shot = window.screen().grabWindow(window.winId()).toImage()
    on_screen = shot.copy(QRect(viewport.mapTo(window, QPoint(0, 0)), viewport.size()))
    assert on_screen == viewport.grab().toImage().convertToFormat(on_screen.format())


def test_the_claim_list_headings_stay_as_they_are_while_claims_are_selected_and_deleted(
    window: MainWindow, qtbot: QtBot
) -> None:
    header = window.annotations.horizontalHeader()
    select_phrase(window, "arms embargo")
    qtbot.keyClick(window.view, "1")
    select_phrase(window, "Soviet weapons technology")
    qtbot.keyClick(window.view, "4")
    window.select_annotation(None)
    QApplication.processEvents()
    before = header.grab().toImage()
    paints = Paints(header.viewport())
    paints.settle(qtbot)
    first = window.annotations.model_.id_at(0)
    window.select_annotation(first)  # as a click on its highlight does
    QApplication.processEvents()
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    QApplication.processEvents()
    assert window.annotations.model_.rowCount() == 1
    # The headings name the columns; they are not drawn again (nor turned bold) because a
    # row was selected or deleted.
    assert paints.areas[header.viewport()] == []
    assert header.grab().toImage() == before
