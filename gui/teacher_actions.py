"""The Classroom menu: create an exercise, collect submissions (off the GUI thread), grades."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimdesk.core.errors import EditError, ProjectError
from claimdesk.core.limits import printable
from claimdesk.core.progress import Progress
from claimdesk.core.records import Changes
from claimdesk.gui.places import EXERCISES
from claimdesk.gui.workers import (
    Task,
    WindowReporter,
    Wording,
    failure_text,
    in_own_project,
    run_task,
)

if TYPE_CHECKING:
    from claimdesk.core.classroom.collect import CheckedSubmissions
    from claimdesk.core.classroom.exercise import CollectReport, ExerciseInfo, SubmissionVersionInfo
    from claimdesk.core.store.project import Project
    from claimdesk.gui.main_window import MainWindow
    from claimdesk.gui.teacher_dialogs import SubmissionHistoryDialog


def create_exercise(window: MainWindow) -> ExerciseInfo | None:
    """Ask what goes into the exercise, then write the file and record it in the project."""
    from claimdesk.core.classroom.exercise import create_exercise as write_exercise

    project = window.project
    documents = project.documents()
    if not documents:
        window.prompts.error(
            "No documents", "Import the articles for the exercise first (File › Import)."
        )
        return None
    # The exercise file is handed to students: it starts in a folder the teacher sees (never
    # the hidden data folder of the sample project).
    folder = window.places.folder(EXERCISES)
    draft = window.prompts.exercise_draft(documents, project.annotators(), folder)
    while draft is not None:
        try:
            info = write_exercise(
                project,
                draft.destination,
                title=draft.title,
                document_ids=draft.document_ids,
                guidelines=draft.guidelines,
                key_annotator=draft.key_annotator_id,
                suggestions=draft.suggestions,
            )
        except (ProjectError, EditError, OSError) as exc:
            window.prompts.error("Exercise not created", str(exc))
            draft = window.prompts.exercise_draft(documents, project.annotators(), folder, draft)
            continue
        if info.path is not None:
            window.places.remember(EXERCISES, info.path.parent)
        window.show_changes(Changes())  # one more step on the undo history
        key = info.key_annotator_name or "none yet"
        window.prompts.inform(
            "Exercise created",
            f"{info.title}\n\n{len(info.document_ids)} document(s); answer key: {key}.\n\n"
            f"Hand this file to your students:\n{info.path}",
        )
        return info
    return None


def report_text(report: CollectReport) -> str:
    """The collect report, file by file, as plain text."""
    sections = (
        ("Accepted", report.accepted, "as"),
        ("Replaced an older submission", report.replaced, "for"),
        ("Held as conflicts, not applied", report.held, "—"),
        ("Skipped", report.skipped, "—"),
        ("Rejected", report.rejected, "—"),
    )
    lines: list[str] = []
    for title, rows, joiner in sections:
        if not rows and title.startswith("Held"):
            continue
        lines.append(f"{title} ({len(rows)})")
        # Names and reasons come from students' files: controls and bidi overrides escaped.
        lines.extend(printable(f"  • {path.name} {joiner} {text}", 1000) for path, text in rows)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


COLLECTING = Wording(
    "Submissions not collected",
    "Nothing was collected.",
    "Collecting cancelled; nothing was collected.",
)


def collect_now(window: MainWindow, paths: list[Path]) -> Task | None:
    """Check and collect submission files (or folders of them) into the window's project.

    The files are read and checked off the GUI thread; what they bring is then stored in the
    window's project as one edit, so Edit › Undo takes the whole collect back.
    """
    from claimdesk.core.classroom.collect import check_submissions, collect_checked

    if not paths:
        return None

    source = window.project  # a file or a server project: the one the submissions are checked in
    reporter = WindowReporter(window.prompts, window.statusBar())

    def work(project: Project, progress: Progress) -> CheckedSubmissions:
        return check_submissions(project, paths, progress=progress)

    def done(checked: CheckedSubmissions) -> None:
        try:
            if window.project is source:
                report = collect_checked(window.project, checked)
            else:  # another project was opened meanwhile: store into the one checked
                with source.reopen() as project:
                    report = collect_checked(project, checked)
        except (ProjectError, EditError) as exc:
            reporter.failure(COLLECTING.title, failure_text(exc, COLLECTING.nothing))
            return
        if window.project is source:
            window.show_changes(report.changes)
        window.statusBar().showMessage(f"Submissions: {report.summary}.", 12000)
        window.prompts.report("Submissions collected", report.summary, report_text(report))
        if report.held:
            window.show_submission_history()  # the conflicts wait for the teacher's decision

    return run_task(
        window,
        in_own_project(source, work),
        done,
        wording=COLLECTING,
        reporter=reporter,
        progress="Checking submissions…",
        title="Classroom",
    )


def collect_submissions(window: MainWindow) -> Task | None:
    return collect_now(window, window.prompts.submission_files())


def collect_folder(window: MainWindow) -> Task | None:
    folder = window.prompts.submission_folder()
    return collect_now(window, [folder]) if folder is not None else None


def show_history(window: MainWindow) -> SubmissionHistoryDialog:
    """The held conflicts and replaced submissions of every exercise, to accept or restore."""
    from claimdesk.core.classroom.exercise import exercises
    from claimdesk.core.classroom.submission_history import history, restore_version
    from claimdesk.gui.teacher_dialogs import SubmissionHistoryDialog

    project = window.project

    def load() -> list[tuple[str, SubmissionVersionInfo]]:
        return [(e.title, kept) for e in exercises(project) for kept in history(project, e.id)]

    def make_current(version_id: int) -> str:
        restored = restore_version(project, version_id)
        window.show_changes(restored.changes)
        return restored.annotator_name

    dialog = SubmissionHistoryDialog(load, make_current, window)
    dialog.show()
    return dialog


def show_grades(window: MainWindow) -> Any:
    from claimdesk.core.classroom.exercise import exercises
    from claimdesk.gui.grades_window import GradesWindow

    found = exercises(window.project)
    if not found:
        window.prompts.error(
            "No exercises", "This project has no exercises yet: Classroom › Create exercise."
        )
        return None
    grades = GradesWindow(window.project, found, window.prompts, window)
    grades.show()
    grades.regrade()
    return grades
