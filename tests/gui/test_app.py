"""First launch: the sample project is made, the name is asked once, and the window opens."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from claimdesk.core.paths import sample_project_path
from claimdesk.gui.app import build_window, parse_args
from claimdesk.gui.settings import Settings
from tests.gui.conftest import ScriptedPrompts


def test_first_launch_creates_sample_and_asks_name_once(qtbot: QtBot) -> None:
    assert not sample_project_path().exists()
    prompts = ScriptedPrompts()
    prompts.name = "Ana"
    window = build_window(None, Settings(), prompts)
    assert window is not None
    qtbot.addWidget(window)
    assert sample_project_path().exists()
    assert prompts.asked == ["name"]
    assert window.annotator.name == "Ana"
    titles = [window.documents.model.summary(r).title for r in range(2)]
    assert titles[0].startswith("China and Soviet Union Improve Military Ties")
    assert titles[1].startswith("Warming Up to the `Big Polar Bear'")
    assert len(window.labels) == 11
    assert window.view.document_text().startswith("China and Soviet Union")
    window.close()

    again = ScriptedPrompts()
    second = build_window(None, Settings(), again)
    assert second is not None
    qtbot.addWidget(second)
    assert again.asked == []  # not asked twice
    assert second.annotator.name == "Ana"
    assert second.project.path == sample_project_path()
    second.close()


def test_opens_the_project_named_on_the_command_line(qtbot: QtBot, project_path: Path) -> None:
    assert parse_args([str(project_path)]).project == str(project_path)
    window = build_window(str(project_path), Settings(), ScriptedPrompts())
    assert window is not None
    qtbot.addWidget(window)
    assert window.project.path == project_path
    assert Settings().last_project == str(project_path)
    window.close()


def test_a_bad_file_on_the_command_line_is_reported_and_left_alone(
    qtbot: QtBot, tmp_path: Path
) -> None:
    bad = tmp_path / "essay.claimdesk"
    bad.write_text("not a project", "utf-8")
    prompts = ScriptedPrompts()
    assert build_window(str(bad), Settings(), prompts) is None
    assert "essay.claimdesk" in prompts.errors[0] and "not a SQLite database" in prompts.errors[0]
    assert bad.read_text("utf-8") == "not a project"


def test_new_and_open_project_from_the_window(
    qtbot: QtBot, project_path: Path, tmp_path: Path
) -> None:
    prompts = ScriptedPrompts()
    window = build_window(str(project_path), Settings(), prompts)
    assert window is not None
    qtbot.addWidget(window)
    fresh = tmp_path / "fresh.claimdesk"
    prompts.paths = [fresh]
    window.new_action.trigger()
    assert window.project.path == fresh
    assert window.documents.model.rowCount() == 0
    assert [label.name for label in window.labels.values()][:2] == ["Claim", "Evidence"]
    assert window.annotator.name == "Ana"
    bad = tmp_path / "bad.claimdesk"
    bad.write_bytes(b"garbage" * 50)
    prompts.paths = [bad]
    window.open_action.trigger()
    assert "bad.claimdesk" in prompts.errors[-1]
    assert window.project.path == fresh  # the open project stays open
    prompts.paths = [project_path]
    window.open_action.trigger()
    assert window.project.path == project_path
    assert Settings().last_project == str(project_path)
    window.close()


def test_first_launch_refuses_controls_and_asks_again_but_gold_is_a_name(qtbot: QtBot) -> None:
    class Answers(ScriptedPrompts):
        def __init__(self) -> None:
            super().__init__()
            self.answers = ["Ann\x1b[2J", " Gold "]

        def annotator_name(self, current: str = "") -> str | None:
            self.asked.append("name")
            return self.answers.pop(0)

    prompts = Answers()
    window = build_window(None, Settings(), prompts)
    assert window is not None
    qtbot.addWidget(window)
    assert prompts.asked.count("name") == 2
    assert len(prompts.errors) == 1 and "control characters" in prompts.errors[0]
    # The gold set is marked in the project, not named: a person may be called Gold.
    assert window.annotator.name == "Gold" and not window.annotator.is_gold
