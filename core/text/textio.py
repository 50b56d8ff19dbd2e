"""Reading article files for import: decode, normalise, strip web debris, title and checksum."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from claimdesk.core.limits import TITLE_MAX, printable_path
from claimdesk.core.suffixes import (
    ARTICLE_SUFFIXES,
    SAVED_PAGE_FOLDER_ENDINGS,
    UNREAD_ARTICLE_HINTS,
)
from claimdesk.core.text.cleanup import DEFAULT_CLEANUP_RULES, CleanupRule, RemovedLine, clean_text
from claimdesk.core.text.encoding import (
    EMPTY_ARTICLE,
    MAX_ARTICLE_BYTES,
    ArticleError,
    article_too_large,
    decode_article,
    decode_bytes,
)
from claimdesk.core.text.extract import EXTRACTORS, META_KEYS, Extracted, ExtractError
from claimdesk.core.text.regular_files import FileTooLarge, NotRegularFile, kind_of, read_bounded

__all__ = [
    "DEFAULT_CLEANUP_RULES",
    "MAX_ARTICLE_BYTES",
    "MAX_FOLDER_DEPTH",
    "NOT_AN_ARTICLE",
    "Article",
    "ArticleError",
    "CleanupRule",
    "Extracted",
    "RemovedLine",
    "article_from_extracted",
    "clean_text",
    "collect_article_paths",
    "decode_bytes",
    "normalise_text",
    "read_article",
    "sha256_text",
    "title_from_text",
]

_TITLE_LIMIT = min(200, TITLE_MAX)
# Folders are searched this many levels deep; anything deeper is reported, not searched (a
# folder nested a thousand times is a trap or a mistake, not a corpus).
MAX_FOLDER_DEPTH = 64
NOT_AN_ARTICLE = f"not an article file ({', '.join(ARTICLE_SUFFIXES)})"
_TOO_DEEP = f"is more than {MAX_FOLDER_DEPTH} folders deep; deeper folders are not searched"
_TITLE_NOISE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


@dataclass(frozen=True)
class Article:
    """An article file ready to be stored: its final text and how it was obtained."""

    path: Path
    text: str
    title: str
    sha256: str
    encoding: str
    removed: tuple[RemovedLine, ...]
    # Bytes that were not valid UTF-8 in a file otherwise UTF-8, replaced by U+FFFD.
    replaced_bytes: int = 0
    # What the file said about itself (title, author, date, site, url, fetched: see
    # core/text/extract) and what its text leaves out ("3 images", "1 table flattened").
    meta: Mapping[str, str] = field(default_factory=dict)
    dropped: tuple[str, ...] = ()
    # Where the text came from when it is no file (a web address, "clipboard").
    origin: str = ""

    @property
    def source(self) -> str:
        """The path as stored and shown: a name that is not UTF-8 shows its bytes (caf\\xe9.txt),
        so no lone surrogate reaches the project file."""
        return self.origin or printable_path(self.path, limit=4096)

    @property
    def warning(self) -> str | None:
        """What the user should know about an article that was imported all the same."""
        if not self.replaced_bytes:
            return None
        return (
            f"{self.replaced_bytes:,} byte(s) that are not UTF-8 were replaced by \ufffd "
            "(the rest of the file is UTF-8)"
        )


def sha256_text(text: str) -> str:
    """Hex SHA-256 of the text encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise_text(text: str) -> str:
    """Line endings to "\\n", Unicode NFC, no byte-order mark, no blank lines at either end.

    Lines are otherwise kept as they are (indentation, tabs, trailing spaces), since annotations
    point into the stored text by character offset.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    # A blank line can hide a second byte-order mark behind it, so repeat until nothing changes.
    while True:
        stripped = _strip_blank_lines(text.lstrip("\ufeff"))
        if stripped == text:
            return text
        text = stripped


def _strip_blank_lines(text: str) -> str:
    lines = text.split("\n")
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end])


def title_from_text(text: str, fallback: str) -> str:
    """The first non-empty line as a one-line title of at most 200 characters, else `fallback`."""
    for line in text.split("\n"):
        # A Markdown heading marker is formatting, not part of the title.
        title = " ".join(re.sub(r"^\s*#{1,6}\s+", "", line).split())
        # What split() left of control and direction characters would reach terminals and lists.
        title = " ".join(_TITLE_NOISE.sub("", title).split())
        if title:
            break
    else:
        return fallback
    if len(title) <= _TITLE_LIMIT:
        return title
    cut = title[: _TITLE_LIMIT - 1]
    if title[_TITLE_LIMIT - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def read_article(
    path: Path, *, cleanup: bool = True, rules: Sequence[CleanupRule] = DEFAULT_CLEANUP_RULES
) -> Article:
    """Read one article file; raise ArticleError naming the file if it cannot be imported.

    Plain text (.txt, .md) is decoded here; other suffixes go to their extractor in
    core/text/extract (web pages, Word, ODT, RTF, EPUB), then the same path as plain text.
    """
    data = _read(path)
    extractor = EXTRACTORS.get(path.suffix.lower())
    if extractor is not None:
        if not data.strip():
            raise ArticleError(path, EMPTY_ARTICLE)
        try:
            extracted = extractor(data, path)
        except ExtractError as exc:
            raise ArticleError(path, str(exc)) from None
        return _from_extracted(extracted, path, "", cleanup, rules)
    text, encoding, replaced = decode_article(data, path)
    text = normalise_text(text)
    if not text:
        raise ArticleError(path, EMPTY_ARTICLE)
    removed: tuple[RemovedLine, ...] = ()
    if cleanup:
        text, removed = clean_text(text, rules)
        if not text:
            raise ArticleError(path, "has no text left after clean-up")
    return Article(
        path=path,
        text=text,
        title=title_from_text(text, printable_path(path.stem, limit=_TITLE_LIMIT)),
        sha256=sha256_text(text),
        encoding=encoding,
        removed=removed,
        replaced_bytes=replaced,
    )


def article_from_extracted(
    extracted: Extracted,
    *,
    source: str,
    cleanup: bool = True,
    rules: Sequence[CleanupRule] = DEFAULT_CLEANUP_RULES,
) -> Article:
    """An article from text extracted without a file (a web address, the clipboard), through the
    same rules as a file: NFC, "\\n", clean-up, title from the metadata, checksum. ``source`` is
    what the document's source shows (the address); raises ArticleError naming it."""
    return _from_extracted(extracted, Path(source), source, cleanup, rules)


def _from_extracted(
    extracted: Extracted,
    path: Path,
    origin: str,
    cleanup: bool,
    rules: Sequence[CleanupRule],
) -> Article:
    text = normalise_text(extracted.text)
    if not text:
        raise ArticleError(path, "has no text")
    removed: tuple[RemovedLine, ...] = ()
    if cleanup:
        text, removed = clean_text(text, rules)
        if not text:
            raise ArticleError(path, "has no text left after clean-up")
    meta = {
        key: " ".join(unicodedata.normalize("NFC", value).split())
        for key, value in extracted.meta.items()
        if key in META_KEYS and value and value.strip()
    }
    fallback = title_from_text(text, printable_path(path.stem, limit=_TITLE_LIMIT) or origin)
    return Article(
        path=path,
        text=text,
        title=title_from_text(meta.get("title", ""), fallback),
        sha256=sha256_text(text),
        encoding="",
        removed=removed,
        meta=meta,
        dropped=tuple(extracted.dropped),
        origin=origin,
    )


def _read(path: Path) -> bytes:
    """The file's bytes, bounded; ArticleError when it is missing, no regular file, or too big."""
    try:
        data = read_bounded(path, MAX_ARTICLE_BYTES)
    except FileNotFoundError:
        raise ArticleError(path, "does not exist") from None
    except NotRegularFile as exc:
        # Reading a pipe or a device could block or never end; nothing was opened.
        reason = _FOLDER if exc.kind == "a folder" else _special_file(exc.mode)
        raise ArticleError(path, reason) from None
    except FileTooLarge as exc:
        raise ArticleError(path, article_too_large(exc.size)) from None
    except OSError as error:
        raise ArticleError(path, _os_reason(error)) from None
    return data


def collect_article_paths(paths: Sequence[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Expand files and folders into the article files to import, plus (path, reason) problems.

    Folders are searched in name order down to MAX_FOLDER_DEPTH levels, skipping hidden entries
    and links to folders; a file found through a link is only kept if it lies inside the folder
    searched. An article name that is not a regular file (a pipe, socket or device, or a link to
    one) is a problem, never opened.
    """
    files: list[Path] = []
    problems: list[tuple[Path, str]] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            files.append(path)

    for path in paths:
        if path.is_dir():
            root = path.resolve()
            for found, problem in _walk(path):
                if problem is not None:
                    problems.append((found, problem))
                elif found.is_symlink() and not found.resolve().is_relative_to(root):
                    problems.append((found, "is a link to a file outside the folder"))
                else:
                    add(found)
        elif path.exists() or path.is_symlink():
            if path.suffix.lower() not in ARTICLE_SUFFIXES:
                problems.append(
                    (path, UNREAD_ARTICLE_HINTS.get(path.suffix.lower(), NOT_AN_ARTICLE))
                )
            elif (kind := _not_a_file(path)) is not None:
                problems.append((path, kind))
            else:
                add(path)
        else:
            problems.append((path, "does not exist"))
    return files, problems


def _walk(folder: Path) -> Iterator[tuple[Path, str | None]]:
    """Article files under `folder` in name order, or (path, reason) where reading failed.

    Iterative (a stack of open listings), so no depth of nesting can exhaust Python's stack.
    """
    stack: list[Iterator[tuple[Path, bool]]] = []
    listing = _list(folder)
    if isinstance(listing, str):
        yield folder, listing
        return
    stack.append(iter(listing))
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        path, is_dir = entry
        if is_dir and _saved_page_folder(path):
            continue
        if is_dir:
            if len(stack) >= MAX_FOLDER_DEPTH:
                yield path, _TOO_DEEP
                continue
            listing = _list(path)
            if isinstance(listing, str):
                yield path, listing
            else:
                stack.append(iter(listing))
        elif path.suffix.lower() in ARTICLE_SUFFIXES:
            problem = _not_a_file(path)
            if problem != _FOLDER:  # a link to a folder: not followed, as said above
                yield path, problem


def _saved_page_folder(folder: Path) -> bool:
    """Whether `folder` holds the pictures and scripts of a web page saved beside it
    ("News_files" next to "News.html"): that page is the article, the folder is not."""
    for ending in SAVED_PAGE_FOLDER_ENDINGS:
        if folder.name.endswith(ending) and len(folder.name) > len(ending):
            stem = folder.name[: -len(ending)]
            for suffix in (".html", ".htm", ".xhtml", ".HTML", ".HTM"):
                if (folder.parent / (stem + suffix)).is_file():
                    return True
    return False


def _list(folder: Path) -> list[tuple[Path, bool]] | str:
    """(path, is a folder) for the visible entries of `folder` in name order, or why not."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: (entry.name.casefold(), entry.name))
        # Links to folders are never followed: they can leave the tree or loop back into it.
        return [
            (folder / entry.name, entry.is_dir(follow_symlinks=False))
            for entry in entries
            if not entry.name.startswith(".")
        ]
    except OSError as error:
        return _os_reason(error)


def _not_a_file(path: Path) -> str | None:
    """Why `path` is no regular file to read (stat does not open it, so a pipe cannot block)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "is a link to nothing" if path.is_symlink() else "does not exist"
    except OSError as error:
        return _os_reason(error)
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return _FOLDER
    return _special_file(mode)


_FOLDER = "is a folder, not a file"


def _special_file(mode: int) -> str:
    kind = kind_of(mode).removesuffix(" (FIFO)")
    return f"is {'a special file' if kind == 'not a regular file' else kind}, not a regular file"


def _os_reason(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "cannot be read: permission denied"
    if isinstance(error, IsADirectoryError):
        return "is a folder, not a file"
    return f"cannot be read: {error.strerror or error}"
