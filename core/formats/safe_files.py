"""Reading XML and zip files from other people without trusting them.

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

import os
import re
import stat
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType

from lxml import etree

from core.formats.base import FormatError

MAX_ENTRIES = 10_000
MAX_TOTAL_BYTES = 2 * 1024**3  # 2 GiB uncompressed for the whole archive
MAX_ENTRY_BYTES = 512 * 1024**2  # 512 MiB for any one entry
_EOCD_SEARCH = 22 + 65535  # the end-of-directory record, plus a comment of at most 64 KB
MAX_RATIO = 200  # uncompressed / compressed; text compresses about 3-10 times
RATIO_FLOOR = 1024**2  # small entries may compress as well as they like

_DRIVE = re.compile(r"^[A-Za-z]:")


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


def parse_xml(data: bytes, path: Path | str, where: str = "") -> etree._Element:
    """Parse untrusted XML bytes into an lxml element tree, or raise FormatError."""
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

    def names(self) -> list[str]:
        return [name for name, info in self._infos.items() if not info.is_dir()]

    def __contains__(self, name: str) -> bool:
        return name in self._infos

    def read(self, name: str) -> bytes:
        """The entry's bytes; never more than its header declared (a lying header fails)."""
        info = self._infos.get(name)
        if info is None:
            raise FormatError(self.path, "the archive has no such entry", f"entry {name}")
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
                            f"entry {name}",
                        )
                    chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise FormatError(self.path, f"damaged entry: {exc}", f"entry {name}") from exc
        return b"".join(chunks)

    def close(self) -> None:
        self._zip.close()

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
    """Open an untrusted zip archive after checking every entry; raises FormatError."""
    declared = declared_entries(Path(path))
    if declared is not None and declared > max_entries:  # 0xFFFF: zip64, 65,535 or more
        raise FormatError(path, f"the archive has {declared:,} entries (limit {max_entries:,})")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise FormatError(path, f"not a readable zip archive: {exc}") from exc
    try:
        infos = archive.infolist()
        if len(infos) > max_entries:
            raise FormatError(
                path, f"the archive has {len(infos):,} entries (limit {max_entries:,})"
            )
        total = 0
        checked: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            problem = _entry_problem(info)
            if problem:
                raise FormatError(path, f"refused: {problem}", f"entry {info.filename}")
            if info.filename in checked:
                raise FormatError(path, "refused: the name appears twice", f"entry {info.filename}")
            total += info.file_size
            if total > max_total:
                raise FormatError(
                    path,
                    f"refused: the archive unpacks to more than {max_total:,} bytes: a zip bomb",
                    f"entry {info.filename}",
                )
            checked[info.filename] = info
    except BaseException:
        archive.close()
        raise
    return SafeZip(Path(path), archive, checked)


def declared_entries(path: Path) -> int | None:
    """The entry count from the zip's end-of-directory record (None if there is none).

    Read before ``zipfile`` loads the whole central directory, so that an archive declaring
    millions of entries is refused without building millions of ZipInfo objects.
    """
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - _EOCD_SEARCH))
            tail = handle.read()
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
