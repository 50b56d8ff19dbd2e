"""The window on a server project while its server is away: reads end calmly ("Server
unreachable" in the status bar, the view kept), and what is shown is read again once the server is
back. The server is the real test cluster behind a gate that can cut every connection and refuse
new ones, as a stopped server or a dropped network does."""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from claimdesk.core.codebook import load_codebook
from claimdesk.core.importing import import_paths
from claimdesk.core.paths import seeds_dir, user_documents_dir
from claimdesk.core.store.project import Project
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.server_dialog import ServerChoice
from claimdesk.gui.server_open import open_server_project
from claimdesk.gui.settings import Settings
from claimdesk.gui.theme import apply_theme
from tests.gui.conftest import ScriptedPrompts
from tests.gui.test_export_dialog import DatasetPrompts

AWAY = "⚠ Server unreachable"
SAVED = "✓ All changes saved"
RECONNECTING = "Live updates: reconnecting…"


class Gate:
    """A TCP forwarder on 127.0.0.1 in front of the cluster. ``close`` cuts every connection and
    refuses new ones (the port is closed); ``open`` listens on the same port again."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream = upstream_port
        self.port = 0
        self._server: socket.socket | None = None
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        self.held = threading.Event()  # set: new connections wait (an open that takes a while)
        self.released = threading.Event()
        self.open()

    def open(self) -> None:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(16)
        self.port = server.getsockname()[1]
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def close(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            # shutdown wakes the accept() under way: close alone would leave the port listening.
            with contextlib.suppress(OSError):
                server.shutdown(socket.SHUT_RDWR)
            server.close()
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for a, b in pairs:
            for end in (a, b):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            if self.held.is_set():
                self.released.wait(30)
            upstream = socket.create_connection(("127.0.0.1", self.upstream))
            with self._lock:
                self._pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        ends = {a: b, b: a}
        try:
            while True:
                ready, _, _ = select.select(list(ends), [], [], 1.0)
                for end in ready:
                    data = end.recv(65536)
                    if not data:
                        return
                    ends[end].sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for end in (a, b):
                with contextlib.suppress(OSError):
                    end.close()


@pytest.fixture
def gate(pg_cluster: object) -> Iterator[Gate]:
    opened = Gate(pg_cluster.port)  # type: ignore[attr-defined]
    yield opened
    opened.released.set()
    opened.close()


@pytest.fixture
def shared(pg_url: str) -> str:
    project = Project.create(
        pg_url, name="lab", codebook=load_codebook(seeds_dir() / "codebook.json")
    )
    import_paths(project, sorted(seeds_dir().glob("*.txt")))
    project.close()
    return pg_url


def through(url: str, gate: Gate) -> str:
    host, rest = url.split("@127.0.0.1:", 1)
    return f"{host}@127.0.0.1:{gate.port}/{rest.split('/', 1)[1]}"


@pytest.fixture
def away_window(
    qtbot: QtBot, shared: str, gate: Gate, settings: Settings, prompts: ScriptedPrompts
) -> Iterator[MainWindow]:
    project = Project.open(through(shared, gate))
    win = MainWindow(project, project.ensure_annotator("Ana"), settings, prompts)
    win.reconnector.timer.setInterval(100)
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.live.listening, timeout=5000)
    yield win
    win.reconnector.stop()
    win.live.stop()
    project.close()


def everyone(window: MainWindow, document_id: int) -> object:
    model = window.documents.model
    return model.index(model.row_of(document_id), 3).data()


def bea_marks(url: str, document_id: int) -> None:
    """Someone else, straight on the server (not through the gate), files a claim."""
    with Project.open(url) as other:
        bea = other.ensure_annotator("Bea")
        start = other.document_text(document_id).index("The")
        other.add_annotation(document_id, other.labels()[0].id, bea.id, start, start + 3)


def test_reads_while_the_server_is_away_end_calmly_and_come_back(
    qtbot: QtBot, away_window: MainWindow, prompts: ScriptedPrompts, gate: Gate, shared: str
) -> None:
    window = away_window
    first, second = window.documents.model.document_ids()
    assert window.document_id == first
    text_before = window.view.document_text()
    gate.close()

    # Switching documents: the article shown stays, and so does the list's selection.
    window.menu_actions.next_document.trigger()
    assert window.document_id == first
    assert window.view.document_text() == text_before
    assert window.documents.open_id == first
    assert window.saved.text() == AWAY
    assert "server cannot be reached" in window.statusBar().currentMessage()
    assert window.reconnector.active
    window.documents.documentActivated.emit(second)  # a click in the list: the same
    assert window.document_id == first

    # The review windows do not open, and say nothing more than the status bar does.
    window.menu_actions.curate.trigger()
    assert window.curation is None
    window.menu_actions.dashboard.trigger()
    assert window.dashboard is None
    window.menu_actions.mark_done.trigger()  # an edit: NOT SAVED, as any edit
    assert window.saved.text() == "⚠ NOT SAVED"
    window.menu_actions.edit_note.trigger()
    window.menu_actions.export_dataset.trigger()
    assert prompts.errors == []  # no dialog at all, let alone the unexpected-error one
    assert "note" not in prompts.asked

    # Meanwhile someone else annotates; the server comes back: what is shown is read again.
    bea_marks(shared, first)
    gate.open()
    qtbot.waitUntil(lambda: window.saved.text() == SAVED, timeout=5000)
    assert not window.reconnector.active
    qtbot.waitUntil(lambda: everyone(window, first) == 1, timeout=3000)
    window.menu_actions.next_document.trigger()
    assert window.document_id == second
    assert prompts.errors == []


def test_a_read_failure_alone_says_unreachable_then_reads_again(
    qtbot: QtBot, away_window: MainWindow, prompts: ScriptedPrompts, gate: Gate, shared: str
) -> None:
    window = away_window
    first = window.documents.model.document_ids()[0]
    curation = window.curate_document(first)
    assert curation is not None
    dashboard = window.open_dashboard()
    assert dashboard is not None
    qtbot.waitUntil(lambda: dashboard.task is None and dashboard.report is not None, timeout=15000)
    gate.close()
    assert curation.refresh() is False  # the curation view's own Refresh: kept, and says why
    assert "cannot be reached" in curation.message.text()
    dashboard.refresh_button.click()
    assert "cannot be reached" in dashboard.message.text()
    assert window.saved.text() == AWAY
    assert curation.isVisible() and dashboard.isVisible()

    bea_marks(shared, first)
    gate.open()
    qtbot.waitUntil(lambda: window.saved.text() == SAVED, timeout=5000)
    assert "read again" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: curation.model.rowCount() == 1, timeout=3000)
    qtbot.waitUntil(lambda: everyone(window, first) == 1, timeout=3000)
    assert prompts.errors == []


def test_the_annotation_list_painted_while_away_shows_what_it_can(
    qtbot: QtBot, away_window: MainWindow, prompts: ScriptedPrompts, gate: Gate
) -> None:
    window = away_window
    start = window.view.document_text().index("The")
    window.view.set_text_selection(start, start + 3)
    window.apply_label(next(iter(window.labels)))
    model = window.annotations.model_
    window.reload_document()  # the list fetches its rows' quotes and notes as they are painted
    gate.close()
    assert model.index(0, 0).data() == "…"  # the quote: not read; the label is known
    assert model.index(0, 1).data() == next(iter(window.labels.values())).name
    qtbot.waitUntil(lambda: window.saved.text() == AWAY, timeout=3000)
    gate.open()
    qtbot.waitUntil(lambda: window.saved.text() == SAVED, timeout=5000)
    qtbot.waitUntil(lambda: model.index(0, 0).data() == "The", timeout=3000)
    assert prompts.errors == []


def test_live_updates_say_quietly_that_they_reconnect(
    qtbot: QtBot, away_window: MainWindow, gate: Gate, shared: str
) -> None:
    window = away_window
    note = window.live.note
    assert not note.isVisible()
    gate.close()
    # Only the listener noticed: a quiet note, not a second NOT SAVED.
    qtbot.waitUntil(note.isVisible, timeout=3000)
    assert note.text() == RECONNECTING
    assert window.saved.text() == SAVED
    assert "bold" not in note.styleSheet()
    # A read fails too: one message for one problem.
    window.menu_actions.next_document.trigger()
    assert window.saved.text() == AWAY
    assert not note.isVisible()
    gate.open()
    qtbot.waitUntil(lambda: window.saved.text() == SAVED, timeout=5000)
    qtbot.waitUntil(lambda: window.live.listening, timeout=5000)
    qtbot.waitUntil(lambda: not note.isVisible(), timeout=3000)
    first = window.documents.model.document_ids()[0]
    bea_marks(shared, first)  # and others' edits show up again by themselves
    qtbot.waitUntil(lambda: everyone(window, first) == 1, timeout=3000)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_grab_the_window_while_the_server_is_away(
    qtbot: QtBot, away_window: MainWindow, gate: Gate, theme: str
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, theme)
    try:
        window = away_window
        gate.close()
        qtbot.waitUntil(window.live.note.isVisible, timeout=3000)
        window.statusBar().grab().save(f"/tmp/gui-away-live-{theme}.png")
        window.menu_actions.next_document.trigger()
        assert window.saved.text() == AWAY
        qtbot.wait(50)  # the status bar lays out its new words
        assert not window.grab().toImage().isNull()
        window.grab().save(f"/tmp/gui-away-{theme}.png")
        window.statusBar().grab().save(f"/tmp/gui-away-bar-{theme}.png")
    finally:
        apply_theme(app, "light")


def test_the_dashboard_follows_your_own_edits_on_a_server(
    qtbot: QtBot, away_window: MainWindow
) -> None:
    window = away_window
    dashboard = window.open_dashboard()
    assert dashboard is not None
    qtbot.waitUntil(lambda: dashboard.task is None and dashboard.report is not None, timeout=15000)
    assert dashboard.report is not None
    before = int(dashboard.report.label_frequencies.sum())
    start = window.view.document_text().index("The")
    window.view.set_text_selection(start, start + 3)
    window.apply_label(next(iter(window.labels)))
    assert "press Refresh" not in dashboard.message.text()
    qtbot.waitUntil(
        lambda: (
            dashboard.task is None
            and dashboard.report is not None
            and int(dashboard.report.label_frequencies.sum()) == before + 1
        ),
        timeout=15000,
    )


def test_export_of_a_server_project_suggests_documents_named_after_the_database(
    qtbot: QtBot, shared: str, settings: Settings
) -> None:
    prompts = DatasetPrompts()
    prompts.export_choices = [None]
    project = Project.open(shared)
    window = MainWindow(project, project.ensure_annotator("Ana"), settings, prompts)
    qtbot.addWidget(window)
    try:
        window.menu_actions.export_dataset.trigger()
        assert prompts.folders == [user_documents_dir()]
        assert prompts.names == [project.server.database]  # type: ignore[union-attr]
    finally:
        window.live.stop()
        project.close()


def test_the_export_dialog_names_its_file_after_the_database(qtbot: QtBot, tmp_path: Path) -> None:
    from claimdesk.gui.export_dialog import ExportDialog

    dialog = ExportDialog(None, ["Ana"], "Ana", None, folder=tmp_path, name="classlab")  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    assert dialog.destination.edit.text() == str(tmp_path / "classlab.jsonl")


def _connections(url: str) -> int:
    database = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        row = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        ).fetchone()
    return int(row[0]) if row else 0


def test_closing_the_window_while_a_server_project_opens_closes_its_connections(
    qtbot: QtBot, window: MainWindow, shared: str, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimdesk.gui import server_open

    opened: list[object] = []  # held here, so garbage collection cannot close it by chance
    real = server_open.open_signed_in

    def keeping(choice: ServerChoice) -> tuple[Project, object]:
        result = real(choice)
        opened.append(result)
        return result

    monkeypatch.setattr(server_open, "open_signed_in", keeping)
    with Project.open(shared) as project:
        project.ensure_annotator("Ana")
    with psycopg.connect(shared, autocommit=True) as conn:  # the superuser signs in as Ana
        conn.execute("UPDATE annotator SET login = current_user WHERE name = 'Ana'")
    gate.held.set()  # the server answers only once the window is closed
    task = open_server_project(window, ServerChoice(through(shared, gate)))
    window.close()
    gate.released.set()
    qtbot.waitUntil(lambda: not task.running, timeout=15000)
    assert window.project.server is None  # never shown
    assert len(opened) == 1
    qtbot.waitUntil(lambda: _connections(shared) == 0, timeout=5000)
