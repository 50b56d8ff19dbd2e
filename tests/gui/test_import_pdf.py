"""Importing PDFs from the window: the article's text in reading order, what was left out said in
the status bar, a scan refused by name before anything is stored."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from claimdesk.gui.main_window import MainWindow
from tests.core.text.pdf_fixtures import scanned_article, two_column_article
from tests.core.text.test_extract_pdf import polar_bear
from tests.gui.conftest import ScriptedPrompts, db_rows


def test_a_pdf_and_a_scan_from_the_window(
    window: MainWindow, qtbot: QtBot, prompts: ScriptedPrompts, tmp_path: Path, project_path: Path
) -> None:
    # The window's project holds the seed article already (the same text is skipped as a
    # duplicate), so this one has a headline of its own.
    title, body = "A thaw between Beijing and Moscow", polar_bear()[1]
    article = tmp_path / "polar-bear.pdf"
    article.write_bytes(two_column_article(title, body))
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scanned_article(body))
    prompts.paths = [article, scan]
    prompts.confirms = [True]  # import the rest
    assert "PDF" in window.menu_actions.import_articles.statusTip()

    window.menu_actions.import_articles.trigger()

    qtbot.waitUntil(lambda: window.documents.model.rowCount() == 3, timeout=20_000)
    assert "scan.pdf: no text layer: run OCR first" in prompts.asked[1]
    assert window.view.document_text() == "\n\n".join([title, *body])
    message = window.statusBar().currentMessage()
    assert "Left out of the text: polar-bear.pdf: running header" in message
    assert "page numbers (2 pages)" in message
    rows = db_rows(project_path, "SELECT title, date FROM document WHERE id = 3")
    assert rows == [(title, "1989-03-02")]
    window.undo()
    assert window.documents.model.rowCount() == 2


def test_the_smoke_test_reads_a_pdf_too(tmp_path: Path) -> None:
    from claimdesk.gui.smoke_articles import read_every_article_kind

    summary = read_every_article_kind(tmp_path)

    assert ".pdf" in summary.split("(")[0]
    assert "no sample" not in summary
