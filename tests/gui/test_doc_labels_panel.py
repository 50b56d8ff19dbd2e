"""The document labels panel: chips per set, D then a key, single sets exclusive."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from claimdesk.core.records import Changes, DocumentLabelRecord
from claimdesk.gui.change_signal import ChangeEvent, Shown
from claimdesk.gui.doc_labels_panel import DocLabelsPanel, panel_keys
from tests.gui.claim_scheme import OVERALL, SCHEME, TOPIC


def make_panel(qtbot: QtBot, stored: list[DocumentLabelRecord]) -> tuple[DocLabelsPanel, list]:
    panel = DocLabelsPanel()
    qtbot.addWidget(panel)
    panel.fetch = lambda document, annotator: [
        r for r in stored if (r.document_id, r.annotator_id) == (document, annotator)
    ]
    panel.set_sets(SCHEME.doc_label_sets)
    panel.set_document(Shown(1, 7))
    panel.show()
    asked: list[tuple[int, tuple[str, ...]]] = []
    panel.valuesChosen.connect(lambda set_id, values: asked.append((set_id, values)))
    return panel, asked


def checked(panel: DocLabelsPanel, row: int) -> list[str]:
    return [chip.text().split(" [")[0] for chip in panel.chips[row] if chip.isChecked()]


def test_shows_the_stored_labels_of_this_document_and_annotator(qtbot: QtBot) -> None:
    stored = [
        DocumentLabelRecord(1, 7, TOPIC.id, "Economy"),
        DocumentLabelRecord(1, 8, 31, "mixed"),
    ]
    panel, _ = make_panel(qtbot, stored)
    assert checked(panel, 0) == ["Economy"]
    assert checked(panel, 1) == []  # someone else's label of the document is not shown
    stored.append(DocumentLabelRecord(1, 7, OVERALL.id, "cooling"))
    panel.show_changes(ChangeEvent(Changes(document_labels=((1, 7),)), None))
    assert checked(panel, 1) == ["cooling"]


def test_d_then_a_choice_key_asks_for_it_and_hands_the_keys_back(qtbot: QtBot) -> None:
    panel, asked = make_panel(qtbot, [DocumentLabelRecord(1, 7, TOPIC.id, "Economy")])
    done: list[bool] = []
    panel.done.connect(lambda: done.append(True))
    panel.arm()
    assert [chip.text() for chip in panel.chips[0]] == [
        "Military [m]",
        "Economy [e]",
        "Diplomacy [d]",
    ]
    qtbot.keyClick(panel, "m")
    assert asked == [(TOPIC.id, ("Military", "Economy"))]  # several topics may be chosen
    assert done == [True] and not panel.armed
    panel.arm()
    qtbot.keyClick(panel, "c")  # "cooling": a key of the second set
    assert asked[-1] == (OVERALL.id, ("cooling",))


def test_single_choice_sets_are_exclusive_and_arrows_space_work(qtbot: QtBot) -> None:
    panel, asked = make_panel(qtbot, [DocumentLabelRecord(1, 7, OVERALL.id, "warming")])
    panel.arm()
    qtbot.keyClick(panel, Qt.Key.Key_Down)
    qtbot.keyClick(panel, Qt.Key.Key_Right)
    qtbot.keyClick(panel, Qt.Key.Key_Space)
    assert asked == [(OVERALL.id, ("cooling",))]  # warming goes: one overall stance
    panel.chips[1][0].click()  # clicking the chosen chip clears it
    assert asked[-1] == (OVERALL.id, ())
    assert checked(panel, 1) == ["warming"]  # shown as stored until the change comes back


def test_hidden_without_sets_and_keys_are_unique_across_the_panel(qtbot: QtBot) -> None:
    panel = DocLabelsPanel()
    qtbot.addWidget(panel)
    panel.set_sets([])
    panel.set_document(Shown(1, 7))
    assert panel.isHidden()
    keys = [k for row in panel_keys(SCHEME.doc_label_sets) for k in row]
    assert len(set(keys)) == len(keys) == 6


def test_opening_a_document_labelled_alike_repaints_no_chip(qtbot: QtBot) -> None:
    """Each open shows the new document's labels: chips that look as they did are not restyled
    and painted again (every chip was, on every document opened)."""
    from PySide6.QtCore import QEvent, QObject

    stored = [DocumentLabelRecord(d, 7, TOPIC.id, "Economy") for d in (1, 2)]
    panel, _ = make_panel(qtbot, stored)
    qtbot.waitExposed(panel)
    painted: list[str] = []

    class Painted(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                painted.append(watched.text())  # type: ignore[attr-defined]
            return False

    counter = Painted()
    for chip in (chip for row in panel.chips for chip in row):
        chip.installEventFilter(counter)
    qtbot.wait(20)
    panel.set_document(Shown(1, 7))  # as shown now that it has the focus (a current chip)
    qtbot.wait(20)
    painted.clear()
    panel.set_document(Shown(2, 7))
    qtbot.wait(20)
    assert checked(panel, 0) == ["Economy"] and painted == []
    stored.append(DocumentLabelRecord(2, 7, OVERALL.id, "mixed"))
    panel.show_changes(ChangeEvent(Changes(document_labels=((2, 7),)), None))
    qtbot.wait(20)
    assert checked(panel, 1) == ["mixed"] and "mixed" in painted  # a change is drawn
