"""The lists' scroll bars are drawn again when their handle moves, and only then."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QScrollBar, QWidget
from pytestqt.qtbot import QtBot

from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.scrollbars import StillScrollBar

_RGB = QImage.Format.Format_RGB32


class _Paints(QObject):
    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _bars(qtbot: QtBot, holder: QWidget) -> tuple[StillScrollBar, QScrollBar]:
    """A still bar and a plain one, side by side, with the same range."""
    qtbot.addWidget(holder)
    holder.resize(60, 300)
    still, plain = StillScrollBar(Qt.Orientation.Vertical, holder), QScrollBar(holder)
    for x, bar in ((0, still), (30, plain)):
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
    paints = _Paints(still)
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
