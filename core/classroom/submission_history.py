"""A student's submissions kept beside the current one: history to go back to, held conflicts.

The current submission of a student is the row in ``exercise_submission`` and the annotations of
their annotator on the exercise's documents (what grades count). Every other version lives in
``exercise_submission_version`` with its annotations as data: ``replaced`` ones (history) and
``held`` ones (a file collect did not apply). Restoring or accepting one swaps it with the
current one, which goes into the history in its turn: nothing is ever lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from claimdesk.core.classroom.exercise import (
    AN,
    EX,
    SUB,
    VER,
    ExerciseError,
    SubmissionVersionInfo,
)
from claimdesk.core.classroom.exercise_codebook import frozen_labels
from claimdesk.core.records import Status
from claimdesk.core.store.edits import A, D, L, S
from claimdesk.core.store.project import Project
from claimdesk.core.store.tables import utcnow

_INSERT_ANNOTATION = (
    'INSERT INTO annotation (document_id, label_id, annotator_id, start, "end", quote, note, '
    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass
class ExerciseRecord:
    """An exercise of the teacher's project as collecting needs it."""

    id: str
    title: str
    fingerprint: str
    labels: dict[str, int]  # names in the frozen codebook -> label ids in this project
    documents: tuple[int, ...]  # document ids in this project


def load_exercises(project: Project) -> dict[str, ExerciseRecord]:
    with project.engine.connect() as conn:
        query = select(EX.c.id, EX.c.title, EX.c.fingerprint, EX.c.codebook, EX.c.documents)
        rows = conn.execute(query).all()
    current = project.labels()
    return {
        row.id: ExerciseRecord(
            row.id,
            row.title,
            row.fingerprint,
            frozen_labels(row.codebook, current),
            tuple(int(local) for _exercise_doc, local in row.documents),
        )
        for row in rows
    }


# (document id, label name in the frozen codebook, start, end, quote, note)
Span = tuple[int, str, int, int, str, str]


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


def store_work(conn: Connection, exercise: ExerciseRecord, annotator_id: int, work: Work) -> None:
    """Make ``work`` the annotator's annotations and statuses on the exercise's documents."""
    documents = exercise.documents
    conn.execute(delete(A).where(A.c.annotator_id == annotator_id, A.c.document_id.in_(documents)))
    now = utcnow()
    stamp = now.isoformat(" ", timespec="microseconds")
    rows = []
    labels = exercise.labels  # checked by the caller: every label of the work is there
    for document_id, label, start, end, quote, note in work.spans:
        rows.append(
            (document_id, labels[label], annotator_id, start, end, quote, note, stamp, stamp)
        )
    if rows:
        # Plain DB-API executemany: at 40,000 rows SQLAlchemy's per-value processing costs more
        # than SQLite's inserts. Timestamps in SQLAlchemy's SQLite format.
        conn.exec_driver_sql(_INSERT_ANNOTATION, rows)
    touched = {span[0] for span in work.spans}
    done = set(work.documents_done)
    conn.execute(delete(S).where(S.c.annotator_id == annotator_id, S.c.document_id.in_(documents)))
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
        conn.execute(insert(S), statuses)


def current_work(conn: Connection, exercise: ExerciseRecord, current: Any) -> Work:
    """The collected submission ``current`` (a row of exercise_submission), as data."""
    names = {label_id: name for name, label_id in exercise.labels.items()}
    for label_id, name in conn.execute(select(L.c.id, L.c.name)):
        names.setdefault(int(label_id), str(name))
    spans = [
        (int(d), names[int(label)], int(start), int(end), str(quote), str(note))
        for d, label, start, end, quote, note in conn.execute(
            select(A.c.document_id, A.c.label_id, A.c.start, A.c.end, A.c.quote, A.c.note)
            .where(
                A.c.annotator_id == current.annotator_id,
                A.c.document_id.in_(exercise.documents),
            )
            .order_by(A.c.document_id, A.c.start, A.c.end, A.c.id)
        )
    ]
    done = conn.execute(
        select(S.c.document_id).where(
            S.c.annotator_id == current.annotator_id,
            S.c.document_id.in_(exercise.documents),
            S.c.status == Status.DONE.value,
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


def keep_version(
    conn: Connection, exercise_id: str, student_key: str, work: Work, state: str, reason: str
) -> int:
    values = work.columns()
    created = conn.execute(
        insert(VER).values(
            exercise_id=exercise_id,
            student_key=student_key,
            state=state,
            reason=reason,
            collected_at=utcnow(),
            annotations=[list(span) for span in work.spans],
            documents_done=list(work.documents_done),
            **values,
        )
    )
    assert created.inserted_primary_key is not None
    return int(created.inserted_primary_key[0])


def archive_current(conn: Connection, exercise: ExerciseRecord, current: Any, reason: str) -> None:
    """Keep the current submission in the history before something takes its place."""
    work = current_work(conn, exercise, current)
    keep_version(conn, exercise.id, current.student_key, work, "replaced", reason)


def annotator_for(conn: Connection, exercise: ExerciseRecord, key: str, display: str) -> int:
    """The annotator a student's first submission of ``exercise`` goes to (made if needed)."""
    mine = set(exercise.documents)
    # The same student from earlier exercises keeps their annotator if no document is shared.
    earlier = conn.execute(
        select(SUB.c.annotator_id).where(SUB.c.student_key == key).distinct()
    ).scalars()
    for annotator_id in list(earlier):
        used = conn.execute(
            select(EX.c.documents)
            .join(SUB, SUB.c.exercise_id == EX.c.id)
            .where(SUB.c.annotator_id == annotator_id)
        ).scalars()
        shared = any(int(local) in mine for documents in used for _e, local in documents)
        if not shared:
            return int(annotator_id)
    taken = {str(n).casefold() for n in conn.execute(select(AN.c.name)).scalars()}
    candidates = [display, f"{display} – {exercise.title}"[:190]]
    candidate = next((c for c in candidates if c.casefold() not in taken), None)
    number = 2
    while candidate is None:
        attempt = f"{candidates[1]} #{number}"
        candidate = attempt if attempt.casefold() not in taken else None
        number += 1
    created = conn.execute(insert(AN).values(name=candidate, created_at=utcnow()))
    assert created.inserted_primary_key is not None
    return int(created.inserted_primary_key[0])


def history(project: Project, exercise_id: str) -> list[SubmissionVersionInfo]:
    """The kept submissions of an exercise: held conflicts first, then the history, newest first."""
    query = select(
        VER.c.id,
        VER.c.exercise_id,
        VER.c.state,
        VER.c.reason,
        VER.c.student_name,
        VER.c.student_id,
        VER.c.submitted_at,
        VER.c.collected_at,
        VER.c.annotation_count,
        VER.c.file_name,
    ).where(VER.c.exercise_id == exercise_id)
    with project.engine.connect() as conn:
        rows = [SubmissionVersionInfo(**row._mapping) for row in conn.execute(query)]
    rows.sort(key=lambda v: (v.state != "held", v.student_name.casefold(), -v.id))
    return rows


def restore(project: Project, version_id: int, *, held_only: bool = False) -> str:
    """Make a kept submission (history or held conflict) the student's current one again.

    The submission it takes the place of goes into the history. Returns the annotator's name.
    Raises ``ExerciseError`` for an unknown id (or, with ``held_only``, one that is not held).
    """
    exercises = load_exercises(project)
    with project.engine.begin() as conn:
        version = conn.execute(select(VER).where(VER.c.id == version_id)).one_or_none()
        if version is None or (held_only and version.state != "held"):
            what = "held conflict" if held_only else "kept submission"
            raise ExerciseError(project.path, f"has no {what} numbered {version_id}")
        exercise = exercises[version.exercise_id]
        present = set(conn.execute(select(D.c.id).where(D.c.id.in_(exercise.documents))).scalars())
        spans = [tuple(span) for span in version.annotations]
        gone = sorted({int(span[0]) for span in spans} - present)
        if gone:
            raise ExerciseError(
                project.path, f"document {gone[0]} of that submission is no longer in the project"
            )
        missing = sorted({str(span[1]) for span in spans} - set(exercise.labels))
        if missing:
            raise ExerciseError(
                project.path, f"the label {missing[0]!r} of that submission is no longer in it"
            )
        work = Work(
            version.student_name,
            version.student_id,
            version.submitted_at,
            version.seconds_spent,
            version.file_name,
            version.file_sha256,
            version.workspace_id,
            version.sequence,
            version.chain_key,
            [(int(d), str(lb), int(s), int(e), str(q), str(n)) for d, lb, s, e, q, n in spans],
            [int(d) for d in version.documents_done],
        )
        current = conn.execute(
            select(SUB).where(
                SUB.c.exercise_id == version.exercise_id,
                SUB.c.student_key == version.student_key,
            )
        ).one_or_none()
        conn.execute(delete(VER).where(VER.c.id == version_id))
        if current is not None:
            archive_current(
                conn, exercise, current, f"replaced when {version.file_name} was restored"
            )
            annotator_id = int(current.annotator_id)
            store_work(conn, exercise, annotator_id, work)
            conn.execute(
                update(SUB)
                .where(SUB.c.id == current.id)
                .values(collected_at=utcnow(), **work.columns())
            )
        else:
            from claimdesk.core.classroom.workspace import display_name

            display = display_name(work.student_name, work.student_id)
            annotator_id = annotator_for(conn, exercise, version.student_key, display)
            store_work(conn, exercise, annotator_id, work)
            conn.execute(
                insert(SUB).values(
                    exercise_id=exercise.id,
                    student_key=version.student_key,
                    annotator_id=annotator_id,
                    collected_at=utcnow(),
                    **work.columns(),
                )
            )
        name = conn.execute(select(AN.c.name).where(AN.c.id == annotator_id)).scalar_one()
    return str(name)
