"""The text of a Rich Text Format file (.rtf, striprtf): its paragraphs, table rows a line each,
and the title, author and date of its information group."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from pathlib import Path

from claimdesk.core.text.extract import Extracted, ExtractError
from claimdesk.core.text.extract.html import left_out

__all__ = ["extract_rtf"]

_KIND = "an RTF document (.rtf)"
_CODE_PAGE = re.compile(rb"\\ansicpg(\d{3,5})")
# A line break inside a paragraph (\line) is kept apart from a paragraph end (\par) through
# a character RTF text does not hold, turned back into "\n" afterwards.
_LINE = re.compile(r"\\line(?![a-zA-Z])(?: ?)")
_LINE_MARK = "\u2028"
_INFO = {"title": "title", "author": "author"}
_CREATED = re.compile(r"\\creatim\s*\\yr(\d{4})\s*\\mo(\d{1,2})\s*\\dy(\d{1,2})")
_ROW_END = re.compile(r"\|\s*$")


def extract_rtf(data: bytes, path: Path) -> Extracted:
    if not data.lstrip().startswith(b"{\\rtf"):
        raise ExtractError(f"is not {_KIND}: it does not begin with {{\\rtf")
    # RTF is 7-bit text with escapes for everything else; a writer that put raw bytes in used
    # the file's code page.
    found = _CODE_PAGE.search(data[:4096])
    encoding = f"cp{found.group(1).decode()}" if found else "cp1252"
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "cp1252"
    source = data.decode(encoding, "replace")
    # Imported here: only needed for .rtf files. striprtf's function has no annotations.
    from striprtf.striprtf import rtf_to_text as untyped

    rtf_to_text: Callable[..., str] = untyped

    try:
        raw = rtf_to_text(_LINE.sub(_LINE_MARK, _without_fields(source)), errors="replace")
        meta = _meta(source, rtf_to_text)
    except Exception as error:  # striprtf raises ValueError, UnicodeError, IndexError, …
        what = " ".join(str(error).split())[:160] or type(error).__name__
        raise ExtractError(f"could not be read as {_KIND}: {what}") from None
    # \uN escapes of characters outside the BMP come as two surrogates: join them.
    raw = raw.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    paragraphs: list[str] = []
    rows: list[str] = []
    tables = 0
    for line in raw.replace("\r", "").split("\n"):
        if _ROW_END.search(line):  # striprtf ends each table cell with "|"
            cells = [" ".join(cell.split()) for cell in line.split("|")[:-1]]
            rows.append(" | ".join(cells).rstrip(" |"))
            continue
        if rows:
            paragraphs.append("\n".join(row for row in rows if row))
            rows = []
            tables += 1
        lines = (" ".join(part.split()) for part in line.split(_LINE_MARK))
        paragraph = "\n".join(part for part in lines if part)
        if paragraph:
            paragraphs.append(paragraph)
    if rows:
        paragraphs.append("\n".join(row for row in rows if row))
        tables += 1
    dropped = left_out(source.count("\\shppict") or source.count("\\pict"), tables)
    return Extracted(text="\n\n".join(p for p in paragraphs if p), meta=meta, dropped=dropped)


def _without_fields(source: str) -> str:
    """The text without field instructions ({\\*\\fldinst HYPERLINK "…"}): a link reads as its
    words, and striprtf's link pattern never has to search the whole file."""
    out: list[str] = []
    at = 0
    while (start := source.find("{\\*\\fldinst", at)) >= 0:
        out.append(source[at:start])
        at = _group_end(source, start)
    out.append(source[at:])
    return "".join(out)


def _group_end(source: str, start: int) -> int:
    """The index after the group opened at ``start`` (escaped braces do not count)."""
    depth = 0
    index = start
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return len(source)


def _meta(source: str, rtf_to_text: Callable[..., str]) -> dict[str, str]:
    meta: dict[str, str] = {}
    at = source.find("{\\info")
    if at < 0:
        return meta
    info = source[at : _group_end(source, at)]
    for word, key in _INFO.items():
        start = info.find("{\\" + word)
        if start < 0 or info[start + 2 + len(word) : start + 3 + len(word)].isalpha():
            continue
        group = info[start + 2 + len(word) : _group_end(info, start) - 1]
        value = rtf_to_text("{\\rtf1\\ansi " + group + "}", errors="replace")
        if value := " ".join(value.split()):
            meta[key] = value
    if created := _CREATED.search(info):
        year, month, day = (int(part) for part in created.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            meta["date"] = f"{year:04d}-{month:02d}-{day:02d}"
    return meta
