"""Where two annotators differ, as a table: document, kind, text, each side's spans."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from claimdesk.core.agreement.compute import Disagreement, SideSpan
from claimdesk.gui.candidates import one_line
from claimdesk.gui.dialogs import plain_tooltip

_Index = QModelIndex | QPersistentModelIndex
TextOf = Callable[[int], str]  # document id -> its text


def _side(spans: Sequence[SideSpan]) -> str:
    return "; ".join(f"{s.label}: {one_line(s.quote, 40)}" for s in spans) or "–"


class DisagreementModel(QAbstractTableModel):
    """Rows of ``core.agreement.disagreements(project, a, b)``, named for the two annotators."""

    def __init__(self, text_of: TextOf) -> None:
        super().__init__()
        self.text_of = text_of
        self.rows: list[Disagreement] = []
        self.first = self.second = ""

    def set_rows(self, rows: Sequence[Disagreement], first: str, second: str) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.first, self.second = first, second
        self.endResetModel()

    def columns(self) -> tuple[str, ...]:
        return ("Document", "What differs", "Text", self.first or "First", self.second or "Second")

    def kind_text(self, row: Disagreement) -> str:
        return {
            "missing": f"only {self.second}",
            "extra": f"only {self.first}",
            "label": "other label",
            "boundary": "other bounds",
        }[row.kind]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < 5
        ):
            return self.columns()[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if column == 0:
            text = row.document_title
        elif column == 1:
            text = self.kind_text(row)
        elif column == 2:
            text = self.text_of(row.document_id)[row.start : row.end]
        else:
            text = _side(row.first if column == 3 else row.second)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(text)
        return one_line(text, 90)


class DisagreementList(QTableView):
    """Double-click (or Enter) asks to curate the document at that place."""

    activated_ = Signal(object)  # the Disagreement

    def __init__(self, model: DisagreementModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((120, 120, 150, 150)):
            header.resizeSection(column, width)
        self.doubleClicked.connect(self._activate)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._activate(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)

    def _activate(self, index: QModelIndex) -> None:
        model = self.model()
        assert isinstance(model, DisagreementModel)
        if index.isValid():
            self.activated_.emit(model.rows[index.row()])
