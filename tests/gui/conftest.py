"""GUI fixtures: the real main window over a test project, with scripted answers to dialogs."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from claimdesk.core.store.project import Project
from claimdesk.gui.dialogs import LabelDraft, Prompts
from claimdesk.gui.focus_frames import use_framed_fusion
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.server_dialog import ServerChoice
from claimdesk.gui.settings import Settings
from claimdesk.gui.workers import Task


@pytest.fixture(scope="session", autouse=True)
def framed_fusion(qapp: QApplication) -> None:
    """Every widget is drawn as in the application: Fusion with its painted focus frames."""
    use_framed_fusion(qapp)


def _unscripted(*_args: object, **_kwargs: object) -> None:
    raise AssertionError(
        "a modal dialog opened that the test did not script (it would wait for a click forever)"
    )


@pytest.fixture(autouse=True)
def no_unscripted_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dialog the test forgot to script fails the test at once instead of hanging the suite."""
    from PySide6.QtWidgets import QColorDialog, QDialog, QFileDialog, QInputDialog, QMessageBox

    monkeypatch.setattr(QDialog, "exec", _unscripted)
    for name in ("critical", "warning", "information", "question", "about"):
        monkeypatch.setattr(QMessageBox, name, _unscripted)
    for name in (
        "getOpenFileName",
        "getOpenFileNames",
        "getSaveFileName",
        "getExistingDirectory",
    ):
        monkeypatch.setattr(QFileDialog, name, _unscripted)
    for name in ("getText", "getItem", "getInt", "getMultiLineText"):
        monkeypatch.setattr(QInputDialog, name, _unscripted)
    monkeypatch.setattr(QColorDialog, "getColor", _unscripted)


class ScriptedPrompts(Prompts):
    """Answers every dialog from queues the test fills; records what was asked."""

    def __init__(self) -> None:
        super().__init__(None)
        self.asked: list[str] = []
        self.name = "Ana"
        self.notes: list[str | None] = []
        self.confirms: list[bool] = []
        self.labels: list[LabelDraft | None] = []
        self.colours: list[str | None] = []
        self.errors: list[str] = []
        self.paths: list[Path] = []
        self.web_addresses: list[str | None] = []
        # File › Open shared project…: the answers, and the reasons the dialog was shown with.
        self.server_choices: list[ServerChoice | None] = []
        self.server_problems: list[str] = []

    def annotator_name(self, current: str = "") -> str | None:
        self.asked.append("name")
        return self.name

    def note(self, quote: str, current: str) -> str | None:
        self.asked.append("note")
        return self.notes.pop(0)

    def confirm(self, title: str, message: str) -> bool:
        self.asked.append(f"confirm: {message}")
        return self.confirms.pop(0)

    def label(self, draft, labels, editing=None):  # type: ignore[no-untyped-def]
        self.asked.append("label")
        return self.labels.pop(0) if self.labels else None

    def colour(self, current: str) -> str | None:
        self.asked.append("colour")
        return self.colours.pop(0)

    def error(self, title: str, message: str) -> None:
        self.errors.append(message)

    def open_project(self) -> Path | None:
        return self.paths[0] if self.paths else None

    def new_project(self) -> Path | None:
        return self.paths[0] if self.paths else None

    def codebook_path(self, default_name: str) -> Path | None:
        self.asked.append(f"codebook path {default_name}")
        return self.paths[0] if self.paths else None

    def import_paths(self) -> list[Path]:
        self.asked.append("import")
        return self.paths

    def web_address(self) -> str | None:
        self.asked.append("web address")
        return self.web_addresses.pop(0)

    def server_project(
        self, current: ServerChoice | None = None, problem: str = ""
    ) -> ServerChoice | None:
        self.asked.append("server")
        self.server_problems.append(problem)
        return self.server_choices.pop(0) if self.server_choices else None


def db_rows(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    """What another program reading the file sees: only committed data."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture
def prompts() -> ScriptedPrompts:
    return ScriptedPrompts()


@pytest.fixture
def settings(isolated_user_dirs: Path) -> Settings:
    return Settings()


@pytest.fixture
def window(
    qtbot: QtBot, seeded: Project, settings: Settings, prompts: ScriptedPrompts
) -> Iterator[MainWindow]:
    annotator = seeded.ensure_annotator("Ana")
    win = MainWindow(seeded, annotator, settings, prompts)
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win


def work_tasks(window: MainWindow) -> tuple[Task, ...]:
    """The window's tasks under way besides working out suggestions (which every opened
    document starts in the background)."""
    from claimdesk.gui.workers import running_tasks

    return tuple(t for t in running_tasks(window) if t is not window.suggestions.task)
