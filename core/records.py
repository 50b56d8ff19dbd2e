"""Plain, immutable rows handed from the core to its callers (the GUI never sees ORM objects).

This module imports nothing heavy, so the window can paint before SQLAlchemy is loaded.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple


@dataclass(frozen=True, slots=True)
class LabelRecord:
    id: int
    name: str
    colour: str
    description: str = ""
    shortcut: str | None = None
    parent_id: int | None = None
    position: int = 0


def label_tree_order(labels: list[LabelRecord]) -> list[tuple[LabelRecord, int]]:
    """The codebook order, as the tagging panel lists it: labels with their depth, each group
    followed by its members (cycles are cut)."""
    children: dict[int | None, list[LabelRecord]] = {}
    ids = {label.id for label in labels}
    for label in labels:
        parent = label.parent_id if label.parent_id in ids else None
        children.setdefault(parent, []).append(label)
    ordered: list[tuple[LabelRecord, int]] = []
    seen: set[int] = set()

    def visit(parent: int | None, depth: int) -> None:
        for label in children.get(parent, []):
            if label.id not in seen:
                seen.add(label.id)
                ordered.append((label, depth))
                visit(label.id, depth + 1)

    visit(None, 0)
    ordered += [(label, 0) for label in labels if label.id not in seen]
    return ordered


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
    # Who wrote it, when, where it appeared (author · date · site · address), for imported
    # pages and office files that say so; "" otherwise.
    byline: str = ""


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


class StatusChange(NamedTuple):
    """An annotator's status of a document after an edit, so views need not read it again."""

    document_id: int
    annotator_id: int
    status: Status


@dataclass(frozen=True)
class Changes:
    """What one edit (or its undo) changed, for views that refresh only what they show."""

    annotations_added: tuple[AnnotationRecord, ...] = ()
    annotations_removed: tuple[AnnotationRecord, ...] = ()
    annotations_updated: tuple[AnnotationRecord, ...] = ()
    labels: bool = False
    documents: bool = False
    statuses: tuple[StatusChange, ...] = ()

    @property
    def touched_documents(self) -> frozenset[int]:
        records = self.annotations_added + self.annotations_removed + self.annotations_updated
        return frozenset(r.document_id for r in records) | {s.document_id for s in self.statuses}


def byline(meta: dict[str, Any], date: str) -> str:
    """'Ada Lovelace · 2024-03-05 · The Daily Tern · https://…' from a document's metadata."""
    parts = (meta.get("author"), date or meta.get("date"), meta.get("site"), meta.get("url"))
    return " · ".join(str(part) for part in parts if isinstance(part, str) and part.strip())
