"""This document's annotations as a table (label, quote, note); click one to jump to it."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from operator import attrgetter

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from claimdesk.core.records import AnnotationRecord, LabelRecord
from claimdesk.core.text.spans import Span
from claimdesk.gui.change_signal import ChangeEvent, Shown
from claimdesk.gui.table_models import Column, ColumnTableModel, Index

Fetch = Callable[[Sequence[int]], dict[int, AnnotationRecord]]
_label_of = attrgetter("label_id")


def _key(span: Span) -> tuple[int, int, int]:
    return (span.start, span.end, span.id)


_NEVER = datetime.min.replace(tzinfo=UTC)


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class AnnotationTableModel(ColumnTableModel[AnnotationRecord]):
    """Rows in text order, fetched lazily: opening a document with 100,000 annotations loads
    only their positions (already read for the highlights); quotes and notes are fetched a
    page at a time when a row is shown. The note column is editable; edits go out as
    ``noteEdited`` and come back through ``replace`` once saved."""

    COLUMNS = ("Quote", "Label", "Note")
    IdRole = Qt.ItemDataRole.UserRole + 1
    PAGE = 200
    noteEdited = Signal(int, str)
    countsChanged = Signal(object)  # dict[int, int]: annotations by label id, as counts()

    def __init__(self, fetch: Fetch | None = None) -> None:
        super().__init__()
        self.fetch: Fetch = fetch or (lambda ids: {})
        self.shown: Shown | None = None  # whose annotations of which document, for show_changes
        self._keys: list[tuple[int, int, int]] = []  # (start, end, id), sorted
        self._spans: dict[int, Span] = {}
        self._records: dict[int, AnnotationRecord] = {}
        self._counts: Counter[int] = Counter()
        self._labels: dict[int, LabelRecord] = {}
        quote, label, note = self.COLUMNS
        self._columns: tuple[Column[AnnotationRecord], ...] = (
            Column(quote, lambda r: _one_line(r.quote), tooltip=lambda r: r.quote),
            Column(
                label,
                self._label_name,
                tooltip=lambda r: r.quote,
                decoration=self._label_colour,
            ),
            Column(
                note,
                lambda r: _one_line(r.note),
                tooltip=lambda r: r.note or "Double-click to add a note",
                edit=lambda r: r.note,
            ),
        )

    # -- contents -------------------------------------------------------------------------------

    def set_labels(self, labels: list[LabelRecord]) -> None:
        self._labels = {label.id: label for label in labels}
        if self._keys:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._keys) - 1, 1))

    def set_spans(self, spans: Iterable[Span], shown: Shown | None = None) -> None:
        self.beginResetModel()
        self.shown = shown
        self._spans = {span.id: span for span in spans}
        self._keys = sorted(map(_key, self._spans.values()))
        self._records = {}
        self._counts = Counter(map(_label_of, self._spans.values()))
        self.endResetModel()
        self.countsChanged.emit(self.counts())

    def show_changes(self, event: ChangeEvent) -> None:
        """Apply what an edit changed in the shown annotations (a slot of the window's signal)."""
        shown = self.shown
        if shown is None:
            return
        changes = event.changes
        touched = False
        for record in changes.annotations_removed:
            if shown.holds(record):
                self.remove(record.id)
                touched = True
        for record in changes.annotations_added:
            if shown.holds(record):
                self.add(record)
                touched = True
        for record in changes.annotations_updated:
            if shown.holds(record):
                self.replace(record)
                touched = True
        if touched:
            self.countsChanged.emit(self.counts())

    def add(self, record: AnnotationRecord) -> None:
        span = Span(record.id, record.start, record.end, record.label_id)
        row = bisect_left(self._keys, _key(span))
        self.beginInsertRows(QModelIndex(), row, row)
        self._keys.insert(row, _key(span))
        self._spans[span.id] = span
        self._records[span.id] = record
        self._counts[span.label_id] += 1
        self.endInsertRows()

    def remove(self, annotation_id: int) -> None:
        row = self.row_of(annotation_id)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._keys[row]
        span = self._spans.pop(annotation_id)
        self._records.pop(annotation_id, None)
        self._counts[span.label_id] -= 1
        self.endRemoveRows()

    def replace(self, record: AnnotationRecord) -> None:
        row = self.row_of(record.id)
        if row < 0:
            return
        old = self._spans[record.id]
        self._counts[old.label_id] -= 1
        self._counts[record.label_id] += 1
        self._spans[record.id] = Span(record.id, record.start, record.end, record.label_id)
        self._records[record.id] = record
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def row_of(self, annotation_id: int) -> int:
        span = self._spans.get(annotation_id)
        if span is None:
            return -1
        row = bisect_left(self._keys, _key(span))
        return row if row < len(self._keys) and self._keys[row][2] == annotation_id else -1

    def id_at(self, row: int) -> int:
        return self._keys[row][2]

    def record(self, row: int) -> AnnotationRecord:
        annotation_id = self.id_at(row)
        record = self._records.get(annotation_id)
        if record is None:
            page = self._keys[max(0, row - self.PAGE // 4) : row + self.PAGE]
            self._records.update(self.fetch([key[2] for key in page]))
            record = self._records.get(annotation_id)
        if record is None:  # not fetched (a server that cannot be reached): its label for now
            span = self._spans[annotation_id]
            shown = self.shown or Shown(0, 0)
            return AnnotationRecord(
                span.id,
                shown.document_id,
                span.label_id,
                shown.annotator_id,
                span.start,
                span.end,
                "…",
                "",
                _NEVER,
                _NEVER,
            )
        return record

    def label_of(self, row: int) -> int:
        return self._spans[self._keys[row][2]].label_id

    def counts(self) -> dict[int, int]:
        return {label: n for label, n in self._counts.items() if n}

    # -- columns (gui/table_models.py) ---------------------------------------------------------

    def columns(self) -> Sequence[Column[AnnotationRecord]]:
        return self._columns

    def row_count(self) -> int:
        return len(self._keys)

    def row_at(self, number: int) -> AnnotationRecord:
        return self.record(number)

    def _label_name(self, record: AnnotationRecord) -> str:
        label = self._labels.get(record.label_id)
        return label.name if label else "?"

    def _label_colour(self, record: AnnotationRecord) -> QColor | None:
        label = self._labels.get(record.label_id)
        return QColor(label.colour) if label else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == self.IdRole:
            return self.id_at(index.row()) if self.column_at(index) else None
        return super().data(index, role)

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != 2 or not index.isValid():
            return False
        record = self.record(index.row())
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
        self.setTabKeyNavigation(False)  # Tab leaves the list (rows: arrow keys)
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
            self.annotationActivated.emit(int(current.data(AnnotationTableModel.IdRole)))

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
