"""Plain, immutable rows handed from the core to its callers (the GUI never sees ORM objects).

This module imports nothing heavy, so the window can paint before SQLAlchemy is loaded.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class LabelRecord:
    id: int
    name: str
    colour: str
    description: str = ""
    shortcut: str | None = None
    parent_id: int | None = None
    position: int = 0


@dataclass(frozen=True, slots=True)
class AnnotationRecord:
    id: int
    document_id: int
    label_id: int
    annotator_id: int
    start: int
    end: int
    quote: str
    note: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    id: int
    title: str
    source: str
    date: str
    sha256: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """One row of the document list, as one annotator sees it."""

    id: int
    title: str
    status: Status
    annotation_count: int
    length: int


@dataclass(frozen=True, slots=True)
class AnnotatorRecord:
    id: int
    name: str
    is_gold: bool = False  # the gold set curation builds, not a person


class Status(enum.StrEnum):
    """Where one annotator stands with one document."""

    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def display_name(self) -> str:
        return {"todo": "To do", "in_progress": "In progress", "done": "Done"}[self.value]


@dataclass(frozen=True)
class Changes:
    """What one edit (or its undo) changed, for views that refresh only what they show."""

    annotations_added: tuple[AnnotationRecord, ...] = ()
    annotations_removed: tuple[AnnotationRecord, ...] = ()
    annotations_updated: tuple[AnnotationRecord, ...] = ()
    labels: bool = False
    documents: bool = False
    statuses: tuple[tuple[int, int], ...] = ()  # (document_id, annotator_id)

    @property
    def touched_documents(self) -> frozenset[int]:
        records = self.annotations_added + self.annotations_removed + self.annotations_updated
        return frozenset(r.document_id for r in records) | {d for d, _ in self.statuses}
