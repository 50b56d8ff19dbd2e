"""Relations drawn as arcs: the geometry of overlapping arcs and arcs across lines, the room
above the lines that carry them, clicks on arcs, and what an edit's changes redraw."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from claimdesk.core.records import Changes, RelationRecord, RelationTypeRecord
from claimdesk.core.text.spans import Span
from claimdesk.gui.change_signal import ChangeEvent, Shown
from claimdesk.gui.document_view import DocumentView
from claimdesk.gui.relation_layer import ArcEnd, ArcInput, arc_pieces
from claimdesk.gui.theme import apply_theme

ARTICLE = (
    "BEHIND the walls of the gigantic Soviet Embassy compound in Beijing, workers are busily "
    "building new apartment blocks at what is already the Soviet Union's largest mission in "
    "the world.\n\nAs Sino-Soviet relations move rapidly toward full normalization, Deng's "
    "China looks north, and Western diplomats say the summit is near."
)
SAID = RelationTypeRecord(1, "attributed to", "#7f7f7f", directed=True)
SUPPORTS = RelationTypeRecord(2, "supports", "#2ca02c", directed=True)
LINKED = RelationTypeRecord(3, "linked with", "#d62728", directed=False)
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _span(fragment: str, span_id: int, label: int = 0) -> Span:
    start = ARTICLE.index(fragment)
    return Span(span_id, start, start + len(fragment), label)


SPANS = [
    _span("Soviet Embassy", 1),
    _span("workers", 2, 1),
    _span("apartment blocks", 3),
    _span("Sino-Soviet relations", 4),
    _span("Western diplomats", 5, 1),
]


def _relation(
    relation_id: int, kind: RelationTypeRecord, source: int, target: int
) -> RelationRecord:
    return RelationRecord(relation_id, 7, 3, kind.id, source, target)


# --- the geometry, without Qt ------------------------------------------------------------------


def test_overlapping_arcs_on_one_line_take_levels_narrow_first() -> None:
    line = ("block", 0)
    arcs = [
        ArcInput(1, ArcEnd(line, 300, 30), ArcEnd(line, 100, 10)),  # wide: over the others
        ArcInput(2, ArcEnd(line, 100, 10), ArcEnd(line, 150, 15)),  # narrow, nested inside 1
        ArcInput(3, ArcEnd(line, 200, 20), ArcEnd(line, 260, 26), directed=False),
        ArcInput(4, ArcEnd(line, 400, 40), ArcEnd(line, 500, 50)),  # apart: level 0 again
    ]
    pieces, needed = arc_pieces(arcs, {line: (0, 600)})
    by_id = {p.relation_id: p for p in pieces}
    assert (by_id[2].level, by_id[3].level, by_id[4].level) == (0, 0, 0)
    assert by_id[1].level == 1
    assert needed == {line: 2}
    # Both legs reach their spans; the arrow points at the target, and an undirected arc has none.
    assert (by_id[1].x1, by_id[1].x2, by_id[1].arrow) == (100, 300, 100)
    assert by_id[1].leg_left and by_id[1].leg_right
    assert by_id[3].arrow is None


def test_arcs_sharing_a_span_or_crossing_never_share_a_level() -> None:
    line = 0
    arcs = [
        ArcInput(1, ArcEnd(line, 100, 1), ArcEnd(line, 200, 2)),
        ArcInput(2, ArcEnd(line, 200, 2), ArcEnd(line, 300, 3)),  # touches 1 at the shared span
        ArcInput(3, ArcEnd(line, 150, 4), ArcEnd(line, 260, 5)),  # crosses both
    ]
    pieces, needed = arc_pieces(arcs, {line: (0, 400)})
    levels = {p.relation_id: p.level for p in pieces}
    assert len(set(levels.values())) == 3
    assert needed[line] == 3


def test_arcs_meeting_at_one_span_get_legs_side_by_side_without_crossing() -> None:
    line = 0
    shared = ArcEnd(line, 300, 30, half_width=40)  # a 80 px wide box, centre 300
    arcs = [
        ArcInput(1, ArcEnd(line, 100, 10), shared),  # far, from the left: arrives above
        ArcInput(2, ArcEnd(line, 200, 20), shared),  # near, from the left
        ArcInput(3, shared, ArcEnd(line, 500, 50)),  # leaving to the right
    ]
    pieces, _ = arc_pieces(arcs, {line: (0, 600)})
    by_id = {p.relation_id: p for p in pieces}
    legs = {1: by_id[1].x2, 2: by_id[2].x2, 3: by_id[3].x1}
    assert len(set(legs.values())) == 3 and all(260 <= x <= 340 for x in legs.values())
    # The nearer arc from the left lands left of the farther (higher) one, and arrows follow.
    assert legs[2] < legs[1] < legs[3]
    assert by_id[1].level > by_id[2].level
    assert (by_id[1].arrow, by_id[2].arrow) == (legs[1], legs[2])


def test_an_arc_between_nested_spans_keeps_its_legs_apart_inside_their_boxes() -> None:
    line = 0
    outer = ArcEnd(line, 200, 10, half_width=100)  # a long claim…
    inner = ArcEnd(line, 203, 60, half_width=30)  # …and a phrase in its middle
    (piece,), _ = arc_pieces([ArcInput(1, inner, outer)], {line: (0, 600)})
    assert piece.x2 - piece.x1 >= 24
    assert 100 <= piece.x1 <= 300 and 173 <= piece.x2 <= 233
    assert piece.arrow == piece.x1  # the target (outer) starts first: its leg is the left one
    tight = ArcEnd(line, 200, 80, half_width=2)  # a box too narrow to move in
    (piece,), _ = arc_pieces([ArcInput(2, ArcEnd(line, 198, 70, 2), tight)], {line: (0, 600)})
    assert (piece.x1, piece.x2) == (196, 202)


def test_an_arc_across_lines_leaves_to_the_margin_and_comes_back() -> None:
    upper, lower = (0, 0), (0, 2)
    arcs = [ArcInput(9, ArcEnd(lower, 80, 500), ArcEnd(upper, 250, 40))]  # target first in text
    pieces, needed = arc_pieces(arcs, {upper: (4, 600), lower: (4, 600)})
    first, second = sorted(pieces, key=lambda p: p.line)
    # From the earlier end out to the right margin, then in from the left margin to the later.
    assert first.line == upper and (first.x1, first.x2) == (250, 596)
    assert first.leg_left and not first.leg_right and first.arrow == 250
    assert second.line == lower and (second.x1, second.x2) == (8, 80)
    assert second.leg_right and not second.leg_left and second.arrow is None
    assert needed == {upper: 1, lower: 1}


def test_an_arc_whose_other_end_is_off_screen_is_drawn_half() -> None:
    shown = (3, 1)
    arcs = [ArcInput(5, ArcEnd(None, 0, 10), ArcEnd(shown, 120, 900))]
    pieces, _ = arc_pieces(arcs, {shown: (4, 500)})
    assert [(p.line, p.x1, p.x2, p.arrow) for p in pieces] == [(shown, 8, 120, 120)]


# --- in the view ----------------------------------------------------------------------------------


@pytest.fixture
def view(qtbot: QtBot) -> DocumentView:
    widget = DocumentView()
    qtbot.addWidget(widget)
    widget.set_label_colours({0: "#e69f00", 1: "#0072b2"})
    widget.resize(560, 360)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_document(ARTICLE, SPANS, Shown(7, 3))
    return widget


def _settle(qtbot: QtBot, view: DocumentView) -> None:
    view.viewport().repaint()
    qtbot.wait(20)
    view.viewport().repaint()


def test_lines_with_arcs_get_room_above_and_the_others_do_not(
    view: DocumentView, qtbot: QtBot
) -> None:
    before = {s.id: view.span_rects(s.id)[0] for s in SPANS}
    view.set_relations([_relation(1, SAID, 2, 1)], [SAID, SUPPORTS])
    _settle(qtbot, view)
    after = {s.id: view.span_rects(s.id)[0] for s in SPANS}
    # The line of "Soviet Embassy" and "workers" moved down by the room of one arc level...
    moved = after[1].top() - before[1].top()
    assert moved >= view.arcs.level_height()
    # ...its highlights keep the text's height (the room is not highlighted)...
    assert after[1].height() == pytest.approx(before[1].height(), abs=1)
    # ...and the arc sits in that room, from the source's box to the target's.
    (arc,) = view.arcs.arcs(view.viewport().rect())
    assert after[1].top() - moved - 1 <= arc.y < after[1].top()
    assert (arc.piece.x1, arc.piece.x2) == pytest.approx(
        (after[1].center().x(), after[2].center().x()), abs=1
    )
    assert arc.piece.arrow == pytest.approx(after[1].center().x(), abs=1)
    assert arc.label == "attributed to"
    # The first line, with no arc, did not grow.
    assert view.blockBoundingGeometry(view.document().firstBlock()).height() > 0
    assert after[4].top() - after[3].top() == pytest.approx(
        before[4].top() - before[3].top(), abs=1
    )


def test_an_arc_across_paragraphs_is_drawn_on_both_lines(view: DocumentView, qtbot: QtBot) -> None:
    view.set_relations([_relation(1, SUPPORTS, 4, 3)], [SUPPORTS])
    _settle(qtbot, view)
    arcs = sorted(view.arcs.arcs(view.viewport().rect()), key=lambda a: a.y)
    assert len(arcs) == 2
    upper, lower = arcs
    target = view.span_rects(3)[0]
    source = view.span_rects(4)[0]
    assert upper.piece.leg_left and not upper.piece.leg_right  # out to the right margin
    assert upper.piece.x2 > target.right() and upper.piece.arrow == pytest.approx(
        target.center().x(), abs=1
    )
    assert lower.piece.leg_right and not lower.piece.leg_left  # in from the left margin
    assert lower.piece.x1 < source.left()
    assert upper.text_top <= target.top() + 1 and lower.text_top <= source.top() + 1


def test_a_short_arc_elides_its_type_name(view: DocumentView, qtbot: QtBot) -> None:
    long = RelationTypeRecord(4, "is a much longer relation name than fits", "#1f77b4")
    view.set_relations([_relation(1, long, 2, 3)], [long])
    _settle(qtbot, view)
    labels = [a.label for a in view.arcs.arcs(view.viewport().rect()) if a.label]
    assert labels and all(label != long.name for label in labels)
    assert any(label.endswith("\u2026") for label in labels)


def test_clicking_an_arc_selects_it_and_delete_asks_to_remove_it(
    view: DocumentView, qtbot: QtBot
) -> None:
    view.set_relations([_relation(1, SAID, 2, 1), _relation(2, LINKED, 1, 3)], [SAID, LINKED])
    _settle(qtbot, view)
    arc = next(a for a in view.arcs.arcs(view.viewport().rect()) if a.relation_id == 2)
    point = QPointF((arc.piece.x1 + arc.piece.x2) / 2, arc.y).toPoint()
    with qtbot.waitSignal(view.relationClicked) as clicked:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert clicked.args == [2] and view.selected_relation_id == 2
    assert view.relation_at(QPointF(point)) == 2
    # Hovering tells the whole relation, however short the arc's label.
    assert view.arcs.tooltip(QPointF(point)) == (
        "linked with: \u201cSoviet Embassy\u201d \u2014 \u201capartment blocks\u201d"
    )
    assert view.arcs.tooltip(QPointF(2, 2)) == ""
    with qtbot.waitSignal(view.relationDeleteRequested) as asked:
        qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert asked.args == [2]
    # A click on plain text clears it; a click on a span selects the span instead.
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.span_rects(3)[0].center().toPoint()
    )
    assert view.selected_relation_id is None and view.selected_span_id == 3


def test_changes_add_and_remove_arcs_without_a_reload(view: DocumentView, qtbot: QtBot) -> None:
    view.set_relations([], [SAID, SUPPORTS])
    mine = _relation(5, SUPPORTS, 3, 4)
    someone_elses = RelationRecord(6, 7, 99, SUPPORTS.id, 1, 2)
    view.show_changes(ChangeEvent(Changes(relations_added=(mine, someone_elses)), None))
    _settle(qtbot, view)
    assert {a.relation_id for a in view.arcs.arcs(view.viewport().rect())} == {5}
    view.select_relation(5)
    view.show_changes(ChangeEvent(Changes(relations_removed=(mine,)), None))
    _settle(qtbot, view)
    assert view.arcs.arcs(view.viewport().rect()) == []
    assert view.selected_relation_id is None


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshot_of_arcs(view: DocumentView, qtbot: QtBot, theme: str, tmp_path: Path) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, theme)
    try:
        view.set_relations(
            [
                _relation(1, SAID, 2, 1),
                _relation(2, SUPPORTS, 3, 1),
                _relation(3, LINKED, 2, 3),
                _relation(4, SUPPORTS, 4, 3),
                _relation(5, SAID, 4, 5),
            ],
            [SAID, SUPPORTS, LINKED],
        )
        view.select_relation(2)
        _settle(qtbot, view)
        image = view.viewport().grab().toImage()
        image.save(str(tmp_path / f"arcs-{theme}.png"))
        palette = view.palette()
        for arc in view.arcs.arcs(view.viewport().rect()):
            if arc.label_rect is None:
                continue
            rect = arc.label_rect.toAlignedRect().adjusted(1, 1, -1, -1)
            seen = {
                image.pixelColor(x, y).name()
                for x in range(rect.left(), rect.right())
                for y in range(rect.top(), rect.bottom())
            }
            # A label is plain theme text on the theme's background (the selected one highlighted).
            chosen = arc.relation_id == 2
            back = QPalette.ColorRole.Highlight if chosen else QPalette.ColorRole.Base
            assert palette.color(back).name() in seen, (theme, arc.label)
        # The run of the selected arc is drawn in its type's colour.
        selected = next(a for a in view.arcs.arcs(view.viewport().rect()) if a.relation_id == 2)
        x = int(selected.piece.x1 + 2 * 3)
        column = {
            image.pixelColor(x, y).name() for y in range(int(selected.y) - 2, int(selected.y) + 3)
        }
        assert QColor(SUPPORTS.colour).name() in column
    finally:
        apply_theme(app, "light")


def test_room_follows_the_font_and_goes_with_the_document(view: DocumentView, qtbot: QtBot) -> None:
    plain = view.span_rects(1)[0].top()
    view.set_relations([_relation(1, SAID, 2, 1)], [SAID])
    _settle(qtbot, view)
    assert view.span_rects(1)[0].top() > plain
    view.set_font_point_size(18)
    _settle(qtbot, view)
    box = view.span_rects(1)[0]
    (arc,) = [a for a in view.arcs.arcs(view.viewport().rect()) if a.piece.arrow is not None]
    assert arc.text_top == pytest.approx(box.top(), abs=1)
    assert box.top() - arc.y >= view.arcs.level_height() / 2  # still room for the bigger label
    # Another document (or the same without relations): no arcs, and no room left behind.
    view.set_font_point_size(view.font().pointSizeF())
    view.set_document(ARTICLE, SPANS, Shown(7, 3))
    view.set_font_point_size(10)
    _settle(qtbot, view)
    lines = [view.blockBoundingGeometry(view.document().firstBlock()).height()]
    view.set_relations([_relation(1, SAID, 2, 1)], [SAID])
    _settle(qtbot, view)
    lines.append(view.blockBoundingGeometry(view.document().firstBlock()).height())
    view.set_document(ARTICLE, SPANS, Shown(7, 3))
    _settle(qtbot, view)
    lines.append(view.blockBoundingGeometry(view.document().firstBlock()).height())
    assert lines[1] > lines[0] == lines[2]
    assert view.arcs.arcs(view.viewport().rect()) == []
