"""Attributes, relations and document labels: their reads and their undoable edits.

The codebook's definitions (attributes of a label, relation types, document label sets) are
shared by everyone; values (an annotation's attribute values, relations, document labels) are a
person's work, like annotations. Deleting an annotation takes its values and relations with it
(the database cascades); ``Dependents`` remembers them first so that undo brings back the very
same rows and ids.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import (
    BindParameter,
    Connection,
    Integer,
    Text,
    bindparam,
    cast,
    delete,
    insert,
    literal,
    or_,
    select,
    union_all,
    update,
)

from claimdesk.core.errors import EditError
from claimdesk.core.limits import DESCRIPTION_MAX, LABEL_NAME_MAX, name_problem, text_problem
from claimdesk.core.records import (
    AnnotationRecord,
    AttributeRecord,
    AttributeValue,
    Changes,
    DocLabelSetRecord,
    DocumentLabelRecord,
    LabelRecord,
    RelationRecord,
    RelationTypeRecord,
    SchemeRecords,
)
from claimdesk.core.scheme import (
    AttributeKind,
    AttributeSpec,
    DocLabelSpec,
    RelationSpec,
    Scheme,
    normal_value,
    value_problem,
)
from claimdesk.core.store.driver import PlainQuery
from claimdesk.core.store.edits import LABEL_COLUMNS, Command, UpdateAnnotation, label_record
from claimdesk.core.store.tables import (
    annotation_attribute_table,
    annotation_table,
    attribute_table,
    doc_label_set_table,
    document_label_table,
    label_table,
    relation_table,
    relation_type_table,
    utcnow,
)

COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
_a, _v, _rt, _r = attribute_table, annotation_attribute_table, relation_type_table, relation_table
_ds, _dl = doc_label_set_table, document_label_table

ATTRIBUTE_COLUMNS = (
    _a.c.id,
    _a.c.label_id,
    _a.c.name,
    _a.c.kind,
    _a.c.choices,
    _a.c.choice_keys,
    _a.c.default_value,
    _a.c.description,
    _a.c.shortcut,
    _a.c.position,
)
RELATION_TYPE_COLUMNS = (
    _rt.c.id,
    _rt.c.name,
    _rt.c.colour,
    _rt.c.description,
    _rt.c.directed,
    _rt.c.source_labels,
    _rt.c.target_labels,
    _rt.c.shortcut,
    _rt.c.position,
)
RELATION_COLUMNS = (
    _r.c.id,
    _r.c.document_id,
    _r.c.annotator_id,
    _r.c.type_id,
    _r.c.source_id,
    _r.c.target_id,
)
# The values and relations of some annotations (Dependents.read_annotations), built once: every
# deletion reads them, and building the statement took longer than running it.
_ids: BindParameter[int] = bindparam("ids", expanding=True)
_none = literal(None, Integer)
_DEPENDENTS = union_all(
    select(
        literal("v"),
        _v.c.annotation_id,
        _v.c.attribute_id,
        _none,
        _none,
        _none,
        _none,
        cast(_v.c.value, Text),
    ).where(_v.c.annotation_id.in_(_ids)),
    select(literal("r"), *RELATION_COLUMNS, literal(None, Text)).where(
        or_(_r.c.source_id.in_(_ids), _r.c.target_id.in_(_ids))
    ),
)
SET_COLUMNS = (
    _ds.c.id,
    _ds.c.name,
    _ds.c.multiple,
    _ds.c.choices,
    _ds.c.choice_keys,
    _ds.c.description,
    _ds.c.position,
)


# -- rows <-> records -----------------------------------------------------------------------------


def _keys(raw: Any, count: int) -> tuple[str | None, ...]:
    keys = [k if isinstance(k, str) and k else None for k in (raw or [])]
    return tuple((keys + [None] * count)[:count])


def _stored_value(kind: str, value: Any) -> Any:
    """A JSON-decoded value in its Python form (a multi's list as a tuple)."""
    if kind == AttributeKind.MULTI and isinstance(value, list):
        return tuple(value)
    return value


def attribute_record(row: Sequence[Any]) -> AttributeRecord:
    choices = tuple(str(c) for c in (row[4] or []))
    return AttributeRecord(
        row[0],
        row[1],
        row[2],
        row[3],
        choices,
        _keys(row[5], len(choices)),
        _stored_value(row[3], row[6]),
        row[7] or "",
        row[8],
        row[9],
    )


def relation_type_record(row: Sequence[Any]) -> RelationTypeRecord:
    return RelationTypeRecord(
        row[0],
        row[1],
        row[2],
        row[3] or "",
        bool(row[4]),
        tuple(int(i) for i in (row[5] or [])),
        tuple(int(i) for i in (row[6] or [])),
        row[7],
        row[8],
    )


def relation_record(row: Sequence[Any]) -> RelationRecord:
    return RelationRecord(*row)


def set_record(row: Sequence[Any]) -> DocLabelSetRecord:
    choices = tuple(str(c) for c in (row[3] or []))
    return DocLabelSetRecord(
        row[0], row[1], bool(row[2]), choices, _keys(row[4], len(choices)), row[5] or "", row[6]
    )


def _attribute_values(record: AttributeRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "label_id": record.label_id,
        "name": record.name,
        "kind": record.kind,
        "choices": list(record.choices),
        "choice_keys": list(record.choice_keys),
        "default_value": _json(record.default),
        "description": record.description,
        "shortcut": record.shortcut,
        "position": record.position,
    }


def _type_values(record: RelationTypeRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "colour": record.colour,
        "description": record.description,
        "directed": record.directed,
        "source_labels": list(record.source_label_ids),
        "target_labels": list(record.target_label_ids),
        "shortcut": record.shortcut,
        "position": record.position,
    }


def _set_values(record: DocLabelSetRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "multiple": record.multiple,
        "choices": list(record.choices),
        "choice_keys": list(record.choice_keys),
        "description": record.description,
        "position": record.position,
    }


def _relation_values(record: RelationRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "document_id": record.document_id,
        "annotator_id": record.annotator_id,
        "type_id": record.type_id,
        "source_id": record.source_id,
        "target_id": record.target_id,
        "created_at": utcnow(),
    }


def _json(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _without_id(values: dict[str, Any], record_id: int) -> dict[str, Any]:
    """Insert values: a new row (id 0) lets the database choose its id."""
    return {k: v for k, v in values.items() if k != "id" or record_id}


# -- reads ----------------------------------------------------------------------------------------


def read_scheme(conn: Connection) -> SchemeRecords:
    """The definitions, each in codebook order (attributes by label position, then their own)."""
    attributes = conn.execute(
        select(*ATTRIBUTE_COLUMNS)
        .join(label_table, label_table.c.id == _a.c.label_id)
        .order_by(label_table.c.position, label_table.c.id, _a.c.position, _a.c.id)
    )
    types = conn.execute(select(*RELATION_TYPE_COLUMNS).order_by(_rt.c.position, _rt.c.id))
    sets = conn.execute(select(*SET_COLUMNS).order_by(_ds.c.position, _ds.c.id))
    return SchemeRecords(
        tuple(map(attribute_record, attributes)),
        tuple(map(relation_type_record, types)),
        tuple(map(set_record, sets)),
    )


def scheme_by_name(records: SchemeRecords, labels: Sequence[LabelRecord]) -> Scheme:
    """The definitions with label names instead of ids (label ids since deleted are left out)."""
    names = {label.id: label.name for label in labels}
    attributes: dict[str, tuple[AttributeSpec, ...]] = {}
    for label in labels:
        specs = tuple(attribute_spec(a) for a in records.attributes_of(label.id))
        if specs:
            attributes[label.name] = specs
    relations = tuple(
        RelationSpec(
            t.name,
            t.colour,
            t.description,
            t.directed,
            tuple(names[i] for i in t.source_label_ids if i in names),
            tuple(names[i] for i in t.target_label_ids if i in names),
            t.shortcut,
        )
        for t in records.relation_types
    )
    sets = tuple(
        DocLabelSpec(s.name, s.multiple, s.choices, s.choice_keys, s.description)
        for s in records.doc_label_sets
    )
    return Scheme(attributes, relations, sets)


def attribute_spec(record: AttributeRecord) -> AttributeSpec:
    return AttributeSpec(
        record.name,
        AttributeKind(record.kind),
        record.choices,
        record.choice_keys,
        record.default,
        record.description,
        record.shortcut,
    )


# The reads of one document's values, relations and document labels (with or without an
# annotator), compiled once: every open runs them, and building and compiling a statement took
# longer than running it. Plain driver rows; JSON read as its text on both dialects (psycopg would
# hand back a decoded JSON string, which reads like JSON text).
_document: BindParameter[int] = bindparam("document", 0)
_annotator: BindParameter[int] = bindparam("annotator", 0)
_VALUES = (
    select(_v.c.annotation_id, _v.c.attribute_id, cast(_v.c.value, Text), _a.c.kind)
    .join(annotation_table, annotation_table.c.id == _v.c.annotation_id)
    .join(_a, _a.c.id == _v.c.attribute_id)
    .where(annotation_table.c.document_id == _document)
)
_ANY_VALUE = PlainQuery(select(_v.c.annotation_id).limit(1))
_READ_VALUES = {
    False: PlainQuery(_VALUES),
    True: PlainQuery(_VALUES.where(annotation_table.c.annotator_id == _annotator)),
}
_RELATIONS = select(*RELATION_COLUMNS).where(_r.c.document_id == _document).order_by(_r.c.id)
_READ_RELATIONS = {
    False: PlainQuery(_RELATIONS),
    True: PlainQuery(_RELATIONS.where(_r.c.annotator_id == _annotator)),
}
_DOCUMENT_LABELS = (
    select(
        _dl.c.document_id, _dl.c.annotator_id, _dl.c.set_id, _dl.c.value, cast(_ds.c.choices, Text)
    )
    .join(_ds, _ds.c.id == _dl.c.set_id)
    .where(_dl.c.document_id == _document)
    .order_by(_dl.c.annotator_id, _ds.c.position, _ds.c.id)
)
_READ_DOCUMENT_LABELS = {
    False: PlainQuery(_DOCUMENT_LABELS),
    True: PlainQuery(_DOCUMENT_LABELS.where(_dl.c.annotator_id == _annotator)),
}


def read_attribute_values(
    conn: Connection, document_id: int, annotator_id: int | None
) -> dict[int, dict[int, Any]]:
    """annotation id -> attribute id -> value, for the explicit values in one document."""
    # Looked up span by span (the fastest way when some are set): ~0.6 ms at 10,000 spans, for
    # nothing in a project where no attribute has been set yet.
    if not _ANY_VALUE.rows(conn):
        return {}
    rows = _document_rows(_READ_VALUES, conn, document_id, annotator_id)
    found: dict[int, dict[int, Any]] = {}
    for annotation, attribute, value, kind in rows:
        found.setdefault(annotation, {})[attribute] = _stored_value(kind, _from_text(value))
    return found


def read_relations(
    conn: Connection, document_id: int, annotator_id: int | None
) -> list[RelationRecord]:
    rows = _document_rows(_READ_RELATIONS, conn, document_id, annotator_id)
    return [relation_record(row) for row in rows]


def read_document_labels(
    conn: Connection, document_id: int, annotator_id: int | None
) -> list[DocumentLabelRecord]:
    """Sorted by annotator, then in codebook order (sets, then each set's choices)."""
    rows = _document_rows(_READ_DOCUMENT_LABELS, conn, document_id, annotator_id)

    def place(row: Any) -> int:
        choices = list(_from_text(row[4]) or [])
        return choices.index(row[3]) if row[3] in choices else len(choices)

    # Rows come by annotator and set; within each (annotator, set), by the choice's place.
    runs: dict[tuple[int, int], list[Any]] = {}
    for row in rows:
        runs.setdefault((row[1], row[2]), []).append(row)
    found: list[DocumentLabelRecord] = []
    for run in runs.values():
        found += [DocumentLabelRecord(*r[:4]) for r in sorted(run, key=place)]
    return found


def _document_rows(
    queries: dict[bool, PlainQuery], conn: Connection, document_id: int, annotator_id: int | None
) -> list[tuple[Any, ...]]:
    if annotator_id is None:
        return queries[False].rows(conn, document=document_id)
    return queries[True].rows(conn, document=document_id, annotator=annotator_id)


def _from_text(text: str | None) -> Any:
    """A JSON column's value from its text (None for SQL NULL)."""
    return None if text is None else json.loads(text)


def effective_attributes(
    attributes: Sequence[AttributeRecord], label_id: int, values: Mapping[int, Any]
) -> dict[int, Any]:
    """attribute id -> value for a span of ``label_id``: its own value, else the default; an
    attribute with neither is left out. ``values`` are the span's explicit values."""
    found: dict[int, Any] = {}
    for attribute in attributes:
        if attribute.label_id != label_id:
            continue
        value = values.get(attribute.id)
        if value is None:
            value = attribute.default
        if value is not None:
            found[attribute.id] = value
    return found


# -- what a deletion takes with it ----------------------------------------------------------------


@dataclass
class Dependents:
    """Rows that hang on annotations (values, relations) or on definitions (attributes and
    their values, relations of a type, document labels of a set), kept to be restored."""

    attributes: list[AttributeRecord] = field(default_factory=list)
    values: list[dict[str, Any]] = field(default_factory=list)
    relations: list[RelationRecord] = field(default_factory=list)
    sets: list[DocLabelSetRecord] = field(default_factory=list)
    types: list[RelationTypeRecord] = field(default_factory=list)
    document_labels: list[DocumentLabelRecord] = field(default_factory=list)

    def read_annotations(self, conn: Connection, ids: Sequence[int]) -> None:
        """The values and relations of these annotations, in one statement per 5,000 ids (on a
        server each statement is a network exchange, and a deletion is an everyday edit)."""
        if not ids:
            return
        for start in range(0, len(ids), 5000):
            chunk = list(ids[start : start + 5000])
            for row in conn.execute(_DEPENDENTS, {"ids": chunk}):
                if row[0] == "v":
                    value = json.loads(row[7])
                    self.values.append(
                        {"annotation_id": row[1], "attribute_id": row[2], "value": value}
                    )
                else:
                    self.relations.append(relation_record(row[1:7]))
        self._unique_relations()

    def _unique_relations(self) -> None:
        seen: dict[int, RelationRecord] = {r.id: r for r in self.relations}
        self.relations = sorted(seen.values(), key=lambda r: r.id)

    def read_label(self, conn: Connection, label_id: int) -> None:
        """The attributes of a label (and their values)."""
        self.attributes += [
            attribute_record(row)
            for row in conn.execute(select(*ATTRIBUTE_COLUMNS).where(_a.c.label_id == label_id))
        ]
        ids = [a.id for a in self.attributes]
        if ids:
            self.values += [
                {"annotation_id": a, "attribute_id": b, "value": v}
                for a, b, v in conn.execute(
                    select(_v.c.annotation_id, _v.c.attribute_id, _v.c.value).where(
                        _v.c.attribute_id.in_(ids)
                    )
                )
            ]

    def restore(self, conn: Connection) -> None:
        """Put everything back (the annotations themselves are already back)."""
        if self.attributes:
            conn.execute(insert(_a), [_attribute_values(a) for a in self.attributes])
        if self.types:
            conn.execute(insert(_rt), [_type_values(t) for t in self.types])
        if self.sets:
            conn.execute(insert(_ds), [_set_values(s) for s in self.sets])
        if self.values:
            seen: set[tuple[int, int]] = set()
            rows = []
            for row in self.values:
                key = (row["annotation_id"], row["attribute_id"])
                if key not in seen:
                    seen.add(key)
                    rows.append(row)
            conn.execute(insert(_v), rows)
        if self.relations:
            conn.execute(insert(_r), [_relation_values(r) for r in self.relations])
        if self.document_labels:
            conn.execute(
                insert(_dl),
                [
                    {
                        "document_id": d.document_id,
                        "annotator_id": d.annotator_id,
                        "set_id": d.set_id,
                        "value": d.value,
                    }
                    for d in self.document_labels
                ],
            )

    def changes(self, annotations: Iterable[AnnotationRecord] = (), *, back: bool) -> Changes:
        """What removing (``back`` False) or restoring these rows changed, for the views."""
        documents = {a.id: a.document_id for a in annotations}
        values = tuple(
            AttributeValue(
                row["annotation_id"],
                documents.get(row["annotation_id"], 0),
                row["attribute_id"],
                row["value"] if back else None,
            )
            for row in self.values
            if row["annotation_id"] in documents
        )
        labels = tuple({(d.document_id, d.annotator_id) for d in self.document_labels})
        relations = tuple(self.relations)
        return Changes(
            relations_added=relations if back else (),
            relations_removed=() if back else relations,
            attribute_values=values,
            document_labels=labels,
            scheme=bool(self.attributes or self.types or self.sets),
        )


def merge(*parts: Changes) -> Changes:
    """Several commands' changes as one."""
    if len(parts) == 1:
        return parts[0]
    return Changes(
        annotations_added=sum((p.annotations_added for p in parts), ()),
        annotations_removed=sum((p.annotations_removed for p in parts), ()),
        annotations_updated=sum((p.annotations_updated for p in parts), ()),
        labels=any(p.labels for p in parts),
        documents=any(p.documents for p in parts),
        statuses=sum((p.statuses for p in parts), ()),
        relations_added=sum((p.relations_added for p in parts), ()),
        relations_removed=sum((p.relations_removed for p in parts), ()),
        attribute_values=sum((p.attribute_values for p in parts), ()),
        document_labels=sum((p.document_labels for p in parts), ()),
        scheme=any(p.scheme for p in parts),
        suggestions=any(p.suggestions for p in parts),
    )


# -- checking definitions -------------------------------------------------------------------------


def check_attribute(spec: AttributeSpec, others: Iterable[AttributeRecord]) -> AttributeSpec:
    """The spec with its name tidied, or EditError saying what is wrong with it."""
    name = " ".join(str(spec.name).split())
    if not name:
        raise EditError("An attribute needs a name.")
    problem = name_problem(name, "attribute name", LABEL_NAME_MAX)
    if problem is not None:
        raise EditError(_sentence(problem))
    try:
        kind = AttributeKind(spec.kind)
    except ValueError:
        raise EditError(f"{spec.kind!r} is not a kind of attribute.") from None
    choices = tuple(" ".join(str(c).split()) for c in spec.choices)
    if kind in (AttributeKind.CHOICE, AttributeKind.MULTI):
        if not choices:
            raise EditError(f"The attribute {name!r} needs at least one choice.")
        _check_choices(choices, spec.choice_keys, f"the attribute {name!r}")
    else:
        choices = ()
    keys = _clean_keys(spec.choice_keys, len(choices))
    default = spec.default
    problem = value_problem(kind, choices, default)
    if problem is not None:
        raise EditError(f"The default of {name!r}: {problem}.")
    default = normal_value(kind, choices, default)
    shortcut = _key(spec.shortcut, f"the attribute {name!r}")
    for other in others:
        if other.name.casefold() == name.casefold():
            raise EditError(f"This label already has an attribute called {other.name!r}.")
        if shortcut and other.shortcut == shortcut:
            raise EditError(f"The key {shortcut!r} already picks {other.name!r}.")
    problem = text_problem(spec.description, "attribute definition", DESCRIPTION_MAX)
    if problem is not None:
        raise EditError(_sentence(problem))
    return AttributeSpec(name, kind, choices, keys, default, spec.description.strip(), shortcut)


def check_relation_type(
    spec: RelationSpec, others: Iterable[RelationTypeRecord], labels: Sequence[LabelRecord]
) -> tuple[RelationSpec, tuple[int, ...], tuple[int, ...]]:
    """The tidied spec and the label ids of its two ends, or EditError."""
    name = " ".join(str(spec.name).split())
    if not name:
        raise EditError("A relation type needs a name.")
    problem = name_problem(name, "relation type name", LABEL_NAME_MAX)
    if problem is not None:
        raise EditError(_sentence(problem))
    if not isinstance(spec.colour, str) or not COLOUR_RE.match(spec.colour):
        raise EditError(f"{spec.colour!r} is not a colour like #1f77b4.")
    by_name = {label.name.casefold(): label for label in labels}
    ends: list[tuple[int, ...]] = []
    for names in (spec.sources, spec.targets):
        ids: list[int] = []
        for label_name in names:
            label = by_name.get(str(label_name).casefold())
            if label is None:
                raise EditError(
                    f"The relation type {name!r} names a label {label_name!r} "
                    "that is not in the codebook."
                )
            if label.id not in ids:
                ids.append(label.id)
        ends.append(tuple(ids))
    shortcut = _key(spec.shortcut, f"the relation type {name!r}")
    for other in others:
        if other.name.casefold() == name.casefold():
            raise EditError(f"There is already a relation type called {other.name!r}.")
        if shortcut and other.shortcut == shortcut:
            raise EditError(f"The key {shortcut!r} already picks {other.name!r}.")
    problem = text_problem(spec.description, "relation type definition", DESCRIPTION_MAX)
    if problem is not None:
        raise EditError(_sentence(problem))
    names_of = {label.id: label.name for label in labels}
    tidy = RelationSpec(
        name,
        spec.colour.lower(),
        spec.description.strip(),
        bool(spec.directed),
        tuple(names_of[i] for i in ends[0]),
        tuple(names_of[i] for i in ends[1]),
        shortcut,
    )
    return tidy, ends[0], ends[1]


def check_set(spec: DocLabelSpec, others: Iterable[DocLabelSetRecord]) -> DocLabelSpec:
    name = " ".join(str(spec.name).split())
    if not name:
        raise EditError("A set of document labels needs a name.")
    problem = name_problem(name, "document label set name", LABEL_NAME_MAX)
    if problem is not None:
        raise EditError(_sentence(problem))
    choices = tuple(" ".join(str(c).split()) for c in spec.choices)
    if not choices:
        raise EditError(f"The document labels {name!r} need at least one choice.")
    _check_choices(choices, spec.choice_keys, f"the document labels {name!r}")
    for other in others:
        if other.name.casefold() == name.casefold():
            raise EditError(f"There is already a set of document labels called {other.name!r}.")
    problem = text_problem(spec.description, "definition", DESCRIPTION_MAX)
    if problem is not None:
        raise EditError(_sentence(problem))
    keys = _clean_keys(spec.choice_keys, len(choices))
    return DocLabelSpec(name, bool(spec.multiple), choices, keys, spec.description.strip())


def _check_choices(choices: tuple[str, ...], keys: Sequence[str | None], what: str) -> None:
    seen: set[str] = set()
    for choice in choices:
        if not choice:
            raise EditError(f"A choice of {what} is empty.")
        problem = name_problem(choice, "choice", LABEL_NAME_MAX)
        if problem is not None:
            raise EditError(f"{what[:1].upper()}{what[1:]}: {problem}.")
        if choice in seen:
            raise EditError(f"{what[:1].upper()}{what[1:]} lists the choice {choice!r} twice.")
        seen.add(choice)
    if len(choices) > 200:
        raise EditError(f"{what[:1].upper()}{what[1:]} has more than 200 choices.")
    used: set[str] = set()
    for key in keys:
        key = _key(key, what)
        if key and key in used:
            raise EditError(f"{what[:1].upper()}{what[1:]} gives the key {key!r} to two choices.")
        if key:
            used.add(key)


def _clean_keys(keys: Sequence[str | None], count: int) -> tuple[str | None, ...]:
    cleaned = [k.strip().lower() if isinstance(k, str) and k.strip() else None for k in keys]
    return tuple((cleaned + [None] * count)[:count])


def _key(key: Any, what: str) -> str | None:
    if key is None or (isinstance(key, str) and not key.strip()):
        return None
    if not isinstance(key, str) or len(key.strip()) != 1 or not key.strip().isprintable():
        raise EditError(f"The key of {what} must be a single key such as s or 1.")
    return key.strip().lower()


def _sentence(problem: str) -> str:
    return problem[:1].upper() + problem[1:] + "."


# -- edits of values ------------------------------------------------------------------------------


class SetAttribute(Command):
    """Set one attribute on one or more annotations (None: back to the default)."""

    def __init__(
        self, annotations: Sequence[AnnotationRecord], attribute: AttributeRecord, value: Any
    ) -> None:
        self.annotations = list(annotations)
        self.attribute = attribute
        self.value = value
        self.description = f"Set {attribute.name}"
        self.before: dict[int, Any] = {}

    def apply(self, conn: Connection) -> Changes:
        ids = [a.id for a in self.annotations]
        found = conn.execute(
            select(annotation_table.c.id, annotation_table.c.label_id).where(
                annotation_table.c.id.in_(ids)
            )
        ).all()
        if len(found) != len(ids):
            raise EditError("That annotation no longer exists.")
        if any(label != self.attribute.label_id for _, label in found):
            raise EditError(f"{self.attribute.name!r} is not an attribute of this label.")
        self.before = {
            a: v
            for a, v in conn.execute(
                select(_v.c.annotation_id, _v.c.value).where(
                    _v.c.annotation_id.in_(ids), _v.c.attribute_id == self.attribute.id
                )
            )
        }
        return self._write(conn, {i: self.value for i in ids})

    def revert(self, conn: Connection) -> Changes:
        return self._write(conn, {a.id: self.before.get(a.id) for a in self.annotations})

    def _write(self, conn: Connection, values: dict[int, Any]) -> Changes:
        attribute = self.attribute.id
        conn.execute(
            delete(_v).where(_v.c.annotation_id.in_(list(values)), _v.c.attribute_id == attribute)
        )
        rows = [
            {"annotation_id": a, "attribute_id": attribute, "value": _json(v)}
            for a, v in values.items()
            if v is not None
        ]
        if rows:
            conn.execute(insert(_v), rows)
        documents = {a.id: a.document_id for a in self.annotations}
        return Changes(
            attribute_values=tuple(
                AttributeValue(a, documents[a], attribute, _stored_value(self.attribute.kind, v))
                for a, v in values.items()
            )
        )


class AddRelation(Command):
    def __init__(self, record: RelationRecord) -> None:
        self.record = record
        self.description = "Add relation"

    def apply(self, conn: Connection) -> Changes:
        values = _without_id(_relation_values(self.record), self.record.id)
        result = conn.execute(insert(_r).values(values).returning(_r.c.id))
        self.record = replace(self.record, id=int(result.scalar_one()))
        return Changes(relations_added=(self.record,))

    def revert(self, conn: Connection) -> Changes:
        conn.execute(delete(_r).where(_r.c.id == self.record.id))
        return Changes(relations_removed=(self.record,))


class DeleteRelations(Command):
    def __init__(self, ids: Iterable[int]) -> None:
        self.ids = list(ids)
        self.records: list[RelationRecord] = []
        self.description = "Delete relation" if len(self.ids) == 1 else "Delete relations"

    def apply(self, conn: Connection) -> Changes:
        self.records = [
            relation_record(row)
            for row in conn.execute(select(*RELATION_COLUMNS).where(_r.c.id.in_(self.ids)))
        ]
        result = conn.execute(delete(_r).where(_r.c.id.in_(self.ids)))
        if result.rowcount != len(self.records) or not self.records:
            raise EditError(
                "Nothing was deleted: this relation is not yours to delete, or it is gone."
            )
        return Changes(relations_removed=tuple(self.records))

    def revert(self, conn: Connection) -> Changes:
        conn.execute(insert(_r), [_relation_values(r) for r in self.records])
        return Changes(relations_added=tuple(self.records))


class SetDocumentLabels(Command):
    def __init__(
        self,
        document_id: int,
        annotator_id: int,
        label_set: DocLabelSetRecord,
        values: Sequence[str],
    ) -> None:
        self.key = (document_id, annotator_id)
        self.set = label_set
        self.values = list(values)
        self.before: list[str] = []
        self.description = f"Set {label_set.name}"

    def _where(self) -> Any:
        return (
            _dl.c.document_id == self.key[0],
            _dl.c.annotator_id == self.key[1],
            _dl.c.set_id == self.set.id,
        )

    def apply(self, conn: Connection) -> Changes:
        self.before = list(conn.execute(select(_dl.c.value).where(*self._where())).scalars())
        return self._write(conn, self.values)

    def revert(self, conn: Connection) -> Changes:
        return self._write(conn, self.before)

    def _write(self, conn: Connection, values: list[str]) -> Changes:
        conn.execute(delete(_dl).where(*self._where()))
        if values:
            conn.execute(
                insert(_dl),
                [
                    {
                        "document_id": self.key[0],
                        "annotator_id": self.key[1],
                        "set_id": self.set.id,
                        "value": v,
                    }
                    for v in values
                ],
            )
        return Changes(document_labels=(self.key,))


class Relabel(Command):
    """Change an annotation's label; values of the old label's attributes stay stored (undo and
    a change back find them) but no longer apply; relations the new label breaks go."""

    def __init__(self, annotation_id: int, label_id: int, breaks: Sequence[RelationRecord]) -> None:
        self.update = UpdateAnnotation(annotation_id, label_id=label_id)
        self.drop = DeleteRelations([r.id for r in breaks]) if breaks else None
        self.description = "Change annotation"

    def apply(self, conn: Connection) -> Changes:
        parts = [self.drop.apply(conn)] if self.drop else []
        return merge(*parts, self.update.apply(conn))

    def revert(self, conn: Connection) -> Changes:
        changes = self.update.revert(conn)
        return merge(changes, self.drop.revert(conn)) if self.drop else changes


# -- edits of definitions -------------------------------------------------------------------------


class AddAttribute(Command):
    def __init__(self, record: AttributeRecord) -> None:
        self.record = record
        self.description = f"Add attribute {record.name}"

    def apply(self, conn: Connection) -> Changes:
        values = _without_id(_attribute_values(self.record), self.record.id)
        result = conn.execute(insert(_a).values(values).returning(_a.c.id))
        self.record = replace(self.record, id=int(result.scalar_one()))
        return Changes(scheme=True)

    def revert(self, conn: Connection) -> Changes:
        conn.execute(delete(_a).where(_a.c.id == self.record.id))
        return Changes(scheme=True)


class UpdateAttribute(Command):
    """Change an attribute's definition. Stored values of a choice renamed follow it; values no
    longer valid (a choice removed, another kind) are removed; undo brings them back."""

    def __init__(self, record: AttributeRecord, renames: Mapping[str, str]) -> None:
        self.record = record
        self.renames = dict(renames)
        self.before: AttributeRecord | None = None
        self.values: list[dict[str, Any]] = []
        self.description = f"Change attribute {record.name}"

    def apply(self, conn: Connection) -> Changes:
        row = conn.execute(select(*ATTRIBUTE_COLUMNS).where(_a.c.id == self.record.id)).first()
        if row is None:
            raise EditError("That attribute no longer exists.")
        self.before = attribute_record(row)
        self.values = [
            {"annotation_id": a, "attribute_id": self.record.id, "value": v}
            for a, v in conn.execute(
                select(_v.c.annotation_id, _v.c.value).where(_v.c.attribute_id == self.record.id)
            )
        ]
        conn.execute(
            update(_a).where(_a.c.id == self.record.id).values(_attribute_values(self.record))
        )
        kind = AttributeKind(self.record.kind)
        kept: list[dict[str, Any]] = []
        for row_values in self.values:
            value = _stored_value(self.before.kind, row_values["value"])
            if kind is AttributeKind.MULTI and isinstance(value, tuple):
                value = tuple(self.renames.get(v, v) for v in value)
            elif isinstance(value, str):
                value = self.renames.get(value, value)
            if self.before.kind != self.record.kind or value_problem(
                kind, self.record.choices, value
            ):
                continue
            value = normal_value(kind, self.record.choices, value)
            kept.append({**row_values, "value": _json(value)})
        conn.execute(delete(_v).where(_v.c.attribute_id == self.record.id))
        if kept:
            conn.execute(insert(_v), kept)
        return Changes(scheme=True)

    def revert(self, conn: Connection) -> Changes:
        assert self.before is not None
        conn.execute(
            update(_a).where(_a.c.id == self.record.id).values(_attribute_values(self.before))
        )
        conn.execute(delete(_v).where(_v.c.attribute_id == self.record.id))
        if self.values:
            conn.execute(insert(_v), self.values)
        return Changes(scheme=True)


class DeleteAttribute(Command):
    def __init__(self, attribute_id: int) -> None:
        self.id = attribute_id
        self.kept = Dependents()
        self.description = "Delete attribute"

    def apply(self, conn: Connection) -> Changes:
        self.kept = Dependents()
        row = conn.execute(select(*ATTRIBUTE_COLUMNS).where(_a.c.id == self.id)).first()
        if row is None:
            raise EditError("That attribute no longer exists.")
        self.kept.attributes = [attribute_record(row)]
        self.kept.values = [
            {"annotation_id": a, "attribute_id": self.id, "value": v}
            for a, v in conn.execute(
                select(_v.c.annotation_id, _v.c.value).where(_v.c.attribute_id == self.id)
            )
        ]
        if conn.execute(delete(_a).where(_a.c.id == self.id)).rowcount != 1:
            raise EditError("The attribute was not deleted: other people's work uses it.")
        return Changes(scheme=True)

    def revert(self, conn: Connection) -> Changes:
        self.kept.restore(conn)
        return Changes(scheme=True)


class AddRelationType(Command):
    def __init__(self, record: RelationTypeRecord) -> None:
        self.record = record
        self.description = f"Add relation type {record.name}"

    def apply(self, conn: Connection) -> Changes:
        values = _without_id(_type_values(self.record), self.record.id)
        result = conn.execute(insert(_rt).values(values).returning(_rt.c.id))
        self.record = replace(self.record, id=int(result.scalar_one()))
        return Changes(scheme=True)

    def revert(self, conn: Connection) -> Changes:
        conn.execute(delete(_rt).where(_rt.c.id == self.record.id))
        return Changes(scheme=True)


class UpdateRelationType(Command):
    """Change a relation type; relations whose ends it no longer allows are removed (undoably)."""

    def __init__(self, record: RelationTypeRecord) -> None:
        self.record = record
        self.before: RelationTypeRecord | None = None
        self.dropped: list[RelationRecord] = []
        self.description = f"Change relation type {record.name}"

    def apply(self, conn: Connection) -> Changes:
        row = conn.execute(select(*RELATION_TYPE_COLUMNS).where(_rt.c.id == self.record.id)).first()
        if row is None:
            raise EditError("That relation type no longer exists.")
        self.before = relation_type_record(row)
        conn.execute(
            update(_rt).where(_rt.c.id == self.record.id).values(_type_values(self.record))
        )
        self.dropped = [
            r for r in _relations_of_type(conn, self.record.id) if not _fits(conn, r, self.record)
        ]
        if self.dropped:
            conn.execute(delete(_r).where(_r.c.id.in_([r.id for r in self.dropped])))
        return Changes(scheme=True, relations_removed=tuple(self.dropped))

    def revert(self, conn: Connection) -> Changes:
        assert self.before is not None
        conn.execute(
            update(_rt).where(_rt.c.id == self.record.id).values(_type_values(self.before))
        )
        if self.dropped:
            conn.execute(insert(_r), [_relation_values(r) for r in self.dropped])
        return Changes(scheme=True, relations_added=tuple(self.dropped))


def _relations_of_type(conn: Connection, type_id: int) -> list[RelationRecord]:
    return [
        relation_record(row)
        for row in conn.execute(select(*RELATION_COLUMNS).where(_r.c.type_id == type_id))
    ]


def _fits(conn: Connection, relation: RelationRecord, record: RelationTypeRecord) -> bool:
    labels = dict(
        conn.execute(
            select(annotation_table.c.id, annotation_table.c.label_id).where(
                annotation_table.c.id.in_([relation.source_id, relation.target_id])
            )
        ).all()
    )
    return record.allows(labels.get(relation.source_id, -1), labels.get(relation.target_id, -1))


class DeleteRelationType(Command):
    def __init__(self, type_id: int) -> None:
        self.id = type_id
        self.kept = Dependents()
        self.description = "Delete relation type"

    def apply(self, conn: Connection) -> Changes:
        self.kept = Dependents()
        row = conn.execute(select(*RELATION_TYPE_COLUMNS).where(_rt.c.id == self.id)).first()
        if row is None:
            raise EditError("That relation type no longer exists.")
        self.kept.types = [relation_type_record(row)]
        self.kept.relations = _relations_of_type(conn, self.id)
        if conn.execute(delete(_rt).where(_rt.c.id == self.id)).rowcount != 1:
            raise EditError("The relation type was not deleted: other people's work uses it.")
        return Changes(scheme=True, relations_removed=tuple(self.kept.relations))

    def revert(self, conn: Connection) -> Changes:
        self.kept.restore(conn)
        return Changes(scheme=True, relations_added=tuple(self.kept.relations))


class AddDocLabelSet(Command):
    def __init__(self, record: DocLabelSetRecord) -> None:
        self.record = record
        self.description = f"Add document labels {record.name}"

    def apply(self, conn: Connection) -> Changes:
        values = _without_id(_set_values(self.record), self.record.id)
        result = conn.execute(insert(_ds).values(values).returning(_ds.c.id))
        self.record = replace(self.record, id=int(result.scalar_one()))
        return Changes(scheme=True)

    def revert(self, conn: Connection) -> Changes:
        conn.execute(delete(_ds).where(_ds.c.id == self.record.id))
        return Changes(scheme=True)


class UpdateDocLabelSet(Command):
    """Change a set; labels of a choice renamed follow it, labels of a choice removed go (and,
    when a set becomes single choice, all but the first of a document's)."""

    def __init__(self, record: DocLabelSetRecord, renames: Mapping[str, str]) -> None:
        self.record = record
        self.renames = dict(renames)
        self.before: DocLabelSetRecord | None = None
        self.labels: list[DocumentLabelRecord] = []
        self.description = f"Change document labels {record.name}"

    def apply(self, conn: Connection) -> Changes:
        row = conn.execute(select(*SET_COLUMNS).where(_ds.c.id == self.record.id)).first()
        if row is None:
            raise EditError("That set of document labels no longer exists.")
        self.before = set_record(row)
        self.labels = _labels_of_set(conn, self.record.id)
        conn.execute(update(_ds).where(_ds.c.id == self.record.id).values(_set_values(self.record)))
        conn.execute(delete(_dl).where(_dl.c.set_id == self.record.id))
        kept: dict[tuple[int, int], list[str]] = {}
        for label in self.labels:
            value = self.renames.get(label.value, label.value)
            chosen = kept.setdefault((label.document_id, label.annotator_id), [])
            fits = value in self.record.choices and value not in chosen
            if fits and (self.record.multiple or not chosen):
                chosen.append(value)
        rows = [
            {"document_id": d, "annotator_id": a, "set_id": self.record.id, "value": v}
            for (d, a), values in kept.items()
            for v in values
        ]
        if rows:
            conn.execute(insert(_dl), rows)
        return Changes(scheme=True, document_labels=tuple(kept))

    def revert(self, conn: Connection) -> Changes:
        assert self.before is not None
        conn.execute(update(_ds).where(_ds.c.id == self.record.id).values(_set_values(self.before)))
        conn.execute(delete(_dl).where(_dl.c.set_id == self.record.id))
        restore = Dependents(document_labels=self.labels)
        restore.restore(conn)
        keys = tuple({(d.document_id, d.annotator_id) for d in self.labels})
        return Changes(scheme=True, document_labels=keys)


def _labels_of_set(conn: Connection, set_id: int) -> list[DocumentLabelRecord]:
    query = select(_dl.c.document_id, _dl.c.annotator_id, _dl.c.set_id, _dl.c.value).where(
        _dl.c.set_id == set_id
    )
    return [DocumentLabelRecord(*row) for row in conn.execute(query)]


class DeleteDocLabelSet(Command):
    def __init__(self, set_id: int) -> None:
        self.id = set_id
        self.kept = Dependents()
        self.description = "Delete document labels"

    def apply(self, conn: Connection) -> Changes:
        self.kept = Dependents()
        row = conn.execute(select(*SET_COLUMNS).where(_ds.c.id == self.id)).first()
        if row is None:
            raise EditError("That set of document labels no longer exists.")
        self.kept.sets = [set_record(row)]
        self.kept.document_labels = _labels_of_set(conn, self.id)
        if conn.execute(delete(_ds).where(_ds.c.id == self.id)).rowcount != 1:
            raise EditError("The document labels were not deleted: other people's work uses them.")
        keys = tuple({(d.document_id, d.annotator_id) for d in self.kept.document_labels})
        return Changes(scheme=True, document_labels=keys)

    def revert(self, conn: Connection) -> Changes:
        self.kept.restore(conn)
        keys = tuple({(d.document_id, d.annotator_id) for d in self.kept.document_labels})
        return Changes(scheme=True, document_labels=keys)


class AddScheme(Command):
    """A codebook's attributes, relation types and document label sets, by names, in one step;
    names already defined are skipped, keys already taken are left off."""

    def __init__(self, scheme: Scheme) -> None:
        self.scheme = scheme
        self.added: list[Any] = []
        self.description = "Add codebook"

    def apply(self, conn: Connection) -> Changes:
        if self.added:  # redo: the very same rows
            for command in self.added:
                command.apply(conn)
            return Changes(scheme=True)
        labels = [label_record(row) for row in conn.execute(select(*LABEL_COLUMNS))]
        current = read_scheme(conn)
        by_name = {label.name.casefold(): label for label in labels}
        attributes = list(current.attributes)
        for label_name, specs in self.scheme.attributes.items():
            label = by_name.get(label_name.casefold())
            if label is None:
                continue
            for spec in specs:
                mine = [a for a in attributes if a.label_id == label.id]
                if any(a.name.casefold() == spec.name.casefold() for a in mine):
                    continue
                if spec.shortcut and any(a.shortcut == spec.shortcut for a in mine):
                    spec = replace(spec, shortcut=None)
                spec = check_attribute(spec, mine)
                position = max((a.position for a in mine), default=-1) + 1
                command = AddAttribute(record_of_attribute(0, label.id, spec, position))
                command.apply(conn)
                self.added.append(command)
                attributes.append(command.record)
        types = list(current.relation_types)
        for relation in self.scheme.relations:
            if any(t.name.casefold() == relation.name.casefold() for t in types):
                continue
            if relation.shortcut and any(t.shortcut == relation.shortcut for t in types):
                relation = replace(relation, shortcut=None)
            known = tuple(n for n in relation.sources if n.casefold() in by_name)
            targets = tuple(n for n in relation.targets if n.casefold() in by_name)
            relation = replace(relation, sources=known, targets=targets)
            tidy, sources, target_ids = check_relation_type(relation, types, labels)
            position = max((t.position for t in types), default=-1) + 1
            command_t = AddRelationType(
                RelationTypeRecord(
                    0,
                    tidy.name,
                    tidy.colour,
                    tidy.description,
                    tidy.directed,
                    sources,
                    target_ids,
                    tidy.shortcut,
                    position,
                )
            )
            command_t.apply(conn)
            self.added.append(command_t)
            types.append(command_t.record)
        sets = list(current.doc_label_sets)
        for label_set in self.scheme.doc_labels:
            if any(s.name.casefold() == label_set.name.casefold() for s in sets):
                continue
            spec_s = check_set(label_set, sets)
            position = max((s.position for s in sets), default=-1) + 1
            command_s = AddDocLabelSet(
                DocLabelSetRecord(
                    0,
                    spec_s.name,
                    spec_s.multiple,
                    spec_s.choices,
                    spec_s.choice_keys,
                    spec_s.description,
                    position,
                )
            )
            command_s.apply(conn)
            self.added.append(command_s)
            sets.append(command_s.record)
        return Changes(scheme=True)

    def revert(self, conn: Connection) -> Changes:
        for command in reversed(self.added):
            command.revert(conn)
        return Changes(scheme=True)


def record_of_attribute(
    attribute_id: int, label_id: int, spec: AttributeSpec, position: int
) -> AttributeRecord:
    return AttributeRecord(
        attribute_id,
        label_id,
        spec.name,
        AttributeKind(spec.kind).value,
        spec.choices,
        spec.choice_keys,
        spec.default,
        spec.description,
        spec.shortcut,
        position,
    )


class Composite(Command):
    """Several commands as one undoable step."""

    def __init__(self, parts: Sequence[Command], description: str) -> None:
        self.parts = list(parts)
        self.description = description

    def apply(self, conn: Connection) -> Changes:
        return merge(*(part.apply(conn) for part in self.parts))

    def revert(self, conn: Connection) -> Changes:
        return merge(*(part.revert(conn) for part in reversed(self.parts)))
