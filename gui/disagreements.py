"""Where two annotators differ, as a table: document, kind, text, each side's spans."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from claimdesk.core.agreement.compute import Disagreement, SideSpan
from claimdesk.gui.candidates import one_line
from claimdesk.gui.table_models import Column, ColumnTableModel

TextOf = Callable[[int], str]  # document id -> its text


def _side(spans: Sequence[SideSpan]) -> str:
    return "; ".join(f"{s.label}: {one_line(s.quote, 40)}" for s in spans) or "–"


class DisagreementModel(ColumnTableModel[Disagreement]):
    """Rows of ``core.agreement.disagreements(project, a, b)``, named for the two annotators."""

    def __init__(self, text_of: TextOf) -> None:
        super().__init__()
        self.text_of = text_of
        self.rows: list[Disagreement] = []
        self.first = self.second = ""
        self._columns = self._declare()

    def set_rows(self, rows: Sequence[Disagreement], first: str, second: str) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.first, self.second = first, second
        self._columns = self._declare()
        self.endResetModel()

    def _declare(self) -> tuple[Column[Disagreement], ...]:
        def column(header: str, full: Callable[[Disagreement], str]) -> Column[Disagreement]:
            return Column(header, lambda row: one_line(full(row), 90), tooltip=full)

        return (
            column("Document", lambda row: row.document_title),
            column("What differs", self.kind_text),
            column("Text", lambda row: self.text_of(row.document_id)[row.start : row.end]),
            column(self.first or "First", lambda row: _side(row.first)),
            column(self.second or "Second", lambda row: _side(row.second)),
        )

    def columns(self) -> Sequence[Column[Disagreement]]:
        return self._columns

    def row_count(self) -> int:
        return len(self.rows)

    def row_at(self, number: int) -> Disagreement:
        return self.rows[number]

    def kind_text(self, row: Disagreement) -> str:
        if row.kind == "attribute":
            return row.detail
        return {
            "missing": f"only {self.second}",
            "extra": f"only {self.first}",
            "label": "other label",
            "boundary": "other bounds",
        }[row.kind]


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
