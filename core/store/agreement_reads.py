"""What agreement reads from a project: plain columns in one pass, as tuples and numpy arrays.

The figures of a class come from every span of every annotator (200,000 and more): these reads
run on the driver's cursor (``driver.plain_rows``), since SQLAlchemy's row objects would cost
more than SQLite itself. ``core.agreement`` turns them into units and figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, func, literal, select

from claimdesk.core.records import DocumentLabelRecord, RelationRecord, Status
from claimdesk.core.store.driver import plain_rows
from claimdesk.core.store.project import Project
from claimdesk.core.store.tables import (
    annotation_attribute_table,
    annotation_table,
    document_label_table,
    document_table,
    relation_table,
    status_table,
)

IntArray = npt.NDArray[np.int64]

# Statuses that show an annotator worked on a document even without a span in it.
ACTIVE_STATUSES = (Status.IN_PROGRESS.value, Status.DONE.value)


@dataclass
class AgreementRows:
    """A project's documents, spans and statuses as agreement reads them."""

    documents: list[tuple[int, str, str]]  # (id, title, text or "" when texts were not asked)
    spans: IntArray  # n × 6: document id, annotator id, label id, start, end, annotation id
    active: list[tuple[int, int]]  # (document id, annotator id) in progress or done


def agreement_rows(
    project: Project, annotator_ids: Sequence[int] | None, *, texts: bool = True
) -> AgreementRows:
    """Every document (ordered by id), the spans of the chosen annotators (all when None) and
    the (document, annotator) pairs whose status is in progress or done; one connection."""
    body = document_table.c.text if texts else literal("")
    documents_query = select(document_table.c.id, document_table.c.title, body).order_by(
        document_table.c.id
    )
    a = annotation_table
    spans_query = select(
        a.c.document_id, a.c.annotator_id, a.c.label_id, a.c.start, a.c.end, a.c.id
    )
    if annotator_ids is not None:  # only their rows (one pair's disagreements read little)
        spans_query = spans_query.where(a.c.annotator_id.in_(list(annotator_ids)))
    active_query = select(status_table.c.document_id, status_table.c.annotator_id).where(
        status_table.c.status.in_(ACTIVE_STATUSES)
    )
    with project.reading() as conn:
        documents = plain_rows(conn, documents_query)
        spans = np.array(plain_rows(conn, spans_query), dtype=np.int64).reshape(-1, 6)
        active = plain_rows(conn, active_query)
    return AgreementRows(
        [(int(i), str(t), str(x)) for i, t, x in documents],
        spans,
        [(int(d), int(n)) for d, n in active],
    )


@dataclass
class SchemeRows:
    """What the chosen annotators set beyond spans: attribute values, relations, labels."""

    values: dict[int, dict[int, Any]]  # annotation id -> attribute id -> value (set ones only)
    relations: list[RelationRecord]
    document_labels: list[DocumentLabelRecord]


def scheme_rows(project: Project, annotator_ids: Sequence[int] | None) -> SchemeRows:
    """The attribute values, relations and document labels of the chosen annotators (all when
    None); one connection. Values are decoded from JSON by SQLAlchemy (few compared to spans)."""
    a, v, r, d = annotation_table, annotation_attribute_table, relation_table, document_label_table
    values_query = select(v.c.annotation_id, v.c.attribute_id, v.c.value).join(
        a, a.c.id == v.c.annotation_id
    )
    relations_query = select(
        r.c.id, r.c.document_id, r.c.annotator_id, r.c.type_id, r.c.source_id, r.c.target_id
    )
    labels_query = select(d.c.document_id, d.c.annotator_id, d.c.set_id, d.c.value)
    if annotator_ids is not None:
        chosen = list(annotator_ids)
        values_query = values_query.where(a.c.annotator_id.in_(chosen))
        relations_query = relations_query.where(r.c.annotator_id.in_(chosen))
        labels_query = labels_query.where(d.c.annotator_id.in_(chosen))
    found: dict[int, dict[int, Any]] = {}
    with project.reading() as conn:
        for annotation_id, attribute_id, value in conn.execute(values_query):
            found.setdefault(int(annotation_id), {})[int(attribute_id)] = value
        relations = [RelationRecord(*map(int, row)) for row in plain_rows(conn, relations_query)]
        labels = [
            DocumentLabelRecord(int(doc), int(who), int(set_id), str(value))
            for doc, who, set_id, value in plain_rows(conn, labels_query)
        ]
    return SchemeRows(found, relations, labels)


def pair_spans(
    project: Project, first: int, second: int, document_id: int | None = None
) -> list[tuple[int, int, int, int, int, int, str]]:
    """The spans of two annotators (in one document, or all), unordered, as
    ``(id, document id, annotator id, start, end, label id, quote)``."""
    a = annotation_table
    query = select(a.c.id, a.c.document_id, a.c.annotator_id, a.c.start, a.c.end, a.c.label_id)
    query = query.add_columns(a.c.quote).where(a.c.annotator_id.in_([first, second]))
    if document_id is not None:
        query = query.where(a.c.document_id == document_id)
    with project.reading() as conn:
        return cast(list[tuple[int, int, int, int, int, int, str]], plain_rows(conn, query))


def label_counts(project: Project) -> list[tuple[int, int, int]]:
    """``(annotator id, label id, spans)`` for every pair that has spans."""
    a = annotation_table
    query = select(a.c.annotator_id, a.c.label_id, func.count()).group_by(
        a.c.annotator_id, a.c.label_id
    )
    with project.reading() as conn:
        return cast(list[tuple[int, int, int]], plain_rows(conn, query))


@dataclass
class DailyCounts:
    """Per annotator and day (ISO date text): annotations created and documents marked done."""

    annotations: list[tuple[int, str, int]]  # (annotator id, day, annotations created)
    documents_done: list[tuple[int, str, int]]  # (annotator id, day, documents done that day)


def daily_counts(project: Project) -> DailyCounts:
    """Annotations created and documents done, per annotator per day (days with none left out).

    A document counts on the day its status was last set to done.
    """
    with project.reading() as conn:
        made = _per_day(conn, annotation_table.c.annotator_id, annotation_table.c.created_at)
        done = _per_day(
            conn,
            status_table.c.annotator_id,
            status_table.c.updated_at,
            status_table.c.status == Status.DONE.value,
        )
    return DailyCounts(made, done)


def _per_day(conn: Connection, who: Any, when: Any, *where: Any) -> list[tuple[int, str, int]]:
    day = func.date(when)
    query = select(who, day, func.count()).where(*where).group_by(who, day)
    return [(int(w), str(d), int(n)) for w, d, n in plain_rows(conn, query) if d]
