"""Reading and writing exercise and submission files, which come from other people: untrusted.

Both are zip archives holding exactly two entries: ``mimetype`` (the kind of file, stored first
and uncompressed so that the file can be recognised by its first bytes) and one JSON document
(``exercise.json`` or ``submission.json``). They are opened by `core.archives` with the rules of
every archive from someone else (unsafe names, links, encrypted entries, sizes and compression
ratios beyond the limits are refused before a byte is used); anything but those two entries is
refused here. No XML is involved.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from claimdesk.core.archives import ArchiveLimits, open_archive
from claimdesk.core.errors import ProjectError
from claimdesk.core.limits import printable
from claimdesk.core.text.json_count import json_items
from claimdesk.core.text.regular_files import (
    FileTooLarge,
    NotRegularFile,
    read_bounded,
    size_against_limit,
)


class ExerciseError(ProjectError):
    """An exercise action that cannot be done (unknown exercise, no key, ...); nothing changed."""


class ExerciseFileError(ProjectError):
    """A bad exercise or submission file; the message names the file and the problem."""


# Limits: generous for a class exercise, small enough that a hostile file cannot exhaust memory.
MAX_FILE_BYTES = 100 * 1024 * 1024  # the archive on disk
MAX_JSON_BYTES = 200 * 1024 * 1024  # the JSON document, uncompressed
_MIMETYPE = "mimetype"
_MIMETYPE_BYTES = 200
# Two entries are expected; a few more are reported as unexpected contents, not as a bomb.
LIMITS = ArchiveLimits(entries=16, total=MAX_JSON_BYTES + _MIMETYPE_BYTES, entry=MAX_JSON_BYTES)


def _fail(path: Path, reason: str) -> ExerciseFileError:
    return ExerciseFileError(path, reason)


def _refusal(path: Path, reason: str, where: str) -> ExerciseFileError:
    return ExerciseFileError(path, f"{where}: {reason}" if where else reason)


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
    """As ``read_archive``, with the SHA-256 of the file's bytes as read (one read, bounded).

    The archive is opened by `core.archives`, with the rules of every archive from someone
    else (entry names, links, sizes, ratios); this adds what an exercise or submission is.
    """
    data = read_regular_file(path, MAX_FILE_BYTES, description)
    with open_archive(path, LIMITS, data=data, refusal=_refusal, kind=description) as archive:
        names = archive.names(folders=True)
        if sorted(names) != sorted([_MIMETYPE, json_name]):
            unexpected = sorted(set(names) - {_MIMETYPE, json_name}) or names
            shown = ", ".join(repr(printable(name)) for name in unexpected)
            raise _fail(path, f"is not {description} (unexpected contents: {shown})")
        mimetype = archive.read(_MIMETYPE, limit=_MIMETYPE_BYTES)
        if mimetype != kind.encode("ascii"):
            found = mimetype[:80].decode("ascii", "replace")
            raise _fail(path, f"is not {description} (it says it is {found!r})")
        raw = archive.read(json_name, limit=MAX_JSON_BYTES)
    items = json_items(raw, max_items)
    if items > max_items:
        raise _fail(
            path,
            f"is not {description} Claimdesk can read: its content holds {items:,} items or "
            f"more; at most {max_items:,} are allowed",
        )
    return _decode_json(path, raw), hashlib.sha256(data).hexdigest()


def read_regular_file(path: Path, limit: int, description: str) -> bytes:
    """The bytes of ``path`` if it is a regular file (after following links) of at most
    ``limit`` bytes. A FIFO, a device (a link to /dev/zero) or a folder is refused by name
    without being opened for reading, so nothing blocks and nothing is read without bound."""
    try:
        return read_bounded(path, limit)
    except NotRegularFile as exc:
        raise _fail(path, f"is {exc.kind}, not {description}") from None
    except FileTooLarge as exc:
        if exc.grew:
            raise _fail(path, f"grew past the limit of {limit:,} bytes while read") from None
        size = size_against_limit(exc.size, limit)
        raise _fail(path, f"is too large for {description} ({size})") from None
    except FileNotFoundError:
        raise _fail(path, "does not exist") from None
    except OSError as exc:
        raise _fail(path, f"cannot be read ({exc.strerror})") from None


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
