"""Collecting submissions into the teacher's project: each file checked; bad ones change nothing."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from core.exercise import CollectReport, Submission, SubmissionInfo
from core.project import Project


def read_submission(path: Path | str) -> Submission:
    """Read a submission file (untrusted); structure only. Raises ``ExerciseFileError``."""
    raise NotImplementedError


def collect(
    project: Project, paths: Iterable[Path | str], *, exercise_id: str | None = None
) -> CollectReport:
    """Collect submission files and folders (searched recursively) into the teacher's project.

    Each file is checked: it is a well-formed submission of an exercise of this project (of
    ``exercise_id`` when given), with the same codebook fingerprint, and every annotation lies
    inside its document with the quote it claims. A good file becomes the annotations of the
    student's annotator; a newer submission from the same student (same student id, or same name
    when there is no id) replaces the older one, an older or identical one is skipped. A bad file
    is listed in ``rejected`` with the reason and leaves the project exactly as it was.
    """
    raise NotImplementedError


def submissions(project: Project, exercise_id: str) -> list[SubmissionInfo]:
    """The submissions collected for an exercise, by student name."""
    raise NotImplementedError
