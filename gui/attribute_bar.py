"""The attribute quick-set bar under the article: a selected span's attributes by keyboard.

``[s] Stance: neutral  [c] Certainty: asserted  [w] Check-worthy: no``: an attribute's key, then
a choice's key, sets it; a yes/no attribute toggles with its key; a number or text opens a small
line edit (Enter saves, Esc leaves). Esc closes the bar. The bar only asks for values
(``valueChosen``); the window saves them and the bar shows what comes back on the change signal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextDocumentFragment
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QWidget

from claimdesk.core.records import AttributeRecord, SchemeRecords
from claimdesk.core.scheme import AttributeKind, display_value
from claimdesk.gui.change_signal import ChangeEvent
from claimdesk.gui.dialogs import plain_tooltip


def quick_keys(names: Sequence[str], given: Sequence[str | None] = ()) -> list[str]:
    """One key per name: the given one where there is one, else the first letter (or digit) of
    the name no other name has taken, else any free letter."""
    keys: list[str | None] = [(g.lower() if g else None) for g in list(given)[: len(names)]] + [
        None
    ] * max(0, len(names) - len(given))
    taken = {k for k in keys if k}
    for i, name in enumerate(names):
        if keys[i]:
            continue
        pool = [c for c in name.lower() if c.isalnum()] + list("abcdefghijklmnopqrstuvwxyz")
        key = next((c for c in pool if c not in taken), "")
        keys[i] = key
        taken.add(key)
    return [k or "" for k in keys]


def attribute_keys(attributes: Sequence[AttributeRecord]) -> list[str]:
    return quick_keys([a.name for a in attributes], [a.shortcut for a in attributes])


def choice_keys(attribute: AttributeRecord) -> list[str]:
    return quick_keys(attribute.choices, attribute.choice_keys)


def effective(attribute: AttributeRecord, values: Mapping[int, Any]) -> Any:
    """The value shown for an attribute: the stored one, else its default."""
    value = values.get(attribute.id)
    return attribute.default if value is None else value


def cycled(attribute: AttributeRecord, current: Any) -> Any:
    """The next value of Alt+key: the next choice (round), yes↔no; None when it does not cycle."""
    kind = AttributeKind(attribute.kind)
    if kind is AttributeKind.BOOL:
        return not bool(current)
    if kind is AttributeKind.CHOICE and attribute.choices:
        if current in attribute.choices:
            return attribute.choices[
                (attribute.choices.index(current) + 1) % len(attribute.choices)
            ]
        return attribute.choices[0]
    return None


def parse_typed(kind: AttributeKind, text: str) -> tuple[Any, str | None]:
    """A typed number or text as a value (None: back to the default), or why it is not one."""
    text = text.strip()
    if not text:
        return None, None
    if kind is AttributeKind.TEXT:
        return text, None
    try:
        return int(text), None
    except ValueError:
        pass
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return None, f"“{text}” is not a number"
    if number != number or number in (float("inf"), float("-inf")):
        return None, f"“{text}” is not a finite number"
    return number, None


def summary(attributes: Iterable[AttributeRecord], values: Mapping[int, Any]) -> str:
    """'Stance: negative · Certainty: hedged' (defaults included)."""
    parts = []
    for attribute in attributes:
        shown = display_value(effective(attribute, values))
        parts.append(f"{attribute.name}: {shown or '—'}")
    return " · ".join(parts)


class AttributeBar(QFrame):
    """The bar; ``show_for`` fills it for one span, keys drive it while it has the focus."""

    valueChosen = Signal(int, int, object)  # annotation id, attribute id, value (None: default)
    problem = Signal(str)  # a sentence for the status bar (a typed value that is no number)
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.annotation_id: int | None = None
        self.label_id: int | None = None
        self.label_name = ""
        self.scheme = SchemeRecords()
        self.values: dict[int, Any] = {}
        self.attribute: AttributeRecord | None = None  # whose choices are shown
        self._editing: AttributeRecord | None = None  # whose number or text is being typed
        self.setObjectName("attributeBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(8)
        self.line = QLabel()
        self.line.setTextFormat(Qt.TextFormat.RichText)  # every name and value is escaped
        self.line.setWordWrap(True)
        self.editor = QLineEdit()
        self.editor.setMaximumWidth(220)
        self.editor.hide()
        self.editor.installEventFilter(self)
        self.hint = QLabel()
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setEnabled(False)  # the theme's quieter colour
        layout.addWidget(self.line, 1)
        layout.addWidget(self.editor)
        layout.addWidget(self.hint)
        self.hide()

    # -- contents -------------------------------------------------------------------------------

    def set_scheme(self, scheme: SchemeRecords) -> None:
        self.scheme = scheme
        if self.isVisible():
            self._render()

    def attributes(self) -> tuple[AttributeRecord, ...]:
        return self.scheme.attributes_of(self.label_id) if self.label_id is not None else ()

    def show_for(
        self,
        annotation_id: int,
        label_id: int,
        label_name: str,
        values: Mapping[int, Any],
        *,
        focus: bool = True,
    ) -> None:
        """Open the bar on one span (its label's attributes, its stored values); ``focus``:
        take the keys (False: an open bar follows the selection, the keys stay where they are)."""
        self.annotation_id = annotation_id
        self.label_id = label_id
        self.label_name = label_name
        self.values = dict(values)
        self.attribute = None
        self._stop_editing()
        self._render()
        self.show()
        if focus:
            self.setFocus()

    def close_bar(self) -> None:
        was_open = self.isVisible()
        self._stop_editing()
        self.attribute = None
        self.annotation_id = None
        self.hide()
        if was_open:
            self.closed.emit()

    def show_changes(self, event: ChangeEvent) -> None:
        """Values set (or undone) and a relabelled or deleted span, as the core reports them."""
        if self.annotation_id is None:
            return
        changes = event.changes
        if any(r.id == self.annotation_id for r in changes.annotations_removed):
            self.close_bar()
            return
        touched = False
        for record in changes.annotations_updated:
            if record.id == self.annotation_id and record.label_id != self.label_id:
                self.label_id = record.label_id
                self.attribute = None
                touched = True
        for value in changes.attribute_values:
            if value.annotation_id == self.annotation_id:
                if value.value is None:
                    self.values.pop(value.attribute_id, None)
                else:
                    self.values[value.attribute_id] = value.value
                touched = True
        if touched and self.isVisible():
            self._render()

    def shown_text(self) -> str:
        """What the bar reads as, without its formatting (for the screen reader and tests)."""
        plain = QTextDocumentFragment.fromHtml(self.line.text()).toPlainText()
        return " ".join(plain.replace("\xa0", " ").split())

    # -- drawing --------------------------------------------------------------------------------

    def _render(self) -> None:
        attributes = self.attributes()
        if self.attribute is not None:
            attribute = self.attribute
            current = effective(attribute, self.values)
            chosen = set(current) if isinstance(current, (list, tuple)) else {current}
            chips = []
            for key, choice in zip(choice_keys(attribute), attribute.choices, strict=True):
                text = f"<b>[{escape(key)}]</b> {escape(choice)}"
                chips.append(f"<u>{text}</u> ✓" if choice in chosen else text)
            many = AttributeKind(attribute.kind) is AttributeKind.MULTI
            self.line.setText(
                f"<b>{escape(attribute.name)}:</b>&nbsp; " + "&nbsp;&nbsp; ".join(chips)
            )
            self.hint.setText("keys toggle · Esc: back" if many else "a key sets it · Esc: back")
            return
        if not attributes:
            self.line.setText(f"“{escape(self.label_name)}” has no attributes.")
            self.hint.setText("Esc closes")
            return
        chips = []
        for key, attribute in zip(attribute_keys(attributes), attributes, strict=True):
            value = escape(display_value(effective(attribute, self.values)) or "—")
            # A value set on this span in bold; a default as plain text.
            shown = f"<b>{value}</b>" if attribute.id in self.values else value
            name = escape(attribute.name).replace(" ", "&nbsp;")  # a chip never breaks
            chips.append(f"<b>[{escape(key)}]</b>&nbsp;{name}:&nbsp;{shown}")
        self.line.setText("&nbsp;&nbsp;&nbsp; ".join(chips))
        self.hint.setText("Esc closes")
        self.setAccessibleName(self.shown_text())
        self.line.setToolTip(
            plain_tooltip(
                f"Attributes of this “{self.label_name}” span: press a "
                "key in brackets. Set values are bold."
            )
        )

    # -- keys -----------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.back()
            return
        text = event.text().lower()
        if (
            text
            and text.isprintable()
            and not event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        ):
            self.press(text)
            return
        super().keyPressEvent(event)

    def back(self) -> None:
        """Esc: from a list of choices back to the attributes; from the attributes, close."""
        if self.attribute is not None:
            self.attribute = None
            self._render()
        else:
            self.close_bar()

    def press(self, key: str) -> None:
        """One key while the bar has the focus."""
        if self.attribute is not None:
            self._press_choice(self.attribute, key)
            return
        attributes = self.attributes()
        for found, attribute in zip(attribute_keys(attributes), attributes, strict=True):
            if found == key:
                self.pick(attribute)
                return

    def pick(self, attribute: AttributeRecord) -> None:
        """An attribute's key: toggle a yes/no, list the choices, or type a number or text."""
        kind = AttributeKind(attribute.kind)
        if kind is AttributeKind.BOOL:
            self._choose(attribute, not bool(effective(attribute, self.values)))
        elif kind in (AttributeKind.CHOICE, AttributeKind.MULTI):
            self.attribute = attribute
            self._render()
        else:
            self._start_editing(attribute)

    def _press_choice(self, attribute: AttributeRecord, key: str) -> None:
        for found, choice in zip(choice_keys(attribute), attribute.choices, strict=True):
            if found != key:
                continue
            if AttributeKind(attribute.kind) is AttributeKind.MULTI:
                current = effective(attribute, self.values) or ()
                chosen = set(current) ^ {choice}
                self._choose(attribute, tuple(c for c in attribute.choices if c in chosen))
            else:
                self.attribute = None
                self._render()
                self._choose(attribute, choice)
            return

    def _choose(self, attribute: AttributeRecord, value: Any) -> None:
        if self.annotation_id is not None:
            self.valueChosen.emit(self.annotation_id, attribute.id, value)

    # -- typing a number or text ----------------------------------------------------------------

    def _start_editing(self, attribute: AttributeRecord) -> None:
        self.attribute = None
        self._editing = attribute
        current = self.values.get(attribute.id)
        self.line.setText(f"<b>{escape(attribute.name)}:</b>")
        self.hint.setText("Enter saves · Esc leaves")
        self.editor.setText(display_value(current))
        self.editor.setPlaceholderText(display_value(attribute.default) or "not set")
        self.editor.show()
        self.editor.selectAll()
        self.editor.setFocus()

    def _stop_editing(self) -> None:
        self._editing = None
        if self.editor.isVisible():
            self.editor.hide()
            self.setFocus()

    def editing(self) -> AttributeRecord | None:
        return self._editing

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if (
            watched is self.editor
            and isinstance(event, QKeyEvent)
            and event.type() == (QKeyEvent.Type.KeyPress)
        ):
            if event.key() == Qt.Key.Key_Escape:
                self._stop_editing()
                self._render()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._save_typed()
                return True
        return super().eventFilter(watched, event)

    def _save_typed(self) -> None:
        attribute = self._editing
        if attribute is None:
            return
        value, problem = parse_typed(AttributeKind(attribute.kind), self.editor.text())
        if problem is not None:
            self.problem.emit(f"{problem}: {attribute.name} keeps its value.")
            return
        self._stop_editing()
        self._render()
        self._choose(attribute, value)
