"""The suggestions of a DocumentView: dashed, unfilled outlines in the label's colour, painted
above the text for the lines on screen, hit by clicks, one of them selected at a time.

A suggestion is not an annotation: it is never filled (annotations are), its frame is dashed and
rounded (the worked example's is square over a pale fill), and a click, Delete or a label key on
it acts on the suggestion only through the window (gui/window_suggestions.py).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import islice
from operator import eq, itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QObject, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPalette, QPen, QPixmap, QTextLine

from claimdesk.core.text.spans import Span, SpanIndex

if TYPE_CHECKING:
    from claimdesk.core.suggest.records import Suggestion, SuggestionRows
    from claimdesk.gui.document_view import DocumentView

FRAME_WIDTH = 2.0
SELECTED_WIDTH = 3.0
RING_WIDTH = 2.0  # the selected suggestion's outer ring, in the palette's highlight colour
RADIUS = 3.0
DASHES = (3.0, 2.0)  # in pen widths: long enough to read as dashes at 2 px
DEFAULT_COLOUR = "#9e9e9e"
PAD = 4  # room around a frame's pixmap for the selected one's ring (RING_WIDTH, antialiased)
FRAME_IMAGES = 512  # frames kept drawn (by size and colour); all dropped when full


class Prepared(NamedTuple):
    """Suggestions in text order with their span index: worked out once, off the GUI thread."""

    items: Sequence[Suggestion]
    spans: SpanIndex
    # One span per distinct range (the first suggestion for it): what is painted. Several labels
    # suggested for the same text share one frame, since frames over each other show only one.
    frames: SpanIndex


def prepare(items: Iterable[Suggestion], text_length: int) -> Prepared:
    """Sort suggestions by position, drop any outside the text, index them (no Qt: a worker may
    call it)."""
    ordered = sorted(items, key=_key)
    kept = [s for s in ordered if 0 <= s.start < s.end <= text_length]
    return _indexed(kept, [(s.start, s.end, s.label_id) for s in kept])


def prepare_rows(found: SuggestionRows) -> Prepared:
    """Suggestions worked out in the worker process (already in text order, within the text),
    indexed: plain tuples throughout, a few milliseconds for 10,000."""
    return _indexed(found, found.rows)


def _indexed(items: Sequence[Suggestion], ranges: Sequence[tuple[Any, ...]]) -> Prepared:
    # ranges[i] starts with items[i]'s (start, end, label id); C-level passes only (10,000
    # suggestions arrive at once, on the GUI thread).
    starts = list(map(_first, ranges))
    ends = list(map(_second, ranges))
    spans = list(zip(range(len(starts)), starts, ends, map(_third, ranges), strict=True))
    index = SpanIndex(spans)
    if not any(map(eq, starts, islice(starts, 1, None))):
        return Prepared(items, index, index)  # one label per range: every span is a frame
    frames = [span for i, span in enumerate(spans) if i == 0 or spans[i - 1][1:3] != span[1:3]]
    return Prepared(items, index, SpanIndex(frames))


_first, _second, _third = itemgetter(0), itemgetter(1), itemgetter(2)


class SuggestionOverlay(QObject):
    """The suggestions shown over one view, in text order; ``selected`` is a position in them."""

    selectionChanged = Signal(int)  # position in ``items``, or -1 when none is selected

    def __init__(self, view: DocumentView) -> None:
        super().__init__(view)
        self.view = view
        self.items: Sequence[Suggestion] = []
        self._index = SpanIndex()  # Span(id = position in items, start, end, label), code points
        self._frames = SpanIndex()  # the first of each distinct range: what is painted
        self.selected: int | None = None
        self.visible = True
        self._colours: dict[int, QColor] = {}
        self._frame_images: dict[tuple[int, int, int, int, float], QPixmap] = {}
        self._line_frames: dict[tuple[int, int], list[tuple[float, int, QColor]]] = {}
        self._layout_stamp: tuple[object, ...] = ()
        self.tip: Callable[[Suggestion], str] | None = None  # a hovered suggestion's tooltip

    # --- content --------------------------------------------------------------------------------

    def set_suggestions(
        self, items: Iterable[Suggestion] | Prepared, *, keep: bool = False
    ) -> None:
        """Show these suggestions (any order; kept in text order), selecting none — or, with
        ``keep``, the selected one again when it is still among them (quietly: it is the same).
        ``Prepared`` ones (made on a worker by :func:`prepare`) cost the GUI thread nothing."""
        kept = _key(self.current) if keep and self.current is not None else None
        if not isinstance(items, Prepared):
            items = prepare(items, len(self.view.document_text()))
        self.items, self._index, self._frames = items.items, items.spans, items.frames
        self._line_frames.clear()
        again = None
        if kept is not None:
            at = bisect_left(self.items, kept, key=_key)
            if at < len(self.items) and _key(self.items[at]) == kept:
                again = at
        if again is not None:
            self.selected = again
        else:
            self._set_selected(None)
        self.view.viewport().update()

    def clear(self) -> None:
        self.set_suggestions(())

    def content(self) -> tuple[object, ...]:
        """What is shown now, to be held while it is replaced (see DocumentView.set_document)."""
        return (self.items, self._index, self._frames)

    def set_visible(self, visible: bool) -> None:
        self.visible = visible
        if not visible:
            self._set_selected(None)
        self.view.viewport().update()

    def set_label_colours(self, colours: Mapping[int, str]) -> None:
        self._colours = {label: QColor(colour) for label, colour in colours.items()}
        self._line_frames.clear()
        self.view.viewport().update()

    def __len__(self) -> int:
        return len(self.items) if self.visible else 0

    @property
    def current(self) -> Suggestion | None:
        return self.items[self.selected] if self.selected is not None else None

    # --- selection ------------------------------------------------------------------------------

    def select(self, position: int | None, *, scroll: bool = True) -> None:
        """Select one suggestion (None clears); the view's selected highlight is cleared."""
        if position is not None and not (0 <= position < len(self.items) and self.visible):
            position = None
        if position is not None:
            self.view.select_span(None)
            self.view.select_relation(None)
            item = self.items[position]
            # The caret goes to the suggestion (setTextCursor scrolls it into view; a click
            # leaves the view where it is): N goes on from there once it is decided.
            bar = self.view.verticalScrollBar()
            kept = bar.value()
            self.view.set_text_selection(item.start, item.start)
            if not scroll:
                bar.setValue(kept)
            elif not self._comfortable(position):  # not at the very edge: centred, with context
                self.view.centerCursor()
        self._set_selected(position)
        self.view.viewport().update()

    def _comfortable(self, position: int) -> bool:
        rects = self.rects(position)
        height = self.view.viewport().height()
        margin = min(height / 6, 3 * rects[0].height()) if rects else 0
        return bool(rects) and rects[0].top() >= margin and rects[-1].bottom() <= height - margin

    def step(self, forward: bool) -> int | None:
        """Select the next (or previous) suggestion after the selected one, else after the caret;
        wraps round. Returns the position chosen, or None when there are none."""
        if not len(self):
            return None
        if self.selected is not None:
            position = (self.selected + (1 if forward else -1)) % len(self.items)
        else:
            caret = self.view.offsets.to_cp(self.view.textCursor().position())
            # In text order: the first starting at the caret or after it (10,000 of them).
            after = bisect_left(self.items, caret, key=_start)
            if forward:
                position = after if after < len(self.items) else 0
            else:
                position = after - 1 if after > 0 else len(self.items) - 1
        self.select(position)
        return position

    def _set_selected(self, position: int | None) -> None:
        if position != self.selected:
            self.selected = position
            self.selectionChanged.emit(-1 if position is None else position)

    # --- geometry -------------------------------------------------------------------------------

    def rects(self, position: int) -> list[QRectF]:
        """Viewport rectangles of a suggestion's visible part, one per line it covers."""
        span = self._index.get(position)
        if span is None or not self.visible:
            return []
        view = self.view
        start, end = view.offsets.to_qt_range(span.start, span.end)
        return [
            rect
            for lines in view.lines_touching(start, end, view.viewport().rect())
            for rect, _ in lines.rects(start, end)
        ]

    def at(self, point: QPointF) -> int | None:
        """The suggestion drawn at a viewport point (the shortest when several are)."""
        if not len(self):
            return None
        hits: list[Span] = []
        view = self.view
        for lines in view.visible_lines(QRect(0, int(point.y()), 1, 1)):
            for span, start, end in view.spans_between(lines.first, lines.last, self._index):
                if any(r.contains(point) for r, _ in lines.rects(start, end)):
                    hits.append(span)
        if not hits:
            return None
        hits.sort(key=lambda s: (s.end - s.start, s.start, s.id))
        return hits[0].id

    def tooltip(self, point: QPointF) -> str:
        """What the suggestion under a viewport point is ("" where there is none)."""
        position = self.at(point)
        if position is None or self.tip is None:
            return ""
        return self.tip(self.items[position])

    # --- painting -------------------------------------------------------------------------------

    def paint(self, painter: QPainter, area: QRect) -> None:
        """Dashed frames (never fills) of the suggestions on the lines inside ``area``."""
        if not len(self):
            return
        view = self.view
        selected = self._index.get(self.selected) if self.selected is not None else None
        chosen_range = view.offsets.to_qt_range(selected.start, selected.end) if selected else None
        chosen: list[QRectF] = []
        line_frames = self._line_frames_now()
        device = painter.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        image = self._image
        for lines in view.visible_lines(area):
            left = lines.origin.x() - PAD
            block = lines.block_number
            for number, line, start, end, (top, height) in zip(
                lines.numbers, lines.lines, lines.starts, lines.ends, lines.boxes, strict=True
            ):
                on_line = line_frames.get((block, number))
                if on_line is None:
                    on_line = self._frames_on_line(lines.position, line, start, end)
                    line_frames[block, number] = on_line
                y = top - PAD
                tall = round(height)
                for x, width, colour in on_line:
                    painter.drawPixmap(QPointF(left + x, y), image(width, tall, colour, 0, ratio))
            if chosen_range is not None:
                chosen.extend(rect for rect, _ in lines.rects(*chosen_range))
        if selected is not None and chosen:  # last: on top of the others, ringed
            colour = self._colours.get(selected.label_id) or QColor(DEFAULT_COLOUR)
            ring = view.palette().color(QPalette.ColorRole.Highlight).rgba()
            for rect in chosen:
                frame = image(round(rect.width()), round(rect.height()), colour, ring, ratio)
                painter.drawPixmap(QPointF(rect.left() - PAD, rect.top() - PAD), frame)

    def _image(self, width: int, height: int, colour: QColor, ring: int, ratio: float) -> QPixmap:
        """A frame's pixmap (``ring``: the selected one's ring colour as RGBA, 0 for none).

        A dashed, antialiased rounded frame costs Qt's path stroker ~70 µs; the same frame drawn
        once into a pixmap and copied costs a few (an edit repaints a few lines, often with
        dozens of frames of the same few sizes)."""
        key = (width, height, colour.rgba(), ring, ratio)
        found = self._frame_images.get(key)
        if found is None:
            if len(self._frame_images) >= FRAME_IMAGES:
                self._frame_images.clear()
            found = _frame_image(
                width, height, colour, QColor.fromRgba(ring) if ring else None, ratio
            )
            self._frame_images[key] = found
        return found

    def _line_frames_now(self) -> dict[tuple[int, int], list[tuple[float, int, QColor]]]:
        """Each laid-out line's frames (x, width, colour), worked out the first time the line is
        painted and kept while the layout stands: an edit's repaint of a few lines then costs a
        look-up per line rather than a search and two measurements per frame."""
        view = self.view
        document = view.document()
        stamp = (id(document), document.revision(), view.viewport().width(), view.font().key())
        if stamp != self._layout_stamp:
            self._layout_stamp = stamp
            self._line_frames.clear()
        return self._line_frames

    def _frames_on_line(
        self, position: int, line: QTextLine, start: int, end: int
    ) -> list[tuple[float, int, QColor]]:
        # [start, end): the line's text, relative to its block at ``position`` (UTF-16); each
        # frame as (x from the block's left, width in whole pixels, colour).
        found = []
        default = QColor(DEFAULT_COLOUR)
        for span, first, last in self.view.spans_between(
            position + start, position + end, self._frames
        ):
            a = max(first - position, start)
            b = min(last - position, end)
            if a >= b:
                continue
            x1, x2 = line_x(line, a), line_x(line, b)
            colour = self._colours.get(span.label_id) or default
            found.append((min(x1, x2), round(abs(x2 - x1)), colour))
        return found


def line_x(line: QTextLine, position: int) -> float:
    """The x of a UTF-16 position on a laid-out line (the article view's measure too)."""
    # PySide6 maps this overload to an (x, position) tuple; its type stub only says "object".
    result = line.cursorToX(position)
    return float(result[0] if isinstance(result, tuple) else result)  # type: ignore[arg-type]


def _frame_image(
    width: int, height: int, colour: QColor, ring: QColor | None, ratio: float
) -> QPixmap:
    """One suggestion's frame (with the selected one's ring when ``ring`` is given), drawn
    into a transparent pixmap PAD pixels larger on each side than the ``width`` x ``height``
    rectangle it frames."""
    image = QPixmap(round((width + 2 * PAD) * ratio), round((height + 2 * PAD) * ratio))
    image.setDevicePixelRatio(ratio)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    rect = QRectF(PAD, PAD, width, height)
    width_ = SELECTED_WIDTH if ring is not None else FRAME_WIDTH
    if ring is not None:
        painter.setPen(QPen(ring, RING_WIDTH))
        outer = rect.adjusted(-RING_WIDTH, -RING_WIDTH, RING_WIDTH, RING_WIDTH)
        painter.drawRoundedRect(outer, RADIUS + 1, RADIUS + 1)
    pen = QPen(colour, width_, Qt.PenStyle.CustomDashLine)
    pen.setDashPattern(list(DASHES))
    painter.setPen(pen)
    half = width_ / 2
    painter.drawRoundedRect(rect.adjusted(half, half, -half, -half), RADIUS, RADIUS)
    painter.end()
    return image


def _key(item: Suggestion) -> tuple[int, int, int]:
    return (item.start, item.end, item.label_id)


def _start(item: Suggestion) -> int:
    return item.start


def describe(item: Suggestion, label_name: str, keys: Sequence[str]) -> str:
    """The status bar's line for a selected suggestion: what it is and what the keys do."""
    quote = " ".join(item.quote.split())
    quote = quote if len(quote) <= 40 else quote[:39] + "…"
    shown = f"Suggested: {label_name} “{quote}”" if quote else f"Suggested: {label_name}"
    return f"{shown} — " + " · ".join(keys)
