"""A student's submissions kept beside the current one: history to go back to, held conflicts.

The current submission of a student is the row in ``exercise_submission`` and the annotations of
their annotator on the exercise's documents (what grades count). Every other version lives in
``exercise_submission_version`` with its annotations as data: ``replaced`` ones (history) and
``held`` ones (a file collect did not apply). Restoring or accepting one swaps it with the
current one, which goes into the history in its turn: nothing is ever lost, and the swap is one
step of the project's undo history.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimdesk.core.classroom.exercise import ExerciseError, SubmissionVersionInfo
from claimdesk.core.classroom.exercise_codebook import frozen_labels
from claimdesk.core.records import Changes
from claimdesk.core.store import classroom as store
from claimdesk.core.store.classroom_edits import RestoreSubmission
from claimdesk.core.store.classroom_records import ExerciseRecord as ExerciseRecord
from claimdesk.core.store.classroom_records import Span as Span
from claimdesk.core.store.classroom_records import Work as Work
from claimdesk.core.store.project import Project


def load_exercises(project: Project) -> dict[str, ExerciseRecord]:
    current = project.labels()
    return {
        row.id: ExerciseRecord(
            row.id,
            row.title,
            row.fingerprint,
            frozen_labels(row.codebook, current),
            row.local_document_ids,
        )
        for row in store.exercise_rows(project)
    }


@dataclass(frozen=True)
class Restored:
    """A kept submission made current: the annotator it went to, and what changed."""

    annotator_name: str
    changes: Changes


def history(project: Project, exercise_id: str) -> list[SubmissionVersionInfo]:
    """The kept submissions of an exercise: held conflicts first, then the history, newest first."""
    rows = store.version_infos(project, exercise_id)
    rows.sort(key=lambda v: (v.state != "held", v.student_name.casefold(), -v.id))
    return rows


def restore(project: Project, version_id: int, *, held_only: bool = False) -> str:
    """Make a kept submission (history or held conflict) the student's current one again.

    The submission it takes the place of goes into the history. Returns the annotator's name.
    Raises ``ExerciseError`` for an unknown id (or, with ``held_only``, one that is not held).
    """
    return restore_version(project, version_id, held_only=held_only).annotator_name


def restore_version(project: Project, version_id: int, *, held_only: bool = False) -> Restored:
    """``restore``, as one undoable edit whose result carries the ``Changes``."""
    from claimdesk.core.classroom.workspace import display_name

    version = store.kept_version(project, version_id)
    if version is None or (held_only and version.state != "held"):
        what = "held conflict" if held_only else "kept submission"
        raise ExerciseError(project.path, f"has no {what} numbered {version_id}")
    exercise = load_exercises(project)[version.exercise_id]
    spans = version.work.spans
    present = store.present_documents(project, exercise.documents)
    gone = sorted({span[0] for span in spans} - present)
    if gone:
        raise ExerciseError(
            project.path, f"document {gone[0]} of that submission is no longer in the project"
        )
    missing = sorted({span[1] for span in spans} - set(exercise.labels))
    if missing:
        raise ExerciseError(
            project.path, f"the label {missing[0]!r} of that submission is no longer in it"
        )
    work = version.work
    command = RestoreSubmission(
        version_id, exercise, display_name(work.student_name, work.student_id)
    )
    changes = project.apply(command)
    return Restored(command.annotator_name, changes)
