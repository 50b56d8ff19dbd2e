"""Classroom exercises, the student's side: a workspace project per student and exercise, submit.

A workspace is an ordinary Claimdesk project in the user data folder, so the student annotates
in the ordinary main window and every edit is committed at once (a crash loses nothing).
"""

from __future__ import annotations

from pathlib import Path

from core.exercise import StudentWork
from core.project import Project


def workspace_path(exercise_path: Path | str, student_name: str, student_id: str = "") -> Path:
    """Where the workspace of this student for this exercise lives (it may not exist yet)."""
    raise NotImplementedError


def open_workspace(
    exercise_path: Path | str, student_name: str, student_id: str | None = None
) -> Path:
    """Create, or resume, the student's workspace project for an exercise; return its path.

    The exercise file is read and validated first (``ExerciseFileError`` if it is bad). A new
    workspace holds the exercise's documents, its frozen codebook and the student as annotator.
    Reopening with the same student (same id, or same name when no id) resumes the same file.
    Open the returned path with ``Project.open`` and show it with ``workspace_info(...).annotator``.
    """
    raise NotImplementedError


def workspaces(exercise_path: Path | str) -> list[StudentWork]:
    """Workspaces already started on this computer for this exercise (to offer resuming)."""
    raise NotImplementedError


def workspace_info(project: Project) -> StudentWork | None:
    """The exercise, student and progress of a workspace project; None for any other project."""
    raise NotImplementedError


def record_time(project: Project, seconds: int) -> None:
    """Add seconds of active work (the window calls this e.g. every minute while in use)."""
    raise NotImplementedError


def submit(project: Project, out: Path | str | None = None) -> Path:
    """Write the submission file (``*.claimdesk-submission``) and return its path.

    ``out``: a file, a folder (the file is named after exercise and student), or None for the
    folder the exercise was opened from (else the user data folder). It holds only the
    student's annotations, the exercise id and codebook fingerprint, their identity, time spent
    and the time of submitting. Submitting again writes a newer submission (the teacher keeps
    the newest). Raises ``ExerciseError`` if the project is not a workspace.
    """
    raise NotImplementedError
