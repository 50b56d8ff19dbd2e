"""The window on a server project whose server goes away: an edit says NOT SAVED at once, the
window keeps trying in the background, and says saved again when the server is back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.exc import OperationalError

from claimdesk.core.codebook import load_codebook
from claimdesk.core.importing import import_paths
from claimdesk.core.paths import seeds_dir
from claimdesk.core.store.project import Project
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.settings import Settings
from tests.gui.conftest import ScriptedPrompts


@pytest.fixture
def server_window(
    qtbot: QtBot, pg_url: str, settings: Settings, prompts: ScriptedPrompts
) -> Iterator[MainWindow]:
    project = Project.create(
        pg_url, name="lab", codebook=load_codebook(seeds_dir() / "codebook.json")
    )
    project._faults.delays = (0.05, 0.1)
    import_paths(project, sorted(seeds_dir().glob("*.txt")))
    project.history = type(project.history)()
    win = MainWindow(project, project.ensure_annotator("Ana"), settings, prompts)
    win.reconnector.timer.setInterval(100)
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    win.open_document(project.documents()[0].id)
    yield win
    win.reconnector.stop()
    project.close()


def _spans(window: MainWindow) -> int:
    project = window.project
    return sum(len(project.annotations(d.id, None)) for d in project.documents())


def test_server_gone_says_not_saved_then_saved_when_back(
    server_window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    window = server_window
    engine = window.project._engine
    real_connect = engine.connect

    def refused() -> Any:
        raise OperationalError("connect", {}, Exception("connection refused"))

    monkeypatch.setattr(engine, "connect", refused)
    text = window.view.document_text()
    start = text.index("arms embargo")
    window.view.set_text_selection(start, start + len("arms embargo"))
    qtbot.keyClick(window.view, "1")
    assert window.saved.text() == "⚠ NOT SAVED"
    assert "cannot be reached" in window.statusBar().currentMessage()
    assert window.reconnector.active
    window.saved.grab().save(str(tmp_path / "not-saved.png"))
    qtbot.wait(300)
    assert window.saved.text() == "⚠ NOT SAVED"  # still away: still says so
    monkeypatch.setattr(engine, "connect", real_connect)
    qtbot.waitUntil(lambda: window.saved.text() == "✓ All changes saved", timeout=5000)
    assert "Connected to the server again" in window.statusBar().currentMessage()
    assert not window.reconnector.active
    assert _spans(window) == 0  # the edit reported as not saved was not made
    # The next edit works on the same open window, without reopening anything.
    window.view.set_text_selection(start, start + len("arms embargo"))
    qtbot.keyClick(window.view, "1")
    assert window.saved.text() == "✓ All changes saved"
    assert _spans(window) == 1
