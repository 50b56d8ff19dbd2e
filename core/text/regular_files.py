"""Reading a file someone handed us: only a regular file, and never more than a limit.

One mechanism for every reader (articles, codebooks, dataset imports, exercise and submission
files). The kind is checked with stat before opening, because opening a FIFO blocks until a
writer comes and a device such as /dev/zero never ends; the file is then opened non-blocking and
checked again on the descriptor, so a name swapped for a pipe in between is caught too. Each
caller words the refusal for its own kind of file; the errors here carry the facts.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO

from claimdesk.core.errors import ClaimdeskError

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind_of(mode: int) -> str:
    """What a file that is not regular is, in the user's words ("a named pipe (FIFO)")."""
    return next((word for test, word in _KINDS if test(mode)), "not a regular file")


class NotRegularFile(ClaimdeskError):
    """The path is a folder, pipe, socket or device: nothing was opened for reading."""

    def __init__(self, mode: int) -> None:
        self.mode = mode
        self.kind = kind_of(mode)
        super().__init__(self.kind)


class FileTooLarge(ClaimdeskError):
    """The file holds more than the limit; `size` is what it held (at least limit + 1)."""

    def __init__(self, size: int, limit: int, *, grew: bool = False) -> None:
        self.size = size
        self.limit = limit
        self.grew = grew  # it fitted when checked and grew while read
        super().__init__(f"{size} > {limit}")


def open_descriptor(path: Path | str) -> int:
    """A read-only descriptor of `path`, opened without blocking (the one place a file is
    opened, and the seam tests replace)."""
    # Non-blocking, so that a pipe put in the file's place after the check cannot block.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    return os.open(path, flags | getattr(os, "O_CLOEXEC", 0))


def _checked(path: Path | str) -> os.stat_result:
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFile(info.st_mode)
    return info


def open_regular(path: Path | str) -> IO[bytes]:
    """Open `path` for binary reading if it is a regular file (links followed).

    Raises NotRegularFile, or the OSError of stat/open (FileNotFoundError, PermissionError...).
    """
    _checked(path)
    return _open_checked(path)


def _open_checked(path: Path | str) -> IO[bytes]:
    fd = open_descriptor(path)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(mode)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bounded(path: Path | str, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes.

    The size is checked before the file is opened (FileTooLarge without reading) and enforced
    while reading, since a file may grow. Raises NotRegularFile, FileTooLarge or OSError.
    """
    size = _checked(path).st_size
    if size > limit:
        raise FileTooLarge(size, limit)
    with _open_checked(path) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(len(data), limit, grew=True)
    return data


def size_against_limit(size: int, limit: int) -> str:
    """A size over a limit in words ("50.2 MB; the limit is 50 MB"), precise enough that the
    two never read as equal, down to the byte; small limits in bytes."""
    mb = 1024 * 1024
    if limit < mb:
        return f"{size:,} bytes; the limit is {limit:,} bytes"
    limit_shown = f"{limit / mb:g} MB"
    for places in (1, 2, 3):
        shown = f"{size / mb:.{places}f}"
        if float(shown) != limit / mb:
            return f"{shown} MB; the limit is {limit_shown}"
    return f"{size:,} bytes; the limit is {limit:,} bytes, {limit_shown}"
