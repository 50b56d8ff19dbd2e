"""Attributes, document labels and relabelling in the main window, by keyboard, on a real
project: file a span, press A, an attribute's key, a choice's key; D and a key; relabel asks."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from claimdesk.core.records import AttributeRecord, Changes
from claimdesk.core.scheme import AttributeKind, AttributeSpec, DocLabelSpec, RelationSpec
from claimdesk.gui.main_window import MainWindow
from tests.gui.conftest import ScriptedPrompts, db_rows
from tests.gui.test_main_window import label_id, select_phrase

CLAIM = "Military cooperation"  # key 3
SOURCE = "Source attribution"  # key 9


def clear_scheme(window: MainWindow) -> None:
    """No attributes, relation types or document label sets (whatever the sample codebook has)."""
    project = window.project
    current = project.scheme()
    for attribute in current.attributes:
        project.delete_attribute(attribute.id)
    for kind in current.relation_types:
        project.delete_relation_type(kind.id)
    for label_set in current.doc_label_sets:
        project.delete_doc_label_set(label_set.id)
    window.show_changes(Changes(scheme=True))
    project.history = type(project.history)()


class Scheme:
    """A scheme of the test's own, like the sample's, on a test project (as a codebook would)."""

    def __init__(self, window: MainWindow) -> None:
        clear_scheme(window)
        project = window.project
        claim = label_id(window, CLAIM)
        self.stance, changes = project.add_attribute(
            claim,
            AttributeSpec(
                "Stance",
                AttributeKind.CHOICE,
                ("positive", "negative", "neutral"),
                ("p", "n", "u"),
                default="neutral",
                shortcut="s",
            ),
        )
        window.show_changes(changes)
        self.worthy, _ = project.add_attribute(
            claim, AttributeSpec("Check-worthy", AttributeKind.BOOL, default=False, shortcut="w")
        )
        self.count, _ = project.add_attribute(
            claim, AttributeSpec("Sources", AttributeKind.NUMBER, shortcut="n")
        )
        self.attributed, _ = project.add_relation_type(
            RelationSpec("attributed to", "#7f7f7f", sources=(CLAIM,), targets=(SOURCE,))
        )
        self.topic, _ = project.add_doc_label_set(
            DocLabelSpec("Topic", True, ("Military", "Economy", "Diplomacy"))
        )
        self.overall, changes = project.add_doc_label_set(
            DocLabelSpec("Overall stance", False, ("warming", "cooling", "mixed"))
        )
        window.show_changes(changes)
        project.history = type(project.history)()


def stored(window: MainWindow, annotation_id: int, attribute: AttributeRecord) -> object:
    assert window.document_id is not None
    values = window.project.attribute_values(window.document_id, window.annotator.id)
    return values.get(annotation_id, {}).get(attribute.id)


def file_span(window: MainWindow, qtbot: QtBot, phrase: str, key: str) -> int:
    select_phrase(window, phrase)
    window.view.setFocus()
    qtbot.keyClick(window.view, key)
    span_id = window.view.selected_span_id  # the new span is selected
    assert span_id is not None
    return span_id


@pytest.fixture
def scheme(window: MainWindow) -> Scheme:
    return Scheme(window)


def test_file_a_span_then_a_s_n_sets_stance_and_undo_puts_it_back(
    window: MainWindow, scheme: Scheme, qtbot: QtBot, project_path: Path
) -> None:
    span = file_span(window, qtbot, "talks on cooperation between the two armies", "3")
    qtbot.keyClick(window.view, "a")
    bar = window.attribute_bar
    assert bar.isVisible() and bar.hasFocus()
    assert bar.shown_text().startswith("[s] Stance: neutral [w] Check-worthy: no")
    qtbot.keyClick(bar, "s")
    qtbot.keyClick(bar, "n")
    assert stored(window, span, scheme.stance) == "negative"
    rows = db_rows(project_path, "SELECT value FROM annotation_attribute")
    assert rows == [('"negative"',)]  # saved at once, for any other program to read
    assert bar.shown_text().startswith("[s] Stance: negative")
    model = window.annotations.model_
    assert model.index(model.row_of(span), model.DETAILS).data() == "negative"
    qtbot.keyClick(bar, "w")  # yes/no toggles with its key
    assert stored(window, span, scheme.worthy) is True
    qtbot.keyClick(bar, Qt.Key.Key_Escape)
    assert not bar.isVisible() and window.view.hasFocus()  # back to the article
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(window, span, scheme.stance) is None  # the default again
    assert model.index(model.row_of(span), model.DETAILS).data() == ""


def test_alt_key_cycles_and_a_wrong_number_is_said(
    window: MainWindow, scheme: Scheme, qtbot: QtBot
) -> None:
    span = file_span(window, qtbot, "talks on cooperation between the two armies", "3")
    qtbot.keyClick(window.view, "s", Qt.KeyboardModifier.AltModifier)
    assert stored(window, span, scheme.stance) == "positive"  # neutral → positive
    qtbot.keyClick(window.view, "s", Qt.KeyboardModifier.AltModifier)
    assert stored(window, span, scheme.stance) == "negative"
    qtbot.keyClick(window.view, "a")
    qtbot.keyClick(window.attribute_bar, "n")  # "Sources": a number
    qtbot.keyClicks(window.attribute_bar.editor, "two")
    qtbot.keyClick(window.attribute_bar.editor, Qt.Key.Key_Return)
    assert "“two” is not a number" in window.statusBar().currentMessage()
    assert stored(window, span, scheme.count) is None
    window.attribute_bar.editor.setText("2")
    qtbot.keyClick(window.attribute_bar.editor, Qt.Key.Key_Return)
    assert stored(window, span, scheme.count) == 2


def test_d_then_a_key_labels_the_document(window: MainWindow, scheme: Scheme, qtbot: QtBot) -> None:
    panel = window.doc_labels
    assert panel.isVisible()
    window.view.setFocus()
    qtbot.keyClick(window.view, "d")
    assert panel.hasFocus() and panel.armed
    qtbot.keyClick(panel, "c")  # cooling
    assert window.document_id is not None
    labels = window.project.document_labels(window.document_id, window.annotator.id)
    assert [(r.set_id, r.value) for r in labels] == [(scheme.overall.id, "cooling")]
    assert [c.text() for c in panel.chips[1] if c.isChecked()] == ["cooling"]
    assert window.view.hasFocus()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not any(c.isChecked() for c in panel.chips[1])


def test_relabel_that_breaks_relations_asks_first(
    window: MainWindow, scheme: Scheme, qtbot: QtBot, prompts: ScriptedPrompts
) -> None:
    claim = file_span(window, qtbot, "talks on cooperation between the two armies", "3")
    source = file_span(window, qtbot, "East European and Western diplomats", "9")
    window.edit(lambda: window.project.add_relation(scheme.attributed.id, claim, source))
    model = window.annotations.model_
    assert model.index(model.row_of(claim), model.DETAILS).data() == "→ Source attribution"
    window.select_annotation(source)
    prompts.confirms = [False]
    qtbot.keyClick(window.view, "3")  # the source would become a claim: no longer attributable
    assert prompts.asked == [
        "confirm: Changing to “Military cooperation” removes 1 relation (attributed to "
        "“talks on cooperation between the two…”): its relation types do not allow that "
        "label. Change it? You can undo this with Ctrl+Z."
    ]
    assert model.label_of(model.row_of(source)) == label_id(window, SOURCE)
    prompts.confirms = [True]
    qtbot.keyClick(window.view, "3")
    assert model.label_of(model.row_of(source)) == label_id(window, CLAIM)
    assert window.annotations.model_.relations_of(claim) == []
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [r.id for r in model.relations_of(claim)] != []  # the relation is back with the label


def test_no_scheme_no_panel_and_no_column(window: MainWindow) -> None:
    clear_scheme(window)
    assert window.doc_labels.isHidden()
    assert window.annotations.isColumnHidden(window.annotations.model_.DETAILS)


def test_a_highlights_context_menu_opens_its_attributes(
    window: MainWindow, scheme: Scheme, qtbot: QtBot
) -> None:
    from claimdesk.gui.claim_actions import span_menu

    span = file_span(window, qtbot, "talks on cooperation between the two armies", "3")
    window.select_annotation(None)
    point = window.view.span_rects(span)[0].center().toPoint()
    menu = span_menu(window, point)
    assert window.view.selected_span_id == span
    texts = [a.text() for a in menu.actions()]
    assert texts[:2] == ["Set attributes…", "Delete annotation"] and "&Copy" in " ".join(texts)
    menu.actions()[0].trigger()
    menu.close()
    assert window.attribute_bar.isVisible()
    qtbot.keyClick(window.attribute_bar, "s")
    qtbot.keyClick(window.attribute_bar, "p")
    assert stored(window, span, scheme.stance) == "positive"


def test_an_open_bar_follows_the_selected_highlight(
    window: MainWindow, scheme: Scheme, qtbot: QtBot
) -> None:
    source = file_span(window, qtbot, "East European and Western diplomats", "9")
    claim = file_span(window, qtbot, "talks on cooperation between the two armies", "3")
    qtbot.keyClick(window.view, "a")
    bar = window.attribute_bar
    assert bar.annotation_id == claim
    window.annotations.selectRow(window.annotations.model_.row_of(source))
    assert bar.annotation_id == source
    assert bar.shown_text() == "“Source attribution” has no attributes."


def test_a_label_with_the_key_a_keeps_it(window: MainWindow, scheme: Scheme, qtbot: QtBot) -> None:
    """A codebook that gave a label the key A: the key files under that label, as before."""
    source = label_id(window, SOURCE)
    window.edit(lambda: window.project.update_label(source, shortcut="a"))
    span = file_span(window, qtbot, "talks on cooperation between the two armies", "3")
    qtbot.keyClick(window.view, "a")
    assert not window.attribute_bar.isVisible()
    model = window.annotations.model_
    assert model.label_of(model.row_of(span)) == source
