"""The project as an export reads it: the codebook, the annotators and a stream of documents.

Documents are read one at a time by the store (``core.store.datasets``, plain columns on the
driver's cursor: at a million annotations, SQLAlchemy row objects would cost more than SQLite
itself), so a large corpus is never held in memory whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from claimdesk.core.errors import EditError
from claimdesk.core.formats.base import (
    DocLabelOut,
    DocumentOut,
    ExportSelection,
    RelationOut,
    SpanOut,
)
from claimdesk.core.records import AttributeRecord, DocLabelSetRecord, LabelRecord
from claimdesk.core.scheme import AttributeKind, Scheme
from claimdesk.core.store.claims import scheme_by_name
from claimdesk.core.store.datasets import stream_documents
from claimdesk.core.store.project import Project


class ProjectSource:
    """An ExportSource over an open project and a selection of annotators and documents."""

    def __init__(self, project: Project, selection: ExportSelection | None = None) -> None:
        self.project = project
        self.selection = selection or ExportSelection()
        known = {a.name: a.id for a in project.annotators()}
        unknown = [name for name in self.selection.annotators if name not in known]
        if unknown:
            raise EditError(
                f"No annotator called {', '.join(map(repr, unknown))} in this project"
                f" (there are: {', '.join(known) or 'none'})."
            )
        self._annotator_ids = [known[name] for name in self.selection.annotators]
        ids = {d.id for d in project.documents()}
        missing = [d for d in self.selection.documents if d not in ids]
        if missing:
            raise EditError(f"No document with id {', '.join(map(str, missing))} in this project.")
        self._document_ids = sorted(self.selection.documents) if self.selection.documents else []
        self._all_ids = sorted(ids)
        self._labels = project.labels()
        self._name = project.name
        self._records = project.scheme()
        self._scheme = scheme_by_name(self._records, self._labels)

    @property
    def project_name(self) -> str:
        return self._name

    @property
    def labels(self) -> list[LabelRecord]:
        return self._labels

    @property
    def annotators(self) -> list[str]:
        if self.selection.annotators:
            return list(self.selection.annotators)
        return [a.name for a in self.project.annotators()]

    @property
    def scheme(self) -> Scheme:
        return self._scheme

    @property
    def document_count(self) -> int:
        return len(self._document_ids or self._all_ids)

    def documents(self) -> Iterator[DocumentOut]:
        records = self._records
        extras = bool(records.attributes or records.relation_types or records.doc_label_sets)
        label_ids = {label.name: label.id for label in self._labels}
        attributes: dict[int, list[AttributeRecord]] = {}
        for attribute in records.attributes:
            attributes.setdefault(attribute.label_id, []).append(attribute)
        types = {t.id: t.name for t in records.relation_types}
        sets = {s.id: (position, s) for position, s in enumerate(records.doc_label_sets)}
        for doc in stream_documents(
            self.project, self._document_ids or self._all_ids, self._annotator_ids, extras=extras
        ):
            spans = list(map(SpanOut._make, doc.spans))
            if not extras:
                yield DocumentOut(
                    doc.id, doc.title, doc.source, doc.date, doc.meta, doc.text, spans
                )
                continue
            yield DocumentOut(
                doc.id,
                doc.title,
                doc.source,
                doc.date,
                doc.meta,
                doc.text,
                spans,
                _attributes(spans, doc.values, attributes, label_ids),
                _relations(spans, doc.relations, types),
                _doc_labels(doc.doc_labels, sets),
            )


def _attributes(
    spans: list[SpanOut],
    values: list[tuple[int, int, Any]],
    attributes: dict[int, list[AttributeRecord]],
    label_ids: dict[str, int],
) -> dict[int, dict[str, Any]]:
    """span id -> attribute name -> value (or default), the span's label's attributes only."""
    explicit: dict[int, dict[int, Any]] = {}
    for annotation_id, attribute_id, stored in values:
        explicit.setdefault(annotation_id, {})[attribute_id] = stored
    found: dict[int, dict[str, Any]] = {}
    for span in spans:
        own = attributes.get(label_ids.get(span.label, -1))
        if not own:
            continue
        mine = explicit.get(span.id, {})
        shown: dict[str, Any] = {}
        for attribute in own:
            value = mine.get(attribute.id)
            if value is None:
                value = attribute.default
            if value is None:
                continue
            if attribute.kind == AttributeKind.MULTI and isinstance(value, list):
                value = tuple(value)
            shown[attribute.name] = value
        if shown:
            found[span.id] = shown
    return found


def _relations(
    spans: list[SpanOut], rows: list[tuple[int, int, int, int, str]], types: dict[int, str]
) -> list[RelationOut]:
    """Relations whose two ends are exported, by (source, target, type)."""
    exported = {span.id for span in spans}
    found = [
        RelationOut(ident, types[kind], source, target, annotator)
        for ident, kind, source, target, annotator in rows
        if source in exported and target in exported and kind in types
    ]
    return sorted(found, key=lambda r: (r.source, r.target, r.type))


def _doc_labels(
    rows: list[tuple[int, str, str]], sets: dict[int, tuple[int, DocLabelSetRecord]]
) -> list[DocLabelOut]:
    """By annotator, then codebook order (sets, then each set's choices)."""

    def order(row: tuple[int, str, str]) -> tuple[str, int, int]:
        position, label_set = sets[row[0]]
        place = label_set.choices.index(row[1]) if row[1] in label_set.choices else 0
        return (row[2], position, place)

    known = sorted((row for row in rows if row[0] in sets), key=order)
    return [DocLabelOut(sets[s][1].name, value, who) for s, value, who in known]
