"""Reading article files for import: decode, normalise, strip web debris, title and checksum."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.cleanup import DEFAULT_CLEANUP_RULES, CleanupRule, RemovedLine, clean_text
from core.encoding import _EMPTY, MAX_ARTICLE_BYTES, ArticleError, _too_large, decode_bytes

__all__ = [
    "DEFAULT_CLEANUP_RULES",
    "MAX_ARTICLE_BYTES",
    "SUPPORTED_SUFFIXES",
    "Article",
    "ArticleError",
    "CleanupRule",
    "RemovedLine",
    "clean_text",
    "collect_article_paths",
    "decode_bytes",
    "normalise_text",
    "read_article",
    "sha256_text",
    "title_from_text",
]

SUPPORTED_SUFFIXES = (".txt", ".md")
_TITLE_LIMIT = 200


@dataclass(frozen=True)
class Article:
    """An article file ready to be stored: its final text and how it was obtained."""

    path: Path
    text: str
    title: str
    sha256: str
    encoding: str
    removed: tuple[RemovedLine, ...]


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
    """Read one article file; raise ArticleError naming the file if it cannot be imported."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ArticleError(path, "does not exist") from None
    except OSError as error:
        raise ArticleError(path, _os_reason(error)) from None
    if stat.S_ISDIR(info.st_mode):
        raise ArticleError(path, "is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        # Reading a pipe or a device could block or never end.
        raise ArticleError(path, "is not a regular file")
    if info.st_size > MAX_ARTICLE_BYTES:
        raise ArticleError(path, _too_large(info.st_size))
    try:
        with path.open("rb") as handle:
            # One byte over the limit tells a file that grew since stat() from one that fits.
            data = handle.read(MAX_ARTICLE_BYTES + 1)
    except OSError as error:
        raise ArticleError(path, _os_reason(error)) from None
    text, encoding = decode_bytes(data, path)
    text = normalise_text(text)
    if not text:
        raise ArticleError(path, _EMPTY)
    removed: tuple[RemovedLine, ...] = ()
    if cleanup:
        text, removed = clean_text(text, rules)
        if not text:
            raise ArticleError(path, "has no text left after clean-up")
    return Article(
        path=path,
        text=text,
        title=title_from_text(text, path.stem),
        sha256=sha256_text(text),
        encoding=encoding,
        removed=removed,
    )


def collect_article_paths(paths: Sequence[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Expand files and folders into the article files to import, plus (path, reason) problems.

    Folders are searched recursively in name order, skipping hidden entries and links to folders;
    a file found through a link is only kept if it lies inside the folder searched.
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
        elif path.exists():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                add(path)
            else:
                problems.append((path, "not a .txt or .md file"))
        else:
            problems.append((path, "does not exist"))
    return files, problems


def _walk(folder: Path) -> Iterator[tuple[Path, str | None]]:
    """Article files under `folder` in name order, or (path, reason) where reading failed."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: (entry.name.casefold(), entry.name))
    except OSError as error:
        yield folder, _os_reason(error)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        try:
            # Links to folders are never followed: they can leave the tree or loop back into it.
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(path)
            elif entry.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES:
                yield path, None
        except OSError as error:
            yield path, _os_reason(error)


def _os_reason(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "cannot be read: permission denied"
    if isinstance(error, IsADirectoryError):
        return "is a folder, not a file"
    return f"cannot be read: {error.strerror or error}"
