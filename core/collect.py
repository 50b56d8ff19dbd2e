"""Collecting submissions into the teacher's project: each file checked; bad ones change nothing.

A student becomes an annotator of the teacher's project named "Name (student id)", or "Name"
without an id. The same student keeps that annotator in later exercises unless those share a
document with an earlier one; a name already taken by someone else (the teacher's own
annotator, another student, or that case) gets " – <exercise title>" added, then " #2", " #3"...
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from core.edits import A, D, S
from core.exercise import (
    AN,
    EX,
    SUB,
    SUBMISSION_SUFFIX,
    Cancelled,
    CollectReport,
    ExerciseFileError,
    Progress,
    Submission,
    SubmissionInfo,
    SubmittedAnnotation,
)
from core.exercise_codebook import frozen_labels
from core.exercise_files import (
    MAX_FILE_BYTES,
    Fields,
    has_controls,
    read_archive,
    read_regular_file,
)
from core.models import utcnow
from core.project import Project
from core.records import Status
from core.workspace import (
    MAX_NAME_CHARS,
    SUBMISSION_FORMAT,
    SUBMISSION_MIMETYPE,
    SUBMISSION_VERSION,
    display_name,
)

_INSERT_ANNOTATION = (
    'INSERT INTO annotation (document_id, label_id, annotator_id, start, "end", quote, note, '
    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
MAX_ANNOTATIONS = 500_000
MAX_NOTE_CHARS = 100_000
MAX_QUOTE_CHARS = 1_000_000
MAX_OFFSET = 20_000_000
MAX_DOCUMENTS_DONE = 10_000
# Values the JSON may hold, counted before parsing: an annotation is an object of 6 values
# (7 structural characters), with room for the list of documents done and the header.
MAX_SUBMISSION_ITEMS = 8 * MAX_ANNOTATIONS + MAX_DOCUMENTS_DONE + 1_000
_HEX = re.compile(r"^[0-9a-f]{32}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
# A student's clock may run a little ahead of the teacher's; a submission dated later than this
# beyond the moment of collecting was altered (or made on a clock set wrong) and is refused: the
# newest submission wins, so a date in the future would win over every real later submission.
CLOCK_SKEW = timedelta(minutes=15)
_DESCRIPTION = "a Claimdesk submission"


def read_submission(path: Path | str) -> Submission:
    """Read a submission file (untrusted); structure only. Raises ``ExerciseFileError``."""
    path = Path(path)
    raw = read_archive(
        path, SUBMISSION_MIMETYPE, "submission.json", _DESCRIPTION, max_items=MAX_SUBMISSION_ITEMS
    )
    top = Fields(path, raw, "")
    top.where = "the submission"
    top.header(SUBMISSION_FORMAT, SUBMISSION_VERSION, _DESCRIPTION)
    exercise_id = top.text("exercise_id", limit=64)
    if not _HEX.match(exercise_id):
        raise top.fail(f'"exercise_id" is not an exercise id ({exercise_id[:40]!r})')
    fingerprint = top.text("fingerprint", limit=64)
    if not _HEX64.match(fingerprint):
        raise top.fail('"fingerprint" is not a codebook fingerprint')
    student = top.child("student")
    name = " ".join(student.text("name", limit=MAX_NAME_CHARS, empty=False).split())
    number = " ".join(student.text("id", limit=MAX_NAME_CHARS, required=False).split())
    if has_controls(name + number):
        # Terminal escapes or invisible controls in a name shown to the teacher: refused.
        raise student.fail("the name or id holds control characters")
    seconds = top.integer("seconds_spent", low=0, high=10 * 365 * 24 * 3600)
    submitted_at = top.timestamp("submitted_at")
    done = top.items("documents_done", limit=MAX_DOCUMENTS_DONE)
    for value in done:
        if not isinstance(value, int) or isinstance(value, bool):
            raise top.fail('"documents_done" should hold document ids')
    raw_annotations = top.items("annotations", limit=MAX_ANNOTATIONS)
    labels: dict[str, str] = {}
    annotations: list[SubmittedAnnotation] = []
    for number_in_file, raw in enumerate(raw_annotations, 1):
        annotation = _quick_annotation(raw, labels)
        if annotation is None:  # something is off: the careful path names what
            annotation = _annotation(Fields(path, raw, f"annotation {number_in_file}"))
        annotations.append(annotation)
    return Submission(
        path=path,
        exercise_id=exercise_id,
        fingerprint=fingerprint,
        student_name=name,
        student_id=number,
        seconds_spent=seconds,
        submitted_at=submitted_at,
        annotations=tuple(annotations),
        documents_done=tuple(done),
    )


def _annotation(entry: Fields) -> SubmittedAnnotation:
    start = entry.integer("start", low=0, high=MAX_OFFSET)
    end = entry.integer("end", low=1, high=MAX_OFFSET)
    if end <= start:
        raise entry.fail(f"it ends ({end}) before it starts ({start})")
    return SubmittedAnnotation(
        document_id=entry.integer("document", low=1, high=2**62),
        label=" ".join(entry.text("label", limit=200, empty=False).split()),
        start=start,
        end=end,
        quote=entry.text("quote", limit=MAX_QUOTE_CHARS),
        note=entry.text("note", limit=MAX_NOTE_CHARS, required=False),
    )


def _quick_annotation(raw: Any, labels: dict[str, str]) -> SubmittedAnnotation | None:
    """The common case checked fast (tens of thousands per class); None if anything is off."""
    if type(raw) is not dict:
        return None
    document, start, end = raw.get("document"), raw.get("start"), raw.get("end")
    label, quote, note = raw.get("label"), raw.get("quote"), raw.get("note", "")
    if not (
        type(document) is int
        and type(start) is int
        and type(end) is int
        and type(label) is str
        and type(quote) is str
        and type(note) is str
        and 1 <= document <= 2**62
        and 0 <= start < end <= MAX_OFFSET
        and 0 < len(label) <= 200
        and len(quote) <= MAX_QUOTE_CHARS
        and len(note) <= MAX_NOTE_CHARS
    ):
        return None
    name = labels.get(label)
    if name is None:
        name = labels[label] = " ".join(label.split())
        if not name:
            return None
    return SubmittedAnnotation(document, name, start, end, quote, note)


@dataclass
class _Exercise:
    id: str
    title: str
    fingerprint: str
    labels: dict[str, int]  # names in the frozen codebook -> label ids in this project
    documents: tuple[int, ...]  # document ids in this project


@dataclass
class _Candidate:
    submission: Submission
    digest: str


class _Context:
    """What checking a submission needs from the project, read once per collect."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.exercises: dict[str, _Exercise] = {}
        with project.engine.connect() as conn:
            query = select(EX.c.id, EX.c.title, EX.c.fingerprint, EX.c.codebook, EX.c.documents)
            rows = conn.execute(query).all()
        current = self.project.labels()
        for row in rows:
            documents = tuple(int(local) for _exercise_doc, local in row.documents)
            self.exercises[row.id] = _Exercise(
                row.id, row.title, row.fingerprint, frozen_labels(row.codebook, current), documents
            )
        self._texts: dict[int, str] = {}

    def text(self, document_id: int) -> str:
        """The stored text, read afresh (not from the project's cache): KeyError if it is gone."""
        if document_id not in self._texts:
            with self.project.engine.connect() as conn:
                found = conn.execute(select(D.c.text).where(D.c.id == document_id)).scalar()
            if found is None:
                raise KeyError(document_id)
            self._texts[document_id] = str(found)
        return self._texts[document_id]


def _check(
    context: _Context, submission: Submission, exercise_id: str | None, now: datetime
) -> _Exercise:
    """Raise ExerciseFileError (naming the file) unless the submission fits its exercise."""
    path = submission.path

    def fail(reason: str) -> ExerciseFileError:
        return ExerciseFileError(path, reason)

    if submission.submitted_at > now + CLOCK_SKEW:
        raise fail(
            f"is dated in the future (submitted {submission.submitted_at:%Y-%m-%d %H:%M} UTC, "
            f"now {now:%Y-%m-%d %H:%M} UTC); the file was altered or the student's clock is "
            "wrong. Ask for a new submission made with the right date."
        )

    exercise = context.exercises.get(submission.exercise_id)
    wanted = context.exercises.get(exercise_id) if exercise_id else None
    if exercise_id and submission.exercise_id != exercise_id:
        other = f" ({exercise.title!r})" if exercise is not None else ""
        title = wanted.title if wanted is not None else exercise_id
        raise fail(f"is for another exercise{other}, not {title!r}")
    if exercise is None:
        raise fail("is for an exercise that is not in this project")
    if submission.fingerprint != exercise.fingerprint:
        raise fail("was made with a different codebook than the exercise; it was not collected")
    documents = set(exercise.documents)
    seen: set[tuple[int, str, int, int]] = set()
    for number, annotation in enumerate(submission.annotations, start=1):
        where = f"annotation {number}"
        if annotation.document_id not in documents:
            raise fail(f"{where} points to document {annotation.document_id}, not in the exercise")
        if annotation.label not in exercise.labels:
            raise fail(
                f"{where} uses the label {annotation.label!r}, not in the exercise "
                "(or deleted from this project since)"
            )
        try:
            text = context.text(annotation.document_id)
        except KeyError:
            raise fail(
                f"{where} points to document {annotation.document_id}, no longer in this project"
            ) from None
        if annotation.end > len(text):
            raise fail(
                f"{where} ends at {annotation.end}, outside its document (0–{len(text)}); "
                "the file was altered or made for other texts"
            )
        if text[annotation.start : annotation.end] != annotation.quote:
            raise fail(f"{where} quotes text that is not at {annotation.start}–{annotation.end}")
        key = (annotation.document_id, annotation.label, annotation.start, annotation.end)
        if key in seen:
            raise fail(f"{where} appears twice")
        seen.add(key)
    if not set(submission.documents_done) <= documents:
        raise fail("marks as done a document that is not in the exercise")
    return exercise


def _submission_files(paths: Iterable[Path | str], report: CollectReport) -> list[Path]:
    files: list[Path] = []
    for entry in map(Path, paths):
        if entry.is_dir():
            # Every name with the suffix is listed; reading refuses FIFOs, devices and folders
            # by name (is_file would skip them without a word).
            files.extend(sorted(entry.rglob(f"*{SUBMISSION_SUFFIX}")))
        elif entry.exists() or entry.is_symlink():
            files.append(entry)
        else:
            report.rejected.append((entry, "does not exist"))
    return list(dict.fromkeys(files))


def collect(
    project: Project,
    paths: Iterable[Path | str],
    *,
    exercise_id: str | None = None,
    progress: Progress | None = None,
) -> CollectReport:
    """Collect submission files and folders (searched recursively) into the teacher's project.

    Each file is checked: it is a well-formed submission of an exercise of this project (of
    ``exercise_id`` when given), with the same codebook fingerprint, and every annotation lies
    inside its document with the quote it claims. A good file becomes the annotations of the
    student's annotator; a newer submission from the same student (same student id, or same name
    when there is no id) replaces the older one, an older or identical one is skipped. A file
    dated more than ``CLOCK_SKEW`` after now is refused (else it would win over every later
    submission). A bad file is listed in ``rejected`` with the reason and leaves the project
    exactly as it was.
    All good files are stored in one transaction. ``progress(done, total)`` is called after each
    file is checked; returning False raises ``Cancelled`` with nothing written.
    """
    report = CollectReport()
    context = _Context(project)
    newest: dict[tuple[str, str], _Candidate] = {}
    files = _submission_files(paths, report)
    now = utcnow()
    for done, path in enumerate(files, start=1):
        if progress is not None and not progress(done - 1, len(files)):
            raise Cancelled
        try:
            submission = read_submission(path)
            _check(context, submission, exercise_id, now)
            digest = hashlib.sha256(
                read_regular_file(path, MAX_FILE_BYTES, _DESCRIPTION)
            ).hexdigest()
        except ExerciseFileError as exc:
            report.rejected.append((path, exc.reason))
            continue
        except OSError as exc:
            report.rejected.append((path, f"cannot be read ({exc.strerror})"))
            continue
        key = (submission.exercise_id, submission.student_key)
        candidate = _Candidate(submission, digest)
        earlier = newest.get(key)
        if earlier is None:
            newest[key] = candidate
            continue
        older, newer = sorted(
            (earlier, candidate), key=lambda c: (c.submission.submitted_at, str(c.submission.path))
        )
        newest[key] = newer
        why = (
            f"the same file as {newer.submission.path.name}"
            if older.digest == newer.digest
            else f"a newer submission of this student is {newer.submission.path.name}"
        )
        report.skipped.append((older.submission.path, why))
    if progress is not None and not progress(len(files), len(files)):
        raise Cancelled
    stored = CollectReport()
    with project.engine.begin() as conn:
        for candidate in newest.values():
            _store(conn, context, candidate, stored)
    report.accepted += stored.accepted
    report.replaced += stored.replaced
    report.skipped += stored.skipped
    return report


def _store(
    conn: Connection, context: _Context, candidate: _Candidate, report: CollectReport
) -> None:
    submission = candidate.submission
    exercise = context.exercises[submission.exercise_id]
    key = submission.student_key
    existing = conn.execute(
        select(SUB.c.id, SUB.c.annotator_id, SUB.c.submitted_at, SUB.c.file_sha256).where(
            SUB.c.exercise_id == exercise.id, SUB.c.student_key == key
        )
    ).one_or_none()
    if existing is not None and existing.file_sha256 == candidate.digest:
        report.skipped.append((submission.path, "already collected"))
        return
    if existing is not None and existing.submitted_at >= submission.submitted_at:
        report.skipped.append(
            (
                submission.path,
                "older than the submission already collected from this student "
                f"(submitted {existing.submitted_at:%Y-%m-%d %H:%M} UTC)",
            )
        )
        return
    if existing is not None:
        annotator_id = int(existing.annotator_id)
        conn.execute(
            delete(A).where(
                A.c.annotator_id == annotator_id, A.c.document_id.in_(exercise.documents)
            )
        )
    else:
        annotator_id = _annotator_for(conn, exercise, submission)
    now = utcnow()
    stamp = now.isoformat(" ", timespec="microseconds")
    label_ids = exercise.labels
    rows = [
        (
            annotation.document_id,
            label_ids[annotation.label],
            annotator_id,
            annotation.start,
            annotation.end,
            annotation.quote,
            annotation.note,
            stamp,
            stamp,
        )
        for annotation in submission.annotations
    ]
    if rows:
        # Plain DB-API executemany: at 40,000 rows SQLAlchemy's per-value processing costs more
        # than SQLite's inserts. Timestamps in SQLAlchemy's SQLite format.
        conn.exec_driver_sql(_INSERT_ANNOTATION, rows)
    touched = {annotation.document_id for annotation in submission.annotations}
    done = set(submission.documents_done)
    conn.execute(
        delete(S).where(S.c.annotator_id == annotator_id, S.c.document_id.in_(exercise.documents))
    )
    statuses = [
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
        conn.execute(insert(S), statuses)
    values: dict[str, Any] = {
        "student_name": submission.student_name,
        "student_id": submission.student_id,
        "submitted_at": submission.submitted_at,
        "seconds_spent": submission.seconds_spent,
        "collected_at": now,
        "file_name": submission.path.name,
        "file_sha256": candidate.digest,
        "annotation_count": len(rows),
    }
    if existing is not None:
        conn.execute(update(SUB).where(SUB.c.id == existing.id).values(values))
    else:
        conn.execute(
            insert(SUB).values(
                exercise_id=exercise.id, student_key=key, annotator_id=annotator_id, **values
            )
        )
    name = conn.execute(select(AN.c.name).where(AN.c.id == annotator_id)).scalar_one()

    (report.replaced if existing is not None else report.accepted).append((submission.path, name))


def _annotator_for(conn: Connection, exercise: _Exercise, submission: Submission) -> int:
    key = submission.student_key
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
    base = display_name(submission.student_name, submission.student_id)
    candidates = [base, f"{base} – {exercise.title}"[:190]]
    candidate = next((c for c in candidates if c.casefold() not in taken), None)
    number = 2
    while candidate is None:
        attempt = f"{candidates[1]} #{number}"
        candidate = attempt if attempt.casefold() not in taken else None
        number += 1
    created = conn.execute(insert(AN).values(name=candidate, created_at=utcnow()))
    assert created.inserted_primary_key is not None
    return int(created.inserted_primary_key[0])


def submissions(project: Project, exercise_id: str) -> list[SubmissionInfo]:
    """The submissions collected for an exercise, by student name."""
    query = (
        select(
            SUB.c.exercise_id,
            SUB.c.student_name,
            SUB.c.student_id,
            SUB.c.annotator_id,
            AN.c.name.label("annotator_name"),
            SUB.c.submitted_at,
            SUB.c.collected_at,
            SUB.c.seconds_spent,
            SUB.c.annotation_count,
            SUB.c.file_name,
        )
        .join(AN, AN.c.id == SUB.c.annotator_id)
        .where(SUB.c.exercise_id == exercise_id)
    )
    with project.engine.connect() as conn:
        rows = [SubmissionInfo(**row._mapping) for row in conn.execute(query)]
    return sorted(rows, key=lambda s: (s.student_name.casefold(), s.student_id))
