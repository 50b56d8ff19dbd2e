"""The classroom's rows: exercises, a student's workspace, collected submissions and the versions
kept beside them. Reads are named functions returning plain records; changes are commands on the
edit history (collect, restore, create an exercise, choose its key), except a workspace's own
bookkeeping, which no command reads or writes (see ``create_workspace`` and ``record_*``).

The classroom's commands change rows of several tables at once. Each records the rows it removed
and added in a ``RowJournal`` while it runs; undo puts back the first, redo the second, with the
same ids, so history and file agree after every step.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, Table, bindparam, delete, func, insert, select, update

from claimdesk.core.errors import EditError
from claimdesk.core.records import AnnotationRecord, Changes, Status
from claimdesk.core.store.edits import Command
from claimdesk.core.store.tables import (
    Annotation,
    Annotator,
    Document,
    DocumentStatus,
    Exercise,
    Label,
    Submission,
    SubmissionVersion,
    Workspace,
)
from claimdesk.core.store.tables import utcnow as utcnow  # the classroom's clock, as stored

if TYPE_CHECKING:
    from claimdesk.core.store.project import Project

annotation_table = cast(Table, Annotation.__table__)
annotator_table = cast(Table, Annotator.__table__)
document_table = cast(Table, Document.__table__)
exercise_table = cast(Table, Exercise.__table__)
label_table = cast(Table, Label.__table__)
status_table = cast(Table, DocumentStatus.__table__)
submission_table = cast(Table, Submission.__table__)
version_table = cast(Table, SubmissionVersion.__table__)
workspace_table = cast(Table, Workspace.__table__)

# (document id, label name in the frozen codebook, start, end, quote, note)
Span = tuple[int, str, int, int, str, str]

_INSERT_ANNOTATION = (
    'INSERT INTO annotation (document_id, label_id, annotator_id, start, "end", quote, note, '
    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


# -- records ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExerciseInfo:
    """An exercise recorded in the teacher's project."""

    id: str
    title: str
    guidelines: str
    fingerprint: str
    document_ids: tuple[int, ...]
    key_annotator_id: int | None
    key_annotator_name: str | None
    created_at: datetime
    submissions: int = 0
    path: Path | None = None  # the file just written (create_exercise only)


@dataclass(frozen=True)
class ExerciseRow:
    """An exercise as stored: its frozen codebook as data, its documents as id pairs."""

    id: str
    title: str
    guidelines: str
    fingerprint: str
    codebook: dict[str, Any]
    documents: tuple[tuple[int, int], ...]  # (document id in the exercise, id in this project)
    key_annotator_id: int | None
    created_at: datetime

    @property
    def local_document_ids(self) -> tuple[int, ...]:
        return tuple(local for _exercise_document, local in self.documents)


@dataclass
class ExerciseRecord:
    """An exercise of the teacher's project as collecting needs it."""

    id: str
    title: str
    fingerprint: str
    labels: dict[str, int]  # names in the frozen codebook -> label ids in this project
    documents: tuple[int, ...]  # document ids in this project


@dataclass(frozen=True)
class SubmissionInfo:
    """A submission collected into the teacher's project."""

    exercise_id: str
    student_name: str
    student_id: str
    annotator_id: int
    annotator_name: str
    submitted_at: datetime
    collected_at: datetime
    seconds_spent: int
    annotation_count: int
    file_name: str
    verified: bool = True  # False: collected from a file without a workspace proof


@dataclass(frozen=True)
class SubmissionVersionInfo:
    """A submission kept beside the current one: ``replaced`` (history) or ``held`` (conflict)."""

    id: int
    exercise_id: str
    state: str
    reason: str
    student_name: str
    student_id: str
    submitted_at: datetime
    collected_at: datetime
    annotation_count: int
    file_name: str


@dataclass(frozen=True)
class Work:
    """One submission's content and who it is from: what a row of either table describes."""

    student_name: str
    student_id: str
    submitted_at: datetime
    seconds_spent: int
    file_name: str
    file_sha256: str
    workspace_id: str | None
    sequence: int | None
    chain_key: str | None
    spans: Sequence[Span]
    documents_done: Sequence[int]

    def columns(self) -> dict[str, Any]:
        """The columns shared by the current submission and the kept versions."""
        return {
            "student_name": self.student_name,
            "student_id": self.student_id,
            "submitted_at": self.submitted_at,
            "seconds_spent": self.seconds_spent,
            "file_name": self.file_name,
            "file_sha256": self.file_sha256,
            "annotation_count": len(self.spans),
            "workspace_id": self.workspace_id,
            "sequence": self.sequence,
            "chain_key": self.chain_key,
        }


@dataclass(frozen=True)
class CurrentSubmission:
    """What collecting compares a new file with: the student's current submission."""

    student_name: str
    student_id: str
    submitted_at: datetime
    file_sha256: str
    workspace_id: str | None
    sequence: int | None
    chain_key: str | None


@dataclass(frozen=True)
class KeptVersion:
    """A kept submission (history or held conflict) with its content."""

    id: int
    exercise_id: str
    student_key: str
    state: str
    work: Work


@dataclass(frozen=True)
class WorkspaceRecord:
    """The one workspace row of a student's project, with its exercise."""

    exercise_id: str
    annotator_id: int
    student_name: str
    student_id: str
    exercise_path: str
    seconds_spent: int
    started_at: datetime
    submitted_at: datetime | None
    public_id: str
    secret: str
    submissions_made: int
    title: str
    guidelines: str
    fingerprint: str
    documents: tuple[tuple[int, int], ...]  # (document id in the exercise, id in this project)


@dataclass(frozen=True)
class WorkspaceActivity:
    """How far a student is: documents done, annotations, and the moments they were edited."""

    documents_done: int
    annotations: int
    moments: tuple[datetime, ...]


@dataclass(frozen=True)
class WorkspaceDocument:
    """A document handed out, as a new workspace stores it."""

    exercise_document_id: int
    title: str
    text: str
    sha256: str


@dataclass(frozen=True)
class WorkspaceSetup:
    """What a new workspace holds besides its codebook and annotator."""

    exercise_id: str
    title: str
    guidelines: str
    fingerprint: str
    created_at: datetime
    documents: tuple[WorkspaceDocument, ...]
    annotator_id: int
    student_name: str
    student_id: str
    exercise_path: str
    public_id: str
    secret: str


@dataclass(frozen=True)
class WorkspaceCreated:
    """A workspace's rows were written. Not an edit: the project's undo history was cleared."""

    documents: tuple[tuple[int, int], ...]  # (document id in the exercise, id in this project)
    history_cleared: bool = True


# -- reads --------------------------------------------------------------------------------------


def _exercise_row(row: Any) -> ExerciseRow:
    return ExerciseRow(
        row.id,
        row.title,
        row.guidelines,
        row.fingerprint,
        dict(row.codebook or {}),
        tuple((int(e), int(local)) for e, local in row.documents),
        row.key_annotator_id,
        row.created_at,
    )


def exercise_rows(project: Project) -> list[ExerciseRow]:
    """Every exercise of the project, as stored."""
    with project.reading() as conn:
        return [_exercise_row(r) for r in conn.execute(select(exercise_table))]


def exercise_row(project: Project, exercise_id: str) -> ExerciseRow | None:
    query = select(exercise_table).where(exercise_table.c.id == exercise_id)
    with project.reading() as conn:
        row = conn.execute(query).one_or_none()
    return None if row is None else _exercise_row(row)


def _info_on(conn: Connection, exercise_id: str) -> ExerciseInfo | None:
    ex, an = exercise_table, annotator_table
    row = conn.execute(
        select(
            ex.c.id,
            ex.c.title,
            ex.c.guidelines,
            ex.c.fingerprint,
            ex.c.documents,
            ex.c.key_annotator_id,
            an.c.name,
            ex.c.created_at,
        )
        .outerjoin(an, an.c.id == ex.c.key_annotator_id)
        .where(ex.c.id == exercise_id)
    ).one_or_none()
    if row is None:
        return None
    count = conn.execute(
        select(func.count()).where(submission_table.c.exercise_id == exercise_id)
    ).scalar_one()
    return ExerciseInfo(
        row.id,
        row.title,
        row.guidelines,
        row.fingerprint,
        tuple(int(local) for _exercise_doc, local in row.documents),
        row.key_annotator_id,
        row.name,
        row.created_at,
        int(count),
    )


def exercise_info(project: Project, exercise_id: str) -> ExerciseInfo | None:
    with project.reading() as conn:
        return _info_on(conn, exercise_id)


def exercise_infos(project: Project) -> list[ExerciseInfo]:
    """The exercises of a teacher's project, newest first, with submission counts."""
    ex = exercise_table
    with project.reading() as conn:
        query = select(ex.c.id).order_by(ex.c.created_at.desc(), ex.c.id)
        ids = list(conn.execute(query).scalars())
        found = [_info_on(conn, exercise_id) for exercise_id in ids]
    return [info for info in found if info is not None]


def stored_text(project: Project, document_id: int) -> str | None:
    """A document's text read afresh from the file (not the project's cache); None if gone."""
    query = select(document_table.c.text).where(document_table.c.id == document_id)
    with project.reading() as conn:
        found = conn.execute(query).scalar()
    return None if found is None else str(found)


def present_documents(project: Project, document_ids: Iterable[int]) -> set[int]:
    """Which of these documents are still in the project."""
    query = select(document_table.c.id).where(document_table.c.id.in_(list(document_ids)))
    with project.reading() as conn:
        return {int(i) for i in conn.execute(query).scalars()}


def current_submissions(project: Project) -> dict[tuple[str, str], CurrentSubmission]:
    """Each student's current submission, by (exercise id, student key)."""
    sub = submission_table
    query = select(
        sub.c.exercise_id,
        sub.c.student_key,
        sub.c.student_name,
        sub.c.student_id,
        sub.c.submitted_at,
        sub.c.file_sha256,
        sub.c.workspace_id,
        sub.c.sequence,
        sub.c.chain_key,
    )
    with project.reading() as conn:
        return {
            (row.exercise_id, row.student_key): CurrentSubmission(*row[2:])
            for row in conn.execute(query)
        }


def kept_files(project: Project) -> dict[tuple[str, str, str], str]:
    """(exercise id, student key, file SHA-256) -> state of every kept submission."""
    ver = version_table
    query = select(ver.c.exercise_id, ver.c.student_key, ver.c.file_sha256, ver.c.state)
    with project.reading() as conn:
        return {(e, k, digest): str(state) for e, k, digest, state in conn.execute(query)}


def submission_infos(project: Project, exercise_id: str) -> list[SubmissionInfo]:
    """The submissions collected for an exercise (unordered)."""
    sub, an = submission_table, annotator_table
    query = (
        select(
            sub.c.exercise_id,
            sub.c.student_name,
            sub.c.student_id,
            sub.c.annotator_id,
            an.c.name.label("annotator_name"),
            sub.c.submitted_at,
            sub.c.collected_at,
            sub.c.seconds_spent,
            sub.c.annotation_count,
            sub.c.file_name,
            sub.c.workspace_id.is_not(None).label("verified"),
        )
        .join(an, an.c.id == sub.c.annotator_id)
        .where(sub.c.exercise_id == exercise_id)
    )
    with project.reading() as conn:
        return [
            SubmissionInfo(**{**row._mapping, "verified": bool(row.verified)})
            for row in conn.execute(query)
        ]


def version_infos(project: Project, exercise_id: str) -> list[SubmissionVersionInfo]:
    """The kept submissions of an exercise (unordered)."""
    ver = version_table
    query = select(
        ver.c.id,
        ver.c.exercise_id,
        ver.c.state,
        ver.c.reason,
        ver.c.student_name,
        ver.c.student_id,
        ver.c.submitted_at,
        ver.c.collected_at,
        ver.c.annotation_count,
        ver.c.file_name,
    ).where(ver.c.exercise_id == exercise_id)
    with project.reading() as conn:
        return [SubmissionVersionInfo(**row._mapping) for row in conn.execute(query)]


def _version_work(row: Any) -> Work:
    spans = row.annotations
    return Work(
        row.student_name,
        row.student_id,
        row.submitted_at,
        row.seconds_spent,
        row.file_name,
        row.file_sha256,
        row.workspace_id,
        row.sequence,
        row.chain_key,
        [(int(d), str(lb), int(s), int(e), str(q), str(n)) for d, lb, s, e, q, n in spans],
        [int(d) for d in row.documents_done],
    )


def kept_version(project: Project, version_id: int) -> KeptVersion | None:
    query = select(version_table).where(version_table.c.id == version_id)
    with project.reading() as conn:
        row = conn.execute(query).one_or_none()
    if row is None:
        return None
    return KeptVersion(row.id, row.exercise_id, row.student_key, row.state, _version_work(row))


def claim_rows(
    project: Project, document_ids: Sequence[int], annotator_ids: Sequence[int]
) -> list[tuple[int, int, int, int, int, str]]:
    """(annotator, document, label, start, end, quote) of these annotators on these documents,
    ordered by annotator, document and position."""
    # Plain DB-API rows: a class of 40 brings tens of thousands; row objects would cost more.
    marks = ", ".join("?" * len(document_ids))
    people = ", ".join("?" * len(annotator_ids))
    sql = (
        'SELECT annotator_id, document_id, label_id, start, "end", quote FROM annotation'
        f" WHERE document_id IN ({marks}) AND annotator_id IN ({people})"
        ' ORDER BY annotator_id, document_id, start, "end", label_id'
    )
    with project.reading() as conn:
        rows = conn.exec_driver_sql(sql, (*document_ids, *annotator_ids)).fetchall()
    return cast(list[tuple[int, int, int, int, int, str]], rows)


def workspace_record(project: Project) -> WorkspaceRecord | None:
    """The workspace row of a student's project; None for any other project."""
    w, ex = workspace_table, exercise_table
    query = (
        select(
            w.c.exercise_id,
            w.c.annotator_id,
            w.c.student_name,
            w.c.student_id,
            w.c.exercise_path,
            w.c.seconds_spent,
            w.c.started_at,
            w.c.submitted_at,
            w.c.public_id,
            w.c.secret,
            w.c.submissions_made,
            ex.c.title,
            ex.c.guidelines,
            ex.c.fingerprint,
            ex.c.documents,
        )
        .join(ex, ex.c.id == w.c.exercise_id)
        .order_by(w.c.id)
        .limit(1)
    )
    with project.reading() as conn:
        row = conn.execute(query).one_or_none()
    if row is None:
        return None
    values = dict(row._mapping)
    values["documents"] = tuple((int(e), int(local)) for e, local in row.documents)
    return WorkspaceRecord(**values)


def workspace_activity(
    project: Project, annotator_id: int, document_ids: Sequence[int]
) -> WorkspaceActivity:
    """Documents marked done and annotations of a student on these documents; edit moments."""
    a, s = annotation_table, status_table
    with project.reading() as conn:
        done = conn.execute(
            select(func.count()).where(
                s.c.annotator_id == annotator_id,
                s.c.document_id.in_(document_ids),
                s.c.status == Status.DONE.value,
            )
        ).scalar_one()
        count = conn.execute(
            select(func.count()).where(
                a.c.annotator_id == annotator_id, a.c.document_id.in_(document_ids)
            )
        ).scalar_one()
        moments = tuple(
            moment
            for created, updated in conn.execute(
                select(a.c.created_at, a.c.updated_at).where(a.c.annotator_id == annotator_id)
            )
            for moment in (created, updated)
        )
    return WorkspaceActivity(int(done), int(count), moments)


def student_spans(project: Project, annotator_id: int) -> list[tuple[int, str, int, int, str, str]]:
    """(document, label name, start, end, quote, note) of an annotator, in document order."""
    a, lb = annotation_table, label_table
    query = (
        select(a.c.document_id, lb.c.name, a.c.start, a.c.end, a.c.quote, a.c.note)
        .join(lb, lb.c.id == a.c.label_id)
        .where(a.c.annotator_id == annotator_id)
        .order_by(a.c.document_id, a.c.start, a.c.end, a.c.id)
    )
    with project.reading() as conn:
        return [
            (int(d), str(name), int(start), int(end), str(quote), str(note))
            for d, name, start, end, quote, note in conn.execute(query)
        ]


def documents_done(project: Project, annotator_id: int) -> list[int]:
    """The documents an annotator marked done."""
    s = status_table
    query = select(s.c.document_id).where(
        s.c.annotator_id == annotator_id, s.c.status == Status.DONE.value
    )
    with project.reading() as conn:
        return [int(d) for d in conn.execute(query).scalars()]


# -- the journal of a command that touches many rows ---------------------------------------------

# Rows of one table by primary key; None: the row is absent.
_Rows = dict[Any, tuple[Any, ...] | None]

# Parents before children: rows are put back in this order and removed in the reverse one.
_JOURNALLED = (
    annotator_table,
    exercise_table,
    submission_table,
    version_table,
    annotation_table,
    status_table,
)
# An annotation row, in column order, is an AnnotationRecord's fields in order.
assert tuple(c.key for c in annotation_table.c) == tuple(AnnotationRecord.__dataclass_fields__)


def _key_positions(table: Table) -> tuple[int, ...]:
    return tuple(i for i, column in enumerate(table.c) if column.primary_key)


def _key_getter(table: Table) -> Callable[[Sequence[Any]], Any]:
    """A row's primary key: the value for one column, a tuple for several."""
    return itemgetter(*_key_positions(table))


class RowJournal:
    """The rows a command removed and added, table by table, as whole rows (column order).

    For each row touched the journal keeps its state before the command (None: absent) and its
    state after (None: removed); a row changed twice keeps its first and last states.
    """

    def __init__(self) -> None:
        self._before: dict[str, _Rows] = {t.name: {} for t in _JOURNALLED}
        self._after: dict[str, _Rows] = {t.name: {} for t in _JOURNALLED}
        self._keys = {t.name: _key_getter(t) for t in _JOURNALLED}

    def removed(self, table: Table, rows: Iterable[Sequence[Any]]) -> None:
        self._note(table, rows, present=False)

    def added(self, table: Table, rows: Iterable[Sequence[Any]]) -> None:
        self._note(table, rows, present=True)

    def _note(self, table: Table, rows: Iterable[Sequence[Any]], *, present: bool) -> None:
        before, after, key_of = (
            self._before[table.name],
            self._after[table.name],
            self._keys[table.name],
        )
        for row in rows:
            values = tuple(row)
            key = key_of(values)
            if key not in before:
                before[key] = None if present else values
            after[key] = values if present else None

    def undo(self, conn: Connection) -> Changes:
        self._swap(conn, self._after, self._before)
        return self.changes(undone=True)

    def redo(self, conn: Connection) -> Changes:
        self._swap(conn, self._before, self._after)
        return self.changes(undone=False)

    @staticmethod
    def _swap(conn: Connection, now: dict[str, _Rows], then: dict[str, _Rows]) -> None:
        for table in reversed(_JOURNALLED):
            present = [row for row in now[table.name].values() if row is not None]
            if present:
                keys = [c for c in table.c if c.primary_key]
                where = [c == bindparam(f"key_{c.key}") for c in keys]
                positions = _key_positions(table)
                params = [
                    {f"key_{c.key}": row[i] for c, i in zip(keys, positions, strict=True)}
                    for row in present
                ]
                conn.execute(delete(table).where(*where), params)
        for table in _JOURNALLED:
            rows = [row for row in then[table.name].values() if row is not None]
            if rows:
                names = [c.key for c in table.c]
                conn.execute(insert(table), [dict(zip(names, row, strict=True)) for row in rows])

    def changes(self, *, undone: bool) -> Changes:
        """What the command (or, ``undone``, its undo) changed, for the views."""
        gone, come = (self._after, self._before) if undone else (self._before, self._after)

        def records(side: _Rows) -> tuple[AnnotationRecord, ...]:
            return tuple(AnnotationRecord(*row) for row in side.values() if row is not None)

        statuses = self._before[status_table.name].keys() | self._after[status_table.name].keys()
        return Changes(
            annotations_added=records(come[annotation_table.name]),
            annotations_removed=records(gone[annotation_table.name]),
            # New annotators: the window's lists of people change (as after an import).
            documents=bool(self._after[annotator_table.name]),
            statuses=tuple(sorted((int(d), int(a)) for d, a in statuses)),
        )


def _whole_rows(conn: Connection, table: Table, *where: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in conn.execute(select(table).where(*where))]


def _insert_one(conn: Connection, journal: RowJournal, table: Table, values: dict[str, Any]) -> int:
    row = tuple(conn.execute(insert(table).values(values).returning(*table.c)).one())
    journal.added(table, [row])
    return int(row[0])


def _update_one(
    conn: Connection, journal: RowJournal, table: Table, row_id: int, values: dict[str, Any]
) -> None:
    journal.removed(table, _whole_rows(conn, table, table.c.id == row_id))
    conn.execute(update(table).where(table.c.id == row_id).values(values))
    journal.added(table, _whole_rows(conn, table, table.c.id == row_id))


def _delete_one(conn: Connection, journal: RowJournal, table: Table, row_id: int) -> None:
    journal.removed(table, _whole_rows(conn, table, table.c.id == row_id))
    conn.execute(delete(table).where(table.c.id == row_id))


def _store_work(
    conn: Connection,
    journal: RowJournal,
    exercise: ExerciseRecord,
    annotator_id: int,
    work: Work,
    *,
    new_annotator: bool = False,
) -> None:
    """Make ``work`` the annotator's annotations and statuses on the exercise's documents.

    ``new_annotator``: made in this step, so there is nothing of theirs to replace.
    """
    a, s = annotation_table, status_table
    documents = list(exercise.documents)
    mine = (a.c.annotator_id == annotator_id, a.c.document_id.in_(documents))
    old = [] if new_annotator else _whole_rows(conn, a, *mine)
    if old:
        journal.removed(a, old)
        conn.execute(delete(a).where(*mine))
    now = utcnow()
    stamp = now.isoformat(" ", timespec="microseconds")
    labels = exercise.labels  # checked by the caller: every label of the work is there
    rows = [
        (document_id, labels[label], annotator_id, start, end, quote, note, stamp, stamp)
        for document_id, label, start, end, quote, note in work.spans
    ]
    if rows:
        # Plain DB-API executemany: at 40,000 rows SQLAlchemy's per-value processing costs more
        # than SQLite's inserts. Timestamps in SQLAlchemy's SQLite format.
        conn.exec_driver_sql(_INSERT_ANNOTATION, rows)
        # Whole rows in column order (an AnnotationRecord's order) with the ids SQLite gave
        # them, for undo and redo.
        journal.added(
            a,
            [
                (i, d, lb, who, st, en, quote, note, now, now)
                for i, (d, lb, who, st, en, quote, note, _c, _u) in zip(
                    _inserted_ids(conn, annotator_id, documents, rows), rows, strict=True
                )
            ],
        )
    touched = {span[0] for span in work.spans}
    done = set(work.documents_done)
    scope = (s.c.annotator_id == annotator_id, s.c.document_id.in_(documents))
    before = [] if new_annotator else _whole_rows(conn, s, *scope)
    if before:
        journal.removed(s, before)
        conn.execute(delete(s).where(*scope))
    statuses = [
        {
            "document_id": document_id,
            "annotator_id": annotator_id,
            "status": Status.DONE.value if document_id in done else Status.IN_PROGRESS.value,
            "updated_at": now,
        }
        for document_id in documents
        if document_id in done or document_id in touched
    ]
    if statuses:
        conn.execute(insert(s), statuses)
        names = [c.key for c in s.c]
        journal.added(s, [tuple(row[name] for name in names) for row in statuses])


def _inserted_ids(
    conn: Connection, annotator_id: int, documents: list[int], rows: list[tuple[Any, ...]]
) -> list[int]:
    """The ids of ``rows``, just inserted as the annotator's only annotations on ``documents``.

    AUTOINCREMENT gives every new row a larger id than any before it: when the ids found span
    exactly as many numbers as rows were inserted, they are the rows' ids in order.
    """
    raw = conn.connection.driver_connection
    assert raw is not None
    marks = ", ".join("?" * len(documents))
    scope = f" FROM annotation WHERE annotator_id = ? AND document_id IN ({marks})"
    params = (annotator_id, *documents)
    low, high, count = raw.execute("SELECT min(id), max(id), count(*)" + scope, params).fetchone()
    if count == len(rows) and high - low + 1 == count:
        return list(range(low, high + 1))
    found = raw.execute('SELECT document_id, label_id, start, "end", id' + scope, params)
    ids = {(d, lb, st, en): i for d, lb, st, en, i in found}  # a span is unique per annotator
    return [ids[(d, lb, st, en)] for d, lb, _who, st, en, *_rest in rows]


def _keep_version(
    conn: Connection,
    journal: RowJournal,
    exercise_id: str,
    student_key: str,
    work: Work,
    state: str,
    reason: str,
) -> None:
    values = {
        "exercise_id": exercise_id,
        "student_key": student_key,
        "state": state,
        "reason": reason,
        "collected_at": utcnow(),
        "annotations": [list(span) for span in work.spans],
        "documents_done": list(work.documents_done),
        **work.columns(),
    }
    _insert_one(conn, journal, version_table, values)


def _current_work(conn: Connection, exercise: ExerciseRecord, current: Any) -> Work:
    """The collected submission ``current`` (a row of exercise_submission), as data."""
    a, s = annotation_table, status_table
    names = {label_id: name for name, label_id in exercise.labels.items()}
    for label_id, name in conn.execute(select(label_table.c.id, label_table.c.name)):
        names.setdefault(int(label_id), str(name))
    spans = [
        (int(d), names[int(label)], int(start), int(end), str(quote), str(note))
        for d, label, start, end, quote, note in conn.execute(
            select(a.c.document_id, a.c.label_id, a.c.start, a.c.end, a.c.quote, a.c.note)
            .where(
                a.c.annotator_id == current.annotator_id,
                a.c.document_id.in_(exercise.documents),
            )
            .order_by(a.c.document_id, a.c.start, a.c.end, a.c.id)
        )
    ]
    done = conn.execute(
        select(s.c.document_id).where(
            s.c.annotator_id == current.annotator_id,
            s.c.document_id.in_(exercise.documents),
            s.c.status == Status.DONE.value,
        )
    ).scalars()
    return Work(
        current.student_name,
        current.student_id,
        current.submitted_at,
        current.seconds_spent,
        current.file_name,
        current.file_sha256,
        current.workspace_id,
        current.sequence,
        current.chain_key,
        spans,
        sorted(int(d) for d in done),
    )


def _annotator_for(
    conn: Connection, journal: RowJournal, exercise: ExerciseRecord, key: str, display: str
) -> tuple[int, bool]:
    """The annotator a student's first submission of ``exercise`` goes to, and whether it was
    made just now."""
    sub, ex, an = submission_table, exercise_table, annotator_table
    mine = set(exercise.documents)
    # The same student from earlier exercises keeps their annotator if no document is shared.
    earlier = conn.execute(select(sub.c.annotator_id).where(sub.c.student_key == key).distinct())
    for annotator_id in list(earlier.scalars()):
        used = conn.execute(
            select(ex.c.documents)
            .join(sub, sub.c.exercise_id == ex.c.id)
            .where(sub.c.annotator_id == annotator_id)
        ).scalars()
        shared = any(int(local) in mine for documents in used for _e, local in documents)
        if not shared:
            return int(annotator_id), False
    taken = {str(n).casefold() for n in conn.execute(select(an.c.name)).scalars()}
    candidates = [display, f"{display} – {exercise.title}"[:190]]
    candidate = next((c for c in candidates if c.casefold() not in taken), None)
    number = 2
    while candidate is None:
        attempt = f"{candidates[1]} #{number}"
        candidate = attempt if attempt.casefold() not in taken else None
        number += 1
    return _insert_one(conn, journal, an, {"name": candidate, "created_at": utcnow()}), True


def _current_row(conn: Connection, exercise_id: str, student_key: str) -> Any:
    sub = submission_table
    return conn.execute(
        select(sub).where(sub.c.exercise_id == exercise_id, sub.c.student_key == student_key)
    ).one_or_none()


def _annotator_name(conn: Connection, annotator_id: int) -> str:
    query = select(annotator_table.c.name).where(annotator_table.c.id == annotator_id)
    return str(conn.execute(query).scalar_one())


def _make_current(
    conn: Connection,
    journal: RowJournal,
    exercise: ExerciseRecord,
    student_key: str,
    display: str,
    work: Work,
    current: Any,
    reason: str,
) -> str:
    """``work`` becomes the student's current submission; the one it replaces is kept."""
    if current is None:
        annotator_id, made = _annotator_for(conn, journal, exercise, student_key, display)
        _store_work(conn, journal, exercise, annotator_id, work, new_annotator=made)
        values = {
            "exercise_id": exercise.id,
            "student_key": student_key,
            "annotator_id": annotator_id,
            "collected_at": utcnow(),
            **work.columns(),
        }
        _insert_one(conn, journal, submission_table, values)
    else:
        kept = _current_work(conn, exercise, current)
        _keep_version(conn, journal, exercise.id, current.student_key, kept, "replaced", reason)
        annotator_id = int(current.annotator_id)
        _store_work(conn, journal, exercise, annotator_id, work)
        values = {"collected_at": utcnow(), **work.columns()}
        _update_one(conn, journal, submission_table, int(current.id), values)
    return _annotator_name(conn, annotator_id)


# -- commands -----------------------------------------------------------------------------------


class JournalledCommand(Command):
    """A command whose first run records its rows; undo and redo replay the record."""

    def __init__(self) -> None:
        self.journal: RowJournal | None = None

    def apply(self, conn: Connection) -> Changes:
        if self.journal is not None:
            return self.journal.redo(conn)
        journal = RowJournal()
        self.run(conn, journal)
        self.journal = journal
        return journal.changes(undone=False)

    def revert(self, conn: Connection) -> Changes:
        assert self.journal is not None
        return self.journal.undo(conn)

    @abstractmethod
    def run(self, conn: Connection, journal: RowJournal) -> None:
        """Make the change, noting every row removed and added in ``journal``."""


@dataclass(frozen=True)
class Accept:
    """A student's first submission of an exercise: a new current submission."""

    exercise: ExerciseRecord
    student_key: str
    display: str  # the annotator name to give them, if a new annotator is needed
    work: Work


@dataclass(frozen=True)
class Replace:
    """A newer submission of a student: it replaces ``replaces`` (a file's SHA-256)."""

    exercise: ExerciseRecord
    student_key: str
    replaces: str
    reason: str  # kept with the replaced submission
    work: Work


@dataclass(frozen=True)
class Hold:
    """A file kept for the teacher, not applied."""

    exercise_id: str
    student_key: str
    work: Work
    reason: str


CollectStep = Accept | Replace | Hold


class CollectSubmissions(JournalledCommand):
    """Store checked submissions in one step; undo removes exactly what it added.

    ``annotators`` holds, per step, the name of the annotator the work went to (None if held).
    If a student's current submission is not the one the steps were decided against (another
    collect in between), nothing is stored (``EditError``).
    """

    def __init__(self, steps: Sequence[CollectStep]) -> None:
        super().__init__()
        self.steps = list(steps)
        self.annotators: list[str | None] = []
        n = sum(not isinstance(step, Hold) for step in self.steps)
        self.description = f"Collect {n} submission{'s' if n != 1 else ''}"

    def run(self, conn: Connection, journal: RowJournal) -> None:
        for step in self.steps:
            if isinstance(step, Hold):
                key, work = step.student_key, step.work
                _keep_version(conn, journal, step.exercise_id, key, work, "held", step.reason)
                self.annotators.append(None)
                continue
            current = _current_row(conn, step.exercise.id, step.student_key)
            expected = step.replaces if isinstance(step, Replace) else None
            found = None if current is None else str(current.file_sha256)
            if found != expected:
                raise EditError(
                    "The submissions in the project changed while the files were checked; "
                    "nothing was collected. Collect them again."
                )
            display = step.display if isinstance(step, Accept) else ""
            reason = step.reason if isinstance(step, Replace) else ""
            name = _make_current(
                conn, journal, step.exercise, step.student_key, display, step.work, current, reason
            )
            self.annotators.append(name)


class RestoreSubmission(JournalledCommand):
    """Make a kept submission the student's current one; the current one goes into the history."""

    def __init__(self, version_id: int, exercise: ExerciseRecord, display: str) -> None:
        super().__init__()
        self.version_id = version_id
        self.exercise = exercise
        self.display = display
        self.annotator_name = ""
        self.description = "Restore submission"

    def run(self, conn: Connection, journal: RowJournal) -> None:
        query = select(version_table).where(version_table.c.id == self.version_id)
        version = conn.execute(query).one_or_none()
        if version is None:
            raise EditError("That kept submission is no longer in the project.")
        current = _current_row(conn, version.exercise_id, version.student_key)
        _delete_one(conn, journal, version_table, self.version_id)
        reason = f"replaced when {version.file_name} was restored"
        self.annotator_name = _make_current(
            conn,
            journal,
            self.exercise,
            version.student_key,
            self.display,
            _version_work(version),
            current,
            reason,
        )


class CreateExercise(Command):
    """Record an exercise handed out (its file is written by the caller); undo forgets it."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = dict(values)
        self.description = f"Create exercise {self.values['title']!r}"

    def apply(self, conn: Connection) -> Changes:
        conn.execute(insert(exercise_table).values(self.values))
        return Changes()

    def revert(self, conn: Connection) -> Changes:
        conn.execute(delete(exercise_table).where(exercise_table.c.id == self.values["id"]))
        return Changes()


class SetExerciseKey(Command):
    """Choose (or clear) the annotator whose annotations are an exercise's answer key."""

    def __init__(self, exercise_id: str, annotator_id: int | None) -> None:
        self.exercise_id = exercise_id
        self.annotator_id = annotator_id
        self.before: int | None = None
        self.description = "Choose answer key" if annotator_id is not None else "Clear answer key"

    def _set(self, conn: Connection, annotator_id: int | None) -> None:
        ex = exercise_table
        statement = update(ex).where(ex.c.id == self.exercise_id)
        conn.execute(statement.values(key_annotator_id=annotator_id))

    def apply(self, conn: Connection) -> Changes:
        ex = exercise_table
        query = select(ex.c.key_annotator_id).where(ex.c.id == self.exercise_id)
        self.before = conn.execute(query).scalar()
        self._set(conn, self.annotator_id)
        return Changes()

    def revert(self, conn: Connection) -> Changes:
        self._set(conn, self.before)
        return Changes()


# -- a student's workspace: its own bookkeeping, outside the edit history -----------------------


def create_workspace(project: Project, setup: WorkspaceSetup) -> WorkspaceCreated:
    """Store a new workspace's documents, exercise and workspace row in one transaction.

    Not an edit: there is nothing before a workspace to go back to, so the project's undo
    history is cleared (the result says so).
    """
    now = utcnow()
    pairs: list[tuple[int, int]] = []
    with project.writing() as conn:
        for document in setup.documents:
            row = {
                "title": document.title,
                "source": f"exercise: {setup.title}",
                "date": "",
                "meta": {"exercise_document": document.exercise_document_id},
                "text": document.text,
                "sha256": document.sha256,
                "created_at": now,
            }
            result = conn.execute(insert(document_table).values(row))
            assert result.inserted_primary_key is not None
            pairs.append((document.exercise_document_id, int(result.inserted_primary_key[0])))
        conn.execute(
            insert(exercise_table).values(
                id=setup.exercise_id,
                title=setup.title,
                guidelines=setup.guidelines,
                fingerprint=setup.fingerprint,
                codebook={},
                documents=[list(pair) for pair in pairs],
                key_annotator_id=None,
                created_at=setup.created_at,
            )
        )
        conn.execute(
            insert(workspace_table).values(
                exercise_id=setup.exercise_id,
                annotator_id=setup.annotator_id,
                student_name=setup.student_name,
                student_id=setup.student_id,
                exercise_path=setup.exercise_path,
                seconds_spent=0,
                started_at=now,
                submitted_at=None,
                public_id=setup.public_id,
                secret=setup.secret,
                submissions_made=0,
            )
        )
    project.history.clear()
    return WorkspaceCreated(tuple(pairs))


# The writes below touch only the workspace row, which no command reads or writes: the student's
# undo history stays valid, and clearing it every minute would take their undo away.


def record_workspace_time(project: Project, seconds: int) -> None:
    """Add seconds of active work to the workspace (bookkeeping, not an edit)."""
    w = workspace_table
    with project.writing() as conn:
        conn.execute(update(w).values(seconds_spent=w.c.seconds_spent + seconds))


def record_submission(project: Project, submitted_at: datetime, sequence: int) -> None:
    """Note a submission written (bookkeeping: its number only ever moves forward)."""
    with project.writing() as conn:
        conn.execute(
            update(workspace_table).values(submitted_at=submitted_at, submissions_made=sequence)
        )


def record_exercise_path(project: Project, path: Path) -> None:
    """Remember where the exercise file was opened from (bookkeeping, not an edit)."""
    with project.writing() as conn:
        conn.execute(update(workspace_table).values(exercise_path=str(path)))
