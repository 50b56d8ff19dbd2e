"""Article text out of richer files (web pages, Word, ODT, RTF, EPUB, PDF), one extractor a suffix.

Each extractor takes the file's bytes (already read, bounded and checked as a regular file by
``read_article``) and its path (for messages, and for what lies beside a saved web page), and
returns the text a reader should see with the metadata it found and a sentence for each kind of
thing it left out. It raises `ExtractError` with a reason sentence, never a library's traceback.
The libraries are imported when a file of their kind is first read, so start-up does not pay.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["EXTRACTORS", "META_KEYS", "ExtractError", "Extracted", "Extractor"]

# The metadata keys an extractor may fill; nothing else reaches the document's metadata.
META_KEYS = ("title", "author", "date", "site", "url", "fetched")


class ExtractError(Exception):
    """A file whose text cannot be extracted; the message is the reason, as a sentence
    ("is not a Word document (.docx): not a ZIP archive"). read_article names the file."""


@dataclass
class Extracted:
    """What the annotator will see of a file, and what is known about it."""

    # Paragraphs separated by "\n\n"; lines inside a paragraph (list items, table rows) by "\n".
    text: str
    # title, author, date, site, url (+ fetched for web addresses): only the keys found.
    meta: dict[str, str] = field(default_factory=dict)
    # One sentence each, for what the text leaves out: "3 images", "2 tables flattened".
    dropped: list[str] = field(default_factory=list)


Extractor = Callable[[bytes, Path], Extracted]


def _lazy(module: str, function: str) -> Extractor:
    """An extractor that imports ``claimdesk.core.text.extract.<module>`` on first use."""

    def extract(data: bytes, path: Path) -> Extracted:
        found: Extractor = getattr(importlib.import_module(f"{__name__}.{module}"), function)
        return found(data, path)

    extract.__qualname__ = extract.__name__ = f"{module}.{function}"
    return extract


# By lower-case suffix. Plain text (.txt, .md) is not here: read_article decodes it directly.
EXTRACTORS: dict[str, Extractor] = {
    ".html": _lazy("html", "extract_html_file"),
    ".htm": _lazy("html", "extract_html_file"),
    ".xhtml": _lazy("html", "extract_html_file"),
    ".mhtml": _lazy("html", "extract_mhtml_file"),
    ".mht": _lazy("html", "extract_mhtml_file"),
    ".docx": _lazy("docx", "extract_docx"),
    ".odt": _lazy("odt", "extract_odt"),
    ".rtf": _lazy("rtf", "extract_rtf"),
    ".epub": _lazy("epub", "extract_epub"),
}
