"""File menu work: importing articles from files, a web address or the clipboard (read off the
GUI thread, stored in one undoable edit), new and open project."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from claimdesk.core.codebook import load_codebook
from claimdesk.core.errors import EditError, ProjectError
from claimdesk.core.importing import ImportPlan, Source, import_plan, plan_import, plan_paste
from claimdesk.core.limits import printable, printable_path
from claimdesk.core.paths import resources_dir
from claimdesk.core.progress import Progress, check_progress
from claimdesk.core.store.project import Project
from claimdesk.gui.workers import Task, WindowReporter, Wording, failure_text, run_task

if TYPE_CHECKING:
    from claimdesk.gui.main_window import MainWindow

READING = Wording(
    "Import failed", "Nothing was imported.", "Import cancelled; nothing was imported."
)


def run_import(window: MainWindow, paths: list[Path]) -> Task:
    """Read and check the files on a worker thread, then store them in one transaction."""
    cleanup = window.settings.clean_imports  # what File › Clean web debris on import says

    def work(progress: Progress) -> ImportPlan:
        return plan_import(paths, cleanup=cleanup, progress=progress)

    return _read_then_store(window, work, "Reading articles…", "Import")


def _read_then_store(
    window: MainWindow, work: Callable[[Progress], ImportPlan], progress: str, title: str
) -> Task:
    """Articles read on a worker thread (with progress and Cancel), stored in one edit."""
    return run_task(
        window,
        work,
        lambda plan: store_plan(window, plan),
        wording=READING,
        reporter=WindowReporter(window.prompts, window.statusBar()),
        progress=progress,
        title=title,
    )


def run_url_import(window: MainWindow, address: str) -> Task:
    """Fetch the page on a worker thread (Cancel stops the download), then store its article."""
    cleanup = window.settings.clean_imports

    def work(progress: Progress) -> ImportPlan:
        return plan_import([], urls=[address], cleanup=cleanup, progress=progress)

    return _read_then_store(window, work, f"Fetching {printable(address, 80)}…", "Import from URL")


def run_paste(window: MainWindow) -> Task | None:
    """Edit › Paste as new document: the clipboard's HTML (extracted as a web page) or text."""
    from PySide6.QtGui import QGuiApplication

    clipboard = QGuiApplication.clipboard()
    mime = clipboard.mimeData() if clipboard is not None else None
    html = mime.html() if mime is not None and mime.hasHtml() else ""
    text = mime.text() if mime is not None and mime.hasText() else ""
    if not html.strip() and not text.strip():
        window.statusBar().showMessage("The clipboard holds no text to paste.", 8000)
        return None
    cleanup = window.settings.clean_imports

    def work(progress: Progress) -> ImportPlan:
        plan = plan_paste(html, text, cleanup=cleanup)
        check_progress(progress, 1, 1)  # Cancel pressed meanwhile: nothing is added
        return plan

    return _read_then_store(window, work, "Reading the clipboard…", "Paste as new document")


def store_plan(window: MainWindow, plan: ImportPlan) -> None:
    if plan.problems:
        listing = _listing(plan.problems[:30])
        more = f"\n… and {len(plan.problems) - 30} more" if len(plan.problems) > 30 else ""
        if not plan.articles:
            window.prompts.error(
                "Nothing imported", f"Nothing could be imported:\n\n{listing}{more}"
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
        result = import_plan(window.project, plan)
    except EditError as exc:
        window.prompts.error(READING.title, failure_text(exc, READING.nothing))
        return
    window.show_changes(result.changes)
    report = result.report
    if report.added:
        window.open_document(report.added[0][0])
    message = f"Imported {len(report.added)} document(s)."
    if report.duplicates:
        message += f" {len(report.duplicates)} skipped: their text is already in the project."
    removed = sum(len(article.removed) for article in plan.articles)
    if removed:
        message += f" {removed} web-debris line(s) dropped (see File › Clean-up rules)."
    if report.dropped:
        # Pictures and tables cannot be annotated: say what the text leaves out.
        shown = "; ".join(f"{_shown(source)}: {what}" for source, what in report.dropped[:3])
        more = f"; {len(report.dropped) - 3} more file(s)" if len(report.dropped) > 3 else ""
        message += f" Left out of the text: {shown}{more}."
    window.statusBar().showMessage(message, 12000)
    if report.warnings:
        # Imported all the same, but the user should know (bad bytes replaced by U+FFFD).
        window.prompts.error(
            "Imported with warnings",
            f"{message}\n\n{len(report.warnings)} file(s) need a look:\n\n"
            f"{_listing(report.warnings[:30])}",
        )


def _listing(entries: list[tuple[Source, str]]) -> str:
    # File names come from disk: bytes that are not UTF-8, controls and bidi characters escaped.
    return "\n".join(f"• {_shown(source)}: {reason}" for source, reason in entries)


def _shown(source: Source) -> str:
    """A file by its name; a web address (or "clipboard") whole."""
    return printable_path(source.name) if isinstance(source, Path) else printable(source, 200)


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
