"""The painted focus frames (gui/focus_frames.py): which widgets get one, how it looks focused and
not, that focus moving moves nothing else, and that an edit does not paint it again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTableWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
)
from pytestqt.qtbot import QtBot

from claimdesk.core.contrast import parse_hex
from claimdesk.gui.focus_frames import WIDTH, FramedStyle, is_framed
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.theme import apply_theme, theme_colours
from tests.gui.test_scrolling import PaintCount

THEMES = ("light", "dark")


@pytest.fixture(params=THEMES)
def theme(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    apply_theme(qapp, request.param)
    yield request.param
    apply_theme(qapp, "light")


def _colour(theme: str, role: str) -> QColor:
    return QColor(*parse_hex(theme_colours(theme)[role]))


def _edge(image: QImage) -> list[QColor]:
    """The pixels of a widget's border, its corners left out (they are rounded)."""
    width, height = image.width(), image.height()
    edge = [image.pixelColor(x, y) for x in range(6, width - 6) for y in (0, 1)]
    edge += [image.pixelColor(x, y) for x in (0, 1) for y in range(6, height - 6)]
    edge += [image.pixelColor(width - 1, y) for y in range(6, height - 6)]
    edge += [image.pixelColor(x, height - 1) for x in range(6, width - 6)]
    return edge


class _Dialog(QDialog):
    """A dialog of the kind any window opens: a list, a table, a note, a line edit, a tool
    button and a combo box."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.line = QLineEdit()
        self.listing = QListWidget()
        self.listing.addItems([f"Label {i}" for i in range(40)])  # a scroll bar
        self.table = QTableWidget(30, 30)  # both scroll bars, and the corner between them
        self.note = QPlainTextEdit("A note\r\nwith 🙂 and 𠀋")
        self.report = QTextBrowser()
        self.report.setPlainText("<b>not bold</b> =SUM(A1)")
        self.button = QToolButton()
        self.button.setText("Add…")
        self.button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.combo = QComboBox()
        self.combo.addItems(["warming", "cooling"])
        for widget in (
            self.line,
            self.listing,
            self.table,
            self.note,
            self.report,
            self.button,
            self.combo,
        ):
            layout.addWidget(widget)
        self.resize(360, 800)


@pytest.fixture
def dialog(qtbot: QtBot) -> _Dialog:
    dialog = _Dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def test_the_application_draws_with_fusion_and_the_frames(qapp: QApplication) -> None:
    style = qapp.style()
    assert isinstance(style, FramedStyle)
    assert style.baseStyle().name().lower() == "fusion"


def test_every_view_and_focusable_tool_button_is_framed_and_nothing_else(
    dialog: _Dialog, qtbot: QtBot
) -> None:
    for widget in (dialog.listing, dialog.table, dialog.note, dialog.report, dialog.button):
        assert is_framed(widget), type(widget).__name__
    for widget in (
        dialog.line,  # Fusion frames a focused line edit itself
        dialog.combo,
        dialog.table.horizontalHeader(),  # a header is part of its table's frame
        dialog.table.verticalHeader(),
    ):
        assert not is_framed(widget), type(widget).__name__
    dialog.combo.showPopup()
    popup = dialog.combo.view()
    qtbot.waitUntil(popup.isVisible)
    assert not is_framed(popup)  # the open list of a combo box keeps Fusion's own frame
    assert popup.frameWidth() != WIDTH
    dialog.combo.hidePopup()
    toolbar_like = QToolButton()
    toolbar_like.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    assert not is_framed(toolbar_like)  # never focused, never framed


def test_focus_frames_a_view_in_highlight_and_else_in_mid(
    dialog: _Dialog, qtbot: QtBot, theme: str
) -> None:
    highlight, mid = _colour(theme, "highlight"), _colour(theme, "mid")
    for widget in (dialog.listing, dialog.table, dialog.note, dialog.report):
        dialog.line.setFocus()
        qtbot.waitUntil(dialog.line.hasFocus)
        unfocused = _edge(widget.grab().toImage())
        viewport = widget.viewport().geometry()
        widget.setFocus()
        qtbot.waitUntil(widget.hasFocus)
        focused = _edge(widget.grab().toImage())
        name = type(widget).__name__
        assert all(pixel == mid for pixel in unfocused), name
        assert all(pixel == highlight for pixel in focused), name
        # The frame is as wide focused as not: the text and the rows stay where they were.
        assert widget.viewport().geometry() == viewport, name
        assert widget.frameWidth() == WIDTH, name


def test_a_focused_tool_button_is_framed_in_highlight(
    dialog: _Dialog, qtbot: QtBot, theme: str
) -> None:
    highlight = _colour(theme, "highlight")
    dialog.line.setFocus()
    qtbot.waitUntil(dialog.line.hasFocus)
    assert highlight not in _edge(dialog.button.grab().toImage())
    size = dialog.button.size()
    dialog.button.setFocus()
    qtbot.waitUntil(dialog.button.hasFocus)
    assert all(pixel == highlight for pixel in _edge(dialog.button.grab().toImage()))
    assert dialog.button.size() == size  # nothing around it moves


def test_the_corner_between_two_scroll_bars_is_painted(dialog: _Dialog, theme: str) -> None:
    # Behind the table, the base colour: the corner shows the window colour only if painted.
    dialog.setBackgroundRole(QPalette.ColorRole.Base)
    dialog.setAutoFillBackground(True)
    assert _colour(theme, "base") != _colour(theme, "window")
    table = dialog.table
    vertical, horizontal = table.verticalScrollBar(), table.horizontalScrollBar()
    assert vertical.isVisible() and horizontal.isVisible()
    image = dialog.grab().toImage()
    corner = vertical.mapTo(dialog, vertical.rect().bottomLeft())
    below = corner.y() + 3  # inside the corner square, under the vertical bar
    assert image.pixelColor(corner.x() + 3, below) == _colour(theme, "window")


def test_an_edit_does_not_paint_the_frames_again(window: MainWindow, qtbot: QtBot) -> None:
    view = window.view
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    QApplication.processEvents()
    framed = [view, window.annotations, window.documents.table]
    paints = [PaintCount(widget) for widget in framed]
    text = view.document_text()
    start = text.index("arms embargo")
    view.set_text_selection(start, start + len("arms embargo"))
    qtbot.keyClick(view, "1")
    QApplication.processEvents()
    assert window.annotations.model_.rowCount() == 1  # the claim was made and listed
    # The article and the list drew their rows; their frames were left as they were.
    assert [p.count for p in paints] == [0, 0, 0]


def test_a_widget_with_its_own_style_sheet_follows_a_theme_switch(
    qapp: QApplication, qtbot: QtBot
) -> None:
    # A bold heading (the document labels panel's) keeps its style sheet; its text takes the new
    # theme's colour, as every other widget's does.
    apply_theme(qapp, "light")
    heading = QLabel("Document labels")
    heading.setStyleSheet("font-weight: bold;")
    qtbot.addWidget(heading)
    heading.show()
    qtbot.waitExposed(heading)
    try:
        apply_theme(qapp, "dark")
        text = heading.palette().color(QPalette.ColorRole.WindowText)
        assert text == _colour("dark", "window_text")
        assert heading.styleSheet() == "font-weight: bold;"
    finally:
        apply_theme(qapp, "light")
