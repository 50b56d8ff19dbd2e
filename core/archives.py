"""Reading zip archives from other people: one set of rules for exercise, submission and
dataset files (a REFI-QDA project, a zip of UIMA XMI files).

Every entry is checked before a byte of any entry is unpacked. A name may not leave the archive
or mean different things on different systems: no absolute path, no ``..`` or ``.`` part and no
empty part (``a//b``), no drive letter or colon anywhere (``C:x``, ``1:x``), no backslash, no
control character, and only names already in Unicode normal form NFC (a decomposed ``é`` is
another name for the same file on macOS); a name may appear only once. Symbolic links, devices,
pipes and sockets, encrypted entries and compression methods that cannot be unpacked here are
refused. The number of entries (declared in the end-of-directory record, read before zipfile
builds its directory), each entry's size, the total and the compression ratio are bounded, and
an entry is read with the size its header declares enforced on the bytes that really come out.
Every refusal names the file and, where there is one, the entry.

Limits differ by kind of file (`ArchiveLimits`: an exercise holds two entries, a dataset
thousands); the rules do not.
"""

from __future__ import annotations

import io
import lzma
import os
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

from claimdesk.core.errors import ProjectError
from claimdesk.core.limits import has_controls, printable
from claimdesk.core.text.regular_files import (
    NotRegularFile,
    open_regular,
    size_against_limit,
)

MAX_RATIO = 200  # uncompressed / compressed; text compresses about 3-10 times
RATIO_FLOOR = 1024**2  # entries up to 1 MiB may compress as well as they like
# The whole archive may unpack to at most MAX_RATIO times its size once it passes this: 600
# entries of 1 MiB each stay under the per-entry floor but not under the archive's.
ARCHIVE_RATIO_FLOOR = 16 * 1024**2
EOCD_SEARCH = 22 + 65_535  # the end-of-directory record, plus a comment of at most 64 KB
# Compression methods zipfile can unpack; anything else (PPMd, Deflate64, ...) is refused.
METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA})
# Everything zipfile and its decompressors raise on damaged or unusual bytes.
ZIP_ERRORS = (
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
_CHUNK = 1 << 20


@dataclass(frozen=True)
class ArchiveLimits:
    """How much one kind of archive may hold."""

    entries: int
    total: int  # uncompressed bytes of all entries together
    entry: int  # uncompressed bytes of any one entry


class ArchiveError(ProjectError):
    """An archive refused or damaged; ``where`` names the entry ("entry a.txt") when there is
    one, and the message reads "file: entry a.txt: reason"."""

    def __init__(self, path: Path | str, reason: str, where: str = "") -> None:
        self.where = where
        super().__init__(path, f"{where}: {reason}" if where else reason)


# How a caller wants refusals raised: (file, reason, where) -> the exception to raise.
Refusal = Callable[[Path, str, str], Exception]


def name_problem(name: str) -> str | None:
    """Why an entry name is refused, or None. Folder entries end in one '/'."""
    if has_controls(name):
        return "its name holds a control character"
    if "\\" in name:
        return "its name holds a backslash"
    if name.startswith("/"):
        return "it has an absolute path"
    if ":" in name:
        return "its name holds a drive letter or a colon"
    if unicodedata.normalize("NFC", name) != name:
        return "its name is not in Unicode normal form NFC"
    parts = name.removesuffix("/").split("/")
    if ".." in parts:
        return "its path climbs out of the archive ('..')"
    if "" in parts or "." in parts:
        return "its path has an empty or '.' part"
    return None


def entry_problem(info: zipfile.ZipInfo, limits: ArchiveLimits) -> str | None:
    """Why an entry is refused (its name, kind, method or sizes), or None."""
    problem = name_problem(info.filename)
    if problem:
        return problem
    kind = stat.S_IFMT(info.external_attr >> 16)
    if stat.S_ISLNK(kind):
        return "it is a symbolic link"
    if kind and not (stat.S_ISREG(kind) or stat.S_ISDIR(kind)):
        return "it is a special file (a device, pipe or socket), not a file"
    if info.flag_bits & 0x1:
        return "it is encrypted"
    if info.compress_type not in METHODS:
        return f"it uses compression method {info.compress_type}, which cannot be unpacked here"
    if info.file_size > limits.entry:
        return f"it unpacks to {info.file_size:,} bytes (limit {limits.entry:,})"
    if info.file_size > RATIO_FLOOR:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_RATIO:
            return f"it is compressed {ratio:,.0f} times (limit {MAX_RATIO}): a zip bomb"
    return None


def entry_place(name: str) -> str:
    return f"entry {printable(name)}"


class CheckedZip:
    """A zip archive whose entries were all checked; read entries with `read(name)`."""

    def __init__(
        self,
        path: Path,
        archive: zipfile.ZipFile,
        infos: dict[str, zipfile.ZipInfo],
        refusal: Refusal = ArchiveError,
        handle: IO[bytes] | None = None,
    ) -> None:
        self.path = path
        self.refusal = refusal
        self.archive = archive
        self.infos = infos
        self.handle = handle  # a ZipFile made from an open file leaves it open

    @classmethod
    def written_here(cls, path: Path, archive: zipfile.ZipFile, refusal: Refusal) -> CheckedZip:
        """An archive Claimdesk has just written itself (read back to verify): not checked."""
        return cls(path, archive, {info.filename: info for info in archive.infolist()}, refusal)

    def names(self, *, folders: bool = False) -> list[str]:
        """The entries' names in archive order; folder entries only when asked."""
        return [name for name, info in self.infos.items() if folders or not info.is_dir()]

    def __contains__(self, name: str) -> bool:
        return name in self.infos

    def read(self, name: str, limit: int | None = None) -> bytes:
        """The entry's bytes; never more than its header declared (a lying header fails),
        nor more than ``limit`` when given (checked before anything is unpacked)."""
        info = self.infos.get(name)
        where = entry_place(name)
        if info is None:
            raise self.refusal(self.path, "the archive has no such entry", where)
        if limit is not None and info.file_size > limit:
            reason = f"it is {size_against_limit(info.file_size, limit)}"
            raise self.refusal(self.path, reason, where)
        declared = info.file_size
        chunks: list[bytes] = []
        size = 0
        try:
            with self.archive.open(info) as stream:
                while chunk := stream.read(min(_CHUNK, declared - size + 1)):
                    size += len(chunk)
                    if size > declared:
                        raise self.refusal(
                            self.path,
                            "it unpacks to more than its header declares: a zip bomb",
                            where,
                        )
                    chunks.append(chunk)
        except ZIP_ERRORS as exc:
            raise self.refusal(self.path, f"damaged entry: {zip_reason(exc)}", where) from None
        return b"".join(chunks)

    def close(self) -> None:
        self.archive.close()
        if self.handle is not None:
            self.handle.close()

    def __enter__(self) -> CheckedZip:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_archive(
    path: Path,
    limits: ArchiveLimits,
    *,
    data: bytes | None = None,
    shown: Path | None = None,
    refusal: Refusal = ArchiveError,
    kind: str | None = None,
) -> CheckedZip:
    """Open an untrusted zip archive after checking every entry.

    Reads ``data`` when the caller has the file's bytes already (to hash them), else opens
    ``path``, a regular file only. Refusals name ``shown`` (default: ``path``) and are raised
    as ``refusal(file, reason, where)`` makes them: ArchiveError unless the caller wants its
    own error type. ``kind`` ("a Claimdesk exercise") words a file that is no zip at all.
    """
    path = Path(path)
    shown = path if shown is None else Path(shown)
    handle = _open_file(path, shown, refusal) if data is None else io.BytesIO(data)
    try:
        size = os.fstat(handle.fileno()).st_size if data is None else len(data)
        declared = _declared_in(handle, size)
        if declared is not None and declared > limits.entries:  # 0xFFFF: zip64, 65,535 or more
            more = " or more" if declared == 0xFFFF else ""
            raise refusal(
                shown, f"the archive has {declared:,}{more} entries (limit {limits.entries:,})", ""
            )
        try:
            archive = zipfile.ZipFile(handle)
        except ZIP_ERRORS as exc:
            reason = f"is not a readable zip archive ({zip_reason(exc)})"
            if kind is not None:
                reason = f"is not {kind} (not a readable zip archive: {zip_reason(exc)})"
            raise refusal(shown, reason, "") from None
    except BaseException:
        handle.close()
        raise
    try:
        infos = _checked_entries(archive, shown, size, limits, refusal)
    except BaseException:
        archive.close()
        handle.close()
        raise
    return CheckedZip(shown, archive, infos, refusal, handle)


def _open_file(path: Path, shown: Path, refusal: Refusal) -> IO[bytes]:
    try:
        return open_regular(path)
    except NotRegularFile as exc:
        raise refusal(shown, f"is {exc.kind}; only regular files are read", "") from None
    except FileNotFoundError:
        raise refusal(shown, "cannot be read: no such file", "") from None
    except OSError as exc:
        raise refusal(shown, f"cannot be read: {exc.strerror or exc}", "") from None


def _checked_entries(
    archive: zipfile.ZipFile, shown: Path, size: int, limits: ArchiveLimits, refusal: Refusal
) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > limits.entries:
        raise refusal(
            shown, f"the archive has {len(infos):,} entries (limit {limits.entries:,})", ""
        )
    total = 0
    checked: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        where = entry_place(info.filename)
        problem = entry_problem(info, limits)
        if problem:
            raise refusal(shown, f"refused: {problem}", where)
        if info.filename in checked:
            raise refusal(shown, "refused: the name appears twice", where)
        total += info.file_size
        if total > limits.total:
            reason = f"refused: the archive unpacks to more than {limits.total:,} bytes: a zip bomb"
            raise refusal(shown, reason, where)
        checked[info.filename] = info
    if total > ARCHIVE_RATIO_FLOOR and total > MAX_RATIO * max(size, 1):
        raise refusal(
            shown,
            f"refused: the archive of {size:,} bytes unpacks to {total:,} bytes"
            f" ({total / max(size, 1):,.0f} times; limit {MAX_RATIO}): a zip bomb",
            "",
        )
    return checked


def zip_reason(exc: BaseException) -> str:
    """What went wrong in zipfile or a decompressor, in words."""
    if isinstance(exc, NotImplementedError):
        return "it uses a compression method that cannot be unpacked here"
    if isinstance(exc, zlib.error | lzma.LZMAError):
        return f"the compressed data is corrupt ({exc})"
    return str(exc) or type(exc).__name__


def _declared_in(handle: IO[bytes], size: int) -> int | None:
    try:
        handle.seek(max(0, size - EOCD_SEARCH))
        tail = handle.read(EOCD_SEARCH)
        handle.seek(0)
    except OSError:
        return None
    found = tail.rfind(b"PK\x05\x06")
    if found < 0 or found + 22 > len(tail):
        return None
    (count,) = struct.unpack("<H", tail[found + 10 : found + 12])
    return int(count)  # 0xFFFF (zip64: more than 65,534 entries) is refused as too many
