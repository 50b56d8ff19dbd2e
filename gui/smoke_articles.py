"""The smoke test's article files: one small file of every kind Claimdesk imports, written here
with the same libraries that read them, and read back through the import path. A packaged build
that left out an extraction library or its data files fails here, not in a user's hands."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

SENTENCE = "The wardens counted twenty-one polar bears on the shore of the bay this spring."
TITLE = "Polar bears return"


def _html() -> bytes:
    return (
        f"<!DOCTYPE html><html><head><title>{TITLE}</title>"
        '<meta name="author" content="Smoke Test"></head><body><nav><a href="/">Home</a></nav>'
        f"<article><h1>{TITLE}</h1><p>{SENTENCE}</p><p>{SENTENCE}</p></article>"
        "<script>var x = 1;</script></body></html>"
    ).encode()


def _mhtml() -> bytes:
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    message = MIMEMultipart("related")
    message["Snapshot-Content-Location"] = "https://smoke.example/bears"
    message.attach(MIMEText(_html().decode(), "html", "utf-8"))
    return message.as_bytes()


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = TITLE
    document.add_heading(TITLE, level=1)
    document.add_paragraph(SENTENCE)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _odt() -> bytes:
    from odf import dc, text  # type: ignore[import-untyped]
    from odf.opendocument import OpenDocumentText  # type: ignore[import-untyped]

    document = OpenDocumentText()
    document.meta.addElement(dc.Title(text=TITLE))
    document.text.addElement(text.H(outlinelevel=1, text=TITLE))
    document.text.addElement(text.P(text=SENTENCE))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def _rtf() -> bytes:
    return (
        "{\\rtf1\\ansi\\ansicpg1252{\\info{\\title "
        + TITLE
        + "}}"
        + TITLE
        + "\\par "
        + SENTENCE
        + "\\par}"
    ).encode()


def _epub() -> bytes:
    from ebooklib import epub  # type: ignore[import-untyped]

    book = epub.EpubBook()
    book.set_identifier("smoke")
    book.set_title(TITLE)
    chapter = epub.EpubHtml(title=TITLE, file_name="c1.xhtml")
    chapter.content = f"<h1>{TITLE}</h1><p>{SENTENCE}</p>"
    book.add_item(chapter)
    book.add_item(epub.EpubNav())
    book.spine = [chapter]
    out = io.BytesIO()
    epub.write_epub(out, book)
    return out.getvalue()


SAMPLES: dict[str, Callable[[], bytes]] = {
    ".html": _html,
    ".htm": _html,
    ".xhtml": _html,
    ".mhtml": _mhtml,
    ".mht": _mhtml,
    ".docx": _docx,
    ".odt": _odt,
    ".rtf": _rtf,
    ".epub": _epub,
}


def read_every_article_kind(folder: Path) -> str:
    """Write and read one article of each kind; a one-line summary, or SmokeFailure."""
    from claimdesk.core.text.extract import EXTRACTORS
    from claimdesk.core.text.textio import ArticleError, read_article
    from claimdesk.gui.smoke import SmokeFailure

    folder.mkdir(parents=True, exist_ok=True)
    read: list[str] = []
    unchecked: list[str] = []
    for suffix in EXTRACTORS:
        make = SAMPLES.get(suffix)
        if make is None:
            unchecked.append(suffix)
            continue
        path = folder / f"sample{suffix}"
        try:
            path.write_bytes(make())
            article = read_article(path)
        except (ArticleError, ImportError) as exc:
            raise SmokeFailure(f"the {suffix} article could not be read: {exc}") from exc
        if SENTENCE not in article.text or article.title != TITLE:
            raise SmokeFailure(f"the {suffix} article read as {article.text[:200]!r}")
        read.append(suffix)
    summary = f"read articles from {', '.join(read)}"
    return summary + (f" (no sample for {', '.join(unchecked)})" if unchecked else "")
