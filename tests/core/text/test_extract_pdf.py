"""Importing PDFs: the text layer in reading order, without running headers, footers and page
numbers, words broken at line ends joined, metadata kept; scans and locked files refused."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

import pytest
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader

from claimdesk.core.importing import ImportRefused, import_paths
from claimdesk.core.store.project import Project
from claimdesk.core.text.extract import ExtractError
from claimdesk.core.text.extract.pdf import ENCRYPTED, NO_AES, NO_TEXT_LAYER, extract_pdf
from claimdesk.core.text.textio import ArticleError, collect_article_paths, read_article
from tests.core.cli.test_cli import digest, failed, ok, run
from tests.core.text.pdf_fixtures import (
    HEADER,
    locked_article,
    scanned_article,
    two_column_article,
)

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
PATH = Path("polar-bear.pdf")


def polar_bear() -> tuple[str, list[str]]:
    """The seed article's headline and paragraphs, without the web page's debris at its end."""
    paragraphs = (SEEDS / "warming-up-to-the-big-polar-bear.txt").read_text("utf-8").split("\n\n")
    end = paragraphs.index("First in a four-part series on Sino-Soviet relations.")
    return paragraphs[0], paragraphs[1 : end + 1]


@pytest.fixture(scope="module")
def article_pdf() -> bytes:
    title, body = polar_bear()
    return two_column_article(title, body)


def words(text: str) -> set[str]:
    return set(re.findall(r"[\w'`]+(?:-[\w'`]+)*", text))


@pytest.mark.parametrize("drawn_in_reading_order", [False, True], ids=["row-by-row", "by-column"])
@pytest.mark.parametrize(
    "headline",
    [None, "A thaw between Beijing and Moscow"],
    # With a one-line headline the second page's right column holds only two lines.
    ids=["seed-headline", "short-headline"],
)
def test_a_two_column_article_reads_column_by_column_as_the_paragraphs_it_was_made_of(
    drawn_in_reading_order: bool, headline: str | None
) -> None:
    title, body = polar_bear()
    title = headline or title
    data = two_column_article(title, body, drawn_in_reading_order=drawn_in_reading_order)
    assert len(PdfReader(io.BytesIO(data)).pages) == 2

    extracted = extract_pdf(data, PATH)

    assert extracted.text.split("\n\n") == [title, *body]


def test_the_running_header_and_page_numbers_are_left_out_and_the_report_says_so(
    article_pdf: bytes,
) -> None:
    drawn = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(article_pdf)).pages)
    assert drawn.count("Christian Science Monitor") == 2  # once per page in the file

    extracted = extract_pdf(article_pdf, PATH)

    assert "Christian Science Monitor" not in extracted.text
    assert "World" not in extracted.text.split()
    assert not re.search(r"(?m)^\s*\d+\s*$", extracted.text)
    assert extracted.dropped == [
        f"running header “{HEADER} World” (2 pages)",
        "page numbers (2 pages)",
    ]


def test_words_broken_at_line_ends_are_whole_again(article_pdf: bytes) -> None:
    drawn = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(article_pdf)).pages)
    broken = re.findall(r"(\w+)-\n", drawn)
    assert len(broken) > 10  # the fixture does break words

    text = extract_pdf(article_pdf, PATH).text

    title, body = polar_bear()
    assert words(text) == words("\n".join([title, *body]))
    assert "Afghanistan" in text and "Gorbachev's power" in text
    # A hyphen the words had of their own is kept, at a line end too (SS-/20, Sino-/Soviet).
    assert "SS-20 missiles" in text


def test_the_title_author_and_date_come_from_the_pdf(article_pdf: bytes) -> None:
    meta = extract_pdf(article_pdf, PATH).meta

    assert meta == {
        "title": polar_bear()[0],
        "author": "Ann Scott Tyson",
        "date": "1989-03-02",
    }


@pytest.mark.parametrize("pdf_title", ["Microsoft Word - polar bear.docx", "Untitled", " "])
def test_a_title_that_only_names_a_file_is_no_title(pdf_title: str) -> None:
    data = two_column_article("Headline", ["One paragraph."], pdf_title=pdf_title)

    assert "title" not in extract_pdf(data, PATH).meta


@pytest.mark.parametrize("stamp", [None, "Downloaded from the newspaper archive on 3 March 2024"])
def test_a_scan_without_a_text_layer_is_refused_with_the_reason(stamp: str | None) -> None:
    # A download stamp on each page is text, but only a running footer: still a scan.
    data = scanned_article(polar_bear()[1], stamp=stamp)

    with pytest.raises(ExtractError) as refused:
        extract_pdf(data, PATH)

    assert str(refused.value) == NO_TEXT_LAYER == "no text layer: run OCR first"


def test_a_pdf_that_needs_a_password_is_refused_by_name() -> None:
    with pytest.raises(ExtractError) as refused:
        extract_pdf(locked_article("Beijing is confident of Gorbachev's power."), PATH)

    assert str(refused.value) == ENCRYPTED
    assert str(refused.value).startswith("is protected by a password")


def test_a_pdf_anyone_can_open_is_read_even_with_an_owner_password() -> None:
    data = locked_article("Beijing is confident of Gorbachev's power.", user_password="")

    assert PdfReader(io.BytesIO(data)).is_encrypted
    assert extract_pdf(data, PATH).text == "Beijing is confident of Gorbachev's power."


# Encrypted with AES and no password to open (only an owner password), as publishers' PDFs
# often are. Made once, where the cryptography package was installed: fpdf2 wrote the AES-128
# one (locked_article(..., user_password="", aes=True)), pypdf's PdfWriter.encrypt(
# algorithm="AES-256") the other.
AES_PDFS = sorted((Path(__file__).parent / "data").glob("aes*-no-user-password.pdf"))


@pytest.mark.parametrize("path", AES_PDFS, ids=lambda path: path.stem)
def test_an_aes_encrypted_pdf_anyone_can_open_is_read_or_says_what_is_missing(path: Path) -> None:
    try:
        import cryptography  # noqa: F401
    except ImportError:
        with pytest.raises(ExtractError) as refused:
            extract_pdf(path.read_bytes(), path)
        assert str(refused.value) == NO_AES
        assert str(refused.value).startswith("is encrypted with AES")
    else:
        extracted = extract_pdf(path.read_bytes(), path)
        assert extracted.text == "Beijing is confident of Gorbachev's power."


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"Not a PDF at all", "is not a PDF file (it does not start with %PDF-)"),
        (b"%PDF-1.7\n%%EOF", "is not a readable PDF ("),
        (two_column_article("Headline", ["One paragraph."])[:600], "is not a readable PDF ("),
    ],
    ids=["text", "empty-pdf", "cut-short"],
)
def test_a_broken_file_is_refused_with_a_sentence(data: bytes, reason: str) -> None:
    with pytest.raises(ExtractError) as refused:
        extract_pdf(data, PATH)

    assert str(refused.value).startswith(reason)
    assert "Traceback" not in str(refused.value)


def test_pages_without_text_and_images_are_said_in_the_report() -> None:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 5, "Soviet shoppers snap up basic consumer goods.")
    pdf.image(Image.new("RGB", (40, 30), "red"), x=20, y=60, w=40)
    pdf.add_page()
    pdf.image(Image.new("L", (300, 400), 200), x=10, y=10, w=190)
    pdf.set_creation_date(datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC))

    extracted = extract_pdf(bytes(pdf.output()), PATH)

    assert extracted.text == "Soviet shoppers snap up basic consumer goods."
    assert extracted.dropped == ["page 2 has no text", "2 images"]


# -- through the one import path -------------------------------------------------------------


def test_a_pdf_reads_as_an_article_with_its_title_metadata_and_what_was_left_out(
    tmp_path: Path, article_pdf: bytes
) -> None:
    path = tmp_path / "polar-bear.pdf"
    path.write_bytes(article_pdf)

    article = read_article(path)

    title, body = polar_bear()
    assert article.text == "\n\n".join([title, *body])
    assert article.title == title
    assert dict(article.meta) == {"title": title, "author": "Ann Scott Tyson", "date": "1989-03-02"}
    assert article.dropped == (
        f"running header “{HEADER} World” (2 pages)",
        "page numbers (2 pages)",
    )


def test_a_folder_of_articles_includes_its_pdfs(tmp_path: Path, article_pdf: bytes) -> None:
    (tmp_path / "b.PDF").write_bytes(article_pdf)
    (tmp_path / "a.txt").write_text("Talks\n\nResume.\n", encoding="utf-8")

    files, problems = collect_article_paths([tmp_path])

    assert [path.name for path in files] == ["a.txt", "b.PDF"] and problems == []


def test_a_pdf_imports_into_the_project_with_its_metadata(
    project: Project, tmp_path: Path, article_pdf: bytes
) -> None:
    path = tmp_path / "polar-bear.pdf"
    path.write_bytes(article_pdf)

    report, problems = import_paths(project, [path])

    assert problems == []
    (document,) = project.documents()
    assert document.title == polar_bear()[0]
    assert document.date == "1989-03-02"
    assert document.meta["author"] == "Ann Scott Tyson"
    assert project.document_text(document.id).startswith("Warming Up to the `Big Polar Bear'.")
    assert report.dropped == [
        (path, f"running header “{HEADER} World” (2 pages), page numbers (2 pages)")
    ]


def test_a_scan_beside_a_good_pdf_is_refused_by_name_and_the_project_is_unchanged(
    project: Project, tmp_path: Path, article_pdf: bytes
) -> None:
    good = tmp_path / "polar-bear.pdf"
    good.write_bytes(article_pdf)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scanned_article(polar_bear()[1]))

    with pytest.raises(ArticleError) as caught:
        read_article(scan)
    assert str(caught.value).endswith("scan.pdf: no text layer: run OCR first")
    with pytest.raises(ImportRefused, match=r"scan\.pdf: no text layer: run OCR first"):
        import_paths(project, [good, scan])
    assert project.documents() == []


def test_the_command_line_imports_a_pdf_and_refuses_a_locked_one(
    tmp_path: Path, article_pdf: bytes
) -> None:
    ok(run("new", "p.claimdesk", cwd=tmp_path))
    (tmp_path / "polar-bear.pdf").write_bytes(article_pdf)
    (tmp_path / "locked.pdf").write_bytes(locked_article("Beijing is confident."))
    before = digest(tmp_path / "p.claimdesk")

    stderr = failed(run("import", "p.claimdesk", "locked.pdf", "polar-bear.pdf", cwd=tmp_path))

    assert f"locked.pdf: {ENCRYPTED}" in stderr
    assert digest(tmp_path / "p.claimdesk") == before
    out = ok(run("import", "p.claimdesk", "polar-bear.pdf", cwd=tmp_path))
    assert f"  {polar_bear()[0]}" in out
    assert "left out  polar-bear.pdf: running header" in out
    assert "1 imported" in out


def test_words_and_spaces_drawn_one_by_one_keep_their_spaces() -> None:
    # As some word processors write a PDF: every word, and every space, a drawing of its own.
    sentence = "Opossums are some of the most unexpectedly adorable creatures."
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    x = 20.0
    for word in sentence.split():
        for part in (word, " "):
            pdf.text(x, 30, part)
            x += pdf.get_string_width(part)

    assert extract_pdf(bytes(pdf.output()), PATH).text == sentence


def test_turned_text_is_left_out_and_said() -> None:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.text(20, 30, "Soviet shoppers snap up basic consumer goods.")
    with pdf.rotation(90, x=10, y=250):
        pdf.text(10, 250, "Downloaded from the archive on 3 March 2024")

    extracted = extract_pdf(bytes(pdf.output()), PATH)

    assert extracted.text == "Soviet shoppers snap up basic consumer goods."
    assert extracted.dropped == ["turned text (margin notes, rotated tables) on page 1"]


def test_too_many_pages_are_refused_before_reading_them(
    article_pdf: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    import claimdesk.core.text.extract.pdf as pdf_module

    monkeypatch.setattr(pdf_module, "MAX_PDF_PAGES", 1)

    with pytest.raises(ExtractError, match=r"^has 2 pages; an article may have at most 1$"):
        extract_pdf(article_pdf, PATH)


def test_whatever_breaks_while_reading_the_pages_is_a_sentence(
    article_pdf: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    import claimdesk.core.text.extract.pdf as pdf_module

    def broken(_pages: object) -> list[str]:
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(pdf_module, "paragraphs", broken)

    with pytest.raises(ExtractError) as refused:
        extract_pdf(article_pdf, PATH)

    assert str(refused.value) == "could not be read as text (float division by zero)"


def test_the_seed_article_as_a_pdf_is_the_same_text_as_the_seed_itself(
    project: Project, tmp_path: Path, article_pdf: bytes
) -> None:
    # Read back word for word, the PDF of an article already imported is a duplicate.
    path = tmp_path / "polar-bear.pdf"
    path.write_bytes(article_pdf)
    import_paths(project, [SEEDS / "warming-up-to-the-big-polar-bear.txt"])

    report, _ = import_paths(project, [path])

    assert report.added == []
    assert report.duplicates == [(path, polar_bear()[0])]
