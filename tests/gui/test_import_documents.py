"""Importing web pages and office files from the window: the article's text is what the view
shows, the status bar says what the text leaves out, and a damaged file is named."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import docx
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from claimdesk.gui.main_window import MainWindow
from tests.core.text.pages import DEBRIS, NEWS_PARAGRAPHS, news_page
from tests.core.text.test_extract_docx import word_article
from tests.core.text.test_extract_html import FIGURE_AND_TABLE
from tests.gui.conftest import ScriptedPrompts, db_rows


def test_a_web_page_and_a_word_file_import_from_the_window(
    window: MainWindow, qtbot: QtBot, prompts: ScriptedPrompts, tmp_path: Path, project_path: Path
) -> None:
    page = tmp_path / "bears.html"
    page.write_text(news_page(extra=FIGURE_AND_TABLE), encoding="utf-8")
    prompts.paths = [page, word_article(tmp_path / "report.docx")]
    window.menu_actions.import_articles.trigger()
    qtbot.waitUntil(lambda: window.documents.model.rowCount() == 4, timeout=20_000)
    shown = window.view.document_text()
    assert shown.startswith("Polar bears return to the bay\n\n" + NEWS_PARAGRAPHS[0])
    assert all(word not in shown for word in DEBRIS)
    message = window.statusBar().currentMessage()
    assert "Imported 2 document(s)." in message
    assert (
        "Left out of the text: bears.html: 1 image, 1 table flattened; "
        "report.docx: 1 image, 1 table flattened, page headers and footers." in message
    )
    window.grab().save(str(Path("/tmp") / "claimdesk-import-documents.png"))
    rows = db_rows(project_path, "SELECT title, date, meta FROM document WHERE id > 2 ORDER BY id")
    assert [(title, date) for title, date, _ in rows] == [
        ("Polar bears return to the bay", "2024-03-05"),
        ("Polar bears return to the bay", "2024-03-05"),
    ]
    meta = json.loads(str(rows[0][2]))
    assert meta["site"] == "The Daily Tern"
    assert meta["url"] == "https://tern.example/news/polar-bears"
    window.undo()
    assert window.documents.model.rowCount() == 2


def test_a_damaged_word_file_is_named_before_anything_is_imported(
    window: MainWindow, qtbot: QtBot, prompts: ScriptedPrompts, tmp_path: Path, project_path: Path
) -> None:
    page = tmp_path / "bears.html"
    page.write_text(news_page(), encoding="utf-8")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a Word file")
    prompts.paths = [page, broken]
    prompts.confirms = [False]
    window.menu_actions.import_articles.trigger()
    qtbot.waitUntil(lambda: any(q.startswith("confirm") for q in prompts.asked), timeout=20_000)
    assert (
        "broken.docx: is not a Word document (.docx): it is not a ZIP archive"
        in (prompts.asked[-1])
    )
    assert len(db_rows(project_path, "SELECT id FROM document")) == 2


def test_the_document_list_says_who_wrote_an_imported_file_and_where_it_came_from(
    window: MainWindow, qtbot: QtBot, prompts: ScriptedPrompts, tmp_path: Path
) -> None:
    page = tmp_path / "bears.html"
    page.write_text(news_page(), encoding="utf-8")
    document = docx.Document()
    document.core_properties.author = "Ada <b>Lovelace</b>"
    document.core_properties.created = dt.datetime(2024, 3, 5, tzinfo=dt.UTC)
    document.add_paragraph("A report on the bears, written in Word.")
    document.save(tmp_path / "report.docx")
    prompts.paths = [page, tmp_path / "report.docx"]
    window.menu_actions.import_articles.trigger()
    qtbot.waitUntil(lambda: window.documents.model.rowCount() == 4, timeout=20_000)
    model = window.documents.model

    def tip(row: int) -> str:
        return str(model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole))

    assert tip(2) == (
        "<qt>Ada Lovelace · 2024-03-05 · The Daily Tern · "
        "https://tern.example/news/polar-bears<br>646 characters</qt>"
    )
    # Plain text from the file, escaped so the tooltip never renders it as markup.
    assert tip(3).startswith("<qt>Ada &lt;b&gt;Lovelace&lt;/b&gt; · 2024-03-05<br>")
    assert tip(0).endswith(" characters") and "·" not in tip(0)
