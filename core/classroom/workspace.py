"""Classroom exercises, the student's side: a workspace project per student and exercise, submit.

A workspace is an ordinary Claimdesk project in the user data folder, so the student annotates
in the ordinary main window and every edit is committed at once (a crash loses nothing).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import unicodedata
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from claimdesk.core.classroom.exercise import (
    Exercise,
    ExerciseError,
    StudentWork,
    read_exercise,
    safe_filename,
    student_key,
)
from claimdesk.core.classroom.exercise_codebook import codebook_fingerprint, project_codebook
from claimdesk.core.classroom.exercise_files import timestamp_text, write_archive
from claimdesk.core.classroom.submission_proof import (
    CHAIN_LENGTH,
    new_secret,
    new_workspace_id,
    sign,
)
from claimdesk.core.classroom.submission_scheme import submission_extras
from claimdesk.core.limits import (
    ANNOTATOR_NAME_MAX,
    STUDENT_ID_MAX,
    name_problem,
)
from claimdesk.core.paths import user_data_dir, visible_files_dir
from claimdesk.core.records import AnnotatorRecord
from claimdesk.core.store import classroom as store
from claimdesk.core.store.classroom import utcnow
from claimdesk.core.store.classroom_records import WorkspaceDocument, WorkspaceSetup
from claimdesk.core.store.project import Project
from claimdesk.core.suffixes import PROJECT_SUFFIX, SUBMISSION_SUFFIX

SUBMISSION_MIMETYPE = "application/x-claimdesk-submission"
SUBMISSION_FORMAT = "claimdesk-submission"
# 2: the file proves which workspace made it ("proof"); files of version 1 are still read.
# 3: annotations may carry a "ref" and "attributes" {name: value}; "relations" (type name,
# source and target refs) and "document_labels" (document, set, values) follow them. A
# submission without any of these is still written as version 2, which older versions read.
SUBMISSION_VERSION = 3
PLAIN_SUBMISSION_VERSION = 2
# Time between two edits longer than this counts as a break, not as work.
IDLE_GAP_SECONDS = 300
MAX_NAME_CHARS = 200


def workspaces_dir() -> Path:
    return user_data_dir() / "Exercises"


def identity_problem(student_name: str, student_id: str) -> str | None:
    """Why a student's name and id cannot be used (a phrase), or None. Also checks files."""
    # A student may be called Gold: the gold set is marked in the project, not named.
    return name_problem(student_name, "student name", ANNOTATOR_NAME_MAX) or name_problem(
        student_id, "student id", STUDENT_ID_MAX
    )


def _clean_identity(path: Path, student_name: str, student_id: str | None) -> tuple[str, str]:
    name = unicodedata.normalize("NFC", " ".join(student_name.split()))
    number = unicodedata.normalize("NFC", " ".join((student_id or "").split()))
    if not name:
        raise ExerciseError(path, "enter your name to start the exercise")
    problem = identity_problem(name, number)
    if problem is not None:
        raise ExerciseError(path, problem)
    return name, number


def display_name(student_name: str, student_id: str) -> str:
    """How a student is named as an annotator: "Name (id)", or "Name" without an id; cut to
    the 200 characters an annotator's name may have (name and id may have 200 each)."""
    shown = f"{student_name} ({student_id})" if student_id else student_name
    return shown[:ANNOTATOR_NAME_MAX]


def _path_for(exercise_id: str, name: str, number: str) -> Path:
    digest = hashlib.sha256(student_key(name, number).encode("utf-8")).hexdigest()[:16]
    path = workspaces_dir() / f"{exercise_id}-{digest}{PROJECT_SUFFIX}"
    if not path.exists():
        # Workspaces started before student keys kept case were named after the folded key:
        # resumed if they belong to exactly this student.
        folded = ("id:" + number if number else "name:" + name).casefold()
        legacy = hashlib.sha256(folded.encode("utf-8")).hexdigest()[:16]
        older = workspaces_dir() / f"{exercise_id}-{legacy}{PROJECT_SUFFIX}"
        if older != path and older.exists() and _belongs_to(older, name, number):
            return older
    return path


def _belongs_to(path: Path, name: str, number: str) -> bool:
    try:
        with Project.open(path) as project:
            work = workspace_info(project)
    except Exception:  # a damaged file is not resumed; a fresh workspace is made instead
        return False
    return work is not None and student_key(work.student_name, work.student_id) == student_key(
        name, number
    )


def workspace_path(exercise_path: Path | str, student_name: str, student_id: str = "") -> Path:
    """Where the workspace of this student for this exercise lives (it may not exist yet)."""
    exercise = read_exercise(exercise_path)
    name, number = _clean_identity(exercise.path, student_name, student_id)
    return _path_for(exercise.id, name, number)


def open_workspace(
    exercise_path: Path | str, student_name: str, student_id: str | None = None
) -> Path:
    """Create, or resume, the student's workspace project for an exercise; return its path.

    The exercise file is read and validated first (``ExerciseFileError`` if it is bad). A new
    workspace holds the exercise's documents, its frozen codebook and the student as annotator.
    Reopening with the same student (same id, or same name when no id) resumes the same file.
    Open the returned path with ``Project.open`` and show it with ``workspace_info(...).annotator``.
    """
    exercise = read_exercise(exercise_path)
    name, number = _clean_identity(exercise.path, student_name, student_id)
    path = _path_for(exercise.id, name, number)
    if path.exists():
        with Project.open(path) as project:
            work = workspace_info(project)
            if work is None or work.exercise_id != exercise.id:
                raise ExerciseError(path, "is not the workspace of this exercise")
            store.record_exercise_path(project, exercise.path.resolve())
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    # Built under another name and moved into place when complete: a crash half-way leaves no
    # half-made workspace under the real name (the next attempt starts afresh).
    partial = path.with_name(f".{path.stem}.partial{PROJECT_SUFFIX}")
    _remove_database(partial)
    try:
        _create_workspace(partial, exercise, name, number)
        os.replace(partial, path)
    finally:
        _remove_database(partial)
    return path


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _create_workspace(path: Path, exercise: Exercise, name: str, number: str) -> None:
    with Project.create(path, name=exercise.title, codebook=exercise.codebook) as project:
        if codebook_fingerprint(project_codebook(project)) != exercise.fingerprint:
            raise ExerciseError(exercise.path, "its codebook cannot be set up faithfully")
        annotator = project.ensure_annotator(display_name(name, number))
        # Not an edit: a new workspace starts with an empty undo history.
        store.create_workspace(
            project,
            WorkspaceSetup(
                exercise_id=exercise.id,
                title=exercise.title,
                guidelines=exercise.guidelines,
                fingerprint=exercise.fingerprint,
                created_at=exercise.created_at,
                documents=tuple(
                    WorkspaceDocument(d.id, d.title, d.text, d.sha256) for d in exercise.documents
                ),
                annotator_id=annotator.id,
                student_name=name,
                student_id=number,
                exercise_path=str(exercise.path.resolve()),
                public_id=new_workspace_id(),
                secret=new_secret(),
                suggestions=exercise.suggestions,
            ),
        )


def workspaces(exercise_path: Path | str) -> list[StudentWork]:
    """Workspaces already started on this computer for this exercise (to offer resuming)."""
    exercise = read_exercise(exercise_path)
    found: list[StudentWork] = []
    for path in sorted(workspaces_dir().glob(f"{exercise.id}-*{PROJECT_SUFFIX}")):
        try:
            with Project.open(path) as project:
                work = workspace_info(project)
        except Exception:  # a damaged workspace is not offered; opening it reports why
            continue
        if work is not None and work.exercise_id == exercise.id:
            found.append(work)
    return sorted(found, key=lambda work: (work.student_name.casefold(), work.student_id))


def workspace_info(project: Project) -> StudentWork | None:
    """The exercise, student and progress of a workspace project; None for any other project."""
    row = store.workspace_record(project)
    if row is None:
        return None
    local_ids = [local for _exercise_doc, local in row.documents]
    activity = store.workspace_activity(project, row.annotator_id, local_ids)
    annotator = next(a for a in project.annotators() if a.id == row.annotator_id)
    return StudentWork(
        exercise_id=row.exercise_id,
        title=row.title,
        guidelines=row.guidelines,
        student_name=row.student_name,
        student_id=row.student_id,
        annotator=AnnotatorRecord(annotator.id, annotator.name),
        documents_done=activity.documents_done,
        documents_total=len(local_ids),
        annotations=activity.annotations,
        seconds_spent=max(int(row.seconds_spent), estimate_seconds(list(activity.moments))),
        started_at=row.started_at,
        submitted_at=row.submitted_at,
        exercise_path=Path(row.exercise_path) if row.exercise_path else None,
        suggestions=row.suggestions,
    )


def estimate_seconds(moments: list[datetime]) -> int:
    """Time spent judged from edit times: the gaps between edits, breaks over 5 minutes left out."""
    ordered = sorted(moments)
    total = 0.0
    for before, after in itertools.pairwise(ordered):
        gap = (after - before).total_seconds()
        if gap <= IDLE_GAP_SECONDS:
            total += gap
    return int(total)


def record_time(project: Project, seconds: int) -> None:
    """Add seconds of active work (the window calls this e.g. every minute while in use)."""
    seconds = max(0, min(int(seconds), 24 * 3600))
    # Bookkeeping, not an edit: the student's undo history is left as it is.
    store.record_workspace_time(project, seconds)


def submit(project: Project, out: Path | str | None = None) -> Path:
    """Write the submission file (``*.claimdesk-submission``) and return its path.

    ``out``: a file, a folder (the file is named after exercise and student), or None for the
    folder the exercise was opened from (else Documents/Claimdesk). It holds only the
    student's annotations, the exercise id and codebook fingerprint, their identity, time spent
    and the time of submitting. Submitting again writes a newer submission (the teacher keeps
    the newest). Raises ``ExerciseError`` if the project is not a workspace.
    """
    work = workspace_info(project)
    if work is None:
        raise ExerciseError(
            project.path, "is not an exercise workspace; there is nothing to submit"
        )
    row = store.workspace_record(project)
    assert row is not None  # workspace_info found it
    to_exercise = {local: exercise_doc for exercise_doc, local in row.documents}
    frozen = {label.name for label in project_codebook(project).labels}
    annotations = []
    ids: list[int] = []
    for document_id, label, start, end, quote, note, annotation_id in store.student_spans(
        project, work.annotator.id
    ):
        if document_id not in to_exercise:
            continue
        if label not in frozen:
            raise ExerciseError(project.path, f"the label {label!r} is not in the exercise")
        annotations.append(
            {
                "document": to_exercise[document_id],
                "label": label,
                "start": start,
                "end": end,
                "quote": quote,
                "note": note,
            }
        )
        ids.append(annotation_id)
    extras = submission_extras(project, work.annotator.id, to_exercise, annotations, ids)
    done = store.documents_done(project, work.annotator.id)
    documents_done = sorted(to_exercise[d] for d in done if d in to_exercise)
    submitted_at = utcnow()
    sequence = int(row.submissions_made) + 1
    if sequence > CHAIN_LENGTH:
        raise ExerciseError(
            project.path, f"this workspace has made {CHAIN_LENGTH:,} submissions, the most it can"
        )
    data: dict[str, Any] = {
        "format": SUBMISSION_FORMAT,
        "version": SUBMISSION_VERSION,
        "submission_id": uuid.uuid4().hex,
        "exercise_id": work.exercise_id,
        "fingerprint": row.fingerprint,
        "student": {"name": work.student_name, "id": work.student_id},
        "seconds_spent": work.seconds_spent,
        "submitted_at": timestamp_text(submitted_at),
        "documents_done": documents_done,
        "annotations": annotations,
        **extras,
    }
    if extras:
        data["version"] = SUBMISSION_VERSION
    else:  # nothing of format 3 in it: a file older versions of Claimdesk still read
        data["version"] = PLAIN_SUBMISSION_VERSION
    data["proof"] = sign(data, row.public_id, row.secret, sequence)
    target = _submission_target(project, work, out)
    try:
        write_archive(target, SUBMISSION_MIMETYPE, "submission.json", data)
    except OSError as exc:
        raise ExerciseError(target, f"cannot be written ({exc.strerror or exc})") from None
    # Bookkeeping, not an edit: a workspace's submission numbers only ever move forward.
    store.record_submission(project, submitted_at, sequence)
    return target


def _submission_target(project: Project, work: StudentWork, out: Path | str | None) -> Path:
    name = safe_filename(
        f"{work.title} - {display_name(work.student_name, work.student_id)}", "submission"
    )
    if out is None:
        folder = work.exercise_path.parent if work.exercise_path is not None else None
        if folder is None or not folder.is_dir() or not os.access(folder, os.W_OK):
            folder = visible_files_dir()  # where the student finds it to hand in, not hidden
            folder.mkdir(parents=True, exist_ok=True)
        return folder / (name + SUBMISSION_SUFFIX)
    target = Path(out)
    if target.is_dir():
        return target / (name + SUBMISSION_SUFFIX)
    if not target.name.endswith(SUBMISSION_SUFFIX):
        target = target.with_name(target.name + SUBMISSION_SUFFIX)
    if not target.parent.is_dir():
        raise ExerciseError(target, f"cannot be written: the folder {target.parent} does not exist")
    return target
