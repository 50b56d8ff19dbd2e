"""Web pages imported as articles: the article's own text with its paragraphs, none of the
page's debris, and its title, author, date, site and address in the document's metadata."""

from __future__ import annotations

import html
import subprocess
import sys
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest

from claimdesk.core.importing import import_paths
from claimdesk.core.paths import seeds_dir
from claimdesk.core.store.project import Project
from claimdesk.core.text.extract import EXTRACTORS, Extracted
from claimdesk.core.text.extract.html import extract_html
from claimdesk.core.text.textio import (
    ArticleError,
    article_from_extracted,
    collect_article_paths,
    read_article,
)

from .pages import DEBRIS, NEWS_PARAGRAPHS, PNG, news_page

FIGURE_AND_TABLE = (
    '<figure><img src="bear.jpg" alt="A bear"><figcaption>A bear.</figcaption></figure>'
    "<table><tr><th>Year</th><th>Bears</th></tr><tr><td>2023</td><td>15</td></tr>"
    "<tr><td>2024</td><td>21</td></tr></table>"
    "<ul><li>Seventeen adults were counted.</li><li>Four cubs were seen.</li></ul>"
)


def no_debris(text: str) -> None:
    for word in DEBRIS:
        assert word not in text, word
    for code in ("alert(", "function", "color:", "onclick", "<", "cookies"):
        assert code not in text, code


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def test_a_news_page_imports_as_its_article_paragraphs_and_metadata(tmp_path: Path) -> None:
    page = write(tmp_path / "bears.html", news_page(extra=FIGURE_AND_TABLE))
    article = read_article(page)
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0] == "Polar bears return to the bay"
    # Each paragraph of the article is one paragraph of the text, in order.
    at = [paragraphs.index(text) for text in NEWS_PARAGRAPHS]
    assert at == sorted(at)
    # The list keeps its items a line each, the table a row a line.
    assert "• Seventeen adults were counted.\n• Four cubs were seen." in paragraphs
    assert "Year | Bears\n2023 | 15\n2024 | 21" in paragraphs
    no_debris(article.text)
    assert "By Ada Lovelace" not in article.text
    assert article.title == "Polar bears return to the bay"
    assert article.meta == {
        "title": "Polar bears return to the bay",
        "author": "Ada Lovelace",
        "date": "2024-03-05",
        "site": "The Daily Tern",
        "url": "https://tern.example/news/polar-bears",
    }
    assert article.dropped[0] == "1 image"
    assert article.dropped[1].startswith("1 table flattened")
    assert article.source == str(page)


def test_scripts_styles_and_event_handlers_never_reach_the_text() -> None:
    hostile = (
        "<p onmouseover=\"alert('HANDLERDEBRIS')\">A paragraph with a handler, which itself is "
        "kept, about the bears that came to the bay this week.</p>"
        "<script>document.body.innerHTML = 'SCRIPTDEBRIS';</script>"
        '<style>p::before { content: "STYLEDEBRIS"; }</style>'
        '<iframe src="javascript:alert(1)">SCRIPTDEBRIS</iframe>'
        '<svg><script>alert("SCRIPTDEBRIS")</script></svg>'
        "<a href=\"javascript:alert('HANDLERDEBRIS')\">a link</a>"
    )
    extracted = extract_html(news_page(extra=hostile))
    assert "A paragraph with a handler, which itself is kept" in extracted.text
    no_debris(extracted.text)
    assert "javascript" not in extracted.text


@pytest.mark.parametrize("seed", sorted(p.name for p in seeds_dir().glob("*.txt")))
def test_the_seeds_as_web_pages_read_as_the_seeds_without_their_debris(
    seed: str, tmp_path: Path
) -> None:
    """The sample articles came from scraped web pages: wrapped in a page again (nav, banner,
    sidebar, comments, scripts), they import as the same text as the clean .txt import, and
    none of the seeds' own debris lines (excerpt labels, paywall counters, QR codes) appear."""
    source = seeds_dir() / seed
    as_text = read_article(source)
    assert as_text.removed, "the seed has debris of its own"
    lines = [line for line in source.read_text(encoding="utf-8").split("\n") if line.strip()]
    page = write(tmp_path / f"{source.stem}.html", news_page(lines[0], lines[1:]))
    article = read_article(page)
    assert article.text == as_text.text
    for removed in as_text.removed:
        assert " ".join(removed.text.split()) not in " ".join(article.text.split())
    assert {line.rule for line in article.removed} == {line.rule for line in as_text.removed}
    no_debris(article.text)
    assert article.title == lines[0]


def test_a_saved_web_page_complete_imports_the_page_not_its_folder(
    project: Project, tmp_path: Path
) -> None:
    folder = tmp_path / "saved"
    saved_from = "<!-- saved from url=(0037)https://tern.example/news/bears -->\n"
    page = news_page(url="").replace('<link rel="canonical" href="">', "")
    write(folder / "Polar bears.html", saved_from + page)
    files = folder / "Polar bears_files"
    write(files / "bear.png", PNG)
    write(files / "ad-frame.html", "<html><body><p>An advertising frame.</p></body></html>")
    write(files / "saved_resource.htm", "<html><body><p>Another frame.</p></body></html>")
    write(files / "style.css", "p { color: red }")
    # A folder with a matching name but no page beside it is searched as usual.
    write(tmp_path / "saved" / "Notes_files" / "note.txt", "A note of my own.\n")
    paths, problems = collect_article_paths([folder])
    assert problems == []
    assert [p.relative_to(folder).as_posix() for p in paths] == [
        "Notes_files/note.txt",
        "Polar bears.html",
    ]
    report, problems = import_paths(project, [folder])
    assert problems == []
    assert sorted(title for _, title in report.added) == [
        "A note of my own.",
        "Polar bears return to the bay",
    ]
    page_id = next(i for i, title in report.added if title.startswith("Polar"))
    document = next(d for d in project.documents() if d.id == page_id)
    assert document.meta["url"] == "https://tern.example/news/bears"
    assert document.date == "2024-03-05"


def mhtml(page: str, location: str) -> bytes:
    message = MIMEMultipart("related", type="text/html")
    message["Subject"] = "Polar bears return to the bay"
    message["Snapshot-Content-Location"] = location
    message["MIME-Version"] = "1.0"
    part = MIMEText(page, "html", "utf-8")
    part.replace_header("Content-Transfer-Encoding", "base64")
    part["Content-Location"] = location
    message.attach(part)
    image = MIMEImage(PNG, "png")
    image["Content-Location"] = "https://tern.example/bear.png"
    message.attach(image)
    return message.as_bytes()


def test_a_page_saved_as_one_mhtml_file_imports_its_article(tmp_path: Path) -> None:
    location = "https://tern.example/news/polar-bears?from=home"
    page = news_page(url="").replace('<link rel="canonical" href="">', "")
    article = read_article(write(tmp_path / "bears.mhtml", mhtml(page, location)))
    assert [p for p in article.text.split("\n\n") if p in NEWS_PARAGRAPHS] == list(NEWS_PARAGRAPHS)
    no_debris(article.text)
    assert article.meta["url"] == location
    assert article.meta["author"] == "Ada Lovelace"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.html", b"", "is empty"),
        ("blank.htm", b"  \n\t\n", "is empty"),
        (
            "menu.html",
            b"<html><body><nav><a href='/'>Home</a></nav><script>x()</script></body></html>",
            "has no article text that could be found",
        ),
        ("page.mhtml", b"From: nobody\n\njust words, no page\n", "holds no HTML page"),
    ],
)
def test_a_page_without_an_article_is_refused_by_name(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    with pytest.raises(ArticleError) as caught:
        read_article(write(tmp_path / name, content))
    assert caught.value.reason.endswith(reason)
    assert str(caught.value).startswith(f"{name}: ")


def test_a_binary_file_named_html_is_refused_with_a_sentence(tmp_path: Path) -> None:
    garbage = bytes(range(256)) * 40
    with pytest.raises(ArticleError) as caught:
        read_article(write(tmp_path / "photo.html", garbage))
    assert caught.value.reason == "looks like a binary file, not a web page"


def test_a_page_saved_in_utf16_reads(tmp_path: Path) -> None:
    page = write(tmp_path / "bears.htm", news_page().encode("utf-16"))
    assert NEWS_PARAGRAPHS[0] in read_article(page).text.split("\n\n")


def test_a_page_in_a_legacy_encoding_reads_by_its_declared_charset(tmp_path: Path) -> None:
    text = (
        "Les ours polaires sont revenus à la baie dès lundi, bien plus tôt que prévu cette année."
    )
    page = news_page("Les ours reviennent", [text, *NEWS_PARAGRAPHS]).replace(
        'charset="utf-8"', 'charset="windows-1252"'
    )
    article = read_article(write(tmp_path / "ours.html", page.encode("cp1252")))
    assert text in article.text.split("\n\n")


def test_extracted_text_goes_through_the_same_rules_as_a_file() -> None:
    """URL import and Paste have no file: the same NFC, line endings, clean-up and title."""
    extracted = Extracted(
        text="Cafe\u0301 owners protest\r\n\r\nArticle excerpt\r\n\r\nThe owners met on Monday.",
        meta={"title": "  Café owners\nprotest ", "url": "https://x.example/a", "colour": "red"},
        dropped=["2 images"],
    )
    article = article_from_extracted(extracted, source="https://x.example/a")
    assert article.text == "Café owners protest\n\nThe owners met on Monday."
    assert article.title == "Café owners protest"
    assert article.meta == {"title": "Café owners protest", "url": "https://x.example/a"}
    assert article.source == "https://x.example/a"
    assert article.dropped == ("2 images",)
    with pytest.raises(ArticleError, match="has no text left after clean-up"):
        article_from_extracted(Extracted("Article excerpt"), source="clipboard")


def test_the_project_keeps_the_metadata_and_the_report_says_what_was_left_out(
    project: Project, tmp_path: Path
) -> None:
    page = write(tmp_path / "bears.html", news_page(extra=FIGURE_AND_TABLE))
    report, problems = import_paths(project, [page])
    assert problems == []
    assert [title for _, title in report.added] == ["Polar bears return to the bay"]
    assert report.dropped == [(page, "1 image, 1 table flattened")]
    (document,) = project.documents()
    assert document.date == "2024-03-05"
    assert document.meta["author"] == "Ada Lovelace"
    assert document.meta["site"] == "The Daily Tern"
    assert document.meta["url"] == "https://tern.example/news/polar-bears"
    assert document.meta["dropped"] == [
        "1 image",
        "1 table flattened",
    ]
    assert "encoding" not in document.meta
    no_debris(project.document_text(document.id))


def test_the_extraction_libraries_load_only_when_a_page_is_read() -> None:
    """Start-up does not pay for trafilatura and lxml: the registry imports them on first use."""
    code = (
        "import sys, claimdesk.core.text.textio, claimdesk.core.importing\n"
        "from claimdesk.core.text.extract import EXTRACTORS\n"
        "print(sorted(m for m in ('trafilatura', 'docx', 'odf', 'striprtf', 'ebooklib') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert {".html", ".htm", ".mhtml"} <= set(EXTRACTORS)


def test_html_is_escaped_text_never_markup(tmp_path: Path) -> None:
    """Text that looks like markup in the article stays text: what the annotator sees."""
    sentence = "The headline read <b>Bears are back</b> & the town cheered loudly all evening."
    page = news_page(paragraphs=[sentence, *NEWS_PARAGRAPHS])
    assert html.escape(sentence) in page
    article = read_article(write(tmp_path / "b.html", page))
    assert sentence in article.text.split("\n\n")


def test_dates_and_times_inside_a_sentence_keep_their_words() -> None:
    """trafilatura drops <time> elements: inside a sentence, the words are kept all the same."""
    sentence = (
        'The wardens met on <time datetime="2024-03-04">Monday 4 March</time> at the harbour '
        "office and agreed on a count with <small>two</small> <mark>volunteers</mark>."
    )
    extracted = extract_html(news_page(extra=f"<p>{sentence}</p>"))
    assert (
        "The wardens met on Monday 4 March at the harbour office and agreed on a count with "
        "two volunteers." in extracted.text.split("\n\n")
    )
    assert extracted.meta["date"] == "2024-03-05"


def test_a_short_page_and_a_pasted_fragment_keep_their_paragraphs() -> None:
    short = "<html><head><title>Note</title></head><body><h1>Ice</h1><p>It froze.</p></body></html>"
    assert extract_html(short).text == "Ice\n\nIt froze."
    fragment = "<p>Pasted words from a page.</p><p>A second paragraph.</p>"
    assert extract_html(fragment).text == "Pasted words from a page.\n\nA second paragraph."


def test_a_page_older_than_the_web_keeps_its_date() -> None:
    """The sample articles are from 1989: htmldate's default floor (1995) would drop the date."""
    page = news_page(date="1989-05-15T08:00:00Z")
    assert extract_html(page).meta["date"] == "1989-05-15"
