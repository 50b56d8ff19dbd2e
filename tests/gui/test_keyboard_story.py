"""The issue's promise, told as a user does it: on the sample article, with the sample codebook,
by keyboard alone, file a claim and its source, set the claim's stance, link the claim to its
source, and label the document."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from claimdesk.core.codebook import load_codebook
from claimdesk.core.paths import seeds_dir
from claimdesk.gui.main_window import MainWindow
from tests.gui.conftest import db_rows

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def select_by_keys(window: MainWindow, qtbot: QtBot, phrase: str) -> None:
    """Select a phrase as a keyboard user does: the caret at its start (where the arrow keys
    bring it), then Ctrl+Shift+Right word by word."""
    text = window.view.document_text()
    start = text.index(phrase)
    window.view.set_text_selection(start, start)
    window.view.setFocus()
    for _ in phrase.split():
        qtbot.keyClick(window.view, Qt.Key.Key_Right, CTRL_SHIFT)


def test_claims_with_their_sources_and_stance_by_keyboard_alone(
    window: MainWindow, qtbot: QtBot, project_path: Path
) -> None:
    # The tests' project has the sample's labels; the sample codebook brings its scheme too.
    window.show_changes(window.project.add_codebook(load_codebook(seeds_dir() / "codebook.json")))
    scheme = window.project.scheme()
    assert any(a.name == "Stance" for a in scheme.attributes)
    view = window.view
    # The source first, then the claim: after filing, the claim is the selected highlight.
    select_by_keys(window, qtbot, "East European and Western diplomats")
    qtbot.keyClick(view, "9")  # Source attribution
    source = view.selected_span_id
    select_by_keys(
        window, qtbot, "The Soviets hope to learn from the success of their Asian neighbor"
    )
    qtbot.keyClick(view, "3")  # Military cooperation
    claim = view.selected_span_id
    assert source is not None and claim is not None and claim != source

    # A, s, p: the claim's stance is positive; Esc back to the article.
    qtbot.keyClick(view, "a")
    qtbot.keyClick(window.attribute_bar, "s")
    qtbot.keyClick(window.attribute_bar, "p")
    qtbot.keyClick(window.attribute_bar, Qt.Key.Key_Escape)
    assert view.hasFocus()

    # R: the source is the one highlight a claim can be attributed to; Enter, then a.
    qtbot.keyClick(view, Qt.Key.Key_R)
    assert view.arcs.current_target == source
    qtbot.keyClick(view, Qt.Key.Key_Return)
    (menu,) = [m for m in view.findChildren(QMenu) if m.isVisible()]
    qtbot.keyClick(menu, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: bool(db_rows(project_path, "SELECT id FROM relation")))

    # D, w: the article as a whole is warming.
    qtbot.keyClick(view, "d")
    qtbot.keyClick(window.doc_labels, "w")

    # All saved in the file, and the annotation list says so.
    attributed = next(t.id for t in scheme.relation_types if t.name == "attributed to")
    assert db_rows(project_path, "SELECT id, quote FROM annotation ORDER BY id") == [
        (source, "East European and Western diplomats"),
        (claim, "The Soviets hope to learn from the success of their Asian neighbor"),
    ]
    assert db_rows(project_path, "SELECT annotation_id, value FROM annotation_attribute") == [
        (claim, '"positive"')
    ]
    assert db_rows(project_path, "SELECT type_id, source_id, target_id FROM relation") == [
        (attributed, claim, source)
    ]
    assert db_rows(project_path, "SELECT value FROM document_label") == [("warming",)]
    model = window.annotations.model_
    shown = model.index(model.row_of(claim), model.DETAILS).data()
    assert shown == "positive · → Source attribution"
