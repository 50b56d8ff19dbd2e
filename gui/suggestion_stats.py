"""The dashboard's suggestions tab: each source's (and the model's) record on the annotator's
decisions — accepted, rejected, missed, precision and recall — from ``project.suggestion_stats``.

The numbers are the core's; this tab only lists them (a table model, a choice of annotator).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from claimdesk.core.errors import ServerUnreachable

if TYPE_CHECKING:
    from claimdesk.core.store.project import Project

COLUMNS = ("Source", "Accepted", "Rejected", "Missed", "Precision", "Recall")
SOURCE_NAMES = {
    "codebook": "Codebook phrases and patterns",
    "project": "Same text marked elsewhere",
    "model": "Model trained on the project",
}
EXPLAINED = (
    "Accepted suggestions count as right, rejected ones as wrong; a span filed by hand, in a "
    "document where that source's suggestions were decided on, that no accepted suggestion "
    "covers counts as missed. Precision = accepted ÷ (accepted + rejected); "
    "recall = accepted ÷ (accepted + missed)."
)

_Index = QModelIndex | QPersistentModelIndex


class StatsRow(Protocol):
    """One source's record (the core's ``SourceStats``)."""

    @property
    def source(self) -> str: ...
    @property
    def accepted(self) -> int: ...
    @property
    def rejected(self) -> int: ...
    @property
    def missed(self) -> int: ...
    @property
    def precision(self) -> float | None: ...
    @property
    def recall(self) -> float | None: ...


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


class SuggestionStatsModel(QAbstractTableModel):
    """One row per source."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[StatsRow] = []

    def set_rows(self, rows: Sequence[StatsRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values: tuple[str, ...] = (
                SOURCE_NAMES.get(row.source, row.source),
                str(row.accepted),
                str(row.rejected),
                str(row.missed),
                _ratio(row.precision),
                _ratio(row.recall),
            )
            return values[column] if 0 <= column < len(values) else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class SuggestionStatsTab(QWidget):
    """The tab: whose decisions (everyone, or one annotator), the table, what the columns mean."""

    serverAway = Signal(object)  # ServerUnreachable: the numbers shown stay

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.who = QComboBox()
        self.model = SuggestionStatsModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the source's name
        self.table.setAlternatingRowColors(True)
        self.note = QLabel(EXPLAINED)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Decisions of:"))
        bar.addWidget(self.who)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        self.who.currentIndexChanged.connect(self.refresh)
        self._fill_people()
        self.model.set_rows(list(project.suggestion_stats(None).values()))

    def _fill_people(self) -> None:
        chosen = self.who.currentData()
        self.who.blockSignals(True)
        try:
            self.who.clear()
            self.who.addItem("Everyone", None)
            for person in self.project.annotators():
                self.who.addItem(person.name, person.id)
            found = self.who.findData(chosen)
            self.who.setCurrentIndex(max(found, 0))
        finally:
            self.who.blockSignals(False)

    def refresh(self) -> None:
        """Read the numbers again (a few counts: read here, on the GUI thread)."""
        try:
            if self.sender() is not self.who:
                self._fill_people()
            rows = list(self.project.suggestion_stats(self.who.currentData()).values())
        except ServerUnreachable as exc:
            self.serverAway.emit(exc)
            return
        self.model.set_rows(rows)
