"""The text of an e-book (.epub, ebooklib): its chapters in reading order (the spine), each read
through the web page reader (without the news-page boilerplate detection a chapter does not
need), and the title, author and date of its package metadata."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from claimdesk.core.text.extract import Extracted, ExtractError
from claimdesk.core.text.extract.html import NO_ARTICLE, left_out, plural, read_whole_page
from claimdesk.core.text.extract.zipped import check_zip

__all__ = ["extract_epub"]

_KIND = "an EPUB e-book (.epub)"
_DRM = "META-INF/encryption.xml"


def extract_epub(data: bytes, path: Path) -> Extracted:
    archive = check_zip(data, _KIND)
    with archive:
        names = set(archive.namelist())
    if _DRM in names and _encrypts_content(data):
        raise ExtractError("is protected by DRM (its chapters are encrypted): it cannot be read")
    # Imported here: only needed when an e-book is read. ebooklib ships no type information.
    import ebooklib  # type: ignore[import-untyped]
    from ebooklib import epub

    try:
        book = epub.read_epub(io.BytesIO(data), {"ignore_ncx": True})
    except Exception as error:  # ebooklib raises EpubException, KeyError, lxml errors, …
        what = " ".join(str(error).split())[:160] or type(error).__name__
        if isinstance(error, TypeError | AttributeError | IndexError):
            # ebooklib's own stumble over a package file it could not parse (an XML entity
            # bomb is refused by lxml and ebooklib goes on with nothing).
            what = "its package description (the .opf file) could not be read"
        raise ExtractError(f"is not {_KIND}: {what}") from None
    chapters: list[str] = []
    images = tables = empty = 0
    for idref, _linear in book.spine:
        item = book.get_item_with_id(idref)
        if item is None or item.get_type() != ebooklib.ITEM_DOCUMENT:
            continue
        if isinstance(item, epub.EpubNav):  # the table of contents, not the book's text
            continue
        try:
            page = read_whole_page(item.get_content())
        except ExtractError as error:
            if str(error) in (NO_ARTICLE, "is empty"):
                empty += 1  # a cover, a title page, a blank page
                continue
            raise ExtractError(f"chapter {item.get_name()[:100]!r} {error}") from None
        chapters.append(page.text)
        images += page.images
        tables += page.tables
    if not chapters:
        raise ExtractError("has no chapter with text")
    dropped = left_out(images, tables)
    if empty:
        dropped.append(f"{plural(empty, 'page')} without text (a cover, a title page)")
    return Extracted(text="\n\n".join(chapters), meta=_meta(book), dropped=dropped)


def _encrypts_content(data: bytes) -> bool:
    """Whether META-INF/encryption.xml encrypts more than fonts (fonts are obfuscated in
    ordinary e-books; DRM encrypts the chapters)."""
    with check_zip(data, _KIND) as archive:
        declared = archive.read(_DRM)
    return b".xhtml" in declared or b".html" in declared or b'.htm"' in declared


def _meta(book: Any) -> dict[str, str]:
    meta: dict[str, str] = {}
    for name, key in (("title", "title"), ("creator", "author"), ("date", "date")):
        values = [" ".join(str(value).split()) for value, _ in book.get_metadata("DC", name)]
        values = [value for value in values if value]
        if values:
            meta[key] = values[0] if key != "author" else ", ".join(values)
    if "date" in meta:
        meta["date"] = meta["date"][:10]
    return meta
