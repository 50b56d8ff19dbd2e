"""File › Export dataset… and File › Import annotations…: choose, run off the GUI thread, report.

The export runs on a worker thread with its own connection to the project file (SQLite
connections stay on one thread); the import reads and checks the file on a worker thread, then
applies it on the GUI thread as one undoable edit, so the views refresh from its Changes.

Both dialogs start in a real folder (the last one used for that, else the project's, else the
user's Documents), the export one with a full path named after the project and the format; an
empty or unusable path keeps the dialog open with the reason under the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from claimdesk.core.errors import EditError, ProjectError
from claimdesk.core.formats import registry
from claimdesk.core.formats.base import DocumentIn, ExportReport, ExportSelection
from claimdesk.core.limits import printable
from claimdesk.core.outputs import output_problem
from claimdesk.core.progress import Progress
from claimdesk.gui.dialogs import ok_cancel
from claimdesk.gui.places import DATASETS, EXPORTS, documents_folder, free_name, start_folder
from claimdesk.gui.theme import colour_of
from claimdesk.gui.workers import (
    Task,
    WindowReporter,
    Wording,
    failure_text,
    in_own_project,
    run_task,
)

if TYPE_CHECKING:
    from claimdesk.core.formats.importer import Offsets
    from claimdesk.core.store.project import Project
    from claimdesk.gui.main_window import MainWindow


@dataclass(frozen=True)
class ExportChoice:
    format: str
    out: Path
    annotators: tuple[str, ...] = ()  # empty: everyone
    documents: tuple[int, ...] = ()  # empty: every document


@dataclass(frozen=True)
class ImportChoice:
    format: str
    path: Path
    annotator: str | None = None
    strict: bool = False
    offsets: Offsets = "codepoints"


# The import dialog's choice of offset unit (core/formats/importer.py).
OFFSET_CHOICES: tuple[tuple[str, Offsets], ...] = (
    ("characters (most files)", "codepoints"),
    ("UTF-16 units (QualCoder, doccano's editor)", "utf16"),
    ("detect from word boundaries", "auto"),
)  # fmt: skip

# One line per format for the dialog: what it is for and what it cannot hold.
BLURBS = {
    "jsonl": "One line per document and annotator, doccano's [start, end, label] spans plus ids "
    "and notes. Opens in doccano and HuggingFace datasets.",
    "csv": "One row per annotation with its quote and note, for spreadsheets (no full texts).",
    "brat": "A brat collection: .txt and .ann per document, one folder per annotator.",
    "conll": "IOB2 tokens for NER training. Overlapping spans and spans inside words cannot be "
    "written; the report lists them.",
    "spacy": "Training data for spacy train: spans in doc.spans, non-overlapping ones as entities.",
    "labelstudio": "Tasks with annotations, and the labeling config to paste into the project.",
    "uima-xmi": "CAS XMI and TypeSystem.xml, as INCEpTION and WebAnno import them.",
    "w3c": "W3C Web Annotation JSON-LD with text position and quote selectors.",
    "qdpx": "A REFI-QDA project for QualCoder, ATLAS.ti, NVivo and MAXQDA.",
}


def _describe(info: registry.FormatInfo) -> str:
    where = "a new or empty folder" if info.folder else f"a {info.suffix} file"
    reads = "can be imported back" if info.importable else "export only"
    extra = ""
    if info.extra is not None and not info.available():
        library, name = info.extra.split(":")
        extra = f" Needs {library}: pip install 'claimdesk[{name}]'"
    return f"{BLURBS.get(info.name, info.title)} Writes {where}; {reads}.{extra}"


# -- where the dialogs start -------------------------------------------------------------------


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
_SUFFIXES = {info.suffix for info in registry.FORMATS if info.suffix}


def export_name(project: Path | str | None, info: registry.FormatInfo) -> str:
    """``sample-project.jsonl``, ``sample-project-brat`` (a folder): the project and format.
    ``project``: its file, or the name to use (a server project's database)."""
    name = project.stem if isinstance(project, Path) else project or ""
    stem = _UNSAFE.sub("", "-".join(name.lower().split()))
    stem = stem.strip(".-") or "claimdesk-export"
    return f"{stem}-{info.name}" if info.folder else f"{stem}{info.suffix}"


def free_path(folder: Path, name: str) -> Path:
    """``folder / name``, or ``name-2``, ``name-3``, … when something is there already."""
    suffix = Path(name).suffix if Path(name).suffix in _SUFFIXES else ""  # not in "v1.2-brat"
    return folder / free_name(folder, name[: len(name) - len(suffix)], suffix, separator="-")


class _PathRow(QWidget):
    """A path field with a Browse… button that asks for a file or a folder, and a line under
    it that says what is wrong with the path (a dialog with a bad path does not close)."""

    def __init__(self, parent: QWidget, saving: bool, folder: Path) -> None:
        super().__init__(parent)
        self.saving = saving
        self.folder = False
        self.suffix = ""
        self.start = folder  # where a relative path points and Browse… opens
        self.edit = QLineEdit()
        self.edit.setClearButtonEnabled(True)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {colour_of('not_saved')}; font-weight: bold;")
        self.problem.hide()
        # The message goes in a form row of its own under this one (add_to): inside this row a
        # form layout would squeeze the path field to a sliver when the message shows.
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit)
        row.addWidget(browse)

    def add_to(self, form: QFormLayout, label: str) -> None:
        form.addRow(label, self)
        form.addRow("", self.problem)

    def path(self) -> Path | None:
        """The path in the field, relative ones taken from the start folder; None if empty."""
        text = self.edit.text().strip()
        if not text:
            return None
        path = Path(text).expanduser()
        return path if path.is_absolute() else self.start / path

    def say(self, problem: str | None) -> None:
        self.problem.setText(problem or "")
        self.problem.setVisible(bool(problem))
        self.edit.setAccessibleDescription(problem or "")  # read out with the field

    def settle(self, problem: str | None) -> bool:
        """OK pressed: True when the path is usable, else say why and put the caret there."""
        self.say(problem)
        if problem is not None:
            self.edit.setFocus()
        return problem is None

    def _browse_from(self) -> Path:
        path = self.path()
        for folder in (path, path.parent if path else None):
            if folder is not None and folder.is_dir():
                return folder
        return self.start

    def _browse(self) -> None:
        start = self._browse_from()
        if self.folder:
            chosen = QFileDialog.getExistingDirectory(self, "Choose a folder", str(start))
            current = self.path()
            if chosen and self.saving and current is not None and any(Path(chosen).iterdir()):
                # A folder format writes into a new or empty folder: keep the suggested name.
                chosen = str(free_path(Path(chosen), current.name))
        elif self.saving:
            path = self.path()
            suggested = str(path) if path is not None and path.parent.is_dir() else str(start)
            chosen, _ = QFileDialog.getSaveFileName(self, "Export to", suggested)
        else:
            chosen, _ = QFileDialog.getOpenFileName(self, "Import from", str(start))
        if chosen:
            self.edit.setText(chosen)


class ExportDialog(QDialog):
    """Format, annotators, documents and where to save; OK closes it only with a usable path."""

    def __init__(
        self,
        parent: QWidget,
        annotators: list[str],
        current: str,
        document: int | None,
        *,
        project: Path | None = None,
        folder: Path | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export dataset")
        self.project = project  # the project file: named in the suggestion, never written over
        self.name = name  # the name to suggest instead (a server project's database)
        self.formats = QComboBox()
        for info in registry.all_formats():
            self.formats.addItem(info.title, info.name)
        self.description = QLabel()
        self.description.setTextFormat(Qt.TextFormat.PlainText)
        self.description.setWordWrap(True)
        self.people = QListWidget()
        for name in annotators:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.people.addItem(item)
        self.people.setMaximumHeight(110)
        self.everything = QRadioButton("All documents")
        self.this_one = QRadioButton("Only the open document")
        self.everything.setChecked(True)
        self.this_one.setEnabled(document is not None)
        group = QButtonGroup(self)
        group.addButton(self.everything)
        group.addButton(self.this_one)
        self.document = document
        self.destination = _PathRow(
            self, saving=True, folder=folder or start_folder(None, EXPORTS, project, writing=True)
        )
        self._suggested = ""  # the path the dialog filled in; the user's own text is kept
        self.formats.currentIndexChanged.connect(self._format_changed)
        self.destination.edit.textChanged.connect(self._path_edited)
        scope = QVBoxLayout()
        scope.addWidget(self.everything)
        scope.addWidget(self.this_one)
        form = QFormLayout()
        form.addRow("&Format", self.formats)
        form.addRow("", self.description)
        form.addRow("&Annotators", self.people)
        form.addRow("Documents", scope)
        self.destination.add_to(form, "&Save to")
        self.buttons = ok_cancel(self, "Export", accept=self._accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(600, 0)
        self._format_changed()

    @property
    def info(self) -> registry.FormatInfo:
        return registry.get(self.formats.currentData())

    def _format_changed(self) -> None:
        info = self.info
        self.description.setText(_describe(info))
        self.destination.folder = info.folder
        self.destination.suffix = info.suffix
        edit = self.destination.edit
        text = edit.text().strip()
        if not text or text == self._suggested:
            self._suggested = str(
                free_path(self.destination.start, export_name(self.name or self.project, info))
            )
            edit.setText(self._suggested)
        else:  # the user's own name: only a format suffix follows the format
            path = Path(text)
            if path.suffix in _SUFFIXES:
                edit.setText(str(path.with_suffix("" if info.folder else info.suffix)))
        self._path_edited()

    def _path_edited(self) -> None:
        empty = self.destination.path() is None
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not empty)
        self.destination.say("Choose where to save the export." if empty else None)

    def problem(self) -> str | None:
        """Why the path in the field cannot be written, in a sentence; None if it can."""
        out = self.destination.path()
        if out is None:
            return "Choose where to save the export."
        reading = [self.project] if self.project is not None else []
        problem = output_problem(out, folder=self.info.folder, reading=reading)
        if problem is None:
            return None
        return f"{printable(out.name or str(out))}: {problem}."

    def _accept(self) -> None:
        if self.destination.settle(self.problem()):
            self.accept()

    def choice(self) -> ExportChoice | None:
        out = self.destination.path()
        if out is None:
            return None
        checked = [
            self.people.item(i).text()
            for i in range(self.people.count())
            if self.people.item(i).checkState() == Qt.CheckState.Checked
        ]
        everyone = len(checked) == self.people.count()
        documents = (self.document,) if self.this_one.isChecked() and self.document else ()
        return ExportChoice(
            self.formats.currentData(), out, () if everyone else tuple(checked), documents
        )


class ImportDialog(QDialog):
    """Format, file and annotator; OK closes it only when the file (or folder) is there."""

    def __init__(self, parent: QWidget, annotator: str, *, folder: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import annotations")
        self.formats = QComboBox()
        for info in registry.importable_formats():
            self.formats.addItem(info.title, info.name)
        self.source = _PathRow(self, saving=False, folder=folder or documents_folder())
        self.annotator = QLineEdit(annotator)
        self.annotator.setPlaceholderText("who made spans whose file names no one")
        self.annotator.setToolTip(
            "Spans the file credits to no one go to this annotator: also spans made in doccano, "
            "whose export keeps Claimdesk's annotator field as it was. Spans Claimdesk exported "
            "keep their own annotators, and in this project they are recognised and skipped."
        )
        self.strict = QCheckBox("Refuse labels that are not in the codebook")
        self.offsets = QComboBox()
        for text, unit in OFFSET_CHOICES:
            self.offsets.addItem(text, unit)
        self.offsets.setToolTip(
            "Claimdesk counts characters. Editors built on Qt, JavaScript or Java (QualCoder, "
            "doccano's browser editor) count an emoji or a rare CJK character twice. Where a file "
            "states a span's text, such offsets are repaired and listed in the report; for files "
            "that state none (doccano JSONL), choose the count here, or let Claimdesk detect it."
        )
        note = QLabel(
            "Documents already here are matched by their exact text; spans already here are "
            "skipped. The whole import is one step you can undo."
        )
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        self.formats.currentIndexChanged.connect(self._format_changed)
        self.source.edit.textChanged.connect(self._path_edited)
        form = QFormLayout()
        form.addRow("&Format", self.formats)
        self.source.add_to(form, "&File")
        form.addRow("&Annotator", self.annotator)
        form.addRow("", self.strict)
        form.addRow("&Offsets count", self.offsets)
        self.buttons = ok_cancel(self, "Import", accept=self._accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.resize(520, 0)
        self._format_changed()

    def _format_changed(self) -> None:
        self.source.folder = registry.get(self.formats.currentData()).folder
        self._path_edited()

    def _what(self) -> str:
        return "folder" if self.source.folder else "file"

    def _path_edited(self) -> None:
        empty = self.source.path() is None
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not empty)
        self.source.say(f"Choose the {self._what()} to import." if empty else None)

    def problem(self) -> str | None:
        """Why the path in the field cannot be imported from, in a sentence; None if it can."""
        path = self.source.path()
        if path is None:
            return f"Choose the {self._what()} to import."
        name = printable(path.name or str(path))
        if not path.exists():
            return f"{name}: there is no such {self._what()}."
        if self.source.folder and not path.is_dir():
            return f"{name}: is a file; this format reads a folder."
        if not self.source.folder and path.is_dir():
            return f"{name}: is a folder; choose a file."
        return None

    def _accept(self) -> None:
        if self.source.settle(self.problem()):
            self.accept()

    def choice(self) -> ImportChoice | None:
        path = self.source.path()
        if path is None:
            return None
        return ImportChoice(
            self.formats.currentData(),
            path,
            self.annotator.text().strip() or None,
            self.strict.isChecked(),
            self.offsets.currentData(),
        )


# -- running them ----------------------------------------------------------------------------


EXPORTING = Wording(
    "Export failed", "Nothing was written.", "Export cancelled; nothing was written."
)
READING = Wording(
    "Import failed", "Nothing was imported.", "Import cancelled; nothing was imported."
)


def export_dataset(window: MainWindow) -> Task | None:
    """Ask what to export, then write it on a worker thread and show the report."""
    names: list[str] | None = None
    with window.server_reads():
        names = [a.name for a in window.project.annotators()]
    if names is None:  # the server cannot be reached: the status bar says so
        return None
    server = window.project.server
    # A server project has no file: the last export folder or Documents, named after its database.
    path = window.project.path if server is None else None
    folder = start_folder(window.settings, EXPORTS, path, writing=True)
    choice = window.prompts.export_choice(
        names,
        window.annotator.name,
        window.document_id,
        project=path,
        folder=folder,
        name=server.database if server is not None else None,
    )
    if choice is None:
        return None
    info = registry.get(choice.format)
    problem = output_problem(choice.out, folder=info.folder, reading=[path] if path else [])
    if problem is not None:  # before any work: never the open project, a file for a folder, …
        name = printable(choice.out.name or str(choice.out))
        window.prompts.error("Export failed", f"Nothing was written.\n\n{name}: {problem}")
        return None
    selection = ExportSelection(choice.annotators, choice.documents)

    def work(project: Project, progress: Progress) -> ExportReport:
        from claimdesk.core.formats.export import export_dataset as export

        return export(project, choice.format, choice.out, selection, progress)

    def done(report: ExportReport) -> None:
        window.settings.set_last_folder(EXPORTS, choice.out.parent)  # the next export starts there
        window.statusBar().showMessage(
            f"Exported {report.spans} span(s) to {choice.out.name}.", 12000
        )
        window.prompts.dataset_report("Export finished", report.summary())

    return run_task(
        window,
        in_own_project(window.project, work),
        done,
        wording=EXPORTING,
        reporter=WindowReporter(window.prompts, window.statusBar()),
        progress="Exporting…",
    )


def import_annotations(window: MainWindow) -> Task | None:
    """Ask what to import; read it on a worker thread; apply it here as one undoable edit."""
    folder = start_folder(window.settings, DATASETS, window.project.path)
    choice = window.prompts.import_choice(window.annotator.name, folder=folder)
    if choice is None:
        return None

    def work(progress: Progress) -> list[DocumentIn]:
        from claimdesk.core.formats.importer import read_dataset

        return read_dataset(choice.format, choice.path)

    def done(documents: list[DocumentIn]) -> None:
        from claimdesk.core.formats.importer import import_annotations as apply

        try:
            report = apply(
                window.project,
                choice.format,
                choice.path,
                annotator=choice.annotator,
                strict=choice.strict,
                documents=documents,
                offsets=choice.offsets,
            )
        except (ProjectError, EditError) as exc:
            window.prompts.error(READING.title, failure_text(exc, READING.nothing))
            return
        window.settings.set_last_folder(DATASETS, choice.path.parent)
        window.show_changes(report.changes)
        window.statusBar().showMessage(f"Imported {report.annotations_added} annotation(s).", 12000)
        window.prompts.dataset_report("Import finished", report.summary())

    return run_task(
        window,
        work,
        done,
        wording=READING,
        reporter=WindowReporter(window.prompts, window.statusBar()),
        progress="Reading annotations…",
    )
