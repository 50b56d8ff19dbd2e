"""Classroom exercises, the teacher's side: write an exercise file from a project, read one back.

An exercise freezes a codebook (labels, colours, keys, definitions), a guidelines text and a
choice of documents. The answer key (an annotator of the teacher's project) is recorded in the
teacher's project only: it never goes into the file handed to students. The records of the whole
classroom loop (exercise, student workspace, submission, collect report) live here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from core.codebook import Codebook
from core.exercise_files import ExerciseError as ExerciseError
from core.exercise_files import ExerciseFileError as ExerciseFileError
from core.records import AnnotatorRecord

if TYPE_CHECKING:
    from core.project import Project

EXERCISE_SUFFIX = ".claimdesk-exercise"
SUBMISSION_SUFFIX = ".claimdesk-submission"


@dataclass(frozen=True)
class ExerciseDocument:
    """One document handed out: ``id`` is the document's id in the teacher's project."""

    id: int
    title: str
    text: str
    sha256: str


@dataclass(frozen=True)
class Exercise:
    """An exercise file as read (validated) from disk."""

    path: Path
    id: str
    title: str
    guidelines: str
    codebook: Codebook
    documents: tuple[ExerciseDocument, ...]
    fingerprint: str  # SHA-256 of the frozen codebook; submissions must carry the same
    created_at: datetime


@dataclass(frozen=True)
class ExerciseInfo:
    """An exercise recorded in the teacher's project."""

    id: str
    title: str
    guidelines: str
    fingerprint: str
    document_ids: tuple[int, ...]
    key_annotator_id: int | None
    key_annotator_name: str | None
    created_at: datetime
    submissions: int = 0
    path: Path | None = None  # the file just written (create_exercise only)


@dataclass(frozen=True)
class StudentWork:
    """A student's workspace project: which exercise, who, and how far they are."""

    exercise_id: str
    title: str
    guidelines: str
    student_name: str
    student_id: str  # "" when none was given
    annotator: AnnotatorRecord  # the student, as the annotator to open the main window with
    documents_done: int
    documents_total: int
    annotations: int
    seconds_spent: int
    started_at: datetime
    submitted_at: datetime | None
    exercise_path: Path | None  # where the exercise file was opened from, if known

    @property
    def progress_text(self) -> str:
        """E.g. "3 of 5 documents done · 42 claims"."""
        claims = "claim" if self.annotations == 1 else "claims"
        return (
            f"{self.documents_done} of {self.documents_total} documents done · "
            f"{self.annotations} {claims}"
        )


@dataclass(frozen=True)
class SubmittedAnnotation:
    document_id: int  # the document's id in the exercise (the teacher's project)
    label: str  # label name in the exercise codebook
    start: int
    end: int
    quote: str
    note: str = ""


@dataclass(frozen=True)
class Submission:
    """A submission file as read (validated against its exercise) from disk."""

    path: Path
    exercise_id: str
    fingerprint: str
    student_name: str
    student_id: str
    seconds_spent: int
    submitted_at: datetime
    annotations: tuple[SubmittedAnnotation, ...]
    documents_done: tuple[int, ...] = ()

    @property
    def student_key(self) -> str:
        """Who this is, for replacing an older submission: the id if given, else the name."""
        return student_key(self.student_name, self.student_id)


@dataclass(frozen=True)
class SubmissionInfo:
    """A submission collected into the teacher's project."""

    exercise_id: str
    student_name: str
    student_id: str
    annotator_id: int
    annotator_name: str
    submitted_at: datetime
    collected_at: datetime
    seconds_spent: int
    annotation_count: int
    file_name: str


@dataclass
class CollectReport:
    """What collecting did, file by file (all lists hold ``(file, text)`` pairs).

    accepted: first submission of a student (text: the annotator name given to them).
    replaced: a newer submission of a student already collected (text: annotator name).
    skipped: an older or identical copy of what is already collected (text: why).
    rejected: a bad file (text: the reason, for the user); it changed nothing.
    """

    accepted: list[tuple[Path, str]] = field(default_factory=list)
    replaced: list[tuple[Path, str]] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    rejected: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return (
            f"{len(self.accepted)} accepted, {len(self.replaced)} replaced, "
            f"{len(self.skipped)} skipped, {len(self.rejected)} rejected"
        )


def student_key(name: str, student_id: str) -> str:
    if student_id.strip():
        return "id:" + " ".join(student_id.split()).casefold()
    return "name:" + " ".join(name.split()).casefold()


def create_exercise(
    project: Project,
    out: Path | str,
    *,
    title: str,
    document_ids: Sequence[int],
    guidelines: str = "",
    key_annotator: int | None = None,
) -> ExerciseInfo:
    """Write an exercise file (``*.claimdesk-exercise``) and record the exercise in ``project``.

    ``out`` is a file name (the suffix is added when missing) or an existing folder (the file is
    named after the title). The file holds the documents' texts, the project's codebook frozen
    with its fingerprint, the title and guidelines — never any annotation. ``key_annotator`` (an
    annotator id of ``project``, or None to choose later with ``set_key``) is the answer key.
    Raises ``ExerciseError`` (a ProjectError) for no documents, an unknown document or annotator,
    an empty codebook, or a file that exists already; nothing is written then.
    """
    raise NotImplementedError


def read_exercise(path: Path | str) -> Exercise:
    """Read and validate an exercise file (untrusted). Raises ``ExerciseFileError`` naming it."""
    raise NotImplementedError


def exercises(project: Project) -> list[ExerciseInfo]:
    """The exercises recorded in a teacher's project, newest first, with submission counts."""
    raise NotImplementedError


def set_key(project: Project, exercise_id: str, annotator_id: int | None) -> ExerciseInfo:
    """Choose (or clear, with None) the annotator whose annotations are the answer key."""
    raise NotImplementedError
