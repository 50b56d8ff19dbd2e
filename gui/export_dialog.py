"""File › Export dataset… and File › Import annotations…: choose, run off the GUI thread, report.

The export runs on a worker thread with its own connection to the project file (SQLite
connections stay on one thread); the import reads and checks the file on a worker thread, then
applies it on the GUI thread as one undoable edit, so the views refresh from its Changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
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
from claimdesk.gui.workers import (
    Task,
    WindowReporter,
    Wording,
    failure_text,
    in_own_project,
    run_task,
)

if TYPE_CHECKING:
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


class _PathRow(QWidget):
    """A path field with a Browse… button that asks for a file or a folder."""

    def __init__(self, parent: QWidget, saving: bool) -> None:
        super().__init__(parent)
        self.saving = saving
        self.folder = False
        self.suffix = ""
        self.edit = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(browse)

    def _browse(self) -> None:
        if self.folder:
            chosen = QFileDialog.getExistingDirectory(self, "Choose a folder")
        elif self.saving:
            chosen, _ = QFileDialog.getSaveFileName(self, "Export to", self.edit.text())
        else:
            chosen, _ = QFileDialog.getOpenFileName(self, "Import from")
        if chosen:
            self.edit.setText(chosen)


class ExportDialog(QDialog):
    def __init__(
        self, parent: QWidget, annotators: list[str], current: str, document: int | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export dataset")
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
        self.destination = _PathRow(self, saving=True)
        self.formats.currentIndexChanged.connect(self._format_changed)
        scope = QVBoxLayout()
        scope.addWidget(self.everything)
        scope.addWidget(self.this_one)
        form = QFormLayout()
        form.addRow("&Format", self.formats)
        form.addRow("", self.description)
        form.addRow("&Annotators", self.people)
        form.addRow("Documents", scope)
        form.addRow("&Save to", self.destination)
        buttons = ok_cancel(self, "Export")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(560, 0)
        self._format_changed()

    def _format_changed(self) -> None:
        info = registry.get(self.formats.currentData())
        self.description.setText(_describe(info))
        self.destination.folder = info.folder
        self.destination.suffix = info.suffix
        text = self.destination.edit.text()
        if text and not info.folder:
            self.destination.edit.setText(str(Path(text).with_suffix(info.suffix)))

    def choice(self) -> ExportChoice | None:
        text = self.destination.edit.text().strip()
        if not text:
            return None
        checked = [
            self.people.item(i).text()
            for i in range(self.people.count())
            if self.people.item(i).checkState() == Qt.CheckState.Checked
        ]
        everyone = len(checked) == self.people.count()
        documents = (self.document,) if self.this_one.isChecked() and self.document else ()
        return ExportChoice(
            self.formats.currentData(), Path(text), () if everyone else tuple(checked), documents
        )


class ImportDialog(QDialog):
    def __init__(self, parent: QWidget, annotator: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import annotations")
        self.formats = QComboBox()
        for info in registry.importable_formats():
            self.formats.addItem(info.title, info.name)
        self.source = _PathRow(self, saving=False)
        self.annotator = QLineEdit(annotator)
        self.annotator.setPlaceholderText("who made spans whose file names no one")
        self.strict = QCheckBox("Refuse labels that are not in the codebook")
        note = QLabel(
            "Documents already here are matched by their exact text; spans already here are "
            "skipped. The whole import is one step you can undo."
        )
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        self.formats.currentIndexChanged.connect(self._format_changed)
        form = QFormLayout()
        form.addRow("&Format", self.formats)
        form.addRow("&File", self.source)
        form.addRow("&Annotator", self.annotator)
        form.addRow("", self.strict)
        buttons = ok_cancel(self, "Import")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(520, 0)
        self._format_changed()

    def _format_changed(self) -> None:
        self.source.folder = registry.get(self.formats.currentData()).folder

    def choice(self) -> ImportChoice | None:
        text = self.source.edit.text().strip()
        if not text:
            return None
        return ImportChoice(
            self.formats.currentData(),
            Path(text),
            self.annotator.text().strip() or None,
            self.strict.isChecked(),
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
    names = [a.name for a in window.project.annotators()]
    choice = window.prompts.export_choice(names, window.annotator.name, window.document_id)
    if choice is None:
        return None
    path = window.project.path
    info = registry.get(choice.format)
    problem = output_problem(choice.out, folder=info.folder, reading=[path])
    if problem is not None:  # before any work: never the open project, a file for a folder, …
        name = printable(choice.out.name or str(choice.out))
        window.prompts.error("Export failed", f"Nothing was written.\n\n{name}: {problem}")
        return None
    selection = ExportSelection(choice.annotators, choice.documents)

    def work(project: Project, progress: Progress) -> ExportReport:
        from claimdesk.core.formats.export import export_dataset as export

        return export(project, choice.format, choice.out, selection, progress)

    def done(report: ExportReport) -> None:
        window.statusBar().showMessage(
            f"Exported {report.spans} span(s) to {choice.out.name}.", 12000
        )
        window.prompts.dataset_report("Export finished", report.summary())

    return run_task(
        window,
        in_own_project(path, work),
        done,
        wording=EXPORTING,
        reporter=WindowReporter(window.prompts, window.statusBar()),
        progress="Exporting…",
    )


def import_annotations(window: MainWindow) -> Task | None:
    """Ask what to import; read it on a worker thread; apply it here as one undoable edit."""
    choice = window.prompts.import_choice(window.annotator.name)
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
            )
        except (ProjectError, EditError) as exc:
            window.prompts.error(READING.title, failure_text(exc, READING.nothing))
            return
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
