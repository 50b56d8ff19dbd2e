"""The editors of one attribute, one relation type and one document label set (opened from the
scheme dialog, gui/scheme_dialog.py). Each returns a core.scheme value, or None when cancelled;
it checks the value by the rules of the codebook file before it closes."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from claimdesk.core.contrast import readable_text
from claimdesk.core.scheme import AttributeKind, AttributeSpec, DocLabelSpec, RelationSpec
from claimdesk.gui.dialogs import ok_cancel

_ORIGINAL = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class Edited:
    """What an editor returns: the new definition and the choices renamed (old -> new)."""

    spec: Any
    renames: dict[str, str] = field(default_factory=dict)


def _key_edit(key: str | None) -> QLineEdit:
    edit = QLineEdit(key or "")
    edit.setMaxLength(1)
    edit.setMaximumWidth(48)
    edit.setPlaceholderText("none")
    return edit


def _key_of(edit: QLineEdit) -> str | None:
    return edit.text().strip().lower() or None


def _definition_edit(text: str) -> QPlainTextEdit:
    edit = QPlainTextEdit(text)
    edit.setTabChangesFocus(True)  # Tab moves on, so the editor stays usable by keyboard
    edit.setMaximumHeight(90)
    return edit


class ChoicesTable(QWidget):
    """The choices of an attribute or a document label set: value and key per row, in order."""

    def __init__(
        self, choices: Sequence[str], keys: Sequence[str | None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Value", "Key"])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.setAccessibleName("Choices")
        for number, choice in enumerate(choices):
            self._add_row(choice, keys[number] if number < len(keys) else None, choice)
        self.add = QPushButton("Add &value")
        self.remove = QPushButton("Remove value")
        self.up = QPushButton("Up")
        self.down = QPushButton("Down")
        self.add.clicked.connect(self.add_value)
        self.remove.clicked.connect(self.remove_value)
        self.up.clicked.connect(lambda: self._move(-1))
        self.down.clicked.connect(lambda: self._move(1))
        buttons = QHBoxLayout()
        for button in (self.add, self.remove, self.up, self.down):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.table.setMinimumHeight(120)

    def _add_row(self, value: str, key: str | None, original: str | None) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        item = QTableWidgetItem(value)
        item.setData(_ORIGINAL, original)
        self.table.setItem(row, 0, item)
        self.table.setItem(row, 1, QTableWidgetItem(key or ""))
        return row

    def add_value(self, value: str = "", key: str | None = None) -> None:
        row = self._add_row(value, key, None)
        self.table.setCurrentCell(row, 0)
        item = self.table.item(row, 0)
        if not value and item is not None:
            self.table.editItem(item)

    def remove_value(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def _move(self, step: int) -> None:
        row = self.table.currentRow()
        other = row + step
        if row < 0 or not 0 <= other < self.table.rowCount():
            return
        for column in (0, 1):
            a, b = self.table.takeItem(row, column), self.table.takeItem(other, column)
            self.table.setItem(row, column, b)
            self.table.setItem(other, column, a)
        self.table.setCurrentCell(other, 0)

    def rows(self) -> list[tuple[str, str | None, str | None]]:
        """(value, key, the value it had when the editor opened) per row, blank rows left out."""
        out: list[tuple[str, str | None, str | None]] = []
        for row in range(self.table.rowCount()):
            value_item, key_item = self.table.item(row, 0), self.table.item(row, 1)
            value = " ".join((value_item.text() if value_item else "").split())
            key = (key_item.text().strip().lower() if key_item else "") or None
            if value:
                out.append((value, key, value_item.data(_ORIGINAL) if value_item else None))
        return out

    def choices(self) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
        rows = self.rows()
        keys = tuple(key for _, key, _ in rows)
        return tuple(value for value, _, _ in rows), keys

    def renames(self) -> dict[str, str]:
        return {old: new for new, _, old in self.rows() if old is not None and old != new}


class _Editor(QDialog):
    """OK checks the value with ``problem``; a problem is said through ``say`` and the editor
    stays open."""

    def __init__(self, title: str, say: Callable[[str, str], None], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.say = say
        self.form = QFormLayout()
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addStretch(1)  # rows stay together when some are hidden (the choices)
        layout.addWidget(ok_cancel(self, "Save", self._check))

    def row(self, text: str, widget: QWidget) -> None:
        label = QLabel(text)
        label.setBuddy(widget)
        self.form.addRow(label, widget)

    def edited(self) -> Edited:
        raise NotImplementedError

    def problem(self, edited: Edited) -> str | None:
        raise NotImplementedError

    def _check(self) -> None:
        try:
            edited = self.edited()
        except ValueError as exc:
            self.say(self.windowTitle(), str(exc))
            return
        problem = self.problem(edited)
        if problem is not None:
            self.say(self.windowTitle(), problem)
            return
        self.accept()


class AttributeEditor(_Editor):
    """Name, kind, choices with keys, default, key and definition of one attribute."""

    def __init__(
        self,
        spec: AttributeSpec | None,
        label: str,
        problem: Callable[[AttributeSpec], str | None],
        say: Callable[[str, str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Attribute of " + label if spec is None else "Edit attribute", say, parent)
        spec = spec or AttributeSpec("", AttributeKind.CHOICE)
        self._problem = problem
        self.name = QLineEdit(spec.name)
        self.name.setPlaceholderText("for example Stance")
        self.kind = QComboBox()
        for kind in AttributeKind:
            self.kind.addItem(kind.display_name, kind.value)
        self.kind.setCurrentIndex(self.kind.findData(spec.kind.value))
        self.choice_table = ChoicesTable(spec.choices, spec.choice_keys)
        self.choices_label = QLabel("&Choices")
        self.choices_label.setBuddy(self.choice_table.table)
        self.default_one = QComboBox()
        self.default_many = QListWidget()
        self.default_many.setMaximumHeight(90)
        self.default_bool = QComboBox()
        for text, value in (("no default", None), ("yes", True), ("no", False)):
            self.default_bool.addItem(text, value)
        self.default_text = QLineEdit()
        self.default_text.setPlaceholderText("no default")
        self.default = QStackedWidget()
        for widget in (self.default_one, self.default_many, self.default_bool, self.default_text):
            self.default.addWidget(widget)
        self.key = _key_edit(spec.shortcut)
        self.definition = _definition_edit(spec.description)
        self.row("&Name", self.name)
        self.row("&Kind", self.kind)
        self.form.addRow(self.choices_label, self.choice_table)
        self.row("&Default", self.default)
        self.row("&Key (after A)", self.key)
        self.row("De&finition", self.definition)
        self._set_default(spec.default)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.choice_table.table.itemChanged.connect(lambda _item: self._refresh_defaults())
        self.choice_table.table.model().rowsRemoved.connect(self._refresh_defaults)
        self._kind_changed()
        self.resize(520, 560)

    def current_kind(self) -> AttributeKind:
        return AttributeKind(self.kind.currentData())

    def _kind_changed(self) -> None:
        kind = self.current_kind()
        listed = kind in (AttributeKind.CHOICE, AttributeKind.MULTI)
        self.choice_table.setVisible(listed)
        self.choices_label.setVisible(listed)
        page = {
            AttributeKind.CHOICE: self.default_one,
            AttributeKind.MULTI: self.default_many,
            AttributeKind.BOOL: self.default_bool,
        }.get(kind, self.default_text)
        self.default.setCurrentWidget(page)
        # As tall as the page shown (a stack takes the tallest page's height otherwise).
        self.default.setFixedHeight(
            page.sizeHint().height() if page is not self.default_many else 90
        )
        self._refresh_defaults()

    def _refresh_defaults(self) -> None:
        """Offer the choices in the table as defaults, keeping what was picked (a choice
        renamed in the table stays picked under its new name)."""
        choices, _ = self.choice_table.choices()
        before = [self.default_one.itemData(i) for i in range(1, self.default_one.count())]
        renamed = len(before) == len(choices)

        def follow(value: Any) -> Any:
            if value in choices or not renamed or value not in before:
                return value
            return choices[before.index(value)]

        picked = follow(self.default_one.currentData())
        self.default_one.blockSignals(True)
        self.default_one.clear()
        self.default_one.addItem("no default", None)
        for choice in choices:
            self.default_one.addItem(choice, choice)
        self.default_one.setCurrentIndex(max(0, self.default_one.findData(picked)))
        self.default_one.blockSignals(False)
        ticked = {follow(value) for value in self._ticked()}
        self.default_many.clear()
        for choice in choices:
            item = QListWidgetItem(choice)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = choice in ticked
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.default_many.addItem(item)

    def _ticked(self) -> set[str]:
        items = (self.default_many.item(i) for i in range(self.default_many.count()))
        return {i.text() for i in items if i.checkState() == Qt.CheckState.Checked}

    def _set_default(self, value: Any) -> None:
        self._refresh_defaults()
        if isinstance(value, bool):
            self.default_bool.setCurrentIndex(self.default_bool.findData(value))
        elif isinstance(value, tuple):
            for i in range(self.default_many.count()):
                item = self.default_many.item(i)
                if item.text() in value:
                    item.setCheckState(Qt.CheckState.Checked)
        elif isinstance(value, str):
            self.default_one.setCurrentIndex(max(0, self.default_one.findData(value)))
            self.default_text.setText(value)
        elif value is not None:
            self.default_text.setText(str(value))

    def _default(self, kind: AttributeKind) -> Any:
        if kind is AttributeKind.CHOICE:
            return self.default_one.currentData()
        if kind is AttributeKind.MULTI:
            ticked = self._ticked()
            return tuple(c for c in self.choice_table.choices()[0] if c in ticked) or None
        if kind is AttributeKind.BOOL:
            return self.default_bool.currentData()
        text = self.default_text.text()
        if kind is AttributeKind.TEXT:
            return text or None
        if not text.strip():
            return None
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise ValueError(f"The default {text.strip()!r} is not a number.") from None
        if not math.isfinite(number):
            raise ValueError(f"The default {text.strip()!r} is not a finite number.")
        return int(number) if number.is_integer() and "." not in text else number

    def edited(self) -> Edited:
        kind = self.current_kind()
        listed = kind in (AttributeKind.CHOICE, AttributeKind.MULTI)
        choices, keys = self.choice_table.choices() if listed else ((), ())
        spec = AttributeSpec(
            " ".join(self.name.text().split()),
            kind,
            choices,
            keys,
            self._default(kind),
            self.definition.toPlainText().strip(),
            _key_of(self.key),
        )
        return Edited(spec, self.choice_table.renames() if listed else {})

    def problem(self, edited: Edited) -> str | None:
        if not edited.spec.name:
            return "An attribute needs a name."
        return self._problem(edited.spec)


class LabelChecks(QListWidget):
    """Labels to tick: the labels allowed at one end of a relation (none ticked: any label)."""

    def __init__(self, labels: Sequence[str], ticked: Sequence[str], name: str) -> None:
        super().__init__()
        self.setAccessibleName(name)
        for label in labels:
            item = QListWidgetItem(label)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = label in ticked
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.addItem(item)
        self.setMinimumHeight(110)

    def ticked(self) -> tuple[str, ...]:
        items = (self.item(i) for i in range(self.count()))
        return tuple(i.text() for i in items if i.checkState() == Qt.CheckState.Checked)

    def keyPressEvent(self, event: Any) -> None:
        # Space ticks the current label, as in a list of check boxes.
        item = self.currentItem()
        if event.key() == Qt.Key.Key_Space and item is not None:
            on = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if on else Qt.CheckState.Checked)
            return
        super().keyPressEvent(event)


class RelationEditor(_Editor):
    """Name, colour, direction, allowed labels at each end, key and definition."""

    def __init__(
        self,
        spec: RelationSpec | None,
        labels: Sequence[str],
        problem: Callable[[RelationSpec], str | None],
        say: Callable[[str, str], None],
        choose_colour: Callable[[str], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("New relation type" if spec is None else "Edit relation type", say, parent)
        spec = spec or RelationSpec("", "#7f7f7f")
        self._problem = problem
        self._choose_colour = choose_colour
        self.name = QLineEdit(spec.name)
        self.name.setPlaceholderText("for example attributed to")
        self.colour = QPushButton()
        self.colour.clicked.connect(self._pick_colour)
        self._set_colour(spec.colour)
        self.directed = QCheckBox("From one span &to the other (an arrow)")
        self.directed.setChecked(spec.directed)
        self.sources = LabelChecks(labels, spec.sources, "Labels at the start")
        self.targets = LabelChecks(labels, spec.targets, "Labels at the end")
        ends = QHBoxLayout()
        for text, checks in (("Fro&m (none ticked: any)", self.sources), ("T&o", self.targets)):
            column = QVBoxLayout()
            caption = QLabel(text)
            caption.setBuddy(checks)
            column.addWidget(caption)
            column.addWidget(checks)
            ends.addLayout(column)
        self.key = _key_edit(spec.shortcut)
        self.definition = _definition_edit(spec.description)
        self.row("&Name", self.name)
        self.row("&Colour", self.colour)
        self.form.addRow("", self.directed)
        self.form.addRow(ends)
        self.row("&Key (after R)", self.key)
        self.row("De&finition", self.definition)
        self.resize(560, 520)

    def _set_colour(self, colour: str) -> None:
        self._colour = colour
        self.colour.setText(colour)
        self.colour.setStyleSheet(
            f"background-color: {colour}; color: {readable_text(colour)}; padding: 4px 12px;"
        )

    def _pick_colour(self) -> None:
        chosen = self._choose_colour(self._colour)
        if chosen:
            self._set_colour(chosen)

    def edited(self) -> Edited:
        spec = RelationSpec(
            " ".join(self.name.text().split()),
            self._colour,
            self.definition.toPlainText().strip(),
            self.directed.isChecked(),
            self.sources.ticked(),
            self.targets.ticked(),
            _key_of(self.key),
        )
        return Edited(spec)

    def problem(self, edited: Edited) -> str | None:
        if not edited.spec.name:
            return "A relation type needs a name."
        return self._problem(edited.spec)


class DocLabelEditor(_Editor):
    """Name, single or multiple choice, choices with keys and definition of a set."""

    def __init__(
        self,
        spec: DocLabelSpec | None,
        problem: Callable[[DocLabelSpec], str | None],
        say: Callable[[str, str], None],
        parent: QWidget | None = None,
    ) -> None:
        title = "New document label set" if spec is None else "Edit document label set"
        super().__init__(title, say, parent)
        spec = spec or DocLabelSpec("")
        self._problem = problem
        self.name = QLineEdit(spec.name)
        self.name.setPlaceholderText("for example Topic")
        self.multiple = QCheckBox("A document may take &several of them")
        self.multiple.setChecked(spec.multiple)
        self.choice_table = ChoicesTable(spec.choices, spec.choice_keys)
        self.definition = _definition_edit(spec.description)
        self.row("&Name", self.name)
        self.form.addRow("", self.multiple)
        choices_label = QLabel("&Choices (keys after D)")
        choices_label.setBuddy(self.choice_table.table)
        self.form.addRow(choices_label, self.choice_table)
        self.row("De&finition", self.definition)
        self.resize(520, 460)

    def edited(self) -> Edited:
        choices, keys = self.choice_table.choices()
        spec = DocLabelSpec(
            " ".join(self.name.text().split()),
            self.multiple.isChecked(),
            choices,
            keys,
            self.definition.toPlainText().strip(),
        )
        return Edited(spec, self.choice_table.renames())

    def problem(self, edited: Edited) -> str | None:
        if not edited.spec.name:
            return "A document label set needs a name."
        return self._problem(edited.spec)
