"""The main window's attribute and document-label commands: the quick-set bar (A), Alt+key
cycling, the document labels panel (D), and what the window reads for them.

Each step reads or edits through the core; views update from the change signal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QObject

# Imported by the main window's frame, which paints before the records load and before Qt's
# namespace is named (gui/app.py): Qt's names are imported where they are used.
if TYPE_CHECKING:
    from PySide6.QtCore import QEvent, QPoint
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QMenu

    from claimdesk.core.records import (
        AttributeRecord,
        DocumentLabelRecord,
        RelationRecord,
        SchemeRecords,
    )
    from claimdesk.gui.main_window import MainWindow

# Letters that open the claim tools from the article when no label has taken them.
ATTRIBUTES_KEY = "a"
DOC_LABELS_KEY = "d"


def connect(window: MainWindow) -> None:
    from PySide6.QtCore import Qt

    bar, panel = window.attribute_bar, window.doc_labels
    bar.valueChosen.connect(lambda a, attribute, value: set_attribute(window, a, attribute, value))
    bar.problem.connect(lambda sentence: say(window, sentence))
    bar.closed.connect(window.view.setFocus)
    panel.fetch = lambda document_id, annotator_id: window.project.document_labels(
        document_id, annotator_id
    )
    panel.valuesChosen.connect(lambda set_id, values: set_doc_labels(window, set_id, values))
    panel.done.connect(window.view.setFocus)
    window.changed.connect(bar.show_changes)
    window.changed.connect(panel.show_changes)
    window.annotations.attributesRequested.connect(lambda a: open_bar(window, a))
    # An open bar follows the selected highlight (clicked, or picked in the list).
    window.view.spanClicked.connect(lambda a: follow(window, a))
    window.annotations.annotationActivated.connect(lambda a: follow(window, a))
    alt_keys = AltKeys(
        lambda key: attribute_for_key(window, key) is not None,
        lambda key: cycle_attribute(window, key),
        window.view,  # lives as long as the article
    )
    window.view.installEventFilter(alt_keys)
    window.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    window.view.customContextMenuRequested.connect(lambda point: span_menu(window, point))


def say(window: MainWindow, sentence: str) -> None:
    window.statusBar().showMessage(sentence, 8000)


def show_scheme(window: MainWindow, scheme: SchemeRecords) -> SchemeRecords:
    """The codebook's attributes, relation types and document label sets, to every view."""
    window.annotations.set_scheme(scheme)
    window.attribute_bar.set_scheme(scheme)
    window.doc_labels.set_sets(scheme.doc_label_sets)
    window.view.arcs.set_types(scheme.relation_types)
    return scheme


class Details(NamedTuple):
    """What the window reads for a document besides its spans."""

    values: dict[int, dict[int, Any]]  # annotation id -> attribute id -> value
    relations: list[RelationRecord]
    document_labels: list[DocumentLabelRecord]


def read_details(window: MainWindow, document_id: int) -> Details:
    """The open document's attribute values, relations and document labels (read before
    anything is shown)."""
    annotator_id = window.annotator.id
    project = window.project
    return Details(
        project.attribute_values(document_id, annotator_id),
        project.relations(document_id, annotator_id),
        project.document_labels(document_id, annotator_id),
    )


def show_details(window: MainWindow, details: Details) -> None:
    window.annotations.model_.set_details(details.values, details.relations)
    window.attribute_bar.close_bar()
    window.doc_labels.set_document(window.annotations.model_.shown, details.document_labels)


def claim_key(window: MainWindow, key: str) -> bool:
    """A in the article opens the selected span's attributes, D the document labels, unless a
    label has that key (the codebook's choice wins). True when the key was taken."""
    key = key.lower()
    if key not in (ATTRIBUTES_KEY, DOC_LABELS_KEY) or any(
        label.shortcut == key for label in window.labels.values()
    ):
        return False
    if key == DOC_LABELS_KEY:
        if not window.scheme.doc_label_sets:
            say(window, "This codebook has no document labels.")
        elif window.document_id is not None:
            window.doc_labels.arm()
        return True
    span_id = window.view.selected_span_id
    if span_id is None:
        say(window, "Select a highlight first (click it, or file a selection), then press A.")
        return True
    open_bar(window, span_id)
    return True


def follow(window: MainWindow, annotation_id: int) -> None:
    bar = window.attribute_bar
    if not bar.isVisible() or annotation_id == bar.annotation_id:
        return
    if annotation_id < 0:
        bar.close_bar()
    else:
        open_bar(window, annotation_id, focus=False)


def open_bar(window: MainWindow, annotation_id: int, *, focus: bool = True) -> None:
    model = window.annotations.model_
    row = model.row_of(annotation_id)
    if row < 0:
        return
    label_id = model.label_of(row)
    label = window.labels.get(label_id)
    window.attribute_bar.show_for(
        annotation_id,
        label_id,
        label.name if label else "?",
        model.attribute_values(annotation_id),
        focus=focus,
    )


def set_attribute(window: MainWindow, annotation_id: int, attribute_id: int, value: Any) -> None:
    window.edit(lambda: window.project.set_attribute([annotation_id], attribute_id, value))


def set_doc_labels(window: MainWindow, set_id: int, values: tuple[str, ...]) -> None:
    shown = window.doc_labels.shown
    if shown is None:
        return
    window.edit(
        lambda: window.project.set_document_labels(
            shown.document_id, shown.annotator_id, set_id, list(values)
        )
    )


def span_menu(window: MainWindow, point: QPoint) -> QMenu:
    """Right-click in the article: the text's own Copy and Select All, and on a highlight its
    attributes (as A) and Delete. Returns the menu (shown, not waited for)."""
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QAction, QKeySequence

    view = window.view
    menu = view.createStandardContextMenu(point)
    menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    # The innermost highlight under the pointer (the view's own hit test, as a click uses).
    hits = view._spans_at_point(QPointF(point))
    if hits:
        span_id = hits[0].id
        window.select_annotation(span_id, scroll=False)
        attributes = QAction("Set attributes…", menu)
        attributes.setShortcut(QKeySequence("A"))  # a reminder: A does the same
        attributes.triggered.connect(lambda: open_bar(window, span_id))
        delete = QAction("Delete annotation", menu)
        delete.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        delete.triggered.connect(window.delete_selected)
        standard = menu.actions()  # Copy, Select All: after the highlight's own
        if standard:
            menu.insertActions(standard[0], [attributes, delete])
            menu.insertSeparator(standard[0])
        else:
            menu.addActions([attributes, delete])
    menu.popup(view.viewport().mapToGlobal(point))
    return menu


def attribute_for_key(window: MainWindow, key: str) -> tuple[int, AttributeRecord] | None:
    """The selected span and its label's attribute with this key (Alt+key), if any."""
    from claimdesk.gui.attribute_bar import attribute_keys

    span_id = window.view.selected_span_id
    if span_id is None:
        return None
    model = window.annotations.model_
    row = model.row_of(span_id)
    if row < 0:
        return None
    attributes = window.scheme.attributes_of(model.label_of(row))
    for found, attribute in zip(attribute_keys(attributes), attributes, strict=True):
        if found == key:
            return span_id, attribute
    return None


def cycle_attribute(window: MainWindow, key: str) -> None:
    """Alt+<attribute key> with a span selected: the next choice (yes/no flips)."""
    from claimdesk.gui.attribute_bar import cycled, effective

    hit = attribute_for_key(window, key)
    if hit is None:
        return
    span_id, attribute = hit
    values = window.annotations.model_.attribute_values(span_id)
    value = cycled(attribute, effective(attribute, values))
    if value is None:  # a number, a text or several choices: typed or picked in the bar
        open_bar(window, span_id)
        window.attribute_bar.pick(attribute)
    else:
        set_attribute(window, span_id, attribute.id, value)


class AltKeys(QObject):
    """Alt+<attribute key> in the article, before the menu bar's mnemonics (Alt+C would
    otherwise open the Classroom menu); only keys a selected span's attributes have."""

    def __init__(
        self, wants: Callable[[str], bool], take: Callable[[str], None], parent: QObject
    ) -> None:
        from PySide6.QtCore import QEvent, Qt
        from PySide6.QtGui import QKeyEvent

        super().__init__(parent)
        self.wants = wants
        self.take = take
        self.override = QEvent.Type.ShortcutOverride
        self.kinds = (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
        self.alt = Qt.KeyboardModifier.AltModifier
        self.key_event = QKeyEvent

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in self.kinds:
            return False
        assert isinstance(event, self.key_event)
        if event.modifiers() != self.alt:
            return False
        key = _letter(event)
        if not key or not self.wants(key):
            return False
        if kind == self.override:
            event.accept()  # the article gets the key press, the menu bar does not
            return True
        self.take(key)
        return True


def _letter(event: QKeyEvent) -> str:
    """The letter or digit of an Alt+key (event.text() is empty or odd with Alt on some systems)."""
    from PySide6.QtCore import Qt

    code = event.key()
    if Qt.Key.Key_A <= code <= Qt.Key.Key_Z or Qt.Key.Key_0 <= code <= Qt.Key.Key_9:
        return chr(code).lower()
    return ""
