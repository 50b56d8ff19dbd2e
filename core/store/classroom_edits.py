"""The classroom's edits: collect, restore a kept submission, record an exercise, choose its key.

They change rows of several tables at once. Each records the rows it removed and added in a
``RowJournal`` while it runs; undo puts back the first, redo the second, with the same ids, so
history and file agree after every step.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, count, starmap
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Connection, Select, Table, bindparam, delete, func, insert, select, update

from claimdesk.core.errors import EditError
from claimdesk.core.limits import ANNOTATOR_NAME_MAX, first_free_name
from claimdesk.core.records import AnnotationRecord, Changes, Status, StatusChange
from claimdesk.core.store import driver
from claimdesk.core.store.classroom import version_work
from claimdesk.core.store.classroom_records import ExerciseRecord, Work
from claimdesk.core.store.classroom_scheme import (
    read_extras,
    remove_extras,
    store_extras,
    work_json,
)
from claimdesk.core.store.edits import Command
from claimdesk.core.store.tables import (
    annotation_attribute_table,
    annotation_table,
    annotator_table,
    document_label_table,
    exercise_table,
    label_table,
    relation_table,
    status_table,
    submission_table,
    utcnow,
)
from claimdesk.core.store.tables import submission_version_table as version_table

_ANNOTATION_VALUES = (
    "document_id",
    "label_id",
    "annotator_id",
    "start",
    "end",
    "quote",
    "note",
    "created_at",
    "updated_at",
)


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
    annotation_attribute_table,
    relation_table,
    document_label_table,
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

    def inserted(self, table: Table, keys: Sequence[Any], rows: Sequence[tuple[Any, ...]]) -> None:
        """Rows this command has just inserted under new keys, as whole tuples (column order):
        noted as ``added`` notes them, without a step per row."""
        before, after = self._before[table.name], self._after[table.name]
        if before:
            before.update({key: None for key in keys if key not in before})
        else:
            before.update(dict.fromkeys(keys))
        after.update(zip(keys, rows, strict=True))

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
            # Rows are non-empty tuples; filter(None, ...) drops the absent ones (None).
            return tuple(starmap(AnnotationRecord, filter(None, side.values())))

        pairs = self._before[status_table.name].keys() | self._after[status_table.name].keys()
        column = [c.key for c in status_table.c].index("status")

        def status_now(pair: Any) -> StatusChange:
            row = come[status_table.name].get(pair)  # no row: to do
            status = Status(row[column]) if row is not None else Status.TODO
            return StatusChange(int(pair[0]), int(pair[1]), status)

        return Changes(
            annotations_added=records(come[annotation_table.name]),
            annotations_removed=records(gone[annotation_table.name]),
            # New annotators: the window's lists of people change (as after an import).
            documents=bool(self._after[annotator_table.name]),
            statuses=tuple(sorted(map(status_now, pairs))),
        )


def _whole_rows(conn: Connection, table: Table, *where: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in conn.execute(select(table).where(*where))]


# Statements made once: each collect runs them for every student, and building one costs more
# than running it.
_INSERT_RETURNING: dict[str, Any] = {}


def _insert_one(conn: Connection, journal: RowJournal, table: Table, values: dict[str, Any]) -> int:
    statement = _INSERT_RETURNING.get(table.name)
    if statement is None:
        statement = _INSERT_RETURNING[table.name] = insert(table).returning(*table.c)
    row = tuple(conn.execute(statement, values).one())
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
) -> None:
    """Make ``work`` the annotator's annotations and statuses on the exercise's documents."""
    a, s = annotation_table, status_table
    documents = list(exercise.documents)
    mine = (a.c.annotator_id == annotator_id, a.c.document_id.in_(documents))
    old = _whole_rows(conn, a, *mine)
    # Their values and relations go with the annotations; their document labels too.
    remove_extras(conn, journal, annotator_id, documents, [row[0] for row in old])
    if old:
        journal.removed(a, old)
        conn.execute(delete(a).where(*mine))
    scope = (s.c.annotator_id == annotator_id, s.c.document_id.in_(documents))
    before = _whole_rows(conn, s, *scope)
    if before:
        journal.removed(s, before)
        conn.execute(delete(s).where(*scope))
    _store_new_work(conn, journal, [(exercise, annotator_id, work)])


# A student's work going to an annotator that has none on the exercise's documents.
_NewWork = tuple[ExerciseRecord, int, Work]


def _store_new_work(conn: Connection, journal: RowJournal, parts: Sequence[_NewWork]) -> None:
    """Insert the annotations, extras and statuses of ``parts`` (annotators with nothing on
    their exercise's documents): one INSERT of every annotation, one of every status."""
    a, s = annotation_table, status_table
    now = utcnow()
    stamp = driver.stored_time(now)
    rows: list[tuple[Any, ...]] = []
    for exercise, annotator_id, work in parts:
        labels = exercise.labels  # checked by the caller: every label of the work is there
        rows += [
            (document_id, labels[label], annotator_id, start, end, quote, note, stamp, stamp)
            for document_id, label, start, end, quote, note in work.spans
        ]
    ids: list[int] = []
    if rows:
        floor = conn.execute(select(func.max(a.c.id))).scalar() or 0
        _insert_rows(conn, a, _ANNOTATION_VALUES, rows)
        ids = _inserted_ids(conn, floor, rows)
        # Whole rows in column order (an AnnotationRecord's order) with the ids the database
        # gave them, for undo and redo.
        journal.inserted(
            a,
            ids,
            [
                (i, d, lb, who, st, en, quote, note, now, now)
                for i, (d, lb, who, st, en, quote, note, _c, _u) in zip(ids, rows, strict=True)
            ],
        )
    statuses: list[dict[str, Any]] = []
    position = 0
    for exercise, annotator_id, work in parts:
        count = len(work.spans)
        if work.has_extras:
            store_extras(
                conn, journal, exercise, annotator_id, work, ids[position : position + count]
            )
        position += count
        touched = {span[0] for span in work.spans}
        done = set(work.documents_done)
        statuses += [
            {
                "document_id": document_id,
                "annotator_id": annotator_id,
                "status": Status.DONE.value if document_id in done else Status.IN_PROGRESS.value,
                "updated_at": now,
            }
            for document_id in exercise.documents
            if document_id in done or document_id in touched
        ]
    if statuses:
        conn.execute(insert(s), statuses)
        names = [c.key for c in s.c]
        journal.added(s, [tuple(row[name] for name in names) for row in statuses])


# Rows per INSERT statement when the driver takes positional parameters (SQLite): 500 where
# the driver allows the 4,500 values (SQLite from 3.32 allows 32,766), else 100 (900 values,
# under the 999 of older builds). A class's 40,000 annotations go in a quarter faster than one
# row per execution: the driver binds and steps each statement once, not each row.
_ROWS_PER_INSERT = (500, 100)
# (dialect, table, columns) -> (rows per INSERT, its text); None: named parameters
_MULTI_INSERTS: dict[tuple[str, str, tuple[str, ...]], tuple[int, str] | None] = {}


def _insert_rows(
    conn: Connection, table: Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """INSERT ``rows`` (plain tuples in ``columns`` order, times as ``driver.stored_time``):
    hundreds per statement where the driver's parameters are positional (SQLite), else (and
    for the rest) one ``executemany``, as ``driver.insert_many``."""
    found = _multi_insert(conn, table, columns)
    whole = 0
    if found is not None:
        size, sql = found
        whole = len(rows) - len(rows) % size
        for first in range(0, whole, size):
            conn.exec_driver_sql(sql, tuple(chain.from_iterable(rows[first : first + size])))
    if whole < len(rows):
        driver.insert_many(conn, table, columns, rows[whole:])


def _multi_insert(
    conn: Connection, table: Table, columns: tuple[str, ...]
) -> tuple[int, str] | None:
    key = (conn.dialect.name, table.fullname, columns)
    if key not in _MULTI_INSERTS:
        statement = insert(table).values({name: bindparam(name) for name in columns})
        compiled = statement.compile(dialect=conn.dialect)
        order = getattr(compiled, "positiontup", None)
        head, values, group = str(compiled).partition(" VALUES ")
        # Only a plain positional INSERT (parameters in column order, nothing after VALUES)
        # is repeated; anything else goes row by row.
        if order is None or list(order) != list(columns) or not values or ")" in group[:-1]:
            _MULTI_INSERTS[key] = None
        else:
            size = next(
                (n for n in _ROWS_PER_INSERT if n * len(columns) <= _bound_values(conn)),
                _ROWS_PER_INSERT[-1],
            )
            _MULTI_INSERTS[key] = (size, f"{head} VALUES {', '.join([group] * size)}")
    return _MULTI_INSERTS[key]


def _bound_values(conn: Connection) -> int:
    """How many values one statement may bind, as the driver says (999 if it does not)."""
    driver_connection = conn.connection.dbapi_connection
    getlimit = getattr(driver_connection, "getlimit", None)
    if getlimit is None:
        return 999
    return int(getlimit(9))  # SQLITE_LIMIT_VARIABLE_NUMBER


def _inserted_ids(conn: Connection, floor: int, rows: list[tuple[Any, ...]]) -> list[int]:
    """The ids of ``rows`` (annotation values in ``_ANNOTATION_VALUES`` order), just inserted
    in this transaction when the largest id was ``floor``.

    Every new row gets a larger id than any before it (AUTOINCREMENT, a sequence): when the
    ids past ``floor`` span exactly as many numbers as rows were inserted, they are the rows'
    ids in order. Otherwise (rows another connection added meanwhile) they are looked up.
    """
    a = annotation_table
    new = a.c.id > floor
    span = select(func.min(a.c.id), func.max(a.c.id), func.count(a.c.id)).where(new)
    ((low, high, count),) = driver.plain_rows(conn, cast("Select[Any]", span))
    if count == len(rows) and high - low + 1 == count:
        return list(range(low, high + 1))
    annotators = sorted({row[2] for row in rows})
    found = driver.plain_rows(
        conn,
        select(a.c.annotator_id, a.c.document_id, a.c.label_id, a.c.start, a.c.end, a.c.id).where(
            new, a.c.annotator_id.in_(annotators)
        ),
    )
    # A span is unique per annotator.
    ids = {(who, d, lb, st, en): i for who, d, lb, st, en, i in found}
    return [ids[(who, d, lb, st, en)] for d, lb, who, st, en, *_rest in rows]


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
        "annotations": work_json(work),
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
    found = conn.execute(
        select(a.c.document_id, a.c.label_id, a.c.start, a.c.end, a.c.quote, a.c.note, a.c.id)
        .where(
            a.c.annotator_id == current.annotator_id,
            a.c.document_id.in_(exercise.documents),
        )
        .order_by(a.c.document_id, a.c.start, a.c.end, a.c.id)
    ).all()
    spans = [
        (int(d), names[int(label)], int(start), int(end), str(quote), str(note))
        for d, label, start, end, quote, note, _id in found
    ]
    attributes, relations, labels = read_extras(
        conn, int(current.annotator_id), list(exercise.documents), [int(r[6]) for r in found]
    )
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
        attributes,
        relations,
        labels,
    )


_EARLIER_ANNOTATORS = (
    select(submission_table.c.annotator_id)
    .where(submission_table.c.student_key == bindparam("student_key"))
    .distinct()
)


def _annotator_for(
    conn: Connection, run: _Run, exercise: ExerciseRecord, key: str, display: str
) -> tuple[int, str | None]:
    """The annotator a student's first submission of ``exercise`` goes to, and its name if it
    was made just now (None: an annotator of an earlier exercise)."""
    sub, ex, an = submission_table, exercise_table, annotator_table
    mine = set(exercise.documents)
    # The same student from earlier exercises keeps their annotator if no document is shared.
    earlier = conn.execute(_EARLIER_ANNOTATORS, {"student_key": key})
    for annotator_id in list(earlier.scalars()):
        used = conn.execute(
            select(ex.c.documents)
            .join(sub, sub.c.exercise_id == ex.c.id)
            .where(sub.c.annotator_id == annotator_id)
        ).scalars()
        shared = any(int(local) in mine for documents in used for _e, local in documents)
        if not shared:
            return int(annotator_id), None
    # "Name (id)" can be 400 characters; the name column holds 200 (a file would keep more,
    # a server refuses the row), so the name is cut to what both keep.
    shown = display[:ANNOTATOR_NAME_MAX]
    titled = f"{display} – {exercise.title}"[: ANNOTATOR_NAME_MAX - 10]
    numbered = (f"{titled} #{n}" for n in count(2))
    taken = run.taken_names(conn)
    candidate = first_free_name(chain([shown, titled], numbered), taken, str.casefold)
    made = _insert_one(conn, run.journal, an, {"name": candidate, "created_at": utcnow()})
    taken.add(candidate.casefold())
    return made, candidate


class _Run:
    """What one command's steps share: its journal, the names taken (read once), and the work
    of new annotators waiting to be stored together."""

    def __init__(self, journal: RowJournal) -> None:
        self.journal = journal
        self._taken: set[str] | None = None
        self.waiting: list[_NewWork] = []

    def taken_names(self, conn: Connection) -> set[str]:
        """Annotator names in use, casefolded: names differing only in case would read as one
        person. Read once per command; names it gives are added."""
        if self._taken is None:
            names = conn.execute(select(annotator_table.c.name)).scalars()
            self._taken = {str(n).casefold() for n in names}
        return self._taken

    def store(self, conn: Connection) -> None:
        """Store the work waiting; before anything reads annotations or statuses again."""
        if self.waiting:
            _store_new_work(conn, self.journal, self.waiting)
            self.waiting = []


_CURRENT_ROW = select(submission_table).where(
    submission_table.c.exercise_id == bindparam("exercise_id"),
    submission_table.c.student_key == bindparam("student_key"),
)
_ANNOTATOR_NAME = select(annotator_table.c.name).where(annotator_table.c.id == bindparam("id"))


def _current_row(conn: Connection, exercise_id: str, student_key: str) -> Any:
    params = {"exercise_id": exercise_id, "student_key": student_key}
    return conn.execute(_CURRENT_ROW, params).one_or_none()


def _annotator_name(conn: Connection, annotator_id: int) -> str:
    return str(conn.execute(_ANNOTATOR_NAME, {"id": annotator_id}).scalar_one())


def _make_current(
    conn: Connection,
    run: _Run,
    exercise: ExerciseRecord,
    student_key: str,
    display: str,
    work: Work,
    current: Any,
    reason: str,
) -> str:
    """``work`` becomes the student's current submission; the one it replaces is kept.

    The work of a new annotator waits in ``run`` (stored with the others by ``run.store``).
    """
    journal = run.journal
    if current is None:
        annotator_id, made = _annotator_for(conn, run, exercise, student_key, display)
        if made is not None:
            run.waiting.append((exercise, annotator_id, work))
        else:
            run.store(conn)
            _store_work(conn, journal, exercise, annotator_id, work)
        values = {
            "exercise_id": exercise.id,
            "student_key": student_key,
            "annotator_id": annotator_id,
            "collected_at": utcnow(),
            **work.columns(),
        }
        _insert_one(conn, journal, submission_table, values)
        if made is not None:
            return made
    else:
        run.store(conn)
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
        run = _Run(journal)
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
                conn, run, step.exercise, step.student_key, display, step.work, current, reason
            )
            self.annotators.append(name)
        run.store(conn)


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
        run = _Run(journal)
        self.annotator_name = _make_current(
            conn,
            run,
            self.exercise,
            version.student_key,
            self.display,
            version_work(version),
            current,
            reason,
        )
        run.store(conn)


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
