"""The gold set in the store: the one flagged annotator, its name, and curation's undoable commands.

The gold set is the annotator row with ``is_gold`` set (a partial unique index allows one). It is
found by that flag, never by its name, so a person may be called Gold. Its name is "Gold" unless
a person holds that name; then it is "Gold (curated)" (or "Gold (curated 2)", …), so every list,
export and report still tells the two apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, count
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, false, insert, select, true, update
from sqlalchemy.exc import IntegrityError

from claimdesk.core.errors import EditConflict, EditError
from claimdesk.core.limits import first_free_name
from claimdesk.core.records import (
    AnnotationRecord,
    AnnotatorRecord,
    AttributeRecord,
    Changes,
    RelationRecord,
)
from claimdesk.core.store.claims import AddRelation, SetAttribute, merge
from claimdesk.core.store.edits import AddAnnotation, Command, DeleteAnnotations
from claimdesk.core.store.tables import annotation_table, annotator_table, utcnow

if TYPE_CHECKING:
    from claimdesk.core.store.project import Project


GOLD_SET_NAME = "Gold"


def gold_set(project: Project) -> AnnotatorRecord | None:
    """The gold set's annotator, or None while nothing has been curated in this project."""
    with project.reading() as conn:
        return _find_gold(conn)


def ensure_gold_set(project: Project) -> AnnotatorRecord:
    """The gold set's annotator, created on first use (not an undoable edit, like any annotator)."""
    for _attempt in range(3):
        found = gold_set(project)
        if found is not None:
            return found
        try:
            with project.writing() as conn:
                name = _free_name(conn, avoid=())
                conn.execute(
                    insert(annotator_table).values(name=name, is_gold=True, created_at=utcnow())
                )
        except IntegrityError:
            # Another process made the gold set, or took that name, meanwhile: look again.
            continue
    found = gold_set(project)
    if found is None:
        raise EditError("The gold set could not be created; try again.")
    return found


def make_room_for_person(conn: Connection, name: str) -> None:
    """Before a person called ``name`` is added: if the gold set holds that name, rename it.

    Names stay unique, so a person called Gold gets their own row and the gold set becomes
    "Gold (curated)". Runs in the caller's transaction (store modules only).
    """
    gold = _find_gold(conn)
    if gold is not None and gold.name == name:
        conn.execute(
            update(annotator_table)
            .where(annotator_table.c.id == gold.id)
            .values(name=_free_name(conn, avoid=(name,)))
        )


def gold_span_ids(
    project: Project, document_id: int, gold_id: int
) -> dict[tuple[int, int, int], int]:
    """The gold set's spans of one document: (start, end, label id) -> annotation id."""
    query = select(
        annotation_table.c.start,
        annotation_table.c.end,
        annotation_table.c.label_id,
        annotation_table.c.id,
    ).where(
        annotation_table.c.document_id == document_id, annotation_table.c.annotator_id == gold_id
    )
    with project.reading() as conn:
        return {(int(s), int(e), int(label)): int(i) for s, e, label, i in conn.execute(query)}


def _find_gold(conn: Connection) -> AnnotatorRecord | None:
    row = conn.execute(
        select(annotator_table.c.id, annotator_table.c.name).where(
            annotator_table.c.is_gold == true()
        )
    ).first()
    return None if row is None else AnnotatorRecord(int(row[0]), str(row[1]), is_gold=True)


def _free_name(conn: Connection, avoid: Iterable[str]) -> str:
    """The gold set's name: Gold if no person holds it, else Gold (curated), Gold (curated 2)…"""
    people = select(annotator_table.c.name).where(annotator_table.c.is_gold == false())
    taken = {str(n) for n in conn.execute(people).scalars()} | set(avoid)
    numbered = (f"{GOLD_SET_NAME} (curated {n})" for n in count(2))
    return first_free_name(chain([GOLD_SET_NAME, f"{GOLD_SET_NAME} (curated)"], numbered), taken)


# -- curation's commands -----------------------------------------------------------------------


class RejectSpan(DeleteAnnotations):
    """Remove one span from the gold set (undo puts the very same row back)."""

    def __init__(self, annotation_id: int) -> None:
        super().__init__([annotation_id])
        self.description = "Reject span from gold"


@dataclass(frozen=True)
class GoldSpan:
    """A span to copy into the gold set, with the attribute values it brings along."""

    document_id: int
    label_id: int
    start: int
    end: int
    quote: str
    note: str = ""
    values: tuple[tuple[AttributeRecord, Any], ...] = ()  # explicit values (None: default)

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.start, self.end, self.label_id)


@dataclass(frozen=True)
class GoldRelation:
    """A relation to add to the gold set, between two spans named by (start, end, label)."""

    type_id: int
    source: tuple[int, int, int]
    target: tuple[int, int, int]


class IntoGold(Command):
    """Spans (with their attribute values), attribute values of gold spans and relations into
    the gold set of one document, as one undoable step.

    A span already in gold is refused (another curator took it: EditConflict); the ends of a
    relation are found among the gold spans, old or just added.
    """

    def __init__(
        self,
        description: str,
        document_id: int,
        gold_id: int,
        spans: Sequence[GoldSpan] = (),
        values: Sequence[tuple[tuple[int, int, int], AttributeRecord, Any]] = (),
        relations: Sequence[GoldRelation] = (),
    ) -> None:
        self.description = description
        self.document_id = document_id
        self.gold_id = gold_id
        self.spans = list(spans)
        self.values = list(values)
        self.relations = list(relations)
        self._steps: list[Command] | None = None

    def apply(self, conn: Connection) -> Changes:
        if self._steps is not None:  # redo: the same rows again, with the same ids
            return merge(*(step.apply(conn) for step in self._steps))
        steps: list[Command] = []
        changes: list[Changes] = []

        def run(step: Command) -> None:
            changes.append(step.apply(conn))
            steps.append(step)

        gold = _gold_records(conn, self.document_id, self.gold_id)
        for span in self.spans:
            if span.key in gold:
                raise EditConflict(
                    "This span is already in the gold set: another curator accepted it a "
                    "moment ago."
                )
            add = AddAnnotation(
                span.document_id,
                span.label_id,
                self.gold_id,
                span.start,
                span.end,
                span.quote,
                note=span.note,
            )
            run(add)
            assert add.record is not None
            gold[span.key] = add.record
            for attribute, value in span.values:
                if value is not None:
                    run(SetAttribute([add.record], attribute, value))
        for key, attribute, value in self.values:
            if key not in gold:
                raise EditError("That span is not in the gold set any more.")
            run(SetAttribute([gold[key]], attribute, value))
        for relation in self.relations:
            source, target = gold.get(relation.source), gold.get(relation.target)
            if source is None or target is None:
                raise EditError("An end of this relation is not in the gold set.")
            record = RelationRecord(
                0, self.document_id, self.gold_id, relation.type_id, source.id, target.id
            )
            run(AddRelation(record))
        self._steps = steps
        return merge(*changes) if changes else Changes()

    def revert(self, conn: Connection) -> Changes:
        assert self._steps is not None
        return merge(*(step.revert(conn) for step in reversed(self._steps)))


def _gold_records(
    conn: Connection, document_id: int, gold_id: int
) -> dict[tuple[int, int, int], AnnotationRecord]:
    a = annotation_table
    query = select(*a.c).where(a.c.document_id == document_id, a.c.annotator_id == gold_id)
    found = {}
    for row in conn.execute(query):
        record = AnnotationRecord(*row)
        found[(record.start, record.end, record.label_id)] = record
    return found
