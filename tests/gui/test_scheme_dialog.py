"""Labels › Attributes, relations and document labels…: the dialog over the sample project's
scheme; every change saved at once, undoable from the window, refusals said in a sentence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from claimdesk.core.codebook import load_codebook
from claimdesk.core.paths import seeds_dir
from claimdesk.core.scheme import AttributeKind, AttributeSpec, DocLabelSpec, RelationSpec
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.scheme_dialog import SchemeDialog
from claimdesk.gui.scheme_editors import Edited
from tests.gui.conftest import ScriptedPrompts, db_rows

SEED = load_codebook(seeds_dir() / "codebook.json")


class ScriptedEditors:
    """Answers the editors of one definition from a queue; records what each was opened with
    and what its check said about the answer."""

    def __init__(self) -> None:
        self.answers: list[Edited | None] = []
        self.opened: list[Any] = []
        self.checked: list[str | None] = []

    def _answer(self, spec: Any, problem: Callable[[Any], str | None]) -> Edited | None:
        self.opened.append(spec)
        answer = self.answers.pop(0) if self.answers else None
        if answer is not None:
            self.checked.append(problem(answer.spec))
        return answer

    def attribute(self, spec: Any, label: str, problem: Callable[[Any], str | None]) -> Any:
        return self._answer(spec, problem)

    def relation(self, spec: Any, labels: list[str], problem: Callable[[Any], Any]) -> Any:
        return self._answer(spec, problem)

    def doc_labels(self, spec: Any, problem: Callable[[Any], str | None]) -> Any:
        return self._answer(spec, problem)


def label_id(window: MainWindow, name: str) -> int:
    return next(label.id for label in window.labels.values() if label.name == name)


def open_dialog(window: MainWindow, qtbot: QtBot, label: str = "Military cooperation") -> Any:
    # The test project has the seed labels only; the sample scheme comes with the codebook.
    window.project.add_codebook(SEED, undoable=False)
    window.tags.set_current(label_id(window, label))
    window.menu_actions.edit_scheme.trigger()
    dialog = window.findChild(SchemeDialog)
    assert isinstance(dialog, SchemeDialog)
    qtbot.waitExposed(dialog)
    editors = ScriptedEditors()
    dialog.editors = editors  # type: ignore[assignment]
    return dialog, editors


def rows(page: Any) -> list[str]:
    return [page.list.item(i).text() for i in range(page.list.count())]


def test_dialog_shows_the_sample_scheme_for_the_current_label(
    window: MainWindow, qtbot: QtBot
) -> None:
    dialog, _ = open_dialog(window, qtbot)
    assert dialog.label.currentText() == "Military cooperation"
    assert rows(dialog.attributes) == [
        "[s] Stance — One of a list: positive [p], negative [n], neutral [u] · default neutral",
        "[c] Certainty — One of a list: asserted [a], hedged [h], reported [r] · default asserted",
        "[w] Check-worthy — Yes / no · default no",
    ]
    assert rows(dialog.relations) == [
        "[a] attributed to (10 labels → Source attribution)",
        "[s] supports (10 labels → 10 labels)",
        "[c] contradicts (10 labels → 10 labels)",
    ]
    assert rows(dialog.doc_labels) == [
        "Topic — several of: Military [m], Economy [e], Diplomacy [d]",
        "Overall stance — one of: warming [w], cooling [c], mixed [x]",
    ]
    dialog.label.setCurrentIndex(dialog.label.findText("Source attribution"))
    assert rows(dialog.attributes) == []
    assert not dialog.attributes.edit.isEnabled()


def test_attribute_added_is_saved_at_once_and_undone_from_the_window(
    window: MainWindow, qtbot: QtBot
) -> None:
    dialog, editors = open_dialog(window, qtbot, "Source attribution")
    spec = AttributeSpec("Kind of source", AttributeKind.CHOICE, ("official", "anonymous"))
    editors.answers = [Edited(spec)]
    qtbot.mouseClick(dialog.attributes.add, Qt.MouseButton.LeftButton)
    assert editors.checked == [None]
    source = label_id(window, "Source attribution")
    saved = db_rows(window.project.path, "SELECT name FROM attribute WHERE label_id = ?", source)
    assert saved == [("Kind of source",)]
    assert rows(dialog.attributes) == ["Kind of source — One of a list: official, anonymous"]
    assert dialog.attributes.list.currentItem().text().startswith("Kind of source")
    window.menu_actions.undo.trigger()
    assert (
        db_rows(window.project.path, "SELECT name FROM attribute WHERE label_id = ?", source) == []
    )
    assert rows(dialog.attributes) == []


def test_editing_an_attribute_renames_a_choice_for_the_spans_that_have_it(
    window: MainWindow, qtbot: QtBot
) -> None:
    dialog, editors = open_dialog(window, qtbot)
    stance = SEED.scheme.attributes_of("Military cooperation")[0]
    changed = AttributeSpec(
        "Stance",
        AttributeKind.CHOICE,
        ("warming", "negative", "neutral"),
        ("p", "n", "u"),
        "neutral",
        stance.description,
        "s",
    )
    editors.answers = [Edited(changed, {"positive": "warming"})]
    dialog.attributes.list.setCurrentRow(0)
    dialog.attributes.list.setFocus()
    qtbot.keyClick(dialog.attributes.list, Qt.Key.Key_Return)  # Enter edits
    assert editors.opened == [stance]
    scheme = window.project.scheme_by_name()
    assert scheme.attributes_of("Military cooperation")[0].choices[0] == "warming"
    assert scheme.attributes_of("Economy")[0].choices[0] == "positive"  # other labels keep theirs
    assert rows(dialog.attributes)[0].startswith("[s] Stance — One of a list: warming [p]")


def test_refusal_from_the_project_is_said_and_the_editor_opens_again_with_the_draft(
    window: MainWindow, qtbot: QtBot, prompts: ScriptedPrompts
) -> None:
    dialog, editors = open_dialog(window, qtbot)
    twin = AttributeSpec("stance", AttributeKind.BOOL)
    editors.answers = [Edited(twin), None]
    qtbot.mouseClick(dialog.attributes.add, Qt.MouseButton.LeftButton)
    # the editor's own check would have said so first
    assert editors.checked[0] is not None and "appears twice" in editors.checked[0]
    assert len(prompts.errors) == 1 and "Stance" in prompts.errors[0]
    assert editors.opened == [None, twin]
    assert len(window.project.scheme_by_name().attributes_of("Military cooperation")) == 3


def test_relation_type_added_with_the_labels_at_each_end(window: MainWindow, qtbot: QtBot) -> None:
    dialog, editors = open_dialog(window, qtbot)
    dialog.tabs.setCurrentWidget(dialog.relations)
    spec = RelationSpec("quotes", "#9467bd", "", True, ("Source attribution",), (), "q")
    editors.answers = [Edited(spec)]
    dialog.relations.list.setFocus()
    qtbot.keyClick(dialog.relations.list, Qt.Key.Key_Insert)
    assert window.project.scheme_by_name().relation("quotes") == spec
    assert rows(dialog.relations)[-1] == "[q] quotes (Source attribution → any label)"


def test_relation_type_removed_after_asking_and_back_with_undo(
    window: MainWindow, qtbot: QtBot, prompts: ScriptedPrompts
) -> None:
    dialog, _ = open_dialog(window, qtbot)
    dialog.tabs.setCurrentWidget(dialog.relations)
    dialog.relations.list.setCurrentRow(2)
    prompts.confirms = [False, True]
    dialog.relations.list.setFocus()
    qtbot.keyClick(dialog.relations.list, Qt.Key.Key_Delete)
    assert len(window.project.scheme().relation_types) == 3  # cancelled
    qtbot.keyClick(dialog.relations.list, Qt.Key.Key_Delete)
    assert [r.name for r in window.project.scheme().relation_types] == [
        "attributed to",
        "supports",
    ]
    assert "contradicts" in prompts.asked[-1]
    assert len(rows(dialog.relations)) == 2
    window.menu_actions.undo.trigger()
    assert [r.name for r in window.project.scheme_by_name().relations][-1] == "contradicts"
    assert len(rows(dialog.relations)) == 3


def test_document_label_set_edited(window: MainWindow, qtbot: QtBot) -> None:
    dialog, editors = open_dialog(window, qtbot)
    dialog.tabs.setCurrentWidget(dialog.doc_labels)
    genre = DocLabelSpec("Genre", False, ("news", "opinion"), ("n", "o"), "Kind of article.")
    editors.answers = [Edited(genre)]
    qtbot.mouseClick(dialog.doc_labels.add, Qt.MouseButton.LeftButton)
    topic = SEED.scheme.doc_labels[0]
    renamed = DocLabelSpec("Topic", True, ("Armed forces", "Economy", "Diplomacy"), (None,) * 3)
    editors.answers = [Edited(renamed, {"Military": "Armed forces"})]
    dialog.doc_labels.list.setCurrentRow(0)
    qtbot.mouseClick(dialog.doc_labels.edit, Qt.MouseButton.LeftButton)
    assert editors.opened[-1] == topic
    assert window.project.scheme_by_name().doc_labels == (renamed, SEED.scheme.doc_labels[1], genre)


def test_menu_entry_opens_one_dialog(window: MainWindow, qtbot: QtBot) -> None:
    first, _ = open_dialog(window, qtbot)
    window.menu_actions.edit_scheme.trigger()
    assert window.findChildren(SchemeDialog) == [first]
