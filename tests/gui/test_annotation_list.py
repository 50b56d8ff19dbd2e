"""The annotation list after an edit: the rows a reader sees are the right ones, drawn once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QImage, QPaintEvent, QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QTableView, QWidget
from pytestqt.qtbot import QtBot

from claimdesk.core.records import AnnotationRecord
from claimdesk.core.text.spans import Span, SpanIndex
from claimdesk.gui.annotation_cells import PaintedCells
from claimdesk.gui.annotation_list import AnnotationList
from claimdesk.gui.change_signal import Shown
from claimdesk.gui.theme import apply_theme
from tests.gui.claim_scheme import CLAIM, SOURCE

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def record(annotation_id: int, start: int | None = None) -> AnnotationRecord:
    start = annotation_id * 10 if start is None else start
    label = CLAIM.id if annotation_id % 3 else SOURCE.id
    quote = f"claim number {annotation_id}"
    return AnnotationRecord(
        annotation_id, 4, label, 7, start, start + len(quote), quote, "", NOW, NOW
    )


class Paints(QObject):
    """The rectangles painted on the list's viewport."""

    def __init__(self, list_: AnnotationList) -> None:
        super().__init__()
        self.areas: list[QRect] = []
        list_.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            assert isinstance(event, QPaintEvent)
            self.areas.extend(event.region())  # type: ignore[arg-type]
        return False


def claims_list(records: Callable[[int], AnnotationRecord], count: int) -> AnnotationList:
    """A list of the claims 1..``count``, each fetched as ``records`` makes it when shown."""
    view = AnnotationList()
    model = view.model_
    model.fetch = lambda ids: {i: records(i) for i in ids}
    model.set_labels([CLAIM, SOURCE])
    model.set_spans([Span(i, i * 10, i * 10 + 5, records(i).label_id) for i in range(1, count + 1)])
    model.shown = Shown(4, 7)
    return view


@pytest.fixture
def listing(qtbot: QtBot) -> AnnotationList:
    """60 claims in a list that shows about ten of them, scrolled to the middle."""
    view = claims_list(record, 60)
    qtbot.addWidget(view)
    view.resize(420, 320)
    view.show()
    qtbot.waitExposed(view)
    view.verticalScrollBar().setValue(20)
    QApplication.processEvents()
    view.row_images.clear()  # (the rows shown before the scroll may have been kept already)
    view.row_images.keep_shown()  # as once the window is idle: the rows shown are kept as images
    assert view.row_images.held() == len(visible_rows(view))
    return view


def on_screen(view: AnnotationList) -> QImage:
    """What the window really shows of the rows (the window's buffer, as last drawn)."""
    viewport = view.viewport()
    for _ in range(3):  # a layout asked for later, then its repaint
        QApplication.processEvents()
    shot = view.screen().grabWindow(view.winId()).toImage()
    return shot.copy(QRect(viewport.mapTo(view, QPoint(0, 0)), viewport.size()))


def drawn_afresh(view: AnnotationList) -> QImage:
    """The rows drawn from scratch out of the model (by Qt, none copied from a kept image)."""
    shown = on_screen(view)
    view.row_images.enabled = False
    try:
        image = view.viewport().grab().toImage()
    finally:
        view.row_images.enabled = True
    return image.convertToFormat(shown.format())


def visible_rows(view: AnnotationList) -> range:
    viewport = view.viewport()
    last = view.rowAt(viewport.height() - 1)  # -1: the rows end above the bottom edge
    return range(view.rowAt(0), (view.model().rowCount() - 1 if last < 0 else last) + 1)


@pytest.mark.parametrize(
    "edit",
    [
        "insert above",
        "insert among",
        "insert below",
        "remove above",
        "remove among",
        "remove below",
        "remove at the bottom",
        "remove the selected",
        "insert and select",
        "renote and insert",
    ],
)
def test_rows_added_or_removed_while_scrolled_show_the_right_claims(
    listing: AnnotationList, qtbot: QtBot, edit: str
) -> None:
    model = listing.model_
    shown = visible_rows(listing)
    middle = model.id_at(shown[len(shown) // 2])
    if edit == "remove at the bottom":
        listing.verticalScrollBar().setValue(listing.verticalScrollBar().maximum())
        QApplication.processEvents()
        shown = visible_rows(listing)
        middle = model.id_at(shown[len(shown) // 2])
    if edit in ("remove the selected", "insert and select"):
        listing.select_annotation(middle)
    QApplication.processEvents()
    assert on_screen(listing) == drawn_afresh(listing)
    paints = Paints(listing)
    new = record(100, model.record(shown[len(shown) // 2]).start + 1)
    if edit == "insert above":
        model.add(record(101, model.record(shown[0] - 3).start + 1))
    elif edit in ("insert among", "insert and select"):
        model.add(new)
    elif edit == "renote and insert":
        model.replace(replace(model.record(shown[-2]), note="a note drawn before the move"))
        model.add(new)
    elif edit == "insert below":
        model.add(record(102, model.record(shown[-1] + 3).start + 1))
    elif edit == "remove above":
        model.remove(model.id_at(shown[0] - 2))
    elif edit == "remove below":
        model.remove(model.id_at(shown[-1] + 2))
    else:
        model.remove(middle)
    if edit == "insert and select":
        listing.select_annotation(new.id)
    # Each row the reader sees shows its own claim, as a full redraw from the model shows it.
    shown_now = on_screen(listing)
    painted = list(paints.areas)
    assert shown_now == drawn_afresh(listing), edit
    rows = visible_rows(listing)
    quotes = [str(model.index(row, 0).data()) for row in rows]
    assert quotes == [model.record(row).quote for row in rows]
    if edit == "insert among":
        assert "claim number 100" in quotes
        # Only the new row was drawn: the ones below it moved down as they were.
        row = model.row_of(new.id)
        band = QRect(0, listing.rowViewportPosition(row), 1, listing.rowHeight(row))
        assert painted and all(
            band.top() <= area.top() and area.bottom() <= band.bottom() for area in painted
        ), (painted, band)
    if edit == "remove the selected":
        assert not listing.currentIndex().isValid()
        assert not listing.selectionModel().hasSelection()


def test_a_new_document_after_scrolled_rows_redraws_every_row(
    listing: AnnotationList, qtbot: QtBot
) -> None:
    model = listing.model_
    model.set_spans([Span(i, i * 10, i * 10 + 5, CLAIM.id) for i in range(200, 230)])
    model.add(record(300, 2005))  # in the same turn of the event loop as the reset
    assert on_screen(listing) == drawn_afresh(listing)
    assert str(model.index(0, 0).data()) == "claim number 200"


def plain_view_of(listing: AnnotationList) -> QTableView:
    """A table view straight over the list's model, every role asked of it on each paint: the
    way the list drew its rows before it held their cells."""
    plain = QTableView()
    plain.setModel(listing.model_)
    plain.verticalHeader().hide()
    plain.setWordWrap(False)
    plain.setShowGrid(False)
    plain.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    plain.resize(listing.size())
    for column in range(listing.model_.columnCount()):
        plain.setColumnHidden(column, listing.isColumnHidden(column))
        plain.setColumnWidth(column, listing.columnWidth(column))
    current = listing.currentIndex()
    if current.isValid():
        plain.selectRow(current.row())
    plain.show()
    QApplication.processEvents()
    plain.verticalScrollBar().setValue(listing.verticalScrollBar().value())
    QApplication.processEvents()
    return plain


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_list_looks_as_the_model_draws_it_in_both_themes(
    listing: AnnotationList, qtbot: QtBot, theme: str
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    sheet, palette, chosen = (
        app.styleSheet(),
        QPalette(app.palette()),
        app.property("claimdesk_theme"),
    )
    apply_theme(app, theme)
    try:
        listing.select_annotation(listing.model_.id_at(visible_rows(listing)[2]))
        plain = plain_view_of(listing)
        qtbot.addWidget(plain)
        elsewhere = QWidget()  # the active window: both tables draw their inactive selection
        qtbot.addWidget(elsewhere)
        elsewhere.show()
        elsewhere.activateWindow()
        QApplication.processEvents()
        mine = listing.viewport().grab().toImage()
        mine.save(f"/tmp/annotation-list-{theme}.png")
        theirs = plain.viewport().grab().toImage()
        assert theirs.size() == mine.size()
        assert mine == theirs.convertToFormat(mine.format())
    finally:
        # As the session had it (a stylesheet left behind changes how later tests' bars draw).
        app.setStyleSheet(sheet)
        app.setPalette(palette)
        app.setProperty("claimdesk_theme", chosen)


def test_the_list_shows_an_index_in_its_order_and_keeps_its_own_copy(qtbot: QtBot) -> None:
    # As the window opens a document: the article view's index, handed to the list as well.
    view = AnnotationList()
    qtbot.addWidget(view)
    model = view.model_
    model.fetch = lambda ids: {i: record(i, start=50 if i in (5, 9) else None) for i in ids}
    model.set_labels([CLAIM, SOURCE])
    index = SpanIndex([(9, 50, 65, CLAIM.id), (2, 20, 35, SOURCE.id), (5, 50, 65, SOURCE.id)])
    model.set_spans(index, Shown(4, 7))
    assert [model.id_at(row) for row in range(model.rowCount())] == [2, 5, 9]
    assert model.counts() == {CLAIM.id: 1, SOURCE.id: 2}
    assert [model.row_of(i) for i in (2, 5, 9, 4)] == [0, 1, 2, -1]
    # The owner changes its index (the article view after an edit): the list, told of the
    # same edit, changes its own rows once.
    added = record(4, start=40)
    index.add(Span(added.id, added.start, added.end, added.label_id))
    index.remove(2)
    assert model.rowCount() == 3 and model.row_of(4) == -1
    model.add(added)
    model.remove(2)
    assert [model.id_at(row) for row in range(model.rowCount())] == [4, 5, 9]
    assert [model.index(row, 0).data() for row in range(3)] == [
        "claim number 4",
        "claim number 5",
        "claim number 9",
    ]
    assert model.counts() == {CLAIM.id: 2, SOURCE.id: 1}


def test_a_renamed_label_shows_in_rows_already_drawn(listing: AnnotationList) -> None:
    model = listing.model_
    row = visible_rows(listing)[1]
    before = on_screen(listing)
    renamed = replace(CLAIM, name="Normalisation claims", colour="#1f77b4")
    model.set_labels([renamed, SOURCE])
    label = model.record(row).label_id
    assert model.index(row, 1).data() == (
        "Normalisation claims" if label == CLAIM.id else "Source attribution"
    )
    after = on_screen(listing)
    assert after != before
    assert after == drawn_afresh(listing)
    assert listing.model().index(row, 1).data() == model.index(row, 1).data()


def test_a_note_is_edited_from_the_whole_note_and_handed_to_the_model(
    listing: AnnotationList, qtbot: QtBot
) -> None:
    model = listing.model_
    row = visible_rows(listing)[1]
    annotation_id = model.id_at(row)
    model.replace(replace(model.record(row), note="first line\nsecond line " + "x" * 300))
    QApplication.processEvents()
    edited: list[tuple[int, str]] = []
    model.noteEdited.connect(lambda i, note: edited.append((i, note)))
    index = listing.model().index(row, 2)
    listing.setCurrentIndex(index)
    qtbot.keyClick(listing.viewport(), Qt.Key.Key_F2)
    editor = listing.focusWidget()
    assert isinstance(editor, QLineEdit)
    assert editor.text() == model.record(row).note  # not the shortened line the cell shows
    editor.setText("checked")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(edited))  # the delegate commits on the next turn of the loop
    assert edited == [(annotation_id, "checked")]
    # Only the note is editable: F2 on the quote opens nothing.
    listing.setCurrentIndex(listing.model().index(row, 0))
    qtbot.keyClick(listing.viewport(), Qt.Key.Key_F2)
    assert not isinstance(listing.focusWidget(), QLineEdit)


def test_typing_jumps_to_a_claim_not_yet_shown(listing: AnnotationList, qtbot: QtBot) -> None:
    model = listing.model_
    model.replace(replace(model.record(55), quote="Zebra crossing talks"))
    activated: list[int] = []
    listing.annotationActivated.connect(activated.append)
    listing.setFocus()
    listing.setCurrentIndex(listing.model().index(visible_rows(listing)[0], 0))
    activated.clear()
    qtbot.keyClicks(listing, "zeb")
    assert listing.currentIndex().row() == 55
    assert activated and activated[-1] == model.id_at(55)
    assert listing.viewport().rect().intersects(listing.visualRect(listing.currentIndex()))


def test_opening_many_annotations_holds_cells_only_for_the_rows_shown(qtbot: QtBot) -> None:
    view = AnnotationList()
    qtbot.addWidget(view)
    model = view.model_
    model.fetch = lambda ids: {i: record(i) for i in ids}
    model.set_labels([CLAIM, SOURCE])
    model.set_spans([(i, i * 10, i * 10 + 5, CLAIM.id) for i in range(1, 100_001)])
    view.resize(420, 320)
    view.show()
    qtbot.waitExposed(view)
    QApplication.processEvents()
    assert view.model().rowCount() == 100_000
    cells = view.model()
    assert isinstance(cells, PaintedCells)
    assert 0 < cells.held_rows() <= 20
    assert view.model().index(0, 0).data() == "claim number 1"
    assert view.model().index(5_000, 0).data() is None  # an empty slot until it is shown
    for value in range(0, 100_000, 3_000):  # scrolled through: the cells held stay bounded
        view.verticalScrollBar().setValue(value)
        view.viewport().repaint()
    assert cells.held_rows() <= cells.HELD + 20
    assert str(view.model().index(view.rowAt(0), 0).data()).startswith("claim number")


def test_the_cells_the_list_draws_pass_the_model_tester(
    listing: AnnotationList, qtmodeltester: object
) -> None:
    listing.model_.add(record(100, 215))
    listing.model_.remove(listing.model_.id_at(3))
    qtmodeltester.check(listing.model())  # type: ignore[attr-defined]
