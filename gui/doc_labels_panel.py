"""The document labels panel: one row per label set (Topic, Overall stance) with its choices as
toggle chips, for the open document and annotator.

A single-choice set's chips are exclusive. Keyboard: **D** in the article gives the panel the
focus; a choice's key then sets it and hands the focus back; arrows move between chips and sets,
Space toggles, Esc leaves. The panel only asks (``valuesChosen``); the window saves, and the panel
reads the stored labels again when the change signal says they changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from claimdesk.core.records import DocLabelSetRecord, DocumentLabelRecord
from claimdesk.gui.attribute_bar import quick_keys
from claimdesk.gui.change_signal import ChangeEvent, Shown
from claimdesk.gui.dialogs import plain_tooltip

Fetch = Callable[[int, int], list[DocumentLabelRecord]]


def panel_keys(sets: Sequence[DocLabelSetRecord]) -> list[list[str]]:
    """Each set's choice keys: the codebook's, else letters free across the whole panel (so
    that after D one key names one choice wherever it can)."""
    names = [c for s in sets for c in s.choices]
    given = [
        k for s in sets for k in (list(s.choice_keys) + [None] * len(s.choices))[: len(s.choices)]
    ]
    flat = quick_keys(names, given)
    keys, i = [], 0
    for s in sets:
        keys.append(flat[i : i + len(s.choices)])
        i += len(s.choices)
    return keys


# Chips in the theme's colours (palette roles follow light and dark): a chosen chip is filled
# with the highlight colour; the chip the arrows are on has a thicker frame.
_CHIP = (
    "QToolButton { border: 1px solid palette(mid); border-radius: 9px; padding: 1px 8px;"
    " background: palette(base); color: palette(text); }"
    " QToolButton:checked { background: palette(highlight); color: palette(highlighted-text);"
    " border-color: palette(highlight); }"
)
_CHIP_CURRENT = _CHIP + " QToolButton { border: 2px solid palette(text); padding: 0px 7px; }"


class DocLabelsPanel(QWidget):
    valuesChosen = Signal(int, object)  # set id, tuple of values (in the set's order)
    done = Signal()  # the keyboard is handed back to the article

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fetch: Fetch = lambda _document, _annotator: []
        self.shown: Shown | None = None
        self.sets: tuple[DocLabelSetRecord, ...] = ()
        self.values: dict[int, tuple[str, ...]] = {}
        self.keys: list[list[str]] = []
        self.chips: list[list[QToolButton]] = []
        self.row = 0  # the set the arrows and Space act on
        self.column = 0
        self.armed = False  # D was pressed: the chips show their keys
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(4, 4, 4, 4)
        self.body = QWidget()  # rebuilt whole when the codebook's sets change
        self.hide()

    # -- contents -------------------------------------------------------------------------------

    def set_sets(self, sets: Sequence[DocLabelSetRecord]) -> None:
        """The codebook's label sets (the panel hides when there are none)."""
        self.sets = tuple(sets)
        self.keys = panel_keys(self.sets)
        self.outer.removeWidget(self.body)
        self.body.deleteLater()
        self.body = QWidget()
        grid = QGridLayout(self.body)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(3)
        self.outer.addWidget(self.body)
        self.chips = []
        heading = QLabel("Document labels")
        heading.setStyleSheet("font-weight: bold;")
        heading.setToolTip(
            plain_tooltip("Labels of the whole document · key D, then a choice's key")
        )
        grid.addWidget(heading, 0, 0, 1, -1)
        for row, (record, keys) in enumerate(zip(self.sets, self.keys, strict=True), start=1):
            name = QLabel(record.name + ":")
            name.setTextFormat(Qt.TextFormat.PlainText)
            if record.description:
                name.setToolTip(plain_tooltip(record.description))
            grid.addWidget(name, row, 0)
            line = QHBoxLayout()
            line.setSpacing(4)
            grid.addLayout(line, row, 1)
            chips = []
            for column, (_choice, key) in enumerate(zip(record.choices, keys, strict=True)):
                chip = QToolButton()
                chip.setCheckable(True)
                chip.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the panel takes the keys
                chip.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
                kind = "one of" if not record.multiple else "any of"
                chip.setToolTip(plain_tooltip(f"{record.name} ({kind} its choices) · key D, {key}"))
                chip.clicked.connect(lambda _checked=False, r=row - 1, c=column: self.toggle(r, c))
                line.addWidget(chip)
                chips.append(chip)
            line.addStretch(1)
            self.chips.append(chips)
        self.setVisible(bool(self.sets) and self.shown is not None)
        self._render()

    def set_document(
        self, shown: Shown | None, records: Sequence[DocumentLabelRecord] | None = None
    ) -> None:
        """Show the labels of this document and annotator: ``records`` as read, or read
        through ``fetch``."""
        self.shown = shown
        self.values = {}
        if shown is not None:
            if records is None:
                records = self.fetch(shown.document_id, shown.annotator_id)
            for record in records:
                self.values[record.set_id] = (*self.values.get(record.set_id, ()), record.value)
        self.setVisible(bool(self.sets) and shown is not None)
        self._render()

    def show_changes(self, event: ChangeEvent) -> None:
        changes = event.changes
        shown = self.shown
        if shown is not None and (shown.document_id, shown.annotator_id) in (
            changes.document_labels
        ):
            self.set_document(shown)

    def chosen(self, set_id: int) -> tuple[str, ...]:
        return self.values.get(set_id, ())

    # -- choosing -------------------------------------------------------------------------------

    def toggle(self, row: int, column: int) -> None:
        """A chip clicked or keyed: single sets take it alone (or clear it), multiple sets add or
        remove it."""
        record = self.sets[row]
        choice = record.choices[column]
        current = set(self.chosen(record.id))
        if record.multiple:
            current ^= {choice}
        else:
            current = set() if choice in current else {choice}
        self._render()  # a click checked the chip: it shows the stored state until saved
        self.valuesChosen.emit(record.id, tuple(c for c in record.choices if c in current))

    def arm(self) -> None:
        """D: the chips show their keys and the panel takes the next key."""
        if not self.sets or self.shown is None:
            return
        self.armed = True
        self.row = min(self.row, len(self.sets) - 1)
        self.column = 0
        self._render()
        self.setFocus()

    def disarm(self) -> None:
        was = self.armed
        self.armed = False
        self._render()
        if was:
            self.done.emit()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.armed = False
        self._render()
        super().focusOutEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if not self.sets:
            super().keyPressEvent(event)
            return
        if key in (Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.disarm()
            return
        moves = {
            Qt.Key.Key_Up: (-1, 0),
            Qt.Key.Key_Down: (1, 0),
            Qt.Key.Key_Left: (0, -1),
            Qt.Key.Key_Right: (0, 1),
        }
        if key in moves:
            d_row, d_column = moves[Qt.Key(key)]
            self.row = (self.row + d_row) % len(self.sets)
            width = len(self.sets[self.row].choices) or 1
            self.column = min(max(self.column + d_column, 0), width - 1)
            self.armed = True
            self._render()
            return
        if key == Qt.Key.Key_Space:
            if self.sets[self.row].choices:
                self.toggle(self.row, self.column)
            return
        text = event.text().lower()
        if text and text.isprintable():
            self.press(text)
            return
        super().keyPressEvent(event)

    def press(self, key: str) -> None:
        """A choice's key: the current set's first, then any set's; sets it and hands back."""
        order = [self.row] + [r for r in range(len(self.sets)) if r != self.row]
        for row in order:
            if key in self.keys[row]:
                self.row, self.column = row, self.keys[row].index(key)
                self.toggle(row, self.column)
                self.disarm()
                return

    # -- drawing --------------------------------------------------------------------------------

    def _render(self) -> None:
        focused = self.hasFocus() or self.armed
        for row, (record, keys, chips) in enumerate(
            zip(self.sets, self.keys, self.chips, strict=True)
        ):
            chosen = self.chosen(record.id)
            for column, (choice, key, chip) in enumerate(
                zip(record.choices, keys, chips, strict=True)
            ):
                chip.setText(f"{choice} [{key}]" if self.armed else choice)
                chip.setChecked(choice in chosen)
                current = focused and (row, column) == (self.row, self.column)
                style = _CHIP_CURRENT if current else _CHIP
                # Setting a style sheet polishes and repaints the chip even when it is the same:
                # on every document opened, for chips that mostly look as they did.
                if chip.styleSheet() != style:
                    chip.setStyleSheet(style)
        if self.armed:
            self.setToolTip("")
        name = "Document labels: " + "; ".join(
            f"{s.name}: {', '.join(self.chosen(s.id)) or 'none'}" for s in self.sets
        )
        if self.accessibleName() != name:
            self.setAccessibleName(name)
