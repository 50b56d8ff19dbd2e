"""The curation view's table: candidate spans × (line, text, label, agreement, gold, lanes).

A lane cell says, with a symbol backed by a colour, whether that annotator made the candidate
exactly (✓), marked the same text otherwise (≠ their label, ↔ other bounds), or nothing (–).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import QTableView

from claimdesk.core.agreement.curation import Agreement, Candidate, Cell, Curation
from claimdesk.core.records import LabelRecord
from claimdesk.gui.dialogs import plain_tooltip

_Index = QModelIndex | QPersistentModelIndex

# Colour backs up a symbol in every cell, never replaces it.
HAS_BG = QColor("#c8e6c9")
DIFFERS_BG = QColor("#ffe0b2")
GOLD_BG = QColor("#fff3b0")
MISSING_FG = QColor("#9e9e9e")
AGREEMENT_STYLE = {
    Agreement.ALL: ("✔", QColor("#a5d6a7")),
    Agreement.MAJORITY: ("◐", QColor("#dcedc8")),
    Agreement.SOME: ("✗", QColor("#ffccbc")),
    Agreement.NONE: ("★", GOLD_BG),
}


def one_line(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class CandidateModel(QAbstractTableModel):
    """Candidates × (line, text, label, agreement, gold, then one lane per annotator)."""

    FIXED = ("Line", "Text", "Label", "Agreement", "★ Gold")
    GOLD = 4  # next to the agreement, so it stays in sight however many lanes follow

    def __init__(self) -> None:
        super().__init__()
        self.curation: Curation | None = None
        self.labels: dict[int, LabelRecord] = {}
        self._lines: list[int] = []
        self._text = ""

    def set_curation(self, curation: Curation, text: str, labels: dict[int, LabelRecord]) -> None:
        self.beginResetModel()
        self.curation = curation
        self.labels = labels
        self._text = text
        self._lines = [text.count("\n", 0, c.start) + 1 for c in curation.candidates]
        self.endResetModel()

    @property
    def candidates(self) -> list[Candidate]:
        return self.curation.candidates if self.curation else []

    def lane_column(self, annotator_id: int) -> int:
        assert self.curation is not None
        ids = [a.id for a in self.curation.annotators]
        return len(self.FIXED) + ids.index(annotator_id)

    def gold_column(self) -> int:
        return self.GOLD

    def annotator_at(self, column: int) -> int | None:
        lane = column - len(self.FIXED)
        if self.curation and 0 <= lane < len(self.curation.annotators):
            return self.curation.annotators[lane].id
        return None

    # -- Qt model -------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.candidates)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.curation is None:
            return 0
        return len(self.FIXED) + len(self.curation.annotators)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or self.curation is None:
            return None
        if not 0 <= section < self.columnCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section < len(self.FIXED):
                return self.FIXED[section]
            return one_line(self.curation.annotators[section - len(self.FIXED)].name, 20)
        if role == Qt.ItemDataRole.ToolTipRole and section >= len(self.FIXED):
            name = self.curation.annotators[section - len(self.FIXED)].name
            return plain_tooltip(f"{name}'s lane")
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or self.curation is None:
            return None
        candidate = self.candidates[index.row()]
        column = index.column()
        if column == 0:
            return str(self._lines[index.row()]) if role == Qt.ItemDataRole.DisplayRole else None
        if column == 1:
            if role == Qt.ItemDataRole.DisplayRole:
                return one_line(candidate.quote)
            if role == Qt.ItemDataRole.ToolTipRole:
                return plain_tooltip(candidate.quote)
            return None
        if column == 2:
            label = self.labels.get(candidate.label_id)
            if role == Qt.ItemDataRole.DisplayRole:
                return label.name if label else "?"
            if role == Qt.ItemDataRole.DecorationRole and label:
                return QColor(label.colour)
            return None
        if column == 3:
            return self._agreement(candidate, role)
        if column == self.gold_column():
            in_gold = candidate.gold_id is not None
            if role == Qt.ItemDataRole.DisplayRole:
                return "★ gold" if in_gold else ""
            if role == Qt.ItemDataRole.BackgroundRole and in_gold:
                return QBrush(GOLD_BG)
            return None
        annotator = self.annotator_at(column)
        assert annotator is not None
        return self._lane(candidate, annotator, role)

    def _label_name(self, label_id: int) -> str:
        label = self.labels.get(label_id)
        return label.name if label else "?"

    def _agreement(self, candidate: Candidate, role: int) -> object:
        symbol, colour = AGREEMENT_STYLE[candidate.agreement]
        if role == Qt.ItemDataRole.DisplayRole:
            if candidate.agreement is Agreement.NONE:
                return f"{symbol} gold only"
            return f"{symbol} {candidate.support} of {candidate.chosen}"
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(colour)
        return None

    def _lane(self, candidate: Candidate, annotator_id: int, role: int) -> object:
        cell = candidate.cell(annotator_id)
        if cell is Cell.HAS:
            if role == Qt.ItemDataRole.DisplayRole:
                return "✓"
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(HAS_BG)
            return None
        if cell is Cell.DIFFERS:
            spans = candidate.differing[annotator_id]
            if role == Qt.ItemDataRole.DisplayRole:
                parts = []
                for start, end, label_id in spans:
                    label = self.labels.get(label_id)
                    name = label.name if label else "?"
                    moved = (start, end) != (candidate.start, candidate.end)
                    parts.append(f"↔ {name}" if moved else name)
                return "≠ " + ", ".join(dict.fromkeys(parts))
            if role == Qt.ItemDataRole.DecorationRole:
                label = self.labels.get(spans[0][2])
                return QColor(label.colour) if label else None
            if role == Qt.ItemDataRole.ToolTipRole:
                text = self._text
                return plain_tooltip(
                    "\n".join(
                        f"{self._label_name(lab)}: {one_line(text[a:b], 80)}" for a, b, lab in spans
                    )
                )
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(DIFFERS_BG)
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return "–"
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(MISSING_FG)
        return None


class CandidateTable(QTableView):
    """The candidate rows; reports the curator's keys instead of editing cells."""

    acceptRequested = Signal()
    rejectRequested = Signal()
    majorityRequested = Signal()
    labelKeyPressed = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier
            | Qt.KeyboardModifier.AltModifier
            | Qt.KeyboardModifier.MetaModifier
        )
        if plain and key in (Qt.Key.Key_A, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.acceptRequested.emit()
        elif plain and key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.rejectRequested.emit()
        elif plain and key == Qt.Key.Key_M:
            self.majorityRequested.emit()
        elif plain and event.text() and event.text().isprintable() and event.text().strip():
            self.labelKeyPressed.emit(event.text())
        else:
            super().keyPressEvent(event)
            return
        event.accept()
