"""Reading and writing exercise and submission files, which come from other people: untrusted.

Both are zip archives holding exactly two entries: ``mimetype`` (the kind of file, stored first
and uncompressed so that the file can be recognised by its first bytes) and one JSON document
(``exercise.json`` or ``submission.json``). Anything else in the archive — other entries, paths
with ``..`` or a leading ``/``, symlinks, encrypted entries, sizes or compression ratios beyond
the limits — is refused before a byte of it is used. No XML is involved.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import struct
import tempfile
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from claimdesk.core.errors import ProjectError
from claimdesk.core.text.regular_files import FileTooLarge, NotRegularFile, read_bounded


class ExerciseError(ProjectError):
    """An exercise action that cannot be done (unknown exercise, no key, ...); nothing changed."""


class ExerciseFileError(ProjectError):
    """A bad exercise or submission file; the message names the file and the problem."""


# Limits: generous for a class exercise, small enough that a hostile file cannot exhaust memory.
MAX_FILE_BYTES = 100 * 1024 * 1024  # the archive on disk
MAX_JSON_BYTES = 200 * 1024 * 1024  # the JSON document, uncompressed
MAX_RATIO = 200  # uncompressed / compressed, beyond the first megabyte (text compresses ~3-10x)
_RATIO_FREE_BYTES = 1024 * 1024
_CHUNK = 1024 * 1024
_MIMETYPE = "mimetype"
_MAX_ENTRIES = 16
_SYMLINK = 0o120000
_FILE_TYPE_MASK = 0o170000
_EOCD_SEARCH = 22 + 65_535
# A JSON string, escapes included (the unrolled form keeps the regex engine linear and fast).
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')


def _fail(path: Path, reason: str) -> ExerciseFileError:
    return ExerciseFileError(path, reason)


def _unsafe_name(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return (
        name.startswith(("/", "\\"))
        or (len(name) > 1 and name[1] == ":")
        or any(part in ("..", "") for part in parts[:-1])
        or ".." in parts
        or "\x00" in name
    )


def read_archive(path: Path, kind: str, json_name: str, description: str, *, max_items: int) -> Any:
    """Open a zip written by ``write_archive`` and return its decoded JSON document.

    ``kind`` is the expected mimetype (e.g. ``application/x-claimdesk-exercise``); the file is
    refused, with a reason naming it, if it is anything but exactly such an archive. The JSON
    may hold at most ``max_items`` values (lists, objects, numbers, strings...), counted before
    it is parsed: millions of tiny items would fill memory long before the byte limits.
    """
    return read_archive_digest(path, kind, json_name, description, max_items=max_items)[0]


def read_archive_digest(
    path: Path, kind: str, json_name: str, description: str, *, max_items: int
) -> tuple[Any, str]:
    """As ``read_archive``, with the SHA-256 of the file's bytes as read (one read, bounded)."""
    data = read_regular_file(path, MAX_FILE_BYTES, description)
    entries = _declared_entries(data)
    if entries is not None and entries > _MAX_ENTRIES:
        # Checked before zipfile reads the directory: millions of tiny entries would fill memory.
        more = " or more" if entries == 0xFFFF else ""
        raise _fail(path, f"is not {description}: it holds {entries:,}{more} entries")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            document = _read_members(path, archive, kind, json_name, description, max_items)
    except zipfile.BadZipFile:
        raise _fail(path, f"is not {description} (not a zip archive, or a damaged one)") from None
    except (OSError, EOFError, zlib.error, NotImplementedError, ValueError, RuntimeError) as exc:
        raise _fail(path, f"is damaged ({exc})") from None
    return document, hashlib.sha256(data).hexdigest()


def read_regular_file(path: Path, limit: int, description: str) -> bytes:
    """The bytes of ``path`` if it is a regular file (after following links) of at most
    ``limit`` bytes. A FIFO, a device (a link to /dev/zero) or a folder is refused by name
    without being opened for reading, so nothing blocks and nothing is read without bound."""
    try:
        return read_bounded(path, limit)
    except NotRegularFile as exc:
        raise _fail(path, f"is {exc.kind}, not {description}") from None
    except FileTooLarge as exc:
        size = f"over {_megabytes(limit)}" if exc.grew else _megabytes(exc.size)
        raise _fail(path, f"is too large for {description} ({size})") from None
    except FileNotFoundError:
        raise _fail(path, "does not exist") from None
    except OSError as exc:
        raise _fail(path, f"cannot be read ({exc.strerror})") from None


def _megabytes(size: int) -> str:
    return f"{size / 2**20:,.1f} MB"


def _declared_entries(data: bytes) -> int | None:
    """The entry count from the zip's end-of-directory record (None if there is none)."""
    tail = data[-_EOCD_SEARCH:]
    found = tail.rfind(b"PK\x05\x06")
    if found < 0 or found + 22 > len(tail):
        return None
    (count,) = struct.unpack("<H", tail[found + 10 : found + 12])
    return int(count)


def json_items(raw: bytes, enough: int | None = None) -> int:
    """An upper bound on the values a JSON text holds, counted without parsing it.

    Outside strings every value but the first follows a comma or opens a list or object, so
    commas plus brackets plus one bounds the count. A first count over the whole text costs a
    few milliseconds; only if it exceeds ``enough`` are strings blanked (their commas are
    text) and the count made again, in linear time with one copy at most the size of ``raw``.
    """

    def count(text: bytes) -> int:
        return text.count(b",") + text.count(b"[") + text.count(b"{") + 1

    rough = count(raw)
    if enough is not None and rough <= enough:
        return rough
    return count(_JSON_STRING.sub(b"", raw))


def _read_members(
    path: Path,
    archive: zipfile.ZipFile,
    kind: str,
    json_name: str,
    description: str,
    max_items: int,
) -> Any:
    infos = archive.infolist()
    if len(infos) > _MAX_ENTRIES:
        raise _fail(path, f"is not {description}: it holds {len(infos)} entries")
    for info in infos:
        name = info.filename
        if _unsafe_name(name):
            raise _fail(path, f"holds an entry with an unsafe path {name!r}; it was not opened")
        if (info.external_attr >> 16) & _FILE_TYPE_MASK == _SYMLINK:
            raise _fail(path, f"holds a symbolic link {name!r}; it was not opened")
        if info.flag_bits & 0x1:
            raise _fail(path, f"holds an encrypted entry {name!r}")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _fail(path, f"uses a compression method Claimdesk does not read ({name!r})")
    names = [info.filename for info in infos]
    if sorted(names) != sorted([_MIMETYPE, json_name]):
        unexpected = sorted(set(names) - {_MIMETYPE, json_name}) or names
        raise _fail(
            path, f"is not {description} (unexpected contents: {', '.join(map(repr, unexpected))})"
        )
    mimetype = _read_bounded(path, archive, archive.getinfo(_MIMETYPE), 200)
    if mimetype != kind.encode("ascii"):
        shown = mimetype[:80].decode("ascii", "replace")
        raise _fail(path, f"is not {description} (it says it is {shown!r})")
    raw = _read_bounded(path, archive, archive.getinfo(json_name), MAX_JSON_BYTES)
    items = json_items(raw, max_items)
    if items > max_items:
        raise _fail(
            path,
            f"is not {description} Claimdesk can read: its content holds {items:,} items or "
            f"more; at most {max_items:,} are allowed",
        )
    return _decode_json(path, raw)


def _read_bounded(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    # The sizes in the zip directory are claims: check them, then count what really comes out.
    if info.file_size > limit:
        raise _fail(
            path,
            f"is a decompression bomb or too large ({info.filename!r} unpacks to "
            f"{info.file_size:,} bytes; at most {limit:,} are allowed)",
        )
    allowed = min(limit, _RATIO_FREE_BYTES + MAX_RATIO * max(info.compress_size, 1))
    if info.file_size > allowed:
        raise _fail(
            path,
            f"is a decompression bomb ({info.filename!r} claims a compression "
            f"ratio over {MAX_RATIO}:1)",
        )
    chunks: list[bytes] = []
    total = 0
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            total += len(chunk)
            if total > info.file_size or total > allowed:
                raise _fail(
                    path,
                    f"is a decompression bomb or damaged ({info.filename!r} "
                    "unpacks to more than it declares)",
                )
            chunks.append(chunk)
    return b"".join(chunks)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _decode_json(path: Path, raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _fail(path, "is damaged (its content is not UTF-8 text)") from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise _fail(path, f"is damaged (invalid JSON at line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise _fail(path, "is damaged (its JSON is nested too deeply)") from None
    except ValueError as exc:  # NaN/Infinity, integers with thousands of digits
        raise _fail(path, f"is damaged ({exc})") from None


def write_archive(path: Path, kind: str, json_name: str, data: Any) -> None:
    """Write the archive next to its destination, then move it into place (never half a file)."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    handle, temporary = tempfile.mkstemp(prefix=".claimdesk-", suffix=".part", dir=path.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w") as archive:
            archive.writestr(zipfile.ZipInfo(_MIMETYPE), kind, compress_type=zipfile.ZIP_STORED)
            archive.writestr(json_name, payload, compress_type=zipfile.ZIP_DEFLATED)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it private; a hand-out is not
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


class Fields:
    """Typed access to one JSON object of an untrusted file; every failure names file and place."""

    def __init__(self, path: Path, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise _fail(path, f"is damaged ({where} is not an object)")
        self.path = path
        self.data: dict[str, Any] = data
        self.where = where

    def fail(self, reason: str) -> ExerciseFileError:
        return _fail(self.path, f"is damaged ({self.where}: {reason})")

    def text(self, key: str, *, limit: int, required: bool = True, empty: bool = True) -> str:
        value = self.data.get(key, None if required else "")
        if not isinstance(value, str):
            raise self.fail(f'"{key}" should be text, not {_type_name(value)}')
        if len(value) > limit:
            raise self.fail(f'"{key}" is longer than {limit:,} characters')
        if not empty and not value.strip():
            raise self.fail(f'"{key}" is empty')
        return value

    def integer(self, key: str, *, low: int, high: int) -> int:
        value = self.data.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(f'"{key}" should be a whole number, not {_type_name(value)}')
        if not low <= value <= high:
            raise self.fail(f'"{key}" is {value}, outside {low}–{high:,}')
        return value

    def items(self, key: str, *, limit: int) -> list[Any]:
        value = self.data.get(key)
        if not isinstance(value, list):
            raise self.fail(f'"{key}" should be a list, not {_type_name(value)}')
        if len(value) > limit:
            raise self.fail(f'"{key}" holds {len(value):,} entries; at most {limit:,} are allowed')
        return value

    def child(self, key: str) -> Fields:
        return Fields(self.path, self.data.get(key), f'{self.where} "{key}"')

    def timestamp(self, key: str) -> datetime:
        value = self.text(key, limit=40)
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise self.fail(f'"{key}" is not a date and time ({value!r})') from None
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        return moment

    def header(self, format_name: str, version: int, description: str) -> None:
        if self.data.get("format") != format_name:
            raise _fail(self.path, f"is not {description}")
        found = self.data.get("version")
        if not isinstance(found, int) or isinstance(found, bool) or found < 1:
            raise self.fail(f'"version" should be a whole number from 1, not {found!r}')
        if found > version:
            raise _fail(
                self.path,
                f"was made by a newer version of Claimdesk (file format {found}; this version "
                f"reads up to {version}). Update Claimdesk to open it.",
            )


def _type_name(value: Any) -> str:
    if value is None:
        return "missing or null"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def timestamp_text(moment: datetime) -> str:
    """Naive UTC (as stored) to ISO 8601 with a Z."""
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
