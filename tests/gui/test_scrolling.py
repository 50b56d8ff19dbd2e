"""Scrolling that moves pixels: the lists' scroll bars drawn again only when their handle moves,
the viewports still moved as pixels inside the painted focus frames."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QImage, QPaintEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QScrollBar, QWidget
from pytestqt.qtbot import QtBot

from claimdesk.gui.annotation_list import AnnotationList
from claimdesk.gui.document_view import DocumentView
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.scrolling import StillScrollBar
from claimdesk.gui.theme import apply_theme
from tests.gui.test_annotation_list import (
    Paints,
    drawn_afresh,
    listing,
    on_screen,
    record,
    visible_rows,
)

__all__ = ["listing"]  # a fixture: 60 claims in a list scrolled to the middle


_RGB = QImage.Format.Format_RGB32


class PaintCount(QObject):
    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _bars(qtbot: QtBot, holder: QWidget) -> tuple[StillScrollBar, QScrollBar]:
    """A still bar and a plain one (filling its background as the still one does), side by
    side, with the same range."""
    qtbot.addWidget(holder)
    holder.resize(90, 300)
    still, plain = StillScrollBar(Qt.Orientation.Vertical, holder), QScrollBar(holder)
    plain.setAutoFillBackground(True)
    # Away from the window's corner, where the pointer of an offscreen screen rests (a bar under
    # it is drawn hovered).
    for x, bar in ((30, still), (60, plain)):
        bar.setGeometry(x, 0, 16, 300)
        bar.setRange(0, 10_000)
        bar.setPageStep(20)
    holder.show()
    qtbot.waitExposed(holder)
    QApplication.processEvents()
    return still, plain


def on_screen_as_drawn_now(bar: QScrollBar) -> bool:
    """The pixels on screen (the window's backing store) are those the bar draws for its present
    state: drawing it again at once changes none of them (nothing stale was left showing)."""
    QApplication.processEvents()

    def shown() -> QImage:
        corner = bar.mapTo(bar.window(), bar.rect().topLeft())
        screen = bar.screen().grabWindow(bar.window().winId())
        return screen.copy(corner.x(), corner.y(), bar.width(), bar.height()).toImage()

    before = shown()
    bar.repaint()
    return bool(before.convertToFormat(_RGB) == shown().convertToFormat(_RGB))


def test_a_range_that_moves_no_pixel_draws_nothing_and_a_moved_handle_is_drawn(
    qtbot: QtBot,
) -> None:
    holder = QWidget()
    still, plain = _bars(qtbot, holder)
    paints = PaintCount(still)
    assert on_screen_as_drawn_now(still) and on_screen_as_drawn_now(plain)
    paints.count = 0
    for bar in (still, plain):
        bar.setRange(0, 10_001)  # a row more in a list of ten thousand
    QApplication.processEvents()
    assert paints.count == 0
    assert on_screen_as_drawn_now(still) and on_screen_as_drawn_now(plain)
    for change in (
        lambda bar: bar.setRange(0, 40),  # most rows gone: a longer handle
        lambda bar: bar.setValue(30),  # scrolled
        lambda bar: bar.setValue(40),  # at the end: the down arrow greys out
        lambda bar: bar.setValue(0),
        lambda bar: bar.setEnabled(False),
    ):
        paints.count = 0
        for bar in (still, plain):
            change(bar)
        QApplication.processEvents()
        assert paints.count >= 1
        assert on_screen_as_drawn_now(still) and on_screen_as_drawn_now(plain)


def _same_pixels(still: QScrollBar, plain: QScrollBar) -> bool:
    return bool(
        still.grab().toImage().convertToFormat(_RGB) == plain.grab().toImage().convertToFormat(_RGB)
    )


def test_the_bar_drawn_from_its_kept_images_looks_as_qt_draws_it(
    qtbot: QtBot, qapp: QApplication
) -> None:
    holder = QWidget()
    still, plain = _bars(qtbot, holder)
    states: list[Callable[[QScrollBar], object]] = [
        lambda bar: bar.setValue(0),  # at the start: the up arrow greyed out
        lambda bar: bar.setValue(5_000),
        lambda bar: bar.setValue(10_000),  # at the end
        lambda bar: bar.setRange(0, 40),  # a long handle
        lambda bar: bar.setEnabled(False),
        lambda bar: bar.setEnabled(True),
        lambda bar: bar.setOrientation(Qt.Orientation.Horizontal),
        lambda bar: bar.setGeometry(bar.x(), 0, 30, 16),
    ]
    for change in states:
        for bar in (still, plain):
            change(bar)
        QApplication.processEvents()
        assert _same_pixels(still, plain)
    apply_theme(qapp, "dark")
    try:
        QApplication.processEvents()
        assert _same_pixels(still, plain)
    finally:
        apply_theme(qapp, "light")
    QApplication.processEvents()
    assert _same_pixels(still, plain)


def test_a_bar_under_the_pointer_shows_its_hover_as_qt_draws_it(qtbot: QtBot) -> None:
    holder = QWidget()
    still, plain = _bars(qtbot, holder)
    looks = {}
    for bar in (plain, still):
        bar.setValue(5_000)
        QTest.mouseMove(bar, bar.rect().center())  # over the handle: Fusion lights it
        qtbot.waitUntil(bar.underMouse)
        looks[bar] = bar.grab().toImage().convertToFormat(_RGB)
        QTest.mouseMove(holder, QPoint(5, 5))
        qtbot.waitUntil(lambda bar=bar: not bar.underMouse())
    assert looks[still] == looks[plain]
    # Left again: drawn without the hover (from an image), as Qt draws a bar not hovered.
    assert _same_pixels(still, plain)
    assert looks[still] != still.grab().toImage().convertToFormat(_RGB)


def test_a_position_drawn_before_is_copied_and_a_new_one_drawn(qtbot: QtBot) -> None:
    holder = QWidget()
    still, _plain = _bars(qtbot, holder)
    for value in (0, 5_000, 10_000):
        still.setValue(value)
        still.repaint()
    made = still.made
    for value in (5_000, 0, 10_000, 5_000):  # the handle back where it was drawn
        still.setValue(value)
        still.repaint()
        assert on_screen_as_drawn_now(still)
    assert still.made == made
    still.setValue(2_500)  # a position not drawn yet
    still.repaint()
    assert still.made == made + 1
    for value in range(0, 10_001, 100):  # many positions: the images kept stay bounded
        still.setValue(value)
        still.repaint()
    assert still.held() <= still.IMAGES


def test_the_lists_bars_never_show_a_stale_handle_as_claims_come_and_go(
    window: MainWindow, qtbot: QtBot
) -> None:
    bar = window.annotations.verticalScrollBar()
    assert isinstance(bar, StillScrollBar)
    assert isinstance(window.documents.table.verticalScrollBar(), StillScrollBar)
    text = window.view.document_text()
    words = [word for word in dict.fromkeys(text.split()) if word.isalpha() and len(word) > 5]

    for word in words[:30]:  # enough claims for a scroll bar, each a word of the article
        window.view.set_text_selection(text.index(word), text.index(word) + len(word))
        qtbot.keyClick(window.view, "1")
    QApplication.processEvents()
    assert bar.maximum() > 0 and bar.isVisible() and on_screen_as_drawn_now(bar)
    window.annotations.scrollToBottom()
    QApplication.processEvents()
    assert on_screen_as_drawn_now(bar)
    for _ in range(20):
        qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    assert on_screen_as_drawn_now(bar)


def test_a_moved_handle_redraws_the_bar_alone_not_the_widgets_beneath_it(
    window: MainWindow, qtbot: QtBot
) -> None:
    """The bar fills its own background: Qt need not draw the list's frame, the panels and the
    main window under it first (its style's corners are translucent)."""
    listing = window.annotations
    bar = listing.verticalScrollBar()
    text = window.view.document_text()
    words = [word for word in dict.fromkeys(text.split()) if word.isalpha() and len(word) > 5]
    for word in words[:30]:
        window.view.set_text_selection(text.index(word), text.index(word) + len(word))
        qtbot.keyClick(window.view, "1")
    QApplication.processEvents()
    assert bar.isVisible() and bar.maximum() > 0
    beneath = [bar.parentWidget(), listing, window]
    counts = [PaintCount(widget) for widget in beneath]
    bars = PaintCount(bar)
    # The handle moves: the bar is drawn again.
    bar.setValue(bar.minimum() if bar.value() == bar.maximum() else bar.maximum())
    QApplication.processEvents()
    assert bars.count >= 1
    assert [count.count for count in counts] == [0, 0, 0]
    assert on_screen_as_drawn_now(bar)


@pytest.fixture
def focus_frames(qapp: QApplication) -> Iterator[Callable[[], None]]:
    """The light theme, over widgets already shown, under the focus frames' style the session
    draws with (tests/gui/conftest.py), as the application does."""
    yield lambda: apply_theme(qapp, "light")


def test_under_the_focus_frames_a_row_among_those_shown_draws_itself_alone(
    listing: AnnotationList, focus_frames: Callable[[], None], qtbot: QtBot
) -> None:
    focus_frames()
    model = listing.model_
    shown = visible_rows(listing)
    qtbot.wait(100)  # the new style's own relayout and repaint, long over in the application
    assert on_screen(listing) == drawn_afresh(listing)
    paints = Paints(listing)
    new = record(100, model.record(shown[len(shown) // 2]).start + 1)
    model.add(new)
    now = on_screen(listing)
    painted = list(paints.areas)  # (a fresh drawing, to compare with, paints too)
    assert now == drawn_afresh(listing)  # every row shows its own claim
    row = model.row_of(new.id)
    top, bottom = listing.rowViewportPosition(row), listing.rowViewportPosition(row + 1)
    # The rows below moved down as pixels; only the new one was drawn.
    assert painted and all(top <= area.top() and area.bottom() <= bottom for area in painted)


def test_under_the_focus_frames_the_article_scrolls_by_moving_its_pixels(
    focus_frames: Callable[[], None], qtbot: QtBot
) -> None:
    view = DocumentView()
    qtbot.addWidget(view)
    view.set_document("\n\n".join(f"Paragraph {i}, a line of its own." for i in range(200)), [])
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    focus_frames()
    qtbot.wait(50)
    viewport = view.viewport()
    drawn: list[QRect] = []

    class Areas(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                assert isinstance(event, QPaintEvent)
                drawn.extend(event.region())  # type: ignore[arg-type]
            return False

    areas = Areas()
    viewport.installEventFilter(areas)
    view.verticalScrollBar().setValue(view.verticalScrollBar().value() + 1)  # a line down
    QApplication.processEvents()
    # Only the line that came into view was drawn; the rest moved up.
    assert drawn and sum(area.height() for area in drawn) < viewport.height() // 3
