"""Read-only article view: plain text with annotation spans painted as translucent highlights."""

from __future__ import annotations

import math
import random
import sys
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QHelpEvent,
    QHideEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QRegion,
    QShowEvent,
    QTextBlock,
    QTextCursor,
    QTextLine,
)
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QToolTip, QWidget

from claimdesk.core.records import RelationRecord, RelationTypeRecord
from claimdesk.core.text.spans import Span, SpanIndex, SpanRow
from claimdesk.gui.change_signal import ChangeEvent, Shown
from claimdesk.gui.dialogs import plain_tooltip
from claimdesk.gui.offsets import OffsetMap
from claimdesk.gui.relation_overlay import RelationOverlay
from claimdesk.gui.suggestion_overlay import SuggestionOverlay, line_x

FILL_ALPHA = 90  # translucent enough for text on top and for overlaps to stack visibly
BAR_HEIGHT = 2  # lane underline thickness, px
# Top of each lane's bar relative to the bottom of its line: lane 0 at the bottom, lane 1 just
# below it (the gap above the next line's capitals), lane 2 just above it (under the baseline).
# Deeper lanes share the last slot; a line has no more room without crossing letters.
BAR_OFFSETS = (-BAR_HEIGHT, 1, -2 * BAR_HEIGHT - 1)
OUTLINE_WIDTH = 2
DEFAULT_COLOUR = "#9e9e9e"  # for a label with no colour set
# Someone else's spans shown for reference (the worked example): a paler fill and a dashed frame,
# under the reader's own highlights, so the two never look alike.
EXAMPLE_FILL_ALPHA = 45
EXAMPLE_FRAME_WIDTH = 1.5
AFTER_PAINT_LATEST_MS = 200  # ``after_paint`` work runs by then even if no paint came
_DROPPED_FIRST = ("\ufeff", "\ufffe")  # a first character QTextDocument leaves out
_NOWHERE = QRectF(0, -1e9, 1, 1)  # a clip above every line: a layout drawn there paints nothing


class _LabelStyle:
    __slots__ = ("bar", "fill", "outline")

    def __init__(self, colour: str) -> None:
        base = QColor(colour)
        if not base.isValid():
            base = QColor(DEFAULT_COLOUR)
        base.setAlpha(255)
        self.bar = base
        self.fill = QColor(base)
        self.fill.setAlpha(FILL_ALPHA)
        self.outline = base.darker(170)


class DocumentView(QPlainTextEdit):
    """The article, read-only, wrapped, selectable by mouse and keyboard.

    Spans are painted under the text in paintEvent, only for the lines on screen. Nothing is
    ever written into the QTextDocument, so adding a highlight costs one partial repaint and
    no relayout. The public API speaks code points, like the core. The SpanIndex keeps the
    caller's spans in code points too: the mapping to UTF-16 preserves order and overlap, so
    a visible block's UTF-16 range is converted once to query it, and only the spans on screen
    are converted (through OffsetMap) when painted. Converting all spans up front would mean
    building a new frozen Span for each: ~100 ms at 100k spans, for spans mostly never seen.
    """

    spanClicked = Signal(int)  # annotation id, or -1 when a click hit no span
    labelKeyPressed = Signal(str)  # printable key without Ctrl/Alt/Meta
    deleteRequested = Signal()  # Delete or Backspace while a span is selected
    relationClicked = Signal(int)  # relation id (an arc was clicked)
    relationDeleteRequested = Signal(int)  # Delete or Backspace while a relation is selected
    relationDragged = Signal(int, int)  # source and target span ids of a Ctrl+drag
    # A class default: Qt can send changeEvent while __init__ is still running.
    _point_size: float | None = None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setUndoRedoEnabled(False)
        self._text = ""
        self._offsets = OffsetMap("")
        self._index = SpanIndex()  # code points
        self._styles: dict[int, _LabelStyle] = {}
        self._default_style = _LabelStyle(DEFAULT_COLOUR)
        self._selected: int | None = None
        self._press_pos: QPointF | None = None
        self.shown: Shown | None = None  # whose annotations of which document, for show_changes
        self._example = SpanIndex()  # reference spans (code points), never selected or edited
        self._example_tips: dict[int, str] = {}
        self.arcs = RelationOverlay(self)
        self.suggestions = SuggestionOverlay(self)  # dashed, never filled: not annotations yet
        self._drag_source: int | None = None  # span a Ctrl+drag started from
        # Spans whose lines were asked to be painted again since the last paint, and the
        # scroll position and size they were asked at (see _update_span_area).
        self._queued: set[Span] = set()
        self._queued_at: tuple[int, int, int, int] = (0, 0, 0, 0)
        # The paragraphs on screen keep their shaped text between paints (see _keep_shaped):
        # their block numbers, and what they were found at (scroll position, sizes, lines).
        self._shaped: set[int] = set()
        self._shaped_at: tuple[float, ...] = ()
        # Work that waits until the article has been painted (``after_paint``).
        self._after_paint: list[Callable[[], None]] = []
        self._after_paint_timer = QTimer(self)
        self._after_paint_timer.setSingleShot(True)
        self._after_paint_timer.timeout.connect(self._run_after_paint)

    # --- content ------------------------------------------------------------------------------

    def set_document(
        self, text: str, spans: Iterable[SpanRow] | SpanIndex, shown: Shown | None = None
    ) -> None:
        """Show text (plain, never HTML) with spans given in code points (an index of them is
        the view's from then on: whoever else shows them takes its ``snapshot``)."""
        # First: a bad span list leaves the view as it was.
        index = spans if isinstance(spans, SpanIndex) else SpanIndex(spans)
        # The previous document's spans and suggestions are let go of once this one is painted:
        # freeing 100,000 spans and 10,000 suggestions took ~30 ms of the open.
        self.keep_until_painted(self._index, self._example, self.suggestions.content())
        self.shown = shown
        self._text = text
        self._index = index
        self._selected = None
        self._example = SpanIndex()
        self._example_tips = {}
        self.arcs.forget_document()
        self.suggestions.clear()
        self._queued.clear()
        self._shaped.clear()  # the new text's paragraphs are new layouts
        self._shaped_at = ()
        # Qt turns "\r\n" into one paragraph break, which would shift every later position by
        # one; a lone "\r" is one break for one character, so only the pair needs a stand-in.
        self.setPlainText(text.replace("\r\n", " \n") if "\r" in text else text)
        # Qt has counted the text's UTF-16 units as it took it (counting them again took ~2 ms a
        # megabyte), except for a leading byte order mark, which it drops.
        counted = None if text[:1] in _DROPPED_FIRST else self.document().characterCount() - 1
        self._offsets = OffsetMap(text, counted)
        # The first screen gives lanes to the spans it shows; the rest get theirs once it is
        # painted, so that an edit never waits for them (see paintEvent).

    def document_text(self) -> str:
        return self._text

    def after_paint(self, work: Callable[[], None]) -> None:
        """Run ``work`` on the event loop once the article has been painted as it now is, so
        what the reader waits for is on screen first (a view not on screen runs it on the next
        turn of the event loop; one that is never painted, within a fifth of a second)."""
        self._after_paint.append(work)
        self._after_paint_timer.start(0 if not self.isVisible() else AFTER_PAINT_LATEST_MS)

    def keep_until_painted(self, *held: object) -> None:
        """Hold ``held`` (what a view showed before) until the article has been painted, so
        that freeing it is not part of what the reader waits for."""
        self.after_paint(list(held).clear)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Shown with the panels into a window already on screen, the viewport is left out of
        # the window's next paint unless it asks for one itself: the article's place would
        # stay unpainted until a document is opened.
        self.viewport().update()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        if self._after_paint:  # not painted now (its window closed): what waited runs at once
            self._run_after_paint()

    def _run_after_paint(self) -> None:
        self._after_paint_timer.stop()
        waiting, self._after_paint = self._after_paint, []
        for work in waiting:
            work()

    def set_label_colours(self, colours: Mapping[int, str]) -> None:
        """Colours by label id, as "#rrggbb"."""
        self._styles = {label: _LabelStyle(colour) for label, colour in colours.items()}
        self.suggestions.set_label_colours(colours)
        self.viewport().update()

    def set_font_point_size(self, size: float) -> None:
        self._point_size = size
        font = self.font()
        font.setPointSizeF(size)
        self.setFont(font)
        self.arcs.font_changed()
        self.viewport().update()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # A theme change re-polishes every widget, which resets its font to the application's:
        # keep the reader's chosen text size.
        size = self._point_size
        if event.type() == QEvent.Type.FontChange and size and self.font().pointSizeF() != size:
            self.set_font_point_size(size)

    # --- spans --------------------------------------------------------------------------------

    def show_changes(self, event: ChangeEvent) -> None:
        """Draw what an edit changed in the shown annotations (a slot of the window's signal)."""
        shown = self.shown
        if shown is None:
            return
        changes = event.changes
        for record in changes.annotations_removed:
            if shown.holds(record):
                self.remove_span(record.id)
        for record in changes.annotations_added:
            if shown.holds(record):
                self.add_span(Span(record.id, record.start, record.end, record.label_id))
        for record in changes.annotations_updated:
            if shown.holds(record):
                self.replace_span(Span(record.id, record.start, record.end, record.label_id))
        relations = self.arcs.relations
        drawn = False
        for relation in changes.relations_removed:
            drawn |= relations.remove(relation.id) is not None
            if self.arcs.selected == relation.id:
                self.arcs.selected = None
        for relation in changes.relations_added:
            if (relation.document_id, relation.annotator_id) == (
                shown.document_id,
                shown.annotator_id,
            ):
                relations.add(relation)
                drawn = True
        if drawn:
            self.viewport().update()

    # --- relations ----------------------------------------------------------------------------

    def set_relations(
        self, relations: Iterable[RelationRecord], types: Iterable[RelationTypeRecord]
    ) -> None:
        """Draw these relations (between shown spans) as arcs, styled by their types."""
        self.arcs.set_relations(relations, types)

    @property
    def selected_relation_id(self) -> int | None:
        return self.arcs.selected

    def select_relation(self, relation_id: int | None) -> None:
        """Highlight one arc (None or an unknown id clears); a span selection is cleared."""
        chosen = relation_id if relation_id in self.arcs.relations else None
        if chosen is not None:
            self.select_span(None)
            self.suggestions.select(None)
        self.arcs.selected = chosen
        self.viewport().update()

    def relation_at(self, point: QPointF) -> int | None:
        """The relation whose arc is drawn at a viewport point."""
        return self.arcs.relation_at(point)

    def span(self, span_id: int) -> Span | None:
        return self._index.get(span_id)

    def spans(self) -> Iterator[Span]:
        """The shown spans in text order."""
        return iter(self._index)

    @property
    def offsets(self) -> OffsetMap:
        return self._offsets

    def show_span(self, span_id: int) -> None:
        """Scroll a span into view (selecting nothing)."""
        span = self._index.get(span_id)
        if span is not None:
            self._scroll_to(span)

    def set_example_spans(
        self, spans: Iterable[Span], tips: Mapping[int, str] | None = None
    ) -> None:
        """Show another annotator's spans for reference (the worked example), dashed.

        They are only drawn: a click, Delete or a label key never acts on them. ``tips`` holds
        the tooltip of each span id (plain text).
        """
        self._example = SpanIndex(spans)
        self._example_tips = dict(tips or {})
        self.viewport().update()

    def example_span_ids(self) -> list[int]:
        return [span.id for span in self._example]

    def example_rects(self, span_id: int) -> list[QRectF]:
        """Viewport rectangles of an example span's visible part."""
        return self._visible_rects(self._example.get(span_id))

    def example_tooltip(self, point: QPointF) -> str:
        """What the worked example says at a viewport point ("" where it marked nothing)."""
        tips: list[str] = []
        for lines in self._visible_lines(QRect(0, int(point.y()), 1, 1)):
            for span, start, end in self.spans_between(lines.first, lines.last, self._example):
                if any(r.contains(point) for r, _ in lines.rects(start, end)):
                    tip = self._example_tips.get(span.id, "")
                    if tip and tip not in tips:
                        tips.append(tip)
        return "\n".join(tips)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            point = QPointF(event.pos())
            tip = self.arcs.tooltip(point) if len(self.arcs.relations) else ""
            if not tip and len(self._example):
                tip = self.example_tooltip(point)
            if not tip and len(self.suggestions):
                tip = self.suggestions.tooltip(point)
            if tip:
                QToolTip.showText(event.globalPos(), plain_tooltip(tip), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def add_span(self, span: Span) -> None:
        """Show one more span (code points); an existing id is replaced."""
        if span.id in self._index:
            self.replace_span(span)
            return
        self._index.add(span)
        self._update_span_area(span)

    def remove_span(self, span_id: int) -> None:
        old = self._index.remove(span_id)
        if old is None:
            return
        if self._selected == span_id:
            self._selected = None
        self._update_span_area(old)

    def replace_span(self, span: Span) -> None:
        old = self._index.remove(span.id)
        self._index.add(span)
        if old is not None:
            self._update_span_area(old)
        self._update_span_area(span)

    @property
    def selected_span_id(self) -> int | None:
        return self._selected

    def select_span(self, span_id: int | None, *, scroll: bool = True) -> None:
        """Outline span_id (None or an unknown id clears); scroll it into view if asked."""
        old = self._index.get(self._selected) if self._selected is not None else None
        new = self._index.get(span_id) if span_id is not None else None
        self._selected = new.id if new is not None else None
        if new is not None and self.arcs.selected is not None:
            self.arcs.selected = None
            self.viewport().update()
        if new is not None and self.suggestions.selected is not None:
            self.suggestions.select(None)
        if old is not None:
            self._update_span_area(old)
        if new is not None:
            self._update_span_area(new)
            if scroll:
                self._scroll_to(new)

    def span_rects(self, span_id: int) -> list[QRectF]:
        """Viewport rectangles of a span's visible part, one per line it covers."""
        return self._visible_rects(self._index.get(span_id))

    def _visible_rects(self, span: Span | None) -> list[QRectF]:
        if span is None:
            return []
        start, end = self._offsets.to_qt_range(span.start, span.end)
        rects: list[QRectF] = []
        for lines in self.lines_touching(start, end, self.viewport().rect()):
            rects.extend(rect for rect, _ in lines.rects(start, end))
        return rects

    # --- text selection -----------------------------------------------------------------------

    def text_selection(self) -> tuple[int, int] | None:
        """The selected text range in code points, or None when nothing is selected."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return self._offsets.to_cp_range(cursor.selectionStart(), cursor.selectionEnd())

    def set_text_selection(self, start: int, end: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._offsets.to_qt(start))
        cursor.setPosition(self._offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    # --- painting -----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        self._queued.clear()  # what was asked for is painted now
        arcs = self.arcs
        if len(arcs.relations) and arcs.make_room(event.rect()):
            self.viewport().update()  # the lines moved: paint them all where they now are
        # An edit repaints a line or two here and there (the new highlight, the one selected
        # before): each part is painted on its own, not every line between them.
        region = event.region()
        areas = _parts(region) if region.rectCount() > 1 else [event.rect()]
        if len(self._index) or len(self._example):
            painter = QPainter(self.viewport())
            try:
                for area in areas:
                    if len(areas) > 1:  # translucent fills must not be painted twice
                        painter.setClipRect(area)
                    if len(self._example):
                        self._paint_example(painter, area)
                    self._paint_spans(painter, area)
            finally:
                painter.end()
        self._keep_shaped()
        if len(areas) > 1:
            # The text too, part by part: given the whole event, QPlainTextEdit lays out and
            # draws every line of the rectangle around the parts, the whole screen when an edit
            # moves the outline from one end of it to the other.
            for area in areas:
                super().paintEvent(QPaintEvent(area))
        else:
            super().paintEvent(event)
        if len(self.suggestions):  # above the text: a frame, never a fill
            painter = QPainter(self.viewport())
            try:
                for area in areas:
                    if len(areas) > 1:
                        painter.setClipRect(area)
                    self.suggestions.paint(painter, area)
            finally:
                painter.end()
        if len(arcs.relations) or arcs.link_source is not None:
            painter = QPainter(self.viewport())
            try:
                arcs.paint(painter, event.rect())
            finally:
                painter.end()
        if self._index.lanes_left:
            # The spans on screen have their lanes: the rest get theirs next. (A paint of a
            # part with no span, the caret's say, hands out none: the lanes wait for the paint
            # that begins them, not for the reader's first edit, ~0.2 s at 100,000 spans.)
            self.after_paint(self._index.complete_lanes)
        if self._after_paint:  # painted: what waited for it runs on the next turn of the loop
            self._after_paint_timer.start(0)

    def _keep_shaped(self) -> None:
        """Let the paragraphs on screen keep their shaped text (glyphs and advances) between
        paints, and only they.

        Qt lays a paragraph out once but, unless told to keep it, shapes its text again each
        time it draws it, puts the caret in it or measures a highlight's ends in it (a tenth of
        the instructions of an edit and its repaints). A paragraph scrolled off screen is told
        to let go again and its glyphs are freed at once, so a long article keeps no more than
        the paragraphs on screen.
        """
        bar = self.verticalScrollBar()
        viewport = self.viewport()
        # What decides the paragraphs on screen: where the text is scrolled to, the screen's
        # size, the text's size and its lines (a new width or font wraps them again; a new
        # document has other paragraphs). Room made above lines for arcs only takes some off.
        document = self.document()
        at = (
            bar.value(),
            viewport.width(),
            viewport.height(),
            self.font().pointSizeF(),
            document.lineCount(),
            document.blockCount(),
        )
        if at == self._shaped_at:
            return
        self._shaped_at = at
        shown = {
            block.blockNumber(): block for block, _geom in self._visible_blocks(viewport.rect())
        }
        kept = self._shaped
        gone = kept.difference(shown)
        if gone:
            # Told to let go, a layout frees what it kept at the end of its next draw: drawn
            # here outside its lines (nothing is painted), so the memory goes now.
            image = QImage(1, 1, QImage.Format.Format_ARGB32_Premultiplied)
            painter = QPainter(image)
            try:
                for number in gone:
                    block = document.findBlockByNumber(number)
                    if block.isValid():
                        layout = block.layout()
                        layout.setCacheEnabled(False)
                        layout.draw(painter, QPointF(0, 0), [], _NOWHERE)
            finally:
                painter.end()
        for number, block in shown.items():
            if number not in kept:
                block.layout().setCacheEnabled(True)
        self._shaped = set(shown)

    def _paint_example(self, painter: QPainter, area: QRect) -> None:
        frames: list[tuple[QRectF, QColor]] = []
        for lines in self._visible_lines(area):
            for span, start, end in self.spans_between(lines.first, lines.last, self._example):
                style = self._styles.get(span.label_id, self._default_style)
                fill = QColor(style.bar)
                fill.setAlpha(EXAMPLE_FILL_ALPHA)
                for rect, _bottom in lines.rects(start, end):
                    painter.fillRect(rect, fill)
                    frames.append((rect, style.bar))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        half = EXAMPLE_FRAME_WIDTH / 2
        for rect, colour in frames:
            painter.setPen(QPen(colour, EXAMPLE_FRAME_WIDTH, Qt.PenStyle.DashLine))
            painter.drawRect(rect.adjusted(half, half, -half, -half))

    def _paint_spans(self, painter: QPainter, area: QRect) -> None:
        index = self._index
        # Bars of a line may hang into the top of the next line, so look one bar band higher.
        reach = QRect(area).adjusted(0, -self._bar_spill(), 0, 0)
        fills: list[tuple[QRectF, _LabelStyle]] = []
        bars: list[tuple[QRectF, _LabelStyle]] = []
        outlines: list[tuple[QRectF, _LabelStyle]] = []
        selected = self._selected
        for lines in self._visible_lines(reach):
            for span, start, end in self.spans_between(lines.first, lines.last):
                style = self._styles.get(span.label_id, self._default_style)
                bar_offset = BAR_OFFSETS[min(index.lane_of(span.id), len(BAR_OFFSETS) - 1)]
                for rect, bottom in lines.rects(start, end):
                    fills.append((rect, style))
                    bar = QRectF(rect.left(), bottom + bar_offset, rect.width(), BAR_HEIGHT)
                    bars.append((bar, style))
                    if span.id == selected:
                        outlines.append((rect, style))
        for rect, style in fills:
            painter.fillRect(rect, style.fill)
        if outlines:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            half = OUTLINE_WIDTH / 2
            for rect, style in outlines:
                painter.setPen(QPen(style.outline, OUTLINE_WIDTH))
                painter.drawRect(rect.adjusted(half, half, -half, -half))
        # Bars last, so that the selected span's outline never hides another span's lane.
        for rect, style in bars:
            painter.fillRect(rect, style.bar)

    def _visible_blocks(self, area: QRect) -> Iterator[tuple[QTextBlock, QRectF]]:
        """Blocks that intersect area (viewport coordinates), with their viewport geometry."""
        block = self.firstVisibleBlock()
        if not block.isValid():
            return
        top, bottom = area.top(), area.bottom() + 1
        # As QPlainTextEdit paints: the first block placed, each next one below the last (its
        # blockBoundingGeometry would add up the heights from the first block again each time).
        geom = self.blockBoundingGeometry(block).translated(self.contentOffset())
        x, y = geom.left(), geom.top()
        while True:
            if y >= bottom:
                break
            height = geom.height()
            if block.isVisible() and y + height > top:
                yield block, geom
            block = block.next()
            if not block.isValid():
                break
            y += height
            geom = self.blockBoundingRect(block).translated(x, y)

    def _visible_lines(self, area: QRect) -> Iterator[_BlockLines]:
        """The laid-out lines inside area, grouped by block."""
        top, bottom = area.top(), area.bottom() + 1
        metrics = QFontMetricsF(self.font())
        text = (metrics.ascent(), metrics.ascent() + metrics.descent())
        for block, geom in self._visible_blocks(area):
            lines = _BlockLines(block, geom, top, bottom, text)
            if lines.lines:
                yield lines

    visible_lines = _visible_lines
    visible_blocks = _visible_blocks

    def lines_touching(self, start: int, end: int, area: QRect) -> Iterator[_BlockLines]:
        """The laid-out lines inside area of the blocks the UTF-16 range [start, end] touches:
        what a span's rectangles are looked for in (laying out the lines of every block on
        screen to find one highlight's took 0.1–0.3 ms of each label key)."""
        top, bottom = area.top(), area.bottom() + 1
        metrics = QFontMetricsF(self.font())
        text = (metrics.ascent(), metrics.ascent() + metrics.descent())
        for block, geom in self._visible_blocks(area):
            position = block.position()
            if position > end:
                break  # the blocks below come later in the text
            if position + block.length() < start:
                continue  # ends before the range: no rectangle of it on this block
            lines = _BlockLines(block, geom, top, bottom, text)
            if lines.lines:
                yield lines

    def spans_between(
        self, start: int, end: int, index: SpanIndex | None = None
    ) -> Iterator[tuple[Span, int, int]]:
        """Spans overlapping the UTF-16 range [start, end), each with its UTF-16 start and end
        (the reader's own spans, or those of ``index``)."""
        offsets = self._offsets
        # Line and block boundaries never fall inside a surrogate pair: the conversion is exact.
        cp_start, cp_end = offsets.to_cp_range(start, end)
        for span in (self._index if index is None else index).overlapping(cp_start, cp_end):
            yield span, offsets.to_qt(span.start), offsets.to_qt(span.end)

    def _bar_spill(self) -> int:
        return max(BAR_OFFSETS) + BAR_HEIGHT + 1

    def _update_span_area(self, span: Span) -> None:
        """Schedule a repaint of the visible lines a span touches (their bars included).

        Lines, not whole paragraphs: a new highlight repaints a line or two of text, its
        highlights and suggestions, however long its paragraph. Lanes are stable (a new span
        takes a free lane; the others keep theirs), so no other line changes.

        A span asked for again before the view paints, at the same scroll position and size,
        is already on its way (a new highlight is added, then selected)."""
        viewport = self.viewport()
        at = (
            self.verticalScrollBar().value(),
            self.horizontalScrollBar().value(),
            viewport.width(),
            viewport.height(),
        )
        if at != self._queued_at:
            self._queued_at = at
            self._queued.clear()
        elif span in self._queued:
            return
        self._queued.add(span)
        start, end = self._offsets.to_qt_range(span.start, span.end)
        shown = viewport.rect()
        top, bottom = math.inf, -math.inf
        for block, geom in self._visible_blocks(shown):
            block_start = block.position()
            if end < block_start:
                break  # the blocks below come later in the text
            if start >= block_start + block.length():
                continue
            lines = _BlockLines(block, geom, shown.top(), shown.bottom() + 1)
            y0 = lines.origin.y()
            for line_start, line_end, line in zip(
                lines.starts, lines.ends, lines.lines, strict=True
            ):
                if start <= block_start + line_end and end >= block_start + line_start:
                    top = min(top, y0 + line.y())
                    bottom = max(bottom, y0 + line.y() + line.height())
        if top <= bottom:
            y = math.floor(top) - 1
            height = math.ceil(bottom) - y + self._bar_spill()
            viewport.update(QRect(0, y, viewport.width(), height))

    def _scroll_to(self, span: Span) -> None:
        rects = self.span_rects(span.id)
        height = self.viewport().height()
        if rects and rects[0].top() >= 0 and rects[0].bottom() <= height:
            return
        # The vertical scroll bar of QPlainTextEdit counts visual lines; scrolling it leaves
        # the caret and any text selection alone (setTextCursor would not).
        start = self._offsets.to_qt(span.start)
        block = self.document().findBlock(start)
        self.blockBoundingRect(block)  # lays the block out so its lines are known
        line = block.layout().lineForTextPosition(start - block.position())
        target = block.firstLineNumber() + (line.lineNumber() if line.isValid() else 0)
        line_height = QFontMetricsF(self.font()).lineSpacing()
        lines_on_screen = max(1, math.floor(height / line_height))
        bar = self.verticalScrollBar()
        bar.setValue(max(bar.minimum(), target - lines_on_screen // 3))

    # --- input --------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press_pos = event.position()
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                hits = self._spans_at_point(event.position())
                if hits:  # Ctrl+drag from a span draws a new relation, selecting no text
                    self._drag_source = hits[0].id
                    self.arcs.link_source = hits[0].id
                    event.accept()
                    return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag_source is not None:
            self.arcs.pointer = event.position()
            hits = self._spans_at_point(event.position())
            target = hits[0].id if hits and hits[0].id != self._drag_source else None
            self.arcs.current_target = target
            self.viewport().update()
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag_source is not None:
            source, self._drag_source = self._drag_source, None
            self._press_pos = None
            self.arcs.end_linking()
            self.viewport().update()
            ends = [s.id for s in self._spans_at_point(event.position()) if s.id != source]
            if ends:
                self.relationDragged.emit(source, ends[0])
            event.accept()
            return
        super().mouseReleaseEvent(event)
        press, self._press_pos = self._press_pos, None
        if event.button() != Qt.MouseButton.LeftButton or press is None:
            return
        moved = (event.position() - press).manhattanLength()
        if moved >= QApplication.startDragDistance() or self.textCursor().hasSelection():
            return  # a drag or a shift-click: the user is selecting text
        relation = self.arcs.relation_at(event.position()) if len(self.arcs.relations) else None
        if relation is not None:
            self.select_relation(relation)
            self.relationClicked.emit(relation)
            return
        if self.arcs.selected is not None:
            self.select_relation(None)
        hits = self._spans_at_point(event.position())
        suggestion = self.suggestions.at(event.position()) if not hits else None
        if suggestion is not None:  # a dashed outline where no highlight is
            self.select_span(None)
            self.spanClicked.emit(-1)
            self.suggestions.select(suggestion, scroll=False)
            return
        self.suggestions.select(None)
        if not hits:
            self.select_span(None)
            self.spanClicked.emit(-1)
            return
        ids = [s.id for s in hits]
        # Clicking again where the selected span is cycles to the next span under the pointer.
        chosen = (
            ids[(ids.index(self._selected) + 1) % len(ids)] if self._selected in ids else ids[0]
        )
        self.select_span(chosen, scroll=False)
        self.spanClicked.emit(chosen)

    def _spans_at_point(self, point: QPointF) -> list[Span]:
        """Spans whose painted rectangles contain point, innermost (shortest) first."""
        hits: list[Span] = []
        for lines in self._visible_lines(QRect(0, int(point.y()), 1, 1)):
            for span, start, end in self.spans_between(lines.first, lines.last):
                if span not in hits and any(r.contains(point) for r, _ in lines.rects(start, end)):
                    hits.append(span)
        hits.sort(key=lambda s: (s.end - s.start, -s.start, s.id))
        return hits

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape and self._drag_source is not None:
            self._drag_source = None  # a Ctrl+drag let go of: no relation
            self.arcs.end_linking()
            self.viewport().update()
            event.accept()
            return
        relation = self.arcs.selected
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and relation is not None:
            self.relationDeleteRequested.emit(relation)
            event.accept()
            return
        if key == Qt.Key.Key_Escape and relation is not None:
            self.select_relation(None)
            event.accept()
            return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self._selected is not None:
            self.deleteRequested.emit()
            event.accept()
            return
        blocked = (
            Qt.KeyboardModifier.ControlModifier
            | Qt.KeyboardModifier.AltModifier
            | Qt.KeyboardModifier.MetaModifier
        )
        text = event.text()
        if text and text.isprintable() and not event.modifiers() & blocked:
            self.labelKeyPressed.emit(text)
            event.accept()
            return
        super().keyPressEvent(event)


class _BlockLines:
    """The lines of one block that lie in a vertical band of the viewport, for hit tests and
    painting. Only these lines are touched, so a huge paragraph costs what is on screen."""

    __slots__ = (
        "block_number",
        "boxes",
        "ends",
        "first",
        "last",
        "lines",
        "numbers",
        "origin",
        "position",
        "starts",
        "text_tops",
    )

    def __init__(
        self,
        block: QTextBlock,
        geom: QRectF,
        top: float,
        bottom: float,
        text: tuple[float, float] = (0.0, 0.0),
    ) -> None:
        layout = block.layout()
        self.position = block.position()
        self.block_number = block.blockNumber()
        self.origin = geom.topLeft() + layout.position()
        y0 = self.origin.y()
        count = layout.lineCount()
        lo, hi = 0, count  # first line whose bottom is below top (lines go down in order)
        while lo < hi:
            mid = (lo + hi) // 2
            line = layout.lineAt(mid)
            if y0 + line.y() + line.height() <= top:
                lo = mid + 1
            else:
                hi = mid
        self.lines: list[QTextLine] = []
        for i in range(lo, count):
            line = layout.lineAt(i)
            if y0 + line.y() >= bottom:
                break
            self.lines.append(line)
        self.numbers = [line.lineNumber() for line in self.lines]
        # The text's own box on each line (top, height): a line given room for arcs above it
        # is taller than its text, and spans are drawn around the text only.
        ascent, height = text
        self.boxes: list[tuple[float, float]] = []
        for line in self.lines:
            room = line.ascent() - ascent
            y = y0 + line.y()
            self.boxes.append((y + room, height) if room > 0.5 else (y, line.height()))
        self.text_tops = [box[0] for box in self.boxes]
        self.starts = [line.textStart() for line in self.lines]
        self.ends = [a + line.textLength() for a, line in zip(self.starts, self.lines, strict=True)]
        # UTF-16 document range of these lines
        self.first = self.position + (self.starts[0] if self.lines else 0)
        self.last = self.position + (self.ends[-1] if self.lines else 0)

    def rects(self, start: int, end: int) -> Iterator[tuple[QRectF, float]]:
        """(rectangle, line bottom) for each of these lines that [start, end) (UTF-16) covers."""
        first = start - self.position
        last = end - self.position
        empty = first == last
        i = max(bisect_right(self.starts, first) - 1, 0)
        for line_start, line_end, line, (y, height) in zip(
            self.starts[i:], self.ends[i:], self.lines[i:], self.boxes[i:], strict=True
        ):
            if line_start > last:
                break
            a = max(first, line_start)
            b = min(last, line_end)
            if a > b or (a == b and not empty):
                continue
            x1 = line_x(line, a)
            x2 = line_x(line, b) if b != a else x1 + OUTLINE_WIDTH
            yield QRectF(self.origin.x() + min(x1, x2), y, abs(x2 - x1), height), y + height
            if empty:
                return

    def box(self, start: int, end: int) -> tuple[int, float, float] | None:
        """The line holding UTF-16 position start (among these lines), with the x extent of
        [start, end) on it."""
        first = start - self.position
        i = bisect_right(self.starts, first) - 1
        if i < 0 or first > self.ends[i]:
            return None
        line = self.lines[i]
        x1 = line_x(line, first)
        x2 = line_x(line, min(end - self.position, self.ends[i]))
        return self.numbers[i], self.origin.x() + min(x1, x2), self.origin.x() + max(x1, x2)


def _parts(region: QRegion) -> list[QRect]:
    """The parts of a region to paint each on its own: its bands, those that touch merged (the
    caret's one-pixel band above a line's is one part with it)."""
    parts: list[QRect] = []
    bands: list[QRect] = list(region)  # type: ignore[call-overload]  # QRegion iterates its rects
    for band in sorted(bands, key=QRect.top):
        if parts and band.top() <= parts[-1].bottom() + 1:
            parts[-1] = parts[-1].united(band)
        else:
            parts.append(QRect(band))
    return parts


def _preview() -> None:
    """Open the view on a seed article with a few random word-snapped spans."""
    from claimdesk.core.text.snapping import snap_to_words

    app = QApplication(sys.argv)
    seed = Path(__file__).resolve().parent.parent / "seeds" / "warming-up-to-the-big-polar-bear.txt"
    text = seed.read_text(encoding="utf-8")
    rng = random.Random(7)
    spans: list[Span] = []
    for span_id in range(40):
        start = rng.randrange(len(text) - 200)
        a, b = snap_to_words(text, start, start + rng.randrange(5, 160))
        if a < b:
            spans.append(Span(span_id, a, b, rng.randrange(4)))
    # A few nested claims, to show how overlapping spans stack and get their own lanes.
    for outer in spans[:6:2]:
        middle = (outer.start + outer.end) // 2
        a, b = snap_to_words(text, middle - 10, middle + 12)
        spans.append(Span(100 + outer.id, a, b, (outer.label_id + 1) % 4))
    view = DocumentView()
    view.set_label_colours({0: "#e69f00", 1: "#0072b2", 2: "#009e73", 3: "#cc79a7"})
    view.set_font_point_size(12)
    view.set_document(text, spans)
    # A few relations between neighbouring spans, to show the arcs.
    kinds = [
        RelationTypeRecord(1, "attributed to", "#7f7f7f"),
        RelationTypeRecord(2, "supports", "#2ca02c"),
        RelationTypeRecord(3, "contradicts", "#d62728", directed=False),
    ]
    ordered = sorted(spans, key=lambda s: s.start)
    relations = [
        RelationRecord(i, 0, 0, kinds[i % 3].id, a.id, b.id)
        for i, (a, b) in enumerate(zip(ordered[:20:2], ordered[1:20:2], strict=True))
    ]
    view.set_relations(relations, kinds)
    view.resize(760, 640)
    view.setWindowTitle(f"DocumentView preview: {seed.name}")
    view.spanClicked.connect(lambda i: print("spanClicked", i))
    view.labelKeyPressed.connect(lambda k: print("labelKeyPressed", repr(k)))
    view.deleteRequested.connect(lambda: print("deleteRequested"))
    view.select_span(spans[0].id)
    view.show()
    if len(sys.argv) > 2 and sys.argv[1] == "--screenshot":
        app.processEvents()
        view.grab().save(sys.argv[2])
        return
    app.exec()


if __name__ == "__main__":
    _preview()
