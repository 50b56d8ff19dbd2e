"""Making a relation the way a user does: R on a selected highlight, the arrows, Enter, the type's
key; or Ctrl+drag from one highlight to another; Esc cancels; the status line says what to do."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from claimdesk.core.records import RelationRecord, RelationTypeRecord
from claimdesk.core.text.spans import Span
from claimdesk.gui.change_signal import Shown
from claimdesk.gui.document_view import DocumentView
from claimdesk.gui.relation_actions import RelationMaker, allowed_types

CLAIM, SOURCE, EVIDENCE = 0, 1, 2
TEXT = (
    "Western diplomats say the summit is near. Ta Kung Pao reports that troops have left "
    "the border. Analysts doubt it.\n\nMoscow says trade grew by half, and Beijing agrees."
)
SAID = RelationTypeRecord(1, "attributed to", "#7f7f7f", "", True, (CLAIM,), (SOURCE,), "a")
SUPPORTS = RelationTypeRecord(2, "supports", "#2ca02c", "", True, (EVIDENCE,), (CLAIM,), "s")
LINKED = RelationTypeRecord(3, "linked with", "#d62728", "", False, (SOURCE,), (SOURCE,), "l")
NAMES = {CLAIM: "Claim", SOURCE: "Source attribution", EVIDENCE: "Evidence"}


def _span(fragment: str, span_id: int, label: int) -> Span:
    start = TEXT.index(fragment)
    return Span(span_id, start, start + len(fragment), label)


SPANS = [
    _span("Western diplomats", 1, SOURCE),
    _span("the summit is near", 2, CLAIM),
    _span("Ta Kung Pao", 3, SOURCE),
    _span("troops have left the border", 4, CLAIM),
    _span("Analysts doubt it", 5, EVIDENCE),
    _span("Moscow", 6, SOURCE),
    _span("trade grew by half", 7, CLAIM),
]


class Maker:
    """The view, its relation maker, and what it made and said."""

    def __init__(self, view: DocumentView) -> None:
        self.view = view
        self.made: list[tuple[int, int, int]] = []
        self.said: list[str] = []
        self.maker = RelationMaker(
            view,
            lambda t, s, g: self.made.append((t, s, g)),
            self.said.append,
            NAMES.__getitem__,
        )


@pytest.fixture
def kit(qtbot: QtBot) -> Maker:
    view = DocumentView()
    qtbot.addWidget(view)
    view.set_label_colours({CLAIM: "#e69f00", SOURCE: "#7f7f7f", EVIDENCE: "#009e73"})
    view.resize(520, 320)
    view.show()
    qtbot.waitExposed(view)
    view.set_document(TEXT, SPANS, Shown(1, 1))
    view.set_relations([], [SAID, SUPPORTS, LINKED])
    view.setFocus()
    return Maker(view)


def _menu(view: DocumentView) -> QMenu:
    menus = [m for m in view.findChildren(QMenu) if m.isVisible()]
    assert len(menus) == 1
    return menus[0]


def test_allowed_types_follow_the_labels_at_each_end() -> None:
    types = [SAID, SUPPORTS, LINKED]
    assert allowed_types(types, CLAIM, SOURCE) == [SAID]
    assert allowed_types(types, SOURCE, CLAIM) == []  # directed: not the other way round
    assert allowed_types(types, EVIDENCE, CLAIM) == [SUPPORTS]
    assert allowed_types(types, SOURCE, SOURCE) == [LINKED]


def test_keyboard_r_arrows_enter_and_the_type_key(kit: Maker, qtbot: QtBot) -> None:
    view = kit.view
    view.select_span(4)  # "troops have left the border", a claim
    qtbot.keyClick(view, Qt.Key.Key_R)
    # Only spans some type may join a claim to are offered: the sources; the nearest first.
    assert kit.maker.linking
    assert view.arcs.targets == {1, 3, 6}
    assert view.arcs.current_target == 3
    assert "Enter" in kit.said[-1] and "Esc" in kit.said[-1]
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.arcs.current_target == 6  # the next source in the text
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.arcs.current_target == 1  # round to the first
    qtbot.keyClick(view, Qt.Key.Key_Left)
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert view.arcs.current_target == 3
    qtbot.keyClick(view, Qt.Key.Key_Down)  # the nearest source on a line below
    assert view.arcs.current_target == 6
    qtbot.keyClick(view, Qt.Key.Key_Up)  # back to the first line, nearest Moscow's left edge
    assert view.arcs.current_target == 1
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.arcs.current_target == 3
    qtbot.keyClick(view, Qt.Key.Key_Return)
    menu = _menu(view)
    assert [a.text() for a in menu.actions()] == ["attributed to\ta"]
    assert "key" in kit.said[-1]
    qtbot.keyClick(menu, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: not menu.isVisible())
    assert kit.made == [(SAID.id, 4, 3)]
    assert not kit.maker.linking and view.arcs.targets == frozenset()


def test_enter_in_the_type_list_chooses_the_highlighted_type(kit: Maker, qtbot: QtBot) -> None:
    view = kit.view
    view.select_span(5)  # evidence → a claim
    qtbot.keyClick(view, Qt.Key.Key_R)
    assert view.arcs.targets == {2, 4, 7}
    assert view.arcs.current_target == 4
    qtbot.keyClick(view, Qt.Key.Key_Return)
    menu = _menu(view)
    qtbot.keyClick(menu, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(kit.made))
    assert kit.made == [(SUPPORTS.id, 5, 4)]


def test_esc_cancels_while_picking_the_target_and_in_the_type_list(
    kit: Maker, qtbot: QtBot
) -> None:
    view = kit.view
    view.select_span(4)
    qtbot.keyClick(view, Qt.Key.Key_R)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert not kit.maker.linking and view.arcs.current_target is None
    assert kit.said[-1] == "No relation made."
    qtbot.keyClick(view, Qt.Key.Key_R)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    menu = _menu(view)
    qtbot.keyClick(menu, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: kit.said[-1] == "No relation made.")
    assert kit.made == [] and view.arcs.link_source is None
    # While a target is being picked, letter keys file nothing.
    labels: list[str] = []
    view.labelKeyPressed.connect(labels.append)
    qtbot.keyClick(view, Qt.Key.Key_R)
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert labels == []


def test_r_says_why_when_nothing_can_be_linked(kit: Maker, qtbot: QtBot) -> None:
    view = kit.view
    keys: list[str] = []
    view.labelKeyPressed.connect(keys.append)
    qtbot.keyClick(view, Qt.Key.Key_R)  # nothing selected: R is an ordinary key
    assert keys == ["r"] and not kit.maker.linking
    view.set_relations([], [SUPPORTS])
    view.select_span(1)  # a source: supports joins evidence to claims only
    qtbot.keyClick(view, Qt.Key.Key_R)
    assert not kit.maker.linking
    assert kit.said[-1].startswith("No highlight here can be linked to this Source attribution")


def test_ctrl_drag_from_one_span_to_another_offers_the_types(kit: Maker, qtbot: QtBot) -> None:
    view = kit.view
    viewport = view.viewport()
    start = view.span_rects(2)[0].center().toPoint()
    end = view.span_rects(1)[0].center().toPoint()
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, ctrl, start)
    qtbot.mouseMove(viewport, QPoint((start.x() + end.x()) // 2, end.y()))
    qtbot.mouseMove(viewport, end)
    assert view.arcs.link_source == 2 and view.arcs.current_target == 1
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, ctrl, end)
    assert not view.textCursor().hasSelection()  # the drag selected no text
    menu = _menu(view)
    qtbot.keyClick(menu, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: bool(kit.made))
    assert kit.made == [(SAID.id, 2, 1)]


def test_esc_during_a_ctrl_drag_lets_go(kit: Maker, qtbot: QtBot) -> None:
    view = kit.view
    viewport = view.viewport()
    start = view.span_rects(2)[0].center().toPoint()
    end = view.span_rects(1)[0].center().toPoint()
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, ctrl, start)
    qtbot.mouseMove(viewport, end)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert view.arcs.link_source is None and view.arcs.current_target is None
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, ctrl, end)
    assert not [m for m in view.findChildren(QMenu) if m.isVisible()]
    assert kit.made == []


def test_a_drag_between_labels_no_type_joins_says_so(kit: Maker, qtbot: QtBot) -> None:
    view = kit.view
    viewport = view.viewport()
    start = view.span_rects(1)[0].center().toPoint()  # a source…
    end = view.span_rects(2)[0].center().toPoint()  # …to a claim: no type goes that way
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, ctrl, start)
    qtbot.mouseMove(viewport, end)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, ctrl, end)
    assert not [m for m in view.findChildren(QMenu) if m.isVisible()]
    assert kit.said[-1] == (
        "No relation type links a Source attribution to a Claim: the codebook says which "
        "labels each relation type joins."
    )
    QApplication.processEvents()
    assert kit.made == []


def test_an_undirected_type_is_made_the_way_its_labels_allow(kit: Maker, qtbot: QtBot) -> None:
    one_way = RelationTypeRecord(4, "same event", "#1f77b4", "", False, (SOURCE,), (CLAIM,), "e")
    view = kit.view
    view.set_relations([], [one_way])
    view.select_span(2)  # a claim: "same event" is undirected, sources → claims
    qtbot.keyClick(view, Qt.Key.Key_R)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.keyClick(_menu(view), Qt.Key.Key_E)
    qtbot.waitUntil(lambda: bool(kit.made))
    source, target = kit.made[0][1:]
    assert view.span(source).label_id == SOURCE and target == 2  # type: ignore[union-attr]


def test_tab_goes_through_the_relations_of_the_selected_span(kit: Maker, qtbot: QtBot) -> None:
    view = kit.view
    claim_said = RelationRecord(10, 1, 1, SAID.id, 4, 3)
    evidence = RelationRecord(11, 1, 1, SUPPORTS.id, 5, 4)
    elsewhere = RelationRecord(12, 1, 1, SAID.id, 7, 6)
    view.set_relations([claim_said, evidence, elsewhere], [SAID, SUPPORTS, LINKED])
    view.select_span(4)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.selected_relation_id == 10 and view.selected_span_id is None
    assert kit.said[-1].startswith("Relation 1 of 2: attributed to \u201cTa Kung Pao\u201d")
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.selected_relation_id == 11
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.selected_relation_id == 10  # round again; never the other span's relation
    qtbot.keyClick(view, Qt.Key.Key_Backtab)
    assert view.selected_relation_id == 11
    deleted: list[int] = []
    view.relationDeleteRequested.connect(deleted.append)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert deleted == [11]
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert view.selected_relation_id is None and view.selected_span_id == 4
    # A span without relations: Tab is left to move the focus.
    view.select_span(2)
    assert not kit.maker.cycle(1)


def test_a_label_whose_key_is_r_keeps_it(qtbot: QtBot) -> None:
    view = DocumentView()
    qtbot.addWidget(view)
    view.set_document(TEXT, SPANS, Shown(1, 1))
    view.set_relations([], [SAID])
    maker = RelationMaker(view, lambda *_: None, lambda _: None, NAMES.__getitem__, lambda: True)
    keys: list[str] = []
    view.labelKeyPressed.connect(keys.append)
    view.select_span(4)
    qtbot.keyClick(view, Qt.Key.Key_R)
    assert keys == ["r"] and not maker.linking
