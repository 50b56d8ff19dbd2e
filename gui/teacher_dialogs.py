"""The teacher's dialogs: create an exercise from the project, held and replaced submissions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from claimdesk.core.errors import ProjectError
from claimdesk.core.limits import printable
from claimdesk.core.records import AnnotatorRecord, DocumentRecord
from claimdesk.core.suffixes import EXERCISE_SUFFIX
from claimdesk.gui.dialogs import ok_cancel
from claimdesk.gui.theme import colour_of

if TYPE_CHECKING:  # core.exercise brings SQLAlchemy: not before the window's first paint
    from claimdesk.core.classroom.exercise import SubmissionVersionInfo

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class ExerciseDraft:
    """What the teacher chose in the dialog; handed to the core's create_exercise."""

    title: str
    document_ids: tuple[int, ...]
    guidelines: str
    key_annotator_id: int | None
    destination: Path
    suggestions: bool = False  # students see suggestions (dashed) while they work


class DocumentChoiceModel(QAbstractListModel):
    """The project's documents, each with a check box (all checked at first)."""

    def __init__(self, documents: list[DocumentRecord]) -> None:
        super().__init__()
        self._documents = documents
        self._checked = [True] * len(documents)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._documents)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._documents):
            return None
        document = self._documents[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return document.title or f"Document {document.id}"
        if role == Qt.ItemDataRole.CheckStateRole:
            checked = self._checked[index.row()]
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        return None

    def setData(self, index: _Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        state = value.value if isinstance(value, Qt.CheckState) else value
        self._checked[index.row()] = state == Qt.CheckState.Checked.value
        self.dataChanged.emit(index, index, [role])
        return True

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
        )

    def set_all(self, checked: bool) -> None:
        self._checked = [checked] * len(self._documents)
        if self._documents:
            self.dataChanged.emit(self.index(0), self.index(len(self._documents) - 1))

    def set_checked(self, document_ids: set[int]) -> None:
        self._checked = [d.id in document_ids for d in self._documents]
        if self._documents:
            self.dataChanged.emit(self.index(0), self.index(len(self._documents) - 1))

    def checked_ids(self) -> tuple[int, ...]:
        return tuple(d.id for d, on in zip(self._documents, self._checked, strict=True) if on)


def safe_file_stem(text: str) -> str:
    """A file name from a title: letters, digits, spaces, dashes; never a path."""
    kept = "".join(c if c.isalnum() or c in "-_" else " " for c in text)
    return " ".join(kept.split())[:80].strip() or "exercise"


class CreateExerciseDialog(QDialog):
    """Documents, title, guidelines, answer key and where to write the exercise file."""

    def __init__(
        self,
        documents: list[DocumentRecord],
        annotators: list[AnnotatorRecord],
        default_folder: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Create exercise")
        self.default_folder = default_folder
        self.title = QLineEdit()
        self.title.setPlaceholderText("e.g. Week 3: sanctions and trade claims")
        self.documents = DocumentChoiceModel(documents)
        self.document_view = QListView()
        self.document_view.setModel(self.documents)
        self.document_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.document_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        all_button = QPushButton("All")
        none_button = QPushButton("None")
        all_button.clicked.connect(lambda: self.documents.set_all(True))
        none_button.clicked.connect(lambda: self.documents.set_all(False))
        choose = QHBoxLayout()
        choose.addWidget(all_button)
        choose.addWidget(none_button)
        choose.addStretch(1)
        self.guidelines = QPlainTextEdit()
        self.guidelines.setPlaceholderText(
            "What students should mark, and how (shown to them as plain text)"
        )
        self.key = QComboBox()
        self.key.addItem("No answer key (no grades)", None)
        for annotator in annotators:
            self.key.addItem(annotator.name, annotator.id)  # a combo box shows plain text
        self.key.setToolTip(
            "Whose annotations are the right answers. They never go into the exercise file."
        )
        self.suggestions = QCheckBox("Show students suggestions (dashed outlines they may accept)")
        self.suggestions.setToolTip(
            "Off: students mark every claim themselves. On: they see the codebook's and the "
            "project's suggestions, as you do."
        )
        self.destination = QLineEdit()
        self.title.textChanged.connect(self._suggest_destination)
        self._suggested = ""
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.destination, 1)
        where.addWidget(browse)
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setStyleSheet(f"color: {colour_of('not_saved')};")
        self.problem.setWordWrap(True)

        form = QFormLayout()
        form.addRow("&Title", self.title)
        documents_box = QVBoxLayout()
        documents_box.addWidget(self.document_view)
        documents_box.addLayout(choose)
        form.addRow("Documents", documents_box)
        form.addRow("&Guidelines", self.guidelines)
        form.addRow("Answer &key", self.key)
        form.addRow("Suggestions", self.suggestions)
        form.addRow("Save as", where)
        note = QLabel(
            "The codebook (labels, colours, keys, definitions) is frozen into the exercise. "
            "Students cannot change it."
        )
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        note.setStyleSheet(f"color: {colour_of('placeholder_text')};")  # readable, if quieter
        self.buttons = ok_cancel(self, "Create", self._accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.resize(620, 640)
        self._suggest_destination("")

    def _suggest_destination(self, title: str) -> None:
        # Follow the title until the teacher types a path of their own.
        if self.destination.text() in ("", self._suggested):
            name = safe_file_stem(title) + EXERCISE_SUFFIX
            self._suggested = str(self.default_folder / name)
            self.destination.setText(self._suggested)

    def _browse(self) -> None:
        start = self.destination.text().strip()
        if not start or not Path(start).expanduser().parent.is_dir():
            start = str(self.default_folder / (safe_file_stem(self.title.text()) + EXERCISE_SUFFIX))
        path, _ = QFileDialog.getSaveFileName(
            self, "Save exercise as", start, f"Exercises (*{EXERCISE_SUFFIX})"
        )
        if path:
            self.destination.setText(path)

    def problems(self) -> str:
        """Why the dialog cannot be accepted yet, or "" if it can."""
        if not self.title.text().strip():
            return "Give the exercise a title."
        if not self.documents.checked_ids():
            return "Choose at least one document."
        if not self.destination.text().strip():
            return "Choose where to save the exercise file."
        return ""

    def _accept(self) -> None:
        problem = self.problems()
        self.problem.setText(problem)
        if not problem:
            self.accept()

    def restore(self, draft: ExerciseDraft) -> None:
        """Show a draft again (after the core refused it), for the teacher to correct."""
        self.title.setText(draft.title)
        self.documents.set_checked(set(draft.document_ids))
        self.guidelines.setPlainText(draft.guidelines)
        self.key.setCurrentIndex(max(self.key.findData(draft.key_annotator_id), 0))
        self.destination.setText(str(draft.destination))
        self.suggestions.setChecked(draft.suggestions)

    def draft(self) -> ExerciseDraft:
        destination = Path(self.destination.text().strip()).expanduser()
        if not destination.name.endswith(EXERCISE_SUFFIX):
            destination = destination.with_name(destination.name + EXERCISE_SUFFIX)
        return ExerciseDraft(
            self.title.text().strip(),
            self.documents.checked_ids(),
            self.guidelines.toPlainText().strip(),
            self.key.currentData(),
            destination,
            self.suggestions.isChecked(),
        )


class KeptSubmissionsModel(QAbstractListModel):
    """Submissions kept beside the current ones: held conflicts first, then the history."""

    def __init__(self, kept: list[tuple[str, SubmissionVersionInfo]]) -> None:
        super().__init__()
        self._kept = kept

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._kept)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._kept):
            return None
        title, kept = self._kept[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return kept_text(title, kept)
        if role == Qt.ItemDataRole.UserRole:
            return kept.id
        return None

    def replace(self, kept: list[tuple[str, SubmissionVersionInfo]]) -> None:
        self.beginResetModel()
        self._kept = kept
        self.endResetModel()

    def kept(self, row: int) -> SubmissionVersionInfo:
        return self._kept[row][1]


def kept_text(title: str, kept: SubmissionVersionInfo) -> str:
    """One line per kept submission; names and reasons from files shown through printable."""
    who = f"{kept.student_name} ({kept.student_id})" if kept.student_id else kept.student_name
    state = "HELD (conflict)" if kept.state == "held" else "Replaced"
    claims = "claim" if kept.annotation_count == 1 else "claims"
    return printable(
        f"{state} · {title} · {who}: {kept.annotation_count} {claims}, submitted "
        f"{kept.submitted_at:%Y-%m-%d %H:%M} UTC, {kept.file_name} — {kept.reason}",
        400,
    )


class SubmissionHistoryDialog(QDialog):
    """Held conflicts and replaced submissions; the teacher accepts or restores one.

    ``load`` returns (exercise title, kept submission) pairs; ``restore`` makes one current and
    returns the student's annotator name (the core keeps the one it replaces in the history).
    """

    def __init__(
        self,
        load: Callable[[], list[tuple[str, SubmissionVersionInfo]]],
        restore: Callable[[int], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Submissions held and replaced")
        self._load = load
        self._restore = restore
        self.model = KeptSubmissionsModel(load())
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setWordWrap(True)
        self.list.selectionModel().currentChanged.connect(self._selected)
        intro = QLabel(
            "Files held as conflicts were not applied: they came from another workspace, "
            "without proof, or under another name. Replaced submissions are kept so you can "
            "go back. Neither counts in grades until made current."
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.restore_button = QPushButton("&Make current")
        self.restore_button.setEnabled(False)
        self.restore_button.setToolTip(
            "Accept the held file, or go back to the replaced submission; the current one is "
            "kept in the history"
        )
        self.restore_button.clicked.connect(self._make_current)
        close = QPushButton("&Close")
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.restore_button)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        self.resize(720, 420)
        self.changed = False

    def _selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.restore_button.setEnabled(current.isValid())
        if current.isValid():
            held = self.model.kept(current.row()).state == "held"
            self.restore_button.setText("&Accept this file" if held else "&Restore this one")

    def _make_current(self) -> None:
        index = self.list.currentIndex()
        if not index.isValid():
            return
        kept = self.model.kept(index.row())
        try:
            name = self._restore(kept.id)
        except ProjectError as exc:
            self.status.setText(str(exc))
            return
        self.changed = True
        self.status.setText(
            printable(f"{kept.file_name} is now the current submission of {name}.", 300)
        )
        self.model.replace(self._load())
        self.restore_button.setEnabled(False)
