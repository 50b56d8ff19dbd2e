"""The class overview: every student's scores against the key, per-label breakdown, CSV export
and each student's feedback page."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import (
    QSortFilterProxyModel,
    Qt,
    QUrl,
)
from PySide6.QtGui import QColor, QDesktopServices, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from claimdesk.core.errors import EditError, ProjectError
from claimdesk.core.paths import in_data_dir, visible_files_dir
from claimdesk.core.progress import Progress
from claimdesk.gui.places import GRADES
from claimdesk.gui.table_models import (
    RIGHT,
    SORT_ROLE,
    Column,
    ColumnTableModel,
    Index,
    right_aligned,
)
from claimdesk.gui.teacher_dialogs import safe_file_stem
from claimdesk.gui.workers import LabelReporter, Task, Wording, in_own_project, run_task

if TYPE_CHECKING:
    from PySide6.QtGui import QHideEvent, QShowEvent

    from claimdesk.core.classroom.exercise import ExerciseInfo
    from claimdesk.core.classroom.grading import Claim, ClassGrades, LabelGrades, StudentGrades
    from claimdesk.core.classroom.scheme_grading import SchemeGrades, Tally
    from claimdesk.core.store.live import RemoteChange
    from claimdesk.core.store.project import Project
    from claimdesk.gui.dialogs import Prompts

SortRole = SORT_ROLE
AnnotatorRole = Qt.ItemDataRole.UserRole + 2
GRADING = Wording("Not graded", "", "Grading cancelled.")
# Notices that may change a grade whatever their document: the codebook, the people, the texts.
ANY_DOCUMENT = frozenset({"label", "annotator", "document", "*"})


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return "" if value is None else str(value)


class StudentRow(NamedTuple):
    annotator_id: int
    values: tuple[Any, ...]  # in the order of the core's overview_columns


def _overview_column(header: str, number: int) -> Column[StudentRow]:
    def value(row: StudentRow) -> Any:
        return row.values[number] if number < len(row.values) else None

    def sort_key(row: StudentRow) -> object:
        raw = value(row)
        return raw.casefold() if isinstance(raw, str) else raw

    def alignment(row: StudentRow) -> Qt.AlignmentFlag | None:
        return RIGHT if isinstance(value(row), int | float) else None

    # Item views draw display text literally: names stay plain.
    return Column(header, lambda row: _cell(value(row)), alignment=alignment, sort_key=sort_key)


class ClassGradesModel(ColumnTableModel[StudentRow]):
    """One row per student, the columns of the core's class overview; sorts on raw values."""

    def __init__(self) -> None:
        super().__init__()
        self._columns: tuple[Column[StudentRow], ...] = ()
        self._rows: list[StudentRow] = []

    def set_grades(self, grades: ClassGrades | None) -> None:
        from claimdesk.core.classroom.grading import class_overview_rows, overview_columns

        self.beginResetModel()
        if grades is None:
            self._rows = []
        else:
            self._columns = tuple(
                _overview_column(header, n) for n, header in enumerate(overview_columns(grades))
            )
            overview = class_overview_rows(grades)
            self._rows = [
                StudentRow(student.annotator_id, tuple(values))
                for student, values in zip(grades.students, overview, strict=True)
            ]
        self.endResetModel()

    def annotator_id(self, row: int) -> int:
        return self._rows[row].annotator_id

    def columns(self) -> Sequence[Column[StudentRow]]:
        return self._columns

    def row_count(self) -> int:
        return len(self._rows)

    def row_at(self, number: int) -> StudentRow:
        return self._rows[number]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == AnnotatorRole:
            return self.annotator_id(index.row()) if self.column_at(index) else None
        return super().data(index, role)


LABEL_SCORES = ("Exact P", "Exact R", "Exact F1", "Overlap P", "Overlap R", "Overlap F1")


def _label_score_column(header: str, number: int) -> Column[LabelGrades]:
    def text(grades: LabelGrades) -> str:
        exact, overlap = grades.exact, grades.overlap
        if header in LABEL_SCORES and exact.tp + exact.fp + exact.fn == 0:
            return "—"  # neither the key nor the student used the label: no score to give
        values = (
            exact.precision,
            exact.recall,
            exact.f1,
            overlap.precision,
            overlap.recall,
            overlap.f1,
            exact.tp + exact.fn,
            exact.tp + exact.fp,
        )
        return _cell(values[number])

    return Column(header, text, alignment=right_aligned)


class LabelGradesModel(ColumnTableModel["LabelGrades"]):
    """The selected student's scores for each label of the codebook."""

    COLUMNS = ("Label", *LABEL_SCORES, "In key", "Marked")

    def __init__(self) -> None:
        super().__init__()
        self._student: StudentGrades | None = None
        self._columns: tuple[Column[LabelGrades], ...] = (
            Column(
                "Label",
                lambda grades: grades.label.name,
                decoration=lambda grades: QColor(grades.label.colour),
            ),
            *(_label_score_column(h, n) for n, h in enumerate(self.COLUMNS[1:])),
        )

    def set_student(self, student: StudentGrades | None) -> None:
        self.beginResetModel()
        self._student = student
        self.endResetModel()

    def columns(self) -> Sequence[Column[LabelGrades]]:
        return self._columns

    def row_count(self) -> int:
        return 0 if self._student is None else len(self._student.labels)

    def row_at(self, number: int) -> LabelGrades:
        assert self._student is not None
        return self._student.labels[number]


def _claim(claim: Claim, titles: dict[int, str]) -> str:
    quote = claim.quote if len(claim.quote) <= 120 else claim.quote[:117] + "…"
    where = titles.get(claim.document_id, f"document {claim.document_id}")
    return f"[{claim.label_name}] “{quote}” — {where}, {claim.start}–{claim.end}"


def details_text(grades: ClassGrades, student: StudentGrades) -> str:
    """What the student missed, added, or marked with other boundaries or another label."""
    titles = {document.id: document.title for document in grades.documents}
    lines = [f"Missed ({len(student.missed)})"]
    lines += [f"  • {_claim(claim, titles)}" for claim in student.missed]
    lines += ["", f"Extra ({len(student.extra)})"]
    lines += [f"  • {_claim(claim, titles)}" for claim in student.extra]
    lines += ["", f"Boundary errors ({len(student.boundary)})"]
    for mine, key in student.boundary:
        lines.append(f"  • {_claim(mine, titles)}\n      key: “{key.quote}” {key.start}–{key.end}")
    lines += ["", f"Wrong label ({len(student.wrong_label)})"]
    for mine, key in student.wrong_label:
        lines.append(f"  • {_claim(mine, titles)}\n      key: [{key.label_name}] “{key.quote}”")
    if grades.has_scheme:
        lines += ["", *scheme_lines(student.scheme, titles)]
    return "\n".join(lines) + "\n"


def _share(tally: Tally) -> str:
    if tally.accuracy is None:
        return "nothing to score"
    return f"{tally.accuracy:.0%} ({tally.right} of {tally.counted})"


def scheme_lines(scheme: SchemeGrades[Claim], titles: dict[int, str]) -> list[str]:
    """Attributes, relations and document labels: scored beside the spans, not in them."""
    lines = ["Beside the spans (not part of their scores)"]
    lines += [f"  {name}: {_share(tally)}" for name, tally in scheme.attributes]
    relations = scheme.relations
    if relations.used:
        lines.append(
            f"  Relations: P {relations.precision:.0%} R {relations.recall:.0%} "
            f"F1 {relations.f1:.0%} ({relations.tp} right, {relations.fp} not in the key, "
            f"{relations.fn} missed)"
        )
    lines += [f"  {name}: {_share(tally)}" for name, tally in scheme.doc_labels]
    if scheme.attribute_misses:
        lines += ["", f"Attribute values that differ ({len(scheme.attribute_misses)})"]
        lines += [f"  • {_claim(m.key, titles)}\n      {m.text}" for m in scheme.attribute_misses]
    for heading, found in (
        ("Missed relations", scheme.missed_relations),
        ("Relations not in the key", scheme.extra_relations),
    ):
        if found:
            lines += ["", f"{heading} ({len(found)})"]
            lines += [
                f"  • {r.type_name}: “{r.source.quote}” {'→' if r.directed else '↔'} "
                f"“{r.target.quote}” — {titles.get(r.document_id, r.document_id)}"
                for r in found
            ]
    wrong = [r for r in scheme.doc_label_results if not r.right]
    if wrong:
        lines += ["", f"Document labels that differ ({len(wrong)})"]
        lines += [
            f"  • {titles.get(r.document_id, r.document_id)}: {r.set_name}: you "
            f"{', '.join(sorted(r.mine)) or '(none)'} · key {', '.join(sorted(r.key)) or '(none)'}"
            for r in wrong
        ]
    return lines


class FeedbackPreview(QDialog):
    """The student's feedback page as written to disk, with a button to open it in a browser."""

    def __init__(self, html: str, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.setWindowTitle(f"Feedback — {path.name}")
        from claimdesk.core.classroom.feedback import PAGE_BACKGROUND, PAGE_TEXT

        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)  # nothing in a feedback page should navigate away
        # The page sets its own text and background (it is printed); the view around it, below
        # a short page too, takes the same paper colours instead of the theme's.
        paper = self.browser.palette()
        paper.setColor(QPalette.ColorRole.Base, QColor(PAGE_BACKGROUND))
        paper.setColor(QPalette.ColorRole.Text, QColor(PAGE_TEXT))
        self.browser.setPalette(paper)
        self.browser.setHtml(html)
        where = QLabel(f"Saved as {path}")
        where.setTextFormat(Qt.TextFormat.PlainText)
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        open_button = QPushButton("Open in browser (to print)")
        open_button.clicked.connect(self.open_in_browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(where)
        layout.addWidget(buttons)
        self.resize(820, 760)

    def open_in_browser(self) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path)))


class GradesWindow(QDialog):
    """Grades of one exercise: overview table (sortable), breakdown and lists for a student."""

    def __init__(
        self,
        project: Project,
        exercises: list[ExerciseInfo],
        prompts: Prompts,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setWindowTitle("Grades")
        self.project = project
        self.prompts = prompts
        self.grades: ClassGrades | None = None
        self.task: Task | None = None
        # A server project: students' edits arrive as live notices (gathered by LiveUpdates) and
        # the class is graded again quietly, once per gathered batch, never two at a time.
        from claimdesk.gui.live import LiveUpdates

        self.live = LiveUpdates(self)
        self.live.changed.connect(self._remote)
        self._again = False

        self.exercises = {info.id: info for info in exercises}
        self.exercise = QComboBox()
        # On a server the signed-in students' live work is graded too, not only handed-in files.
        live = " + live work" if project.server is not None else ""
        for info in exercises:
            self.exercise.addItem(f"{info.title} ({info.submissions} submitted{live})", info.id)
        self.exercise.currentIndexChanged.connect(lambda _: self._exercise_chosen())
        self.key = QComboBox()
        self.key.setToolTip("Whose annotations in this project are the right answers")
        self.key.addItem("(no key)", None)
        for annotator in project.annotators():
            self.key.addItem(annotator.name, annotator.id)  # combo boxes show plain text
        self.key.currentIndexChanged.connect(lambda _: self._key_chosen())
        self.tolerance = QSpinBox()
        self.tolerance.setRange(-1, 1000)
        self.tolerance.setSpecialValueText("any overlap")
        self.tolerance.setSuffix(" characters")
        self.tolerance.setValue(-1)
        self.tolerance.setToolTip(
            "Overlap matching: same label and overlapping spans. With a tolerance of N, both "
            "ends must also lie within N characters of the key's."
        )
        self.tolerance.valueChanged.connect(lambda _: self.regrade())
        top = QHBoxLayout()
        top.addWidget(QLabel("Exercise"))
        top.addWidget(self.exercise, 1)
        top.addWidget(QLabel("Answer key"))
        top.addWidget(self.key)
        top.addWidget(QLabel("Boundary tolerance"))
        top.addWidget(self.tolerance)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)

        self.model = ClassGradesModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_student())
        self.table.doubleClicked.connect(lambda _: self.open_feedback())

        self.labels_model = LabelGradesModel()
        self.labels_table = QTableView()
        self.labels_table.setModel(self.labels_model)
        self.labels_table.verticalHeader().hide()
        self.labels_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        tabs = QTabWidget()
        tabs.addTab(self.labels_table, "Per label")
        tabs.addTab(self.details, "Missed, extra and boundary errors")
        self.student_heading = QLabel("Select a student to see their breakdown.")
        self.student_heading.setTextFormat(Qt.TextFormat.PlainText)
        self.student_heading.setStyleSheet("font-weight: bold;")
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 4, 0, 0)
        lower_layout.addWidget(self.student_heading)
        lower_layout.addWidget(tabs)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setSizes([320, 300])

        self.csv_button = QPushButton("Export CSV…")
        self.csv_button.clicked.connect(self.export_csv)
        self.feedback_button = QPushButton("Open feedback…")
        self.feedback_button.setToolTip("Write the selected student's feedback page and show it")
        self.feedback_button.clicked.connect(self.open_feedback)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.csv_button)
        buttons.addWidget(self.feedback_button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.live.note)
        layout.addLayout(buttons)
        self.resize(1280, 760)
        self._show_key()
        self._enable()

    def _enable(self) -> None:
        has_rows = self.grades is not None and bool(self.grades.students)
        self.csv_button.setEnabled(has_rows)
        self.feedback_button.setEnabled(has_rows and self.selected_student() is not None)

    # -- exercise and key -----------------------------------------------------------------------

    def _show_key(self) -> None:
        info = self.exercises.get(self.exercise.currentData())
        self.key.blockSignals(True)
        self.key.setCurrentIndex(max(self.key.findData(info.key_annotator_id if info else None), 0))
        self.key.blockSignals(False)

    def _exercise_chosen(self) -> None:
        self._show_key()
        self.regrade()

    def _key_chosen(self) -> None:
        from claimdesk.core.classroom.exercise import set_key

        exercise_id = self.exercise.currentData()
        try:
            info = set_key(self.project, exercise_id, self.key.currentData())
        except (ProjectError, EditError) as exc:
            self.prompts.error("Key not changed", str(exc))
            self._show_key()
            return
        self.exercises[exercise_id] = info
        self.regrade()

    # -- grading (on a worker thread, with its own connection to the project file) -------------

    def regrade(self, *, quiet: bool = False) -> None:
        """Grade again off the GUI thread; ``quiet`` (students' live work changed): no progress
        dialog, and the table keeps showing the last grades until the new ones are in."""
        from claimdesk.core.classroom.grading import grade

        exercise_id = self.exercise.currentData()
        if exercise_id is None:
            return
        tolerance = None if self.tolerance.value() < 0 else self.tolerance.value()
        if self.task is not None:
            self.task.abandon()  # out of date: only the latest grading is shown

        def work(project: Project, progress: Progress) -> ClassGrades:
            return grade(project, exercise_id, tolerance, progress=progress)

        if quiet:
            task = Task(in_own_project(self.project, work), self)
            task.succeeded.connect(self.show_grades)
            task.failed.connect(lambda error: self.status.setText(f"Grades not updated: {error}"))
            task.start()
        else:
            self.status.setText("Grading…")
            task = run_task(
                self,
                in_own_project(self.project, work),
                self.show_grades,
                wording=GRADING,
                reporter=LabelReporter(self.status),
                progress="Grading…",
                title="Classroom",
            )
            task.failed.connect(lambda _error: self.show_grades(None))
            task.cancelled.connect(lambda: self.show_grades(None))
        task.ended.connect(lambda: self._graded(task))
        self.task = task

    def _remote(self, batch: list[RemoteChange]) -> None:
        """Others' edits on the server: grade again if they touch the exercise's documents."""
        documents = None if self.grades is None else {d.id for d in self.grades.documents}
        if not any(
            change.table in ANY_DOCUMENT
            or (
                change.table in ("annotation", "document_status")
                and (documents is None or change.document_id in documents)
            )
            for change in batch
        ):
            return
        if self.task is not None:
            self._again = True  # once the grading under way is in
            return
        self.regrade(quiet=True)

    def _graded(self, task: Task) -> None:
        if self.task is task:
            self.task = None
            if self._again:
                self._again = False
                self.regrade(quiet=True)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.project.server is not None and self.live.listener is None:
            self.live.start(self.project)

    def hideEvent(self, event: QHideEvent) -> None:
        self.live.stop()
        super().hideEvent(event)

    def show_grades(self, grades: ClassGrades | None) -> None:
        selected = self.selected_student()
        self.grades = grades
        self.model.set_grades(grades)
        self.table.resizeColumnsToContents()
        if grades is not None:
            tolerance = (
                "any overlap"
                if grades.tolerance is None
                else f"overlap within {grades.tolerance} characters"
            )
            self.status.setText(
                f"{len(grades.students)} student(s) graded against the key of "
                f"{grades.key_annotator_name} ({len(grades.key)} key claims; "
                f"exact = same label and boundaries; {tolerance})."
                + (
                    f" Live work of signed-in students read at {grades.live_read_at:%H:%M:%S} UTC;"
                    " it updates as they annotate."
                    if grades.live_read_at is not None
                    else ""
                )
                + (
                    " Attributes, relations and document labels are scored in the last "
                    "columns, beside the span scores and not part of them."
                    if grades.has_scheme
                    else ""
                )
            )
            if selected is not None:
                self.select_student(selected.annotator_id)
        self._show_student()

    # -- the selected student -------------------------------------------------------------------

    def selected_student(self) -> StudentGrades | None:
        index = self.table.currentIndex()
        if self.grades is None or not index.isValid():
            return None
        annotator_id = self.proxy.data(index, AnnotatorRole)
        try:
            return self.grades.student(int(annotator_id))
        except (KeyError, TypeError):
            return None

    def select_student(self, annotator_id: int) -> bool:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if self.proxy.data(index, AnnotatorRole) == annotator_id:
                self.table.setCurrentIndex(index)
                return True
        return False

    def _show_student(self) -> None:
        student = self.selected_student()
        self.labels_model.set_student(student)
        self.labels_table.resizeColumnsToContents()
        if student is None or self.grades is None:
            self.student_heading.setText("Select a student to see their breakdown.")
            self.details.setPlainText("")
        else:
            self.student_heading.setText(student.annotator_name)
            self.details.setPlainText(details_text(self.grades, student))
        self._enable()

    # -- output ---------------------------------------------------------------------------------

    def export_csv(self) -> Path | None:
        from claimdesk.core.classroom.grading import write_class_csv

        if self.grades is None:
            return None
        default = self.prompts.places.suggest(
            GRADES, f"{safe_file_stem(self.grades.title)} grades.csv"
        )
        path = self.prompts.csv_path(default)
        if path is None:
            return None
        try:
            written = write_class_csv(self.grades, path, reading=[self.project.path])
        except (ProjectError, OSError) as exc:
            self.prompts.error("Grades not exported", str(exc))
            return None
        self.status.setText(f"Grades exported to {written}")
        return written

    def feedback_folder(self) -> Path:
        assert self.grades is not None
        # Beside the class project, where the teacher finds it (not in the hidden data folder);
        # for a project on a server, in the visible files folder (Documents).
        path = self.project.path
        on_server = self.project.server is not None
        base = visible_files_dir() if on_server or in_data_dir(path) else path.parent
        return base / "Feedback" / safe_file_stem(self.grades.title)

    def open_feedback(self) -> FeedbackPreview | None:
        from claimdesk.core.classroom.feedback import feedback_html, write_feedback

        student = self.selected_student()
        if self.grades is None or student is None:
            return None
        try:  # the folder is made by write_feedback, which refuses a file in its place
            path = write_feedback(self.grades, student, self.feedback_folder())
            html = feedback_html(self.grades, student)
        except (ProjectError, OSError) as exc:
            self.prompts.error("Feedback not written", str(exc))
            return None
        preview = FeedbackPreview(html, path, self)
        preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        preview.show()
        self.preview = preview
        return preview
