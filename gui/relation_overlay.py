"""The relation arcs of a DocumentView: worked out for the lines on screen, painted above them,
hit by clicks, and the room they need above each line."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPolygonF,
)

from claimdesk.core.records import RelationRecord, RelationTypeRecord
from claimdesk.gui.relation_layer import (
    ArcEnd,
    ArcInput,
    ArcPiece,
    LineRoom,
    RelationSet,
    arc_pieces,
)

if TYPE_CHECKING:
    from claimdesk.gui.document_view import DocumentView

LABEL_SCALE = 0.8  # arc labels in a font this much smaller than the text's
ARROW = 6.0  # arrowhead length, px
RADIUS = 3.0  # rounded corners where a leg meets its run
DEFAULT_ARC_COLOUR = "#7f7f7f"


# block number → (its position, [(line start, line end, levels its arcs need)])
_Needs = dict[int, tuple[int, list[tuple[int, int, int]]]]


@dataclass(frozen=True, slots=True)
class LineGeometry:
    """One visual line on screen: where its text starts, how far arcs may run."""

    text_top: float
    left: float
    right: float


@dataclass(frozen=True, slots=True)
class DrawnArc:
    """An arc piece as painted, in viewport coordinates (for tests and hit tests)."""

    piece: ArcPiece
    y: float  # the run's height
    text_top: float  # where the legs end (the top of the line's text)
    label_rect: QRectF | None
    label: str

    @property
    def relation_id(self) -> int:
        return self.piece.relation_id

    def hit(self, point: QPointF, slack: float = 4.0) -> bool:
        x1, x2 = self.piece.x1, self.piece.x2
        if x1 - slack <= point.x() <= x2 + slack and abs(point.y() - self.y) <= slack:
            return True
        if self.label_rect is not None and self.label_rect.contains(point):
            return True
        legs = [x for x, has in ((x1, self.piece.leg_left), (x2, self.piece.leg_right)) if has]
        return any(
            abs(point.x() - x) <= slack and self.y <= point.y() <= self.text_top for x in legs
        )


class RelationOverlay:
    """Arcs for one view: the relations shown, the selected one, and the target being chosen."""

    def __init__(self, view: DocumentView) -> None:
        self.view = view
        self.relations = RelationSet()
        self.selected: int | None = None
        self.targets: frozenset[int] = frozenset()  # spans offered as targets while linking
        self.current_target: int | None = None
        self.link_source: int | None = None
        self.pointer: QPointF | None = None  # the mouse while dragging a new relation
        self._room: LineRoom | None = None
        # The arcs make_room worked out for the area about to be painted, when no line moved.
        self._prepared: tuple[QRect, list[DrawnArc]] | None = None
        self._labels: dict[tuple[str, int], tuple[str, float]] = {}  # elided, with its width

    # --- content --------------------------------------------------------------------------------

    def forget_document(self) -> None:
        """Before the view's text changes: no arcs, no room, no highlighter to run on it."""
        self.relations.reset(())
        self.selected = None
        self.end_linking()
        if self._room is not None:
            self._room.clear()
            self._room.setDocument(None)

    def set_relations(
        self, relations: Iterable[RelationRecord], types: Iterable[RelationTypeRecord]
    ) -> None:
        self.relations.set_types(types)
        self.relations.reset(relations)
        if self.selected not in self.relations:
            self.selected = None
        self.view.viewport().update()

    def set_types(self, types: Iterable[RelationTypeRecord]) -> None:
        self.relations.set_types(types)
        self._labels = {}
        self.view.viewport().update()

    def font_changed(self) -> None:
        self._labels = {}
        if self._room is not None:
            self._room.set_font(self.view.font())
            room, self._room = self._room, None
            room.clear()
            room.setDocument(None)
            room.deleteLater()

    def end_linking(self) -> None:
        self.targets = frozenset()
        self.current_target = self.link_source = None
        self.pointer = None

    # --- geometry -------------------------------------------------------------------------------

    def level_height(self) -> float:
        return QFontMetricsF(self.label_font()).height() + 1

    def label_font(self) -> QFont:
        font = QFont(self.view.font())
        size = font.pointSizeF()
        if size > 0:
            font.setPointSizeF(max(6.0, size * LABEL_SCALE))
        return font

    def arcs(self, area: QRect) -> list[DrawnArc]:
        """The arc pieces on the lines inside ``area`` (viewport coordinates)."""
        pieces, geometry, _ = self._layout(area)
        return self._draw(pieces, geometry)

    def make_room(self, area: QRect) -> bool:
        """Give the lines in area the room their arcs need; True when lines moved."""
        self._prepared = None
        if not len(self.relations):
            return False
        pieces, geometry, needs = self._layout(area)
        if not needs:
            return False
        room = self._room
        if room is None:
            room = self._room = LineRoom(self.view.document())
            room.set_font(self.view.font())
        elif room.document() is None:
            room.setDocument(self.view.document())
        changed = False
        text = self.view.document_text()
        offsets = self.view.offsets
        level = self.level_height()
        for block_number, (position, lines) in needs.items():
            spots: list[tuple[int, float]] = []
            ranges = [(start, end) for start, end, _ in lines]
            for spot, pixels in room.room_of(block_number):
                if not any(start <= spot < end for start, end in ranges):
                    spots.append((spot, pixels))  # a line not looked at now keeps its room
            for start, end, levels in lines:
                if levels <= 0:
                    continue
                cp_start, cp_end = offsets.to_cp_range(position + start, position + end)
                space = text.find(" ", cp_start, cp_end)
                if space < 0:
                    continue  # no space to raise on this line: its arcs get no room
                spots.append((offsets.to_qt(space) - position, round(levels * level + 3)))
            changed |= room.set_room(block_number, spots)
        if not changed:  # the arcs just worked out are the ones to paint
            self._prepared = (QRect(area), self._draw(pieces, geometry))
        return changed

    def _layout(self, area: QRect) -> tuple[list[ArcPiece], dict[Hashable, LineGeometry], _Needs]:
        """The arc pieces on the lines in area, those lines' geometry, and the levels each of
        them needs (by block: its position, then each line's start, end and levels)."""
        view = self.view
        visible = list(view.visible_lines(area))
        if not visible or not len(self.relations):
            return [], {}, {}
        width = view.viewport().width()
        geometry: dict[Hashable, LineGeometry] = {}
        margins: dict[Hashable, tuple[float, float]] = {}
        span_ids: list[int] = []
        ends: dict[int, ArcEnd] = {}  # where arcs meet the spans that start on screen
        linked = self.relations.has_span
        for lines in visible:
            left = lines.origin.x()
            for number, top in zip(lines.numbers, lines.text_tops, strict=True):
                key = (lines.block_number, number)
                geometry[key] = LineGeometry(top, left, width - left)
                margins[key] = (left, width - left)
            for span, start, end in view.spans_between(lines.first, lines.last):
                if not linked(span.id):
                    continue
                span_ids.append(span.id)
                found = lines.box(start, end) if lines.first <= start <= lines.last else None
                if found is not None:
                    number, x1, x2 = found
                    key = (lines.block_number, number)
                    ends[span.id] = ArcEnd(key, (x1 + x2) / 2, span.start, (x2 - x1) / 2)
        arcs: list[ArcInput] = []
        types = self.relations
        for relation in self.relations.of_spans(span_ids):
            source = ends.get(relation.source_id) or self._elsewhere(relation.source_id)
            target = ends.get(relation.target_id) or self._elsewhere(relation.target_id)
            if source is None or target is None:
                continue
            kind = types.type_of(relation)
            arcs.append(ArcInput(relation.id, source, target, kind.directed if kind else True))
        pieces, needed = arc_pieces(arcs, margins)
        needs: _Needs = {}
        for lines in visible:
            needs[lines.block_number] = (
                lines.position,
                [
                    (start, end, needed.get((lines.block_number, number), 0))
                    for number, start, end in zip(
                        lines.numbers, lines.starts, lines.ends, strict=True
                    )
                ],
            )
        return pieces, geometry, needs

    def _draw(
        self, pieces: list[ArcPiece], geometry: dict[Hashable, LineGeometry]
    ) -> list[DrawnArc]:
        """Where each piece is drawn, with its label elided to the room it has."""
        types = self.relations
        level = self.level_height()
        metrics = QFontMetricsF(self.label_font())
        labels = self._labels
        drawn: list[DrawnArc] = []
        for piece in pieces:
            line = geometry[piece.line]
            y = line.text_top - (piece.level + 0.5) * level - 1
            shown = self.relations.get(piece.relation_id)
            kind = types.type_of(shown) if shown is not None else None
            name = kind.name if kind is not None else "?"
            room = int(piece.x2 - piece.x1 - 2 * RADIUS - 4)
            found = labels.get((name, room))
            if found is None:
                label = metrics.elidedText(name, Qt.TextElideMode.ElideRight, room)
                if room <= 0 or label in ("", "\u2026"):
                    label = ""
                found = labels[(name, room)] = (label, metrics.horizontalAdvance(label) + 4)
            label, w = found
            rect = None
            if label:
                cx = (piece.x1 + piece.x2) / 2
                rect = QRectF(cx - w / 2, y - metrics.height() / 2, w, metrics.height())
            drawn.append(DrawnArc(piece, y, line.text_top, rect, label))
        return drawn

    def _elsewhere(self, span_id: int) -> ArcEnd | None:
        """The end of an arc at a span that does not start on screen (None: not shown)."""
        span = self.view.span(span_id)
        return ArcEnd(None, 0.0, span.start) if span is not None else None

    def relation_at(self, point: QPointF) -> int | None:
        area = QRect(0, int(point.y()) - 2, max(1, self.view.viewport().width()), 5)
        hits = [arc for arc in self.arcs(area) if arc.hit(point)]
        hits.sort(key=lambda arc: (arc.piece.level, arc.piece.x2 - arc.piece.x1))
        return hits[0].relation_id if hits else None

    def tooltip(self, point: QPointF) -> str:
        """'supports: “…” → “…”' for the arc at a viewport point ("" where there is none)."""
        relation = self.relations.get(self.relation_at(point) or 0)
        if relation is None:
            return ""
        kind = self.relations.type_of(relation)
        source, target = self.view.span(relation.source_id), self.view.span(relation.target_id)
        if source is None or target is None:
            return ""
        text = self.view.document_text()
        quotes = [" ".join(text[s.start : s.end].split()) for s in (source, target)]
        quotes = [q if len(q) <= 60 else q[:59] + "\u2026" for q in quotes]
        arrow = "\u2192" if kind is None or kind.directed else "\u2014"
        name = kind.name if kind is not None else "?"
        return f"{name}: \u201c{quotes[0]}\u201d {arrow} \u201c{quotes[1]}\u201d"

    # --- painting -------------------------------------------------------------------------------

    def paint(self, painter: QPainter, area: QRect) -> None:
        palette = self.view.palette()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setFont(self.label_font())
        if self.targets or self.link_source is not None:
            self._paint_linking(painter, palette)
        if not len(self.relations):
            return
        text_colour = palette.color(QPalette.ColorRole.Text)
        base_colour = palette.color(QPalette.ColorRole.Base)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        highlighted_text = palette.color(QPalette.ColorRole.HighlightedText)
        prepared, self._prepared = self._prepared, None
        drawn = prepared[1] if prepared is not None and prepared[0] == area else self.arcs(area)
        for arc in drawn:
            relation = self.relations.get(arc.relation_id)
            kind = self.relations.type_of(relation) if relation is not None else None
            colour = QColor(kind.colour if kind is not None else DEFAULT_ARC_COLOUR)
            if not colour.isValid():
                colour = QColor(DEFAULT_ARC_COLOUR)
            chosen = arc.relation_id == self.selected
            painter.setPen(QPen(colour, 3.0 if chosen else 1.4))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(_arc_path(arc))
            if arc.piece.arrow is not None:
                x, top = arc.piece.arrow, arc.text_top
                painter.setBrush(colour)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.drawPolygon(
                    QPolygonF(
                        [
                            QPointF(x - 3.5, top - ARROW),
                            QPointF(x + 3.5, top - ARROW),
                            QPointF(x, top),
                        ]
                    )
                )
            if arc.label_rect is not None:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(highlight if chosen else base_colour)
                painter.drawRoundedRect(arc.label_rect, 2, 2)
                painter.setPen(highlighted_text if chosen else text_colour)
                painter.drawText(arc.label_rect, Qt.AlignmentFlag.AlignCenter, arc.label)

    def _paint_linking(self, painter: QPainter, palette: QPalette) -> None:
        view = self.view
        painter.setBrush(Qt.BrushStyle.NoBrush)
        frame = palette.color(QPalette.ColorRole.Text)
        for span_id in self.targets:
            if span_id == self.current_target:
                continue
            painter.setPen(QPen(frame, 1.0, Qt.PenStyle.DotLine))
            for rect in view.span_rects(span_id):
                painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
        source_rects = view.span_rects(self.link_source) if self.link_source is not None else []
        end: QPointF | None = self.pointer
        if self.current_target is not None:
            rects = view.span_rects(self.current_target)
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 3.0))
            for rect in rects:
                painter.drawRect(rect.adjusted(1.5, 1.5, -1.5, -1.5))
            if rects:
                end = QPointF(rects[0].center().x(), rects[0].top())
        if source_rects and end is not None:
            start = QPointF(source_rects[0].center().x(), source_rects[0].top())
            painter.setPen(
                QPen(palette.color(QPalette.ColorRole.Highlight), 2.0, Qt.PenStyle.DashLine)
            )
            painter.drawLine(start, end)


def _arc_path(arc: DrawnArc) -> QPainterPath:
    piece, y, top = arc.piece, arc.y, arc.text_top
    path = QPainterPath()
    if piece.leg_left:
        path.moveTo(piece.x1, top)
        path.lineTo(piece.x1, y + RADIUS)
        path.quadTo(piece.x1, y, piece.x1 + RADIUS, y)
    else:
        path.moveTo(piece.x1, y)
    if piece.leg_right:
        path.lineTo(piece.x2 - RADIUS, y)
        path.quadTo(piece.x2, y, piece.x2, y + RADIUS)
        path.lineTo(piece.x2, top - (ARROW if piece.arrow == piece.x2 else 0))
    else:
        path.lineTo(piece.x2, y)
    return path
