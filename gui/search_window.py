"""Find in project: a concordance of every hit (left context, hit, right context, document,
labels there), Enter opens a hit in the article; Mark all files the hits under a label in one
undoable edit. The concordance of a label lists every span of a label the same way.

The search itself runs off the GUI thread on a project of its own (gui/workers.py); the table is
a model over the hits the core returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from claimdesk.core.search.concordance import (
    Hit,
    SearchResult,
    label_concordance,
    mark_all,
    mark_all_preview,
    search,
)
from claimdesk.core.search.matching import Query
from claimdesk.gui.table_models import RIGHT, SORT_ROLE, Column, ColumnTableModel, Index
from claimdesk.gui.workers import LabelReporter, Task, failure_text, in_own_project

if TYPE_CHECKING:
    from claimdesk.core.progress import Progress
    from claimdesk.core.store.project import Project
    from claimdesk.gui.main_window import MainWindow

HIT_ROLE = Qt.ItemDataRole.UserRole + 2


def _joined(values: Sequence[str]) -> str:
    return "; ".join(values)


class ConcordanceModel(ColumnTableModel[Hit]):
    """Hits as rows; the left context sorts by its text read backwards (the words nearest the
    hit first), as concordancers do."""

    def __init__(self, with_elsewhere: bool = False) -> None:
        super().__init__()
        self.hits: list[Hit] = []
        columns: list[Column[Hit]] = [
            Column(
                "Left",
                lambda h: h.left,
                alignment=lambda _h: RIGHT,
                sort_key=lambda h: h.left[::-1].casefold(),
            ),
            Column(
                "Hit",
                lambda h: h.match.replace("\n", " "),
                tooltip=lambda h: h.match,
                sort_key=lambda h: h.match.casefold(),
            ),
            Column("Right", lambda h: h.right, sort_key=lambda h: h.right.casefold()),
            Column(
                "Document",
                lambda h: h.title,
                tooltip=lambda h: f"{h.title}\nCharacters {h.start}–{h.end}",
                sort_key=lambda h: (h.title.casefold(), h.document_id, h.start),
            ),
        ]
        if with_elsewhere:
            columns.append(Column("Annotator", lambda h: h.annotator))
            columns.append(
                Column(
                    "Also filed as",
                    lambda h: _joined(h.elsewhere),
                    tooltip=lambda h: (
                        "The same text is filed under these labels elsewhere: "
                        + _joined(h.elsewhere)
                        if h.elsewhere
                        else ""
                    ),
                )
            )
        else:
            columns.append(Column("Labels here", lambda h: _joined(h.labels)))
        self._columns = columns

    def columns(self) -> Sequence[Column[Hit]]:
        return self._columns

    def row_count(self) -> int:
        return len(self.hits)

    def row_at(self, number: int) -> Hit:
        return self.hits[number]

    def set_hits(self, hits: list[Hit]) -> None:
        self.beginResetModel()
        self.hits = hits
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if index.isValid() and 0 <= index.row() < len(self.hits):
            if role == HIT_ROLE:
                return self.hits[index.row()]
            if role == Qt.ItemDataRole.FontRole and index.column() == 1:
                font = QFont()
                font.setBold(True)
                return font
        return super().data(index, role)


class _Elided(QStyledItemDelegate):
    """Text cut where it matters least: the left context on its left (the words next to the hit
    stay in view), a long hit in its middle (a claim keeps both ends)."""

    def __init__(self, mode: Qt.TextElideMode, parent: QWidget) -> None:
        super().__init__(parent)
        self.mode = mode

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = self.mode


class ConcordanceTable(QTableView):
    """The table of hits; Enter (or a double-click) asks to open the current hit."""

    hit_chosen = Signal(object)  # Hit

    def __init__(
        self,
        model: ConcordanceModel,
        widths: Sequence[int] = (290, 110, 290, 150),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the core's order until a click
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self._elided = (
            _Elided(Qt.TextElideMode.ElideLeft, self),
            _Elided(Qt.TextElideMode.ElideMiddle, self),
        )
        self.setItemDelegateForColumn(0, self._elided[0])
        self.setItemDelegateForColumn(1, self._elided[1])
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate(widths):
            self.setColumnWidth(column, width)
        self.doubleClicked.connect(self._chosen)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._chosen(self.currentIndex())
            return
        super().keyPressEvent(event)

    def _chosen(self, index: QModelIndex) -> None:
        hit = self.proxy.data(index, HIT_ROLE)
        if isinstance(hit, Hit):
            self.hit_chosen.emit(hit)

    def selected_hits(self) -> list[Hit]:
        rows = self.selectionModel().selectedRows() if self.selectionModel() else []
        hits = [self.proxy.data(index, HIT_ROLE) for index in rows]
        return [h for h in hits if isinstance(h, Hit)]


def _open_hit(window: MainWindow, hit: Hit) -> None:
    """Show the hit in the article with its text selected."""
    if window.open_document(hit.document_id):
        window.view.set_text_selection(hit.start, hit.end)
        window.view.centerCursor()
        window.activateWindow()
        window.raise_()
        window.view.setFocus()


class SearchWindow(QWidget):
    """Edit › Find in project…"""

    searched = Signal()  # results (or a refusal) are shown

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, Qt.WindowType.Window)
        self.window_ = window
        self.setWindowTitle("Find in project")
        self.field = QLineEdit()
        self.field.setPlaceholderText("Words, a phrase, or a regular expression — Enter searches")
        self.regex = QCheckBox("Regular e&xpression")
        self.whole_word = QCheckBox("&Whole words")
        self.case = QCheckBox("Match &case")
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.model = ConcordanceModel()
        self.table = ConcordanceTable(self.model)
        self.label_choice = QComboBox()
        self.mark_button = QPushButton("&Mark all…")
        self.mark_button.setToolTip(
            "File every hit (or the selected ones) under the label, in one step Undo takes back"
        )
        self._task: Task | None = None
        self._result = SearchResult()

        options = QHBoxLayout()
        for box in (self.regex, self.whole_word, self.case):
            options.addWidget(box)
        options.addStretch(1)
        marking = QHBoxLayout()
        marking.addWidget(self.status, 1)
        marking.addWidget(QLabel("Label:"))
        marking.addWidget(self.label_choice)
        marking.addWidget(self.mark_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.field)
        layout.addLayout(options)
        layout.addWidget(self.table, 1)
        layout.addLayout(marking)
        self.resize(1000, 560)

        self.field.returnPressed.connect(self.run_search)
        self.table.hit_chosen.connect(lambda hit: _open_hit(self.window_, hit))
        self.mark_button.clicked.connect(self.mark_all)
        self.fill_labels()

    def fill_labels(self) -> None:
        current = self.label_choice.currentData()
        self.label_choice.clear()
        for label in self.window_.project.labels():
            self.label_choice.addItem(label.name, label.id)
        found = self.label_choice.findData(current)
        if found >= 0:
            self.label_choice.setCurrentIndex(found)

    def query(self) -> Query:
        return Query(
            self.field.text(),
            self.regex.isChecked(),
            self.whole_word.isChecked(),
            self.case.isChecked(),
        )

    def run_search(self) -> None:
        """Search off the GUI thread; the table fills when it is done."""
        if self._task is not None:
            self._task.abandon()
        query = self.query()
        self.status.setText("Searching…")

        def work(project: Project, progress: Progress) -> SearchResult:
            return search(project, query, cancelled=lambda: not progress(0, 0))

        task = Task(in_own_project(self.window_.project, work), self)
        self._task = task
        task.succeeded.connect(self._show)
        task.failed.connect(self._refused)
        task.start()

    def _refused(self, error: BaseException) -> None:
        self.model.set_hits([])
        LabelReporter(self.status).failure("Search failed", failure_text(error, ""))
        self.searched.emit()

    def _show(self, result: SearchResult) -> None:
        self._result = result
        self.model.set_hits(result.hits)
        documents = len({h.document_id for h in result.hits})
        n = len(result.hits)
        more = " (the first ones only)" if result.truncated else ""
        self.status.setText(
            f"{n} hit{'s' if n != 1 else ''}{more} in {documents} "
            f"document{'s' if documents != 1 else ''}"
        )
        if n:
            self.table.setCurrentIndex(self.table.proxy.index(0, 0))
        self.searched.emit()

    def mark_all(self) -> None:
        label_id = self.label_choice.currentData()
        hits = self.table.selected_hits()
        if len(hits) < 2:
            hits = self.model.hits  # one selected row is the current row, not a choice
        if label_id is None or not hits:
            return
        window = self.window_
        annotator = window.annotator
        new, there = mark_all_preview(window.project, hits, label_id, annotator.id)
        label = self.label_choice.currentText()
        if not new:
            self.status.setText(f"All {there} already filed under {label}.")
            return
        skipped = f"; {there} already there are left as they are" if there else ""
        if not window.prompts.confirm(
            "Mark all",
            f"File {new} hit{'s' if new != 1 else ''} under {label!r} as {annotator.name}"
            f"{skipped}? Undo takes them all back in one step.",
        ):
            return
        window.edit(lambda: mark_all(window.project, hits, label_id, annotator.id)[0])
        self.run_search()  # the "Labels here" column shows the new spans


class LabelConcordanceWindow(QWidget):
    """Labels › Concordance of label…: every span of one label, by anyone or one annotator."""

    def __init__(self, window: MainWindow, label_id: int | None = None) -> None:
        super().__init__(window, Qt.WindowType.Window)
        self.window_ = window
        self.setWindowTitle("Concordance of a label")
        self.label_choice = QComboBox()
        for label in window.project.labels():
            self.label_choice.addItem(label.name, label.id)
        if label_id is not None and self.label_choice.findData(label_id) >= 0:
            self.label_choice.setCurrentIndex(self.label_choice.findData(label_id))
        self.annotator_choice = QComboBox()
        self.annotator_choice.addItem("Everyone", None)
        for person in window.project.annotators():
            self.annotator_choice.addItem(person.name, person.id)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.model = ConcordanceModel(with_elsewhere=True)
        self.table = ConcordanceTable(self.model, (200, 280, 200, 120, 80))
        top = QHBoxLayout()
        top.addWidget(QLabel("Label:"))
        top.addWidget(self.label_choice, 1)
        top.addWidget(QLabel("Annotator:"))
        top.addWidget(self.annotator_choice)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self.resize(1000, 560)
        self.label_choice.currentIndexChanged.connect(self.refresh)
        self.annotator_choice.currentIndexChanged.connect(self.refresh)
        self.table.hit_chosen.connect(lambda hit: _open_hit(self.window_, hit))
        self.refresh()

    def refresh(self) -> None:
        label_id = self.label_choice.currentData()
        if label_id is None:
            self.model.set_hits([])
            return
        person = self.annotator_choice.currentData()
        hits = label_concordance(
            self.window_.project, label_id, None if person is None else [person]
        )
        self.model.set_hits(hits)
        flagged = sum(1 for h in hits if h.elsewhere)
        n = len(hits)
        self.status.setText(
            f"{n} span{'s' if n != 1 else ''}; {flagged} with text filed elsewhere under "
            "another label"
        )
