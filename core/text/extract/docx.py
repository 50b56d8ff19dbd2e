"""The text of a Word document (.docx, python-docx): headings, paragraphs, list items and table
cells in reading order, footnotes and comments after the text, and the title, author and date
of its document properties."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from claimdesk.core.text.extract import Extracted, ExtractError
from claimdesk.core.text.extract.html import left_out
from claimdesk.core.text.extract.zipped import check_zip

__all__ = ["extract_docx"]

_KIND = "a Word document (.docx)"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_LIST_STYLES = ("List", "Liste", "Lista")


def extract_docx(data: bytes, path: Path) -> Extracted:
    check_zip(data, _KIND).close()
    import io

    import docx  # Imported here: only needed when a Word file is read.

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises KeyError, ValueError, lxml errors, …
        what = " ".join(str(error).split())[:160] or type(error).__name__
        raise ExtractError(f"is not {_KIND}: {what}") from None
    try:
        return _extract(document)
    except ExtractError:
        raise
    except Exception as error:
        what = " ".join(str(error).split())[:160] or type(error).__name__
        raise ExtractError(f"could not be read as {_KIND}: {what}") from None


def _extract(document: Any) -> Extracted:
    footnotes = _footnotes(document)
    numbers: dict[str, int] = {}
    blocks: list[str] = []
    tables = 0
    list_lines: list[str] = []

    def flush() -> None:
        if list_lines:
            blocks.append("\n".join(list_lines))
            list_lines.clear()

    for item in document.iter_inner_content():
        if hasattr(item, "rows"):  # a table
            flush()
            tables += 1
            rows = list(_table_lines(item, footnotes, numbers))
            if rows:
                blocks.append("\n".join(rows))
            continue
        text = _paragraph_text(item._p, footnotes, numbers)
        if not text.strip():
            continue
        level = _list_level(item)
        if level is None:
            flush()
            blocks.append(text)
        else:
            list_lines.append("  " * level + "• " + " ".join(text.split("\n")))
    flush()

    notes = [
        f"[{numbers[key]}] {footnotes[key]}"
        for key in sorted(numbers, key=lambda key: numbers[key])
    ]
    if notes:
        blocks.append("Notes\n" + "\n".join(notes))
    comments = _comments(document)
    if comments:
        blocks.append("Comments\n" + "\n".join(comments))
    dropped = left_out(len(document.inline_shapes), tables)
    if _has_headers(document):
        dropped.append("page headers and footers")
    return Extracted(text="\n\n".join(blocks), meta=_meta(document), dropped=dropped)


def _paragraph_text(element: Any, footnotes: dict[str, str], numbers: dict[str, int]) -> str:
    """A paragraph's text as Word shows it: tabs, line breaks and footnote marks ([1]) kept;
    deleted revisions and field codes left out (they are other elements than w:t)."""
    parts: list[str] = []
    for node in element.iter(
        f"{_W}t",
        f"{_W}tab",
        f"{_W}br",
        f"{_W}cr",
        f"{_W}footnoteReference",
        f"{_W}noBreakHyphen",
        f"{_W}softHyphen",
    ):
        tag = node.tag
        if tag == f"{_W}t":
            parts.append(node.text or "")
        elif tag == f"{_W}tab":
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
        elif tag == f"{_W}footnoteReference":
            key = node.get(f"{_W}id", "")
            if key in footnotes:
                numbers.setdefault(key, len(numbers) + 1)
                parts.append(f"[{numbers[key]}]")
    return "".join(parts).strip()


def _table_lines(table: Any, footnotes: dict[str, str], numbers: dict[str, int]) -> Iterator[str]:
    for row in table._tbl.tr_lst:
        cells = []
        for cell in row.tc_lst:
            # A cell merged down from the row above (vMerge continue) repeats nothing.
            props = cell.tcPr
            merge = props.find(f"{_W}vMerge") if props is not None else None
            if merge is not None and merge.get(f"{_W}val") in (None, "continue"):
                continue
            paragraphs = (_paragraph_text(p, footnotes, numbers) for p in cell.iter(f"{_W}p"))
            cells.append(" ".join(" ".join(p.split()) for p in paragraphs if p.strip()))
        if any(cells):
            yield " | ".join(cells).rstrip()


def _list_level(paragraph: Any) -> int | None:
    """The list level (0 for the first) of a list item, or None for a paragraph."""
    properties = paragraph._p.pPr
    numbering = properties.numPr if properties is not None else None
    if numbering is not None and numbering.numId is not None and numbering.numId.val != 0:
        level = numbering.ilvl
        return int(level.val) if level is not None else 0
    style = paragraph.style.name if paragraph.style is not None else ""
    if style.startswith(_LIST_STYLES):
        last = style.rsplit(" ", 1)[-1]
        return int(last) - 1 if last.isdigit() and int(last) > 0 else 0
    return None


def _footnotes(document: Any) -> dict[str, str]:
    """Footnote id -> text (python-docx reads the part; it has no footnote objects yet)."""
    try:
        part = document.part.part_related_by(_FOOTNOTES)
    except KeyError:
        return {}
    from docx.oxml.parser import parse_xml  # entities are not resolved by its parser

    root = parse_xml(part.blob)
    notes: dict[str, str] = {}
    for note in root.iter(f"{_W}footnote"):
        if note.get(f"{_W}type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        text = " ".join(
            " ".join(_paragraph_text(p, {}, {}).split()) for p in note.iter(f"{_W}p")
        ).strip()
        if text:
            notes[note.get(f"{_W}id", "")] = text
    return notes


def _comments(document: Any) -> list[str]:
    found = []
    for comment in document.comments:
        text = " ".join(comment.text.split())
        if text:
            author = " ".join((comment.author or "").split())
            found.append(f"{author}: {text}" if author else text)
    return found


def _has_headers(document: Any) -> bool:
    for section in document.sections:
        for part in (section.header, section.footer):
            if not part.is_linked_to_previous and any(p.text.strip() for p in part.paragraphs):
                return True
    return False


def _meta(document: Any) -> dict[str, str]:
    properties = document.core_properties
    meta: dict[str, str] = {}
    if title := " ".join((properties.title or "").split()):
        meta["title"] = title
    if author := " ".join((properties.author or "").split()):
        meta["author"] = author
    when = properties.created or properties.modified
    if when is not None:
        meta["date"] = when.date().isoformat()
    return meta
