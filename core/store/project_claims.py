"""The project's methods for attributes, relations and document labels (a part of ``Project``).

Every edit is checked here first (a sentence for what is wrong), then runs as one undoable
command (core/store/claims.py) in its own transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, or_, select

from claimdesk.core.errors import EditError
from claimdesk.core.records import (
    AnnotationRecord,
    AttributeRecord,
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
from claimdesk.core.store import claims
from claimdesk.core.store.tables import relation_table

if TYPE_CHECKING:
    from claimdesk.core.store.edits import Command


class ClaimsPart:
    """Mixed into Project: reads and edits of attributes, relations and document labels."""

    if TYPE_CHECKING:

        def _connect(self) -> AbstractContextManager[Connection]: ...
        def apply(self, command: Command) -> Changes: ...
        def labels(self) -> list[LabelRecord]: ...
        def annotations_by_id(
            self, annotation_ids: Sequence[int]
        ) -> dict[int, AnnotationRecord]: ...

    # -- reads ----------------------------------------------------------------------------------

    def scheme(self) -> SchemeRecords:
        """Attributes, relation types and document label sets, in codebook order."""
        with self._connect() as conn:
            return claims.read_scheme(conn)

    def scheme_by_name(self) -> Scheme:
        """The same with label names instead of ids (codebook files, exports, exercises)."""
        return claims.scheme_by_name(self.scheme(), self.labels())

    def attribute_values(
        self, document_id: int, annotator_id: int | None
    ) -> dict[int, dict[int, Any]]:
        """annotation id -> attribute id -> value: the values set in one document (all
        annotators' when ``annotator_id`` is None); an attribute not set reads as its default
        (``claims.effective_attributes``)."""
        with self._connect() as conn:
            return claims.read_attribute_values(conn, document_id, annotator_id)

    def relations(self, document_id: int, annotator_id: int | None) -> list[RelationRecord]:
        with self._connect() as conn:
            return claims.read_relations(conn, document_id, annotator_id)

    def document_labels(
        self, document_id: int, annotator_id: int | None
    ) -> list[DocumentLabelRecord]:
        with self._connect() as conn:
            return claims.read_document_labels(conn, document_id, annotator_id)

    def relabel_conflicts(self, annotation_id: int, label_id: int) -> list[RelationRecord]:
        """The relations that filing this annotation under ``label_id`` would break (their type
        does not allow that label at this end); changing the label removes them."""
        r = relation_table
        with self._connect() as conn:
            rows = conn.execute(
                select(*claims.RELATION_COLUMNS).where(
                    or_(r.c.source_id == annotation_id, r.c.target_id == annotation_id)
                )
            ).all()
            relations = [claims.relation_record(row) for row in rows]
            types = {t.id: t for t in claims.read_scheme(conn).relation_types}
        if not relations:
            return []
        ends = self.annotations_by_id(
            [i for rel in relations for i in (rel.source_id, rel.target_id)]
        )
        broken: list[RelationRecord] = []
        for relation in relations:
            kind = types.get(relation.type_id)
            if kind is None:
                continue
            source = ends.get(relation.source_id)
            target = ends.get(relation.target_id)
            if source is None or target is None:
                continue
            source_label = label_id if source.id == annotation_id else source.label_id
            target_label = label_id if target.id == annotation_id else target.label_id
            if not kind.allows(source_label, target_label):
                broken.append(relation)
        return broken

    # -- edits of values ------------------------------------------------------------------------

    def set_attribute(
        self, annotation_ids: Iterable[int], attribute_id: int, value: Any
    ) -> Changes:
        """Set one attribute of one or more annotations; None puts the default back."""
        ids = list(dict.fromkeys(annotation_ids))
        if not ids:
            raise EditError("Select an annotation first.")
        attribute = next((a for a in self.scheme().attributes if a.id == attribute_id), None)
        if attribute is None:
            raise EditError("That attribute no longer exists.")
        kind = AttributeKind(attribute.kind)
        if isinstance(value, list):
            value = tuple(value)
        problem = value_problem(kind, attribute.choices, value)
        if problem is not None:
            raise EditError(f"{attribute.name}: {problem}.")
        if kind is AttributeKind.TEXT and isinstance(value, str):
            claims_text_check(value, attribute.name)
        value = normal_value(kind, attribute.choices, value)
        found = self.annotations_by_id(ids)
        if len(found) != len(ids):
            raise EditError("That annotation no longer exists.")
        wrong = [a for a in found.values() if a.label_id != attribute.label_id]
        if wrong:
            raise EditError(f"{attribute.name!r} is not an attribute of this annotation's label.")
        return self.apply(claims.SetAttribute([found[i] for i in ids], attribute, value))

    def add_relation(self, type_id: int, source_id: int, target_id: int) -> Changes:
        """Link two annotations of one annotator in one document by a relation type."""
        if source_id == target_id:
            raise EditError("A relation links two different annotations.")
        kind = next((t for t in self.scheme().relation_types if t.id == type_id), None)
        if kind is None:
            raise EditError("That relation type no longer exists.")
        ends = self.annotations_by_id([source_id, target_id])
        source, target = ends.get(source_id), ends.get(target_id)
        if source is None or target is None:
            raise EditError("One end of the relation no longer exists.")
        if source.document_id != target.document_id:
            raise EditError("A relation links two annotations of the same document.")
        if source.annotator_id != target.annotator_id:
            raise EditError("A relation links two annotations of the same annotator.")
        if not kind.allows(source.label_id, target.label_id):
            names = {label.id: label.name for label in self.labels()}
            raise EditError(
                f"{kind.name!r} does not link {names.get(source.label_id, '?')!r} to "
                f"{names.get(target.label_id, '?')!r}."
            )
        for existing in self.relations(source.document_id, source.annotator_id):
            if existing.type_id != type_id:
                continue
            same = (existing.source_id, existing.target_id) == (source_id, target_id)
            mirrored = (existing.source_id, existing.target_id) == (target_id, source_id)
            if same or (mirrored and not kind.directed):
                raise EditError(f"These two annotations are already linked by {kind.name!r}.")
        record = RelationRecord(
            0, source.document_id, source.annotator_id, type_id, source_id, target_id
        )
        return self.apply(claims.AddRelation(record))

    def delete_relations(self, relation_ids: Iterable[int]) -> Changes:
        ids = list(dict.fromkeys(relation_ids))
        if not ids:
            raise EditError("Select a relation first.")
        return self.apply(claims.DeleteRelations(ids))

    def set_document_labels(
        self, document_id: int, annotator_id: int, set_id: int, values: Sequence[str]
    ) -> Changes:
        """One annotator's labels of one document from one set (replacing those there)."""
        label_set = next((s for s in self.scheme().doc_label_sets if s.id == set_id), None)
        if label_set is None:
            raise EditError("That set of document labels no longer exists.")
        chosen = list(dict.fromkeys(values))
        wrong = [v for v in chosen if v not in label_set.choices]
        if wrong:
            raise EditError(f"{wrong[0]!r} is not one of the labels of {label_set.name!r}.")
        if len(chosen) > 1 and not label_set.multiple:
            raise EditError(f"{label_set.name!r} takes one label per document.")
        chosen.sort(key=label_set.choices.index)
        return self.apply(claims.SetDocumentLabels(document_id, annotator_id, label_set, chosen))

    # -- edits of definitions -------------------------------------------------------------------

    def add_attribute(self, label_id: int, spec: AttributeSpec) -> tuple[AttributeRecord, Changes]:
        if not any(label.id == label_id for label in self.labels()):
            raise EditError("That label no longer exists.")
        mine = self.scheme().attributes_of(label_id)
        spec = claims.check_attribute(spec, mine)
        position = max((a.position for a in mine), default=-1) + 1
        command = claims.AddAttribute(claims.record_of_attribute(0, label_id, spec, position))
        changes = self.apply(command)
        return command.record, changes

    def update_attribute(
        self, attribute_id: int, spec: AttributeSpec, renames: Mapping[str, str] | None = None
    ) -> Changes:
        """Change an attribute's definition; ``renames`` (old choice -> new) carries stored
        values along; values that no longer fit are removed (undo brings them back)."""
        attributes = self.scheme().attributes
        current = next((a for a in attributes if a.id == attribute_id), None)
        if current is None:
            raise EditError("That attribute no longer exists.")
        others = [a for a in attributes if a.label_id == current.label_id and a.id != current.id]
        spec = claims.check_attribute(spec, others)
        record = claims.record_of_attribute(attribute_id, current.label_id, spec, current.position)
        return self.apply(claims.UpdateAttribute(record, renames or {}))

    def delete_attribute(self, attribute_id: int) -> Changes:
        return self.apply(claims.DeleteAttribute(attribute_id))

    def add_relation_type(self, spec: RelationSpec) -> tuple[RelationTypeRecord, Changes]:
        types = self.scheme().relation_types
        tidy, sources, targets = claims.check_relation_type(spec, types, self.labels())
        position = max((t.position for t in types), default=-1) + 1
        record = RelationTypeRecord(
            0,
            tidy.name,
            tidy.colour,
            tidy.description,
            tidy.directed,
            sources,
            targets,
            tidy.shortcut,
            position,
        )
        command = claims.AddRelationType(record)
        changes = self.apply(command)
        return command.record, changes

    def update_relation_type(self, type_id: int, spec: RelationSpec) -> Changes:
        """Change a relation type; relations whose ends it no longer allows are removed."""
        types = self.scheme().relation_types
        current = next((t for t in types if t.id == type_id), None)
        if current is None:
            raise EditError("That relation type no longer exists.")
        others = [t for t in types if t.id != type_id]
        tidy, sources, targets = claims.check_relation_type(spec, others, self.labels())
        record = RelationTypeRecord(
            type_id,
            tidy.name,
            tidy.colour,
            tidy.description,
            tidy.directed,
            sources,
            targets,
            tidy.shortcut,
            current.position,
        )
        return self.apply(claims.UpdateRelationType(record))

    def delete_relation_type(self, type_id: int) -> Changes:
        return self.apply(claims.DeleteRelationType(type_id))

    def add_doc_label_set(self, spec: DocLabelSpec) -> tuple[DocLabelSetRecord, Changes]:
        sets = self.scheme().doc_label_sets
        tidy = claims.check_set(spec, sets)
        position = max((s.position for s in sets), default=-1) + 1
        record = DocLabelSetRecord(
            0, tidy.name, tidy.multiple, tidy.choices, tidy.choice_keys, tidy.description, position
        )
        command = claims.AddDocLabelSet(record)
        changes = self.apply(command)
        return command.record, changes

    def update_doc_label_set(
        self, set_id: int, spec: DocLabelSpec, renames: Mapping[str, str] | None = None
    ) -> Changes:
        sets = self.scheme().doc_label_sets
        current = next((s for s in sets if s.id == set_id), None)
        if current is None:
            raise EditError("That set of document labels no longer exists.")
        tidy = claims.check_set(spec, [s for s in sets if s.id != set_id])
        record = DocLabelSetRecord(
            set_id,
            tidy.name,
            tidy.multiple,
            tidy.choices,
            tidy.choice_keys,
            tidy.description,
            current.position,
        )
        return self.apply(claims.UpdateDocLabelSet(record, renames or {}))

    def delete_doc_label_set(self, set_id: int) -> Changes:
        return self.apply(claims.DeleteDocLabelSet(set_id))


def claims_text_check(value: str, name: str) -> None:
    from claimdesk.core.limits import NOTE_MAX, text_problem

    problem = text_problem(value, f"value of {name}", NOTE_MAX)
    if problem is not None:
        raise EditError(problem[:1].upper() + problem[1:] + ".")
