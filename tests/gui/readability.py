"""Text contrast measured on what a widget really paints (WCAG 2.x, from grabbed pixels).

A cell's or a fragment's background is its most common pixel; its text is found as the pixels that
blend from that background towards the expected ink (anti-aliased glyphs), and the darkest or
lightest of them must reach the text minimum against the background.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPalette, QTextCursor
from PySide6.QtWidgets import QAbstractItemView, QTextBrowser, QWidget

from claimdesk.core.contrast import contrast_ratio

RGB = tuple[int, int, int]


def rgb(colour: QColor) -> RGB:
    return (colour.red(), colour.green(), colour.blue())


def _pixels(image: QImage, rect: QRect) -> list[RGB]:
    area = rect.intersected(image.rect())
    return [
        rgb(image.pixelColor(x, y))
        for x in range(area.left(), area.right() + 1)
        for y in range(area.top(), area.bottom() + 1)
    ]


def background_of(image: QImage, rect: QRect) -> RGB:
    """The colour most of the area is painted in."""
    return Counter(_pixels(image, rect)).most_common(1)[0][0]


def best_contrast(image: QImage, rect: QRect, background: RGB) -> float:
    """The highest contrast any pixel of the area has against ``background``."""
    return max((contrast_ratio(p, background) for p in _pixels(image, rect)), default=1.0)


def ink_contrast(image: QImage, rect: QRect, background: RGB, ink: RGB) -> float:
    """Contrast against ``background`` of the fullest pixel drawn in ``ink`` (1.0 if none is)."""
    direction = [i - b for i, b in zip(ink, background, strict=True)]
    length = sum(d * d for d in direction)
    if length < 3 * 20 * 20:  # ink and background nearly the same: nothing can be read
        return 1.0
    fullest: RGB | None = None
    reach = 0.0
    for pixel in _pixels(image, rect):
        t = sum((p - b) * d for p, b, d in zip(pixel, background, direction, strict=True)) / length
        fit = max(
            abs(p - (b + t * d)) for p, b, d in zip(pixel, background, direction, strict=True)
        )
        if fit <= 12 and t > reach:
            fullest, reach = pixel, t
    return 1.0 if fullest is None else contrast_ratio(fullest, background)


def item_view_problems(view: QAbstractItemView) -> tuple[list[str], list[str]]:
    """Every visible cell with text: (the texts checked, the ones that do not read at 4.5:1).

    The text colour expected is the model's ForegroundRole, else the palette's text colour
    (highlighted text in a selected row); it must read on the background really painted, and
    the glyphs must be drawn in it.
    """
    image = view.viewport().grab().toImage()
    model = view.model()
    palette = view.palette()
    selection = view.selectionModel()
    checked: list[str] = []
    problems: list[str] = []
    top = QModelIndex()
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(top)
    for row in range(model.rowCount(top)):
        for column in range(columns):
            index = model.index(row, column)
            text = str(index.data() or "").strip()
            rect = view.visualRect(index)
            if not text or rect.isEmpty() or not view.viewport().rect().contains(rect):
                continue
            selected = selection is not None and selection.isSelected(index)
            foreground = index.data(Qt.ItemDataRole.ForegroundRole)
            if selected:
                ink = palette.color(QPalette.ColorRole.HighlightedText)
            elif foreground is not None:
                ink = foreground.color()
            else:
                ink = palette.color(QPalette.ColorRole.Text)
            inner = rect.adjusted(2, 2, -2, -2)
            if index.data(Qt.ItemDataRole.DecorationRole) is not None:
                inner.setLeft(inner.left() + 22)  # the colour swatch before the text
            painted = background_of(image, rect.adjusted(1, 1, -1, -1))
            chosen = contrast_ratio(rgb(ink), painted)
            drawn = ink_contrast(image, inner, painted, rgb(ink))
            checked.append(text)
            if len(text) == 1 and not text.isalnum() and drawn > 1.0:
                drawn = chosen  # a thin mark ("–"): drawn in the ink, no pixel fully covered
            if min(chosen, drawn) < 4.5:
                problems.append(
                    f"{text!r}: {QColor(*rgb(ink)).name()} on {QColor(*painted).name()} "
                    f"is {chosen:.2f}:1, drawn at {drawn:.2f}:1"
                )
    return checked, problems


def fragment_rect(browser: QTextBrowser, phrase: str) -> QRect:
    """Where ``phrase`` (on one line) is drawn in the browser's viewport."""
    found = browser.document().find(phrase)
    assert not found.isNull(), phrase
    start, end = QTextCursor(found), QTextCursor(found)
    start.setPosition(found.selectionStart())
    end.setPosition(found.selectionEnd())
    browser.setTextCursor(start)
    browser.ensureCursorVisible()
    first, last = browser.cursorRect(start), browser.cursorRect(end)
    return QRect(QPoint(first.left() + 1, first.top()), QPoint(last.left() - 1, last.bottom()))


def widget_rect(widget: QWidget, window: QWidget) -> QRect:
    """The widget's rectangle in ``window``'s coordinates (to crop a grab of the window)."""
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
