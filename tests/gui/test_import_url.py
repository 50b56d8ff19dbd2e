"""File › Import from URL… and Edit › Paste as new document, driven as a user does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox, QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

from claimdesk.core.net import fetch as fetch_module
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.url_dialog import UrlDialog
from tests.gui.conftest import ScriptedPrompts, db_rows
from tests.web_pages import (
    NEWS_DEBRIS,
    NEWS_PAGE,
    NEWS_SENTENCES,
    NEWS_TITLE,
    WebServer,
    web_server,
)

PASTE = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def server() -> Iterator[WebServer]:
    with web_server() as running:
        yield running


def documents(project_path: Path) -> list[tuple[str, str, dict[str, object]]]:
    rows = db_rows(project_path, "SELECT title, source, meta FROM document ORDER BY id")
    return [(str(title), str(source), json.loads(str(meta))) for title, source, meta in rows]


# -- File › Import from URL… -------------------------------------------------------------------


def test_a_web_page_is_imported_opened_and_undone_in_one_step(
    window: MainWindow,
    qtbot: QtBot,
    prompts: ScriptedPrompts,
    server: WebServer,
    project_path: Path,
) -> None:
    prompts.web_addresses = [server.url("/moved")]
    window.menu_actions.import_url.trigger()
    qtbot.waitUntil(lambda: window.documents.model.rowCount() == 3, timeout=10_000)
    shown = window.view.document_text()
    assert shown == "\n\n".join([NEWS_TITLE, *NEWS_SENTENCES])
    assert not any(debris in shown for debris in NEWS_DEBRIS)
    assert "Imported 1 document(s)." in window.statusBar().currentMessage()
    title, source, meta = documents(project_path)[-1]
    assert (title, source) == (NEWS_TITLE, server.url("/news"))
    assert meta["url"] == server.url("/news")
    assert str(meta["fetched"]).startswith("20")
    window.undo()
    assert window.documents.model.rowCount() == 2
    assert len(documents(project_path)) == 2


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing", "the server has no such page (404 Not Found)"),
        ("/never", "the server did not answer within 0.5 seconds"),
        ("/to-file", "redirects to file:///etc/passwd; only redirects to http:// and https://"),
        ("/photo", "is an image (image/png), not a web page or text"),
    ],
)
def test_a_page_that_cannot_be_imported_is_named_with_the_reason(
    window: MainWindow,
    qtbot: QtBot,
    prompts: ScriptedPrompts,
    server: WebServer,
    project_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    path: str,
    reason: str,
) -> None:
    monkeypatch.setattr(fetch_module, "TIMEOUT", 0.5)
    prompts.web_addresses = [server.url(path)]
    window.menu_actions.import_url.trigger()
    qtbot.waitUntil(lambda: bool(prompts.errors), timeout=10_000)
    (message,) = prompts.errors
    assert message.startswith(f"Nothing could be imported:\n\n• {server.url(path)}: {reason}")
    assert "Traceback" not in message
    assert len(documents(project_path)) == 2


def test_cancel_stops_a_slow_download_and_imports_nothing(
    window: MainWindow,
    qtbot: QtBot,
    prompts: ScriptedPrompts,
    server: WebServer,
    project_path: Path,
) -> None:
    prompts.web_addresses = [server.url("/slow")]
    window.menu_actions.import_url.trigger()
    qtbot.waitUntil(lambda: window.findChild(QProgressDialog) is not None, timeout=5_000)
    dialog = window.findChild(QProgressDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)  # shown once the fetch takes a while
    assert dialog.labelText() == f"Fetching {server.url('/slow')}…"
    (cancel,) = [b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel"]
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: window.statusBar().currentMessage() == "Import cancelled; nothing was imported.",
        timeout=10_000,
    )
    assert prompts.errors == []
    assert len(documents(project_path)) == 2


def test_the_dialog_refuses_what_cannot_be_fetched_and_completes_a_bare_name(
    qtbot: QtBot,
) -> None:
    QGuiApplication.clipboard().setText("not an address")
    dialog = UrlDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.field.text() == ""
    assert not dialog.import_button.isEnabled()  # nothing typed yet
    qtbot.keyClicks(dialog.field, "file:///etc/passwd")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible()
    assert dialog.problem.isVisible()
    assert dialog.problem.text() == (
        "This cannot be fetched: only web pages (http:// and https://) can be imported, "
        "not file: addresses."
    )
    dialog.field.setText("example.org/news/talks")
    assert not dialog.problem.isVisible()  # editing clears the complaint
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert not dialog.isVisible()
    assert dialog.address() == "https://example.org/news/talks"


def test_the_dialog_offers_the_address_on_the_clipboard(qtbot: QtBot) -> None:
    QGuiApplication.clipboard().setText("https://news.example.org/2024/talks?id=3\n")
    dialog = UrlDialog()
    qtbot.addWidget(dialog)
    assert dialog.field.text() == "https://news.example.org/2024/talks?id=3"
    assert dialog.import_button.isEnabled()


# -- Edit › Paste as new document ---------------------------------------------------------------


def put_on_clipboard(text: str, html: str = "") -> None:
    mime = QMimeData()
    mime.setText(text)
    if html:
        mime.setHtml(html)
    QGuiApplication.clipboard().setMimeData(mime)


def test_ctrl_shift_v_pastes_a_copied_page_as_its_article(
    window: MainWindow, qtbot: QtBot, project_path: Path
) -> None:
    put_on_clipboard("Home | World | Politics\nAccept all cookies\n" + NEWS_TITLE, NEWS_PAGE)
    qtbot.keyClick(window, Qt.Key.Key_V, PASTE)
    qtbot.waitUntil(lambda: window.documents.model.rowCount() == 3, timeout=10_000)
    assert window.view.document_text() == "\n\n".join([NEWS_TITLE, *NEWS_SENTENCES])
    title, source, meta = documents(project_path)[-1]
    assert (title, source) == (NEWS_TITLE, "clipboard")
    assert meta["author"] == "Mira Kovač"
    window.undo()
    assert len(documents(project_path)) == 2


def test_pasted_plain_text_keeps_its_lines_and_the_same_text_twice_is_skipped(
    window: MainWindow, qtbot: QtBot, project_path: Path
) -> None:
    text = "Ceasefire holds\r\n\r\nThe ceasefire held through the night.\r\nOfficials agreed."
    put_on_clipboard(text)
    window.menu_actions.paste_document.trigger()
    qtbot.waitUntil(lambda: window.documents.model.rowCount() == 3, timeout=10_000)
    assert window.view.document_text() == (
        "Ceasefire holds\n\nThe ceasefire held through the night.\nOfficials agreed."
    )
    window.menu_actions.paste_document.trigger()
    qtbot.waitUntil(
        lambda: "already in the project" in window.statusBar().currentMessage(), timeout=10_000
    )
    assert len(documents(project_path)) == 3


def test_an_empty_clipboard_says_so_and_adds_nothing(
    window: MainWindow, qtbot: QtBot, project_path: Path
) -> None:
    QGuiApplication.clipboard().clear()
    window.menu_actions.paste_document.trigger()
    assert window.statusBar().currentMessage() == "The clipboard holds no text to paste."
    assert len(documents(project_path)) == 2


def test_both_items_are_in_their_menus(window: MainWindow) -> None:
    actions = window.menu_actions
    assert actions.paste_document.shortcut().toString() == "Ctrl+Shift+V"
    file_menu, edit_menu = (
        next(a.menu() for a in window.menuBar().actions() if a.text() == name)
        for name in ("&File", "&Edit")
    )
    assert actions.import_url in file_menu.actions()
    assert actions.paste_document in edit_menu.actions()
    assert actions.import_url.text() == "Import from UR&L…"
