"""Launching Claimdesk as a new user does: one question for the name, nothing built behind it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from claimdesk.core.paths import sample_project_path
from claimdesk.core.store.project import Project
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.settings import Settings
from tests.gui.classroom_prompts import ClassroomPrompts

Launch = Callable[[list[str], "LaunchPrompts"], dict[str, object]]


class LaunchPrompts(ClassroomPrompts):
    """Records every name question and the name it showed filled in."""

    def __init__(self) -> None:
        super().__init__()
        self.filled_in: list[str] = []

    def student_identity(
        self, exercise_title: str, name: str, student_id: str
    ) -> tuple[str, str] | None:
        self.filled_in.append(name)
        return super().student_identity(exercise_title, name, student_id)


@pytest.fixture
def launch(qapp: object, monkeypatch: pytest.MonkeyPatch) -> Launch:
    return lambda argv, prompts: _launch(argv, prompts, monkeypatch)


def _launch(
    argv: list[str], prompts: LaunchPrompts, monkeypatch: pytest.MonkeyPatch
) -> dict[str, object]:
    """Run the ``claimdesk`` program as a double-click does; what the window shows once open."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from claimdesk.gui import app as claimdesk
    from claimdesk.gui import dialogs

    monkeypatch.setattr(dialogs, "Prompts", lambda: prompts)
    application = QApplication.instance()
    assert isinstance(application, QApplication)
    palette = application.palette()
    seen: dict[str, object] = {}

    def loaded(window: MainWindow) -> None:
        seen["project"] = window.project.path
        seen["annotator"] = window.annotator.name
        seen["student"] = window.student_mode is not None
        window.close()
        QTimer.singleShot(0, application.quit)

    try:
        seen["exit"] = claimdesk.main(["claimdesk", "--new-instance", *argv], loaded=loaded)
    finally:
        application.setStyleSheet("")
        application.setPalette(palette)
    return seen


@pytest.fixture
def exercise(seeded: Project, tmp_path: Path) -> Path:
    from claimdesk.core.classroom.exercise import create_exercise

    documents = [d.id for d in seeded.documents()]
    path = tmp_path / "Week 1.claimdesk-exercise"
    create_exercise(seeded, path, title="Week 1", document_ids=documents)
    seeded.close()
    return path


def test_a_fresh_computer_with_an_exercise_asks_the_name_once(
    exercise: Path, launch: Launch
) -> None:
    prompts = LaunchPrompts()
    prompts.identities = [("Ana Lopes", "s1")]
    seen = launch([str(exercise)], prompts)
    assert seen["exit"] == 0
    assert prompts.asked == ["identity: Week 1"]  # not "Welcome to Claimdesk" first
    assert prompts.filled_in == [""]
    assert seen["student"] is True and seen["annotator"] == "Ana Lopes (s1)"
    assert not sample_project_path().exists()  # nothing was built behind the question
    assert Settings().annotator_name == "Ana Lopes"  # the answer is the annotator name too

    # Next time, without a file: nothing is asked and the exercise is resumed.
    again = LaunchPrompts()
    seen = launch([], again)
    assert again.asked == []
    assert seen["student"] is True and seen["annotator"] == "Ana Lopes (s1)"


def test_a_fresh_computer_without_a_file_asks_the_name_once(launch: Launch) -> None:
    prompts = LaunchPrompts()
    prompts.name = "Ana Lopes"
    seen = launch([], prompts)
    assert seen["exit"] == 0
    assert prompts.asked == ["name"]
    assert seen["project"] == sample_project_path()
    assert seen["annotator"] == "Ana Lopes"
    assert Settings().annotator_name == "Ana Lopes"


def test_a_known_name_is_filled_in_and_not_asked_again(
    exercise: Path, launch: Launch, monkeypatch: pytest.MonkeyPatch
) -> None:
    Settings().annotator_name = "Ana Lopes"
    prompts = LaunchPrompts()
    prompts.identities = [("Ana Lopes", "")]
    seen = launch([str(exercise)], prompts)
    assert seen["exit"] == 0
    assert prompts.asked == ["identity: Week 1"]
    assert prompts.filled_in == ["Ana Lopes"]
    assert seen["student"] is True and seen["annotator"] == "Ana Lopes"
    assert not sample_project_path().exists()

    # Another student on the same computer does not rename its owner.
    other = LaunchPrompts()
    other.identities = [("Ben Okafor", "")]
    monkeypatch.setattr("claimdesk.gui.exercise_window._Remembered.get", lambda *_: None)
    seen = launch([str(exercise)], other)
    assert other.asked == ["identity: Week 1"] and seen["annotator"] == "Ben Okafor"
    assert Settings().annotator_name == "Ana Lopes"
