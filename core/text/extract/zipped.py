"""Office documents and e-books are ZIP archives: they are checked against zip bombs before a
library unpacks them (entry count, sizes and compression ratio, as zipfile enforces each entry's
declared size on the bytes that come out)."""

from __future__ import annotations

import io
import struct
import zipfile

from claimdesk.core.text.extract import ExtractError

__all__ = ["MAX_DIRECTORY", "MAX_ENTRIES", "MAX_UNPACKED", "check_zip"]

MAX_ENTRIES = 10_000
MAX_UNPACKED = 256 * 1024**2  # all entries together, unpacked
# The central directory (the list of entries) is read whole by zipfile: 4 MB lists tens of
# thousands of entries, where a Word file lists a few dozen.
MAX_DIRECTORY = 4 * 1024**2
_MAX_RATIO = 200  # unpacked / packed, once an entry passes _RATIO_FLOOR
_RATIO_FLOOR = 1024**2
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a Compound File, not a ZIP archive


def check_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    """The archive, opened, once it is bounded; ``kind`` names the format in messages
    ("a Word document (.docx)")."""
    if data.startswith(_OLE):
        # Office writes a password-protected file, and wrote its 97-2003 formats, this way.
        raise ExtractError(
            "is protected by a password, or is an older Office file renamed: open it and "
            f"save it as {kind.rsplit(' ', 1)[-1].strip('()')} without a password"
        )
    directory = _directory_size(data)
    if directory is not None and directory > MAX_DIRECTORY:
        # zipfile builds an object for every entry before anything can be counted.
        raise ExtractError(
            f"is refused: its list of parts takes {directory:,} bytes (limit {MAX_DIRECTORY:,})"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ExtractError(f"is not {kind}: it is not a ZIP archive") from None
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise ExtractError(f"is refused: it holds {len(entries):,} parts (limit {MAX_ENTRIES:,})")
    total = 0
    for info in entries:
        if info.flag_bits & 0x1:
            raise ExtractError("is encrypted (protected by a password): save it without one")
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR and ratio > _MAX_RATIO:
            raise ExtractError(
                f"is refused: part {info.filename[:100]!r} is compressed {ratio:,.0f} times "
                f"(limit {_MAX_RATIO}), as a zip bomb is"
            )
    if total > MAX_UNPACKED:
        raise ExtractError(f"is refused: it unpacks to {total:,} bytes (limit {MAX_UNPACKED:,})")
    return archive


def _directory_size(data: bytes) -> int | None:
    """The central directory's size the end record declares (None when there is none).
    A zip64 record's larger size is only reached through the 0xFFFFFFFF marker, taken as is."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65_535))
    if at < 0 or at + 22 > len(data):
        return None
    (size,) = struct.unpack("<I", data[at + 12 : at + 16])
    return int(size)
