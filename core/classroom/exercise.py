"""Classroom exercises, the teacher's side: write an exercise file from a project, read one back.

An exercise freezes a codebook (labels, colours, keys, definitions), a guidelines text and a
choice of documents. The answer key (an annotator of the teacher's project) is recorded in the
teacher's project only: it never goes into the file handed to students. The records of the whole
classroom loop (exercise, student workspace, submission, collect report) live here too; those
the store returns (``ExerciseInfo``, ``SubmissionInfo``, ``SubmissionVersionInfo``) are defined
in ``core/store/classroom_records.py`` and named here. Recording an exercise is an undoable edit.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from claimdesk.core.classroom.exercise_codebook import (
    codebook_data,
    codebook_fingerprint,
    project_codebook,
    scheme_ids,
)
from claimdesk.core.classroom.exercise_files import ExerciseError as ExerciseError
from claimdesk.core.classroom.exercise_files import ExerciseFileError as ExerciseFileError
from claimdesk.core.classroom.exercise_files import (
    Fields,
    read_archive,
    timestamp_text,
    write_archive,
)
from claimdesk.core.classroom.submission_proof import Proof
from claimdesk.core.codebook import MAX_LABELS, Codebook, CodebookError, parse_codebook
from claimdesk.core.codebook_scheme import MAX_SCHEME_ITEMS
from claimdesk.core.errors import Cancelled as Cancelled  # re-exported for callers
from claimdesk.core.limits import has_controls
from claimdesk.core.records import AnnotatorRecord, Changes
from claimdesk.core.store import classroom as store
from claimdesk.core.store.classroom import utcnow
from claimdesk.core.store.classroom_edits import CreateExercise, SetExerciseKey
from claimdesk.core.store.classroom_records import ExerciseInfo as ExerciseInfo
from claimdesk.core.store.classroom_records import SubmissionInfo as SubmissionInfo
from claimdesk.core.store.classroom_records import SubmissionVersionInfo as SubmissionVersionInfo
from claimdesk.core.store.classroom_records import WorkDocLabels, WorkRelation
from claimdesk.core.suffixes import EXERCISE_SUFFIX

if TYPE_CHECKING:
    from claimdesk.core.store.project import Project


@dataclass(frozen=True)
class ExerciseDocument:
    """One document handed out: ``id`` is the document's id in the teacher's project."""

    id: int
    title: str
    text: str
    sha256: str


@dataclass(frozen=True)
class Exercise:
    """An exercise file as read (validated) from disk."""

    path: Path
    id: str
    title: str
    guidelines: str
    codebook: Codebook
    documents: tuple[ExerciseDocument, ...]
    fingerprint: str  # SHA-256 of the frozen codebook; submissions must carry the same
    created_at: datetime
    suggestions: bool = False  # the teacher lets students see suggestions


@dataclass(frozen=True)
class StudentWork:
    """A student's workspace project: which exercise, who, and how far they are."""

    exercise_id: str
    title: str
    guidelines: str
    student_name: str
    student_id: str  # "" when none was given
    annotator: AnnotatorRecord  # the student, as the annotator to open the main window with
    documents_done: int
    documents_total: int
    annotations: int
    seconds_spent: int
    started_at: datetime
    submitted_at: datetime | None
    exercise_path: Path | None  # where the exercise file was opened from, if known
    suggestions: bool = False  # the teacher lets this student see suggestions

    @property
    def progress_text(self) -> str:
        """E.g. "3 of 5 documents done · 42 claims"."""
        claims = "claim" if self.annotations == 1 else "claims"
        return (
            f"{self.documents_done} of {self.documents_total} documents done · "
            f"{self.annotations} {claims}"
        )


class SubmittedAnnotation(NamedTuple):
    """One annotation of a submission file. A named tuple: a class hands in tens of thousands,
    and a tuple is made (and compared) several times faster than a frozen dataclass."""

    document_id: int  # the document's id in the exercise (the teacher's project)
    label: str  # label name in the exercise codebook
    start: int
    end: int
    quote: str
    note: str = ""
    # Attribute values by name (submission files of format 3 on); none: the defaults apply
    attributes: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Submission:
    """A submission file as read (validated against its exercise) from disk."""

    path: Path
    exercise_id: str
    fingerprint: str
    student_name: str
    student_id: str
    seconds_spent: int
    submitted_at: datetime
    annotations: tuple[SubmittedAnnotation, ...]
    documents_done: tuple[int, ...] = ()
    proof: Proof | None = None  # None in files of format 1 (made before proofs)
    content_matches: bool = True  # False: edited after its workspace signed it
    # Format 3 on: relations between the annotations above, and document labels
    relations: tuple[WorkRelation, ...] = ()
    document_labels: tuple[WorkDocLabels, ...] = ()

    @property
    def student_key(self) -> str:
        """Who this is, for replacing an older submission: the id if given, else the name."""
        return student_key(self.student_name, self.student_id)


@dataclass
class CollectReport:
    """What collecting did, file by file (all lists hold ``(file, text)`` pairs).

    accepted: first submission of a student (text: the annotator name given to them).
    replaced: a newer submission of a student already collected (text: annotator name); the
    older one is kept in the exercise's history.
    held: a file that would replace a student's work but came from another workspace, without
    proof, or under another name (text: student and why); kept for the teacher, not applied.
    skipped: an older or identical copy of what is already collected (text: why).
    rejected: a bad file (text: the reason for the user, without the file name); nothing changed.
    All that was stored is one step of the project's undo history.
    """

    accepted: list[tuple[Path, str]] = field(default_factory=list)
    replaced: list[tuple[Path, str]] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    rejected: list[tuple[Path, str]] = field(default_factory=list)
    held: list[tuple[Path, str]] = field(default_factory=list)
    # What the project's views show that changed (empty when nothing was stored).
    changes: Changes = field(default_factory=Changes)

    @property
    def summary(self) -> str:
        held = f", {len(self.held)} held as conflicts" if self.held else ""
        return (
            f"{len(self.accepted)} accepted, {len(self.replaced)} replaced{held}, "
            f"{len(self.skipped)} skipped, {len(self.rejected)} rejected"
        )


def student_key(name: str, student_id: str) -> str:
    """Who a submission is from: the student id if given, else the name.

    Compared exactly after NFC and trimming/collapsing white space, never folding case: ids like
    "S1" and "s1" may be two students, and folding would let one replace the other's work.
    """
    number = unicodedata.normalize("NFC", " ".join(student_id.split()))
    if number:
        return "id:" + number
    return "name:" + unicodedata.normalize("NFC", " ".join(name.split()))


EXERCISE_MIMETYPE = "application/x-claimdesk-exercise"
EXERCISE_FORMAT = "claimdesk-exercise"
EXERCISE_VERSION = 1
MAX_DOCUMENTS = 1000
MAX_TEXT_CHARS = 20_000_000
MAX_GUIDELINES_CHARS = 200_000
# Values (objects, lists, numbers, strings) an exercise's JSON may hold, counted before parsing:
# a document is 5, a codebook label under 10, with room to spare; and what a scheme may hold.
MAX_EXERCISE_ITEMS = 20 * (MAX_DOCUMENTS + MAX_LABELS) + MAX_SCHEME_ITEMS + 1_000
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_EXERCISE_ID = re.compile(r"^[0-9a-f]{32}$")
_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def safe_filename(text: str, fallback: str) -> str:
    """A file name made from user text: no separators or characters Windows refuses."""
    name = _UNSAFE_FILENAME.sub("_", " ".join(text.split())).strip(" ._")[:80].strip(" ._")
    return name or fallback


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def create_exercise(
    project: Project,
    out: Path | str,
    *,
    title: str,
    document_ids: Sequence[int],
    guidelines: str = "",
    key_annotator: int | None = None,
    suggestions: bool = False,
) -> ExerciseInfo:
    """Write an exercise file (``*.claimdesk-exercise``) and record the exercise in ``project``.

    ``out`` is a file name (the suffix is added when missing) or an existing folder (the file is
    named after the title). The file holds the documents' texts, the project's codebook frozen
    with its fingerprint, the title and guidelines — never any annotation. ``key_annotator`` (an
    annotator id of ``project``, or None to choose later with ``set_key``) is the answer key.
    ``suggestions``: students see suggestions while they work (off unless the teacher says so).
    Raises ``ExerciseError`` (a ProjectError) for no documents, an unknown document or annotator,
    an empty codebook, or a file that exists already; nothing is written then.
    """
    title = " ".join(title.split())
    if not title:
        raise ExerciseError(project.path, "an exercise needs a title")
    if len(title) > 500:
        raise ExerciseError(project.path, "the exercise title is longer than 500 characters")
    if len(guidelines) > MAX_GUIDELINES_CHARS:
        raise ExerciseError(project.path, "the guidelines are longer than 200,000 characters")
    ids = list(dict.fromkeys(document_ids))
    if not ids:
        raise ExerciseError(project.path, "choose at least one document for the exercise")
    if len(ids) > MAX_DOCUMENTS:
        raise ExerciseError(project.path, f"an exercise holds at most {MAX_DOCUMENTS} documents")
    known = {document.id: document for document in project.documents()}
    missing = [str(i) for i in ids if i not in known]
    if missing:
        raise ExerciseError(project.path, f"no document with id {', '.join(missing)}")
    if key_annotator is not None and key_annotator not in {a.id for a in project.annotators()}:
        raise ExerciseError(project.path, f"no annotator with id {key_annotator}")
    if not project.labels():
        raise ExerciseError(project.path, "the project has no labels to hand out")
    codebook = project_codebook(project)
    label_ids = {label.name: label.id for label in project.labels()}
    target = _exercise_target(project, Path(out), title)

    exercise_id = uuid.uuid4().hex
    created = utcnow()
    fingerprint = codebook_fingerprint(codebook)
    documents = []
    for document_id in ids:
        text = project.document_text(document_id)
        documents.append(
            {
                "id": document_id,
                "title": known[document_id].title,
                "text": text,
                "sha256": text_sha256(text),
            }
        )
    data = {
        "format": EXERCISE_FORMAT,
        "version": EXERCISE_VERSION,
        "id": exercise_id,
        "title": title,
        "guidelines": guidelines,
        "created_at": timestamp_text(created),
        "fingerprint": fingerprint,
        "codebook": codebook_data(codebook),
        "documents": documents,
        "suggestions": bool(suggestions),
    }
    row = {
        "id": exercise_id,
        "title": title,
        "guidelines": guidelines,
        "fingerprint": fingerprint,
        # The label ids beside the frozen names: renaming a label later does not orphan it.
        "codebook": {
            **codebook_data(codebook),
            "label_ids": [label_ids[label.name] for label in codebook.labels],
            "scheme_ids": scheme_ids(project, codebook),
        },
        "documents": [[i, i] for i in ids],
        "key_annotator_id": key_annotator,
        "created_at": created,
        "suggestions": bool(suggestions),
    }
    try:
        write_archive(target, EXERCISE_MIMETYPE, "exercise.json", data)
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise ExerciseError(target, f"cannot be written ({exc.strerror or exc})") from None
    try:
        # One undoable step; undo forgets the exercise (the file written stays where it is).
        project.apply(CreateExercise(row))
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    info = _info(project, exercise_id)
    return replace(info, path=target)


def _exercise_target(project: Project, out: Path, title: str) -> Path:
    if out.is_dir():
        out = out / (safe_filename(title, "exercise") + EXERCISE_SUFFIX)
    elif not out.name.endswith(EXERCISE_SUFFIX):
        out = out.with_name(out.name + EXERCISE_SUFFIX)
    if out.exists():
        raise ExerciseError(out, "already exists; choose another name")
    if not out.parent.is_dir():
        raise ExerciseError(out, f"cannot be written: the folder {out.parent} does not exist")
    return out


def read_exercise(path: Path | str) -> Exercise:
    """Read and validate an exercise file (untrusted). Raises ``ExerciseFileError`` naming it."""
    path = Path(path)
    description = "a Claimdesk exercise"
    data = read_archive(
        path, EXERCISE_MIMETYPE, "exercise.json", description, max_items=MAX_EXERCISE_ITEMS
    )
    top = Fields(path, data, "the exercise")
    top.header(EXERCISE_FORMAT, EXERCISE_VERSION, description)
    exercise_id = top.text("id", limit=64)
    if not _EXERCISE_ID.match(exercise_id):
        raise top.fail(f'"id" is not an exercise id ({exercise_id[:40]!r})')
    title = " ".join(top.text("title", limit=500, empty=False).split())
    if has_controls(title):
        raise top.fail('"title" holds control characters')
    guidelines = top.text("guidelines", limit=MAX_GUIDELINES_CHARS, required=False)
    created_at = top.timestamp("created_at")
    fingerprint = top.text("fingerprint", limit=64)
    try:
        codebook = parse_codebook(top.data.get("codebook"), path)
    except CodebookError as exc:
        raise top.fail(f"its codebook {exc.reason}") from None
    if codebook_fingerprint(codebook) != fingerprint:
        raise top.fail("the codebook does not match its fingerprint; the file was altered")
    documents: list[ExerciseDocument] = []
    seen_ids: set[int] = set()
    seen_texts: set[str] = set()
    raw_documents = top.items("documents", limit=MAX_DOCUMENTS)
    if not raw_documents:
        raise top.fail("it holds no documents")
    for number, raw in enumerate(raw_documents, start=1):
        entry = Fields(path, raw, f"document {number}")
        document_id = entry.integer("id", low=1, high=2**62)
        text = entry.text("text", limit=MAX_TEXT_CHARS, empty=False)
        digest = entry.text("sha256", limit=64)
        if text_sha256(text) != digest:
            raise entry.fail("its text does not match its checksum; the file was altered")
        if document_id in seen_ids or digest in seen_texts:
            raise entry.fail("it appears twice")
        seen_ids.add(document_id)
        seen_texts.add(digest)
        title_text = entry.text("title", limit=500)
        documents.append(ExerciseDocument(document_id, title_text, text, digest))
    # Only an explicit true turns suggestions on (files made before the flag have none).
    suggestions = top.data.get("suggestions") is True
    return Exercise(
        path,
        exercise_id,
        title,
        guidelines,
        codebook,
        tuple(documents),
        fingerprint,
        created_at,
        suggestions,
    )


def exercises(project: Project) -> list[ExerciseInfo]:
    """The exercises recorded in a teacher's project, newest first, with submission counts."""
    return store.exercise_infos(project)


def set_key(project: Project, exercise_id: str, annotator_id: int | None) -> ExerciseInfo:
    """Choose (or clear, with None) the annotator whose annotations are the answer key."""
    exercise = _info(project, exercise_id)
    if annotator_id is not None and annotator_id not in {a.id for a in project.annotators()}:
        raise ExerciseError(project.path, f"no annotator with id {annotator_id}")
    project.apply(SetExerciseKey(exercise.id, annotator_id))
    return _info(project, exercise_id)


def _info(project: Project, exercise_id: str) -> ExerciseInfo:
    info = store.exercise_info(project, exercise_id)
    if info is None:
        raise ExerciseError(project.path, f"has no exercise {exercise_id!r}")
    return info


def guidelines_text(project: Project) -> str | None:
    """The guidelines of the project's exercises (newest first, each under its title) for the
    people who annotate a shared project; None when it has no exercise."""
    rows = sorted(store.exercise_rows(project), key=lambda row: row.created_at, reverse=True)
    if not rows:
        return None
    parts = [
        f"{row.title}\n\n{row.guidelines or 'The teacher gave no guidelines for this exercise.'}"
        for row in rows
    ]
    return "\n\n\n".join(parts)
