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


@dataclass(frozen=True, slots=True)
class AttributeRecord:
    """An attribute of one label's spans, as the project stores it (see core.scheme for the
    kinds and the form of values)."""

    id: int
    label_id: int
    name: str
    kind: str  # an AttributeKind value
    choices: tuple[str, ...] = ()
    choice_keys: tuple[str | None, ...] = ()
    default: Any = None
    description: str = ""
    shortcut: str | None = None
    position: int = 0


@dataclass(frozen=True, slots=True)
class RelationTypeRecord:
    """A relation type; empty label tuples allow any label at that end."""

    id: int
    name: str
    colour: str
    description: str = ""
    directed: bool = True
    source_label_ids: tuple[int, ...] = ()
    target_label_ids: tuple[int, ...] = ()
    shortcut: str | None = None
    position: int = 0

    def allows(self, source_label_id: int, target_label_id: int) -> bool:
        ok_source = not self.source_label_ids or source_label_id in self.source_label_ids
        ok_target = not self.target_label_ids or target_label_id in self.target_label_ids
        return ok_source and ok_target


@dataclass(frozen=True, slots=True)
class RelationRecord:
    """A link between two annotations of one annotator in one document."""

    id: int
    document_id: int
    annotator_id: int
    type_id: int
    source_id: int  # annotation id (the governor, for a directed type)
    target_id: int  # annotation id (the dependent)


@dataclass(frozen=True, slots=True)
class DocLabelSetRecord:
    """A set of document-level labels: one choice (``multiple`` False) or several."""

    id: int
    name: str
    multiple: bool = False
    choices: tuple[str, ...] = ()
    choice_keys: tuple[str | None, ...] = ()
    description: str = ""
    position: int = 0


@dataclass(frozen=True, slots=True)
class DocumentLabelRecord:
    """One annotator's label of one document from one set."""

    document_id: int
    annotator_id: int
    set_id: int
    value: str


@dataclass(frozen=True, slots=True)
class AttributeValue:
    """One annotation's value of one attribute (None: back to the attribute's default)."""

    annotation_id: int
    document_id: int
    attribute_id: int
    value: Any


@dataclass(frozen=True)
class SchemeRecords:
    """The project's attributes, relation types and document label sets, in codebook order."""

    attributes: tuple[AttributeRecord, ...] = ()
    relation_types: tuple[RelationTypeRecord, ...] = ()
    doc_label_sets: tuple[DocLabelSetRecord, ...] = ()

    def attributes_of(self, label_id: int) -> tuple[AttributeRecord, ...]:
        return tuple(a for a in self.attributes if a.label_id == label_id)


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
    relations_added: tuple[RelationRecord, ...] = ()
    relations_removed: tuple[RelationRecord, ...] = ()
    # attribute values set (or put back to their default: value None)
    attribute_values: tuple[AttributeValue, ...] = ()
    # (document id, annotator id) whose document labels changed
    document_labels: tuple[tuple[int, int], ...] = ()
    # attributes, relation types or document label sets were added, changed or removed
    scheme: bool = False
    # suggestion rules or decisions changed: shown suggestions are to be computed again
    suggestions: bool = False

    @property
    def touched_documents(self) -> frozenset[int]:
        records = self.annotations_added + self.annotations_removed + self.annotations_updated
        relations = self.relations_added + self.relations_removed
        return (
            frozenset(r.document_id for r in records)
            | {s.document_id for s in self.statuses}
            | {r.document_id for r in relations}
            | {v.document_id for v in self.attribute_values}
            | {d for d, _ in self.document_labels}
        )


def byline(meta: dict[str, Any], date: str) -> str:
    """'Ada Lovelace · 2024-03-05 · The Daily Tern · https://…' from a document's metadata."""
    parts = (meta.get("author"), date or meta.get("date"), meta.get("site"), meta.get("url"))
    return " · ".join(str(part) for part in parts if isinstance(part, str) and part.strip())
