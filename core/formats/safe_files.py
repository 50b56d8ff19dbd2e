"""Reading files, JSON, XML and zip archives from other people without trusting them.

Only regular files are read (a FIFO would block for ever, a device such as /dev/zero never
ends), and never more than a stated number of bytes: the size a file or an archive declares is
checked first, then enforced on the bytes actually read. JSON is counted before it is parsed
(millions of tiny items take gigabytes as Python objects) and its nesting and number errors
become messages.

XML is parsed with lxml without loading DTDs, without network access and without expanding
entities; a document type that declares entities or points at an external DTD is refused
outright (external entities read local files, nested internal ones are "billion laughs").
Zip archives are opened by `core.archives`, with the rules every archive from someone else
meets, and refused with a FormatError naming the file and the entry.
"""

from __future__ import annotations

import json
import os
import re
import reprlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from lxml import etree

from claimdesk.core.archives import ArchiveLimits, CheckedZip, open_archive
from claimdesk.core.formats.base import FormatError
from claimdesk.core.limits import printable
from claimdesk.core.text import regular_files
from claimdesk.core.text.json_count import json_items
from claimdesk.core.text.regular_files import FileTooLarge, NotRegularFile, size_against_limit

# A dataset archive (REFI-QDA project, zip of XMI files): entries, total and one entry.
MAX_ENTRIES = 10_000
MAX_TOTAL_BYTES = 2 * 1024**3  # 2 GiB uncompressed for the whole archive
MAX_ENTRY_BYTES = 512 * 1024**2  # 512 MiB for any one entry

# What an annotation import reads at most: every file and entry together, and in one JSON
# document (a Label Studio file, one JSONL line) or one whole JSONL file.
MAX_DATASET_BYTES = 1024**3  # 1 GiB
MAX_JSON_ITEMS = 5_000_000  # about 300 MB as Python objects in the worst shape
MAX_JSONL_ITEMS = 20_000_000
# Elements of one XML document, counted before lxml builds a tree of them.
MAX_XML_ELEMENTS = 5_000_000


# -- files ----------------------------------------------------------------------------------


def _os_reason(exc: OSError) -> str:
    return f"cannot be read: {exc.strerror or exc}"


def open_regular(path: Path, shown: Path | str | None = None, where: str = "") -> IO[bytes]:
    """Open ``path`` for reading in binary, only if it is a regular file; raises FormatError.

    (`core.regular_files` does the checking: stat before opening, fstat after.)
    """
    shown = path if shown is None else shown
    try:
        return regular_files.open_regular(path)
    except NotRegularFile as exc:
        raise FormatError(shown, f"is {exc.kind}; only regular files are read", where) from None
    except FileNotFoundError:
        raise FormatError(shown, "cannot be read: no such file", where) from None
    except OSError as exc:
        raise FormatError(shown, _os_reason(exc), where) from None


def shown_value(value: Any) -> str:
    """A value from a file as a message may show it: short, and with controls escaped."""
    return printable(_SHORT.repr(value), 80)


_SHORT = reprlib.Repr()
_SHORT.maxlevel = 3
_SHORT.maxstring = 60
_SHORT.maxother = 60


def read_regular(path: Path, limit: int, shown: Path | str | None = None, where: str = "") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; FormatError otherwise.

    The size is checked before reading and enforced while reading (a file may grow).
    """
    shown = path if shown is None else shown
    try:
        return regular_files.read_bounded(path, limit)
    except NotRegularFile as exc:
        raise FormatError(shown, f"is {exc.kind}; only regular files are read", where) from None
    except FileTooLarge as exc:
        if exc.grew:
            raise FormatError(
                shown, f"grew past the limit of {limit:,} bytes while read", where
            ) from None
        raise FormatError(shown, f"is {size_against_limit(exc.size, limit)}", where) from None
    except FileNotFoundError:
        raise FormatError(shown, "cannot be read: no such file", where) from None
    except OSError as exc:
        raise FormatError(shown, _os_reason(exc), where) from None


MAX_FOLDER_DEPTH = 32  # folders below the one given (brat nests collections, never this deep)
MAX_FOLDER_ENTRIES = 200_000  # files and folders looked at in one walk


def walk_folder(root: Path) -> Iterator[os.DirEntry[str]]:
    """Every entry under ``root``, without recursion and without entering symbolic links.

    A folder nested deeper than MAX_FOLDER_DEPTH, or more than MAX_FOLDER_ENTRIES entries,
    raise FormatError naming the place; so does a folder that cannot be listed.
    """
    pending: list[tuple[Path, int]] = [(root, 0)]
    seen = 0
    while pending:
        folder, depth = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            where = f"entry {printable(folder.relative_to(root).as_posix())}"
            raise FormatError(root, _os_reason(exc), where) from None
        seen += len(entries)
        if seen > MAX_FOLDER_ENTRIES:
            raise FormatError(root, f"holds more than {MAX_FOLDER_ENTRIES:,} files and folders")
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if depth + 1 > MAX_FOLDER_DEPTH:
                    where = f"entry {printable(Path(entry.path).relative_to(root).as_posix())}"
                    raise FormatError(
                        root, f"its folders are nested more than {MAX_FOLDER_DEPTH} deep", where
                    )
                pending.append((Path(entry.path), depth + 1))
            yield entry


# -- JSON -----------------------------------------------------------------------------------


def _line_of(data: bytes, offset: int) -> str:
    return "line " + str(data.count(b"\n", 0, offset) + 1)


_LONG_NUMBER = re.compile(rb"[0-9]{4000,}")


def load_json(
    data: bytes,
    path: Path | str,
    where: str = "",
    *,
    max_items: int | None = None,
    items: int | None = None,
) -> Any:
    """Parse untrusted UTF-8 JSON (a byte-order mark is allowed), or raise FormatError.

    ``items`` is the count from `json_items` when the caller made it already. Without ``where``
    (a JSONL line), messages name the line of the file where the problem is.
    """
    max_items = MAX_JSON_ITEMS if max_items is None else max_items
    count = json_items(data, max_items) if items is None else items
    if count > max_items:
        raise FormatError(path, f"holds {count:,} JSON items; the limit is {max_items:,}", where)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        place = where or _line_of(data, exc.start)
        raise FormatError(path, f"is not UTF-8 text (byte {exc.start + 1})", place) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        place = where or f"line {exc.lineno}"
        raise FormatError(path, f"not valid JSON ({exc.msg})", place) from None
    except RecursionError:
        raise FormatError(path, "the JSON is nested too deeply to read", where) from None
    except ValueError:  # Python refuses to convert integers of more than 4,300 digits
        found = _LONG_NUMBER.search(data)
        place = where
        if not place and found:
            place = _line_of(data, found.start())
        raise FormatError(path, "holds a number with thousands of digits", place) from None


# -- XML ------------------------------------------------------------------------------------


def _parser() -> etree.XMLParser:
    # A fresh parser per call: lxml parsers are not thread-safe.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


def check_xml_prolog(data: bytes, path: Path | str, where: str = "") -> None:
    """Refuse a document type with entity declarations or an external DTD, or malformed XML.

    Use it before handing bytes to a library that resolves entities by default (lxml's
    iterparse in dkpro-cassis). A DOCTYPE cannot hide in ordinary XML content ('<' must be
    escaped there), so bytes without one need no second parse unless they are UTF-16.
    """
    check_xml_size(data, path, where)
    head = data.removeprefix(b"\xef\xbb\xbf").lstrip()[:2]
    ascii_compatible = head[:1] == b"<" and head != b"<\x00"  # else UTF-16/32: parse fully
    if not ascii_compatible or b"<!DOCTYPE" in data or b"<!doctype" in data or b"<!ENTITY" in data:
        parse_xml(data, path, where)


def _refuse_entities(docinfo: etree.DocInfo, path: Path | str, where: str) -> None:
    dtd = docinfo.internalDTD
    if docinfo.system_url or docinfo.public_id:
        raise FormatError(
            path, "XML with external entities is not accepted (it names an external DTD)", where
        )
    if dtd is not None and (any(True for _ in dtd.iterentities()) or dtd.system_url):
        raise FormatError(
            path,
            "XML with external entities is not accepted (its DOCTYPE declares entities)",
            where,
        )


def check_xml_size(data: bytes, path: Path | str, where: str = "") -> None:
    """Refuse XML with more elements than MAX_XML_ELEMENTS (every element needs a '<')."""
    marks = data.count(b"<")
    if marks > MAX_XML_ELEMENTS:
        raise FormatError(
            path, f"holds {marks:,} XML tags; the limit is {MAX_XML_ELEMENTS:,}", where
        )


def parse_xml(data: bytes, path: Path | str, where: str = "") -> etree._Element:
    """Parse untrusted XML bytes into an lxml element tree, or raise FormatError."""
    check_xml_size(data, path, where)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        if _declares_entities(data):  # refused entities often break the parse first
            raise FormatError(path, "XML with external entities is not accepted", where) from exc
        raise FormatError(path, f"malformed XML: {exc}", where) from exc
    _refuse_entities(root.getroottree().docinfo, path, where)
    return root


def _declares_entities(data: bytes) -> bool:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        data = data.decode("utf-16", errors="replace").encode("utf-8", errors="replace")
    elif data[:2] in (b"\x00<", b"<\x00"):
        data = data.replace(b"\x00", b"")
    return b"<!ENTITY" in data


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """The string with the characters XML 1.0 cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", value)


# -- zip ------------------------------------------------------------------------------------


def open_zip(
    path: Path,
    *,
    max_entries: int = MAX_ENTRIES,
    max_total: int = MAX_TOTAL_BYTES,
    shown: Path | None = None,
) -> CheckedZip:
    """Open an untrusted zip archive after checking every entry (`core.archives`' rules);
    refusals are FormatErrors naming ``shown`` (default: ``path``) and the entry."""
    limits = ArchiveLimits(entries=max_entries, total=max_total, entry=MAX_ENTRY_BYTES)
    return open_archive(path, limits, shown=shown, refusal=FormatError)
