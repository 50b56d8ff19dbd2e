"""The classroom's rows, read: exercises, a student's workspace, collected submissions and the
versions kept beside them, as plain records (``classroom_records.py``). Changes are commands on the
edit history (``classroom_edits.py``), except a workspace's own bookkeeping at the end of this
module, which no command reads or writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, String, column, func, insert, select, text, update

from claimdesk.core.records import Status
from claimdesk.core.store import driver
from claimdesk.core.store.classroom_records import (
    CurrentSubmission,
    ExerciseInfo,
    ExerciseRow,
    KeptVersion,
    SubmissionInfo,
    SubmissionVersionInfo,
    Work,
    WorkspaceActivity,
    WorkspaceCreated,
    WorkspaceRecord,
    WorkspaceSetup,
)
from claimdesk.core.store.classroom_scheme import work_parts
from claimdesk.core.store.tables import (
    annotation_attribute_table,
    annotation_table,
    annotator_table,
    document_label_table,
    document_table,
    exercise_table,
    label_table,
    relation_table,
    status_table,
    submission_table,
    workspace_table,
)
from claimdesk.core.store.tables import submission_version_table as version_table
from claimdesk.core.store.tables import utcnow as utcnow  # the classroom's clock, as stored

if TYPE_CHECKING:
    from claimdesk.core.store.project import Project


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
            ex.c.suggestions,
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
        suggestions=bool(row.suggestions),
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


def document_titles(project: Project, document_ids: Iterable[int]) -> dict[int, str]:
    """The titles of these documents still in the project, by id (not every document's)."""
    d = document_table
    query = select(d.c.id, d.c.title).where(d.c.id.in_(list(document_ids)))
    with project.reading() as conn:
        return {int(i): str(title) for i, title in conn.execute(query)}


def scheme_rows_in(project: Project, document_ids: Sequence[int]) -> tuple[bool, bool, bool]:
    """Whether these documents hold any attribute value, relation, document label (each read
    per document only where some exist: a class that uses none is graded without them)."""
    a, v = annotation_table, annotation_attribute_table
    valued = select(v.c.annotation_id).join(a, a.c.id == v.c.annotation_id)
    queries = (
        valued.where(a.c.document_id.in_(document_ids)),
        select(relation_table.c.id).where(relation_table.c.document_id.in_(document_ids)),
        select(document_label_table.c.document_id).where(
            document_label_table.c.document_id.in_(document_ids)
        ),
    )
    with project.reading() as conn:
        found = [conn.execute(query.limit(1)).first() is not None for query in queries]
    return found[0], found[1], found[2]


def annotator_name(project: Project, annotator_id: int) -> str | None:
    """An annotator's name; None if there is no such annotator."""
    query = select(annotator_table.c.name).where(annotator_table.c.id == annotator_id)
    with project.reading() as conn:
        found = conn.execute(query).scalar()
    return None if found is None else str(found)


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


def version_work(row: Any) -> Work:
    """A row of exercise_submission_version as data."""
    spans, attributes, relations, labels = work_parts(row.annotations)
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
        spans,
        [int(d) for d in row.documents_done],
        attributes,
        relations,
        labels,
    )


def kept_version(project: Project, version_id: int) -> KeptVersion | None:
    query = select(version_table).where(version_table.c.id == version_id)
    with project.reading() as conn:
        row = conn.execute(query).one_or_none()
    if row is None:
        return None
    return KeptVersion(row.id, row.exercise_id, row.student_key, row.state, version_work(row))


def claim_rows(
    project: Project, document_ids: Sequence[int], annotator_ids: Sequence[int]
) -> list[tuple[int, int, int, int, int, int]]:
    """(annotator, document, label, start, end, annotation id) of these annotators on these
    documents, ordered by document, annotator and position (start, end, label). No quote: it
    is the text between start and end (checked when stored), sliced by the caller."""
    # Plain driver rows: a class of 40 brings tens of thousands; row objects would cost more.
    # Everything asked for is in the index on (document, annotator, start, end, label), in its
    # order: the rows come from the index alone, with no sort and no visit to the table.
    a = annotation_table
    query = (
        select(a.c.annotator_id, a.c.document_id, a.c.label_id, a.c.start, a.c.end, a.c.id)
        .where(a.c.document_id.in_(document_ids), a.c.annotator_id.in_(annotator_ids))
        .order_by(a.c.document_id, a.c.annotator_id, a.c.start, a.c.end, a.c.label_id)
    )
    with project.reading() as conn:
        rows = driver.plain_rows(conn, query)
    return cast(list[tuple[int, int, int, int, int, int]], rows)


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
            ex.c.suggestions,
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
    values["suggestions"] = bool(row.suggestions)
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


def student_spans(
    project: Project, annotator_id: int
) -> list[tuple[int, str, int, int, str, str, int]]:
    """(document, label name, start, end, quote, note, annotation id) of an annotator, in
    document order."""
    a, lb = annotation_table, label_table
    query = (
        select(a.c.document_id, lb.c.name, a.c.start, a.c.end, a.c.quote, a.c.note, a.c.id)
        .join(lb, lb.c.id == a.c.label_id)
        .where(a.c.annotator_id == annotator_id)
        .order_by(a.c.document_id, a.c.start, a.c.end, a.c.id)
    )
    with project.reading() as conn:
        return [
            (int(d), str(name), int(start), int(end), str(quote), str(note), int(i))
            for d, name, start, end, quote, note, i in conn.execute(query)
        ]


def documents_done(project: Project, annotator_id: int) -> list[int]:
    """The documents an annotator marked done."""
    s = status_table
    query = select(s.c.document_id).where(
        s.c.annotator_id == annotator_id, s.c.status == Status.DONE.value
    )
    with project.reading() as conn:
        return [int(d) for d in conn.execute(query).scalars()]


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
                suggestions=setup.suggestions,
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


def signed_in_students(project: Project) -> list[tuple[int, str]]:
    """(annotator id, name) of everyone who signs in to this server project as an annotator
    (a login role in its ``<db>_annotator`` group), gold set excluded; [] for a file."""
    if project.server is None:
        return []
    from claimdesk.core.store.server_admin import group_role

    group = group_role(project.server.database, "annotator")
    an = annotator_table
    # pg_auth_members is readable by every role: a curator or owner finds the class here.
    members = text(
        "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
        "JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = :group"
    ).columns(column("rolname", String))
    query = select(an.c.id, an.c.name).where(
        an.c.login.in_(select(members.subquery().c.rolname)), an.c.is_gold.is_(False)
    )
    with project.reading() as conn:
        return [(int(i), str(name)) for i, name in conn.execute(query, {"group": group})]
