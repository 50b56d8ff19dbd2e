"""The agreement dashboard: label counts, the annotator × annotator heatmap with the
disagreements behind each cell, per-document agreement and progress over time.

Every number comes from ``core.agreement``; this window only draws it. pyqtgraph is imported
with this module, which the main window imports only when the dashboard is opened.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from claimdesk.core.agreement import compute as agreement
from claimdesk.core.agreement.compute import AgreementReport, Disagreement
from claimdesk.core.agreement.report import scheme_lines
from claimdesk.core.errors import ServerUnreachable
from claimdesk.core.progress import Progress
from claimdesk.core.store.project import Project
from claimdesk.gui import charts
from claimdesk.gui.disagreements import DisagreementList, DisagreementModel
from claimdesk.gui.places import CHARTS, Places
from claimdesk.gui.suggestion_stats import SuggestionStatsTab
from claimdesk.gui.workers import LabelReporter, Task, failure_text, in_own_project

MATRICES = (
    ("pairwise_kappa", "Cohen's κ on tokens"),
    ("pairwise_f1_exact", "Span F1, exact"),
    ("pairwise_f1_overlap", "Span F1, overlap"),
)
FOLLOW_MS = 300  # on a server: edits this close together cost one computation

OVERALL = (
    ("cohen_kappa", "Cohen's κ (mean of pairs)"),
    ("fleiss_kappa", "Fleiss' κ"),
    ("krippendorff_alpha", "Krippendorff's α"),
    ("alpha_u", "α-U"),
    ("f1_exact", "F1 exact"),
    ("f1_overlap", "F1 overlap"),
)
AskPath = Callable[[str], Path | None]


def _layout(tab: QWidget) -> QLayout:
    layout = tab.layout()
    assert layout is not None, "every tab is made with its layout"
    return layout


def _figure(value: float) -> str:
    return "n/a" if value is None or np.isnan(value) else f"{value:.3f}"


def ask_png_path(parent: QWidget, places: Places) -> AskPath:
    def ask(suggested: str) -> Path | None:
        start = str(places.suggest(CHARTS, suggested))
        name, _ = QFileDialog.getSaveFileName(parent, "Save chart as PNG", start, "PNG (*.png)")
        if not name:
            return None
        places.remember(CHARTS, Path(name).parent)
        return Path(name)

    return ask


def ask_csv_folder(parent: QWidget, places: Places) -> AskPath:
    def ask(suggested: str) -> Path | None:
        start = str(places.folder(CHARTS))
        name = QFileDialog.getExistingDirectory(parent, "Save numbers as CSV into a folder", start)
        if not name:
            return None
        places.remember(CHARTS, Path(name))
        return Path(name)

    return ask


class Dashboard(QWidget):
    """A window over one project; ``curateRequested(document, start, end, label)`` asks the
    main window to open the curation view at a disagreement."""

    curateRequested = Signal(int, int, int, int)
    computed = Signal()  # new figures are drawn
    serverAway = Signal(object)  # ServerUnreachable: the figures shown stay

    def __init__(
        self, project: Project, parent: QWidget | None = None, places: Places | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.project = project
        self.report: AgreementReport | None = None
        places = places or Places(
            project_file=lambda: project.path if project.server is None else None
        )
        self.ask_png: AskPath = ask_png_path(self, places)  # tests answer these, not a dialog
        self.ask_csv: AskPath = ask_csv_folder(self, places)
        self.pair: tuple[int, int] | None = None  # heatmap cell shown in the list
        self.task: Task | None = None  # the computation under way
        self._again = False

        self.unlabelled = QComboBox()
        self.unlabelled.addItem("Unlabelled text counts as “none”", "category")
        self.unlabelled.addItem("Only text someone labelled", "ignore")
        self.include_gold = QCheckBox("Include the gold set")
        self.refresh_button = QPushButton("Refresh")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setEnabled(False)
        self.png_button = QPushButton("Save chart as PNG…")
        self.csv_button = QPushButton("Save numbers as CSV…")
        self.overall = QLabel()
        self.overall.setTextFormat(Qt.TextFormat.PlainText)
        self.overall.setWordWrap(True)
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.matrix_choice = QComboBox()
        for key, title in MATRICES:
            self.matrix_choice.addItem(title, key)
        self.heatmap = charts.Heatmap()
        self.pair_heading = QLabel("Click a cell of the heatmap to list where those two differ.")
        self.pair_heading.setTextFormat(Qt.TextFormat.PlainText)
        self.pair_heading.setWordWrap(True)
        self.disagreement_model = DisagreementModel(self.project.document_text)
        self.disagreements = DisagreementList(self.disagreement_model)
        self.scheme_text = QPlainTextEdit()  # plain text: names from the codebook stay text
        self.scheme_text.setReadOnly(True)
        self.scheme_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.tabs = QTabWidget()
        self._build_layout()
        self._connect()
        self.setWindowTitle(f"Agreement — {project.name} — Claimdesk")
        self.resize(1280, 800)
        # On a server, your own edits refresh the figures as others' do (gui/live_refresh.py),
        # gathered: a burst of edits costs one computation.
        self.follow = QTimer(self)
        self.follow.setSingleShot(True)
        self.follow.setInterval(FOLLOW_MS)
        self.follow.timeout.connect(self.refresh)
        self._compute(self.annotator_ids())  # a server that cannot be reached: no window

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        for widget in (self.unlabelled, self.include_gold, self.refresh_button, self.stop_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.png_button)
        bar.addWidget(self.csv_button)

        matrix_side = QWidget()
        matrix_layout = QVBoxLayout(matrix_side)
        matrix_layout.setContentsMargins(0, 0, 0, 0)
        choice = QHBoxLayout()
        choice.addWidget(QLabel("Figure:"))
        choice.addWidget(self.matrix_choice)
        choice.addStretch(1)
        matrix_layout.addLayout(choice)
        matrix_layout.addWidget(self.heatmap, 1)
        list_side = QWidget()
        list_layout = QVBoxLayout(list_side)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.pair_heading)
        list_layout.addWidget(self.disagreements, 1)
        self.pairs_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.pairs_splitter.addWidget(matrix_side)
        self.pairs_splitter.addWidget(list_side)
        self.pairs_splitter.setSizes([640, 600])
        self.frequency_tab, self.document_tab, self.progress_tab = QWidget(), QWidget(), QWidget()
        for tab in (self.frequency_tab, self.document_tab, self.progress_tab):
            QVBoxLayout(tab).setContentsMargins(0, 0, 0, 0)
        self.tabs.addTab(self.frequency_tab, "Label frequencies")
        self.tabs.addTab(self.pairs_splitter, "Agreement between annotators")
        self.tabs.addTab(self.document_tab, "Per document")
        self.scheme_tab = QWidget()
        self.scheme_chart_box = QWidget()
        QVBoxLayout(self.scheme_chart_box).setContentsMargins(0, 0, 0, 0)
        scheme_split = QSplitter(Qt.Orientation.Vertical)
        scheme_split.addWidget(self.scheme_chart_box)
        scheme_split.addWidget(self.scheme_text)
        scheme_split.setSizes([420, 260])
        scheme_layout = QVBoxLayout(self.scheme_tab)
        scheme_layout.setContentsMargins(0, 0, 0, 0)
        scheme_layout.addWidget(scheme_split)
        self.tabs.addTab(self.scheme_tab, "Attributes, relations, document labels")
        self.tabs.addTab(self.progress_tab, "Progress over time")
        self.suggestions_tab = SuggestionStatsTab(self.project)  # gui/suggestion_stats.py
        self.tabs.addTab(self.suggestions_tab, "Suggestions")
        self.suggestions_tab.serverAway.connect(self.serverAway)
        self.tabs.setCurrentWidget(self.pairs_splitter)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.overall)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)

    def _connect(self) -> None:
        self.refresh_button.clicked.connect(self.refresh)
        self.stop_button.clicked.connect(self.stop)
        self.unlabelled.currentIndexChanged.connect(self.refresh)
        self.include_gold.toggled.connect(self.refresh)
        self.matrix_choice.currentIndexChanged.connect(self._draw_matrix)
        self.heatmap.cellClicked.connect(self.show_pair)
        self.disagreements.activated_.connect(self._curate)
        self.png_button.clicked.connect(self.save_png)
        self.csv_button.clicked.connect(self.save_csv)

    # -- figures --------------------------------------------------------------------------------

    def annotator_ids(self) -> list[int]:
        return [
            a.id
            for a in self.project.annotators()
            if self.include_gold.isChecked() or not a.is_gold
        ]

    def refresh(self) -> None:
        """Compute every figure again, off the GUI thread, then redraw every chart.

        The worker opens the project file itself (one SQLite connection per thread); a refresh
        asked for while one runs starts once it is done.
        """
        self.suggestions_tab.refresh()  # a few counts, read at once
        if self.task is not None:
            self._again = True
            self.task.cancel()  # its figures are out of date: stop at its next step
            return
        try:
            annotators = self.annotator_ids()
        except ServerUnreachable as exc:
            self.message.setText(
                f"The server cannot be reached ({exc.reason}): the figures shown are from before."
            )
            self.serverAway.emit(exc)
            return
        self._compute(annotators)

    def _compute(self, annotators: list[int]) -> None:
        unlabelled = self.unlabelled.currentData()

        def work(project: Project, progress: Progress) -> AgreementReport:
            return agreement.compute_report(
                project,
                annotators=annotators,
                unlabelled=unlabelled,
                progress=progress,
                idle=False,  # someone who has not started is not shown as a row of n/a
            )

        task = Task(in_own_project(self.project, work), self)
        task.progressed.connect(self._computing)
        task.succeeded.connect(self._computed)
        task.failed.connect(self._failed)
        task.cancelled.connect(self._stopped)
        task.ended.connect(lambda: self._ended(task))
        self.task = task
        self.refresh_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.message.setText("Computing the figures…")
        task.start()

    def stop(self) -> None:
        """Stop the computation under way (at its next step); the figures shown stay."""
        if self.task is not None:
            self._again = False
            self.task.cancel()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop()  # nobody will look at the figures: free the processor
        super().closeEvent(event)

    def _computing(self, done: int, total: int) -> None:
        self.message.setText(f"Computing the figures… step {done} of {total}")

    def _idle(self) -> None:
        self.task = None
        self.refresh_button.setEnabled(True)
        self.stop_button.setEnabled(False)

    def _ended(self, task: Task) -> None:
        if self.task is task:  # nothing was delivered (the window closed): ready for the next
            self._idle()

    def _stopped(self) -> None:
        self._idle()
        if self._again:  # stopped because the choice changed: compute the new one
            self._again = False
            self.refresh()
        else:
            self.message.setText("Stopped; the figures shown are from before.")

    def _failed(self, error: BaseException) -> None:
        self._idle()
        LabelReporter(self.message).failure(
            "", failure_text(error, "The figures could not be computed.")
        )

    def _computed(self, report: AgreementReport) -> None:
        self._idle()
        if self._again:  # the choice changed while computing: this report is out of date
            self._again = False
            self.refresh()
            return
        self.report = report
        figures = (f"{title} {_figure(report.overall.get(k, np.nan))}" for k, title in OVERALL)
        n = len(report.annotator_ids)
        people = f"{n} annotator{'s' if n != 1 else ''}"
        self.overall.setText(f"{people} · " + " · ".join(figures))
        self.message.setText("")
        self._draw_charts(report)
        self._draw_scheme(report)
        self._draw_matrix()
        if self.pair is not None and all(i in report.annotator_ids for i in self.pair):
            a, b = self.pair
            self.show_pair(report.annotator_ids.index(a), report.annotator_ids.index(b))
        else:
            self.pair = None
            self.disagreement_model.set_rows([], "", "")
        self.computed.emit()

    def _draw_charts(self, report: AgreementReport) -> None:
        names = report.annotator_names
        self._place(
            self.frequency_tab,
            charts.grouped_hbars(
                "Spans per label, by annotator",
                report.label_names,
                names,
                np.asarray(report.label_frequencies),
                "spans",
                counts=True,
            ),
        )
        documents = report.per_document
        self._place(
            self.document_tab,
            charts.grouped_hbars(
                "Agreement per document (over the annotators who did it)",
                [d.title for d in documents],
                ["Krippendorff's α (tokens)", "α-U (characters)", "F1 overlap"],
                np.array(
                    [
                        [d.krippendorff_alpha for d in documents],
                        [d.alpha_u for d in documents],
                        [d.f1_overlap for d in documents],
                    ],
                    dtype=float,
                ).reshape(3, len(documents)),
                "agreement (1 = perfect, 0 = chance)",
                x_range=(0.0, 1.0),
            ),
        )
        progress = report.progress
        progress_names = [names[report.annotator_ids.index(i)] for i in progress.annotator_ids]
        split = QSplitter(Qt.Orientation.Horizontal)
        for title, counts, unit in (
            ("Annotations made (cumulative)", progress.annotations, "annotations"),
            ("Documents done (cumulative)", progress.documents_done, "documents"),
        ):
            split.addWidget(
                charts.progress_lines(title, progress_names, progress.days, counts, unit)
            )
        self._place(self.progress_tab, split)

    def _draw_scheme(self, report: AgreementReport) -> None:
        if report.scheme is None or report.scheme.empty:
            text = (
                "The codebook has no attributes, relation types or document label sets: "
                "add them in the codebook editor to see agreement on them here."
            )
        else:
            text = "\n".join(scheme_lines(report.scheme)).rstrip()
        self.scheme_text.setPlainText(text)
        self._place(self.scheme_chart_box, charts.scheme_bars(report.scheme))

    @staticmethod
    def _place(tab: QWidget, chart: QWidget) -> None:
        """Put a freshly drawn chart in its tab, in place of the old one."""
        layout = _layout(tab)
        while layout.count():
            item = layout.takeAt(0)
            old = item.widget() if item is not None else None
            if old is not None:
                old.deleteLater()
        layout.addWidget(chart)

    def chart(self, tab: QWidget) -> QWidget:
        """The chart now shown in a tab (the tab itself while nothing is drawn yet)."""
        if tab is self.pairs_splitter:
            return self.heatmap
        item = _layout(tab).itemAt(0)
        widget = item.widget() if item is not None else None
        return widget if widget is not None else tab

    def _draw_matrix(self) -> None:
        if self.report is None:
            return
        key = self.matrix_choice.currentData()
        self.heatmap.set_matrix(
            f"{self.matrix_choice.currentText()}: click a cell to see the disagreements",
            self.report.annotator_names,
            getattr(self.report, key),
        )
        if self.pair is not None:
            ids = self.report.annotator_ids
            self.heatmap.mark((ids.index(self.pair[0]), ids.index(self.pair[1])))

    # -- disagreements --------------------------------------------------------------------------

    def show_pair(self, row: int, column: int) -> None:
        """List where the annotators of a heatmap cell differ (row's annotator first)."""
        if self.report is None:
            return
        ids, names = self.report.annotator_ids, self.report.annotator_names
        a, b = ids[row], ids[column]
        self.heatmap.mark((row, column))
        if a == b:
            self.pair = None
            self.disagreement_model.set_rows([], "", "")
            self.pair_heading.setText(
                f"{names[row]} against themselves: pick a cell off the diagonal."
            )
            return
        self.pair = (a, b)
        rows = agreement.disagreements(self.project, a, b)
        self.disagreement_model.set_rows(rows, names[row], names[column])
        value = getattr(self.report, self.matrix_choice.currentData())[row, column]
        self.pair_heading.setText(
            f"{names[row]} and {names[column]} ({self.matrix_choice.currentText()} "
            f"{_figure(value)}): {len(rows)} disagreement{'s' if len(rows) != 1 else ''}. "
            "Double-click one to curate its document."
        )
        if rows:
            self.disagreements.selectRow(0)

    def _curate(self, row: Disagreement) -> None:
        side = (row.first or row.second)[0]
        self.curateRequested.emit(row.document_id, side.start, side.end, side.label_id)

    # -- saving ---------------------------------------------------------------------------------

    def save_png(self) -> Path | None:
        """Save the chart on the open tab as it is drawn."""
        widget = self.chart(self.tabs.currentWidget())
        title = self.tabs.tabText(self.tabs.currentIndex()).lower().replace(" ", "-")
        path = self.ask_png(f"{title}.png")
        if path is None:
            return None
        if path.suffix.lower() != ".png":
            path = path.with_name(path.name + ".png")
        if not widget.grab().save(str(path), "PNG"):
            self.message.setText(f"Could not write {path}.")
            return None
        self.message.setText(f"Chart saved to {path}.")
        return path

    def save_csv(self) -> list[Path]:
        """Write every table of figures as its own CSV file into a chosen folder."""
        if self.report is None:
            return []
        folder = self.ask_csv("")
        if folder is None:
            return []
        written = []
        try:
            for name, text in self.report.to_csv_tables().items():
                path = folder / name
                path.write_text(text, encoding="utf-8", newline="")
                written.append(path)
        except OSError as exc:
            self.message.setText(f"Could not write into {folder}: {exc.strerror or exc}")
            return written
        self.message.setText(f"{len(written)} CSV files saved in {folder}.")
        return written

    def changes_elsewhere(self, _changes: object) -> None:
        """An edit elsewhere: in a file, the figures are out of date until Refresh (computing is
        not free); on a server they follow every edit, yours as others', like the document list."""
        if self.project.server is None:
            self.message.setText("The project changed: press Refresh to recompute.")
        elif self.isVisible():
            self.follow.start()  # a closed dashboard computes again when it is opened


def _preview(argv: Sequence[str]) -> int:  # pragma: no cover - a design aid
    """``python -m gui.dashboard PROJECT``: open the dashboard on its own."""
    app = QApplication(list(argv))
    dashboard = Dashboard(Project.open(Path(argv[1])))
    dashboard.show()
    return app.exec()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_preview(sys.argv))
