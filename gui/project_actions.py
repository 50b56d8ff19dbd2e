"""File menu work: importing articles (read off the GUI thread), new and open project."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from claimdesk.core.codebook import load_codebook
from claimdesk.core.importing import Cancelled, ImportPlan, plan_import
from claimdesk.core.limits import printable_path
from claimdesk.core.paths import resources_dir
from claimdesk.core.store.engine import ProjectError
from claimdesk.core.store.project import EditError, Project
from claimdesk.gui.workers import Task, progress_dialog

if TYPE_CHECKING:
    from claimdesk.gui.main_window import MainWindow


def run_import(window: MainWindow, paths: list[Path]) -> Task:
    """Read and check the files on a worker thread, then store them in one transaction."""
    cleanup = window.menu_actions.clean_imports.isChecked()
    task = Task(lambda progress: plan_import(paths, cleanup=cleanup, progress=progress))
    dialog = progress_dialog(window, "Reading articles…", task, "Import")

    def finished(plan: ImportPlan) -> None:
        dialog.reset()
        window.tasks.discard(task)
        store_plan(window, plan)

    def failed(error: BaseException) -> None:
        dialog.reset()
        window.tasks.discard(task)
        if isinstance(error, Cancelled):
            window.statusBar().showMessage("Import cancelled; nothing was imported.", 8000)
        else:
            window.prompts.error("Import failed", f"Nothing was imported.\n\n{error}")

    task.signals.finished.connect(finished)
    task.signals.failed.connect(failed)
    window.tasks.add(task)
    task.start()
    return task


def store_plan(window: MainWindow, plan: ImportPlan) -> None:
    if plan.problems:
        listing = _listing(plan.problems[:30])
        more = f"\n… and {len(plan.problems) - 30} more" if len(plan.problems) > 30 else ""
        if not plan.articles:
            window.prompts.error(
                "Nothing imported", f"No file could be imported:\n\n{listing}{more}"
            )
            return
        if not window.prompts.confirm(
            "Some files cannot be imported",
            f"{len(plan.problems)} file(s) cannot be imported:\n\n{listing}{more}\n\n"
            f"Import the other {len(plan.articles)} file(s)?",
        ):
            window.statusBar().showMessage("Nothing was imported.", 8000)
            return
    try:
        report = window.project.import_articles(plan.articles)
    except EditError as exc:
        window.prompts.error("Import failed", f"Nothing was imported.\n\n{exc}")
        return
    window.show_changes(report.changes)
    if report.added:
        window.open_document(report.added[0][0])
    message = f"Imported {len(report.added)} document(s)."
    if report.duplicates:
        message += f" {len(report.duplicates)} skipped: their text is already in the project."
    removed = sum(len(article.removed) for article in plan.articles)
    if removed:
        message += f" {removed} web-debris line(s) dropped (see File › Clean-up rules)."
    window.statusBar().showMessage(message, 12000)
    if report.warnings:
        # Imported all the same, but the user should know (bad bytes replaced by U+FFFD).
        window.prompts.error(
            "Imported with warnings",
            f"{message}\n\n{len(report.warnings)} file(s) need a look:\n\n"
            f"{_listing(report.warnings[:30])}",
        )


def _listing(entries: list[tuple[Path, str]]) -> str:
    # File names come from disk: bytes that are not UTF-8, controls and bidi characters escaped.
    return "\n".join(f"• {printable_path(path.name)}: {reason}" for path, reason in entries)


def new_project(window: MainWindow) -> None:
    path = window.prompts.new_project()
    if path is None:
        return
    try:
        codebook = load_codebook(resources_dir() / "default-codebook.json")
        project = Project.create(path, codebook=codebook)
    except (ProjectError, OSError) as exc:
        window.prompts.error("Project not created", str(exc))
        return
    window.switch_project(project)


def open_project(window: MainWindow, path: Path | None) -> None:
    path = path or window.prompts.open_project()
    if path is None:
        return
    try:
        project = Project.open(path)
    except ProjectError as exc:
        window.prompts.error("Project not opened", str(exc))
        return
    window.switch_project(project)
