"""The annotation list's rows copied from kept images: the same pixels as Qt's own painting, in
every state a row can be in, and drawn afresh whenever what they show changes."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage, QPaintEvent, QPalette
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from claimdesk.core.records import AnnotationRecord
from claimdesk.gui.annotation_list import AnnotationList
from claimdesk.gui.theme import apply_theme
from tests.gui.claim_scheme import CLAIM, SOURCE
from tests.gui.test_annotation_list import NOW, claims_list

ROOT = Path(__file__).resolve().parents[2]

AWKWARD = [
    "Talks on the 🇨🇳–🇷🇺 border resume 👍🏽",
    "𠀀𪚥 troop reduction 𨳒 (outside the BMP)",
    "Gorbache\u0301v and De\u0301ng: combining accents",
    '<b>barter</b> trade & "arms" <script>alert(1)</script>',
    "=SUM(A1:A9) +cmd|' /C calc'!A0 -2+3 @SUM(1)",
    "a long quote " + "that goes on and on " * 20,
    "line one\r\nline two\rline three",
]


def quote_of(annotation_id: int) -> str:
    return AWKWARD[annotation_id % len(AWKWARD)] + f" #{annotation_id}"


def record(annotation_id: int) -> AnnotationRecord:
    start = annotation_id * 10
    label = CLAIM.id if annotation_id % 3 else SOURCE.id
    note = "" if annotation_id % 2 else AWKWARD[(annotation_id + 3) % len(AWKWARD)]
    return AnnotationRecord(
        annotation_id, 4, label, 7, start, start + 5, quote_of(annotation_id), note, NOW, NOW
    )


class PaintedByQt:
    """The regions the list had Qt paint (rows without an image)."""

    def __init__(self, view: AnnotationList) -> None:
        self.regions: list[QRect] = []
        self._paint = view.row_images.paint_rows
        view.row_images.paint_rows = self

    def __call__(self, event: QPaintEvent) -> None:
        self.regions.append(event.region().boundingRect())
        self._paint(event)


@pytest.fixture
def listing(qtbot: QtBot) -> AnnotationList:
    view = claims_list(record, 200)
    qtbot.addWidget(view)
    view.resize(460, 330)
    view.show()
    qtbot.waitExposed(view)
    view.verticalScrollBar().setValue(30)
    QApplication.processEvents()
    return view


def rows_on_screen(view: AnnotationList) -> range:
    last = view.rowAt(view.viewport().height() - 1)
    return range(view.rowAt(0), (view.model().rowCount() - 1 if last < 0 else last) + 1)


def by_qt(view: AnnotationList) -> QImage:
    view.row_images.enabled = False
    try:
        return view.viewport().grab().toImage()
    finally:
        view.row_images.enabled = True


def from_images(view: AnnotationList) -> QImage:
    """The viewport drawn again with every row on screen copied from its image."""
    qt = PaintedByQt(view)
    made = view.row_images.made
    image = view.viewport().grab().toImage()
    assert qt.regions == [], "every row shown had an image"
    assert view.row_images.made == made
    return image


@pytest.mark.parametrize(
    "state",
    ["plain", "selected", "focus", "inactive window", "narrow columns", "dark theme"],
)
def test_rows_copied_from_their_images_look_as_qt_paints_them(
    listing: AnnotationList, qtbot: QtBot, state: str
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    sheet, palette = app.styleSheet(), QPalette(app.palette())
    chosen = app.property("claimdesk_theme")
    shown = rows_on_screen(listing)
    try:
        if state == "dark theme":
            apply_theme(app, "dark")
            QApplication.processEvents()
        if state in ("selected", "focus", "inactive window"):
            listing.select_annotation(listing.model_.id_at(shown[3]))
        if state == "focus":
            listing.activateWindow()
            listing.setFocus()
            listing.setCurrentIndex(listing.model().index(shown[3], 2))
            qtbot.waitUntil(listing.hasFocus)
        if state == "inactive window":
            elsewhere = QWidget()
            qtbot.addWidget(elsewhere)
            elsewhere.show()
            elsewhere.activateWindow()
            qtbot.waitUntil(lambda: not listing.isActiveWindow())
        if state == "narrow columns":
            listing.horizontalHeader().resizeSection(1, 40)
            listing.horizontalHeader().resizeSection(2, 30)
        QApplication.processEvents()
        listing.row_images.clear()  # kept afresh in this state alone (the timer may have run)
        listing.row_images.keep_shown()
        assert listing.row_images.held() == len(shown)
        theirs = by_qt(listing)
        mine = from_images(listing)
        mine.save(f"/tmp/row-images-{state.replace(' ', '-')}.png")
        assert mine == theirs
    finally:
        app.setStyleSheet(sheet)
        app.setPalette(palette)
        app.setProperty("claimdesk_theme", chosen)


def test_a_changed_row_alone_is_painted_afresh(listing: AnnotationList) -> None:
    listing.row_images.keep_shown()
    shown = rows_on_screen(listing)
    model = listing.model_
    qt = PaintedByQt(listing)
    changed = shown[2]
    model.replace(replace(model.record(changed), note="checked against the wire copy"))
    listing.viewport().repaint()
    top = listing.rowViewportPosition(changed)
    assert [(r.top(), r.bottom()) for r in qt.regions] == [
        (top, top + listing.rowHeight(changed) - 1)
    ]
    assert by_qt(listing) == listing.viewport().grab().toImage()
    made = listing.row_images.made
    listing.row_images.keep_shown()  # the changed row is kept again, the others still are
    assert listing.row_images.made == made + 1
    assert "checked against the wire copy" in str(listing.model().index(changed, 2).data())
    assert from_images(listing) == by_qt(listing)


def test_a_deleted_claim_is_not_drawn_from_its_image_when_it_comes_back_changed(
    listing: AnnotationList,
) -> None:
    # Undo brings a claim back with its id: the image kept before it went is not used for it.
    listing.row_images.keep_shown()
    model = listing.model_
    row = rows_on_screen(listing)[1]
    gone = model.record(row)
    model.remove(gone.id)
    model.add(replace(gone, note="restored with a new note"))
    listing.viewport().repaint()
    assert listing.viewport().grab().toImage() == by_qt(listing)
    assert "restored with a new note" in str(listing.model().index(row, 2).data())


def test_a_new_look_paints_every_row_afresh(listing: AnnotationList) -> None:
    listing.row_images.keep_shown()
    made = listing.row_images.made
    listing.horizontalHeader().resizeSection(1, 70)  # another width of the label column
    QApplication.processEvents()
    assert listing.viewport().grab().toImage() == by_qt(listing)
    listing.row_images.keep_shown()
    assert listing.row_images.made == made + len(rows_on_screen(listing))
    assert from_images(listing) == by_qt(listing)


def test_a_note_being_edited_is_painted_by_qt(listing: AnnotationList, qtbot: QtBot) -> None:
    listing.row_images.keep_shown()
    row = rows_on_screen(listing)[2]
    listing.edit(listing.model().index(row, 2))
    qtbot.waitUntil(lambda: listing.state() == listing.State.EditingState)
    made = listing.row_images.made
    listing.row_images.keep_shown()
    assert listing.row_images.made == made  # nothing is kept while a cell is edited
    qt = PaintedByQt(listing)
    listing.viewport().repaint()
    assert qt.regions == []  # Qt's own paint, not through the images' path


def test_scrolling_far_keeps_a_bounded_number_of_images(listing: AnnotationList) -> None:
    per_screen = len(rows_on_screen(listing))
    bar = listing.verticalScrollBar()
    for value in range(0, bar.maximum() + 1, 3):
        bar.setValue(value)
        listing.viewport().repaint()
        listing.row_images.keep_shown()
    assert listing.row_images.held() <= listing.row_images.SCREENS * (per_screen + 1)
    # Back up a screen: the rows are still kept, none is drawn afresh.
    made = listing.row_images.made
    bar.setValue(bar.maximum() - per_screen)
    listing.viewport().repaint()
    listing.row_images.keep_shown()
    assert listing.row_images.made == made
    assert from_images(listing) == by_qt(listing)


def test_a_reader_moving_among_three_screens_of_claims_finds_their_rows_copied(
    listing: AnnotationList,
) -> None:
    """The claims of the article's screen fill about three of the list's: their rows, and a
    selected image of each row of one screen (the claims just filed), stay kept."""
    per_screen = len(rows_on_screen(listing))
    bar = listing.verticalScrollBar()
    screens = [30, 30 + per_screen, 30 + 2 * per_screen]
    listing.select_annotation(None)
    for value in screens:
        bar.setValue(value)
        listing.viewport().repaint()
        listing.row_images.keep_shown()
    for row in rows_on_screen(listing):  # each filed and selected in turn on the last screen
        listing.select_annotation(listing.model_.id_at(row))
        listing.viewport().repaint()
        listing.row_images.keep_shown()
    listing.select_annotation(None)
    for value in screens:
        bar.setValue(value)
        assert from_images(listing) == by_qt(listing)


def test_the_rows_shown_are_kept_once_the_window_is_idle(
    listing: AnnotationList, qtbot: QtBot
) -> None:
    listing.row_images.clear()  # as a new look would (the timer may have run already)
    made = listing.row_images.made
    listing.viewport().repaint()  # Qt paints every row: none has an image
    assert listing.row_images.held() == 0
    qtbot.waitUntil(lambda: listing.row_images.held() == len(rows_on_screen(listing)))
    assert listing.row_images.made == made + len(rows_on_screen(listing))
    assert from_images(listing) == by_qt(listing)


@pytest.mark.parametrize(("scale", "kept"), [("2", True), ("1.5", True), ("1.25", False)])
def test_at_a_screen_scale_rows_and_the_scroll_bar_look_as_qt_paints_them(
    scale: str, kept: bool
) -> None:
    # At 125% a 30-pixel row's edges fall between device pixels: its image would not line up
    # with the rows around it, so Qt goes on painting the rows there.
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "QT_SCALE_FACTOR": scale,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "packaging" / "editable"), str(ROOT)]),
    }
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("row_images_scaled.py"))],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("SCALE ")), "")
    assert line, (done.stdout, done.stderr)
    words = line.split()
    assert float(words[1]) == float(scale)
    assert words[7] == "True", line  # the same pixels either way
    if kept:
        assert int(words[3]) > 0 and words[5] == "0", line  # every row copied from its image
    else:
        assert words[3] == "0" and int(words[5]) > 0, line  # Qt painted them
    # The lists' scroll bar, kept as images of itself likewise (at 125% its 14-pixel width falls
    # between device pixels and Qt draws it).
    bar = next((x for x in done.stdout.splitlines() if x.startswith("BAR ")), "").split()
    assert bar and bar[4] == "True", (done.stdout, done.stderr)
    assert (int(bar[2]) > 0) == kept, bar
