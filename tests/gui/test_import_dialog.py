"""Importing from the window: files are read off the GUI thread, then stored in one step."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from claimdesk.gui.main_window import MainWindow
from tests.gui.conftest import ScriptedPrompts, db_rows


def article(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def test_import_from_the_window_adds_opens_and_can_be_undone(
    window: MainWindow, qtbot: QtBot, prompts: ScriptedPrompts, tmp_path: Path, project_path: Path
) -> None:
    prompts.paths = [
        article(
            tmp_path, "a.txt", "Border talks resume\r\n\r\nThe frontier is calm, diplomats say.\r\n"
        ),
        article(
            tmp_path, "b.txt", "Barter deal signed\n\nGuns for butter — café talk.\n", "cp1252"
        ),
    ]
    window.menu_actions.import_articles.trigger()
    qtbot.waitUntil(lambda: window.documents.model.rowCount() == 4, timeout=10_000)
    assert window.view.document_text().startswith("Border talks resume\n\nThe frontier")
    assert "Imported 2 document(s)" in window.statusBar().currentMessage()
    titles = [r[0] for r in db_rows(project_path, "SELECT title FROM document ORDER BY id")]
    assert titles[2:] == ["Border talks resume", "Barter deal signed"]
    window.undo()
    assert window.documents.model.rowCount() == 2
    assert len(db_rows(project_path, "SELECT id FROM document")) == 2


def test_a_bad_file_asks_before_importing_the_rest(
    window: MainWindow, qtbot: QtBot, prompts: ScriptedPrompts, tmp_path: Path, project_path: Path
) -> None:
    good = article(tmp_path, "good.txt", "Troops withdrawn\n\nMoscow confirmed it.\n")
    empty = article(tmp_path, "empty.txt", "")
    prompts.paths = [good, empty]
    prompts.confirms = [False]
    window.menu_actions.import_articles.trigger()
    qtbot.waitUntil(lambda: any(q.startswith("confirm") for q in prompts.asked), timeout=10_000)
    assert "empty.txt: is empty" in prompts.asked[-1]
    assert len(db_rows(project_path, "SELECT id FROM document")) == 2  # nothing imported
    prompts.confirms = [True]
    window.menu_actions.import_articles.trigger()
    qtbot.waitUntil(lambda: window.documents.model.rowCount() == 3, timeout=10_000)
    assert db_rows(project_path, "SELECT title FROM document WHERE id = 3") == [
        ("Troops withdrawn",)
    ]


def test_importing_the_same_text_again_is_reported_not_doubled(
    window: MainWindow, qtbot: QtBot, prompts: ScriptedPrompts, tmp_path: Path
) -> None:
    path = article(tmp_path, "a.txt", "Summit planned\n\nFor May.\n")
    prompts.paths = [path]
    window.menu_actions.import_articles.trigger()
    qtbot.waitUntil(lambda: window.documents.model.rowCount() == 3, timeout=10_000)
    window.menu_actions.import_articles.trigger()
    qtbot.waitUntil(
        lambda: "already in the project" in window.statusBar().currentMessage(), timeout=10_000
    )
    assert window.documents.model.rowCount() == 3


def test_hostile_names_and_damaged_files_are_shown_escaped_and_explained(
    window: MainWindow, qtbot: QtBot, prompts: ScriptedPrompts, tmp_path: Path, project_path: Path
) -> None:
    raw = os.fsencode(tmp_path)
    with open(os.path.join(raw, b"caf\xe9 \xe2\x80\xae.txt"), "wb") as handle:
        handle.write("Café news\n\nMostly UTF-8 🙂 but one bad byte: ".encode() + b"\xe9.\n")
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    prompts.paths = [Path(os.fsdecode(os.path.join(raw, b"caf\xe9 \xe2\x80\xae.txt"))), pipe]
    prompts.confirms = [True]
    window.menu_actions.import_articles.trigger()
    qtbot.waitUntil(lambda: bool(prompts.errors), timeout=10_000)
    assert "pipe.txt: is a named pipe, not a regular file" in prompts.asked[-1]
    (warning,) = prompts.errors
    assert "caf\\xe9 \\u202e.txt: 1 byte(s) that are not UTF-8 were replaced" in warning
    assert "\u202e" not in warning
    assert db_rows(project_path, "SELECT source FROM document WHERE title = 'Café news'") == [
        (f"{tmp_path}/caf\\xe9 \\u202e.txt",)
    ]


def test_closing_the_window_while_files_are_read_imports_nothing(
    window: MainWindow,
    qtbot: QtBot,
    prompts: ScriptedPrompts,
    tmp_path: Path,
    project_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from claimdesk.gui import project_actions
    from claimdesk.gui.workers import running_tasks
    from tests.gui.conftest import work_tasks

    reading, go = threading.Event(), threading.Event()
    plan = project_actions.plan_import

    def slow_plan(paths, **options):  # type: ignore[no-untyped-def]
        reading.set()
        go.wait(20)
        return plan(paths, **options)

    monkeypatch.setattr(project_actions, "plan_import", slow_plan)
    prompts.paths = [article(tmp_path, "a.txt", "Border talks resume\n\nThe frontier is calm.\n")]
    window.menu_actions.import_articles.trigger()
    qtbot.waitUntil(reading.is_set, timeout=10_000)
    (task,) = work_tasks(window)
    window.close()
    qtbot.waitUntil(lambda: task.is_cancelled, timeout=10_000)
    with qtbot.waitSignal(task.ended, timeout=20_000):
        go.set()
    assert running_tasks() == () and prompts.errors == [] and "confirm" not in prompts.asked
    assert len(db_rows(project_path, "SELECT id FROM document")) == 2  # nothing imported
