"""Collecting submissions into the teacher's project: each file checked; bad ones change nothing.

A student becomes an annotator of the teacher's project named "Name (student id)", or "Name"
without an id. The same student keeps that annotator in later exercises unless those share a
document with an earlier one; a name already taken by someone else (the teacher's own
annotator, another student, or that case) gets " – <exercise title>" added, then " #2", " #3"...

A later file replaces a student's work only if it proves it comes from the same workspace as
the file first collected (``core/submission_proof.py``) under the same name; otherwise it is
held for the teacher as a conflict. Replaced submissions are kept (``core/submission_history``).

Collecting is two steps: ``check_submissions`` reads and checks the files and decides what each
does (nothing is written; a worker thread can do it with its own connection), then
``collect_checked`` stores it as one edit of the project (``core/store/classroom_edits.py``):
one Undo takes the whole collect back. ``collect`` does both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from claimdesk.core.classroom.exercise import (
    Cancelled,
    CollectReport,
    ExerciseFileError,
    Submission,
    SubmissionInfo,
    SubmittedAnnotation,
)
from claimdesk.core.classroom.exercise_files import Fields, read_archive_digest
from claimdesk.core.classroom.submission_history import ExerciseRecord, Work, load_exercises
from claimdesk.core.classroom.submission_proof import CHAIN_LENGTH, Proof, content_matches, follows
from claimdesk.core.classroom.submission_scheme import (
    MAX_DOCUMENT_LABELS,
    MAX_RELATIONS,
    check_extras,
    read_document_labels,
    read_relations,
    richer_annotation,
)
from claimdesk.core.classroom.workspace import (
    MAX_NAME_CHARS,
    SUBMISSION_FORMAT,
    SUBMISSION_MIMETYPE,
    SUBMISSION_VERSION,
    display_name,
    identity_problem,
)
from claimdesk.core.gc_pause import without_collection
from claimdesk.core.limits import printable
from claimdesk.core.progress import Progress
from claimdesk.core.records import SchemeRecords
from claimdesk.core.store import classroom as store
from claimdesk.core.store.classroom import utcnow
from claimdesk.core.store.classroom_edits import (
    Accept,
    CollectStep,
    CollectSubmissions,
    Hold,
    Replace,
)
from claimdesk.core.store.classroom_records import CurrentSubmission, WorkDocLabels, WorkRelation
from claimdesk.core.store.project import Project
from claimdesk.core.suffixes import SUBMISSION_SUFFIX

MAX_ANNOTATIONS = 500_000
MAX_NOTE_CHARS = 100_000
MAX_QUOTE_CHARS = 1_000_000
MAX_OFFSET = 20_000_000
MAX_DOCUMENTS_DONE = 10_000
# Values the JSON may hold, counted before parsing: an annotation is an object of 6 values
# (7 structural characters), in format 3 with a ref and a few attribute values (about 14 in
# all); a relation is an object of 3; then the document labels, documents done and the header.
MAX_SUBMISSION_ITEMS = (
    14 * MAX_ANNOTATIONS + 4 * MAX_RELATIONS + 6 * MAX_DOCUMENT_LABELS + MAX_DOCUMENTS_DONE + 1_000
)
_HEX = re.compile(r"^[0-9a-f]{32}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
# A student's clock may run a little ahead of the teacher's; a submission dated later than this
# beyond the moment of collecting was altered (or made on a clock set wrong) and is refused.
CLOCK_SKEW = timedelta(minutes=15)
_DESCRIPTION = "a Claimdesk submission"


def read_submission(path: Path | str) -> Submission:
    """Read a submission file (untrusted); structure only. Raises ``ExerciseFileError``."""
    return _read(Path(path))[0]


def _read(path: Path) -> tuple[Submission, str]:
    """The submission and the SHA-256 of the file as read."""
    raw, digest = read_archive_digest(
        path, SUBMISSION_MIMETYPE, "submission.json", _DESCRIPTION, max_items=MAX_SUBMISSION_ITEMS
    )
    top = Fields(path, raw, "")
    top.where = "the submission"
    top.header(SUBMISSION_FORMAT, SUBMISSION_VERSION, _DESCRIPTION)
    exercise_id = top.text("exercise_id", limit=64)
    if not _HEX.match(exercise_id):
        raise top.fail(f'"exercise_id" is not an exercise id ({printable(exercise_id, 40)!r})')
    fingerprint = top.text("fingerprint", limit=64)
    if not _HEX64.match(fingerprint):
        raise top.fail('"fingerprint" is not a codebook fingerprint')
    student = top.child("student")
    name = _clean(student.text("name", limit=MAX_NAME_CHARS, empty=False))
    number = _clean(student.text("id", limit=MAX_NAME_CHARS, required=False))
    problem = identity_problem(name, number)
    if problem is not None:
        # Terminal escapes or bidi overrides shown to the teacher: refused.
        raise student.fail(problem)
    seconds = top.integer("seconds_spent", low=0, high=10 * 365 * 24 * 3600)
    submitted_at = top.timestamp("submitted_at")
    done = top.items("documents_done", limit=MAX_DOCUMENTS_DONE)
    for value in done:
        if not isinstance(value, int) or isinstance(value, bool):
            raise top.fail('"documents_done" should hold document ids')
    raw_annotations = top.items("annotations", limit=MAX_ANNOTATIONS)
    version = top.data["version"]
    labels: dict[str, str] = {}
    refs: dict[int, int] = {}  # format 3: an annotation's "ref" -> its position
    quick = _quick_annotations(raw_annotations)
    annotations: list[SubmittedAnnotation] = quick if quick is not None else []
    for number_in_file, raw_annotation in enumerate(raw_annotations if quick is None else (), 1):
        annotation = _quick_annotation(raw_annotation, labels)
        if annotation is None:  # something is off: the careful path names what
            entry = Fields(path, raw_annotation, f"annotation {number_in_file}")
            annotation = _annotation(entry)
            if version >= 3:
                annotation = richer_annotation(entry, annotation, refs, len(annotations))
        annotations.append(annotation)
    relations: tuple[WorkRelation, ...] = ()
    document_labels: tuple[WorkDocLabels, ...] = ()
    if version >= 3:
        relations = read_relations(top, refs, annotations)
        document_labels = read_document_labels(top)
    proof = _proof(top) if version >= 2 else None
    submission = Submission(
        path=path,
        exercise_id=exercise_id,
        fingerprint=fingerprint,
        student_name=name,
        student_id=number,
        seconds_spent=seconds,
        submitted_at=submitted_at,
        annotations=tuple(annotations),
        documents_done=tuple(done),
        proof=proof,
        content_matches=proof is None or content_matches(top.data, proof),
        relations=relations,
        document_labels=document_labels,
    )
    return submission, digest


def _clean(value: str) -> str:
    return unicodedata.normalize("NFC", " ".join(value.split()))


def _proof(top: Fields) -> Proof:
    proof = top.child("proof")
    workspace = proof.text("workspace", limit=32)
    key, mac = proof.text("key", limit=64), proof.text("mac", limit=64)
    if not _HEX.match(workspace) or not _HEX64.match(key) or not _HEX64.match(mac):
        raise proof.fail("it is not a workspace proof")
    return Proof(workspace, proof.integer("sequence", low=1, high=CHAIN_LENGTH), key, mac)


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


_new_tuple = tuple.__new__


def _quick_annotations(raws: list[Any]) -> list[SubmittedAnnotation] | None:
    """A file's annotations when every one is the common case; None if any is not."""
    labels: dict[str, str] = {}
    found: list[SubmittedAnnotation] = []
    append = found.append
    for raw in raws:
        annotation = _quick_annotation(raw, labels)
        if annotation is None:
            return None
        append(annotation)
    return found


def _quick_annotation(raw: Any, labels: dict[str, str]) -> SubmittedAnnotation | None:
    """The common case checked fast (tens of thousands per class); None if anything is off
    (or the annotation carries a ref or attributes: the careful path reads them)."""
    if type(raw) is not dict or "ref" in raw or "attributes" in raw:
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
    return _new_tuple(SubmittedAnnotation, (document, name, start, end, quote, note, ()))


@dataclass
class _Candidate:
    submission: Submission
    digest: str

    @property
    def order(self) -> tuple[int, datetime, str]:
        """Files of one student are applied in the order their workspace made them."""
        sequence = self.submission.proof.sequence if self.submission.proof else 0
        return (sequence, self.submission.submitted_at, str(self.submission.path))

    def work(self) -> Work:
        submission = self.submission
        proof = submission.proof
        annotations = submission.annotations
        # Attribute values only if some annotation has any: no empty mapping per span.
        attributes = (
            [dict(a.attributes) for a in annotations] if any(a[6] for a in annotations) else []
        )
        return Work(
            submission.student_name,
            submission.student_id,
            submission.submitted_at,
            submission.seconds_spent,
            submission.path.name,
            self.digest,
            proof.workspace if proof else None,
            proof.sequence if proof else None,
            proof.key if proof else None,
            [a[:6] for a in annotations],  # (document, label, start, end, quote, note)
            submission.documents_done,
            attributes,
            submission.relations,
            submission.document_labels,
        )


class _Context:
    """What checking a submission needs from the project, read once per collect."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.exercises = load_exercises(project)
        self._texts: dict[int, str] = {}
        self._scheme: SchemeRecords | None = None

    def scheme(self) -> SchemeRecords:
        """The project's attributes, relation types and document label sets (read once)."""
        if self._scheme is None:
            self._scheme = self.project.scheme()
        return self._scheme

    def text(self, document_id: int) -> str:
        """The stored text, read afresh (not from the project's cache): KeyError if it is gone."""
        if document_id not in self._texts:
            found = store.stored_text(self.project, document_id)
            if found is None:
                raise KeyError(document_id)
            self._texts[document_id] = found
        return self._texts[document_id]


def _check(
    context: _Context, submission: Submission, exercise_id: str | None, now: datetime
) -> ExerciseRecord:
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
    labels = exercise.labels
    texts: dict[int, str] = {}  # this file's documents, each looked up once
    seen: set[tuple[int, str, int, int]] = set()
    for number, (document_id, label, start, end, quote, *_rest) in enumerate(
        submission.annotations, start=1
    ):
        # The checks in the order their reasons are given; the text is fetched once per document.
        text = texts.get(document_id)
        if text is None and document_id not in documents:
            raise fail(f"annotation {number} points to document {document_id}, not in the exercise")
        if label not in labels:
            raise fail(
                f"annotation {number} uses the label {label!r}, not in the exercise "
                "(or deleted from this project since)"
            )
        if text is None:
            try:
                text = texts[document_id] = context.text(document_id)
            except KeyError:
                raise fail(
                    f"annotation {number} points to document {document_id}, no longer in this "
                    "project"
                ) from None
        if end > len(text):
            raise fail(
                f"annotation {number} ends at {end}, outside its document (0–{len(text)}); "
                "the file was altered or made for other texts"
            )
        if text[start:end] != quote:
            raise fail(f"annotation {number} quotes text that is not at {start}–{end}")
        key = (document_id, label, start, end)
        if key in seen:
            raise fail(f"annotation {number} appears twice")
        seen.add(key)
    if not set(submission.documents_done) <= documents:
        raise fail("marks as done a document that is not in the exercise")
    check_extras(context.scheme, submission, exercise, fail)
    if not submission.content_matches:
        raise fail(
            "was changed after its workspace wrote it (its content does not match its "
            "workspace proof); it was not collected"
        )
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

    Each file is checked: it is a regular file holding a well-formed submission of an exercise
    of this project (of ``exercise_id`` when given), with the same codebook fingerprint, every
    annotation inside its document with the quote it claims, and content matching its workspace
    proof. A file dated more than ``CLOCK_SKEW`` after now is refused. A bad file is listed in
    ``rejected`` with the reason and leaves the project exactly as it was.

    A student's first file is accepted and pins its workspace. A later file from the same
    student (same id after NFC and trimming, or same name without an id) replaces it only if
    its proof follows the pinned one under the same name; the replaced one is kept in the
    history. Anything else that would replace it (another workspace, no proof, another name)
    is ``held`` for the teacher, unapplied; older or identical files are skipped.
    All good files are stored in one transaction, one step of the project's undo history
    (``report.changes`` says what changed). ``progress(done, total)`` is called after each
    file is checked; returning False raises ``Cancelled`` with nothing written.
    """
    # One pause for both steps: the files as read are freed before the collector runs again.
    with without_collection():
        checked = check_submissions(project, paths, exercise_id=exercise_id, progress=progress)
        return collect_checked(project, checked)


@dataclass
class CheckedSubmissions:
    """Files read and checked against a project, and what collecting them will do.

    Nothing is written yet: ``collect_checked`` stores it (a worker can check with its own
    connection, the window then stores in its project, where Undo can take it back).
    """

    report: CollectReport  # rejected files and copies skipped while reading
    # (file, outcome, text): outcome "accepted", "replaced", "held" or "skipped"
    decisions: list[tuple[Path, str, str]]
    steps: list[CollectStep]  # for the files accepted, replaced and held, in that order


def check_submissions(
    project: Project,
    paths: Iterable[Path | str],
    *,
    exercise_id: str | None = None,
    progress: Progress | None = None,
) -> CheckedSubmissions:
    """Read and check submission files for ``collect``, deciding what each one does."""
    with without_collection():  # tens of thousands of annotations read, none in a cycle
        return _check_submissions(project, paths, exercise_id, progress)


def _check_submissions(
    project: Project,
    paths: Iterable[Path | str],
    exercise_id: str | None,
    progress: Progress | None,
) -> CheckedSubmissions:
    report = CollectReport()
    context = _Context(project)
    groups: dict[tuple[str, str], list[_Candidate]] = {}
    first_seen: dict[str, Path] = {}
    files = _submission_files(paths, report)
    now = utcnow()
    for done, path in enumerate(files, start=1):
        if progress is not None and not progress(done - 1, len(files)):
            raise Cancelled
        try:
            submission, digest = _read(path)
            _check(context, submission, exercise_id, now)
        except ExerciseFileError as exc:
            report.rejected.append((path, exc.reason))
            continue
        if digest in first_seen:
            report.skipped.append((path, f"the same file as {first_seen[digest].name}"))
            continue
        first_seen[digest] = path
        key = (submission.exercise_id, submission.student_key)
        groups.setdefault(key, []).append(_Candidate(submission, digest))
    if progress is not None and not progress(len(files), len(files)):
        raise Cancelled
    plan = _Plan(store.current_submissions(project), store.kept_files(project))
    checked = CheckedSubmissions(report, [], [])
    for group in groups.values():
        for candidate in sorted(group, key=lambda c: c.order):
            plan.decide(context.exercises[candidate.submission.exercise_id], candidate, checked)
    return checked


def collect_checked(project: Project, checked: CheckedSubmissions) -> CollectReport:
    """Store what ``check_submissions`` decided, as one undoable edit; the full report.

    Raises ``EditError`` (nothing stored) if a student's submission changed since the check.
    """
    report = checked.report
    names: list[str | None] = []
    if checked.steps:
        command = CollectSubmissions(checked.steps)
        with without_collection():  # as many rows, noted for undo and for the views
            report.changes = project.apply(command)
        names = command.annotators
    stored = CollectReport()
    lists = {
        "accepted": stored.accepted,
        "replaced": stored.replaced,
        "held": stored.held,
        "skipped": stored.skipped,
    }
    step_names = iter(names)
    for path, outcome, text in checked.decisions:
        if outcome in ("accepted", "replaced"):
            text = next(step_names) or ""
        elif outcome == "held":
            next(step_names)
        lists[outcome].append((path, text))
    report.accepted += stored.accepted
    report.replaced += stored.replaced
    report.held += stored.held
    report.skipped += stored.skipped
    return report


def _verdict(current: CurrentSubmission, submission: Submission) -> tuple[str, str]:
    """("replace" | "older" | "hold", why) for a file of a student already collected."""
    proof = submission.proof
    if submission.student_name != current.student_name:
        return "hold", (
            f"the name differs from the submission already collected "
            f"({printable(current.student_name)!r}, now {printable(submission.student_name)!r})"
        )
    if current.workspace_id is None:
        return "hold", (
            "the submission already collected carries no workspace proof (made by an older "
            "Claimdesk), so this one cannot be shown to come from the same student"
        )
    if proof is None:
        return "hold", "it carries no workspace proof (made by an older Claimdesk)"
    if proof.workspace != current.workspace_id:
        return "hold", "it comes from another workspace than the submission already collected"
    pinned = (int(current.sequence or 0), str(current.chain_key))
    mine = (proof.sequence, proof.key)
    if proof.sequence > pinned[0] and follows(pinned, mine):
        return "replace", ""
    if proof.sequence < pinned[0] and follows(mine, pinned):
        return "older", (
            "older than the submission already collected from this student "
            f"(submitted {current.submitted_at:%Y-%m-%d %H:%M} UTC)"
        )
    if proof.sequence == pinned[0]:
        return "hold", (
            f"it differs from the submission already collected, yet claims the same number "
            f"({proof.sequence}) from the same workspace; one of the two was altered"
        )
    return "hold", "its workspace proof does not follow the one of the submission collected"


class _Plan:
    """Each student's current submission and the files kept, as the decisions so far leave them."""

    def __init__(
        self,
        current: dict[tuple[str, str], CurrentSubmission],
        kept: dict[tuple[str, str, str], str],
    ) -> None:
        self.current = current
        self.kept = kept

    def decide(
        self, exercise: ExerciseRecord, candidate: _Candidate, checked: CheckedSubmissions
    ) -> None:
        submission = candidate.submission
        key = submission.student_key
        path = submission.path
        current = self.current.get((exercise.id, key))
        work = candidate.work()
        if current is None:
            display = display_name(submission.student_name, submission.student_id)
            checked.steps.append(Accept(exercise, key, display, work))
            checked.decisions.append((path, "accepted", ""))
            self.current[(exercise.id, key)] = _as_current(work)
            return
        if current.file_sha256 == candidate.digest:
            checked.decisions.append((path, "skipped", "already collected"))
            return
        verdict, why = _verdict(current, submission)
        if verdict == "older":
            checked.decisions.append((path, "skipped", why))
            return
        kept = self.kept.get((exercise.id, key, candidate.digest))
        if kept is not None:
            where = "held as a conflict" if kept == "held" else "kept in the history"
            checked.decisions.append((path, "skipped", f"already collected ({where})"))
            return
        who = printable(display_name(current.student_name, current.student_id))
        if verdict == "hold":
            checked.steps.append(Hold(exercise.id, key, work, why))
            checked.decisions.append(
                (path, "held", f"{who}: {why}; not applied, held for you to decide")
            )
            self.kept[(exercise.id, key, candidate.digest)] = "held"
            return
        reason = f"replaced by {path.name}"
        checked.steps.append(Replace(exercise, key, current.file_sha256, reason, work))
        checked.decisions.append((path, "replaced", ""))
        self.kept[(exercise.id, key, current.file_sha256)] = "replaced"
        self.current[(exercise.id, key)] = _as_current(work)


def _as_current(work: Work) -> CurrentSubmission:
    return CurrentSubmission(
        work.student_name,
        work.student_id,
        work.submitted_at,
        work.file_sha256,
        work.workspace_id,
        work.sequence,
        work.chain_key,
    )


def submissions(project: Project, exercise_id: str) -> list[SubmissionInfo]:
    """The submissions collected for an exercise, by student name."""
    rows = store.submission_infos(project, exercise_id)
    return sorted(rows, key=lambda s: (s.student_name.casefold(), s.student_id))
