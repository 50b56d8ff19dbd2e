"""The text of a Word document (.docx, python-docx): headings, paragraphs, list items and table
cells in reading order, footnotes, endnotes and comments after the text, and the title, author
and date of its document properties."""

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
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_FOOTNOTES = f"{_RELATIONSHIPS}/footnotes"
_ENDNOTES = f"{_RELATIONSHIPS}/endnotes"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_BOX = f"{_W}txbxContent"
_NOTE_REFERENCES = {f"{_W}footnoteReference": "footnote", f"{_W}endnoteReference": "endnote"}
_INLINE = (
    f"{_W}t",
    f"{_W}tab",
    f"{_W}br",
    f"{_W}cr",
    f"{_W}noBreakHyphen",
    *_NOTE_REFERENCES,
)
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
    notes = _notes(document)
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
            rows = list(_table_lines(item._tbl, notes, numbers))
            if rows:
                blocks.append("\n".join(rows))
            continue
        text = _paragraph_text(item._p, notes, numbers)
        if not text.strip():
            continue
        level = _list_level(item)
        if level is None:
            flush()
            blocks.append(text)
        else:
            list_lines.append("  " * level + "• " + " ".join(text.split("\n")))
    flush()

    listed = [f"[{numbers[key]}] {notes[key]}" for key in sorted(numbers, key=numbers.__getitem__)]
    if listed:
        blocks.append("Notes\n" + "\n".join(listed))
    comments = _comments(document)
    if comments:
        blocks.append("Comments\n" + "\n".join(comments))
    dropped = left_out(len(document.inline_shapes), tables)
    if _has_headers(document):
        dropped.append("page headers and footers")
    return Extracted(text="\n\n".join(blocks), meta=_meta(document), dropped=dropped)


def _paragraph_text(element: Any, notes: dict[str, str], numbers: dict[str, int]) -> str:
    """A paragraph's text as Word shows it: tabs, line breaks and note marks ([1]) kept;
    deleted revisions and field codes left out (they are other elements than w:t), and a text
    box read once, after the paragraph's text (Word stores it twice: for itself and as a
    fallback for older readers)."""
    parts: list[str] = []
    boxes: list[str] = []
    for node in element.iter(*_INLINE, _BOX):
        if _inside(node, element):
            continue  # a text box's own text is read once, below
        if node.tag == _BOX:
            for paragraph in node.iterchildren(f"{_W}p"):
                boxes.append(" ".join(_paragraph_text(paragraph, notes, numbers).split()))
            continue
        tag = node.tag
        if tag == f"{_W}t":
            parts.append(node.text or "")
        elif tag == f"{_W}tab":
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
        elif tag in _NOTE_REFERENCES:
            key = f"{_NOTE_REFERENCES[tag]}:{node.get(f'{_W}id', '')}"
            if key in notes:
                numbers.setdefault(key, len(numbers) + 1)
                parts.append(f"[{numbers[key]}]")
    # A text box floats beside its paragraph: its text follows the paragraph's own.
    return " ".join(["".join(parts).strip(), *boxes]).strip()


def _inside(node: Any, paragraph: Any) -> bool:
    """Whether ``node`` lies in a text box or a fallback copy within ``paragraph``."""
    for ancestor in node.iterancestors():
        if ancestor is paragraph:
            return False
        if ancestor.tag in (_BOX, _FALLBACK):
            return True
    return False


def _table_lines(table: Any, notes: dict[str, str], numbers: dict[str, int]) -> Iterator[str]:
    for row in table.iterchildren(f"{_W}tr"):
        cells = []
        for cell in row.iterchildren(f"{_W}tc"):
            # A cell merged down from the row above (vMerge continue) repeats nothing.
            props = cell.find(f"{_W}tcPr")
            merge = props.find(f"{_W}vMerge") if props is not None else None
            if merge is not None and merge.get(f"{_W}val") in (None, "continue"):
                continue
            texts: list[str] = []
            for part in cell.iterchildren(f"{_W}p", f"{_W}tbl"):
                if part.tag == f"{_W}tbl":  # a table in a cell: its rows, one after another
                    texts.extend(_table_lines(part, notes, numbers))
                else:
                    texts.append(_paragraph_text(part, notes, numbers))
            cells.append(" ".join(" ".join(text.split()) for text in texts if text.strip()))
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


def _notes(document: Any) -> dict[str, str]:
    """ "footnote:<id>" and "endnote:<id>" -> text (python-docx reads the parts; it has no
    note objects yet)."""
    from docx.oxml.parser import parse_xml  # entities are not resolved by its parser

    notes: dict[str, str] = {}
    for kind, relationship in (("footnote", _FOOTNOTES), ("endnote", _ENDNOTES)):
        try:
            part = document.part.part_related_by(relationship)
        except KeyError:
            continue
        for note in parse_xml(part.blob).iter(f"{_W}{kind}"):
            if note.get(f"{_W}type") in (
                "separator",
                "continuationSeparator",
                "continuationNotice",
            ):
                continue
            text = " ".join(
                " ".join(_paragraph_text(p, {}, {}).split()) for p in note.iter(f"{_W}p")
            ).strip()
            if text:
                notes[f"{kind}:{note.get(f'{_W}id', '')}"] = text
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
