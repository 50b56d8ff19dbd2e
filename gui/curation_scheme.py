"""The curation view's second table: attribute values, relations and document labels that the
chosen annotators do not all share, each with the value the curator can accept into gold.

Rows come from ``core.agreement.curation_scheme``; the panel only shows them and says which row
and value the curator picked (the view runs the edit through the core).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from claimdesk.core.agreement.curation_scheme import (
    AttributeRow,
    DocLabelRow,
    RelationRow,
    SchemeCuration,
)
from claimdesk.core.scheme import display_value
from claimdesk.gui.candidates import one_line
from claimdesk.gui.table_models import Column, ColumnTableModel

SchemeRow = AttributeRow | RelationRow | DocLabelRow

HELP = (
    "Attributes that differ on a span everyone marked, relations not everyone made, and "
    "document labels: choose a value and press Enter (or Accept) to put it into gold; "
    "Delete takes a relation out of gold."
)


def _shown(value: Any) -> str:
    return display_value(value) or "(none)"


def kind_of(row: SchemeRow) -> str:
    if isinstance(row, AttributeRow):
        return "Attribute"
    if isinstance(row, RelationRow):
        return "Relation"
    return "Document label"


def gold_text(row: SchemeRow) -> str:
    if isinstance(row, AttributeRow):
        return "span not in gold" if row.gold_id is None else _shown(row.gold_value)
    if isinstance(row, RelationRow):
        if row.gold_id is not None:
            return "★ in gold"
        missing = (row.gold_source is None) + (row.gold_target is None)
        return "–" if not missing else f"– ({missing} end{'s' if missing > 1 else ''} not in gold)"
    return ", ".join(row.gold) or "(none)"


class SchemeRowsModel(ColumnTableModel[SchemeRow]):
    """Kind, where (span or set), what each annotator gave, and gold's value."""

    HEADERS = ("Kind", "Where", "Annotators", "★ Gold")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[SchemeRow] = []
        self.names: dict[int, str] = {}
        kind, where, who, gold = self.HEADERS
        self._columns: list[Column[SchemeRow]] = [
            Column(kind, kind_of),
            Column(where, self._where, tooltip=self._where),
            Column(who, self._who, tooltip=self._who),
            Column(gold, gold_text),
        ]

    def set_rows(self, rows: SchemeCuration, names: Mapping[int, str]) -> None:
        """Attribute rows, then relations not everyone made (then the agreed ones), then labels."""
        self.beginResetModel()
        self.names = dict(names)
        disputed = [r for r in rows.relations if r.disputed]
        agreed = [r for r in rows.relations if not r.disputed]
        self.rows = [*rows.attributes, *disputed, *agreed, *rows.doc_labels]
        self.endResetModel()

    def columns(self) -> Sequence[Column[SchemeRow]]:
        return self._columns

    def row_count(self) -> int:
        return len(self.rows)

    def row_at(self, number: int) -> SchemeRow:
        return self.rows[number]

    def _where(self, row: SchemeRow) -> str:
        if isinstance(row, AttributeRow):
            return f"“{one_line(row.quote, 60)}”"
        if isinstance(row, RelationRow):
            arrow = "→" if row.type.directed else "↔"
            return f"“{one_line(row.source_quote, 30)}” {arrow} “{one_line(row.target_quote, 30)}”"
        return row.label_set.name

    def _who(self, row: SchemeRow) -> str:
        if isinstance(row, RelationRow):
            who = ", ".join(self.names.get(a, str(a)) for a in row.holders) or "nobody"
            return f"{row.type.name}: {who} ({row.support} of {row.chosen})"
        return one_line(row.text(self.names), 200)


class SchemeRowsTable(QTableView):
    acceptRequested = Signal()
    rejectRequested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.acceptRequested.emit()
                event.accept()
                return
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.rejectRequested.emit()
                event.accept()
                return
        super().keyPressEvent(event)


class SchemePanel(QWidget):
    """The table, a choice of value for the selected row, and Accept / Remove buttons."""

    acceptRequested = Signal(object, object)  # the row, the value chosen (None for a relation)
    rejectRequested = Signal(object)  # a relation row

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SchemeRowsModel()
        self.table = SchemeRowsTable()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for column, width in enumerate((110, 300, 420)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.value_box = QComboBox()
        self.value_box.setMinimumContentsLength(24)
        self.accept_button = QPushButton("Accept into gold (Enter)")
        self.reject_button = QPushButton("Remove relation from gold (Del)")
        hint = QLabel(HELP)
        hint.setTextFormat(Qt.TextFormat.PlainText)
        hint.setWordWrap(True)
        self.hint = hint
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Value:"))
        buttons.addWidget(self.value_box)
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.reject_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(hint)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.acceptRequested.connect(self.accept_selected)
        self.table.rejectRequested.connect(self.reject_selected)
        self.accept_button.clicked.connect(self.accept_selected)
        self.reject_button.clicked.connect(self.reject_selected)
        self._row_changed()

    def set_rows(self, rows: SchemeCuration, names: Mapping[int, str]) -> None:
        current = self.selected_row()
        number = self.table.currentIndex().row()
        self.model.set_rows(rows, names)
        attributes = len(rows.attributes)
        relations = sum(r.disputed for r in rows.relations)
        labels = sum(not r.agreed for r in rows.doc_labels)
        self.heading.setText(
            f"Beyond the spans: {attributes} attribute{'s' if attributes != 1 else ''} in "
            f"dispute · {relations} relation{'s' if relations != 1 else ''} not everyone made · "
            f"{labels} document label set{'s' if labels != 1 else ''} in dispute"
        )
        if self.model.rows:
            found = next((i for i, r in enumerate(self.model.rows) if _same_row(r, current)), None)
            self.select_row(
                found if found is not None else min(max(number, 0), len(self.model.rows) - 1)
            )
        else:
            self._row_changed()

    def select_row(self, number: int) -> None:
        index = self.model.index(number, 0)
        self.table.setCurrentIndex(index)
        self.table.selectRow(number)

    def selected_row(self) -> SchemeRow | None:
        number = self.table.currentIndex().row()
        return self.model.rows[number] if 0 <= number < len(self.model.rows) else None

    def _row_changed(self, *_args: object) -> None:
        row = self.selected_row()
        self.value_box.clear()
        names = self.model.names
        if isinstance(row, AttributeRow):
            for value in row.choices:
                who = ", ".join(names.get(a, str(a)) for a, v in row.values.items() if v == value)
                self.value_box.addItem(f"{_shown(value)} ({who})", value)
        elif isinstance(row, DocLabelRow):
            for value in row.choices:
                who = ", ".join(names.get(a, str(a)) for a, v in row.values.items() if v == value)
                self.value_box.addItem(f"{', '.join(value) or '(none)'} ({who})", value)
        self.value_box.setEnabled(self.value_box.count() > 0)
        in_gold = isinstance(row, RelationRow) and row.gold_id is not None
        self.accept_button.setEnabled(row is not None and not in_gold)
        self.reject_button.setEnabled(in_gold)

    def accept_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        value = None if isinstance(row, RelationRow) else self.value_box.currentData()
        self.acceptRequested.emit(row, value)

    def reject_selected(self) -> None:
        row = self.selected_row()
        if isinstance(row, RelationRow):
            self.rejectRequested.emit(row)


def _same_row(a: SchemeRow, b: SchemeRow | None) -> bool:
    if b is None or type(a) is not type(b):
        return False
    if isinstance(a, AttributeRow) and isinstance(b, AttributeRow):
        return (a.key, a.attribute.id) == (b.key, b.attribute.id)
    if isinstance(a, RelationRow) and isinstance(b, RelationRow):
        return (a.type.id, a.source, a.target) == (b.type.id, b.source, b.target)
    if isinstance(a, DocLabelRow) and isinstance(b, DocLabelRow):
        return a.label_set.id == b.label_set.id
    return False
