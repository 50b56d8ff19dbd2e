"""The editors of one attribute, relation type or document label set, driven by keyboard and
mouse as a user would: what they return, and the sentence a wrong entry gets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox
from pytestqt.qtbot import QtBot

from claimdesk.core.codebook_scheme import attribute_problem, doc_label_problem
from claimdesk.core.scheme import AttributeKind, AttributeSpec, DocLabelSpec, RelationSpec
from claimdesk.gui.scheme_editors import AttributeEditor, DocLabelEditor, RelationEditor

LABELS = ["Claim", "Evidence", "Source attribution"]


class Said(list[str]):
    def __call__(self, title: str, message: str) -> None:
        self.append(message)


def save(qtbot: QtBot, editor: QDialog) -> None:
    box = editor.findChild(QDialogButtonBox)
    assert box is not None
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def shown(qtbot: QtBot, editor: QDialog) -> Any:
    qtbot.addWidget(editor)
    editor.show()
    return editor


def check(label: str = "Claim", others: tuple[AttributeSpec, ...] = ()) -> Callable[[Any], Any]:
    return lambda spec: attribute_problem(spec, label, list(others))


def test_new_choice_attribute_typed_in_is_saved_with_keys_and_default(qtbot: QtBot) -> None:
    said = Said()
    editor = shown(qtbot, AttributeEditor(None, "Claim", check(), said))
    qtbot.keyClicks(editor.name, "  Stance ")
    for value, key in (("positive", "p"), ("negative", "n"), ("neutral", "u")):
        editor.choice_table.add_value(value, key)
    editor.default_one.setCurrentIndex(editor.default_one.findText("neutral"))
    qtbot.keyClicks(editor.key, "S")
    qtbot.keyClicks(editor.definition, "Warming or cooling.")
    save(qtbot, editor)
    assert said == []
    assert editor.result() == QDialog.DialogCode.Accepted
    assert editor.edited().spec == AttributeSpec(
        "Stance",
        AttributeKind.CHOICE,
        ("positive", "negative", "neutral"),
        ("p", "n", "u"),
        "neutral",
        "Warming or cooling.",
        "s",
    )


def test_kind_shows_the_right_default_field(qtbot: QtBot) -> None:
    editor = shown(qtbot, AttributeEditor(None, "Claim", check(), Said()))
    for kind, field in (
        (AttributeKind.BOOL, "default_bool"),
        (AttributeKind.NUMBER, "default_text"),
        (AttributeKind.MULTI, "default_many"),
        (AttributeKind.CHOICE, "default_one"),
    ):
        editor.kind.setCurrentIndex(editor.kind.findData(kind.value))
        assert editor.default.currentWidget() is getattr(editor, field)
        assert editor.choice_table.isVisible() == (kind in (AttributeKind.CHOICE, kind.MULTI))


def test_number_default_that_is_no_number_is_said_and_the_editor_stays(qtbot: QtBot) -> None:
    said = Said()
    editor = shown(qtbot, AttributeEditor(None, "Claim", check(), said))
    qtbot.keyClicks(editor.name, "Weight")
    editor.kind.setCurrentIndex(editor.kind.findData("number"))
    qtbot.keyClicks(editor.default_text, "heavy")
    save(qtbot, editor)
    assert said == ["The default 'heavy' is not a number."]
    assert editor.isVisible()
    editor.default_text.setText("2.5")
    save(qtbot, editor)
    assert editor.edited().spec.default == 2.5
    assert not editor.isVisible()


def test_key_taken_by_another_attribute_is_refused_in_a_sentence(qtbot: QtBot) -> None:
    said = Said()
    others = (AttributeSpec("Check-worthy", AttributeKind.BOOL, shortcut="w"),)
    editor = shown(qtbot, AttributeEditor(None, "Claim", check("Claim", others), said))
    qtbot.keyClicks(editor.name, "Weight")
    editor.kind.setCurrentIndex(editor.kind.findData("bool"))
    qtbot.keyClicks(editor.key, "w")
    save(qtbot, editor)
    assert said == [
        "Label 'Claim', attribute 'Weight' reuses the key 'w' of attribute 'Check-worthy'."
    ]
    assert editor.isVisible()


def test_nameless_attribute_is_refused(qtbot: QtBot) -> None:
    said = Said()
    editor = shown(qtbot, AttributeEditor(None, "Claim", check(), said))
    save(qtbot, editor)
    assert said == ["An attribute needs a name."]


def test_renamed_choice_is_reported_as_a_rename(qtbot: QtBot) -> None:
    spec = AttributeSpec("Stance", AttributeKind.CHOICE, ("positive", "neutral"), (), "neutral")
    editor = shown(qtbot, AttributeEditor(spec, "Claim", check(), Said()))
    editor.choice_table.table.item(1, 0).setText("none")
    editor.choice_table.add_value("negative")
    edited = editor.edited()
    assert edited.spec.choices == ("positive", "none", "negative")
    assert edited.renames == {"neutral": "none"}
    # the default follows its choice to the new name
    assert edited.spec.default == "none"
    assert editor.default_one.currentText() == "none"


def test_multi_default_ticks_in_codebook_order(qtbot: QtBot) -> None:
    spec = AttributeSpec("Topics", AttributeKind.MULTI, ("a", "b", "c"), (), ("c", "a"))
    editor = shown(qtbot, AttributeEditor(spec, "Claim", check(), Said()))
    assert editor.edited().spec.default == ("a", "c")


def test_relation_ends_are_ticked_with_the_space_bar(qtbot: QtBot) -> None:
    said = Said()
    editor = shown(
        qtbot, RelationEditor(None, LABELS, lambda spec: None, said, lambda c: "#2ca02c")
    )
    qtbot.keyClicks(editor.name, "supports")
    editor.sources.setFocus()
    editor.sources.setCurrentRow(1)
    qtbot.keyClick(editor.sources, Qt.Key.Key_Space)
    editor.targets.setCurrentRow(0)
    qtbot.keyClick(editor.targets, Qt.Key.Key_Space)
    qtbot.mouseClick(editor.colour, Qt.MouseButton.LeftButton)
    editor.directed.setChecked(False)
    save(qtbot, editor)
    assert said == []
    assert editor.edited().spec == RelationSpec(
        "supports", "#2ca02c", "", False, ("Evidence",), ("Claim",), None
    )
    assert editor.colour.text() == "#2ca02c"


def test_document_label_keys_are_unique_within_a_set(qtbot: QtBot) -> None:
    said = Said()
    topic = DocLabelSpec("Topic", True, ("Military",), ("m",))
    editor = shown(qtbot, DocLabelEditor(None, lambda spec: doc_label_problem(spec, [topic]), said))
    qtbot.keyClicks(editor.name, "Genre")
    editor.choice_table.add_value("memo", "m")  # Topic's key too: fine, keys are per set
    editor.choice_table.add_value("news", "M")
    save(qtbot, editor)
    assert said == ["Document label set 'Genre', value 'news' reuses the key 'm' of value 'memo'."]
    editor.choice_table.table.item(1, 1).setText("n")
    save(qtbot, editor)
    assert editor.edited().spec == DocLabelSpec("Genre", False, ("memo", "news"), ("m", "n"))
    assert not editor.isVisible()
