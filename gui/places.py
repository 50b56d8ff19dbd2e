"""Where a file dialog starts: the folder last used for that kind of file, else the open
project's folder (unless it is Claimdesk's hidden data folder), else Documents, else home.

Every file dialog asks here, never the process's working directory (for a double-click, wherever
the desktop happened to start Claimdesk; for `make run`, the source checkout).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from claimdesk.core.paths import in_data_dir, user_documents_dir
from claimdesk.gui.settings import Settings

# Kinds of file whose last folder is remembered apart (Settings key "folders/<kind>").
ARTICLES = "articles"  # File › Import articles / a folder of articles
PROJECTS = "projects"  # File › Open, File › New project
EXERCISES = "exercises"  # Classroom › Create exercise
SUBMIT = "submit"  # the student's Submit
SUBMISSIONS = "submissions"  # the teacher's Collect submissions
GRADES = "grades"  # the grades window's CSV
CHARTS = "charts"  # the dashboard's PNG and CSV files
EXPORTS = "exports"  # File › Export dataset
DATASETS = "datasets"  # File › Import annotations


def documents_folder() -> Path:
    """The user's Documents folder, or their home folder on an account without one."""
    documents = user_documents_dir()
    return documents if documents.is_dir() else Path.home()


def start_folder(
    settings: Settings | None, kind: str, beside: Path | None = None, *, writing: bool = False
) -> Path:
    """The folder a dialog for ``kind`` opens in; ``beside`` is a file whose folder suits it
    (the open project), passed over when that folder is gone or is the hidden data folder.
    A dialog that will ``write`` there also passes over folders the user cannot write to."""

    def usable(folder: Path) -> bool:
        return folder.is_dir() and (not writing or os.access(folder, os.W_OK | os.X_OK))

    last = settings.last_folder(kind) if settings is not None else None
    if last is not None and usable(last):
        return last
    if beside is not None and usable(beside.parent) and not in_data_dir(beside):
        return beside.parent
    return documents_folder()


def free_name(folder: Path, stem: str, suffix: str, separator: str = " ") -> str:
    """``stem + suffix``, or ``stem 2 + suffix``... whichever is not taken in ``folder``."""
    name, number = f"{stem}{suffix}", 1
    while (folder / name).exists():
        number += 1
        name = f"{stem}{separator}{number}{suffix}"
    return name


class Places:
    """The start folders of one window's file dialogs: its settings and its open project."""

    def __init__(
        self,
        settings: Settings | None = None,
        project_file: Callable[[], Path | None] = lambda: None,
    ) -> None:
        self.settings = settings
        self.project_file = project_file

    def folder(self, kind: str) -> Path:
        return start_folder(self.settings, kind, self.project_file())

    def suggest(self, kind: str, name: str) -> Path:
        """A full path for a save dialog: the start folder and a file name to offer."""
        return self.folder(kind) / name

    def remember(self, kind: str, folder: Path) -> None:
        """The folder the user just chose for ``kind``: the next such dialog starts there."""
        if self.settings is not None:
            self.settings.set_last_folder(kind, folder)
