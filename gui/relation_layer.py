"""Relations drawn brat-style over the article: the arc geometry (pure), the index of the shown
relations, and the room above the lines that carry arcs.

Geometry is worked out per visual line from the arcs whose ends lie on that line, so it never
depends on where the reader has scrolled: an arc whose two ends share a line spans between
them; otherwise it leaves its first end towards the line's right margin and comes back from
the next end's line's left margin. On each line, shorter arcs take lower levels and an arc goes
one level up whenever it would touch an arc already placed, so nested and crossing arcs stay
apart.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtGui import QFont, QFontMetricsF, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from claimdesk.core.records import RelationRecord, RelationTypeRecord

MIN_RUN = 24.0  # px: the narrowest arc between two spans on one line, when their boxes allow
LEG_SPACING = 5.0  # px between the legs of arcs that meet at one span
ARC_GAP = 6.0  # px kept between two arcs on one level, so touching arcs never read as one
MARGIN = 4.0  # px between the view's edge and an arc that leaves its line


@dataclass(frozen=True, slots=True)
class ArcEnd:
    """Where an arc meets one of its spans: the centre of the span's first box.

    ``line`` orders and names visual lines (None: the line is not on screen); ``position`` is
    the span's start in the text, to know which end comes first.
    """

    line: Hashable | None
    x: float
    position: int
    half_width: float = 0.0  # half the box's width: room to spread the legs that meet there


@dataclass(frozen=True, slots=True)
class ArcInput:
    relation_id: int
    source: ArcEnd
    target: ArcEnd
    directed: bool = True


@dataclass(frozen=True, slots=True)
class ArcPiece:
    """The part of one arc drawn over one line: a horizontal run at ``level`` from x1 to x2,
    with a leg down to the span at each end that has one (else the run meets the margin)."""

    relation_id: int
    line: Hashable
    x1: float
    x2: float
    level: int
    leg_left: bool
    leg_right: bool
    arrow: float | None  # x of the leg the arrowhead points down (the target), if directed


def arc_pieces(
    arcs: Iterable[ArcInput], margins: dict[Hashable, tuple[float, float]]
) -> tuple[list[ArcPiece], dict[Hashable, int]]:
    """The pieces of arcs on the lines in ``margins`` (line → left and right x), with levels,
    and the number of levels each of those lines needs."""
    runs: dict[Hashable, list[tuple[float, float, int, bool, bool, float | None]]] = {}
    widths: dict[tuple[Hashable, float], float] = {}
    for arc in arcs:
        for end in (arc.source, arc.target):
            if end.line is not None:
                widths[(end.line, end.x)] = end.half_width
        source, target = arc.source, arc.target
        first, last = (
            (source, target)
            if (source.position, source.x) <= (target.position, target.x)
            else (target, source)
        )
        arrow_end = target if arc.directed else None
        if first.line is not None and first.line == last.line:
            xa, xb = first.x, last.x
            if abs(xb - xa) < MIN_RUN:
                # Nested or neighbouring spans: legs apart (each inside its own box), so the
                # arc reads as one and not as a tick.
                mid = (xa + xb) / 2
                xa = min(xa, max(mid - MIN_RUN / 2, first.x - first.half_width))
                xb = max(xb, min(mid + MIN_RUN / 2, last.x + last.half_width))
            x1, x2 = sorted((xa, xb))
            arrow = None if arrow_end is None else (xa if arrow_end is first else xb)
            runs.setdefault(first.line, []).append((x1, x2, arc.relation_id, True, True, arrow))
            continue
        if first.line in margins:
            right = max(margins[first.line][1] - MARGIN, first.x)
            arrow = first.x if arrow_end is first else None
            runs.setdefault(first.line, []).append(
                (first.x, right, arc.relation_id, True, False, arrow)
            )
        if last.line in margins:
            left = min(margins[last.line][0] + MARGIN, last.x)
            arrow = last.x if arrow_end is last else None
            runs.setdefault(last.line, []).append(
                (left, last.x, arc.relation_id, False, True, arrow)
            )
    pieces: list[ArcPiece] = []
    needed: dict[Hashable, int] = {}
    for line, line_runs in runs.items():
        _spread_legs(line, line_runs, widths)
        # Narrow arcs first: an arc over others then lands above them, as in brat.
        line_runs.sort(key=lambda r: (r[1] - r[0], r[0], r[2]))
        levels: list[list[tuple[float, float]]] = []
        for x1, x2, relation_id, leg_left, leg_right, arrow in line_runs:
            level = 0
            while level < len(levels) and any(
                x1 < b + ARC_GAP and a < x2 + ARC_GAP for a, b in levels[level]
            ):
                level += 1
            if level == len(levels):
                levels.append([])
            levels[level].append((x1, x2))
            pieces.append(ArcPiece(relation_id, line, x1, x2, level, leg_left, leg_right, arrow))
        needed[line] = len(levels)
    return pieces, needed


class RelationSet:
    """The relations shown in the view, by id and by the spans they join."""

    __slots__ = ("_by_id", "_by_span", "_types")

    def __init__(self) -> None:
        self._by_id: dict[int, RelationRecord] = {}
        self._by_span: dict[int, set[int]] = {}
        self._types: dict[int, RelationTypeRecord] = {}

    def reset(self, relations: Iterable[RelationRecord]) -> None:
        self._by_id = {}
        self._by_span = {}
        for relation in relations:
            self.add(relation)

    def set_types(self, types: Iterable[RelationTypeRecord]) -> None:
        self._types = {t.id: t for t in types}

    def types(self) -> list[RelationTypeRecord]:
        return sorted(self._types.values(), key=lambda t: (t.position, t.id))

    def type_of(self, relation: RelationRecord) -> RelationTypeRecord | None:
        return self._types.get(relation.type_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, relation_id: object) -> bool:
        return relation_id in self._by_id

    def get(self, relation_id: int) -> RelationRecord | None:
        return self._by_id.get(relation_id)

    def add(self, relation: RelationRecord) -> None:
        self.remove(relation.id)
        self._by_id[relation.id] = relation
        self._by_span.setdefault(relation.source_id, set()).add(relation.id)
        self._by_span.setdefault(relation.target_id, set()).add(relation.id)

    def remove(self, relation_id: int) -> RelationRecord | None:
        relation = self._by_id.pop(relation_id, None)
        if relation is not None:
            for span_id in (relation.source_id, relation.target_id):
                ids = self._by_span.get(span_id)
                if ids is not None:
                    ids.discard(relation_id)
                    if not ids:
                        del self._by_span[span_id]
        return relation

    def has_span(self, span_id: int) -> bool:
        return span_id in self._by_span

    def of_spans(self, span_ids: Iterable[int]) -> list[RelationRecord]:
        """Relations with an end among span_ids, each once, by id."""
        found: set[int] = set()
        by_span = self._by_span
        for span_id in span_ids:
            ids = by_span.get(span_id)
            if ids:
                found |= ids
        by_id = self._by_id
        return [by_id[i] for i in sorted(found)]


class LineRoom(QSyntaxHighlighter):
    """Makes room above the lines that carry arcs, without touching the text.

    QPlainTextEdit's layout ignores block margins and line heights, but a line is as tall as
    the tallest font in it: one space of the line gets a larger font (and a negative letter
    spacing that gives it back its usual width, so no line wraps differently). Only the
    layout's extra formats change; the document's text and its undo history are untouched.
    """

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        # block number → ((UTF-16 index in the block of the space to raise, room in px), …)
        self._room: dict[int, tuple[tuple[int, float], ...]] = {}
        self._formats: dict[float, QTextCharFormat] = {}
        self._font = QFont()

    def set_font(self, font: QFont) -> None:
        self._font = QFont(font)
        self._formats = {}

    def room_of(self, block_number: int) -> tuple[tuple[int, float], ...]:
        return self._room.get(block_number, ())

    def set_room(self, block_number: int, room: Sequence[tuple[int, float]]) -> bool:
        """Ask for room at these places of a block; True when the block is laid out again."""
        wanted = tuple(sorted(room))
        if self._room.get(block_number, ()) == wanted:
            return False
        if wanted:
            self._room[block_number] = wanted
        else:
            self._room.pop(block_number, None)
        block = self.document().findBlockByNumber(block_number) if self.document() else None
        if block is not None and block.isValid():
            self.rehighlightBlock(block)
        return True

    def clear(self) -> None:
        self._room = {}

    def highlightBlock(self, text: str) -> None:
        room = self._room.get(self.currentBlock().blockNumber())
        if room:
            for position, pixels in room:
                self.setFormat(position, 1, self._format(pixels))

    def _format(self, pixels: float) -> QTextCharFormat:
        found = self._formats.get(pixels)
        if found is None:
            base = QFontMetricsF(self._font)
            big = QFont(self._font)
            size = self._font.pointSizeF()
            if size > 0:
                big.setPointSizeF(size * (base.ascent() + pixels) / max(base.ascent(), 1.0))
            else:
                pixel_size = self._font.pixelSize()
                big.setPixelSize(round(pixel_size * (base.ascent() + pixels) / base.ascent()))
            wide = QFontMetricsF(big).horizontalAdvance(" ")
            found = QTextCharFormat()
            found.setFont(big)
            found.setFontLetterSpacingType(QFont.SpacingType.AbsoluteSpacing)
            found.setFontLetterSpacing(base.horizontalAdvance(" ") - wide)
            self._formats[pixels] = found
        return found


def _spread_legs(
    line: Hashable,
    runs: list[tuple[float, float, int, bool, bool, float | None]],
    widths: dict[tuple[Hashable, float], float],
) -> None:
    """Give the arcs meeting at one span legs side by side within its box, ordered so that they
    do not cross: those coming from the left first (the nearest leftmost), then those leaving
    to the right (the farthest leftmost)."""
    legs: dict[float, list[tuple[int, bool]]] = {}
    for i, (x1, x2, _, leg_left, leg_right, _) in enumerate(runs):
        if leg_left:
            legs.setdefault(x1, []).append((i, True))
        if leg_right:
            legs.setdefault(x2, []).append((i, False))
    for x, meeting in legs.items():
        if len(meeting) < 2:
            continue
        width = lambda item: runs[item[0]][1] - runs[item[0]][0]  # noqa: E731
        arriving = sorted((m for m in meeting if not m[1]), key=width)
        leaving = sorted((m for m in meeting if m[1]), key=width, reverse=True)
        ordered = arriving + leaving
        room = 2 * widths.get((line, x), 0.0)
        step = min(LEG_SPACING, room / len(ordered)) if room > 0 else 0.0
        for k, (i, is_left) in enumerate(ordered):
            moved = x + (k - (len(ordered) - 1) / 2) * step
            x1, x2, relation_id, leg_left, leg_right, arrow = runs[i]
            if arrow == x and ((is_left and x1 == x) or (not is_left and x2 == x)):
                arrow = moved
            if is_left:
                x1 = moved
            else:
                x2 = moved
            runs[i] = (x1, x2, relation_id, leg_left, leg_right, arrow)
