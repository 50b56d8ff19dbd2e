"""The classroom's plain records: what the store's classroom reads return and its edits take.

No database here: the classroom (and the window) can name these without loading SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

# (document id, label name in the frozen codebook, start, end, quote, note)
Span = tuple[int, str, int, int, str, str]


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
    suggestions: bool = False  # students see suggestions (core/suggest)


@dataclass(frozen=True)
class ExerciseRow:
    """An exercise as stored: its frozen codebook as data, its documents as id pairs."""

    id: str
    title: str
    guidelines: str
    fingerprint: str
    codebook: dict[str, Any]
    documents: tuple[tuple[int, int], ...]  # (document id in the exercise, id in this project)
    key_annotator_id: int | None
    created_at: datetime

    @property
    def local_document_ids(self) -> tuple[int, ...]:
        return tuple(local for _exercise_document, local in self.documents)


@dataclass
class ExerciseRecord:
    """An exercise of the teacher's project as collecting needs it."""

    id: str
    title: str
    fingerprint: str
    labels: dict[str, int]  # names in the frozen codebook -> label ids in this project
    documents: tuple[int, ...]  # document ids in this project


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
    verified: bool = True  # False: collected from a file without a workspace proof


@dataclass(frozen=True)
class SubmissionVersionInfo:
    """A submission kept beside the current one: ``replaced`` (history) or ``held`` (conflict)."""

    id: int
    exercise_id: str
    state: str
    reason: str
    student_name: str
    student_id: str
    submitted_at: datetime
    collected_at: datetime
    annotation_count: int
    file_name: str


@dataclass(frozen=True)
class WorkRelation:
    """A relation of a submission: its type's name and its two spans (positions in the list)."""

    type: str
    source: int
    target: int


@dataclass(frozen=True)
class WorkDocLabels:
    """A submission's choices of one document label set for one document."""

    document_id: int
    set_name: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Work:
    """One submission's content and who it is from: what a row of either table describes."""

    student_name: str
    student_id: str
    submitted_at: datetime
    seconds_spent: int
    file_name: str
    file_sha256: str
    workspace_id: str | None
    sequence: int | None
    chain_key: str | None
    spans: Sequence[Span]
    documents_done: Sequence[int]
    # Attribute values by name, one mapping per span (empty: none, or all defaults)
    attributes: Sequence[Mapping[str, Any]] = ()
    relations: Sequence[WorkRelation] = ()
    doc_labels: Sequence[WorkDocLabels] = ()

    def attributes_of(self, position: int) -> Mapping[str, Any]:
        return self.attributes[position] if position < len(self.attributes) else {}

    @property
    def has_extras(self) -> bool:
        return bool(any(self.attributes) or self.relations or self.doc_labels)

    def columns(self) -> dict[str, Any]:
        """The columns shared by the current submission and the kept versions."""
        return {
            "student_name": self.student_name,
            "student_id": self.student_id,
            "submitted_at": self.submitted_at,
            "seconds_spent": self.seconds_spent,
            "file_name": self.file_name,
            "file_sha256": self.file_sha256,
            "annotation_count": len(self.spans),
            "workspace_id": self.workspace_id,
            "sequence": self.sequence,
            "chain_key": self.chain_key,
        }


@dataclass(frozen=True)
class CurrentSubmission:
    """What collecting compares a new file with: the student's current submission."""

    student_name: str
    student_id: str
    submitted_at: datetime
    file_sha256: str
    workspace_id: str | None
    sequence: int | None
    chain_key: str | None


@dataclass(frozen=True)
class KeptVersion:
    """A kept submission (history or held conflict) with its content."""

    id: int
    exercise_id: str
    student_key: str
    state: str
    work: Work


@dataclass(frozen=True)
class WorkspaceRecord:
    """The one workspace row of a student's project, with its exercise."""

    exercise_id: str
    annotator_id: int
    student_name: str
    student_id: str
    exercise_path: str
    seconds_spent: int
    started_at: datetime
    submitted_at: datetime | None
    public_id: str
    secret: str
    submissions_made: int
    title: str
    guidelines: str
    fingerprint: str
    documents: tuple[tuple[int, int], ...]  # (document id in the exercise, id in this project)
    suggestions: bool = False  # the teacher lets the student see suggestions


@dataclass(frozen=True)
class WorkspaceActivity:
    """How far a student is: documents done, annotations, and the moments they were edited."""

    documents_done: int
    annotations: int
    moments: tuple[datetime, ...]


@dataclass(frozen=True)
class WorkspaceDocument:
    """A document handed out, as a new workspace stores it."""

    exercise_document_id: int
    title: str
    text: str
    sha256: str


@dataclass(frozen=True)
class WorkspaceSetup:
    """What a new workspace holds besides its codebook and annotator."""

    exercise_id: str
    title: str
    guidelines: str
    fingerprint: str
    created_at: datetime
    documents: tuple[WorkspaceDocument, ...]
    annotator_id: int
    student_name: str
    student_id: str
    exercise_path: str
    public_id: str
    secret: str
    suggestions: bool = False


@dataclass(frozen=True)
class WorkspaceCreated:
    """A workspace's rows were written. Not an edit: the project's undo history was cleared."""

    documents: tuple[tuple[int, int], ...]  # (document id in the exercise, id in this project)
    history_cleared: bool = True
