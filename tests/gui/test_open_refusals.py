"""What the window shows when a project file is refused: a message naming the file and the
reason (never a traceback), and the project already open stays open."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from claimdesk.core.store import engine as store
from claimdesk.gui.app import build_window
from claimdesk.gui.settings import Settings
from tests.gui.conftest import ScriptedPrompts


def open_from_the_window(qtbot: QtBot, project_path: Path, other: Path) -> list[str]:
    prompts = ScriptedPrompts()
    window = build_window(str(project_path), Settings(), prompts)
    assert window is not None
    qtbot.addWidget(window)
    prompts.paths = [other]
    window.menu_actions.open_project.trigger()
    assert window.project.path == project_path  # the open project stays open
    window.close()
    return prompts.errors


def test_planted_trigger_is_refused_in_the_window(
    qtbot: QtBot, project_path: Path, tmp_path: Path
) -> None:
    other = tmp_path / "handed over" / "theirs.claimdesk"
    other.parent.mkdir()
    other.write_bytes(project_path.read_bytes())
    conn = sqlite3.connect(other)
    conn.execute("CREATE TRIGGER wipe AFTER INSERT ON annotation BEGIN DELETE FROM label; END")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    errors = open_from_the_window(qtbot, project_path, other)
    assert len(errors) == 1
    assert errors[0].startswith("theirs.claimdesk: holds a trigger 'wipe' on 'annotation'")
    assert "Traceback" not in errors[0]
    assert other.read_bytes() == before
    assert sorted(p.name for p in other.parent.iterdir()) == ["theirs.claimdesk"]


def test_read_only_folder_is_named_in_the_window(
    qtbot: QtBot, project_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "on a CD"
    folder.mkdir()
    other = folder / "archive.claimdesk"
    other.write_bytes(project_path.read_bytes())
    real = os.access

    def access(path: str | os.PathLike[str], mode: int, **kwargs: object) -> bool:
        # root ignores permissions: deny writing at the seam the store asks
        return not (mode & os.W_OK and Path(path) == folder) and real(path, mode)

    monkeypatch.setattr(store.os, "access", access)
    errors = open_from_the_window(qtbot, project_path, other)
    assert errors == [
        "archive.claimdesk: is in a folder Claimdesk cannot write to (WAL needs to write "
        "beside the file); copy it to a writable folder"
    ]
