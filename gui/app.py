"""The ``claimdesk`` program: pick the project to open, ask the annotator's name once, show."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from core.paths import resources_dir
from core.project import Project
from core.sample import ensure_sample_project
from core.store import ProjectError
from gui.dialogs import Prompts
from gui.main_window import MainWindow
from gui.settings import Settings


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="claimdesk", description="Annotate claims in news articles."
    )
    parser.add_argument(
        "project",
        nargs="?",
        help="project file (.claimdesk) to open; default: the last one, or the sample project",
    )
    return parser.parse_args(argv)


def choose_project(requested: str | None, settings: Settings) -> Path:
    """The file named on the command line, else the last project, else the sample project."""
    if requested:
        return Path(requested).expanduser().resolve()
    last = settings.last_project
    if last and Path(last).is_file():
        return Path(last)
    return ensure_sample_project()


def annotator_name(settings: Settings, prompts: Prompts) -> str:
    """Asked once, on first launch; kept in the user's settings."""
    name = settings.annotator_name
    if not name:
        name = prompts.annotator_name() or getpass.getuser() or "Annotator"
        settings.annotator_name = name
    return name


def build_window(
    requested: str | None, settings: Settings, prompts: Prompts | None = None
) -> MainWindow | None:
    prompts = prompts or Prompts()
    try:
        path = choose_project(requested, settings)
        project = Project.open(path)
    except ProjectError as exc:
        prompts.error("Claimdesk", f"The project could not be opened.\n\n{exc}")
        if requested:
            return None
        project = Project.open(ensure_sample_project())
    name = annotator_name(settings, prompts)
    annotator = project.ensure_annotator(name)
    settings.last_project = str(project.path)
    window = MainWindow(project, annotator, settings, prompts)
    prompts.parent = window
    return window


def make_application(argv: Sequence[str]) -> QApplication:
    app = QApplication.instance() or QApplication(list(argv[:1]) or ["claimdesk"])
    assert isinstance(app, QApplication)
    app.setApplicationName("Claimdesk")
    app.setOrganizationName("Claimdesk")
    icon = resources_dir() / "icons" / "claimdesk.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    args = parse_args(argv[1:])
    app = make_application(argv)
    window = build_window(args.project, Settings())
    if window is None:
        return 1
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
