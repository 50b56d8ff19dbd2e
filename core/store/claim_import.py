"""The attributes, relations and document labels of a dataset import, added in the same undoable
step as its spans (after them: the spans a relation links may be new).

The importer plans by keys the file gives (document, annotator, label, start, end); this command
finds the annotation ids in the transaction, adds what the project lacks and notes what it left
out. Undo removes exactly what it added; redo puts back the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from claimdesk.core.records import Changes, RelationRecord
from claimdesk.core.scheme import AttributeKind, Scheme, normal_value, value_problem
from claimdesk.core.store.claims import (
    AddRelation,
    AddScheme,
    read_scheme,
)
from claimdesk.core.store.edits import Command, ImportAnnotations
from claimdesk.core.store.tables import (
    annotation_attribute_table,
    annotation_table,
    annotator_table,
    document_label_table,
    label_table,
)

# (document: ("id", n) or ("index", n), annotator name, label name, start, end)
SpanKey = tuple[tuple[str, int], str, str, int, int]


@dataclass
class ClaimPlan:
    """What an import brings beyond its spans, by the file's keys."""

    scheme: Scheme = field(default_factory=Scheme)
    values: list[tuple[SpanKey, str, Any]] = field(default_factory=list)  # span, attribute, value
    relations: list[tuple[str, SpanKey, SpanKey, str]] = field(default_factory=list)  # +where
    doc_labels: list[tuple[tuple[str, int], str, str, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.scheme.empty and not (self.values or self.relations or self.doc_labels)


class ImportClaims(Command):
    def __init__(self, spans: ImportAnnotations, plan: ClaimPlan) -> None:
        self.spans = spans
        self.plan = plan
        self.description = spans.description
        self.scheme = AddScheme(plan.scheme)
        self.values: list[dict[str, Any]] = []
        self.relations: list[RelationRecord] = []
        self.labels: list[dict[str, Any]] = []
        self.left_out: list[str] = []
        self.counts = {"values": 0, "relations": 0, "doc_labels": 0}
        self._applied = False

    def _document(self, ref: tuple[str, int]) -> int:
        kind, number = ref
        return number if kind == "id" else int(self.spans.documents[number]["id"])

    def apply(self, conn: Connection) -> Changes:
        if self._applied:
            self.scheme.apply(conn)
            return self._insert(conn)
        self._applied = True
        self.scheme.apply(conn)
        scheme = read_scheme(conn)
        labels = {
            n.casefold(): i for i, n in conn.execute(select(label_table.c.id, label_table.c.name))
        }
        people = dict(
            (n, i) for i, n in conn.execute(select(annotator_table.c.id, annotator_table.c.name))
        )
        documents = {self._document(key[0]) for key, *_ in self.plan.values}
        documents |= {self._document(key[0]) for _, key, _, _ in self.plan.relations}
        a = annotation_table
        ids: dict[tuple[int, int, int, int, int], tuple[int, int]] = {}
        if documents:
            for row in conn.execute(
                select(
                    a.c.id, a.c.document_id, a.c.annotator_id, a.c.label_id, a.c.start, a.c.end
                ).where(a.c.document_id.in_(sorted(documents)))
            ):
                ids[(row[1], row[2], row[3], row[4], row[5])] = (row[0], row[3])

        def annotation(key: SpanKey) -> tuple[int, int] | None:
            document, who, label, start, end = key
            found = (
                self._document(document),
                people.get(who, -1),
                labels.get(label.casefold(), -1),
                start,
                end,
            )
            return ids.get(found)

        attributes = {(x.label_id, x.name.casefold()): x for x in scheme.attributes}
        v = annotation_attribute_table
        have: set[tuple[int, int]] = set()
        targets = [found[0] for key, _, _ in self.plan.values if (found := annotation(key))]
        for start in range(0, len(targets), 5000):
            chunk = targets[start : start + 5000]
            rows = conn.execute(
                select(v.c.annotation_id, v.c.attribute_id).where(v.c.annotation_id.in_(chunk))
            )
            have |= {(int(x), int(y)) for x, y in rows}
        wrong: dict[str, int] = {}
        for key, name, value in self.plan.values:
            found = annotation(key)
            if found is None:
                continue
            attribute = attributes.get((found[1], name.casefold()))
            if attribute is None:
                wrong[f"attribute {name!r} that the span's label does not have"] = (
                    wrong.get(f"attribute {name!r} that the span's label does not have", 0) + 1
                )
                continue
            kind = AttributeKind(attribute.kind)
            if isinstance(value, list):
                value = tuple(value)
            if kind is AttributeKind.NUMBER and isinstance(value, str):
                value = _number(value)
            if kind is AttributeKind.BOOL and isinstance(value, str):
                value = {"true": True, "false": False, "yes": True, "no": False}.get(
                    value.strip().lower(), value
                )
            if value_problem(kind, attribute.choices, value) is not None:
                what = f"value of {attribute.name!r} that is not one of its choices or kind"
                wrong[what] = wrong.get(what, 0) + 1
                continue
            if (found[0], attribute.id) in have:
                continue
            have.add((found[0], attribute.id))
            stored = normal_value(kind, attribute.choices, value)
            if stored == attribute.default:
                # Exports write defaults out as values: reading one back stores nothing, so the
                # span keeps following its attribute's default.
                continue
            self.values.append(
                {
                    "annotation_id": found[0],
                    "attribute_id": attribute.id,
                    "value": list(stored) if isinstance(stored, tuple) else stored,
                }
            )
        types = {t.name.casefold(): t for t in scheme.relation_types}
        existing: set[tuple[int, int, int]] = set()
        from claimdesk.core.store.tables import relation_table as r

        if documents:
            existing = {
                (t, s, e)
                for t, s, e in conn.execute(
                    select(r.c.type_id, r.c.source_id, r.c.target_id).where(
                        r.c.document_id.in_(sorted(documents))
                    )
                )
            }
        for name, source_key, target_key, _where in self.plan.relations:
            kind_t = types.get(name.casefold())
            source, target = annotation(source_key), annotation(target_key)
            if kind_t is None or source is None or target is None:
                what = f"relation {name!r} whose ends were not imported"
                wrong[what] = wrong.get(what, 0) + 1
                continue
            if source_key[1] != target_key[1] or source[0] == target[0]:
                what = f"relation {name!r} between two annotators' spans (or a span and itself)"
                wrong[what] = wrong.get(what, 0) + 1
                continue
            if not kind_t.allows(source[1], target[1]):
                what = f"relation {name!r} between labels its type does not allow"
                wrong[what] = wrong.get(what, 0) + 1
                continue
            triple = (kind_t.id, source[0], target[0])
            mirrored = (kind_t.id, target[0], source[0])
            if triple in existing or (not kind_t.directed and mirrored in existing):
                continue
            existing.add(triple)
            self.relations.append(
                RelationRecord(
                    0,
                    self._document(source_key[0]),
                    people[source_key[1]],
                    kind_t.id,
                    source[0],
                    target[0],
                )
            )
        sets = {s.name.casefold(): s for s in scheme.doc_label_sets}
        dl = document_label_table
        chosen: dict[tuple[int, int, int], list[str]] = {}
        for document, who, set_name, value in self.plan.doc_labels:
            label_set = sets.get(set_name.casefold())
            person = people.get(who)
            if label_set is None or person is None or value not in label_set.choices:
                what = f"document label {value!r} of {set_name!r} that its set does not have"
                wrong[what] = wrong.get(what, 0) + 1
                continue
            key3 = (self._document(document), person, label_set.id)
            if key3 not in chosen:
                chosen[key3] = list(
                    conn.execute(
                        select(dl.c.value).where(
                            dl.c.document_id == key3[0],
                            dl.c.annotator_id == key3[1],
                            dl.c.set_id == key3[2],
                        )
                    ).scalars()
                )
            values = chosen[key3]
            if value in values:
                continue
            if values and not label_set.multiple:
                what = f"second label of {label_set.name!r} (one per document)"
                wrong[what] = wrong.get(what, 0) + 1
                continue
            values.append(value)
            self.labels.append(
                {"document_id": key3[0], "annotator_id": key3[1], "set_id": key3[2], "value": value}
            )
        self.left_out = [f"{count} {what}" for what, count in wrong.items()]
        return self._insert(conn)

    def _insert(self, conn: Connection) -> Changes:
        if self.values:
            conn.execute(insert(annotation_attribute_table), self.values)
        added: list[RelationRecord] = []
        for record in self.relations:
            command = AddRelation(record)
            command.apply(conn)
            added.append(command.record)
        self.relations = added
        if self.labels:
            conn.execute(insert(document_label_table), self.labels)
        self.counts = {
            "values": len(self.values),
            "relations": len(self.relations),
            "doc_labels": len(self.labels),
        }
        return Changes(
            relations_added=tuple(self.relations),
            document_labels=tuple({(d["document_id"], d["annotator_id"]) for d in self.labels}),
            scheme=bool(self.scheme.added),
        )

    def revert(self, conn: Connection) -> Changes:
        r_ids = [r.id for r in self.relations]
        from claimdesk.core.store.tables import relation_table as r

        if r_ids:
            conn.execute(delete(r).where(r.c.id.in_(r_ids)))
        v = annotation_attribute_table
        for row in self.values:
            conn.execute(
                delete(v).where(
                    v.c.annotation_id == row["annotation_id"],
                    v.c.attribute_id == row["attribute_id"],
                )
            )
        dl = document_label_table
        for row in self.labels:
            conn.execute(
                delete(dl).where(
                    dl.c.document_id == row["document_id"],
                    dl.c.annotator_id == row["annotator_id"],
                    dl.c.set_id == row["set_id"],
                    dl.c.value == row["value"],
                )
            )
        self.scheme.revert(conn)
        return Changes(
            relations_removed=tuple(self.relations),
            document_labels=tuple({(d["document_id"], d["annotator_id"]) for d in self.labels}),
            scheme=bool(self.scheme.added),
        )


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text
