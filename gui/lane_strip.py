"""Annotator lanes beside the article: one thin column per annotator, aligned to the text lines.

The strip sits to the left of a DocumentView and is painted like a line-number gutter: for each
block on screen it asks the text view for the block's geometry (as the view places its blocks:
``DocumentView.visible_blocks``) and its laid-out lines, so a bar covers exactly the lines its
span covers and moves with the text when it scrolls (the view's updateRequest repaints the strip).

A bar is drawn solid when every compared annotator made that span exactly (same start, end and
label); otherwise it is hatched with an outline, so agreement never rests on colour alone. The
bars of the selected candidate get an outline in the theme's text colour in every lane. Only
spans overlapping the lines on screen are looked at: one SpanIndex over all lanes answers that
in one query.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QToolTip, QWidget

from claimdesk.core.agreement.curation import Agreement, Curation, LaneSpan, SpanKey
from claimdesk.core.records import LabelRecord
from claimdesk.core.text.spans import Span, SpanIndex
from claimdesk.gui.candidates import one_line
from claimdesk.gui.dialogs import plain_tooltip
from claimdesk.gui.document_view import DEFAULT_COLOUR, DocumentView
from claimdesk.gui.offsets import OffsetMap

MAX_LANE_WIDTH = 14  # px, a comfortable bar for a handful of annotators
MIN_LANE_WIDTH = 5  # px, still a visible hollow bar; 40 annotators fit in ~230 px
TARGET_WIDTH = 200  # px the lanes share before they shrink to MIN_LANE_WIDTH
GOLD_GAP = 6  # px between the annotators' lanes and the gold lane
MARGIN = 3  # px left and right of the lanes
HEADER_HEIGHT = 22  # px of the header row above the lanes
LINE_GAP = 1  # px kept free at the top and bottom of a bar, so touching spans stay apart


@dataclass(frozen=True)
class Bar:
    """One painted bar: a lane's span and where it sits (strip coordinates)."""

    lane: int  # index into Curation.lanes
    span: LaneSpan
    rect: QRectF
    agreed: bool  # every compared annotator made this span exactly

    @property
    def key(self) -> SpanKey:
        return (self.span.start, self.span.end, self.span.label_id)


class LaneHeader(QWidget):
    """Lane numbers above the strip (★ for gold), with the annotator's name as tooltip."""

    def __init__(self, strip: LaneStrip) -> None:
        super().__init__()
        self.strip = strip
        self.setFixedHeight(HEADER_HEIGHT)
        strip.laidOut.connect(self._resize)

    def _resize(self) -> None:
        self.setFixedWidth(self.strip.width())
        self.update()

    def caption(self, lane: int) -> str:
        curation = self.strip.curation
        if curation is None:
            return ""
        return "★" if lane == len(curation.lanes) - 1 else str(lane + 1)

    def paintEvent(self, event: QPaintEvent) -> None:
        curation = self.strip.curation
        if curation is None:
            return
        painter = QPainter(self)
        try:
            font = QFont(self.font())
            width = self.strip.lane_width
            font.setPixelSize(9)
            painter.setFont(font)
            painter.setPen(self.palette().color(self.foregroundRole()))
            metrics = painter.fontMetrics()
            n = len(curation.lanes)
            widest = metrics.horizontalAdvance(str(n))
            every = 1 if widest <= width + 1 else 5  # too narrow: number every fifth lane
            for lane in range(n):
                x = self.strip.lane_x(lane)
                text = self.caption(lane)
                shown = every == 1 or lane == 0 or (lane + 1) % every == 0 or lane == n - 1
                if not shown:
                    continue
                if every != 1 and lane != n - 1:  # a tick down to the lane it names
                    painter.drawLine(
                        QPointF(x + width / 2, HEADER_HEIGHT - 4),
                        QPointF(x + width / 2, HEADER_HEIGHT),
                    )
                rect = QRectF(x + width / 2 - 12, 0, 24, HEADER_HEIGHT - 3)
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        finally:
            painter.end()

    def lane_at(self, x: float) -> int | None:
        return self.strip.lane_at(x)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            lane = self.lane_at(event.pos().x())
            tip = self.strip.lane_tooltip(lane) if lane is not None else ""
            if tip:
                QToolTip.showText(event.globalPos(), plain_tooltip(tip), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)


class LaneStrip(QWidget):
    """Every compared annotator's spans (then gold's) as bars beside the text view."""

    candidateClicked = Signal(object)  # SpanKey (start, end, label_id)
    laidOut = Signal()  # the lanes changed in number or width

    def __init__(self, view: DocumentView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.curation: Curation | None = None
        self.lane_width = MAX_LANE_WIDTH
        self._labels: dict[int, LabelRecord] = {}
        self._colours: dict[int, QColor] = {}
        self._offsets = OffsetMap("")
        self._text = ""
        self._index = SpanIndex()  # every lane's spans, code points; id -> _entries
        self._entries: list[tuple[int, LaneSpan, bool]] = []  # (lane, span, agreed)
        self._selected: SpanKey | None = None
        self.setMouseTracking(False)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.header = LaneHeader(self)
        view.updateRequest.connect(self._view_updated)
        self.setFixedWidth(2 * MARGIN)

    # -- contents -------------------------------------------------------------------------------

    def set_curation(self, curation: Curation, text: str, labels: dict[int, LabelRecord]) -> None:
        """Show these lanes; text is the document's (code points, as the core's offsets)."""
        self.curation = curation
        self._text = text
        self._offsets = OffsetMap(text)
        self._labels = labels
        self._colours = {}
        for label_id, label in labels.items():
            colour = QColor(label.colour)
            self._colours[label_id] = colour if colour.isValid() else QColor(DEFAULT_COLOUR)
        agreed_keys = {c.key for c in curation.candidates if c.agreement is Agreement.ALL}
        entries: list[tuple[int, LaneSpan, bool]] = []
        spans: list[Span] = []
        for lane, annotator_lane in enumerate(curation.lanes):
            for span in annotator_lane.spans:
                key = (span.start, span.end, span.label_id)
                spans.append(Span(len(entries), span.start, span.end, span.label_id))
                entries.append((lane, span, key in agreed_keys))
        self._entries = entries
        self._index = SpanIndex(spans)
        n = len(curation.lanes)
        self.lane_width = max(MIN_LANE_WIDTH, min(MAX_LANE_WIDTH, TARGET_WIDTH // max(n, 1)))
        self.setFixedWidth(self.lane_x(n - 1) + self.lane_width + MARGIN if n else 2 * MARGIN)
        self.laidOut.emit()
        self.update()

    def select(self, key: SpanKey | None) -> None:
        """Outline the bars of this candidate (None: none)."""
        if key != self._selected:
            self._selected = key
            self.update()

    @property
    def selected(self) -> SpanKey | None:
        return self._selected

    def lane_count(self) -> int:
        return len(self.curation.lanes) if self.curation is not None else 0

    def lane_x(self, lane: int) -> int:
        """Left edge of a lane; the gold lane (last) is set apart by a gap."""
        x = MARGIN + lane * self.lane_width
        if self.curation is not None and lane == len(self.curation.lanes) - 1:
            x += GOLD_GAP
        return x

    def lane_at(self, x: float) -> int | None:
        for lane in range(self.lane_count()):
            left = self.lane_x(lane)
            if left <= x < left + self.lane_width:
                return lane
        return None

    def lane_tooltip(self, lane: int) -> str:
        if self.curation is None or not 0 <= lane < len(self.curation.lanes):
            return ""
        annotator_lane = self.curation.lanes[lane]
        count = len(annotator_lane.spans)
        spans = f"{count} span{'s' if count != 1 else ''}"
        if lane == len(self.curation.lanes) - 1:
            return f"★ The gold set — {spans}"
        return f"Lane {lane + 1}: {annotator_lane.annotator.name} — {spans}"

    def sizeHint(self) -> QSize:
        return QSize(self.width(), 100)

    # -- geometry -------------------------------------------------------------------------------

    def _dy(self) -> int:
        """Strip y of the text viewport's top (they are siblings; frames may differ)."""
        viewport = self.view.viewport()
        window = self.window()
        return viewport.mapTo(window, QPoint(0, 0)).y() - self.mapTo(window, QPoint(0, 0)).y()

    def _visible_lines(self) -> list[tuple[int, int, float, float]]:
        """(UTF-16 start, end, top, bottom) of each laid-out line on screen, viewport y."""
        view = self.view
        shown = view.viewport().rect()
        height = shown.height()
        found: list[tuple[int, int, float, float]] = []
        for block, geom in view.visible_blocks(shown):
            layout = block.layout()
            y0 = geom.top() + layout.position().y()
            position = block.position()
            for i in range(layout.lineCount()):
                line = layout.lineAt(i)
                top = y0 + line.y()
                if top >= height:
                    break
                bottom = top + line.height()
                if bottom <= 0:
                    continue
                start = position + line.textStart()
                # The last line of a block owns the paragraph break too.
                end = start + line.textLength() + (1 if i == layout.lineCount() - 1 else 0)
                found.append((start, end, top, bottom))
        return found

    def bars(self) -> Iterator[Bar]:
        """The bars on screen, in painting order (longer spans first, so short ones stay on top)."""
        if self.curation is None or not self._entries:
            return
        lines = self._visible_lines()
        if not lines:
            return
        offsets = self._offsets
        first_qt, last_qt = lines[0][0], lines[-1][1]
        cp_start, cp_end = offsets.to_cp_range(first_qt, last_qt)
        starts = [line[0] for line in lines]
        dy = self._dy()
        found: list[tuple[int, Bar]] = []
        for hit in self._index.overlapping(cp_start, cp_end + 1):
            lane, span, agreed = self._entries[hit.id]
            a = offsets.to_qt(span.start)
            b = max(offsets.to_qt(span.end) - 1, a)  # the last character the span covers
            top = _line_of(starts, lines, a, above=True)
            bottom = _line_of(starts, lines, b, above=False)
            if top is None or bottom is None or top > bottom:
                continue
            y1 = lines[top][2] if a >= first_qt else lines[0][2] - 4  # runs on above
            y2 = lines[bottom][3] if b < last_qt else lines[-1][3] + 4  # runs on below
            x = self.lane_x(lane)
            rect = QRectF(x, y1 + dy + LINE_GAP, self.lane_width - 1, y2 - y1 - 2 * LINE_GAP)
            found.append((span.end - span.start, Bar(lane, span, rect, agreed)))
        found.sort(key=lambda item: -item[0])
        yield from (bar for _, bar in found)

    def bars_at(self, point: QPointF) -> list[Bar]:
        """Bars under a point, shortest span first."""
        hits = [bar for bar in self.bars() if bar.rect.adjusted(0, -1, 1, 1).contains(point)]
        hits.sort(key=lambda bar: (bar.span.end - bar.span.start, bar.span.start))
        return hits

    # -- painting -------------------------------------------------------------------------------

    def _view_updated(self, rect: QRect, dy: int) -> None:
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.fillRect(event.rect(), self.palette().color(self.backgroundRole()))
            self._paint_lanes(painter)
            selected: list[Bar] = []
            for bar in self.bars():
                self._paint_bar(painter, bar)
                if bar.key == self._selected:
                    selected.append(bar)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            # The outline in the theme's text colour: dark on light, light on dark.
            painter.setPen(QPen(self.palette().color(self.foregroundRole()), 2))
            for bar in selected:  # last, so no other bar hides the outline
                painter.drawRect(bar.rect.adjusted(-1, -1, 1, 1))
        finally:
            painter.end()

    def _paint_lanes(self, painter: QPainter) -> None:
        n = self.lane_count()
        if not n:
            return
        top, bottom = self._dy(), self._dy() + self.view.viewport().height()
        shade = QColor(self.palette().color(self.foregroundRole()))
        shade.setAlpha(14)
        for lane in range(n):
            if lane % 2 == 0 or lane == n - 1:
                x = self.lane_x(lane)
                painter.fillRect(QRectF(x, top, self.lane_width - 1, bottom - top), shade)
        # A rule between the annotators' lanes and the gold lane.
        rule = QColor(self.palette().color(self.foregroundRole()))
        rule.setAlpha(90)
        rule_x = self.lane_x(n - 1) - GOLD_GAP / 2 - 0.5
        painter.setPen(QPen(rule, 1))
        painter.drawLine(QPointF(rule_x, top), QPointF(rule_x, bottom))

    def _paint_bar(self, painter: QPainter, bar: Bar) -> None:
        colour = self._colours.get(bar.span.label_id, QColor(DEFAULT_COLOUR))
        rect = bar.rect
        if bar.agreed:
            painter.fillRect(rect, colour)
            return
        # Not everyone made it: a pale, hatched bar with a solid edge (hollow when narrow).
        pale = QColor(colour)
        pale.setAlpha(60)
        painter.fillRect(rect, pale)
        painter.fillRect(rect, QBrush(colour, Qt.BrushStyle.BDiagPattern))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(colour, 1))
        painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))

    # -- input ----------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        hits = self.bars_at(event.position())
        if not hits:
            return
        keys = list(dict.fromkeys(bar.key for bar in hits))
        # Clicking the selected span's bar again goes to the next span under the pointer.
        key = (
            keys[(keys.index(self._selected) + 1) % len(keys)]
            if self._selected in keys
            else keys[0]
        )
        self.select(key)
        self.candidateClicked.emit(key)
        event.accept()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            tip = self.bar_tooltip(QPointF(event.pos()))
            if tip:
                QToolTip.showText(event.globalPos(), plain_tooltip(tip), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def bar_tooltip(self, point: QPointF) -> str:
        hits = self.bars_at(point)
        if not hits:
            lane = self.lane_at(point.x())
            return self.lane_tooltip(lane) if lane is not None else ""
        bar = hits[0]
        assert self.curation is not None
        owner = self.curation.lanes[bar.lane]
        label = self._labels.get(bar.span.label_id)
        quote = one_line(self._text[bar.span.start : bar.span.end], 80)
        compared = len(self.curation.annotators)
        made = len(bar.span.agreed_by) + (0 if bar.lane == len(self.curation.lanes) - 1 else 1)
        # The gold set by its role, never by a name a person could also have.
        who = "★ The gold set" if owner.annotator.is_gold else owner.annotator.name
        return (
            f"{who}: {label.name if label else '?'} “{quote}”\n"
            f"made exactly by {made} of {compared} compared annotators"
        )


def _line_of(
    starts: Sequence[int], lines: Sequence[tuple[int, int, float, float]], pos: int, *, above: bool
) -> int | None:
    """Index of the visible line holding UTF-16 position pos; off screen, the first or last."""
    from bisect import bisect_right

    i = bisect_right(starts, pos) - 1
    if i < 0:
        return 0 if above else None
    if pos >= lines[i][1]:  # past the last visible line (or in a gap that is not laid out)
        return len(lines) - 1 if i == len(lines) - 1 else i + 1 if above else i
    return i
