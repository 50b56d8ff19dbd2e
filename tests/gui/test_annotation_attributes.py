"""The annotation list's Attributes column: what was set and the links, updated in place."""

from __future__ import annotations

from datetime import UTC, datetime

from pytestqt.qtbot import QtBot

from claimdesk.core.records import (
    AnnotationRecord,
    AttributeValue,
    Changes,
    RelationRecord,
    SchemeRecords,
)
from claimdesk.core.text.spans import Span
from claimdesk.gui.annotation_list import AnnotationList, AnnotationTableModel
from claimdesk.gui.change_signal import ChangeEvent, Shown
from tests.gui.claim_scheme import ATTRIBUTED, CERTAINTY, CLAIM, SCHEME, SOURCE, STANCE

NOW = datetime(2026, 1, 1, tzinfo=UTC)
QUOTES = {1: "Western diplomats say", 2: "relations are warming fast"}


def record(annotation_id: int) -> AnnotationRecord:
    start = 0 if annotation_id == 1 else 30
    label = SOURCE.id if annotation_id == 1 else CLAIM.id
    quote = QUOTES[annotation_id]
    return AnnotationRecord(
        annotation_id, 4, label, 7, start, start + len(quote), quote, "", NOW, NOW
    )


def make_list(qtbot: QtBot) -> AnnotationList:
    view = AnnotationList()
    qtbot.addWidget(view)
    model = view.model_
    model.fetch = lambda ids: {i: record(i) for i in ids}
    model.set_labels([CLAIM, SOURCE])
    records = [record(1), record(2)]
    model.set_spans([Span(r.id, r.start, r.end, r.label_id) for r in records], Shown(4, 7))
    view.set_scheme(SCHEME)
    return view


def details(model: AnnotationTableModel, annotation_id: int) -> str:
    return str(model.index(model.row_of(annotation_id), model.DETAILS).data())


def test_attributes_and_links_show_and_follow_changes_without_a_reset(
    qtbot: QtBot, qtmodeltester: object
) -> None:
    view = make_list(qtbot)
    model = view.model_
    relation = RelationRecord(50, 4, 7, ATTRIBUTED.id, source_id=2, target_id=1)
    model.set_details({2: {STANCE.id: "negative"}}, [relation])
    assert not view.isColumnHidden(model.DETAILS)
    assert details(model, 2) == "negative · → Source attribution"
    assert details(model, 1) == "← Diplomatic normalisation"
    tip = str(model.index(model.row_of(2), model.DETAILS).data(3))  # ToolTipRole
    assert "Stance: negative<br>Certainty: asserted (default)<br>Check-worthy: no (default)" in tip
    assert "attributed to → Source attribution “Western diplomats say”" in tip
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    changes = Changes(
        attribute_values=(AttributeValue(2, 4, CERTAINTY.id, "hedged"),),
        relations_removed=(relation,),
    )
    with qtbot.waitSignal(model.dataChanged):
        model.show_changes(ChangeEvent(changes, None))
    assert details(model, 2) == "negative · hedged"
    assert details(model, 1) == ""
    undo = Changes(attribute_values=(AttributeValue(2, 4, STANCE.id, None),))
    model.show_changes(ChangeEvent(undo, None))
    assert details(model, 2) == "hedged"
    assert resets == []
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_the_column_hides_when_the_codebook_has_no_attributes(qtbot: QtBot) -> None:
    view = make_list(qtbot)
    view.set_scheme(SchemeRecords())
    assert view.isColumnHidden(AnnotationTableModel.DETAILS)
