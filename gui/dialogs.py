"""Small dialogs, reached through one ``Prompts`` object so tests can answer them instead."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from claimdesk.core.contrast import readable_text
from claimdesk.core.records import AnnotatorRecord, DocumentRecord, LabelRecord
from claimdesk.core.suffixes import (
    ARTICLE_SUFFIXES,
    EXERCISE_SUFFIX,
    PROJECT_SUFFIX,
    SUBMISSION_SUFFIX,
    patterns,
    with_suffix,
)
from claimdesk.gui.places import (
    ARTICLES,
    GRADES,
    PROJECTS,
    SUBMISSIONS,
    SUBMIT,
    Places,
    free_name,
)

if TYPE_CHECKING:
    from claimdesk.core.store.project import Project
    from claimdesk.core.text.suggest_rules import SuggestRules
    from claimdesk.gui.export_dialog import ExportChoice, ImportChoice
    from claimdesk.gui.server_dialog import ServerChoice
    from claimdesk.gui.teacher_dialogs import ExerciseDraft


def plain_tooltip(text: str) -> str:
    """A tooltip that shows text literally (Qt guesses rich text otherwise) and wraps."""
    if not text:
        return ""
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


def ok_cancel(
    dialog: QDialog, ok_text: str = "", accept: Callable[[], object] | None = None
) -> QDialogButtonBox:
    """OK and Cancel wired to the dialog; ``ok_text`` renames OK, ``accept`` checks first."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    if ok_text:
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(accept or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class TextDialog(QDialog):
    """Text shown exactly as given (never read as HTML: names and reasons from other people's
    files stay literal), under an optional bold summary line, with a Close button."""

    def __init__(
        self,
        title: str,
        text: str,
        parent: QWidget | None = None,
        summary: str = "",
        size: tuple[int, int] = (640, 420),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.summary = QLabel(summary)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-weight: bold;")
        self.summary.setVisible(bool(summary))
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setPlainText(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(*size)


@dataclass
class LabelDraft:
    name: str
    colour: str
    description: str = ""
    shortcut: str | None = None
    parent_id: int | None = None


class LabelDialog(QDialog):
    """Add or edit a label: name, colour, key, definition and group."""

    def __init__(
        self, draft: LabelDraft, labels: list[LabelRecord], editing: int | None, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit label" if editing else "New label")
        self._colour = draft.colour
        self.name = QLineEdit(draft.name)
        self.colour_button = QPushButton()
        self.colour_button.clicked.connect(self._pick_colour)
        self.shortcut = QLineEdit(draft.shortcut or "")
        self.shortcut.setMaxLength(1)
        self.shortcut.setPlaceholderText("one key, e.g. 1 or q")
        self.description = QPlainTextEdit()
        self.description.setPlainText(draft.description)
        self.description.setPlaceholderText("Definition shown to annotators")
        self.parent_box = QComboBox()
        self.parent_box.addItem("(none)", None)
        for label in labels:
            if label.id != editing:
                self.parent_box.addItem(label.name, label.id)
        index = self.parent_box.findData(draft.parent_id)
        self.parent_box.setCurrentIndex(max(index, 0))
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("&Colour", self.colour_button)
        form.addRow("&Key", self.shortcut)
        form.addRow("&Group", self.parent_box)
        form.addRow("&Definition", self.description)
        buttons = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._show_colour()

    def _pick_colour(self) -> None:
        colour = QColorDialog.getColor(QColor(self._colour), self, "Label colour")
        if colour.isValid():
            self._colour = colour.name()
            self._show_colour()

    def _show_colour(self) -> None:
        self.colour_button.setText(self._colour)
        text = readable_text(QColor(self._colour).name())
        self.colour_button.setStyleSheet(f"background-color: {self._colour}; color: {text};")

    def draft(self) -> LabelDraft:
        return LabelDraft(
            self.name.text(),
            self._colour,
            self.description.toPlainText().strip(),
            self.shortcut.text() or None,
            self.parent_box.currentData(),
        )


class NoteDialog(QDialog):
    def __init__(self, quote: str, note: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Note")
        quote_label = QLabel(quote if len(quote) < 300 else quote[:300] + "…")
        quote_label.setTextFormat(Qt.TextFormat.PlainText)
        quote_label.setWordWrap(True)
        self.editor = QPlainTextEdit()
        self.editor.setPlainText(note)
        self.editor.setTabChangesFocus(True)
        buttons = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(quote_label)
        layout.addWidget(self.editor)
        layout.addWidget(buttons)
        self.resize(420, 240)


class Prompts:
    """Every question the window asks the user. Tests replace this with scripted answers.

    File dialogs start where ``places`` says (the window sets it: its settings and project).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent
        self.places = Places()

    def _chosen(self, kind: str, path: str, *, folder: bool = False) -> Path | None:
        """The path picked in a file dialog (None if cancelled); its folder is remembered."""
        if not path:
            return None
        chosen = Path(path)
        self.places.remember(kind, chosen if folder else chosen.parent)
        return chosen

    def annotator_name(self, current: str = "") -> str | None:
        name, ok = QInputDialog.getText(
            self.parent,
            "Welcome to Claimdesk",
            "Your name, as it will be recorded with your annotations:",
            QLineEdit.EchoMode.Normal,
            current,
        )
        return name.strip() if ok and name.strip() else None

    def label(
        self, draft: LabelDraft, labels: list[LabelRecord], editing: int | None = None
    ) -> LabelDraft | None:
        dialog = LabelDialog(draft, labels, editing, self.parent or QWidget())
        return dialog.draft() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def colour(self, current: str) -> str | None:
        colour = QColorDialog.getColor(QColor(current), self.parent, "Label colour")
        return colour.name() if colour.isValid() else None

    def text(self, title: str, prompt: str, current: str) -> str | None:
        value, ok = QInputDialog.getText(
            self.parent, title, prompt, QLineEdit.EchoMode.Normal, current
        )
        return value if ok else None

    def note(self, quote: str, current: str) -> str | None:
        dialog = NoteDialog(quote, current, self.parent or QWidget())
        return dialog.editor.toPlainText() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def confirm(self, title: str, message: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, message, parent=self.parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def error(self, title: str, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, parent=self.parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()

    def import_paths(self) -> list[Path]:
        files, _ = QFileDialog.getOpenFileNames(
            self.parent,
            "Import articles",
            str(self.places.folder(ARTICLES)),
            f"Articles ({patterns(*ARTICLE_SUFFIXES)});;All files (*)",
        )
        if files:
            self._chosen(ARTICLES, files[0])
        return [Path(f) for f in files]

    def web_address(self) -> str | None:
        """File › Import from URL…: the address to fetch (checked), or None."""
        from claimdesk.gui.url_dialog import UrlDialog

        dialog = UrlDialog(self.parent)
        return dialog.address() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def import_folder(self) -> Path | None:
        folder = QFileDialog.getExistingDirectory(
            self.parent, "Import a folder of articles", str(self.places.folder(ARTICLES))
        )
        return self._chosen(ARTICLES, folder, folder=True)

    def open_project(self) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(
            self.parent,
            "Open",
            str(self.places.folder(PROJECTS)),
            f"Claimdesk files ({patterns(PROJECT_SUFFIX, EXERCISE_SUFFIX, SUBMISSION_SUFFIX)});;"
            f"Projects ({patterns(PROJECT_SUFFIX)});;Exercises ({patterns(EXERCISE_SUFFIX)});;"
            f"Submissions ({patterns(SUBMISSION_SUFFIX)})",
        )
        return self._chosen(PROJECTS, path)

    def server_project(
        self, current: ServerChoice | None = None, problem: str = ""
    ) -> ServerChoice | None:
        """File › Open shared project…: the server, database, user and password (again, with
        the server's ``problem``, when it refused them)."""
        from claimdesk.gui.server_dialog import ServerDialog

        dialog = ServerDialog(self.parent, current, problem)
        return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def new_project(self) -> Path | None:
        folder = self.places.folder(PROJECTS)
        suggested = folder / free_name(folder, "New project", PROJECT_SUFFIX)
        path, _ = QFileDialog.getSaveFileName(
            self.parent,
            "New project",
            str(suggested),
            f"Claimdesk projects ({patterns(PROJECT_SUFFIX)})",
        )
        chosen = self._chosen(PROJECTS, path)
        return None if chosen is None else Path(with_suffix(str(chosen), PROJECT_SUFFIX))

    # -- classroom exercises (gui/exercise_window.py, gui/teacher_*.py) ------------------------

    def student_identity(
        self, exercise_title: str, name: str, student_id: str
    ) -> tuple[str, str] | None:
        """The student's name and optional id, asked once per exercise."""
        from claimdesk.gui.exercise_window import IdentityDialog

        dialog = IdentityDialog(exercise_title, name, student_id, self.parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.identity()[0]:
            return None
        return dialog.identity()

    def inform(self, title: str, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, message, parent=self.parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()

    def report(self, title: str, summary: str, body: str) -> None:
        TextDialog(title, body, self.parent, summary, (640, 440)).exec()

    def submission_path(self, default: Path) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(
            self.parent, "Submit", str(default), f"Submissions ({patterns(SUBMISSION_SUFFIX)})"
        )
        return self._chosen(SUBMIT, path)

    def exercise_draft(
        self,
        documents: list[DocumentRecord],
        annotators: list[AnnotatorRecord],
        default_folder: Path,
        previous: ExerciseDraft | None = None,
    ) -> ExerciseDraft | None:
        from claimdesk.gui.teacher_dialogs import CreateExerciseDialog

        dialog = CreateExerciseDialog(documents, annotators, default_folder, self.parent)
        if previous is not None:
            dialog.restore(previous)
        return dialog.draft() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def suggestion_rules(
        self, project: Project, labels: list[LabelRecord]
    ) -> dict[int, SuggestRules] | None:
        """Review › Suggestion sources…: the labels whose phrases and patterns were changed."""
        from claimdesk.gui.suggestion_sources import SuggestionSourcesDialog

        dialog = SuggestionSourcesDialog(project, labels, self.parent)
        return dialog.changed() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def submission_files(self) -> list[Path]:
        files, _ = QFileDialog.getOpenFileNames(
            self.parent,
            "Collect submissions",
            str(self.places.folder(SUBMISSIONS)),
            f"Submissions ({patterns(SUBMISSION_SUFFIX)});;All files (*)",
        )
        if files:
            self._chosen(SUBMISSIONS, files[0])
        return [Path(f) for f in files]

    def submission_folder(self) -> Path | None:
        folder = QFileDialog.getExistingDirectory(
            self.parent, "Collect a folder of submissions", str(self.places.folder(SUBMISSIONS))
        )
        return self._chosen(SUBMISSIONS, folder, folder=True)

    def codebook_path(self, default_name: str) -> Path | None:
        """Labels › Export codebook…: where to write the codebook file."""
        folder = self.places.folder(PROJECTS)
        path, _ = QFileDialog.getSaveFileName(
            self.parent, "Export codebook", str(folder / default_name), "Codebooks (*.json)"
        )
        chosen = self._chosen(PROJECTS, path)
        return None if chosen is None else Path(with_suffix(str(chosen), ".json"))

    def csv_path(self, default: Path) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(
            self.parent, "Export grades", str(default), "CSV (*.csv)"
        )
        return self._chosen(GRADES, path)

    # -- datasets (gui/export_dialog.py) -------------------------------------------------------

    def export_choice(
        self,
        annotators: list[str],
        current: str,
        document: int | None,
        *,
        project: Path | None = None,
        folder: Path | None = None,
        name: str | None = None,
    ) -> ExportChoice | None:
        """``folder``: where the suggested path lies; ``project``: named in it, never replaced;
        ``name``: named in it instead (a server project, which has no file)."""
        from claimdesk.gui.export_dialog import ExportDialog

        dialog = ExportDialog(
            self.parent or QWidget(),
            annotators,
            current,
            document,
            project=project,
            folder=folder,
            name=name,
        )
        return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def import_choice(self, annotator: str, *, folder: Path | None = None) -> ImportChoice | None:
        from claimdesk.gui.export_dialog import ImportDialog

        dialog = ImportDialog(self.parent or QWidget(), annotator, folder=folder)
        return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def dataset_report(self, title: str, text: str) -> None:
        TextDialog(title, text, self.parent, size=(640, 360)).exec()
