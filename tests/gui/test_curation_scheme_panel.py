"""The curation view's rows beyond spans: the disagreement is shown, and Enter accepts the value
chosen (plain rows; the view's edits are tested with a project in test_curation_scheme)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from claimdesk.core.agreement.curation import Candidate
from claimdesk.core.agreement.curation_scheme import scheme_curation
from claimdesk.core.records import (
    AttributeRecord,
    DocLabelSetRecord,
    DocumentLabelRecord,
    RelationRecord,
    RelationTypeRecord,
    SchemeRecords,
)
from claimdesk.gui.curation_scheme import SchemePanel
from claimdesk.gui.theme import apply_theme
from tests.gui.readability import item_view_problems

STANCE = AttributeRecord(1, 10, "Stance", "choice", ("positive", "negative", "neutral"))
SAME = RelationTypeRecord(6, "supports", "#2ca02c")
TOPIC = DocLabelSetRecord(7, "Topic", True, ("Military", "Economy"))
C1 = Candidate(0, 10, 10, "Peking <b>says</b>", {1: 101, 2: 201}, {}, None, 2)
C2 = Candidate(20, 30, 10, "Moscow says", {1: 102, 2: 202}, {}, 902, 2)


def panel(qtbot: QtBot) -> SchemePanel:
    rows = scheme_curation(
        [C1, C2],
        [1, 2],
        9,
        SchemeRecords((STANCE,), (SAME,), (TOPIC,)),
        {101: {1: "positive"}, 201: {1: "negative"}},
        [RelationRecord(1, 1, 1, SAME.id, 101, 102)],
        [DocumentLabelRecord(1, 2, TOPIC.id, "Economy")],
    )
    widget = SchemePanel()
    qtbot.addWidget(widget)
    widget.set_rows(rows, {1: "Ana", 2: "Ben"})
    widget.resize(1100, 300)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_the_disagreement_rows_are_shown(qtbot: QtBot) -> None:
    widget = panel(qtbot)
    model = widget.model
    shown = [
        tuple(model.index(r, c).data() for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]
    assert shown == [
        (
            "Attribute",
            "“Peking <b>says</b>”",
            "Stance: Ana positive · Ben negative",
            "span not in gold",
        ),
        (
            "Relation",
            "“Peking <b>says</b>” → “Moscow says”",
            "supports: Ana (1 of 2)",
            "– (1 end not in gold)",
        ),
        ("Document label", "Topic", "Topic: Ana (none) · Ben Economy · gold (none)", "(none)"),
    ]
    assert widget.heading.text().startswith("Beyond the spans: 1 attribute in dispute · 1 relation")
    # The first row is chosen, its values offered with who gave them.
    items = [widget.value_box.itemText(i) for i in range(widget.value_box.count())]
    assert items == ["positive (Ana)", "negative (Ben)"]
    widget.grab().save("/tmp/grade16-scheme-panel.png")


def test_enter_accepts_the_value_chosen(qtbot: QtBot) -> None:
    widget = panel(qtbot)
    widget.value_box.setCurrentIndex(1)
    widget.table.setFocus()
    with qtbot.waitSignal(widget.acceptRequested) as blocker:
        qtbot.keyClick(widget.table, Qt.Key.Key_Return)
    row, value = blocker.args
    assert (row.attribute, value) == (STANCE, "negative")
    qtbot.keyClick(widget.table, Qt.Key.Key_Down)
    assert not widget.value_box.isEnabled()  # a relation has no value to choose
    with qtbot.waitSignal(widget.acceptRequested) as blocker:
        qtbot.keyClick(widget.table, Qt.Key.Key_Return)
    assert blocker.args[0].type == SAME and blocker.args[1] is None


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_rows_read_in_both_themes(qtbot: QtBot, theme: str) -> None:
    apply_theme(QApplication.instance(), theme)  # type: ignore[arg-type]
    try:
        widget = panel(qtbot)
        checked, problems = item_view_problems(widget.table)
        assert "Stance: Ana positive · Ben negative" in checked and problems == []
        widget.grab().save(f"/tmp/grade16-scheme-panel-{theme}.png")
    finally:
        apply_theme(QApplication.instance(), "light")  # type: ignore[arg-type]
