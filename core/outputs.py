"""Where Claimdesk writes files: the one check every writer makes before replacing anything.

Exports, the grade CSV and feedback pages all go through `atomic_write` (or `check_output`
first): a Claimdesk project, its ``-wal``/``-shm``/``-journal`` files, the file the command is
reading, a folder (unless the format writes one and it is empty), a device or pipe are never
replaced; any other file is, as ``-o``/``--out`` usually does. The new content is written to a
hidden ``.NAME.PID.TOKEN.partial`` sibling and moved into place in one step; partial files left
by a killed writer (its process gone) are removed by the next write to the same place.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from claimdesk.core.errors import ProjectError
from claimdesk.core.limits import has_bidi_controls, printable
from claimdesk.core.store.engine import APPLICATION_ID
from claimdesk.core.suffixes import PROJECT_SUFFIX

_SQLITE_MAGIC = b"SQLite format 3\x00"
_SIDE_FILES = ("-wal", "-shm", "-journal")
# Characters no file name of ours may hold: separators and what Windows refuses.
_UNSAFE_IN_NAMES = frozenset('/\\:*?"<>|')


class OutputError(ProjectError):
    """A destination Claimdesk will not or cannot write; nothing was written or replaced."""


def is_claimdesk_project(path: Path) -> bool:
    """The file starts with a SQLite header that Claimdesk made (or is a SQLite .claimdesk)."""
    try:
        if not stat.S_ISREG(Path(path).stat().st_mode):  # never open a pipe or a device
            return False
        with Path(path).open("rb") as handle:
            header = handle.read(100)
    except OSError:
        return False
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        return False
    return (
        int.from_bytes(header[68:72], "big") == APPLICATION_ID
        or Path(path).suffix == PROJECT_SUFFIX
    )


def _same_file(first: os.stat_result, second: Path) -> bool:
    try:
        other = second.stat()
    except OSError:
        return False
    return (first.st_dev, first.st_ino) == (other.st_dev, other.st_ino)


def _name(path: Path) -> str:
    return printable(str(path), 200)


def _folder_problem(folder: Path) -> str | None:
    """Why nothing can be written into ``folder`` (missing, a file, read-only), or None."""
    if folder.is_dir():
        if not os.access(folder, os.W_OK | os.X_OK):
            return f"cannot be written: the folder {_name(folder)} is read-only"
        return None
    ancestor = folder
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if ancestor.exists() and not ancestor.is_dir():
        return f"cannot be written: {_name(ancestor)} is a file, not a folder"
    return f"cannot be written: the folder {_name(folder)} does not exist"


def output_problem(out: Path, *, folder: bool = False, reading: Iterable[Path] = ()) -> str | None:
    """Why ``out`` must not be written (a phrase after its name), or None if it may be.

    ``folder``: the writer makes a folder (brat, UIMA XMI): ``out`` may be missing or empty.
    ``reading``: the files the command reads (its project, an exercise), never replaced.
    """
    out = Path(out)
    reading = [Path(p) for p in reading]
    try:
        found: os.stat_result | None = out.stat()  # follows a symbolic link to its target
    except (FileNotFoundError, NotADirectoryError):
        found = None
    except OSError as exc:
        return f"cannot be written ({exc.strerror or exc})"
    for source in reading:
        if found is not None and _same_file(found, source):
            what = "the Claimdesk project" if is_claimdesk_project(source) else "the file"
            return f"is {what} this command reads; choose another name"
    for suffix in _SIDE_FILES:
        if out.name.endswith(suffix) and len(out.name) > len(suffix):
            base = out.with_name(out.name[: -len(suffix)])
            if is_claimdesk_project(base) or base in reading:
                return (
                    f"belongs to the Claimdesk project {printable(base.name)} (its {suffix}"
                    " file); choose another name"
                )
    if found is not None:
        if stat.S_ISDIR(found.st_mode):
            if not folder:
                return "is a folder; give a file name"
            try:
                holds_files = any(out.iterdir())
            except OSError as exc:
                return f"cannot be read ({exc.strerror or exc})"
            if holds_files:
                return "choose a new or empty folder: this one already holds files"
        elif not stat.S_ISREG(found.st_mode):
            return "is not a regular file (a device, pipe or socket); give a file name"
        elif is_claimdesk_project(out):
            return "is a Claimdesk project, which is never replaced; choose another name"
        elif folder:
            return "is a file; this format writes a folder: give a new or empty one"
    return _folder_problem(out.parent)


def check_output(out: Path, *, folder: bool = False, reading: Iterable[Path] = ()) -> None:
    """Raise OutputError naming ``out`` and the reason when it must not be written."""
    out = Path(out)
    problem = output_problem(out, folder=folder, reading=reading)
    if problem is not None:
        raise OutputError(out if out.name else out.absolute(), problem)


def check_folder(folder: Path) -> None:
    """Raise OutputError unless files can be written into ``folder`` (it may not exist yet)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        if is_claimdesk_project(folder):
            raise OutputError(folder, "is a Claimdesk project, not a folder; give a folder")
        raise OutputError(folder, "is a file, not a folder; give a folder")
    if folder.is_dir():
        problem = _folder_problem(folder)
        if problem is not None:
            raise OutputError(folder, problem)
        return
    ancestor = folder.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputError(folder, f"cannot be made: {_name(ancestor)} is a file, not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputError(folder, f"cannot be made: the folder {_name(ancestor)} is read-only")


def prepare_folder(folder: Path) -> Path:
    """A folder to write files into, made if missing; OutputError for a file or a bad place."""
    folder = Path(folder)
    check_folder(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(folder, f"cannot be made ({exc.strerror or exc})") from None
    return folder


def _partial_pattern(out: Path) -> re.Pattern[str]:
    return re.compile(rf"^\.{re.escape(out.name)}\.(\d{{1,10}})(?:\.[0-9a-f]+)?\.partial$")


def partial_files(out: Path) -> list[Path]:
    """The hidden partial files (or folders) of writes to ``out``, by any process."""
    pattern = _partial_pattern(Path(out))
    try:
        names = os.listdir(Path(out).parent)
    except OSError:
        return []
    return [Path(out).parent / name for name in names if pattern.match(name)]


def remove_stale_partials(out: Path) -> list[Path]:
    """Remove the partial files of writes to ``out`` whose process is gone (killed mid-write).

    Only files of that pattern, for that name, owned by this user; a partial file of a process
    still running (or of another user) is left alone. Returns what was removed.
    """
    pattern = _partial_pattern(Path(out))
    removed = []
    for path in partial_files(out):
        match = pattern.match(path.name)
        assert match is not None
        pid = int(match.group(1))
        if pid == os.getpid() or _process_alive(pid):
            continue
        try:
            owner = path.lstat().st_uid
        except OSError:
            continue
        if hasattr(os, "getuid") and owner != os.getuid():
            continue
        if _remove(path):
            removed.append(path)
    return removed


def _process_alive(pid: int) -> bool:
    """Whether a process with this id runs (in doubt: yes, so that nothing of it is removed)."""
    if pid <= 0:
        return True
    if os.name == "nt":  # pragma: no cover - Windows
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # another user's process, or a number no pid can be
        return True
    return True


def _windows_process_alive(pid: int) -> bool:  # pragma: no cover - Windows
    import ctypes

    kernel32: Any = getattr(ctypes, "windll").kernel32  # noqa: B009 - absent off Windows
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return bool(kernel32.GetLastError() == 5)  # access denied: it exists
    try:
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def _remove(path: Path) -> bool:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
    except OSError:
        return False
    return True


def _write_problem(exc: OSError) -> str:
    return f"cannot be written ({exc.strerror or exc})"


@contextmanager
def atomic_write(
    out: Path | str, *, folder: bool = False, reading: Iterable[Path] = ()
) -> Iterator[Path]:
    """Yield a hidden temporary sibling to write into, then move it to ``out`` in one step.

    ``out`` is checked first (`check_output`) and again just before the move. On any error
    (or Cancelled) the temporary file or folder is removed and ``out`` is left as it was; an
    OSError while writing becomes an OutputError naming ``out``. A folder writer gets an empty
    temporary folder.
    """
    out = Path(out)
    reading = [Path(p) for p in reading]
    check_output(out, folder=folder, reading=reading)
    remove_stale_partials(out)
    temp = out.with_name(f".{out.name}.{os.getpid()}.{secrets.token_hex(4)}.partial")
    try:
        if folder:
            temp.mkdir()
        yield temp
        check_output(out, folder=folder, reading=reading)  # the place may have changed since
        if folder and out.is_dir():
            out.rmdir()
        os.replace(temp, out)
    except OSError as exc:
        _remove(temp)
        raise OutputError(out, _write_problem(exc)) from None
    except BaseException:
        _remove(temp)
        raise


def file_name_part(text: str, fallback: str, max_bytes: int = 120) -> str:
    """A piece of a file name made from someone's text (a student's name, a title).

    Separators, characters Windows refuses, control and bidirectional formatting characters
    and lone surrogates become ``_``; runs of spaces become one; leading and trailing dots and
    spaces go (so never ``.`` or ``..``); cut to ``max_bytes`` of UTF-8. Empty: ``fallback``.
    """
    chars = []
    for char in text:
        category = unicodedata.category(char)
        unsafe = char in _UNSAFE_IN_NAMES or has_bidi_controls(char)
        if unsafe or category in ("Cc", "Cs", "Zl", "Zp"):
            chars.append("_")
        else:
            chars.append(char)
    name = " ".join("".join(chars).split()).strip(" ._")
    while len(name.encode("utf-8")) > max_bytes:
        name = name[:-1]
    return name.rstrip(" ._") or fallback


def write_text_file(
    out: Path | str,
    text: str,
    *,
    reading: Iterable[Path] = (),
    encoding: str = "utf-8",
    errors: str = "strict",
) -> Path:
    """Write ``text`` to ``out`` through `atomic_write`; return ``out``."""
    out = Path(out)
    with atomic_write(out, reading=reading) as temp:
        temp.write_text(text, encoding=encoding, errors=errors)
    return out
