"""claimdesk-cli import with web pages and office files, as a user runs it: a folder holding
a saved web page (with its _files folder), a Word document and an RTF file imports as three
documents with their metadata, says what each text leaves out, and a damaged file changes
nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimdesk.core.store.project import Project
from tests.core.cli.test_cli import digest, failed, ok, run
from tests.core.text.pages import DEBRIS, news_page
from tests.core.text.test_extract_docx import word_article
from tests.core.text.test_extract_html import FIGURE_AND_TABLE
from tests.core.text.test_extract_rtf import RTF


@pytest.fixture
def made(tmp_path: Path) -> Path:
    """A project made by the CLI with the default codebook."""
    ok(run("new", "p.claimdesk", cwd=tmp_path))
    return tmp_path / "p.claimdesk"


def articles(folder: Path) -> Path:
    folder.mkdir()
    (folder / "bears.html").write_text(news_page(extra=FIGURE_AND_TABLE), encoding="utf-8")
    (folder / "bears_files").mkdir()
    (folder / "bears_files" / "frame.html").write_text(
        "<html><body><p>An advertising frame, not an article.</p></body></html>",
        encoding="utf-8",
    )
    word_article(folder / "report.docx")
    (folder / "ours.rtf").write_bytes(RTF)
    return folder


def test_import_of_pages_and_office_files_keeps_metadata_and_says_what_was_left_out(
    made: Path,
) -> None:
    folder = articles(made.parent / "articles")
    out = ok(run("import", made, folder, cwd=made.parent))
    assert "3 imported, 0 duplicate(s) skipped, 0 rejected." in out
    assert f"left out  {folder / 'bears.html'}: 1 image, 1 table flattened\n" in out
    assert f"left out  {folder / 'report.docx'}: 1 image, 1 table flattened" in out
    assert "frame" not in out
    with Project.open(made) as project:
        documents = {Path(doc.source).name: doc for doc in project.documents()}
        assert sorted(documents) == ["bears.html", "ours.rtf", "report.docx"]
        page = documents["bears.html"]
        assert page.title == "Polar bears return to the bay"
        assert (page.date, page.meta["site"]) == ("2024-03-05", "The Daily Tern")
        assert all(word not in project.document_text(page.id) for word in DEBRIS)
        assert documents["report.docx"].meta["author"] == "Ada Lovelace"
        assert documents["ours.rtf"].title == "Les ours polaires reviennent à la baie"


def test_a_damaged_word_file_is_named_and_the_project_is_unchanged(made: Path) -> None:
    folder = articles(made.parent / "articles")
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not really a Word file")
    before = digest(made)
    stderr = failed(run("import", made, folder, cwd=made.parent), "broken.docx")
    assert "broken.docx: is not a Word document (.docx): it is not a ZIP archive" in stderr
    assert digest(made) == before


def test_import_help_names_every_kind_of_article_file(capsys: pytest.CaptureFixture[str]) -> None:
    from claimdesk.core.cli.main import main
    from claimdesk.core.suffixes import ARTICLE_SUFFIXES

    with pytest.raises(SystemExit):
        main(["import", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert f"searched for {', '.join(ARTICLE_SUFFIXES)} down to" in shown
    assert {".pdf", ".docx", ".html", ".epub", ".txt"} <= set(ARTICLE_SUFFIXES)
