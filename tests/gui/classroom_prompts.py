"""Scripted answers to the classroom dialogs (student identity, submit, create, collect, CSV)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from claimdesk.core.records import AnnotatorRecord, DocumentRecord
from claimdesk.gui.teacher_dialogs import CreateExerciseDialog, ExerciseDraft
from tests.gui.conftest import ScriptedPrompts


class ClassroomPrompts(ScriptedPrompts):
    def __init__(self) -> None:
        super().__init__()
        self.identities: list[tuple[str, str] | None] = []
        self.submit_to: list[Path | None] = []
        self.informed: list[str] = []
        self.reports: list[tuple[str, str]] = []
        self.fill_exercise: Callable[[CreateExerciseDialog], None] | None = None
        self.submission_list: list[Path] = []
        self.folders: list[Path | None] = []
        self.csv_paths: list[Path | None] = []

    def student_identity(
        self, exercise_title: str, name: str, student_id: str
    ) -> tuple[str, str] | None:
        self.asked.append(f"identity: {exercise_title}")
        return self.identities.pop(0)

    def submission_path(self, default: Path) -> Path | None:
        self.asked.append(f"submit to: {default}")
        return self.submit_to.pop(0)

    def inform(self, title: str, message: str) -> None:
        self.informed.append(message)

    def report(self, title: str, summary: str, body: str) -> None:
        self.reports.append((summary, body))

    def exercise_draft(
        self,
        documents: list[DocumentRecord],
        annotators: list[AnnotatorRecord],
        default_folder: Path,
        previous: ExerciseDraft | None = None,
    ) -> ExerciseDraft | None:
        """The real dialog, filled in by the test as a teacher would, then accepted."""
        self.asked.append("exercise")
        if self.fill_exercise is None:
            return None
        dialog = CreateExerciseDialog(documents, annotators, default_folder)
        self.dialog = dialog
        if previous is not None:
            dialog.restore(previous)
        self.fill_exercise(dialog)
        dialog.buttons.accepted.emit()
        return (
            dialog.draft() if dialog.result() == CreateExerciseDialog.DialogCode.Accepted else None
        )

    def submission_files(self) -> list[Path]:
        return self.submission_list

    def submission_folder(self) -> Path | None:
        return self.folders.pop(0)

    def csv_path(self, default: Path) -> Path | None:
        self.asked.append(f"csv: {default.name}")
        return self.csv_paths.pop(0)
