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
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from claimdesk.core.text.extract import Extracted, ExtractError

__all__ = [
    "Page",
    "extract_html",
    "extract_html_file",
    "extract_mhtml_file",
    "left_out",
    "plural",
    "read_page",
    "read_whole_page",
]

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
    page = read_page(data, url=url)
    return Extracted(text=page.text, meta=page.meta, dropped=left_out(page.images, page.tables))


@dataclass
class Page:
    """A page's article: its text, metadata, and the pictures and tables inside the article."""

    text: str
    meta: dict[str, str]
    images: int
    tables: int


def read_page(data: bytes | str, *, url: str | None = None) -> Page:
    """extract_html's work, with counts in place of sentences (an e-book adds its chapters')."""
    # Imported here: lxml and trafilatura take a while to load.
    import trafilatura
    from trafilatura.settings import Document, set_date_params

    options: dict[str, Any] = {
        "url": url,
        "with_metadata": True,
        # htmldate ignores dates before 1995 by default; news archives (the sample articles
        # are from 1989) are older than the web.
        "date_extraction_params": {**set_date_params(), "min_date": "1800-01-01"},
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
        document = trafilatura.bare_extraction(_tree(data), **options)
        if document is None or not _has_text(document):
            # A short page (a note, a letter) is below the precision threshold: ask again.
            document = trafilatura.bare_extraction(_tree(data), favor_recall=True, **options)
    except ExtractError:
        raise
    except Exception as error:  # trafilatura and lxml raise many kinds on broken markup.
        raise ExtractError(f"could not be read as a web page ({_what(error)})") from None
    if not isinstance(document, Document) or not _has_text(document):
        raise ExtractError(NO_ARTICLE)
    body = document.body
    blocks = [block for block in _blocks(body) if block]
    if len(body) == 1 and body[0].tag == "p" and len(blocks) == 1:
        # trafilatura's fallback for short pages puts the text of each element on a line of
        # one paragraph: each line was a paragraph of the page.
        blocks = blocks[0].split("\n")
    text = "\n\n".join(blocks)
    if not text.strip():
        raise ExtractError(NO_ARTICLE)
    meta: dict[str, str] = {}
    for attribute, key in _META.items():
        value = getattr(document, attribute, None)
        if isinstance(value, str) and (value := " ".join(value.split())):
            meta[key] = value
    if url and "url" not in meta:
        meta["url"] = url
    images = sum(1 for _ in body.iter("graphic"))
    tables = sum(1 for _ in body.iter("table"))
    return Page(text=text, meta=meta, images=images, tables=tables)


def read_whole_page(data: bytes | str) -> Page:
    """A page that is all text (an e-book's chapter): trafilatura's clean-up (scripts, styles,
    forms, navigation) and its element names, without the boilerplate detection made for news
    pages, which drops a chapter's heading and flattens short chapters."""
    from trafilatura.htmlprocessing import convert_tags, tree_cleaning
    from trafilatura.settings import Extractor

    if not data.strip():
        raise ExtractError("is empty")
    options = Extractor(tables=True, images=True, comments=False, formatting=False, links=False)
    try:
        tree = convert_tags(tree_cleaning(_tree(data), options), options)
    except ExtractError:
        raise
    except Exception as error:
        raise ExtractError(f"could not be read as a web page ({_what(error)})") from None
    body = tree.find(".//body")
    if body is None:
        body = tree
    text = "\n\n".join(block for block in _blocks(body) if block)
    if not text.strip():
        raise ExtractError(NO_ARTICLE)
    images = sum(1 for _ in body.iter("graphic", "img"))
    tables = sum(1 for _ in body.iter("table"))
    return Page(text=text, meta={}, images=images, tables=tables)


_WHOLE_PAGE = re.compile(rb"<(html|body|head)[\s>]|<!doctype", re.I)


def _tree(data: bytes | str) -> Any:
    """The page parsed by trafilatura's loader, for one extraction (it changes the tree).

    A fragment (HTML from the clipboard: "<p>…</p>") is wrapped in a page first, since the
    loader takes a lone block for something that is not HTML. A <time> inside a sentence
    ("met on <time>Monday</time> at…") becomes a <span>: trafilatura drops <time> elements,
    and with them the words of the sentence; a <time> on its own (a dateline) is left for the
    date in the metadata.
    """
    from trafilatura.utils import load_html

    head = data[:4096].encode("utf-8", "replace") if isinstance(data, str) else data[:4096]
    if not _WHOLE_PAGE.search(head):
        data = (
            ("<html><body>" + data + "</body></html>")
            if isinstance(data, str)
            else (b"<html><body>" + data + b"</body></html>")
        )
    tree = load_html(data)
    if tree is None:
        raise ExtractError(NO_ARTICLE)
    for element in list(tree.iter("time")):
        parent = element.getparent()
        if parent is None:
            continue
        before = element.getprevious()
        words_before = (before.tail if before is not None else parent.text) or ""
        if words_before.strip() or (element.tail or "").strip():
            element.tag = "span"
    return tree


def left_out(images: int, tables: int) -> list[str]:
    """The sentences every format uses for what its text leaves out."""
    dropped = []
    if images:
        dropped.append(plural(images, "image"))
    if tables:
        dropped.append(f"{plural(tables, 'table')} flattened")
    return dropped


def extract_html_file(data: bytes, path: Path) -> Extracted:
    """A saved web page (.html, .htm; "Web page, complete" leaves its pictures in a folder
    beside it, which holds nothing of the text)."""
    head = data[:4096]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExtractError("looks like a binary file, not a web page")
    saved_from = _SAVED_FROM.search(head)
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


# trafilatura's block elements, and the HTML ones its tag conversion leaves as they are.
_BLOCKS = frozenset({"p", "head", "list", "quote", "table", "div", "section", "article"})
_IMAGES = frozenset({"graphic", "img"})


def _blocks(element: Any) -> Iterator[str]:
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "list":
            yield "\n".join(_list_lines(child, 0))
        elif tag == "table":
            yield "\n".join(_table_lines(child))
        elif tag in _IMAGES:
            continue
        elif any(grand.tag in _BLOCKS for grand in child):
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
    for row in table.iter("row", "tr"):
        cells = [_inline(cell) for cell in row if cell.tag in ("cell", "td", "th")]
        if any(cells):
            yield " | ".join(cells).rstrip()


def _inline(element: Any, *, stop_at_blocks: bool = False) -> str:
    """The text of an element, lines kept where the page broke them (<br>), spaces collapsed."""
    parts: list[str] = []

    def walk(node: Any, top: bool) -> None:
        if not top:
            if node.tag == "lb":
                parts.append("\n")
            elif node.tag in _IMAGES or (stop_at_blocks and node.tag in _BLOCKS):
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
