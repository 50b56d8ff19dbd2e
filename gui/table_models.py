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
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from claimdesk.gui.dialogs import plain_tooltip

Index = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")

# A table's cell, as QAbstractTableModel flags it; an editable column's cells are also _EDIT.
_CELL = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
_EDIT = Qt.ItemFlag.ItemIsEditable

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
        row, number = index.row(), index.column()  # -1 for an invalid index
        if not 0 <= row < self.row_count():
            return None
        columns = self.columns()
        return columns[number] if 0 <= number < len(columns) else None

    # What each role some column answers is answered with, with the columns it was worked out
    # for: a view asks each visible cell for seven roles on every repaint, most answered by none.
    _answers_cache: tuple[Sequence[Column[Any]], dict[int, Answer]] | None = None

    def _answered(self) -> tuple[Sequence[Column[Row]], dict[int, Answer]]:
        """The columns, and the answers of the roles some column answers (worked out again
        when the columns change)."""
        columns = self.columns()
        cached = self._answers_cache
        if cached is not None and cached[0] is columns:
            return columns, cached[1]
        answers = {
            int(role): _ANSWERS[role]
            for role, field in _ROLE_FIELDS.items()
            if field is None or any(getattr(column, field) is not None for column in columns)
        }
        self._answers_cache = (columns, answers)
        return columns, answers

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

    # Each column's flags, with the columns they were worked out for: views ask for them two or
    # three times per painted cell.
    _flags_cache: tuple[Sequence[Column[Any]], tuple[Qt.ItemFlag, ...]] | None = None

    def column_flags(self) -> tuple[Qt.ItemFlag, ...]:
        """Each column's flags (a cell's flags depend on its column only)."""
        columns = self.columns()
        cached = self._flags_cache
        if cached is None or cached[0] is not columns:
            each = tuple(_CELL | _EDIT if c.edit is not None else _CELL for c in columns)
            cached = self._flags_cache = (columns, each)
        return cached[1]

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        each = self.column_flags()
        number = index.column()
        if 0 <= number < len(each) and 0 <= index.row() < self.row_count():
            return each[number]
        return _CELL

    def painted_roles(self) -> list[int]:
        """The roles of ``PAINTED_ROLES`` some column answers."""
        answers = self._answered()[1]
        return [role for role in PAINTED_ROLES if role in answers]

    def painted_row(self, number: int) -> list[dict[int, object]]:
        """Row ``number``'s cells as a view draws them (and shows them on hover): for each
        column, the ``painted_roles`` it answers for the row, as ``data`` answers them."""
        columns, answers = self._answered()
        asked = [(role, answers[role]) for role in self.painted_roles()]
        cells = []
        for column in columns:
            cell = {}
            for role, answer in asked:
                value = answer(self, column, number)
                if value is not None:
                    cell[role] = value
            cells.append(cell)
        return cells

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        # Views ask each visible cell for a dozen roles on every repaint: a role no column
        # answers is turned away before anything else is looked at.
        columns, answers = self._answered()
        answer = answers.get(role)
        if answer is None:
            return None
        row, number = index.row(), index.column()  # -1 for an invalid index
        if not (0 <= row < self.row_count() and 0 <= number < len(columns)):
            return None
        return answer(self, columns[number], row)


# What each role shows of a row, in Qt's terms; a role a column does not declare asks for no row
# (the annotation list fetches its rows a page at a time). Looked up by role: views ask often.
Answer = Callable[[ColumnTableModel[Any], Column[Any], int], object]


def _display(model: ColumnTableModel[Any], column: Column[Any], number: int) -> object:
    return column.text(model.row_at(number))


def _sort_key(model: ColumnTableModel[Any], column: Column[Any], number: int) -> object:
    row = model.row_at(number)
    return column.sort_key(row) if column.sort_key is not None else column.text(row)


def _tooltip(model: ColumnTableModel[Any], column: Column[Any], number: int) -> object:
    if column.tooltip is None:
        return None
    return plain_tooltip(column.tooltip(model.row_at(number)))


def _edit(model: ColumnTableModel[Any], column: Column[Any], number: int) -> object:
    return None if column.edit is None else column.edit(model.row_at(number))


def _alignment(model: ColumnTableModel[Any], column: Column[Any], number: int) -> object:
    if column.alignment is None:
        return None
    alignment = column.alignment(model.row_at(number))
    return None if alignment is None else int(alignment)


def _decoration(model: ColumnTableModel[Any], column: Column[Any], number: int) -> object:
    return None if column.decoration is None else column.decoration(model.row_at(number))


def _brush(colour: Colour[Any] | None, model: ColumnTableModel[Any], number: int) -> object:
    if colour is None:
        return None
    found = colour(model.row_at(number))
    return None if found is None else QBrush(found)


def _background(model: ColumnTableModel[Any], column: Column[Any], number: int) -> object:
    return _brush(column.background, model, number)


def _foreground(model: ColumnTableModel[Any], column: Column[Any], number: int) -> object:
    return _brush(column.foreground, model, number)


# Which Column field a role needs (None: every column answers it).
_ROLE_FIELDS: dict[int, str | None] = {
    Qt.ItemDataRole.DisplayRole: None,
    SORT_ROLE: None,
    Qt.ItemDataRole.ToolTipRole: "tooltip",
    Qt.ItemDataRole.EditRole: "edit",
    Qt.ItemDataRole.TextAlignmentRole: "alignment",
    Qt.ItemDataRole.DecorationRole: "decoration",
    Qt.ItemDataRole.BackgroundRole: "background",
    Qt.ItemDataRole.ForegroundRole: "foreground",
}

# What a view draws of a cell, or shows when the pointer rests on it (``painted_row``).
PAINTED_ROLES = (
    int(Qt.ItemDataRole.DisplayRole),
    int(Qt.ItemDataRole.DecorationRole),
    int(Qt.ItemDataRole.ToolTipRole),
    int(Qt.ItemDataRole.BackgroundRole),
    int(Qt.ItemDataRole.ForegroundRole),
    int(Qt.ItemDataRole.TextAlignmentRole),
)

_ANSWERS: dict[int, Answer] = {
    Qt.ItemDataRole.DisplayRole: _display,
    SORT_ROLE: _sort_key,
    Qt.ItemDataRole.ToolTipRole: _tooltip,
    Qt.ItemDataRole.EditRole: _edit,
    Qt.ItemDataRole.TextAlignmentRole: _alignment,
    Qt.ItemDataRole.DecorationRole: _decoration,
    Qt.ItemDataRole.BackgroundRole: _background,
    Qt.ItemDataRole.ForegroundRole: _foreground,
}
