"""The document list: title, this annotator's status and claim count, with a filter box."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from claimdesk.core.records import DocumentSummary, Status
from claimdesk.gui.change_signal import ChangeEvent
from claimdesk.gui.dialogs import plain_tooltip
from claimdesk.gui.scrolling import keep_still
from claimdesk.gui.theme import colour_of

_Index = QModelIndex | QPersistentModelIndex
# The theme's colours (resources/themes: status_*), each readable on the table's base and
# alternate base in its theme; read when painted, so a theme switch recolours the column.
_STATUS_ROLES = {
    Status.TODO: "status_todo",
    Status.IN_PROGRESS: "status_in_progress",
    Status.DONE: "status_done",
}
_STATUS_MARKS = {Status.TODO: "○", Status.IN_PROGRESS: "◐", Status.DONE: "●"}


_HEADER_TIPS = (
    "",
    "Your status of the document",
    "Your claims in the document",
    "Everyone's claims in the document, yours and the gold set's included",
)


class DocumentListModel(QAbstractTableModel):
    COLUMNS = ("Title", "Status", "Claims")
    STATUS, CLAIMS, TEAM = 1, 2, 3  # the columns an edit changes
    # A project shared on a server also counts everyone's claims (the team's progress; in a
    # blind project the server shows each annotator only their own).
    TEAM_COLUMN = "All"
    DocumentIdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[DocumentSummary] = []
        self._where: dict[int, int] = {}  # row of each document id (row_of)
        self.annotator_id: int | None = None  # whose status and count the rows show
        self.team: dict[int, int] | None = None  # claims per document, everyone's (a server)

    def set_rows(
        self,
        rows: list[DocumentSummary],
        annotator_id: int | None = None,
        team: dict[int, int] | None = None,
    ) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._where = {}
        self.annotator_id = annotator_id
        self.team = None if team is None else dict(team)
        self.endResetModel()

    def update_rows(self, rows: list[DocumentSummary], team: dict[int, int] | None = None) -> None:
        """The same documents read again (someone else's edit on a server): rows whose status
        or counts changed are redrawn in place; a changed set of documents is a reset."""
        if [row.id for row in rows] != self.document_ids() or (team is None) != (self.team is None):
            self.set_rows(rows, self.annotator_id, team)
            return
        before = self.team or {}
        self.team = None if team is None else dict(team)
        after = self.team or {}
        for number, (old, new) in enumerate(zip(self._rows, rows, strict=True)):
            if old != new or before.get(new.id, 0) != after.get(new.id, 0):
                self._rows[number] = new
                self._redraw(number)

    def _redraw(self, row: int, first: int = 0, last: int | None = None) -> None:
        """Redraw a row's cells ``first`` to ``last`` (all of them by default)."""
        last = self.columnCount() - 1 if last is None else last
        self.dataChanged.emit(self.index(row, first), self.index(row, last))

    def show_changes(self, event: ChangeEvent) -> None:
        """Statuses and counts from what an edit changed (a slot of the window's signal).

        The edit carries the new statuses and the annotations added and removed, so nothing
        is read again. A change to the set of documents is read again by the window instead.
        """
        changes = event.changes
        annotator_id = self.annotator_id
        if annotator_id is None or changes.documents:
            return
        counts: Counter[int] = Counter()
        team: Counter[int] = Counter()  # everyone's, the gold set's included
        for record in changes.annotations_added:
            team[record.document_id] += 1
            if record.annotator_id == annotator_id:
                counts[record.document_id] += 1
        for record in changes.annotations_removed:
            team[record.document_id] -= 1
            if record.annotator_id == annotator_id:
                counts[record.document_id] -= 1
        if self.team is not None:
            for document_id, change in team.items():
                self.team[document_id] = self.team.get(document_id, 0) + change
                row = self.row_of(document_id)
                if row >= 0 and change:
                    self._redraw(row, self.TEAM, self.TEAM)
        statuses = {
            s.document_id: s.status for s in changes.statuses if s.annotator_id == annotator_id
        }
        for document_id in counts.keys() | statuses.keys():
            row = self.row_of(document_id)
            if row < 0:
                continue
            current = self._rows[row]
            status = statuses.get(document_id, current.status)
            count = current.annotation_count + counts[document_id]
            self._rows[row] = replace(current, status=status, annotation_count=count)
            # Only the cells that changed are drawn again (a label key: the count).
            first = self.STATUS if status != current.status else self.CLAIMS
            last = self.CLAIMS if count != current.annotation_count else self.STATUS
            if first <= last:
                self._redraw(row, first, last)

    def summary(self, row: int) -> DocumentSummary:
        return self._rows[row]

    def row_of(self, document_id: int) -> int:
        # Looked up on every edit: an index of the rows (a project can hold thousands).
        if len(self._where) != len(self._rows):
            self._where = {summary.id: row for row, summary in enumerate(self._rows)}
        return self._where.get(document_id, -1)

    def document_ids(self) -> list[int]:
        return [row.id for row in self._rows]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS) + (self.team is not None)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (*self.COLUMNS, self.TEAM_COLUMN)[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _HEADER_TIPS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._answer(self._rows[index.row()], index.column(), role)

    def multiData(self, index: _Index, roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        # A painted cell asks for seven roles: answered in one call from Qt, not seven (the
        # list's filter hands its cells' questions on here, see _Filter.multiData). As ``data``.
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return
        row, column = self._rows[index.row()], index.column()
        wanted: Iterable[QModelRoleData] = (
            (roleDataSpan,) if isinstance(roleDataSpan, QModelRoleData) else roleDataSpan  # type: ignore[assignment]  # the span iterates its roles
        )
        for role_data in wanted:
            role_data.setData(self._answer(row, column, role_data.role()))

    def _answer(self, row: DocumentSummary, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row.title
            if column == 1:
                return f"{_STATUS_MARKS[row.status]} {row.status.display_name}"
            if column == 3:
                return (self.team or {}).get(row.id, 0)
            return row.annotation_count
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            # Titles are shown by the view as plain text; the byline comes from the file.
            length = f"{row.length:,} characters"
            return plain_tooltip(f"{row.byline}\n{length}") if row.byline else length
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return QBrush(QColor(colour_of(_STATUS_ROLES[row.status])))
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.DocumentIdRole:
            return row.id
        return None


class _Filter(QSortFilterProxyModel):
    """Every word of the filter text must appear in the title or the status."""

    needle = ""

    def set_needle(self, text: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10 and later
            self.beginFilterChange()
            self.needle = text.casefold()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.needle = text.casefold()
            self.invalidateRowsFilter()

    def multiData(self, index: _Index, roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        # Qt's proxy asks its source for a cell's roles one by one, each a call into Python and
        # each mapping the cell again (fifteen calls for one painted cell): handed on at once.
        source = self.mapToSource(index)
        model = self.sourceModel()
        if source.isValid() and isinstance(model, DocumentListModel):
            model.multiData(source, roleDataSpan)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        needle = self.needle
        if not needle:
            return True
        model = self.sourceModel()
        assert isinstance(model, DocumentListModel)
        summary = model.summary(source_row)
        haystack = f"{summary.title}\n{summary.status.display_name}".casefold()
        return all(word in haystack for word in needle.split())


class DocumentList(QWidget):
    documentActivated = Signal(int)
    _built = False  # a class default: Qt can send changeEvent while __init__ is still running

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DocumentListModel()
        self.proxy = _Filter()
        self.proxy.setSourceModel(self.model)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter documents (title or status)…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter_changed)
        self.open_id: int | None = None  # the document the window shows: the one selected row
        # Above zero while the list moves its own selection, or while rows come and go (the
        # filter, a reload, a status change under a filter): the selection model then moves
        # the current row by itself, and that is not the user choosing a document.
        self._busy = 0
        # By column, the widest text measured in it since the columns were fitted (in pixels).
        self._widest: dict[int, int] = {}
        self.table = QTableView()
        keep_still(self.table)
        # Connected before the view's selection model connects to the proxy, so these run first.
        for starting in (
            self.proxy.rowsAboutToBeRemoved,
            self.proxy.rowsAboutToBeInserted,
            self.proxy.layoutAboutToBeChanged,
            self.proxy.modelAboutToBeReset,
        ):
            starting.connect(self._rows_changing)
        self.table.setModel(self.proxy)
        # ...and these after it, once the selection model has done what it does.
        for done in (
            self.proxy.rowsRemoved,
            self.proxy.rowsInserted,
            self.proxy.layoutChanged,
            self.proxy.modelReset,
        ):
            done.connect(self._rows_changed)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list (rows: arrow keys)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # The other columns fit their contents, measured when the rows are read and widened
        # when a changed row needs more: resized to contents by Qt, every edit's new count
        # measured every row again and repainted the header (6 ms at 40 documents).
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        self.model.modelReset.connect(self._fit_columns)
        self.model.dataChanged.connect(self._fit_changed)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.table)
        self._built = True

    def _filter_changed(self, text: str) -> None:
        self.proxy.set_needle(text)
        self._fit_columns()  # rows shown again may have changed while hidden

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if self._built and event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_columns()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and not self._busy:  # a click or an arrow key in the list
            self.documentActivated.emit(int(current.data(DocumentListModel.DocumentIdRole)))

    def _rows_changing(self, *_args: object) -> None:
        self._busy += 1

    def _rows_changed(self, *_args: object) -> None:
        self._busy -= 1
        if not self._busy:
            self._show_open()

    def select_document(self, document_id: int | None) -> None:
        """Show which document is open: its row alone is selected (none while filtered out)."""
        self.open_id = document_id
        self._show_open()

    def _show_open(self) -> None:
        row = self.model.row_of(self.open_id) if self.open_id is not None else -1
        index = self.proxy.mapFromSource(self.model.index(row, 0)) if row >= 0 else QModelIndex()
        selection = self.table.selectionModel()
        self._busy += 1
        try:
            # Through the selection model's signals, so the view repaints the rows it leaves.
            if index.isValid():
                flags = selection.SelectionFlag.ClearAndSelect | selection.SelectionFlag.Rows
                selection.setCurrentIndex(index, flags)
            else:
                selection.clear()
        finally:
            self._busy -= 1
        if index.isValid():
            self.table.scrollTo(index)

    def update_rows(self, rows: list[DocumentSummary], team: dict[int, int] | None) -> None:
        """New statuses and counts from elsewhere, the list scrolled where the user left it."""
        bar = self.table.verticalScrollBar()
        scrolled = bar.value()
        self.model.update_rows(rows, team)
        bar.setValue(scrolled)

    def _fit_columns(self) -> None:
        header = self.table.horizontalHeader()
        self._widest.clear()
        for column in range(1, self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self.table.resizeColumnToContents(column)

    def _fit_changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        for row in range(top_left.row(), bottom_right.row() + 1):
            for column in range(max(1, top_left.column()), bottom_right.column() + 1):
                index = self.proxy.mapFromSource(self.model.index(row, column))
                if not index.isValid():  # filtered out: measured when it is shown again
                    continue
                # Measured as the view measures a cell only when its text is wider than any
                # measured since the columns were fitted: most edits change no width.
                advance = metrics.horizontalAdvance(str(index.data()))
                if advance <= self._widest.get(column, -1):
                    continue
                self._widest[column] = advance
                width = self.table.sizeHintForIndex(index).width()
                if width > header.sectionSize(column):
                    header.resizeSection(column, width)

    def visible_ids(self) -> list[int]:
        return [
            int(self.proxy.index(row, 0).data(DocumentListModel.DocumentIdRole))
            for row in range(self.proxy.rowCount())
        ]
