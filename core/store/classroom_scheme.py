"""A submission's attribute values, relations and document labels in the teacher's project.

Collecting stores them with the student's annotations (``classroom_edits._store_work``), noting
every row in the command's journal so that undo and redo put back the very same rows; a replaced
submission keeps them in the history (the version's ``annotations`` JSON then becomes an object:
``{"spans": [...], "attributes": [...], "relations": [...], "document_labels": [...]}``; a plain
list, as before, when it has none of them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, insert, select

from claimdesk.core.store.classroom_records import (
    ExerciseRecord,
    Span,
    Work,
    WorkDocLabels,
    WorkRelation,
)
from claimdesk.core.store.tables import (
    annotation_attribute_table,
    attribute_table,
    doc_label_set_table,
    document_label_table,
    relation_table,
    relation_type_table,
    utcnow,
)

if TYPE_CHECKING:
    from claimdesk.core.store.classroom_edits import RowJournal

_v, _a, _r = annotation_attribute_table, attribute_table, relation_table
_rt, _dl, _ds = relation_type_table, document_label_table, doc_label_set_table


def _json(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _rows(conn: Connection, table: Any, *where: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in conn.execute(select(table).where(*where))]


def remove_extras(
    conn: Connection,
    journal: RowJournal,
    annotator_id: int,
    documents: Sequence[int],
    annotation_ids: Sequence[int],
) -> None:
    """Before an annotator's annotations on ``documents`` go: note their attribute values and
    relations (the database removes them with the annotations) and remove their document
    labels there."""
    if annotation_ids:
        ids = list(annotation_ids)
        journal.removed(_v, _rows(conn, _v, _v.c.annotation_id.in_(ids)))
        mine = (_r.c.annotator_id == annotator_id, _r.c.document_id.in_(list(documents)))
        relations = _rows(conn, _r, *mine)
        journal.removed(_r, relations)
        if relations:
            conn.execute(delete(_r).where(*mine))
        conn.execute(delete(_v).where(_v.c.annotation_id.in_(ids)))
    labels = (_dl.c.annotator_id == annotator_id, _dl.c.document_id.in_(list(documents)))
    found = _rows(conn, _dl, *labels)
    if found:
        journal.removed(_dl, found)
        conn.execute(delete(_dl).where(*labels))


def store_extras(
    conn: Connection,
    journal: RowJournal,
    exercise: ExerciseRecord,
    annotator_id: int,
    work: Work,
    ids: Sequence[int],
) -> None:
    """Insert ``work``'s values, relations and document labels; ``ids`` are the ids of its
    spans as just stored, in the order of ``work.spans``. Names the project no longer has are
    left out (collect checked them against it moments before)."""
    attributes = {
        (int(label), str(name)): int(i)
        for i, label, name in conn.execute(select(_a.c.id, _a.c.label_id, _a.c.name))
    }
    values = []
    for position, (span, annotation_id) in enumerate(zip(work.spans, ids, strict=True)):
        label_id = exercise.labels.get(span[1])
        for name, value in work.attributes_of(position).items():
            attribute = attributes.get((label_id, name)) if label_id is not None else None
            if attribute is not None and value is not None:
                values.append(
                    {
                        "annotation_id": annotation_id,
                        "attribute_id": attribute,
                        "value": _json(value),
                    }
                )
    if values:
        conn.execute(insert(_v), values)
        journal.added(_v, [(v["annotation_id"], v["attribute_id"], v["value"]) for v in values])
    types = {str(name): int(i) for i, name in conn.execute(select(_rt.c.id, _rt.c.name))}
    now = utcnow()
    for relation in work.relations:
        type_id = types.get(relation.type)
        if type_id is None:
            continue
        row = {
            "document_id": work.spans[relation.source][0],
            "annotator_id": annotator_id,
            "type_id": type_id,
            "source_id": ids[relation.source],
            "target_id": ids[relation.target],
            "created_at": now,
        }
        stored = conn.execute(insert(_r).values(row).returning(*_r.c)).one()
        journal.added(_r, [tuple(stored)])
    sets = {str(name): int(i) for i, name in conn.execute(select(_ds.c.id, _ds.c.name))}
    labels = {
        (labels.document_id, sets[labels.set_name], value)
        for labels in work.doc_labels
        if labels.set_name in sets
        for value in labels.values
    }
    if labels:
        rows = [
            {"document_id": d, "annotator_id": annotator_id, "set_id": s, "value": v}
            for d, s, v in sorted(labels)
        ]
        conn.execute(insert(_dl), rows)
        journal.added(
            _dl, [(r["document_id"], annotator_id, r["set_id"], r["value"]) for r in rows]
        )


def read_extras(
    conn: Connection,
    annotator_id: int,
    documents: Sequence[int],
    annotation_ids: Sequence[int],
) -> tuple[list[dict[str, Any]], list[WorkRelation], list[WorkDocLabels]]:
    """A current submission's values (per span, in the order of ``annotation_ids``), relations
    and document labels, by name, to keep it in the history."""
    position = {annotation_id: i for i, annotation_id in enumerate(annotation_ids)}
    attributes: list[dict[str, Any]] = [{} for _ in annotation_ids]
    if annotation_ids:
        query = (
            select(_v.c.annotation_id, _a.c.name, _v.c.value)
            .join(_a, _a.c.id == _v.c.attribute_id)
            .where(_v.c.annotation_id.in_(list(annotation_ids)))
        )
        for annotation_id, name, value in conn.execute(query):
            attributes[position[annotation_id]][str(name)] = value
    query = (
        select(_rt.c.name, _r.c.source_id, _r.c.target_id)
        .join(_rt, _rt.c.id == _r.c.type_id)
        .where(_r.c.annotator_id == annotator_id, _r.c.document_id.in_(list(documents)))
        .order_by(_r.c.id)
    )
    relations = [
        WorkRelation(str(name), position[source], position[target])
        for name, source, target in conn.execute(query)
        if source in position and target in position
    ]
    chosen: dict[tuple[int, str], list[str]] = {}
    query = (
        select(_dl.c.document_id, _ds.c.name, _dl.c.value)
        .join(_ds, _ds.c.id == _dl.c.set_id)
        .where(_dl.c.annotator_id == annotator_id, _dl.c.document_id.in_(list(documents)))
        .order_by(_dl.c.document_id, _ds.c.position, _dl.c.value)
    )
    for document_id, name, value in conn.execute(query):
        chosen.setdefault((int(document_id), str(name)), []).append(str(value))
    labels = [WorkDocLabels(d, name, tuple(v)) for (d, name), v in chosen.items()]
    return attributes, relations, labels


def work_json(work: Work) -> Any:
    """The version's ``annotations`` column: the spans as before, or everything as an object."""
    spans = [list(span) for span in work.spans]
    if not work.has_extras:
        return spans
    return {
        "spans": spans,
        "attributes": [
            {k: _json(v) for k, v in work.attributes_of(i).items()} for i in range(len(spans))
        ],
        "relations": [[r.type, r.source, r.target] for r in work.relations],
        "document_labels": [[d.document_id, d.set_name, list(d.values)] for d in work.doc_labels],
    }


def work_parts(
    raw: Any,
) -> tuple[list[Span], list[Mapping[str, Any]], list[WorkRelation], list[WorkDocLabels]]:
    """What ``work_json`` wrote (either shape): spans, attributes, relations, document labels."""
    if isinstance(raw, dict):
        spans, attributes = raw.get("spans", []), raw.get("attributes", [])
        relations = [WorkRelation(str(t), int(s), int(e)) for t, s, e in raw.get("relations", [])]
        labels = [
            WorkDocLabels(int(d), str(name), tuple(str(v) for v in values))
            for d, name, values in raw.get("document_labels", [])
        ]
    else:
        spans, attributes, relations, labels = raw, [], [], []
    return (
        [(int(d), str(lb), int(s), int(e), str(q), str(n)) for d, lb, s, e, q, n in spans],
        [{k: tuple(v) if isinstance(v, list) else v for k, v in a.items()} for a in attributes],
        relations,
        labels,
    )
