"""The main window declares its state, builds its menus into typed actions, and announces every
saved edit once on ``changed`` with who made it; the views refresh from what the edit carries."""

from __future__ import annotations

import ast
from dataclasses import fields
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from claimdesk.core.records import Status
from claimdesk.core.store.project import Project
from claimdesk.gui.change_signal import ChangeEvent
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.menus import WindowActions
from tests.gui.edit_menu import edit_menu_items
from tests.gui.review_project import add_annotators

GUI = Path(__file__).resolve().parents[2] / "gui"


def _targets_on_window(module: Path) -> list[str]:
    found: list[str] = []
    tree = ast.parse(module.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        for target in targets:
            if not isinstance(target, ast.Attribute):
                continue
            owner = target.value
            holds_window = (isinstance(owner, ast.Name) and owner.id == "window") or (
                isinstance(owner, ast.Attribute) and owner.attr == "window"
            )
            if holds_window:
                found.append(f"{module.name}:{node.lineno} window.{target.attr}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("setattr", "delattr")
        ):
            found.append(f"{module.name}:{node.lineno} {node.func.id}")
        if isinstance(node, ast.Attribute) and node.attr == "__dict__":
            found.append(f"{module.name}:{node.lineno} __dict__")
    return found


def test_no_module_sets_attributes_on_the_main_window() -> None:
    offenders = [
        found
        for module in sorted(GUI.glob("*.py"))
        if module.name != "main_window.py"
        for found in _targets_on_window(module)
    ]
    assert offenders == []


def test_menus_call_their_handlers_directly_not_by_name() -> None:
    tree = ast.parse((GUI / "menus.py").read_text(encoding="utf-8"))
    calls = [
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    ]
    assert "getattr" not in calls


def test_every_menu_action_is_a_field_of_the_typed_actions(window: MainWindow) -> None:
    actions = window.menu_actions
    assert isinstance(actions, WindowActions)
    declared = [value for value in vars(actions).values() if isinstance(value, QAction)]
    assert len(declared) == len({id(action) for action in declared})  # one field per action
    in_window = {id(action) for action in window.actions()}
    # Every action with a shortcut lives on the window; the list's "Clear" only in its menu.
    assert in_window == {id(a) for a in declared if a is not actions.clear_recent}
    assert {f.name for f in fields(WindowActions)} >= {"undo", "redo", "snap_to_words"}
    with pytest.raises(AttributeError):
        actions.undo = actions.redo  # type: ignore[misc]  # frozen: built once


def test_using_the_window_adds_no_attribute_after_it_is_built(
    window: MainWindow, qtbot: QtBot
) -> None:
    declared = set(vars(window))
    text = window.view.document_text()
    start = text.index("arms embargo")
    window.view.set_text_selection(start, start + len("arms embargo"))
    qtbot.keyClick(window.view, "1")
    window.menu_actions.mark_done.trigger()
    window.menu_actions.undo.trigger()
    window.menu_actions.next_document.trigger()
    window.menu_actions.recent_menu.aboutToShow.emit()
    window.menu_actions.clear_recent.trigger()
    add_annotators(window.project, 2)
    window.menu_actions.curate.trigger()
    assert window.curation is not None
    window.close_review_windows()
    assert set(vars(window)) == declared


def test_an_edit_is_announced_once_with_who_made_it(window: MainWindow, qtbot: QtBot) -> None:
    events: list[ChangeEvent] = []
    window.changed.connect(events.append)
    text = window.view.document_text()
    start = text.index("arms embargo")
    window.view.set_text_selection(start, start + len("arms embargo"))
    qtbot.keyClick(window.view, "1")
    assert len(events) == 1
    (event,) = events
    assert event.source is window
    (added,) = event.changes.annotations_added
    assert (added.start, added.quote) == (start, "arms embargo")
    window.menu_actions.undo.trigger()
    assert len(events) == 2 and events[1].changes.annotations_removed == (added,)


def test_the_document_list_takes_status_and_count_from_the_edit(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_reading(*_args: object) -> None:
        raise AssertionError("the edit already said what changed")

    monkeypatch.setattr(Project, "status", no_reading)
    monkeypatch.setattr(Project, "summary", no_reading)
    document_id = window.document_id
    assert document_id is not None
    model = window.documents.model
    row = model.row_of(document_id)
    assert (model.summary(row).status, model.summary(row).annotation_count) == (Status.TODO, 0)
    text = window.view.document_text()
    start = text.index("arms embargo")
    window.view.set_text_selection(start, start + len("arms embargo"))
    qtbot.keyClick(window.view, "1")
    summary = model.summary(row)
    assert (summary.status, summary.annotation_count) == (Status.IN_PROGRESS, 1)
    assert "In progress" in str(model.index(row, 1).data())
    window.menu_actions.undo.trigger()
    summary = model.summary(row)
    assert (summary.status, summary.annotation_count) == (Status.TODO, 0)
    # What the list shows is what the file says.
    monkeypatch.undo()
    assert window.project.summary(document_id, window.annotator.id) == summary


def test_an_edit_in_the_curation_view_is_announced_as_its_own(
    window: MainWindow, qtbot: QtBot
) -> None:
    add_annotators(window.project, 4)
    window.menu_actions.curate.trigger()
    curation = window.curation
    assert curation is not None
    qtbot.waitExposed(curation)
    events: list[ChangeEvent] = []
    window.changed.connect(events.append)
    refreshed: list[int] = []
    original = curation.refresh

    def counting_refresh() -> None:
        refreshed.append(1)
        original()

    curation.refresh = counting_refresh  # type: ignore[method-assign]
    qtbot.keyClick(curation.table, Qt.Key.Key_Return)  # accept the first span into gold
    assert [event.source for event in events] == [curation]
    assert events[0].changes.annotations_added
    assert len(refreshed) == 1  # drawn once by the view itself, not again from the signal
    assert edit_menu_items(window)[0] == "&Undo Accept span into gold"
    window.menu_actions.undo.trigger()  # an undo in the main window redraws the curation view
    assert [event.source for event in events] == [curation, window]
    assert len(refreshed) == 2
