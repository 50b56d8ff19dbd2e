"""An article from a web address: the page fetched, its main text extracted as for a saved web
page, then the one import path (NFC, "\\n", clean-up, title, checksum); url and fetched kept."""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from claimdesk.core.net.fetch import WEB_TYPES, Fetched, FetchError, fetch
from claimdesk.core.progress import Progress
from claimdesk.core.text.encoding import ArticleError, decode_bytes
from claimdesk.core.text.extract import EXTRACTORS, Extracted, ExtractError
from claimdesk.core.text.textio import (
    DEFAULT_CLEANUP_RULES,
    Article,
    CleanupRule,
    article_from_extracted,
)

__all__ = ["DOCUMENT_TYPES", "read_web_article"]

# Files served at a web address that an extractor reads, by content type (used when the
# extractor for the suffix is there; others are refused by name before they are downloaded).
DOCUMENT_TYPES = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/rtf": ".rtf",
    "text/rtf": ".rtf",
    "application/epub+zip": ".epub",
}


def read_web_article(
    url: str,
    *,
    cleanup: bool = True,
    rules: Sequence[CleanupRule] = DEFAULT_CLEANUP_RULES,
    progress: Progress | None = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
) -> Article:
    """Fetch ``url`` and make it an article; FetchError names the address and the reason.

    A web page goes through the same extraction as a saved .html file; plain text through the
    same decoding as a .txt file; a PDF, Word or other file through its extractor when
    Claimdesk reads that kind of file. The document's source is the final address (after
    redirects); its metadata keeps that address as ``url`` and the time as ``fetched``.
    """
    readable = {kind for kind, suffix in DOCUMENT_TYPES.items() if suffix in EXTRACTORS}
    page = fetch(
        url,
        accept=WEB_TYPES | readable,
        progress=progress,
        timeout=timeout,
        max_bytes=max_bytes,
    )
    try:
        extracted = _extract(page)
        extracted.meta["url"] = page.url
        extracted.meta["fetched"] = page.fetched
        return article_from_extracted(extracted, source=page.url, cleanup=cleanup, rules=rules)
    except ExtractError as exc:
        raise FetchError(page.requested, _page_reason(str(exc))) from None
    except ArticleError as exc:
        raise FetchError(page.requested, _page_reason(exc.reason)) from None


def _extract(page: Fetched) -> Extracted:
    from claimdesk.core.text.extract.html import extract_html

    if page.is_html:
        return extract_html(_html(page), url=page.url)
    suffix = DOCUMENT_TYPES.get(page.content_type)
    if suffix is not None:
        return EXTRACTORS[suffix](page.data, Path(_file_name(page.url, suffix)))
    # Plain text: decoded as a .txt file is (a declared charset first).
    text = _declared(page)
    if text is None:
        text, _encoding = decode_bytes(page.data, Path(_file_name(page.url, ".txt")))
    return Extracted(text=text)


def _html(page: Fetched) -> bytes | str:
    """The page as text when the server said its charset, else its bytes (the extractor reads
    the page's own <meta charset>)."""
    text = _declared(page)
    return page.data if text is None else text


def _declared(page: Fetched) -> str | None:
    if not page.charset:
        return None
    try:
        codecs.lookup(page.charset)
    except LookupError:
        return None
    return page.data.decode(page.charset, "replace").removeprefix("\ufeff")


def _file_name(url: str, suffix: str) -> str:
    """What the page would be called as a saved file ("report.pdf"), for extractors' messages."""
    name = PurePosixPath(unquote(urlsplit(url).path)).name or "page"
    return name if name.lower().endswith(suffix) else name + suffix


def _page_reason(reason: str) -> str:
    # The extractors speak of files ("has no text"); here it is a page.
    first = reason.split(" ", 1)[0]
    return f"the page {reason}" if first in ("has", "is", "could", "holds") else reason
