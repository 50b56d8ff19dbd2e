"""A table view's rows drawn from images kept of them.

Qt's item delegate lays out and shapes a cell's text three times each time it paints the cell
(for its size, its eliding and its drawing): ~280,000 instructions a cell, most of the annotation
list's share of an edit, and a list that scrolls to a new claim repaints every row it shows.
``RowImages`` keeps an image of each row on screen as it looks (selected or not, holding the
focus or not); a repaint copies the images it has and has Qt paint the other rows, which are
kept once the window has been idle for ``IDLE_MS`` (drawn again by Qt into an image, off the
input's path). One Python call per paint event, none per cell.

What a row shows is the model's: a change the model signals lets go of the images of the rows
it names (of every row, past ``MANY``); a change of look (width, columns, palette, font, style,
the view's focus or the window's) lets go of all of them. Only rows of a plain table are drawn
this way: a view while a cell is edited, or one with a grid, alternating colours, word wrap,
moved columns or right-to-left rows, is painted by Qt, and so are rows whose edges fall between
device pixels (a 30-pixel row at a screen scale of 125%).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from PySide6.QtCore import QPoint, QRect, QTimer
from PySide6.QtGui import QPainter, QPaintEvent, QPixmap, QRegion
from PySide6.QtWidgets import QAbstractItemView, QStyleOptionViewItem, QTableView, QWidget

_PLAIN = QAbstractItemView.State.NoState


class RowImages:
    """The kept images of ``view``'s rows. ``key_of(row)`` names what a row shows (an id that
    stays with it when rows are inserted above it); ``paint_rows(event)`` is Qt's painting of
    the rows in an event's region (the view's base class ``paintEvent``)."""

    MANY = 64  # a change of more rows than this lets go of every image
    # Images kept: this many viewports' worth of rows. A label key files a claim where the reader
    # is, and the list scrolls among the claims of the article's screen (~25 rows at 1280x800,
    # three of the list's screens; with a selected and a plain image of some, more rows than 3
    # screens' worth): with 5, the rows a reader moves among are copied rather than painted.
    SCREENS = 5
    IDLE_MS = 25  # rows drawn by Qt are kept as images once the window has been idle this long

    def __init__(
        self,
        view: QTableView,
        key_of: Callable[[int], Hashable],
        paint_rows: Callable[[QPaintEvent], None],
    ) -> None:
        self.view = view
        self.key_of = key_of
        self.paint_rows = paint_rows
        self.enabled = True  # False: Qt paints every row (as before; for comparisons)
        self.made = 0  # images made of rows (the rows' repaints that were copies need none)
        self._images: dict[tuple[Hashable, bool, int], QPixmap] = {}
        self._look: tuple[object, ...] = ()
        self._rendering = False  # a row being drawn into images: Qt paints it
        self._later = QTimer(view)
        self._later.setSingleShot(True)
        self._later.setInterval(self.IDLE_MS)
        self._later.timeout.connect(self.keep_shown)

    # -- what the model changed ---------------------------------------------------------------

    def forget(self, first: int, last: int) -> None:
        """Rows ``first``..``last`` show something else: draw them afresh when next painted."""
        if last - first >= self.MANY:
            self.clear()
            return
        keys = {self.key_of(row) for row in range(first, last + 1)}
        for key in [k for k in self._images if k[0] in keys]:
            del self._images[key]

    def clear(self) -> None:
        self._images.clear()

    def held(self) -> int:
        return len(self._images)

    # -- painting -----------------------------------------------------------------------------

    def paint(self, event: QPaintEvent) -> bool:
        """Draw the rows in ``event``'s region: from their images, the others by Qt (kept as
        images once the window is idle). False: Qt is to paint the whole event."""
        state = self._state()
        if state is None:
            return False
        view = self.view
        width, selected, focus_row, focus_column = state
        ratio = view.viewport().devicePixelRatio()
        images = self._images
        rows = view.model().rowCount()
        done: set[int] = set()
        missing = QRegion()
        painter: QPainter | None = None
        try:
            for area in event.region():  # type: ignore[attr-defined]  # a region iterates its rectangles
                top = view.rowAt(area.top())
                if top < 0:
                    continue
                bottom = view.rowAt(area.bottom())
                for row in range(top, (bottom if bottom >= 0 else rows - 1) + 1):
                    if row in done:
                        continue
                    done.add(row)
                    key = self._key(row, selected, focus_row, focus_column)
                    y, height = view.rowViewportPosition(row), view.rowHeight(row)
                    image = images.pop(key, None)
                    if image is None or image.height() != height * ratio:
                        missing += QRect(0, y, width, height)
                        continue
                    images[key] = image  # the most recently drawn last
                    if painter is None:
                        painter = QPainter(view.viewport())
                    painter.drawPixmap(QPoint(0, y), image)
        finally:
            if painter is not None:
                painter.end()
        if not missing.isEmpty():
            self.paint_rows(QPaintEvent(missing))
            self._later.start()
        return True

    def keep_shown(self) -> None:
        """Keep images of the rows on screen that have none (drawn by Qt, as it drew them)."""
        state = self._state()
        view = self.view
        if state is None or not view.isVisible():
            return
        width, selected, focus_row, focus_column = state
        viewport = view.viewport()
        top = view.rowAt(0)
        if top < 0 or width <= 0:
            return
        bottom = view.rowAt(viewport.height() - 1)
        last = bottom if bottom >= 0 else view.model().rowCount() - 1
        ratio = viewport.devicePixelRatio()
        if not (width * ratio).is_integer():
            return  # as below: Qt goes on painting the rows
        wanted = []
        region = QRegion()
        for row in range(top, last + 1):
            key = self._key(row, selected, focus_row, focus_column)
            if key in self._images:
                continue
            band = QRect(0, view.rowViewportPosition(row), width, view.rowHeight(row))
            if (band.top() * ratio).is_integer() and (band.height() * ratio).is_integer():
                wanted.append((key, band))
                region += band
            # else the row's edges fall between device pixels (a scale of 125%, say): its image
            # would not line up with its neighbours, and Qt goes on painting it.
        if not wanted:
            return
        bounds = region.boundingRect()
        strip = QPixmap(bounds.size() * ratio)
        strip.setDevicePixelRatio(ratio)
        self._rendering = True
        try:
            viewport.render(strip, QPoint(0, 0), region, QWidget.RenderFlag.DrawWindowBackground)
        finally:
            self._rendering = False
        for key, band in wanted:
            image = strip.copy(
                QRect(
                    0,
                    round((band.top() - bounds.top()) * ratio),
                    round(width * ratio),
                    round(band.height() * ratio),
                )
            )
            image.setDevicePixelRatio(ratio)
            self._images[key] = image
            self.made += 1
        self._trim(last - top + 1)

    def _key(
        self, row: int, selected: set[int], focus_row: int, focus_column: int
    ) -> tuple[Hashable, bool, int]:
        """What a row's image is kept under: what it shows, selected or not, and the column of
        its cell holding the focus (-1: none)."""
        return (self.key_of(row), row in selected, focus_column if row == focus_row else -1)

    def _state(self) -> tuple[int, set[int], int, int] | None:
        """(width of the rows, selected rows, row and column holding the focus) when the rows
        can be drawn from images; None when Qt is to paint them. Lets go of every image when the
        rows' look changed."""
        view = self.view
        if (
            self._rendering
            or not self.enabled
            or view.model() is None
            or view.state() != _PLAIN
            or view.showGrid()
            or view.alternatingRowColors()
            or view.wordWrap()
            or view.isRightToLeft()
        ):
            return None
        header = view.horizontalHeader()
        if header.sectionsMoved():
            return None
        viewport = view.viewport()
        option = QStyleOptionViewItem()
        view.initViewItemOption(option)
        palette = viewport.palette()
        width = min(viewport.width(), header.length() - header.offset())
        look = (
            width,
            viewport.devicePixelRatio(),
            tuple(
                (view.columnViewportPosition(column), view.columnWidth(column))
                for column in range(header.count())
                if not header.isSectionHidden(column)
            ),
            option.state.value,
            option.font.key(),
            option.decorationSize.toTuple(),  # a copy: the field lives as long as the option
            palette.cacheKey(),
            palette.currentColorGroup(),
            id(view.style()),
            id(view.itemDelegate()),
        )
        if look != self._look:
            self._images.clear()
            self._look = look
        selection = view.selectionModel()
        selected = {index.row() for index in selection.selectedIndexes()} if selection else set()
        current = view.currentIndex()
        if current.isValid() and (view.hasFocus() or viewport.hasFocus()):
            return width, selected, current.row(), current.column()
        return width, selected, -1, -1

    def _trim(self, shown: int) -> None:
        """Let the least recently drawn images go past ``SCREENS`` screens of ``shown`` rows."""
        images = self._images
        rows = self.view.viewport().height() // max(
            1, self.view.verticalHeader().defaultSectionSize()
        )
        excess = len(images) - self.SCREENS * (max(shown, rows) + 1)
        if excess > 0:
            for key in list(images)[:excess]:  # the least recently drawn first
                del images[key]
