"""Article text out of a PDF's text layer (pypdf) in reading order, with title, author and date.

A PDF without a text layer (a scan) and one that needs a password are refused with the reason;
what the text leaves out (running headers and footers, page numbers, images, pages without text,
rotated text) is said in ``Extracted.dropped``.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import re
from pathlib import Path
from typing import Any

from claimdesk.core.text.extract import Extracted, ExtractError
from claimdesk.core.text.extract.pdf_layout import (
    Piece,
    Removed,
    Row,
    paragraphs,
    remove_running_lines,
    rows_of,
)

__all__ = ["ENCRYPTED", "MAX_PDF_PAGES", "NO_AES", "NO_TEXT_LAYER", "extract_pdf"]

# A few megabytes of text at most: the size the article view is measured at.
MAX_PDF_PAGES = 2_000
NO_TEXT_LAYER = "no text layer: run OCR first"
ENCRYPTED = (
    "is protected by a password: open it with the password, save a copy without one "
    "(Print › Save as PDF), and import that"
)
# pypdf decrypts AES with the cryptography package, which Claimdesk does not require (yet).
NO_AES = (
    "is encrypted with AES, which this installation cannot decrypt (the cryptography package "
    "is missing): print it to a new PDF and import that"
)
# A title that names the file the PDF was made from says nothing about the article.
_FILE_TITLE = re.compile(r"(?i)^(?:microsoft (?:word|powerpoint) - )?.*\.[a-z]{2,4}$|untitled.*")


def extract_pdf(data: bytes, path: Path) -> Extracted:
    """The text a reader sees in the PDF, its metadata, and what was left out."""
    from pypdf.errors import DependencyError

    reader = _open(data)
    count = _page_count(reader)
    try:
        return _extract(reader, count)
    except ExtractError:
        raise
    except DependencyError:
        raise ExtractError(NO_AES) from None
    except Exception as exc:  # what a hostile or broken file does to pypdf or the layout
        raise ExtractError(f"could not be read as text ({_why(exc)})") from None


def _extract(reader: Any, count: int) -> Extracted:
    from pypdf.errors import DependencyError

    pages: list[list[Row]] = []
    empty: list[int] = []
    turned: list[int] = []
    unreadable: list[str] = []
    images: set[Any] = set()
    for number in range(1, count + 1):
        try:
            page = reader.pages[number - 1]
            pieces, turned_pieces = _pieces(page)
            images |= _images(page)
        except DependencyError:
            raise  # the file is encrypted with AES: no page will read
        except Exception as exc:  # a broken page is reported, the others are still read
            unreadable.append(f"page {number} could not be read ({_why(exc)})")
            pages.append([])
            continue
        if turned_pieces:
            turned.append(number)
        if not pieces:
            empty.append(number)
        pages.append(rows_of(pieces))
    if len(unreadable) == count:
        raise ExtractError(f"is not a readable PDF ({unreadable[0]})")
    pages, removed = remove_running_lines(pages)
    text = "\n\n".join(paragraphs(pages))
    if not text.strip():
        raise ExtractError(NO_TEXT_LAYER)
    dropped = [_removed_sentence(r) for r in removed]
    if empty:
        dropped.append(
            f"page {empty[0]} has no text"
            if len(empty) == 1
            else f"{len(empty)} pages have no text ({_listed(empty)})"
        )
    dropped.extend(unreadable)
    if images:
        dropped.append(f"{len(images)} image{'s' if len(images) != 1 else ''}")
    if turned:
        dropped.append(f"turned text (margin notes, rotated tables) {_on_pages(turned)}")
    return Extracted(text=text, meta=_meta(reader), dropped=dropped)


def _open(data: bytes) -> Any:
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError

    # pypdf tells about every repaired cross-reference on its logger; the user gets the result.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    if b"%PDF-" not in data[:1024]:
        raise ExtractError("is not a PDF file (it does not start with %PDF-)")
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
    except DependencyError:
        raise ExtractError(NO_AES) from None
    except Exception as exc:
        raise ExtractError(f"is not a readable PDF ({_why(exc)})") from None
    if encrypted:
        # A PDF with only an owner password (no copying, no printing) opens for anyone, as it does
        # in any viewer; one that needs a password to open cannot be read.
        try:
            opened = reader.decrypt("")
        except DependencyError:
            raise ExtractError(NO_AES) from None
        except Exception as exc:
            raise ExtractError(f"is encrypted in a way that cannot be read ({_why(exc)})") from None
        if opened == PasswordType.NOT_DECRYPTED:
            raise ExtractError(ENCRYPTED)
    return reader


def _page_count(reader: Any) -> int:
    try:
        count = len(reader.pages)
    except Exception as exc:
        raise ExtractError(f"is not a readable PDF ({_why(exc)})") from None
    if count > MAX_PDF_PAGES:
        raise ExtractError(f"has {count:,} pages; an article may have at most {MAX_PDF_PAGES:,}")
    if count == 0:
        raise ExtractError("has no pages")
    return count


def _pieces(page: Any) -> tuple[list[Piece], int]:
    """The upright pieces of text on the page, and how many turned ones were left out."""
    pieces: list[Piece] = []
    turned = 0

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, size: float) -> None:
        nonlocal turned
        if not text.strip():
            # Some writers draw each space on its own: it still parts the words around it.
            if " " in text and pieces and not pieces[-1].text.endswith(" "):
                pieces[-1] = dataclasses.replace(pieces[-1], text=pieces[-1].text + " ")
            return
        # The text matrix placed on the page by the current transformation matrix.
        a = tm[0] * cm[0] + tm[1] * cm[2]
        b = tm[0] * cm[1] + tm[1] * cm[3]
        c = tm[2] * cm[0] + tm[3] * cm[2]
        d = tm[2] * cm[1] + tm[3] * cm[3]
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if a <= 0 or d <= 0 or abs(b) > 0.1 * a or abs(c) > 0.1 * d:
            turned += 1
            return
        pieces.append(Piece(x=x, y=y, size=max(size * d, 1.0), text=text))

    page.extract_text(visitor_text=visit)
    return pieces, turned


def _images(page: Any) -> set[Any]:
    """The page's images, by object so that a logo on every page counts once."""
    found: set[Any] = set()
    resources = page.get("/Resources")
    objects = resources.get_object().get("/XObject") if resources is not None else None
    if objects is None:
        return found
    for name, ref in objects.get_object().items():
        if ref.get_object().get("/Subtype") == "/Image":
            found.add(getattr(ref, "idnum", None) or (id(page), name))
    return found


def _meta(reader: Any) -> dict[str, str]:
    meta: dict[str, str] = {}
    try:
        info = reader.metadata
    except Exception:
        return meta
    if info is None:
        return meta
    for key in ("title", "author"):
        try:
            value = getattr(info, key)
        except Exception:
            continue
        if isinstance(value, str) and value.strip():
            meta[key] = " ".join(value.split())
    if "title" in meta and _FILE_TITLE.fullmatch(meta["title"]):
        del meta["title"]
    try:
        created = info.creation_date
    except Exception:
        created = None  # a date pypdf cannot read is no date
    if created is not None:
        meta["date"] = created.date().isoformat()
    return meta


def _removed_sentence(removed: Removed) -> str:
    shown = removed.text if len(removed.text) <= 60 else removed.text[:59] + "…"
    if removed.what == "page numbers":
        return f"page numbers ({removed.pages} pages)"
    return f"{removed.what} “{shown}” ({removed.pages} pages)"


def _on_pages(numbers: list[int]) -> str:
    """'on page 4' or 'on 3 pages (2, 4, 7)'."""
    if len(numbers) == 1:
        return f"on page {numbers[0]}"
    return f"on {len(numbers)} pages ({_listed(numbers)})"


def _listed(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers[:10]) + (", …" if len(numbers) > 10 else "")


def _why(exc: BaseException) -> str:
    """A library's error as a short phrase, never a traceback."""
    message = " ".join(str(exc).split()) or type(exc).__name__
    return message if len(message) <= 160 else message[:159] + "…"
