"""Files given to Claimdesk (command line, double-click, a second launch) go to one opener each.

The table below is the one place that knows which file type opens how.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from claimdesk.core.limits import printable
from claimdesk.core.suffixes import (
    CLAIMDESK_SUFFIXES,
    EXERCISE_SUFFIX,
    PROJECT_SUFFIX,
    SUBMISSION_SUFFIX,
)

if TYPE_CHECKING:
    from claimdesk.gui.main_window import MainWindow


Opener = Callable[["MainWindow", Path], bool]  # True when the file was opened


def _open_project(window: MainWindow, path: Path) -> bool:
    current = window.current_project
    if current is not None and Path(current.path).resolve() == path.resolve():
        return True  # already open here: just bring the window forward
    # Every edit is already saved, so the open project can simply make way for this one.
    before = current.path.name if current is not None else ""
    window.open_project(path)
    now = window.current_project
    opened = now is not None and now.path.resolve() == path.resolve()
    if before and opened:
        window.statusBar().showMessage(f"Opened {path.name}; {before} is saved and closed.", 10000)
    return opened


def _open_exercise(window: MainWindow, path: Path) -> bool:
    # A student's exercise: asks who they are once, then resumes their own workspace.
    from claimdesk.gui.exercise_window import open_exercise_file

    return open_exercise_file(path, window, window.settings, window.prompts)


def _open_submission(window: MainWindow, path: Path) -> bool:
    # A teacher's double-click on a student's submission: collect it into the class project.
    from claimdesk.gui.exercise_window import open_submission_file

    return open_submission_file(path, window, window.settings, window.prompts)


OPENERS: dict[str, Opener] = {
    PROJECT_SUFFIX: _open_project,
    EXERCISE_SUFFIX: _open_exercise,
    SUBMISSION_SUFFIX: _open_submission,
}


def suffix_of(path: Path | str) -> str:
    """The Claimdesk suffix of a file name ("" if none), case-insensitively."""
    name = Path(path).name.lower()
    for suffix in CLAIMDESK_SUFFIXES:  # longest first: an exercise is not a project
        if name.endswith(suffix):
            return suffix
    return ""


def is_project(path: Path | str) -> bool:
    return suffix_of(path) == PROJECT_SUFFIX


def is_server_address(text: Path | str | None) -> bool:
    """A project on a PostgreSQL server (``postgresql://…``) rather than a file; told apart
    without importing the database layer (the window paints first)."""
    if not isinstance(text, str) or "://" not in text:
        return False
    return text.split("://", 1)[0].lower() in ("postgresql", "postgres")


def server_entry(address: str) -> str:
    """How Open Recent names a server project: 'classlab on db:5432 — ana' (as the core's
    ServerLocation.display() does, read here without loading the database layer)."""
    try:
        parts = urlsplit(address)
        port = parts.port or 5432
    except ValueError:
        return printable(address.split("@")[-1], 200)
    database = unquote(parts.path.lstrip("/"))
    where = printable(f"{database} on {parts.hostname or 'localhost'}:{port}", 200)
    where = where.replace("/", "∕")
    user = unquote(parts.username or "")
    return f"{where} — {printable(user, 80)}" if user else where


def open_path(window: MainWindow, path: Path | str) -> bool:
    """Open ``path`` in ``window`` by its type; False (after a message naming the file) when
    Claimdesk does not open such files or this one could not be opened. A server project's
    address opens in the background (asking for a password if need be): True."""
    if is_server_address(path):
        window.open_recent_server(str(path))
        window.show()
        window.raise_()
        return True
    path = Path(path).expanduser()
    opener = OPENERS.get(suffix_of(path))
    if opener is None:
        kinds = ", ".join(sorted(OPENERS))
        window.prompts.error(
            "Claimdesk", f"{path.name}: Claimdesk opens only these kinds of file: {kinds}."
        )
        return False
    opened = opener(window, path)
    window.show()
    window.raise_()
    window.activateWindow()
    return opened
