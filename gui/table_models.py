"""One typed base for Claimdesk's table models: each column is declared once, as a ``Column``.

A column says its header and, for a row, its text and optionally its tooltip, colour swatch,
background, text colour, alignment, sort key and edit value. The base answers Qt's
``rowCount``/``columnCount``/``headerData``/``data``/``flags`` from those declarations, asks for a
row only when the column has something to show for the role (so lazily fetched rows stay lazy),
and shows every tooltip as plain text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from claimdesk.gui.dialogs import plain_tooltip

Index = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")

# The role a QSortFilterProxyModel sorts on (proxy.setSortRole(SORT_ROLE)): the column's
# sort key, so numbers sort as numbers and names without regard to case.
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

Colour = Callable[[Row], QColor | None]


@dataclass(frozen=True)
class Column(Generic[Row]):
    """One column of a table model: its header and what each role shows for a row."""

    header: str
    text: Callable[[Row], str]
    tooltip: Callable[[Row], str] | None = None  # shown literally, never as rich text
    decoration: Colour[Row] | None = None  # a colour swatch before the text
    background: Colour[Row] | None = None
    foreground: Colour[Row] | None = None
    alignment: Callable[[Row], Qt.AlignmentFlag | None] | None = None
    sort_key: Callable[[Row], object] | None = None  # SORT_ROLE; the text when None
    edit: Callable[[Row], str] | None = None  # the value to edit; makes the column editable
    header_tooltip: str = ""


def right_aligned(_row: object) -> Qt.AlignmentFlag:
    """``Column(alignment=right_aligned)``: numbers line up on the right."""
    return RIGHT


class ColumnTableModel(QAbstractTableModel, Generic[Row]):
    """A flat table of rows of type ``Row`` whose columns are ``Column`` declarations.

    Subclasses give ``columns()``, ``row_count()`` and ``row_at(number)``; they may answer
    roles of their own (ids of rows, say) in ``data`` before calling the base.
    """

    def columns(self) -> Sequence[Column[Row]]:
        raise NotImplementedError

    def row_count(self) -> int:
        raise NotImplementedError

    def row_at(self, number: int) -> Row:
        raise NotImplementedError

    def column_at(self, index: Index) -> Column[Row] | None:
        """The declaration of a valid index's column (None outside the table)."""
        if not index.isValid() or not 0 <= index.row() < self.row_count():
            return None
        columns = self.columns()
        return columns[index.column()] if 0 <= index.column() < len(columns) else None

    # -- Qt model -------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.row_count()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns())

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        columns = self.columns()
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(columns):
            return None
        column = columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.ToolTipRole and column.header_tooltip:
            return plain_tooltip(column.header_tooltip)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        column = self.column_at(index)
        if column is not None and column.edit is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        column = self.column_at(index)
        if column is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(self.row_at(index.row()))
        if role == SORT_ROLE:
            row = self.row_at(index.row())
            return column.sort_key(row) if column.sort_key is not None else column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                plain_tooltip(column.tooltip(self.row_at(index.row()))) if column.tooltip else None
            )
        if role == Qt.ItemDataRole.EditRole:
            return column.edit(self.row_at(index.row())) if column.edit else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.alignment is None:
                return None
            alignment = column.alignment(self.row_at(index.row()))
            return None if alignment is None else int(alignment)
        if role == Qt.ItemDataRole.DecorationRole:
            return column.decoration(self.row_at(index.row())) if column.decoration else None
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._brush(column.background, index.row())
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._brush(column.foreground, index.row())
        return None

    def _brush(self, colour: Colour[Row] | None, number: int) -> QBrush | None:
        if colour is None:  # before asking for the row: it may have to be fetched
            return None
        found = colour(self.row_at(number))
        return None if found is None else QBrush(found)
