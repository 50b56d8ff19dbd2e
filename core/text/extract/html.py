"""The main text of a web page (trafilatura): the article without navigation, banners, sidebars,
comments or "read more" boxes, its paragraphs kept, and its title, author, date, site and address.

Used for .html/.htm files, saved .mhtml pages, EPUB chapters, pages fetched from a web address
and HTML pasted from the clipboard.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from claimdesk.core.text.extract import Extracted, ExtractError

__all__ = ["extract_html", "extract_html_file", "extract_mhtml_file", "plural"]

NO_ARTICLE = "has no article text that could be found"
# Browsers that save a page write where it came from in a comment at the top.
_SAVED_FROM = re.compile(rb"<!--\s*saved from url=\(\d+\)\s*(https?://[^\s>]+)\s*-->", re.I)
_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# trafilatura's names for the metadata Claimdesk keeps.
_META = {"title": "title", "author": "author", "date": "date", "sitename": "site", "url": "url"}


def plural(count: int, noun: str, plural_noun: str | None = None) -> str:
    """'1 image', '3 images'."""
    return f"{count} {noun if count == 1 else plural_noun or noun + 's'}"


def extract_html(data: bytes | str, *, url: str | None = None) -> Extracted:
    """The article in a web page. ``url``: where the page came from (kept in the metadata and
    used to resolve the page's own links); raises ExtractError when no article text is found."""
    # Imported here: lxml and trafilatura take a while to load.
    import trafilatura
    from trafilatura.settings import Document

    options: dict[str, Any] = {
        "url": url,
        "with_metadata": True,
        "include_comments": False,
        "include_tables": True,
        # Asked for only to count what the text leaves out.
        "include_images": True,
        "include_links": False,
        "include_formatting": False,
        "deduplicate": False,
    }
    if not data.strip():
        raise ExtractError("is empty")
    try:
        document = trafilatura.bare_extraction(data, **options)
        if document is None or not _has_text(document):
            # A short page (a note, a letter) is below the precision threshold: ask again.
            document = trafilatura.bare_extraction(data, favor_recall=True, **options)
    except ExtractError:
        raise
    except Exception as error:  # trafilatura and lxml raise many kinds on broken markup.
        raise ExtractError(f"could not be read as a web page ({_what(error)})") from None
    if not isinstance(document, Document) or not _has_text(document):
        raise ExtractError(NO_ARTICLE)
    text, dropped = body_text(document.body)
    if not text.strip():
        raise ExtractError(NO_ARTICLE)
    meta: dict[str, str] = {}
    for attribute, key in _META.items():
        value = getattr(document, attribute, None)
        if isinstance(value, str) and (value := " ".join(value.split())):
            meta[key] = value
    if url and "url" not in meta:
        meta["url"] = url
    return Extracted(text=text, meta=meta, dropped=dropped)


def extract_html_file(data: bytes, path: Path) -> Extracted:
    """A saved web page (.html, .htm; "Web page, complete" leaves its pictures in a folder
    beside it, which holds nothing of the text)."""
    saved_from = _SAVED_FROM.search(data[:4096])
    url = saved_from.group(1).decode("ascii", "replace") if saved_from else None
    return extract_html(data, url=url)


def extract_mhtml_file(data: bytes, path: Path) -> Extracted:
    """A page saved as one file (.mhtml, .mht): a MIME message whose first HTML part is the page."""
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
    except Exception as error:
        raise ExtractError(f"is not a saved web page (.mhtml): {_what(error)}") from None
    location = str(message.get("Snapshot-Content-Location", "") or "").strip()
    pages = [
        part
        for part in message.walk()
        if isinstance(part, EmailMessage) and part.get_content_type() == "text/html"
    ]
    if not pages:
        raise ExtractError("is not a saved web page (.mhtml): it holds no HTML page")
    page = next(
        (p for p in pages if str(p.get("Content-Location", "")).strip() == location), pages[0]
    )
    try:
        html = page.get_content()
    except Exception as error:
        raise ExtractError(f"is not a saved web page (.mhtml): {_what(error)}") from None
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    url = location or str(page.get("Content-Location", "") or "").strip() or None
    return extract_html(html, url=url if url and url.startswith(("http:", "https:")) else None)


def body_text(body: Any) -> tuple[str, list[str]]:
    """Paragraphs of trafilatura's body (head, p, list, quote, table, …) joined by blank lines,
    and what was left out or flattened."""
    images = sum(1 for _ in body.iter("graphic"))
    tables = sum(1 for _ in body.iter("table"))
    paragraphs = [block for block in _blocks(body) if block]
    dropped = []
    if images:
        dropped.append(plural(images, "image"))
    if tables:
        dropped.append(f"{plural(tables, 'table')} flattened (a row a line, cells split by ' | ')")
    return "\n\n".join(paragraphs), dropped


def _blocks(element: Any) -> Iterator[str]:
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "list":
            yield "\n".join(_list_lines(child, 0))
        elif tag == "table":
            yield "\n".join(_table_lines(child))
        elif tag == "graphic":
            continue
        elif any(grand.tag in ("p", "list", "table", "head", "quote") for grand in child):
            # A quote or a div holding paragraphs of its own.
            head = _inline(child, stop_at_blocks=True)
            if head:
                yield head
            yield from _blocks(child)
        elif tag:
            yield _inline(child)


def _list_lines(element: Any, depth: int) -> Iterator[str]:
    marker = "  " * depth + "• "
    for item in element:
        if item.tag != "item":
            continue
        line = _inline(item, stop_at_blocks=True)
        if line:
            yield marker + line
        for nested in item:
            if nested.tag == "list":
                yield from _list_lines(nested, depth + 1)


def _table_lines(table: Any) -> Iterator[str]:
    for row in table.iter("row"):
        cells = [_inline(cell) for cell in row if cell.tag == "cell"]
        if any(cells):
            yield " | ".join(cells).rstrip()


def _inline(element: Any, *, stop_at_blocks: bool = False) -> str:
    """The text of an element, lines kept where the page broke them (<br>), spaces collapsed."""
    parts: list[str] = []

    def walk(node: Any, top: bool) -> None:
        if not top:
            if node.tag == "lb":
                parts.append("\n")
            elif node.tag == "graphic" or (
                stop_at_blocks and node.tag in ("p", "list", "table", "head", "quote")
            ):
                parts.append(" " if node.tail else "")
                parts.append(node.tail or "")
                return
        parts.append(node.text or "")
        for child in node:
            walk(child, False)
        if not top:
            parts.append(node.tail or "")

    walk(element, True)
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _has_text(document: Any) -> bool:
    body = getattr(document, "body", None)
    return body is not None and bool("".join(body.itertext()).strip())


def _what(error: BaseException) -> str:
    """A library's error in a few words (its message, else its kind)."""
    words = " ".join(str(error).split())[:160]
    return words or type(error).__name__
