"""What dataset import and export read from a project, as plain values.

An import matches documents by the SHA-256 of their text and names labels and annotators, so it
reads those keys first, then the spans already in the documents it matched. An export streams
documents one at a time with their spans (names instead of ids), read on the driver's cursor:
at a million annotations SQLAlchemy's row objects would cost more than SQLite itself, and a
large corpus is never held in memory whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, bindparam, cast, select

from claimdesk.core.store.dialects import by_code_point, time_text
from claimdesk.core.store.driver import PlainQuery, json_value
from claimdesk.core.store.project import Project
from claimdesk.core.store.tables import (
    annotation_attribute_table,
    annotation_table,
    annotator_table,
    document_label_table,
    document_table,
    label_table,
    relation_table,
)


@dataclass
class ImportKeys:
    """What an import matches a file against."""

    documents: dict[str, int]  # text SHA-256 -> document id
    labels: dict[str, str]  # casefolded name -> name as stored
    annotators: dict[str, int]  # name -> annotator id
    last_position: int  # the codebook's last position (-1 when it is empty)


def import_keys(project: Project) -> ImportKeys:
    """The documents' digests, the labels' and annotators' names; one connection."""
    d, lab, who = document_table, label_table, annotator_table
    with project.reading() as conn:
        documents = {s: i for i, s in conn.execute(select(d.c.id, d.c.sha256))}
        labels = {n.casefold(): n for (n,) in conn.execute(select(lab.c.name))}
        annotators = {n: i for i, n in conn.execute(select(who.c.id, who.c.name))}
        positions = conn.execute(select(lab.c.position)).scalars().all()
    return ImportKeys(documents, labels, annotators, max(positions, default=-1))


SpanKey = tuple[int, int, int, int, int]  # document id, annotator id, label id, start, end


@dataclass
class ExistingSpans:
    """What an import checks its spans against, in the documents it matched."""

    label_ids: dict[str, int]  # casefolded label name -> label id
    keys: set[SpanKey]
    # annotation id -> (document id, label id, start, end): a file that names the annotation
    # a span was exported as (Label Studio's "claimdesk-N", JSONL's span id) is checked by it
    by_id: dict[int, tuple[int, int, int, int]]


def existing_spans(project: Project, document_ids: Iterable[int]) -> ExistingSpans:
    """Label ids by casefolded name, and the spans already in these documents."""
    a, lab = annotation_table, label_table
    query = select(a.c.id, a.c.document_id, a.c.annotator_id, a.c.label_id, a.c.start, a.c.end)
    query = query.where(a.c.document_id.in_(list(document_ids)))
    keys: set[SpanKey] = set()
    by_id: dict[int, tuple[int, int, int, int]] = {}
    with project.reading() as conn:
        label_ids = {n.casefold(): i for i, n in conn.execute(select(lab.c.id, lab.c.name))}
        for ident, document, annotator, label, start, end in conn.execute(query):
            keys.add((document, annotator, label, start, end))
            by_id[ident] = (document, label, start, end)
    return ExistingSpans(label_ids, keys, by_id)


@dataclass
class StoredDocument:
    """One document as an export reads it; ``spans`` are rows of ``SPAN_COLUMNS``."""

    id: int
    title: str
    source: str
    date: str
    meta: dict[str, Any]
    text: str
    spans: list[tuple[Any, ...]]
    # explicit attribute values: (annotation id, attribute id, value)
    values: list[tuple[int, int, Any]] = field(default_factory=list)
    # relations: (id, type id, source id, target id, annotator name)
    relations: list[tuple[int, int, int, int, str]] = field(default_factory=list)
    # document labels: (set id, value, annotator name)
    doc_labels: list[tuple[int, str, str]] = field(default_factory=list)


# The columns of each exported span, in this order (label and annotator by name; created and
# updated as the ISO text SQLite stores, read as such from a server too, parsed only by the
# formats that need a time).
SPAN_COLUMNS = ("id", "start", "end", "label", "annotator", "note", "quote", "created", "updated")

_DOCUMENT = PlainQuery(
    select(
        document_table.c.id,
        document_table.c.title,
        document_table.c.source,
        document_table.c.date,
        document_table.c.meta,
        document_table.c.text,
    ).where(document_table.c.id == bindparam("document", 0))
)


def _spans_query(annotator_ids: Sequence[int]) -> PlainQuery:
    a, lab, who = annotation_table, label_table, annotator_table
    query = (
        select(
            a.c.id,
            a.c.start,
            a.c.end,
            lab.c.name,
            who.c.name,
            a.c.note,
            a.c.quote,
            time_text(a.c.created_at),
            time_text(a.c.updated_at),
        )
        .join(lab, lab.c.id == a.c.label_id)
        .join(who, who.c.id == a.c.annotator_id)
        .where(a.c.document_id == bindparam("document", 0))
        .order_by(a.c.start, a.c.end, by_code_point(lab.c.name), by_code_point(who.c.name), a.c.id)
    )
    if annotator_ids:
        query = query.where(a.c.annotator_id.in_(list(annotator_ids)))
    return PlainQuery(query)


def _extras_queries(annotator_ids: Sequence[int]) -> tuple[PlainQuery, PlainQuery, PlainQuery]:
    """A document's attribute values, relations and document labels (chosen annotators)."""
    a, v, r, dl, who = (
        annotation_table,
        annotation_attribute_table,
        relation_table,
        document_label_table,
        annotator_table,
    )
    values = (
        # As JSON text on both: psycopg would hand a decoded string, which reads like JSON text.
        select(v.c.annotation_id, v.c.attribute_id, cast(v.c.value, Text))
        .join(a, a.c.id == v.c.annotation_id)
        .where(a.c.document_id == bindparam("document", 0))
    )
    relations = (
        select(r.c.id, r.c.type_id, r.c.source_id, r.c.target_id, who.c.name)
        .join(who, who.c.id == r.c.annotator_id)
        .where(r.c.document_id == bindparam("document", 0))
        .order_by(r.c.id)
    )
    labels = (
        select(dl.c.set_id, dl.c.value, who.c.name)
        .join(who, who.c.id == dl.c.annotator_id)
        .where(dl.c.document_id == bindparam("document", 0))
    )
    if annotator_ids:
        chosen = list(annotator_ids)
        values = values.where(a.c.annotator_id.in_(chosen))
        relations = relations.where(r.c.annotator_id.in_(chosen))
        labels = labels.where(dl.c.annotator_id.in_(chosen))
    return PlainQuery(values), PlainQuery(relations), PlainQuery(labels)


def stream_documents(
    project: Project,
    document_ids: Sequence[int],
    annotator_ids: Sequence[int] = (),
    *,
    extras: bool = False,
) -> Iterator[StoredDocument]:
    """The documents in the order given, each with the spans of the chosen annotators (all
    when none are chosen) sorted by start, end, label name, annotator name and id; with
    ``extras``, also their attribute values, relations and document labels.

    One connection stays open while the caller iterates; SQLite sorts the spans (in C).
    """
    spans_query = _spans_query(annotator_ids)
    more = _extras_queries(annotator_ids) if extras else None
    with project.reading() as conn:
        for document_id in document_ids:
            found = _DOCUMENT.rows(conn, document=document_id)
            if not found:
                continue
            row = found[0]
            meta = json_value(row[4]) or {}
            spans = spans_query.rows(conn, document=document_id)
            stored = StoredDocument(row[0], row[1], row[2] or "", row[3] or "", meta, row[5], spans)
            if more is not None:
                values, relations, labels = more
                stored.values = [
                    (i, b, json.loads(x)) for i, b, x in values.rows(conn, document=document_id)
                ]
                stored.relations = [
                    (i, t, s_, e, str(n))
                    for i, t, s_, e, n in relations.rows(conn, document=document_id)
                ]
                stored.doc_labels = [
                    (i, str(x), str(n)) for i, x, n in labels.rows(conn, document=document_id)
                ]
            yield stored
