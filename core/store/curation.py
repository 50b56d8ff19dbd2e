"""The gold set in the store: the one flagged annotator, its name, and curation's undoable commands.

The gold set is the annotator row with ``is_gold`` set (a partial unique index allows one). It is
found by that flag, never by its name, so a person may be called Gold. Its name is "Gold" unless
a person holds that name; then it is "Gold (curated)" (or "Gold (curated 2)", …), so every list,
export and report still tells the two apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain, count
from typing import TYPE_CHECKING

from sqlalchemy import Connection, false, insert, select, true, update
from sqlalchemy.exc import IntegrityError

from claimdesk.core.errors import EditError
from claimdesk.core.limits import first_free_name
from claimdesk.core.records import AnnotationRecord, AnnotatorRecord, Changes, StatusChange
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


class AcceptSpans(Command):
    """Copy several spans into the gold set as one undoable step."""

    def __init__(self, additions: Sequence[AddAnnotation], description: str) -> None:
        self.additions = list(additions)
        self.description = description

    def apply(self, conn: Connection) -> Changes:
        return merge_changes(add.apply(conn) for add in self.additions)

    def revert(self, conn: Connection) -> Changes:
        return merge_changes(add.revert(conn) for add in reversed(self.additions))


class RejectSpan(DeleteAnnotations):
    """Remove one span from the gold set (undo puts the very same row back)."""

    def __init__(self, annotation_id: int) -> None:
        super().__init__([annotation_id])
        self.description = "Reject span from gold"


def merge_changes(all_changes: Iterable[Changes]) -> Changes:
    """Several commands' annotation changes as one summary (statuses named once)."""
    added: list[AnnotationRecord] = []
    removed: list[AnnotationRecord] = []
    statuses: dict[tuple[int, int], StatusChange] = {}  # the last status of each pair counts
    for changes in all_changes:
        added.extend(changes.annotations_added)
        removed.extend(changes.annotations_removed)
        statuses.update(((s.document_id, s.annotator_id), s) for s in changes.statuses)
    return Changes(
        annotations_added=tuple(added),
        annotations_removed=tuple(removed),
        statuses=tuple(statuses.values()),
    )
