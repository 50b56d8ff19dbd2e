"""The tagging panel: every label with its colour, key and count in this document."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from claimdesk.core.records import LabelRecord, label_tree_order
from claimdesk.gui.dialogs import plain_tooltip

_Index = QModelIndex | QPersistentModelIndex


class LabelListModel(QAbstractListModel):
    LabelRole = Qt.ItemDataRole.UserRole + 1
    DepthRole = Qt.ItemDataRole.UserRole + 2
    CountRole = Qt.ItemDataRole.UserRole + 3
    GroupRole = Qt.ItemDataRole.UserRole + 4  # True for a group heading (a label with members)

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[tuple[LabelRecord, int]] = []
        self._counts: dict[int, int] = {}
        self._groups: set[int] = set()

    def set_labels(self, labels: list[LabelRecord]) -> None:
        self.beginResetModel()
        self._rows = label_tree_order(labels)
        ids = {label.id for label in labels}
        self._groups = {label.parent_id for label in labels if label.parent_id in ids}
        self.endResetModel()

    def set_counts(self, counts: dict[int, int]) -> None:
        old, self._counts = self._counts, dict(counts)
        # Only the rows whose count changed are drawn again (an edit changes one or two): the
        # whole list took a millisecond of every keystroke.
        changed = [
            row
            for row, (label, _) in enumerate(self._rows)
            if old.get(label.id, 0) != self._counts.get(label.id, 0)
        ]
        for first, last in _runs(changed):
            self.dataChanged.emit(self.index(first), self.index(last), [self.CountRole])

    def labels(self) -> list[LabelRecord]:
        return [label for label, _ in self._rows]

    def label_at(self, row: int) -> LabelRecord:
        return self._rows[row][0]

    def row_of(self, label_id: int) -> int:
        for row, (label, _) in enumerate(self._rows):
            if label.id == label_id:
                return row
        return -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        label, depth = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return label.name
        if role == Qt.ItemDataRole.ToolTipRole:
            key = f"Key: {label.shortcut}\n\n" if label.shortcut else ""
            return plain_tooltip(f"{label.name}\n{key}{label.description or 'No definition yet.'}")
        if role == Qt.ItemDataRole.DecorationRole:
            return QColor(label.colour)
        if role == self.LabelRole:
            return label
        if role == self.DepthRole:
            return depth
        if role == self.CountRole:
            return self._counts.get(label.id, 0)
        if role == self.GroupRole:
            return label.id in self._groups
        return None


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as runs of neighbours: [1, 2, 5] -> [(1, 2), (5, 5)]."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


class LabelDelegate(QStyledItemDelegate):
    """Draws: colour swatch, key cell, name (indented by group; bold for a group heading only),
    count for this document.

    Each row, all but its count, is drawn once into a pixmap and copied after: an edit changes
    one label's count, and drawing the whole row again (swatch, key cell, elided name) took a
    quarter of a millisecond of it. The same pixels as drawing it afresh (in both themes,
    enabled or not)."""

    ROWS_KEPT = 256  # pixmaps of rows as drawn; all let go when full

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: dict[tuple[object, ...], QPixmap] = {}

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        height = option.fontMetrics.height()
        return QSize(200, height + 10)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        label: LabelRecord = index.data(LabelListModel.LabelRole)
        count: int = index.data(LabelListModel.CountRole)
        rect: QRect = option.rect
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        device = painter.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        depth: int = index.data(LabelListModel.DepthRole)
        group = bool(index.data(LabelListModel.GroupRole))
        key = (
            label.id,
            label.name,
            label.colour,
            label.shortcut,
            depth,
            group,
            selected,
            rect.width(),
            rect.height(),
            palette.cacheKey(),
            palette.currentColorGroup(),
            option.font.key(),
            ratio,
        )
        row = self._rows.get(key)
        if row is None:
            if len(self._rows) >= self.ROWS_KEPT:
                self._rows.clear()
            row = self._rows[key] = self._row_image(option, label, depth, group, ratio)
        painter.drawPixmap(rect.topLeft(), row)
        if count:
            metrics = option.fontMetrics
            count_width = metrics.horizontalAdvance("9999") + 6
            count_rect = QRect(
                rect.right() - count_width, rect.top(), count_width - 6, rect.height()
            )
            painter.save()
            painter.setPen(
                palette.highlightedText().color() if selected else palette.text().color()
            )
            font = QFont(option.font)
            font.setBold(False)
            painter.setFont(font)
            painter.drawText(
                count_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, str(count)
            )
            painter.restore()

    def _row_image(
        self,
        option: QStyleOptionViewItem,
        label: LabelRecord,
        depth: int,
        group: bool,
        ratio: float,
    ) -> QPixmap:
        """The row as drawn on its background, its count left out, at the painter's ratio."""
        size = option.rect.size()
        rect = QRect(0, 0, size.width(), size.height())
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        image = QPixmap(round(size.width() * ratio), round(size.height() * ratio))
        image.setDevicePixelRatio(ratio)
        # Opaque, as the list's own background under the row: text is drawn as on the list.
        image.fill(palette.highlight().color() if selected else palette.base().color())
        painter = QPainter(image)
        text_colour = palette.highlightedText().color() if selected else palette.text().color()
        metrics = option.fontMetrics
        x = rect.left() + 6 + depth * 14
        swatch = QRect(x, rect.top() + 5, 12, rect.height() - 10)
        painter.fillRect(swatch, QColor(label.colour))
        painter.setPen(QColor(label.colour).darker(140))
        painter.drawRect(swatch.adjusted(0, 0, -1, -1))
        x = swatch.right() + 6
        key_width = metrics.horizontalAdvance("M") + 8
        if label.shortcut:
            badge = QRect(x, rect.top() + 3, key_width, rect.height() - 6)
            painter.setPen(palette.mid().color())
            painter.drawRoundedRect(badge.adjusted(0, 0, -1, -1), 3, 3)
            painter.setPen(text_colour)
            painter.setFont(option.font)
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, label.shortcut)
        x += key_width + 6
        count_width = metrics.horizontalAdvance("9999") + 6
        name_rect = QRect(x, rect.top(), rect.right() - x - count_width, rect.height())
        painter.setPen(text_colour)
        font = _name_font(option.font, group)
        painter.setFont(font)
        name = QFontMetrics(font).elidedText(
            label.name, Qt.TextElideMode.ElideRight, name_rect.width()
        )
        # drawText with a string never interprets markup: names show as typed.
        painter.drawText(
            name_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, name
        )
        painter.end()
        return image

    @staticmethod
    def name_font(option: QStyleOptionViewItem, index: _Index) -> QFont:
        """Bold for a group heading; a label without a key is an ordinary label."""
        return _name_font(option.font, bool(index.data(LabelListModel.GroupRole)))


def _name_font(font: QFont, group: bool) -> QFont:
    named = QFont(font)
    named.setBold(group)
    return named


class _LabelList(QListView):
    def dataChanged(
        self,
        top_left: _Index,
        bottom_right: _Index,
        roles: Sequence[int] = (),
    ) -> None:
        if list(roles) == [LabelListModel.CountRole]:
            # A new count leaves every row its size: its rows are drawn again, and the list
            # is not laid out again (QListView would, then paint every row).
            model = self.model()
            for row in range(top_left.row(), bottom_right.row() + 1):
                self.update(model.index(row, 0))
            return
        super().dataChanged(top_left, bottom_right, roles)


class TagPanel(QWidget):
    """Click a label (or press its key in the article) to file the selected text under it."""

    labelChosen = Signal(int)
    addRequested = Signal()
    editRequested = Signal(int)
    recolourRequested = Signal(int)
    deleteRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = LabelListModel()
        self.view: QListView = _LabelList()
        self.view.setModel(self.model)
        self.view.setItemDelegate(LabelDelegate(self.view))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setUniformItemSizes(True)
        # A click files the selection and leaves the keyboard with the article (the next label
        # key works at once, and the article is not repainted twice for the focus going and
        # coming back); Tab still reaches the list for arrows and Enter.
        self.view.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.view.clicked.connect(lambda index: self.labelChosen.emit(self._id(index)))
        self.view.activated.connect(lambda index: self.labelChosen.emit(self._id(index)))
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for text, tip, handler in (
            ("Add…", "Add a label to the codebook", self.addRequested.emit),
            ("Edit…", "Rename the label, change its key, group or definition", self.edit_current),
            ("Colour…", "Change the label's colour", self.recolour_current),
            (
                "Delete",
                "Delete the label (asks first if it is in use; can be undone)",
                self.delete_current,
            ),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(handler)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        layout.addLayout(buttons)

    def _id(self, index: QModelIndex) -> int:
        return int(self.model.label_at(index.row()).id)

    def current_label_id(self) -> int | None:
        index = self.view.currentIndex()
        return self._id(index) if index.isValid() else None

    def edit_current(self) -> None:
        if (label_id := self.current_label_id()) is not None:
            self.editRequested.emit(label_id)

    def recolour_current(self) -> None:
        if (label_id := self.current_label_id()) is not None:
            self.recolourRequested.emit(label_id)

    def delete_current(self) -> None:
        if (label_id := self.current_label_id()) is not None:
            self.deleteRequested.emit(label_id)

    def set_current(self, label_id: int) -> None:
        row = self.model.row_of(label_id)
        if row >= 0:
            self.view.setCurrentIndex(self.model.index(row))
