"""Labels › Attributes, relations and document labels…: the codebook's scheme, edited.

Three tabs: the attributes of a label's spans, the relation types, the document label sets.
Each change is one undoable edit through the project (Edit › Undo takes it back); a refusal is
said in a sentence through the window's prompts. The editors of one definition live in
gui/scheme_editors.py; ``SchemeDialog.editors`` opens them, and tests replace it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from claimdesk.core.codebook_scheme import (
    attribute_problem,
    doc_label_problem,
    relation_problem,
)
from claimdesk.core.errors import EditError, SaveError
from claimdesk.core.records import (
    DocLabelSetRecord,
    RelationTypeRecord,
    SchemeRecords,
)
from claimdesk.core.scheme import (
    AttributeSpec,
    DocLabelSpec,
    RelationSpec,
    display_value,
)
from claimdesk.core.store.claims import attribute_spec
from claimdesk.gui.change_signal import ChangeEvent
from claimdesk.gui.dialogs import plain_tooltip
from claimdesk.gui.scheme_editors import AttributeEditor, DocLabelEditor, Edited, RelationEditor

if TYPE_CHECKING:
    from claimdesk.gui.main_window import MainWindow

_ID = Qt.ItemDataRole.UserRole


def relation_spec(record: RelationTypeRecord, names: dict[int, str]) -> RelationSpec:
    return RelationSpec(
        record.name,
        record.colour,
        record.description,
        record.directed,
        tuple(names[i] for i in record.source_label_ids if i in names),
        tuple(names[i] for i in record.target_label_ids if i in names),
        record.shortcut,
    )


def doc_label_spec(record: DocLabelSetRecord) -> DocLabelSpec:
    return DocLabelSpec(
        record.name, record.multiple, record.choices, record.choice_keys, record.description
    )


def _keyed(choices: tuple[str, ...], keys: tuple[str | None, ...]) -> str:
    shown = []
    for number, choice in enumerate(choices):
        key = keys[number] if number < len(keys) else None
        shown.append(f"{choice} [{key}]" if key else choice)
    return ", ".join(shown)


def attribute_line(spec: AttributeSpec) -> str:
    """'[s] Stance — One of a list: positive [p], negative [n] · default neutral'."""
    text = f"[{spec.shortcut}] " if spec.shortcut else ""
    text += f"{spec.name} — {spec.kind.display_name}"
    if spec.choices:
        text += ": " + _keyed(spec.choices, spec.choice_keys)
    if spec.default is not None:
        text += f" · default {display_value(spec.default)}"
    return text


def _labels(names: tuple[str, ...]) -> str:
    if not names:
        return "any label"
    return ", ".join(names) if len(names) <= 3 else f"{len(names)} labels"


def relation_line(spec: RelationSpec) -> str:
    """'[a] attributed to (10 labels → Source attribution)'; all names are in the tooltip."""
    arrow = "→" if spec.directed else "—"
    key = f"[{spec.shortcut}] " if spec.shortcut else ""
    return f"{key}{spec.name} ({_labels(spec.sources)} {arrow} {_labels(spec.targets)})"


def relation_tip(spec: RelationSpec) -> str:
    sources, targets = ", ".join(spec.sources), ", ".join(spec.targets)
    ends = f"From: {sources or 'any label'}\nTo: {targets or 'any label'}"
    return f"{spec.description}\n\n{ends}".strip()


def doc_label_line(spec: DocLabelSpec) -> str:
    how = "several of" if spec.multiple else "one of"
    return f"{spec.name} — {how}: {_keyed(spec.choices, spec.choice_keys)}"


def _swatch(colour: str) -> QPixmap:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(colour))
    return pixmap


class SchemeEditors:
    """Opens the editor of one definition; returns what was saved there, or None."""

    def __init__(self, dialog: SchemeDialog) -> None:
        self.dialog = dialog

    def attribute(
        self, spec: AttributeSpec | None, label: str, problem: Callable[[AttributeSpec], str | None]
    ) -> Edited | None:
        editor = AttributeEditor(spec, label, problem, self.dialog.say, self.dialog)
        return editor.edited() if editor.exec() == QDialog.DialogCode.Accepted else None

    def relation(
        self, spec: RelationSpec | None, labels: list[str], problem: Callable[[Any], str | None]
    ) -> Edited | None:
        window = self.dialog.main
        editor = RelationEditor(
            spec, labels, problem, self.dialog.say, window.prompts.colour, self.dialog
        )
        return editor.edited() if editor.exec() == QDialog.DialogCode.Accepted else None

    def doc_labels(
        self, spec: DocLabelSpec | None, problem: Callable[[DocLabelSpec], str | None]
    ) -> Edited | None:
        editor = DocLabelEditor(spec, problem, self.dialog.say, self.dialog)
        return editor.edited() if editor.exec() == QDialog.DialogCode.Accepted else None


class _List(QListWidget):
    """A list where Insert adds and Delete removes (Enter edits, through itemActivated)."""

    def __init__(self, add: Callable[[], None], remove: Callable[[], None]) -> None:
        super().__init__()
        self._keys = {Qt.Key.Key_Insert: add, Qt.Key.Key_Delete: remove}

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = self._keys.get(Qt.Key(event.key()))
        if action is not None and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            action()
            return
        super().keyPressEvent(event)


class _Page(QWidget):
    """A list of definitions with Add…, Edit… and Remove (Enter edits, Delete removes)."""

    def __init__(
        self,
        what: str,
        add: Callable[[], None],
        edit: Callable[[], None],
        remove: Callable[[], None],
    ) -> None:
        super().__init__()
        self.list = _List(add, remove)
        self.list.setAccessibleName(what)
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(lambda _item: edit())
        self.add = QPushButton("&Add…")
        self.edit = QPushButton("&Edit…")
        self.remove = QPushButton("&Remove")
        self.add.clicked.connect(add)
        self.edit.clicked.connect(edit)
        self.remove.clicked.connect(remove)
        self.top = QVBoxLayout()
        self.top.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        for button in (self.add, self.edit, self.remove):
            button.setAutoDefault(False)  # Enter in the list edits; it presses no button
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(self.top)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.list.currentRowChanged.connect(self._enable)
        self._enable()

    def _enable(self) -> None:
        chosen = self.list.currentItem() is not None
        self.edit.setEnabled(chosen)
        self.remove.setEnabled(chosen)

    def fill(self, rows: list[tuple[int, str, str, str | None]]) -> None:
        """(id, line, definition, colour) per row, keeping the chosen row where it can."""
        keep = self.current_id()
        self.list.clear()
        for ident, line, definition, colour in rows:
            item = QListWidgetItem(line)
            item.setData(_ID, ident)
            item.setToolTip(plain_tooltip(definition))
            if colour:
                item.setIcon(_swatch(colour))
            self.list.addItem(item)
            if ident == keep:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self._enable()

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(_ID))

    def choose(self, ident: int) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(_ID) == ident:
                self.list.setCurrentRow(row)


class SchemeDialog(QDialog):
    """The scheme of the window's project: attributes, relation types, document label sets."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.main = window
        self.editors = SchemeEditors(self)
        self.setWindowTitle("Attributes, relations and document labels")
        self.records = SchemeRecords()
        self.tabs = QTabWidget()
        self.attributes = _Page(
            "Attributes", self.add_attribute, self.edit_attribute, self.remove_attribute
        )
        self.label = QComboBox()
        self.label.setAccessibleName("Label")
        caption = QLabel("Attributes of the spans of &label:")
        caption.setBuddy(self.label)
        row = QHBoxLayout()
        row.addWidget(caption)
        row.addWidget(self.label, 1)
        self.attributes.top.addLayout(row)
        self.relations = _Page(
            "Relation types", self.add_relation, self.edit_relation, self.remove_relation
        )
        self.doc_labels = _Page(
            "Document label sets", self.add_doc_labels, self.edit_doc_labels, self.remove_doc_labels
        )
        self.tabs.addTab(self.attributes, "Attri&butes")
        self.tabs.addTab(self.relations, "Relation t&ypes")
        self.tabs.addTab(self.doc_labels, "&Document labels")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(close)
        self.label.currentIndexChanged.connect(self._show_attributes)
        window.changed.connect(self._saved_change)
        self.reload(window.tags.current_label_id())
        self.resize(640, 480)

    # -- what is shown ----------------------------------------------------------------------------

    def label_names(self) -> dict[int, str]:
        return {label.id: label.name for label in self.main.labels.values()}

    def reload(self, label_id: int | None = None) -> None:
        self.records = self.main.project.scheme()
        keep = label_id if label_id is not None else self.label_id()
        self.label.blockSignals(True)
        self.label.clear()
        for label in self.main.labels.values():
            self.label.addItem(_swatch(label.colour), label.name, label.id)
        if keep is not None and self.label.findData(keep) >= 0:
            self.label.setCurrentIndex(self.label.findData(keep))
        self.label.blockSignals(False)
        self._show_attributes()
        names = self.label_names()
        self.relations.fill(
            [
                (r.id, relation_line(spec), relation_tip(spec), r.colour)
                for r, spec in ((r, relation_spec(r, names)) for r in self.records.relation_types)
            ]
        )
        self.doc_labels.fill(
            [
                (d.id, doc_label_line(doc_label_spec(d)), d.description, None)
                for d in self.records.doc_label_sets
            ]
        )

    def _show_attributes(self) -> None:
        label_id = self.label_id()
        records = self.records.attributes_of(label_id) if label_id is not None else ()
        self.attributes.fill(
            [(a.id, attribute_line(attribute_spec(a)), a.description, None) for a in records]
        )

    def label_id(self) -> int | None:
        data = self.label.currentData()
        return None if data is None else int(data)

    def _saved_change(self, event: ChangeEvent) -> None:
        if event.changes.scheme or event.changes.labels:
            self.reload()

    # -- saying and saving ------------------------------------------------------------------------

    def say(self, title: str, message: str) -> None:
        self.main.prompts.error(title, message)

    def _save(self, title: str, edit: Callable[[], Any]) -> tuple[bool, int | None]:
        """Run one edit: (done, the id of what it added). A refusal is said and is not done (the
        editor opens again with what was typed); a failure to save is done (not asked again)."""
        try:
            result = edit()
        except SaveError as exc:
            self.main.not_saved(str(exc))
            return True, None
        except EditError as exc:
            self.say(title, str(exc))
            return False, None
        record, changes = result if isinstance(result, tuple) else (None, result)
        self.main.show_changes(changes)
        return True, None if record is None else int(record.id)

    def _confirm(self, title: str, message: str) -> bool:
        return self.main.prompts.confirm(title, message)

    # -- attributes -------------------------------------------------------------------------------

    def _attribute_check(self, label: str, editing: int | None) -> Callable[[Any], str | None]:
        label_id = self.label_id()
        assert label_id is not None
        others = [
            attribute_spec(a) for a in self.records.attributes_of(label_id) if a.id != editing
        ]
        return lambda spec: attribute_problem(spec, label, others)

    def add_attribute(self) -> None:
        label_id, label = self.label_id(), self.label.currentText()
        if label_id is None:
            return
        spec: AttributeSpec | None = None
        while edited := self.editors.attribute(spec, label, self._attribute_check(label, None)):
            spec = edited.spec
            add = partial(self.main.project.add_attribute, label_id, edited.spec)
            done, added = self._save("Attribute not added", add)
            if done:
                self.reload(label_id)
                if added is not None:
                    self.attributes.choose(added)
                return

    def edit_attribute(self) -> None:
        ident = self.attributes.current_id()
        record = next((a for a in self.records.attributes if a.id == ident), None)
        if record is None:
            return
        spec = attribute_spec(record)
        label = self.label.currentText()
        while edited := self.editors.attribute(
            spec, label, self._attribute_check(label, record.id)
        ):
            spec = edited.spec
            if edited.spec == attribute_spec(record) and not edited.renames:
                return
            edit = partial(
                self.main.project.update_attribute, record.id, edited.spec, renames=edited.renames
            )
            if self._save("Attribute not changed", edit)[0]:
                return

    def remove_attribute(self) -> None:
        ident = self.attributes.current_id()
        record = next((a for a in self.records.attributes if a.id == ident), None)
        if record is None or not self._confirm(
            "Remove attribute",
            f"Remove the attribute {record.name} from the label {self.label.currentText()}? "
            "Its values on spans go with it. Edit › Undo brings it back.",
        ):
            return
        self._save("Attribute not removed", lambda: self.main.project.delete_attribute(record.id))

    # -- relation types ---------------------------------------------------------------------------

    def _relation_check(self, editing: int | None) -> Callable[[Any], str | None]:
        names = self.label_names()
        others = [relation_spec(r, names) for r in self.records.relation_types if r.id != editing]
        labels = list(names.values())
        return lambda spec: relation_problem(spec, labels, others)

    def add_relation(self) -> None:
        labels = list(self.label_names().values())
        spec: RelationSpec | None = None
        while edited := self.editors.relation(spec, labels, self._relation_check(None)):
            spec = edited.spec
            add = partial(self.main.project.add_relation_type, edited.spec)
            done, added = self._save("Relation type not added", add)
            if done:
                if added is not None:
                    self.relations.choose(added)
                return

    def edit_relation(self) -> None:
        ident = self.relations.current_id()
        record = next((r for r in self.records.relation_types if r.id == ident), None)
        if record is None:
            return
        names = self.label_names()
        spec = relation_spec(record, names)
        while edited := self.editors.relation(
            spec, list(names.values()), self._relation_check(record.id)
        ):
            spec = edited.spec
            if edited.spec == relation_spec(record, names):
                return
            edit = partial(self.main.project.update_relation_type, record.id, edited.spec)
            if self._save("Relation type not changed", edit)[0]:
                return

    def remove_relation(self) -> None:
        ident = self.relations.current_id()
        record = next((r for r in self.records.relation_types if r.id == ident), None)
        if record is None or not self._confirm(
            "Remove relation type",
            f"Remove the relation type {record.name}? The relations of this type go with it. "
            "Edit › Undo brings them back.",
        ):
            return
        self._save(
            "Relation type not removed",
            lambda: self.main.project.delete_relation_type(record.id),
        )

    # -- document label sets ----------------------------------------------------------------------

    def _doc_labels_check(self, editing: int | None) -> Callable[[Any], str | None]:
        others = [doc_label_spec(d) for d in self.records.doc_label_sets if d.id != editing]
        return lambda spec: doc_label_problem(spec, others)

    def add_doc_labels(self) -> None:
        spec: DocLabelSpec | None = None
        while edited := self.editors.doc_labels(spec, self._doc_labels_check(None)):
            spec = edited.spec
            add = partial(self.main.project.add_doc_label_set, edited.spec)
            done, added = self._save("Document label set not added", add)
            if done:
                if added is not None:
                    self.doc_labels.choose(added)
                return

    def edit_doc_labels(self) -> None:
        ident = self.doc_labels.current_id()
        record = next((d for d in self.records.doc_label_sets if d.id == ident), None)
        if record is None:
            return
        spec = doc_label_spec(record)
        while edited := self.editors.doc_labels(spec, self._doc_labels_check(record.id)):
            spec = edited.spec
            if edited.spec == doc_label_spec(record) and not edited.renames:
                return
            edit = partial(
                self.main.project.update_doc_label_set,
                record.id,
                edited.spec,
                renames=edited.renames,
            )
            if self._save("Document label set not changed", edit)[0]:
                return

    def remove_doc_labels(self) -> None:
        ident = self.doc_labels.current_id()
        record = next((d for d in self.records.doc_label_sets if d.id == ident), None)
        if record is None or not self._confirm(
            "Remove document label set",
            f"Remove the document label set {record.name}? The documents' labels from it go "
            "with it. Edit › Undo brings them back.",
        ):
            return
        self._save(
            "Document label set not removed",
            lambda: self.main.project.delete_doc_label_set(record.id),
        )


def open_scheme_dialog(window: MainWindow) -> SchemeDialog:
    """Show the scheme dialog for the window's project (one at a time; raised if open)."""
    existing = window.findChild(SchemeDialog)
    if isinstance(existing, SchemeDialog) and existing.isVisible():
        existing.raise_()
        existing.activateWindow()
        return existing
    dialog = SchemeDialog(window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
