"""Relations in the real window over a real project: file two claims' ends by keyboard, link them
with R, see the arc, click it, Delete, undo; the same by Ctrl+drag."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from claimdesk.core.scheme import RelationSpec
from claimdesk.gui.main_window import MainWindow
from tests.gui.conftest import db_rows
from tests.gui.test_main_window import select_phrase

RELATIONS = "SELECT type_id, source_id, target_id FROM relation ORDER BY id"


def _types(window: MainWindow) -> dict[str, int]:
    said, changes = window.project.add_relation_type(
        RelationSpec(
            "attributed to",
            "#7f7f7f",
            directed=True,
            sources=("Arms embargo / sanctions",),
            targets=("Source attribution",),
            shortcut="a",
        )
    )
    window.show_changes(changes)  # the codebook changed: the open article learns the types
    supports, changes = window.project.add_relation_type(
        RelationSpec("supports", "#2ca02c", shortcut="s")
    )
    window.show_changes(changes)
    return {"attributed to": said.id, "supports": supports.id}


def _file(window: MainWindow, qtbot: QtBot, phrase: str, key: str) -> int:
    select_phrase(window, phrase)
    window.view.setFocus()
    qtbot.keyClick(window.view, key)
    span = window.view.selected_span_id
    assert span is not None
    return span


def _menu(window: MainWindow) -> QMenu:
    (menu,) = [m for m in window.view.findChildren(QMenu) if m.isVisible()]
    return menu


def _arcs(window: MainWindow) -> set[int]:
    window.view.viewport().repaint()
    return {a.relation_id for a in window.view.arcs.arcs(window.view.viewport().rect())}


def test_link_a_claim_to_its_source_by_keyboard_then_delete_and_undo(
    window: MainWindow, qtbot: QtBot, project_path: Path
) -> None:
    types = _types(window)
    claim = _file(window, qtbot, "sidestep an arms embargo with the West", "1")
    source = _file(window, qtbot, "the diplomats say", "9")
    window.select_annotation(claim)
    qtbot.keyClick(window.view, Qt.Key.Key_R)
    assert window.view.arcs.current_target == source
    assert "Enter" in window.statusBar().currentMessage()
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    menu = _menu(window)
    assert [a.text() for a in menu.actions()] == ["attributed to\ta", "supports\ts"]
    qtbot.keyClick(menu, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: bool(db_rows(project_path, RELATIONS)))
    assert db_rows(project_path, RELATIONS) == [(types["attributed to"], claim, source)]
    (relation,) = window.project.relations(window.document_id or 0, window.annotator.id)
    assert _arcs(window) == {relation.id}  # drawn at once, no reload
    assert window.statusBar().currentMessage().startswith("Linked by 'attributed to'.")
    assert window.view.selected_span_id == claim  # R again links the same claim further

    # Click the arc, Delete: gone from the file and the article; Ctrl+Z brings it back.
    (arc,) = window.view.arcs.arcs(window.view.viewport().rect())[:1]
    point = QPointF((arc.piece.x1 + arc.piece.x2) / 2, arc.y).toPoint()
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.view.selected_relation_id == relation.id
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert db_rows(project_path, RELATIONS) == []
    assert _arcs(window) == set()
    assert len(window.view._index) == 2  # the highlights stay
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert db_rows(project_path, RELATIONS) == [(types["attributed to"], claim, source)]
    assert _arcs(window) == {relation.id}

    # Deleting a highlight takes its relations with it, and undo restores both.
    window.select_annotation(source)
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert db_rows(project_path, RELATIONS) == [] and _arcs(window) == set()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(db_rows(project_path, RELATIONS)) == 1 and _arcs(window) == {relation.id}

    # Reopening the article reads the relation back.
    window.open_document(window.document_id or 0, again=True)
    assert _arcs(window) == {relation.id}


def test_ctrl_drag_links_two_highlights_and_a_refusal_is_a_sentence(
    window: MainWindow, qtbot: QtBot, project_path: Path
) -> None:
    types = _types(window)
    claim = _file(window, qtbot, "sidestep an arms embargo with the West", "1")
    evidence = _file(window, qtbot, "the West imposed sanctions on weapons sales", "1")
    viewport = window.view.viewport()
    start = window.view.span_rects(evidence)[0].center().toPoint()
    end = window.view.span_rects(claim)[0].center().toPoint()
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, ctrl, start)
    qtbot.mouseMove(viewport, end)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, ctrl, end)
    menu = _menu(window)
    assert [a.text() for a in menu.actions()] == ["supports\ts"]  # two claims: not "attributed"
    qtbot.keyClick(menu, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: bool(db_rows(project_path, RELATIONS)))
    assert db_rows(project_path, RELATIONS) == [(types["supports"], evidence, claim)]
    # The same link again: the store refuses, and the status bar says why.
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, ctrl, start)
    qtbot.mouseMove(viewport, end)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, ctrl, end)
    qtbot.keyClick(_menu(window), Qt.Key.Key_S)
    qtbot.waitUntil(lambda: "already linked" in window.statusBar().currentMessage())
    assert len(db_rows(project_path, RELATIONS)) == 1
