"""pyqtgraph charts for the agreement dashboard: they draw numbers computed in core, nothing more.

Imported only when the dashboard opens (pyqtgraph costs ~190 ms at start-up otherwise).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from pyqtgraph.graphicsItems.ScatterPlotItem import Symbols
from PySide6.QtCore import QPointF, QRectF, Signal
from PySide6.QtGui import QColor, QFont, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import QWidget

from claimdesk.core.agreement.scheme_figures import SchemeFigures
from claimdesk.core.contrast import readable_text
from claimdesk.gui.candidates import one_line
from claimdesk.gui.dialogs import plain_tooltip

# Series differ by colour and by marker shape, so colour is never the only cue.
PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
SYMBOLS = ("o", "s", "t", "d", "+", "x", "star", "p", "h", "t1", "t2", "t3")
NAN_COLOUR = QColor("#d0d0d0")
NAME_LIMIT = 28

pg.setConfigOptions(antialias=True, background="w", foreground="k")


def series_colour(index: int) -> QColor:
    colour = QColor(PALETTE[index % len(PALETTE)])
    if index >= len(PALETTE):  # a second round of the palette, darker
        colour = colour.darker(150)
    return colour


def short(name: str, limit: int = NAME_LIMIT) -> str:
    return one_line(name, limit)


def legend_text(name: str) -> str:
    """pyqtgraph legends render HTML: a name such as "<b>x</b>" must show as typed."""
    return html.escape(short(name, 20))


class CountAxis(pg.AxisItem):  # type: ignore[misc]  # pyqtgraph is untyped
    """An axis of counts (spans, annotations, documents): ticks on whole numbers only."""

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        levels = super().tickSpacing(minVal, maxVal, size)
        whole = [(spacing, offset) for spacing, offset in levels if spacing >= 1]
        return whole or [(1.0, 0.0)]


def _plot(title: str, *, counts: bool = False) -> pg.PlotWidget:
    axes = {"bottom": CountAxis(orientation="bottom")} if counts else {}
    widget = pg.PlotWidget(axisItems=axes)
    widget.setTitle(title)
    widget.setMenuEnabled(False)
    widget.getPlotItem().hideButtons()
    return widget


def grouped_hbars(
    title: str,
    categories: Sequence[str],
    series: Sequence[str],
    values: npt.NDArray[np.float64] | npt.NDArray[np.int64],
    x_label: str,
    x_range: tuple[float, float] | None = None,
    *,
    counts: bool = False,
) -> pg.PlotWidget:
    """Horizontal bars: one group per category (top to bottom), one bar per series.

    ``values`` is series × categories; NaN draws no bar. The right quarter of the plot is kept
    free for the legend. ``counts``: the values are counts, ticked on whole numbers only.
    """
    widget = _plot(title, counts=counts)
    plot = widget.getPlotItem()
    legend = plot.addLegend(offset=(-10, 10), labelTextSize="8pt")
    n = max(len(series), 1)
    thickness = 0.8 / n
    rows = np.arange(len(categories), dtype=float)
    for index, name in enumerate(series):
        data = np.asarray(values[index], dtype=float) if len(categories) else np.zeros(0)
        shown = ~np.isnan(data)
        y = rows[shown] - 0.4 + thickness * (index + 0.5)
        colour = series_colour(index)
        bars = pg.BarGraphItem(
            x0=np.zeros(int(shown.sum())),
            y=y,
            width=data[shown],
            height=thickness * 0.9,
            brush=colour,
            pen=pg.mkPen(colour.darker(140)),
        )
        plot.addItem(bars)
        legend.addItem(bars, legend_text(name))
    left = plot.getAxis("left")
    left.setTicks([[(float(i), short(c)) for i, c in enumerate(categories)]])
    plot.invertY(True)
    plot.setLabel("bottom", x_label)
    plot.getAxis("bottom").enableAutoSIPrefix(False)
    plot.showGrid(x=True, y=False, alpha=0.3)
    if len(categories):
        plot.setYRange(-0.6, len(categories) - 0.4, padding=0)
    shown = np.asarray(values, dtype=float)
    low, high = x_range or (0.0, float(np.nanmax(shown, initial=1.0)) or 1.0)
    low = min(low, float(np.nanmin(shown, initial=0.0)))
    plot.setXRange(low, high + (high - low) * 0.35, padding=0)
    return widget


class HeatmapImage(pg.ImageItem):  # type: ignore[misc]  # pyqtgraph is untyped
    """The matrix as an image whose cells report clicks (and hovers) as (row, column)."""

    cellClicked = Signal(int, int)
    cellHovered = Signal(int, int)  # (-1, -1) when the pointer leaves the matrix

    def _cell(self, pos: QPointF) -> tuple[int, int] | None:
        image = self.image
        if image is None:
            return None
        row, column = math.floor(pos.y()), math.floor(pos.x())
        if 0 <= row < image.shape[0] and 0 <= column < image.shape[1]:
            return row, column
        return None

    def hoverEvent(self, event: object) -> None:
        cell = None if event.isExit() else self._cell(event.pos())  # type: ignore[attr-defined]
        self.cellHovered.emit(*(cell or (-1, -1)))

    def mouseClickEvent(self, event: object) -> None:
        cell = self._cell(event.pos())  # type: ignore[attr-defined]
        if cell is not None:
            event.accept()  # type: ignore[attr-defined]
            self.cellClicked.emit(*cell)


class Heatmap(pg.PlotWidget):  # type: ignore[misc]  # pyqtgraph is untyped
    """Annotator × annotator matrix: colour map, the value in each cell, names on both axes."""

    cellClicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMenuEnabled(False)
        self.plot = self.getPlotItem()
        self.plot.hideButtons()
        self.plot.setAspectLocked(True)
        self.plot.invertY(True)
        self.plot.setMouseEnabled(x=False, y=False)
        self.image = HeatmapImage(axisOrder="row-major")
        self.image.cellClicked.connect(self.cellClicked)
        self.image.cellHovered.connect(self._hovered)
        self.names: list[str] = []
        self._backdrop = pg.QtWidgets.QGraphicsRectItem(QRectF(0, 0, 0, 0))
        self._backdrop.setBrush(NAN_COLOUR)
        self._backdrop.setPen(QPen(NAN_COLOUR, 0))
        self._backdrop.setZValue(-1)
        self.plot.addItem(self._backdrop)
        self.plot.addItem(self.image)
        self.colour_map = pg.colormap.get("CET-D1A")
        self.colour_bar = pg.ColorBarItem(
            values=(-1, 1), colorMap=self.colour_map, interactive=False, width=14
        )
        self.colour_bar.setImageItem(self.image, insert_in=self.plot)
        self._texts: list[pg.TextItem] = []
        self._marker: pg.QtWidgets.QGraphicsRectItem | None = None
        self.matrix = np.zeros((0, 0))

    def set_matrix(self, title: str, names: Sequence[str], matrix: npt.NDArray[np.float64]) -> None:
        self.plot.setTitle(title)
        self.matrix = np.asarray(matrix, dtype=float)
        for item in self._texts:
            self.plot.removeItem(item)
        self._texts = []
        self.mark(None)
        n = len(names)
        # NaN (a pair without a shared document) stays transparent over a grey square: "n/a".
        self._backdrop.setRect(QRectF(0, 0, n, n))
        self.image.setImage(self.matrix if n else np.zeros((1, 1)), levels=(-1, 1))
        self.image.setVisible(bool(n))
        self.names = list(names)
        font = QFont()
        font.setPointSizeF(8 if n <= 12 else 6)
        if n <= 12:
            ticks = [(i + 0.5, short(name, 14)) for i, name in enumerate(names)]
            self.plot.getAxis("bottom").setTicks([ticks])
            self.plot.getAxis("left").setTicks([ticks])
        else:  # names do not fit under narrow columns: number them, name them on the left
            step = 1 if n <= 24 else 2
            bottom = [(i + 0.5, str(i + 1)) for i in range(0, n, step)]
            left = [(i + 0.5, f"{short(name, 16)} {i + 1}") for i, name in enumerate(names)]
            self.plot.getAxis("bottom").setTicks([bottom])
            self.plot.getAxis("left").setTicks([left])
        for side in ("bottom", "left"):
            self.plot.getAxis(side).setStyle(tickFont=font)
        if n <= 30:  # beyond that the numbers no longer fit their cells
            for row in range(n):
                for column in range(n):
                    value = self.matrix[row, column]
                    text = "n/a" if np.isnan(value) else f"{value:.2f}"
                    ink = readable_text(self.cell_colour(value).name())
                    item = pg.TextItem(text, color=ink, anchor=(0.5, 0.5))
                    item.setFont(font)
                    item.setPos(column + 0.5, row + 0.5)
                    self.plot.addItem(item)
                    self._texts.append(item)
        if n:
            self.plot.setRange(xRange=(0, n), yRange=(0, n), padding=0.02)

    def cell_colour(self, value: float) -> QColor:
        """The colour a cell of this value is painted (the grey backdrop for NaN)."""
        if np.isnan(value):
            return QColor(NAN_COLOUR)
        colour: QColor = self.colour_map.map((min(max(value, -1.0), 1.0) + 1) / 2, mode="qcolor")
        return colour

    def _hovered(self, row: int, column: int) -> None:
        if row < 0 or not self.names:
            self.setToolTip("")
            return
        value = self.matrix[row, column]
        shown = "n/a (no document both did)" if np.isnan(value) else f"{value:.3f}"
        tip = f"{self.names[row]} × {self.names[column]}: {shown}"
        self.setToolTip(plain_tooltip(tip))

    def cell_centre(self, row: int, column: int) -> QPointF:
        """Where a cell lies in the widget's viewport (for tests and for tooltips)."""
        scene = self.image.mapToScene(QPointF(column + 0.5, row + 0.5))
        return QPointF(self.mapFromScene(scene))

    def mark(self, cell: tuple[int, int] | None) -> None:
        """Outline the chosen cell (None clears)."""
        if self._marker is not None:
            self.plot.removeItem(self._marker)
            self._marker = None
        if cell is not None:
            row, column = cell
            marker = pg.QtWidgets.QGraphicsRectItem(QRectF(column, row, 1, 1))
            pen = QPen(QColor("#000000"), 0)
            pen.setWidthF(3)
            pen.setCosmetic(True)
            marker.setPen(pen)
            self.plot.addItem(marker)
            self._marker = marker


# A marker that would sit exactly on another annotator's (same day, same count) is moved aside
# by this many marker widths per annotator, in pixels on screen, so every one shows at any zoom.
DODGE = 1.15


def dodges(totals: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
    """Series × days: each point's sideways shift in marker widths. Points of one day with the
    same count spread around their true place (0 where a point is alone)."""
    shifts = np.zeros(totals.shape, dtype=float)
    for day in range(totals.shape[1]):
        ties: dict[int, list[int]] = {}
        for series in range(totals.shape[0]):
            ties.setdefault(int(totals[series, day]), []).append(series)
        for members in ties.values():
            for rank, series in enumerate(members):
                shifts[series, day] = (rank - (len(members) - 1) / 2) * DODGE
    return shifts


def _shifted(symbol: str, shift: float) -> QPainterPath:
    """The marker's outline moved ``shift`` marker widths to the right."""
    path: QPainterPath = Symbols[symbol]
    return QTransform.fromTranslate(shift, 0).map(path) if shift else path


def _together(names: Sequence[str], totals: npt.NDArray[Any], day: int, count: int) -> str:
    """Everyone at ``count`` on that day, one name a line (for the tooltip of a point)."""
    who = [name for index, name in enumerate(names) if int(totals[index, day]) == count]
    return "\n".join(who)


def progress_lines(
    title: str,
    series: Sequence[str],
    days: Sequence[date],
    counts: npt.NDArray[np.int64],
    y_label: str,
) -> pg.PlotWidget:
    """Cumulative counts over days, one line (colour + marker) per series.

    Markers of annotators tied on a day stand side by side (``dodges``); hovering a point names
    everyone at that count that day. The count axis has whole-number ticks.
    """
    axis = pg.DateAxisItem(orientation="bottom", utcOffset=0)
    widget = pg.PlotWidget(axisItems={"bottom": axis, "left": CountAxis(orientation="left")})
    widget.setTitle(title)
    widget.setMenuEnabled(False)
    plot = widget.getPlotItem()
    plot.hideButtons()
    legend = plot.addLegend(offset=(10, 10), labelTextSize="8pt")
    x = np.array([datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp() for d in days])
    totals = np.cumsum(np.asarray(counts), axis=1) if len(days) else np.zeros((len(series), 0))
    shifts = dodges(totals)
    for index, name in enumerate(series):
        colour = series_colour(index)
        line = plot.plot(x, totals[index], pen=pg.mkPen(colour, width=2))
        shape = SYMBOLS[index % len(SYMBOLS)]
        tips = [  # names are shown as typed, never as markup
            plain_tooltip(
                f"{day:%d %b %Y}: {int(totals[index, number])} {y_label}\n"
                + _together(series, totals, number, int(totals[index, number]))
            )
            for number, day in enumerate(days)
        ]
        markers = pg.ScatterPlotItem(
            symbol=shape,  # the legend's sample; each point gets its own (shifted) outline
            size=8,
            brush=colour,
            pen=pg.mkPen(colour.darker(140)),
            useCache=False,  # a shifted outline drawn from the cache would be cut off
            hoverable=True,
            tip=lambda x, y, data: data,  # pyqtgraph passes all three
        )
        markers.setData(
            x=x, y=totals[index], symbol=[_shifted(shape, s) for s in shifts[index]], data=tips
        )
        markers.setZValue(1)  # above every line
        markers.visibleChanged.connect(lambda m=markers, lin=line: lin.setVisible(m.isVisible()))
        plot.addItem(markers)
        legend.addItem(markers, legend_text(name))
    plot.setLabel("left", y_label)
    plot.getAxis("left").enableAutoSIPrefix(False)
    plot.showGrid(x=True, y=True, alpha=0.3)
    top = max(float(totals.max()) if totals.size else 1.0, 1.0)
    plot.setYRange(-top * 0.04, top * 1.1, padding=0)  # a point at 0 shows whole
    if len(days) == 1:  # one day: show it in the middle of a three-day window
        plot.setXRange(x[0] - 86400, x[0] + 86400)
    return widget


NAN = float("nan")


def scheme_bars(scheme: SchemeFigures | None) -> pg.PlotWidget:
    """Agreement per attribute and document label set (Krippendorff's α) and per relation type
    (F1, ends matched by overlap), one bar each."""
    rows: list[tuple[str, float, float]] = []
    if scheme is not None:
        rows += [(x.name, x.krippendorff_alpha, NAN) for x in scheme.attributes]
        rows += [(f"{r.name} (relations)", NAN, r.f1_overlap) for r in scheme.relations]
        rows += [(f"{d.name} (document)", d.krippendorff_alpha, NAN) for d in scheme.doc_labels]
    values = np.array([[a for _, a, _ in rows], [f for _, _, f in rows]], dtype=float)
    return grouped_hbars(
        "Agreement on attributes, relations and document labels",
        [name for name, _, _ in rows],
        ["Krippendorff's α", "F1 of relations"],
        values.reshape(2, len(rows)),
        "agreement (1 = perfect, 0 = chance)",
        x_range=(0.0, 1.0),
    )
