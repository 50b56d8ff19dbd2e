"""The curation view's table: candidate spans × (line, text, label, agreement, gold, lanes).

A lane cell says, with a symbol backed by a colour, whether that annotator made the candidate
exactly (✓), marked the same text otherwise (≠ their label, ↔ other bounds), or nothing (–).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import QTableView

from claimdesk.core.agreement.curation import Agreement, Candidate, Cell, Curation
from claimdesk.core.records import AnnotatorRecord, LabelRecord
from claimdesk.gui.table_models import Column, ColumnTableModel
from claimdesk.gui.theme import colour_of, current_theme, text_on

# Colour backs up a symbol in every cell, never replaces it. The colours are the theme's
# (resources/themes: curation_*), the text on them the theme's own text or base colour,
# whichever reads better (core.contrast), so both themes keep their cells readable.
AGREEMENT_STYLE = {
    Agreement.ALL: ("✔", "curation_all"),
    Agreement.MAJORITY: ("◐", "curation_majority"),
    Agreement.SOME: ("✗", "curation_some"),
    Agreement.NONE: ("★", "curation_gold"),
}
CELL_ROLES = (
    "curation_all",
    "curation_majority",
    "curation_some",
    "curation_has",
    "curation_differs",
    "curation_gold",
)


@dataclass(frozen=True)
class CellColours:
    """A coloured cell's background and the text colour that reads on it."""

    background: QColor
    text: QColor


def cell_colours(theme: str) -> dict[str, CellColours]:
    """Each curation role's cell colours in this theme ("light" or "dark")."""
    return {
        role: CellColours(
            QColor(colour_of(role, theme)), QColor(text_on(colour_of(role, theme), theme))
        )
        for role in CELL_ROLES
    }


def one_line(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class CandidateRow(NamedTuple):
    line: int  # 1-based line of the text where the candidate starts
    candidate: Candidate


class CandidateModel(ColumnTableModel[CandidateRow]):
    """Candidates × (line, text, label, agreement, gold, then one lane per annotator)."""

    FIXED = ("Line", "Text", "Label", "Agreement", "★ Gold")
    GOLD = 4  # next to the agreement, so it stays in sight however many lanes follow

    def __init__(self) -> None:
        super().__init__()
        self.curation: Curation | None = None
        self.labels: dict[int, LabelRecord] = {}
        self._rows: list[CandidateRow] = []
        self._columns: list[Column[CandidateRow]] = []
        self._text = ""
        self.theme = current_theme()
        self._colours = cell_colours(self.theme)
        self._missing = QColor(colour_of("curation_missing", self.theme))

    def set_curation(self, curation: Curation, text: str, labels: dict[int, LabelRecord]) -> None:
        """Show these candidates, in the colours of the theme in effect now."""
        self.beginResetModel()
        self.curation = curation
        self.labels = labels
        self._text = text
        self.theme = current_theme()
        self._colours = cell_colours(self.theme)
        self._missing = QColor(colour_of("curation_missing", self.theme))
        self._rows = [
            CandidateRow(text.count("\n", 0, c.start) + 1, c) for c in curation.candidates
        ]
        self._columns = [*self._fixed_columns(), *map(self._lane_column, curation.annotators)]
        self.endResetModel()

    def set_theme(self, theme: str) -> None:
        """Colour the cells as theme ``theme`` ("light" or "dark") does."""
        if theme == self.theme:
            return
        self.theme = theme
        self._colours = cell_colours(theme)
        self._missing = QColor(colour_of("curation_missing", theme))
        if self.rowCount() and self.columnCount():
            last = self.index(self.rowCount() - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    @property
    def candidates(self) -> list[Candidate]:
        return self.curation.candidates if self.curation else []

    def gold_column(self) -> int:
        return self.GOLD

    def annotator_at(self, column: int) -> int | None:
        lane = column - len(self.FIXED)
        if self.curation and 0 <= lane < len(self.curation.annotators):
            return self.curation.annotators[lane].id
        return None

    # -- columns --------------------------------------------------------------------------------

    def columns(self) -> Sequence[Column[CandidateRow]]:
        return self._columns

    def row_count(self) -> int:
        return len(self._rows)

    def row_at(self, number: int) -> CandidateRow:
        return self._rows[number]

    def _fixed_columns(self) -> list[Column[CandidateRow]]:
        line, text, label, agreement, gold = self.FIXED
        return [
            Column(line, lambda row: str(row.line)),
            Column(
                text,
                lambda row: one_line(row.candidate.quote),
                tooltip=lambda row: row.candidate.quote,
            ),
            Column(
                label,
                lambda row: self._label_name(row.candidate.label_id),
                decoration=lambda row: self._label_colour(row.candidate.label_id),
            ),
            Column(
                agreement,
                lambda row: self._agreement_text(row.candidate),
                background=lambda row: self._agreement_colours(row.candidate).background,
                foreground=lambda row: self._agreement_colours(row.candidate).text,
            ),
            Column(
                gold,
                lambda row: "★ gold" if row.candidate.gold_id is not None else "",
                background=lambda row: self._gold_colours(row.candidate, background=True),
                foreground=lambda row: self._gold_colours(row.candidate, background=False),
            ),
        ]

    def _lane_column(self, annotator: AnnotatorRecord) -> Column[CandidateRow]:
        lane = annotator.id
        return Column(
            one_line(annotator.name, 20),
            lambda row: self._lane_text(row.candidate, lane),
            tooltip=lambda row: self._lane_tooltip(row.candidate, lane),
            decoration=lambda row: self._lane_decoration(row.candidate, lane),
            background=lambda row: self._lane_background(row.candidate, lane),
            foreground=lambda row: self._lane_foreground(row.candidate, lane),
            header_tooltip=f"{annotator.name}'s lane",
        )

    # -- cells ----------------------------------------------------------------------------------

    def _label_name(self, label_id: int) -> str:
        label = self.labels.get(label_id)
        return label.name if label else "?"

    def _label_colour(self, label_id: int) -> QColor | None:
        label = self.labels.get(label_id)
        return QColor(label.colour) if label else None

    def _agreement_text(self, candidate: Candidate) -> str:
        symbol = AGREEMENT_STYLE[candidate.agreement][0]
        if candidate.agreement is Agreement.NONE:
            return f"{symbol} gold only"
        return f"{symbol} {candidate.support} of {candidate.chosen}"

    def _agreement_colours(self, candidate: Candidate) -> CellColours:
        return self._colours[AGREEMENT_STYLE[candidate.agreement][1]]

    def _gold_colours(self, candidate: Candidate, *, background: bool) -> QColor | None:
        if candidate.gold_id is None:
            return None
        colours = self._colours["curation_gold"]
        return colours.background if background else colours.text

    def _lane_text(self, candidate: Candidate, annotator_id: int) -> str:
        cell = candidate.cell(annotator_id)
        if cell is Cell.HAS:
            return "✓"
        if cell is Cell.DIFFERS:
            parts = []
            for start, end, label_id in candidate.differing[annotator_id]:
                name = self._label_name(label_id)
                moved = (start, end) != (candidate.start, candidate.end)
                parts.append(f"↔ {name}" if moved else name)
            return "≠ " + ", ".join(dict.fromkeys(parts))
        return "–"

    def _lane_tooltip(self, candidate: Candidate, annotator_id: int) -> str:
        if candidate.cell(annotator_id) is not Cell.DIFFERS:
            return ""
        text = self._text
        return "\n".join(
            f"{self._label_name(lab)}: {one_line(text[a:b], 80)}"
            for a, b, lab in candidate.differing[annotator_id]
        )

    def _lane_decoration(self, candidate: Candidate, annotator_id: int) -> QColor | None:
        if candidate.cell(annotator_id) is not Cell.DIFFERS:
            return None
        return self._label_colour(candidate.differing[annotator_id][0][2])

    def _lane_colours(self, candidate: Candidate, annotator_id: int) -> CellColours | None:
        cell = candidate.cell(annotator_id)
        if cell is Cell.HAS:
            return self._colours["curation_has"]
        if cell is Cell.DIFFERS:
            return self._colours["curation_differs"]
        return None

    def _lane_background(self, candidate: Candidate, annotator_id: int) -> QColor | None:
        colours = self._lane_colours(candidate, annotator_id)
        return colours.background if colours else None

    def _lane_foreground(self, candidate: Candidate, annotator_id: int) -> QColor:
        colours = self._lane_colours(candidate, annotator_id)
        return colours.text if colours else self._missing


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
