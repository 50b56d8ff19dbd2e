"""The cells the annotation list draws, held by Qt, so that repainting rows asks no Python.

``PaintedCells`` has the rows of an ``AnnotationTableModel`` (inserted, removed and reset with
it) but holds cells only for rows the list is about to paint: ``fill`` copies what the model says
of such a row (text, colour swatch, tooltip, flags) into Qt's items; a change the model signals
marks its rows to be copied again. Opening 100,000 annotations creates no item: the rows are
empty slots until they are shown. The model stays the one the window and the tests talk to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap, QStandardItem, QStandardItemModel

if TYPE_CHECKING:
    from claimdesk.gui.annotation_list import AnnotationTableModel

_DECORATION = int(Qt.ItemDataRole.DecorationRole)


class PaintedCells(QStandardItemModel):
    """What the list's view shows: no method of Qt's is overridden here (each would be a call
    into Python per painted cell)."""

    HELD = 2000  # rows whose cells are kept; past that the rows farthest from the view are let go
    MANY = 64  # a change of more rows than this marks every row to be copied again

    def __init__(self, source: AnnotationTableModel, parent: QObject | None = None) -> None:
        columns = source.columnCount()
        super().__init__(0, columns, parent)
        self.source = source
        for column in range(columns):
            header = QStandardItem(str(source.headerData(column, Qt.Orientation.Horizontal)))
            tip = source.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
            if tip:
                header.setToolTip(str(tip))
            self.setHorizontalHeaderItem(column, header)
        self.swatch_size = QSize(16, 16)  # the view's (see AnnotationList.paintEvent)
        self._swatches: dict[int, QIcon] = {}  # colour (rgba) -> its swatch at swatch_size
        # Annotation id -> the generation its row's cells were copied in (-1: to be copied again).
        self._held: dict[int, int] = {}
        self._generation = 0
        source.modelAboutToBeReset.connect(self.beginResetModel)
        source.modelReset.connect(self._reset)
        source.rowsAboutToBeRemoved.connect(self._forget)
        source.rowsRemoved.connect(self._removed)
        source.rowsInserted.connect(self._inserted)
        source.dataChanged.connect(self._changed)
        self._reset(begun=False)

    def _reset(self, begun: bool = True) -> None:
        blocker = self.blockSignals(True)
        try:
            self.setRowCount(0)
            self.setRowCount(self.source.rowCount())  # empty slots: one pointer per cell
        finally:
            self.blockSignals(blocker)
        self._held.clear()
        if begun:
            self.endResetModel()

    def _forget(self, _parent: QModelIndex, first: int, last: int) -> None:
        # Before the model lets the rows go: their ids may come back (an undo) as new rows.
        for row in range(first, last + 1):
            self._held.pop(self.source.id_at(row), None)

    def _removed(self, _parent: QModelIndex, first: int, last: int) -> None:
        self.removeRows(first, last - first + 1)

    def _inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        self.insertRows(first, last - first + 1)

    def _changed(self, top_left: QModelIndex, bottom_right: QModelIndex, *_roles: object) -> None:
        first, last = top_left.row(), bottom_right.row()
        if last - first >= self.MANY:
            self._generation += 1
        else:
            held = self._held
            for row in range(first, last + 1):
                annotation_id = self.source.id_at(row)
                if annotation_id in held:
                    held[annotation_id] = -1
        self.dataChanged.emit(
            self.index(first, top_left.column()), self.index(last, bottom_right.column())
        )

    def set_swatch_size(self, size: QSize) -> None:
        if size != self.swatch_size:
            self.swatch_size = size
            self._swatches.clear()
            self._generation += 1

    def fill(self, first: int, last: int) -> None:
        """Copy the cells of rows ``first``..``last`` that are not held as the model has them."""
        source, held, generation = self.source, self._held, self._generation
        last = min(last, source.rowCount() - 1)
        wanted = [
            row
            for row in range(max(0, first), last + 1)
            if held.get(source.id_at(row)) != generation
        ]
        if not wanted:
            return
        flags = source.column_flags()
        prototype = self.itemPrototype()
        if prototype is None or prototype.flags() != flags[0]:  # the flags of most columns
            prototype = QStandardItem()
            prototype.setFlags(flags[0])
            self.setItemPrototype(prototype)
        roles = source.painted_roles()
        swatches = self._swatches
        # Quietly: the view is about to paint these rows (a signal would ask for a second paint).
        # Set through the model, which makes each missing item from the prototype: no item is
        # made in Python (four times faster).
        blocker = self.blockSignals(True)
        try:
            for row in wanted:
                for column, (cell, flag) in enumerate(
                    zip(source.painted_row(row), flags, strict=True)
                ):
                    index = self.index(row, column)
                    if flag != flags[0]:
                        self.itemFromIndex(index).setFlags(flag)
                    for role in roles:
                        value = cell.get(role)
                        if isinstance(value, QColor) and role == _DECORATION:
                            value = swatches.get(value.rgba()) or self._swatch(value)
                        self.setData(index, value, role)  # None: a role no longer answered
                held[source.id_at(row)] = generation
            if len(held) > self.HELD:
                self._let_go(first, last)
        finally:
            self.blockSignals(blocker)

    def _swatch(self, colour: QColor) -> QIcon:
        # What Qt's delegate makes of a colour on each paint (a pixmap of the view's icon size
        # filled with it), made once per colour: the same pixels, without a new icon per cell.
        pixmap = QPixmap(self.swatch_size)
        pixmap.fill(colour)
        icon = self._swatches[colour.rgba()] = QIcon(pixmap)
        return icon

    def _let_go(self, first: int, last: int) -> None:
        """Free the cells of held rows far from ``first``..``last`` (scrolled past long ago)."""
        source, columns = self.source, self.columnCount()
        margin = self.HELD // 4
        for annotation_id in list(self._held):
            row = source.row_of(annotation_id)
            if row < 0:
                del self._held[annotation_id]
            elif row < first - margin or row > last + margin:
                for column in range(columns):
                    self.takeItem(row, column)
                del self._held[annotation_id]

    def held_rows(self) -> int:
        """How many rows hold cells (the rest are empty slots)."""
        return len(self._held)
