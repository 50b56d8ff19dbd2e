"""File dialogs start in the last folder used, the project's folder or Documents: never the
working directory of the process, never Claimdesk's hidden data folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from claimdesk.core.paths import in_data_dir, user_data_dir, user_documents_dir
from claimdesk.core.sample import ensure_sample_project
from claimdesk.core.store.project import Project
from claimdesk.gui.dialogs import Prompts
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.places import ARTICLES, PROJECTS, Places, free_name, start_folder
from claimdesk.gui.settings import Settings
from tests.gui.classroom_prompts import ClassroomPrompts


def test_start_folder_last_used_then_project_then_documents_then_home(
    settings: Settings, project_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = user_documents_dir()
    assert start_folder(settings, ARTICLES) == documents  # nothing known yet
    assert start_folder(settings, ARTICLES, project_path) == project_path.parent
    # The sample project lives in the hidden data folder: Documents instead.
    assert start_folder(settings, ARTICLES, ensure_sample_project()) == documents

    used = tmp_path / "used"
    used.mkdir()
    settings.set_last_folder(ARTICLES, used)
    assert start_folder(Settings(), ARTICLES, project_path) == used  # kept across launches
    assert start_folder(settings, PROJECTS, project_path) == project_path.parent  # per kind
    used.rmdir()  # a USB stick pulled out: the next place that exists
    assert start_folder(settings, ARTICLES, project_path) == project_path.parent

    # A project whose folder is gone, and an account without Documents: home.
    monkeypatch.setenv("CLAIMDESK_DOCUMENTS_DIR", str(tmp_path / "no such folder"))
    monkeypatch.setenv("HOME", str(tmp_path))
    assert start_folder(settings, ARTICLES, tmp_path / "gone" / "x.claimdesk") == tmp_path


def test_a_new_file_is_offered_a_name_not_yet_taken(tmp_path: Path) -> None:
    assert free_name(tmp_path, "New project", ".claimdesk") == "New project.claimdesk"
    (tmp_path / "New project.claimdesk").touch()
    (tmp_path / "New project 2.claimdesk").touch()
    assert free_name(tmp_path, "New project", ".claimdesk") == "New project 3.claimdesk"


class Asked:
    """Stands in for QFileDialog's static functions: records where each dialog started."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from PySide6.QtWidgets import QFileDialog

        self.started: list[tuple[str, str]] = []
        self.answers: list[object] = []
        for name in ("getOpenFileName", "getOpenFileNames", "getSaveFileName"):
            monkeypatch.setattr(QFileDialog, name, self._answer(name, 2))
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", self._answer("folder", 2))

    def _answer(self, name: str, where: int) -> object:
        def answer(*args: object) -> object:
            self.started.append((name, str(args[where]) if len(args) > where else ""))
            return self.answers.pop(0)

        return staticmethod(answer)


@pytest.fixture
def real_prompts_window(qtbot: QtBot, seeded: Project, settings: Settings) -> Iterator[MainWindow]:
    window = MainWindow(seeded, seeded.ensure_annotator("Ana"), settings, Prompts())
    qtbot.addWidget(window)
    window.show()
    yield window
    window.close()


def test_the_windows_file_dialogs_start_in_the_projects_folder_then_where_the_user_went(
    qtbot: QtBot,
    real_prompts_window: MainWindow,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    window = real_prompts_window
    here = str(window.project.path.parent)
    assert Path.cwd() != window.project.path.parent
    asked = Asked(monkeypatch)
    asked.answers = [("", ""), ("", ""), "", ([], "")]  # each dialog cancelled
    window.menu_actions.open_project.trigger()
    window.menu_actions.new_project.trigger()
    window.menu_actions.import_folder.trigger()
    window.menu_actions.import_articles.trigger()
    assert asked.started == [
        ("getOpenFileName", here),
        ("getSaveFileName", str(window.project.path.parent / "New project.claimdesk")),
        ("folder", here),
        ("getOpenFileNames", here),
    ]

    # Articles imported from another folder: the next import starts there, even next launch.
    elsewhere = tmp_path / "articles"
    elsewhere.mkdir()
    article = elsewhere / "note.txt"
    article.write_text("Officials said the embargo would be lifted in May.\n", "utf-8")
    before = window.documents.model.rowCount()
    asked.started.clear()
    asked.answers = [([str(article)], ""), ([], "")]
    window.menu_actions.import_articles.trigger()
    qtbot.waitUntil(lambda: window.documents.model.rowCount() > before, timeout=10000)
    window.menu_actions.import_articles.trigger()
    assert asked.started == [("getOpenFileNames", here), ("getOpenFileNames", str(elsewhere))]
    assert Settings().last_folder(ARTICLES) == elsewhere
    # Other kinds of file still start in the project's folder.
    asked.answers = [("", "")]
    window.menu_actions.open_project.trigger()
    assert asked.started[-1] == ("getOpenFileName", here)


def test_the_dashboards_chart_is_offered_in_the_projects_folder(
    qtbot: QtBot, real_prompts_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = real_prompts_window
    dashboard = window.open_dashboard()
    qtbot.addWidget(dashboard)
    qtbot.waitUntil(lambda: dashboard.report is not None, timeout=20000)
    asked = Asked(monkeypatch)
    asked.answers = [("", ""), ""]
    assert dashboard.save_png() is None
    assert dashboard.save_csv() == []
    folder = window.project.path.parent
    name, start = asked.started[0]
    assert name == "getSaveFileName" and Path(start).parent == folder
    assert Path(start).suffix == ".png"
    assert asked.started[1] == ("folder", str(folder))
    dashboard.close()


def test_the_sample_project_never_sends_a_dialog_or_an_exercise_into_the_data_folder(
    qtbot: QtBot, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = Project.open(ensure_sample_project())
    prompts = ClassroomPrompts()
    window = MainWindow(sample, sample.ensure_annotator("Teacher"), settings, prompts)
    qtbot.addWidget(window)
    documents = user_documents_dir()
    assert window.places.folder(PROJECTS) == documents

    # Classroom › Create exercise: the file handed to students is suggested in Documents.
    suggested: list[str] = []

    def fill(dialog: object) -> None:
        from claimdesk.gui.teacher_dialogs import CreateExerciseDialog

        assert isinstance(dialog, CreateExerciseDialog)
        dialog.title.setText("Week 1")
        suggested.append(dialog.destination.text())

    prompts.fill_exercise = fill
    window.menu_actions.create_exercise.trigger()
    assert suggested == [str(documents / "Week 1.claimdesk-exercise")]
    assert not in_data_dir(suggested[0]) and in_data_dir(window.project.path)
    assert (documents / "Week 1.claimdesk-exercise").is_file()
    assert not list(user_data_dir().glob("*.claimdesk-exercise"))
    window.close()


def test_a_window_without_settings_still_starts_in_documents() -> None:
    assert Places().folder(ARTICLES) == user_documents_dir()
    assert Places().suggest(PROJECTS, "x.claimdesk") == user_documents_dir() / "x.claimdesk"


def test_a_students_submission_is_offered_beside_the_exercise_else_in_documents(
    qtbot: QtBot, seeded: Project, tmp_path: Path
) -> None:
    from claimdesk.core.classroom.exercise import create_exercise
    from claimdesk.gui.app import build_window

    handout = tmp_path / "handout"
    handout.mkdir()
    documents = [d.id for d in seeded.documents()]
    exercise = create_exercise(seeded, handout / "week1", title="Week 1", document_ids=documents)
    assert exercise.path is not None
    prompts = ClassroomPrompts()
    prompts.identities = [("Eve", "")]
    window = build_window(str(exercise.path), Settings(), prompts)
    assert window is not None and window.student_mode is not None
    qtbot.addWidget(window)
    assert in_data_dir(window.project.path)  # the private workspace may stay hidden
    student = window.student_mode
    assert student.default_submission_path() == handout / "Week 1 - Eve.claimdesk-submission"
    handout.rename(tmp_path / "moved")  # the USB stick is gone: Documents, not the workspace's
    assert student.default_submission_path().parent == user_documents_dir()
    window.close()
