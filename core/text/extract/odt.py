"""The text of an OpenDocument text file (.odt, odfpy): headings, paragraphs, list items and
table cells in reading order, footnotes and comments after the text, and the title, author and
date of its metadata."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from claimdesk.core.text.extract import Extracted, ExtractError
from claimdesk.core.text.extract.html import left_out
from claimdesk.core.text.extract.zipped import check_zip

__all__ = ["extract_odt"]

_KIND = "an OpenDocument text (.odt)"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_DC = "http://purl.org/dc/elements/1.1/"
_META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
# What defusedxml (odfpy's parser) raises on entity declarations, DTDs and external references.
_DEFUSED = {"EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden", "NotSupportedError"}
# Not part of what a reader reads: declarations, change tracking, forms, generated indexes.
_SKIPPED = {
    (_TEXT, "tracked-changes"),
    (_TEXT, "sequence-decls"),
    (_TEXT, "variable-decls"),
    (_TEXT, "user-field-decls"),
    (_TEXT, "table-of-content"),
    (_TEXT, "alphabetical-index"),
    (_TEXT, "illustration-index"),
    (_TEXT, "bibliography"),
    (_OFFICE, "forms"),
    (_TEXT, "soft-page-break"),
}


class _Reader:
    def __init__(self) -> None:
        self.notes: list[str] = []
        self.comments: list[str] = []
        self.images = 0
        self.tables = 0

    def blocks(self, element: Any) -> Iterator[str]:
        for child in _elements(element):
            name = child.qname
            if name in _SKIPPED:
                continue
            if name in ((_TEXT, "p"), (_TEXT, "h")):
                yield self.inline(child)
            elif name == (_TEXT, "list"):
                yield "\n".join(self.list_lines(child, 0))
            elif name == (_TABLE, "table"):
                self.tables += 1
                yield "\n".join(self.table_lines(child))
            else:  # sections, frames at page level, and whatever holds paragraphs
                yield from self.blocks(child)

    def list_lines(self, element: Any, depth: int) -> Iterator[str]:
        for item in _elements(element):
            if item.qname not in ((_TEXT, "list-item"), (_TEXT, "list-header")):
                continue
            for part in _elements(item):
                if part.qname == (_TEXT, "list"):
                    yield from self.list_lines(part, depth + 1)
                else:
                    line = " ".join(" ".join(b.split("\n")) for b in self.blocks_of(part))
                    if line:
                        yield "  " * depth + "• " + line

    def blocks_of(self, element: Any) -> Iterator[str]:
        if element.qname in ((_TEXT, "p"), (_TEXT, "h")):
            yield self.inline(element)
        else:
            yield from self.blocks(element)

    def table_lines(self, table: Any) -> Iterator[str]:
        for row in _descendants(table, (_TABLE, "table-row"), stop=(_TABLE, "table")):
            cells = []
            for cell in _elements(row):
                if cell.qname != (_TABLE, "table-cell"):
                    continue  # a covered cell repeats the cell it is merged into
                text = " ".join(" ".join(b.split()) for b in self.blocks(cell) if b.strip())
                repeat = int(cell.getAttrNS(_TABLE, "number-columns-repeated") or 1)
                cells.extend([text] * (min(repeat, 64) if text else 1))
            if any(cells):
                yield " | ".join(cells).rstrip(" |")

    def inline(self, element: Any) -> str:
        parts: list[str] = []
        self._inline(element, parts)
        lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
        return "\n".join(line for line in lines if line)

    def _inline(self, element: Any, parts: list[str]) -> None:
        for child in element.childNodes:
            if child.nodeType == child.TEXT_NODE:
                parts.append(child.data)
                continue
            if child.nodeType != child.ELEMENT_NODE:
                continue
            name = child.qname
            if name == (_TEXT, "line-break"):
                parts.append("\n")
            elif name == (_TEXT, "tab"):
                parts.append("\t")
            elif name == (_TEXT, "s"):
                parts.append(" " * min(int(child.getAttrNS(_TEXT, "c") or 1), 64))
            elif name == (_TEXT, "note"):
                body = next((n for n in _elements(child) if n.qname == (_TEXT, "note-body")), None)
                text = " ".join(" ".join(self.blocks(body)).split()) if body is not None else ""
                if text:
                    self.notes.append(text)
                    parts.append(f"[{len(self.notes)}]")
            elif name == (_OFFICE, "annotation"):
                self.comments.append(self.comment(child))
            elif name in ((_OFFICE, "annotation-end"), *_SKIPPED):
                continue
            elif name == (_DRAW, "frame"):
                if any(n.qname == (_DRAW, "image") for n in _elements(child)):
                    self.images += 1
                # A text box's paragraphs are read where the frame stands.
                boxed = [b for b in self.blocks(child) if b]
                if boxed:
                    parts.append(" " + " ".join(boxed) + " ")
            else:
                self._inline(child, parts)

    def comment(self, annotation: Any) -> str:
        author = ""
        paragraphs: list[str] = []
        for part in _elements(annotation):
            if part.qname == (_DC, "creator"):
                author = " ".join(_text(part).split())
            elif part.qname in ((_TEXT, "p"), (_TEXT, "list")):
                paragraphs.extend(self.blocks_of(part))
        text = " ".join(" ".join(paragraphs).split())
        return f"{author}: {text}" if author and text else text


def extract_odt(data: bytes, path: Path) -> Extracted:
    with check_zip(data, _KIND) as archive:
        try:
            manifest = archive.read("META-INF/manifest.xml")
        except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError):
            manifest = b""
    if b"encryption-data" in manifest:
        raise ExtractError("is protected by a password: save it without one")
    # Imported here: only needed when an .odt is read. odfpy ships no type information.
    from odf.opendocument import load  # type: ignore[import-untyped]

    try:
        document = load(io.BytesIO(data))
    except Exception as error:  # odfpy raises KeyError, SAX errors, defusedxml refusals, …
        if type(error).__name__ in _DEFUSED:
            what = "its XML declares entities or a DTD, which are refused (entity bombs use them)"
        else:
            what = " ".join(str(error).split())[:160] or type(error).__name__
        raise ExtractError(f"is not {_KIND}: {what}") from None
    if not str(document.mimetype).startswith("application/vnd.oasis.opendocument.text"):
        raise ExtractError(f"is not {_KIND}: it is {document.mimetype or 'another kind of file'}")
    try:
        reader = _Reader()
        blocks = [block for block in reader.blocks(document.text) if block]
        meta = _meta(document)
    except Exception as error:
        what = " ".join(str(error).split())[:160] or type(error).__name__
        raise ExtractError(f"could not be read as {_KIND}: {what}") from None
    if reader.notes:
        notes = (f"[{number}] {note}" for number, note in enumerate(reader.notes, start=1))
        blocks.append("Notes\n" + "\n".join(notes))
    comments = [comment for comment in reader.comments if comment]
    if comments:
        blocks.append("Comments\n" + "\n".join(comments))
    dropped = left_out(reader.images, reader.tables)
    return Extracted(text="\n\n".join(blocks), meta=meta, dropped=dropped)


def _meta(document: Any) -> dict[str, str]:
    found: dict[tuple[str, str], str] = {}
    for element in _elements(document.meta):
        text = " ".join(_text(element).split())
        if text:
            found.setdefault(element.qname, text)
    meta: dict[str, str] = {}
    if title := found.get((_DC, "title")):
        meta["title"] = title
    if author := found.get((_META, "initial-creator")) or found.get((_DC, "creator")):
        meta["author"] = author
    if when := found.get((_META, "creation-date")) or found.get((_DC, "date")):
        meta["date"] = when[:10]
    return meta


def _elements(element: Any) -> Iterator[Any]:
    for child in element.childNodes:
        if child.nodeType == child.ELEMENT_NODE:
            yield child


def _descendants(element: Any, name: tuple[str, str], *, stop: tuple[str, str]) -> Iterator[Any]:
    """Elements called ``name`` under ``element``, not looking inside a nested ``stop``."""
    for child in _elements(element):
        if child.qname == name:
            yield child
        elif child.qname != stop:
            yield from _descendants(child, name, stop=stop)


def _text(element: Any) -> str:
    return "".join(
        child.data if child.nodeType == child.TEXT_NODE else _text(child)
        for child in element.childNodes
    )
