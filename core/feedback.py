"""Feedback for one student: a self-contained, printable HTML page (everything escaped)."""

from __future__ import annotations

from pathlib import Path

from core.grading import ClassGrades, StudentGrades


def feedback_html(grades: ClassGrades, student: StudentGrades | int) -> str:
    """The page: scores per label, the student's spans beside the key's in colour per document,
    missed, extra, boundary and wrong-label lists, and the definitions of labels they missed.
    ``student`` is a StudentGrades of ``grades`` or its annotator id."""
    raise NotImplementedError


def write_feedback(grades: ClassGrades, student: StudentGrades | int, folder: Path | str) -> Path:
    """Write one student's page into ``folder`` (named after the student); return its path."""
    raise NotImplementedError


def write_all_feedback(grades: ClassGrades, folder: Path | str) -> list[Path]:
    """Write every student's page into ``folder``."""
    raise NotImplementedError
