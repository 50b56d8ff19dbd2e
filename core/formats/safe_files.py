"""Reading files, JSON, XML and zip archives from other people without trusting them.

Only regular files are read (a FIFO would block for ever, a device such as /dev/zero never
ends), and never more than a stated number of bytes: the size a file or an archive declares is
checked first, then enforced on the bytes actually read. JSON is counted before it is parsed
(millions of tiny items take gigabytes as Python objects) and its nesting and number errors
become messages.

XML is parsed with lxml without loading DTDs, without network access and without expanding
entities; a document type that declares entities or points at an external DTD is refused
outright (external entities read local files, nested internal ones are "billion laughs").
Zip archives are checked entry by entry before anything is read: no path may leave the
archive (`../`, absolute paths, drive letters, symlinks), and the number of entries, the
uncompressed total and the compression ratio are bounded so a small file cannot unpack to
gigabytes. Entries are read into memory with the same bounds enforced on the actual bytes,
not only on what the archive's header claims.
"""

from __future__ import annotations

import json
import lzma
import os
import re
import reprlib
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO, Any

from lxml import etree

from claimdesk.core.formats.base import FormatError
from claimdesk.core.limits import printable
from claimdesk.core.text import regular_files
from claimdesk.core.text.regular_files import FileTooLarge, NotRegularFile

MAX_ENTRIES = 10_000
MAX_TOTAL_BYTES = 2 * 1024**3  # 2 GiB uncompressed for the whole archive
MAX_ENTRY_BYTES = 512 * 1024**2  # 512 MiB for any one entry
_EOCD_SEARCH = 22 + 65535  # the end-of-directory record, plus a comment of at most 64 KB
MAX_RATIO = 200  # uncompressed / compressed; text compresses about 3-10 times
RATIO_FLOOR = 1024**2  # small entries may compress as well as they like
# The whole archive may unpack to at most MAX_RATIO times its size once it passes this: 600
# entries of 1 MiB each stay under the per-entry floor but not under the archive's.
ARCHIVE_RATIO_FLOOR = 16 * 1024**2
# Compression methods zipfile can unpack; anything else (PPMd, Deflate64, ...) is refused.
_METHODS = {
    zipfile.ZIP_STORED,
    zipfile.ZIP_DEFLATED,
    zipfile.ZIP_BZIP2,
    zipfile.ZIP_LZMA,
}
# Everything zipfile and its decompressors raise on damaged or unusual bytes.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    zlib.error,
    lzma.LZMAError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    struct.error,
)

# What an annotation import reads at most: every file and entry together, and in one JSON
# document (a Label Studio file, one JSONL line) or one whole JSONL file.
MAX_DATASET_BYTES = 1024**3  # 1 GiB
MAX_JSON_ITEMS = 5_000_000  # about 300 MB as Python objects in the worst shape
MAX_JSONL_ITEMS = 20_000_000
# Elements of one XML document, counted before lxml builds a tree of them.
MAX_XML_ELEMENTS = 5_000_000

_DRIVE = re.compile(r"^[A-Za-z]:")


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


def too_large(size: int, limit: int) -> str:
    """'is 63.2 MB; the limit is 50 MB', in bytes when MB rounding would hide the difference."""
    shown, most = _mb(size), _mb(limit)
    if shown == most:
        return f"is {size:,} bytes; the limit is {limit:,} bytes"
    return f"is {shown} MB; the limit is {most} MB"


def _mb(size: int) -> str:
    return f"{size / 1024**2:,.1f}".removesuffix(".0")


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
        raise FormatError(shown, too_large(exc.size, limit), where) from None
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


_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_LONG_NUMBER = re.compile(rb"[0-9]{4000,}")


def json_items(data: bytes) -> int:
    """How many items (objects, arrays, and values after a comma) the JSON holds, about.

    Counted on the bytes, fast: when the brackets and commas anywhere (strings included) are
    few enough, the precise count outside strings is not needed.
    """
    rough = data.count(b"{") + data.count(b"[") + data.count(b",")
    if rough <= MAX_JSON_ITEMS:
        return rough
    outside = _JSON_STRING.sub(b"", data)
    return outside.count(b"{") + outside.count(b"[") + outside.count(b",")


def load_json(
    data: bytes,
    path: Path | str,
    where: str = "",
    *,
    max_items: int | None = None,
    items: int | None = None,
) -> Any:
    """Parse untrusted UTF-8 JSON (a byte-order mark is allowed), or raise FormatError.

    ``items`` is the count from json_items when the caller made it already. Without ``where``
    (a JSONL line), messages name the line of the file where the problem is.
    """
    count = json_items(data) if items is None else items
    max_items = MAX_JSON_ITEMS if max_items is None else max_items
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


def _entry_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    if "\x00" in name:
        return "its name contains a NUL character"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "it has an absolute path"
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if ".." in parts:
        return "its path climbs out of the archive ('..')"
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "it is a symbolic link"
    if info.flag_bits & 0x1:
        return "it is encrypted"
    if info.compress_type not in _METHODS:
        return f"it uses compression method {info.compress_type}, which cannot be unpacked here"
    if info.file_size > MAX_ENTRY_BYTES:
        return f"it unpacks to {info.file_size:,} bytes (limit {MAX_ENTRY_BYTES:,})"
    if info.file_size > RATIO_FLOOR:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_RATIO:
            return f"it is compressed {ratio:,.0f} times (limit {MAX_RATIO}): a zip bomb"
    return None


@dataclass
class SafeZip:
    """A zip archive whose entries were checked; read entries with `read(name)`."""

    path: Path
    _zip: zipfile.ZipFile
    _infos: dict[str, zipfile.ZipInfo]
    _handle: IO[bytes] | None = None

    def names(self) -> list[str]:
        return [name for name, info in self._infos.items() if not info.is_dir()]

    def __contains__(self, name: str) -> bool:
        return name in self._infos

    def read(self, name: str, limit: int | None = None) -> bytes:
        """The entry's bytes; never more than its header declared (a lying header fails),
        nor more than ``limit`` when given (checked before anything is unpacked)."""
        info = self._infos.get(name)
        where = f"entry {printable(name)}"
        if info is None:
            raise FormatError(self.path, "the archive has no such entry", where)
        if limit is not None and info.file_size > limit:
            raise FormatError(self.path, f"it {too_large(info.file_size, limit)}", where)
        limit = info.file_size
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as handle:
                while True:
                    chunk = handle.read(min(1 << 20, limit - size + 1))
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > limit:
                        raise FormatError(
                            self.path,
                            "it unpacks to more than its header declares: a zip bomb",
                            where,
                        )
                    chunks.append(chunk)
        except _ZIP_ERRORS as exc:
            raise FormatError(self.path, f"damaged entry: {_zip_reason(exc)}", where) from None
        return b"".join(chunks)

    def close(self) -> None:
        self._zip.close()
        if self._handle is not None:  # a ZipFile made from an open file leaves it open
            self._handle.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_zip(
    path: Path,
    *,
    max_entries: int = MAX_ENTRIES,
    max_total: int = MAX_TOTAL_BYTES,
) -> SafeZip:
    """Open an untrusted zip archive after checking every entry; raises FormatError.

    Only a regular file is opened. Besides each entry's own bounds, the whole archive may hold
    at most ``max_entries`` entries, unpack to at most ``max_total`` bytes, and (past
    ARCHIVE_RATIO_FLOOR) to at most MAX_RATIO times its own size.
    """
    path = Path(path)
    handle = open_regular(path)
    try:
        size = os.fstat(handle.fileno()).st_size
        declared = _declared_in(handle, size)
        if declared is not None and declared > max_entries:  # 0xFFFF: zip64, 65,535 or more
            raise FormatError(path, f"the archive has {declared:,} entries (limit {max_entries:,})")
        try:
            archive = zipfile.ZipFile(handle)
        except _ZIP_ERRORS as exc:
            raise FormatError(path, f"not a readable zip archive: {_zip_reason(exc)}") from None
    except BaseException:
        handle.close()
        raise
    try:
        infos = archive.infolist()
        if len(infos) > max_entries:
            raise FormatError(
                path, f"the archive has {len(infos):,} entries (limit {max_entries:,})"
            )
        total = 0
        checked: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            where = f"entry {printable(info.filename)}"
            problem = _entry_problem(info)
            if problem:
                raise FormatError(path, f"refused: {problem}", where)
            if info.filename in checked:
                raise FormatError(path, "refused: the name appears twice", where)
            total += info.file_size
            if total > max_total:
                raise FormatError(
                    path,
                    f"refused: the archive unpacks to more than {max_total:,} bytes: a zip bomb",
                    where,
                )
            checked[info.filename] = info
        if total > ARCHIVE_RATIO_FLOOR and total > MAX_RATIO * max(size, 1):
            raise FormatError(
                path,
                f"refused: the archive of {size:,} bytes unpacks to {total:,} bytes"
                f" ({total / max(size, 1):,.0f} times; limit {MAX_RATIO}): a zip bomb",
            )
    except BaseException:
        archive.close()
        handle.close()
        raise
    return SafeZip(path, archive, checked, handle)


def _zip_reason(exc: BaseException) -> str:
    if isinstance(exc, NotImplementedError):
        return "it uses a compression method that cannot be unpacked here"
    if isinstance(exc, zlib.error | lzma.LZMAError):
        return f"the compressed data is corrupt ({exc})"
    return str(exc) or type(exc).__name__


def declared_entries(path: Path) -> int | None:
    """The entry count from the zip's end-of-directory record (None if there is none).

    Read before ``zipfile`` loads the whole central directory, so that an archive declaring
    millions of entries is refused without building millions of ZipInfo objects. Anything but
    a regular file gives None (and is refused when opened).
    """
    try:
        with open_regular(Path(path)) as handle:
            return _declared_in(handle, os.fstat(handle.fileno()).st_size)
    except (FormatError, OSError):
        return None


def _declared_in(handle: IO[bytes], size: int) -> int | None:
    try:
        handle.seek(max(0, size - _EOCD_SEARCH))
        tail = handle.read(_EOCD_SEARCH)
        handle.seek(0)
    except OSError:
        return None
    found = tail.rfind(b"PK\x05\x06")
    if found < 0 or found + 22 > len(tail):
        return None
    (count,) = struct.unpack("<H", tail[found + 10 : found + 12])
    return int(count)  # 0xFFFF (zip64: more than 65,534 entries) is refused as too many


def iter_entries(safe: SafeZip, suffix: str) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of each entry whose name ends with suffix, in name order."""
    for name in sorted(safe.names()):
        if name.lower().endswith(suffix.lower()):
            yield name, safe.read(name)
