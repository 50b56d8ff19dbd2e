"""PDFs made by the tests with fpdf2: a two-column news article, a scan, a locked file.

The article is laid out the way a newspaper's PDF is: a headline across the page, two columns
with words broken at line ends, a running header and a page number on every page. Its lines are
drawn row by row across both columns (as some layout programs write them), so reading the
drawing order alone would interleave the columns.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import EncryptionMethod
from PIL import Image, ImageDraw

PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0  # A4, millimetres
MARGIN, GUTTER, TOP, BOTTOM = 18.0, 8.0, 24.0, 277.0
COLUMN = (PAGE_WIDTH - 2 * MARGIN - GUTTER) / 2
LINE, PARAGRAPH_GAP = 4.6, 2.5
HEADER = "The Christian Science Monitor | March 2, 1989"


@dataclass
class _Drawn:
    page: int
    x: float
    y: float
    style: str
    size: float
    text: str


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """Greedy lines of at most `width`, breaking a long word with a hyphen where it fits (only
    between letters, at least three on each side)."""
    lines: list[str] = []
    line = ""
    words = text.split()
    while words:
        word = words.pop(0)
        candidate = f"{line} {word}" if line else word
        if pdf.get_string_width(candidate) <= width:
            line = candidate
            continue
        cut = next(
            (
                i
                for i in range(len(word) - 3, 2, -1)
                if word[i - 3 : i + 3].isalpha()
                and pdf.get_string_width(f"{line} {word[:i]}-".strip()) <= width
            ),
            None,
        )
        if cut is not None:
            lines.append(f"{line} {word[:cut]}-".strip())
            words.insert(0, word[cut:])
            line = ""
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def two_column_article(
    title: str,
    paragraphs: list[str],
    *,
    author: str = "Ann Scott Tyson",
    date: datetime.date = datetime.date(1989, 3, 2),
    pdf_title: str | None = None,
    drawn_in_reading_order: bool = False,
) -> bytes:
    """A news article: headline across the page, then two columns over as many pages as needed."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    drawn: list[_Drawn] = []
    page = 1
    pdf.set_font("Helvetica", "B", 16)
    y = TOP + 4
    for line in _wrap(pdf, title, PAGE_WIDTH - 2 * MARGIN):
        drawn.append(_Drawn(page, MARGIN, y, "B", 16, line))
        y += 7
    pdf.set_font("Helvetica", size=10)
    top = y = y + 5
    column = 0
    for paragraph in paragraphs:
        for line in _wrap(pdf, paragraph, COLUMN):
            if y > BOTTOM:
                column, y = (1, top) if column == 0 else (0, TOP)
                if column == 0:
                    page += 1
                    top = TOP
            drawn.append(_Drawn(page, MARGIN + column * (COLUMN + GUTTER), y, "", 10, line))
            y += LINE
        y += PARAGRAPH_GAP
    if not drawn_in_reading_order:
        drawn.sort(key=lambda d: (d.page, d.y, d.x))
    for number in range(1, page + 1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=8)
        pdf.text(MARGIN, 12, HEADER)
        pdf.text(PAGE_WIDTH - MARGIN - pdf.get_string_width("World"), 12, "World")
        pdf.text(PAGE_WIDTH / 2, 287, str(number))
        for item in (d for d in drawn if d.page == number):
            pdf.set_font("Helvetica", item.style, item.size)
            pdf.text(item.x, item.y, item.text)
    pdf.set_title(pdf_title if pdf_title is not None else title)
    pdf.set_author(author)
    pdf.set_creation_date(datetime.datetime.combine(date, datetime.time(9), datetime.UTC))
    return bytes(pdf.output())


def scanned_article(paragraphs: list[str], *, pages: int = 2, stamp: str | None = None) -> bytes:
    """Pages that are photographs of text (no text layer), optionally with a line of real text
    at the foot of each page, as a library's download stamp."""
    pdf = FPDF(format="A4")
    for number in range(pages):
        image = Image.new("L", (600, 850), 255)
        draw = ImageDraw.Draw(image)
        for i, paragraph in enumerate(paragraphs[number::pages][:20]):
            draw.text((40, 40 + 40 * i), paragraph[:80], fill=0)
        pdf.add_page()
        pdf.image(image, x=10, y=10, w=190)
        if stamp is not None:
            pdf.set_font("Helvetica", size=7)
            pdf.text(MARGIN, 290, f"{stamp} (page {number + 1})")
    return bytes(pdf.output())


def locked_article(text: str, *, user_password: str = "secret", aes: bool = False) -> bytes:
    """A one-page article that needs a password to open ("" makes one anyone can open, with an
    owner password only), encrypted with RC4 or, where the cryptography package is installed,
    AES."""
    pdf = FPDF(format="A4")
    method = EncryptionMethod.AES_128 if aes else EncryptionMethod.RC4
    pdf.set_encryption(
        owner_password="owner", user_password=user_password, encryption_method=method
    )
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 5, text)
    return bytes(pdf.output())
