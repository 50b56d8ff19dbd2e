"""This document's annotations as a table (label, quote, note); click one to jump to it."""

from __future__ import annotations

from bisect import bisect_left

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from core.records import AnnotationRecord, LabelRecord
from gui.dialogs import plain_tooltip

_Index = QModelIndex | QPersistentModelIndex


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class AnnotationTableModel(QAbstractTableModel):
    """Rows in text order. The note column is editable; edits go out as ``noteEdited``."""

    COLUMNS = ("Quote", "Label", "Note")
    IdRole = Qt.ItemDataRole.UserRole + 1
    noteEdited = Signal(int, str)

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[AnnotationRecord] = []
        self._keys: list[tuple[int, int, int]] = []
        self._labels: dict[int, LabelRecord] = {}

    # -- contents -------------------------------------------------------------------------------

    def set_labels(self, labels: list[LabelRecord]) -> None:
        self._labels = {label.id: label for label in labels}
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0))

    def set_annotations(self, records: list[AnnotationRecord]) -> None:
        self.beginResetModel()
        self._rows = sorted(records, key=self._key)
        self._keys = [self._key(r) for r in self._rows]
        self.endResetModel()

    @staticmethod
    def _key(record: AnnotationRecord) -> tuple[int, int, int]:
        return (record.start, record.end, record.id)

    def add(self, record: AnnotationRecord) -> None:
        row = bisect_left(self._keys, self._key(record))
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, record)
        self._keys.insert(row, self._key(record))
        self.endInsertRows()

    def remove(self, annotation_id: int) -> None:
        row = self.row_of(annotation_id)
        if row >= 0:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            del self._keys[row]
            self.endRemoveRows()

    def replace(self, record: AnnotationRecord) -> None:
        row = self.row_of(record.id)
        if row >= 0:
            self._rows[row] = record
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def row_of(self, annotation_id: int) -> int:
        for row, record in enumerate(self._rows):
            if record.id == annotation_id:
                return row
        return -1

    def record(self, row: int) -> AnnotationRecord:
        return self._rows[row]

    def counts(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for record in self._rows:
            counts[record.label_id] = counts.get(record.label_id, 0) + 1
        return counts

    # -- Qt model -------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == 2:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        record = self._rows[index.row()]
        label = self._labels.get(record.label_id)
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return _one_line(record.quote)
            if column == 1:
                return label.name if label else "?"
            return _one_line(record.note)
        if role == Qt.ItemDataRole.EditRole and column == 2:
            return record.note
        if role == Qt.ItemDataRole.DecorationRole and column == 1 and label:
            return QColor(label.colour)
        if role == Qt.ItemDataRole.ToolTipRole:
            text = record.quote if column != 2 else (record.note or "Double-click to add a note")
            return plain_tooltip(text)
        if role == self.IdRole:
            return record.id
        return None

    def setData(self, index: _Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != 2 or not index.isValid():
            return False
        record = self._rows[index.row()]
        if str(value) != record.note:
            # The window saves it through the core and calls replace() with the stored row.
            self.noteEdited.emit(record.id, str(value))
        return False


class AnnotationList(QTableView):
    annotationActivated = Signal(int)
    deleteRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_ = AnnotationTableModel()
        self.setModel(self.model_)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.verticalHeader().hide()
        self.setWordWrap(False)
        self.setShowGrid(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 130)
        header.resizeSection(2, 90)
        self.selectionModel().currentRowChanged.connect(self._current_changed)
        # A click on the row already current still jumps to it.
        self.clicked.connect(self._current_changed)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex | None = None) -> None:
        if current.isValid():
            self.annotationActivated.emit(self.model_.record(current.row()).id)

    def select_annotation(self, annotation_id: int | None) -> None:
        selection = self.selectionModel()
        blocker = selection.blockSignals(True)
        row = self.model_.row_of(annotation_id) if annotation_id is not None else -1
        if row < 0:
            selection.clearSelection()
            selection.setCurrentIndex(QModelIndex(), selection.SelectionFlag.NoUpdate)
        else:
            index = self.model_.index(row, 0)
            selection.setCurrentIndex(
                index, selection.SelectionFlag.ClearAndSelect | selection.SelectionFlag.Rows
            )
            self.scrollTo(index)
        selection.blockSignals(blocker)
        self.viewport().update()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.state() != (
            QAbstractItemView.State.EditingState
        ):
            self.deleteRequested.emit()
            return
        super().keyPressEvent(event)
