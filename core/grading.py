"""Grading an exercise against its answer key: precision, recall and F1 per student and label.

Matching (per document, one-to-one):
- exact: same label, same start and same end;
- overlap: same label and the spans share at least one character; with a ``tolerance`` of N,
  both boundaries must also lie within N characters of the key's. Where several pairs compete,
  the pair sharing the most characters wins.
A matched overlap pair whose boundaries differ is a *boundary error*; an unmatched student span
overlapping an unmatched key span of another label is a *wrong label*; what remains is *missed*
(key) or *extra* (student).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core.project import Project

DEFAULT_TOLERANCE: int | None = None  # any overlap


@dataclass(frozen=True)
class Scores:
    """Counts of one matching; precision/recall/F1 from them (1.0 when nothing was due)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        if self.tp + self.fp:
            return self.tp / (self.tp + self.fp)
        return 1.0 if self.fn == 0 else 0.0

    @property
    def recall(self) -> float:
        if self.tp + self.fn:
            return self.tp / (self.tp + self.fn)
        return 1.0 if self.fp == 0 else 0.0

    @property
    def f1(self) -> float:
        if self.tp + self.fp + self.fn:
            return 2 * self.tp / (2 * self.tp + self.fp + self.fn)
        return 1.0


@dataclass(frozen=True)
class Claim:
    """One span, of the key or of a student."""

    document_id: int
    label_id: int
    label_name: str
    start: int
    end: int
    quote: str


@dataclass(frozen=True)
class GradedLabel:
    id: int
    name: str
    colour: str
    description: str


@dataclass(frozen=True)
class GradedDocument:
    id: int
    title: str
    text: str


@dataclass(frozen=True)
class LabelGrades:
    label: GradedLabel
    exact: Scores
    overlap: Scores


@dataclass(frozen=True)
class StudentGrades:
    annotator_id: int
    annotator_name: str
    student_name: str
    student_id: str
    submitted_at: datetime
    seconds_spent: int
    exact: Scores
    overlap: Scores
    labels: tuple[LabelGrades, ...]  # every label of the codebook, in codebook order
    claims: tuple[Claim, ...]  # all of the student's spans
    missed: tuple[Claim, ...]  # key spans with no match
    extra: tuple[Claim, ...]  # student spans with no match
    boundary: tuple[tuple[Claim, Claim], ...]  # (student, key) matched by overlap, not exact
    wrong_label: tuple[tuple[Claim, Claim], ...]  # (student, key) overlapping, other label


@dataclass(frozen=True)
class ClassGrades:
    exercise_id: str
    title: str
    tolerance: int | None
    key_annotator_name: str
    labels: tuple[GradedLabel, ...]
    documents: tuple[GradedDocument, ...]
    key: tuple[Claim, ...]
    students: tuple[StudentGrades, ...]  # by student name

    def student(self, annotator_id: int) -> StudentGrades:
        for student in self.students:
            if student.annotator_id == annotator_id:
                return student
        raise KeyError(annotator_id)


OVERVIEW_COLUMNS: tuple[str, ...] = (
    "Student",
    "Student id",
    "Submitted",
    "Minutes",
    "Exact P",
    "Exact R",
    "Exact F1",
    "Overlap P",
    "Overlap R",
    "Overlap F1",
    "Missed",
    "Extra",
    "Boundary errors",
    "Wrong label",
)


def grade(
    project: Project, exercise_id: str, tolerance: int | None = DEFAULT_TOLERANCE
) -> ClassGrades:
    """Grade every collected submission of an exercise against its key.

    Raises ``ExerciseError`` (a ProjectError) for an unknown exercise or one without a key.
    """
    raise NotImplementedError


def class_overview_rows(grades: ClassGrades) -> list[tuple[str | int | float, ...]]:
    """One row per student, in ``OVERVIEW_COLUMNS`` order (scores as floats 0..1)."""
    raise NotImplementedError


def write_class_csv(grades: ClassGrades, path: Path | str) -> Path:
    """The class overview as CSV (UTF-8 with BOM); text cells are neutralised against formulas."""
    raise NotImplementedError
