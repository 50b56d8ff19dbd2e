"""Plain, immutable rows handed from the core to its callers (the GUI never sees ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.models import Status


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
