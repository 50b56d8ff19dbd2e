"""The benchmark's generated articles written as the files people import: a plain text file, a
news web page, a Word document and a two-column PDF, and each library's own reading of them."""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable
from pathlib import Path

# The web debris lines bench_import puts in its plain-text articles; the other formats leave
# them out (a page's own debris is its navigation, banner and comments).
DEBRIS = ("Article excerpt", "Advertisement", "Share this article", "Subscribe now")


def _parts(text: str) -> tuple[str, list[str]]:
    paragraphs = [p for p in text.split("\n\n") if p.strip() and p.strip() not in DEBRIS]
    return paragraphs[0], paragraphs[1:]


def write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def write_html(path: Path, text: str) -> Path:
    """A news page: navigation, a cookie banner, the article, comments and a script."""
    title, body = _parts(text)
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in body)
    path.write_text(
        f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} | The Daily Bench</title>
<meta name="author" content="Ann Scott Tyson">
<meta property="og:site_name" content="The Daily Bench">
<meta property="article:published_time" content="1989-03-02">
<script>window.track = function () {{ return 1; }};</script><style>nav {{ color: red; }}</style>
</head><body>
<div class="cookie-banner">We use cookies. <button onclick="track()">Accept</button></div>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/asia">Asia</a></nav>
<main><article><h1>{html.escape(title)}</h1><p class="byline">By Ann Scott Tyson</p>
{paragraphs}
</article>
<aside class="related"><h2>Read more</h2><a href="/a">Another story</a></aside>
<section class="comments"><h2>Comments</h2><p>First!</p></section></main>
<footer>© The Daily Bench</footer></body></html>""",
        encoding="utf-8",
    )
    return path


def write_docx(path: Path, text: str) -> Path:
    import docx

    title, body = _parts(text)
    document = docx.Document()
    document.add_heading(title, level=1)
    for paragraph in body:
        document.add_paragraph(paragraph)
    document.core_properties.title = title
    document.core_properties.author = "Ann Scott Tyson"
    document.save(str(path))
    return path


def write_pdf(path: Path, text: str) -> Path:
    """Headline across the page, two justified columns, a running header and page numbers."""
    from fpdf import FPDF

    title, body = _parts(text)

    class Page(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", size=8)
            self.cell(0, 6, "The Daily Bench | World", align="L")
            self.ln(10)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("Helvetica", size=8)
            self.cell(0, 6, str(self.page_no()), align="C")

    pdf = Page(format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 7, title)
    pdf.ln(4)
    pdf.set_font("Helvetica", size=10)
    with pdf.text_columns(ncols=2, gutter=8, text_align="J", line_height=1.3) as columns:
        for paragraph in body:
            columns.write(paragraph)
            columns.ln()
            columns.ln()
    pdf.set_title(title)
    pdf.set_author("Ann Scott Tyson")
    pdf.set_creation_date(datetime.datetime(1989, 3, 2, tzinfo=datetime.UTC))
    pdf.output(str(path))
    return path


FORMATS: dict[str, Callable[[Path, str], Path]] = {
    ".txt": write_text,
    ".html": write_html,
    ".docx": write_docx,
    ".pdf": write_pdf,
}


def library_read(path: Path) -> str:
    """The file's text as the extracting library gives it, with nothing of Claimdesk's."""
    if path.suffix == ".html":
        import trafilatura

        return trafilatura.extract(path.read_text(encoding="utf-8")) or ""
    if path.suffix == ".docx":
        import docx

        return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return path.read_text(encoding="utf-8")
