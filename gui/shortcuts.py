"""Reference dialogs: the keyboard shortcuts (listed once, checked against the README) and the
clean-up rules applied on import."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Mouse drag, or Shift+arrows", "Select text in the article (snaps to whole words)"),
    (
        "1 … 9, or a label's own key",
        "File the selection under that label (a selected highlight: move it there)",
    ),
    ("Click a label", "File the selection under it"),
    ("Click a highlight", "Select it; click again to cycle through overlapping highlights"),
    ("Delete / Backspace", "Delete the selected annotation"),
    ("Ctrl+E", "Edit the note of the selected annotation"),
    (
        "A",
        "Attributes of the selected highlight: attribute key, then choice key (Esc closes)",
    ),
    ("Alt+an attribute's key", "Cycle that attribute of the selected highlight"),
    (
        "R, arrows, Enter, a type's key",
        "Link the selected highlight to another by a relation (Esc cancels)",
    ),
    ("Ctrl+drag from one highlight to another", "Link them by a relation"),
    ("Tab / Shift+Tab on a highlight", "Go through its relations (Delete removes the one shown)"),
    ("Click an arc, then Delete", "Remove that relation"),
    ("D, then a choice's key", "Label the whole document (topic, overall stance, …)"),
    ("N / Shift+N", "Select the next / previous suggestion (dashed outline)"),
    ("Enter, or a label's key, on a suggestion", "Accept it (under that label)"),
    ("X or Delete on a suggestion", "Reject it (not suggested again)"),
    ("Shift+Enter", "Accept every suggestion in the document (asks above 20)"),
    ("Ctrl+Z", "Undo"),
    ("Ctrl+Shift+Z or Ctrl+Y", "Redo"),
    ("Ctrl+PgDown / Ctrl+PgUp", "Next / previous document"),
    ("Ctrl+D", "Mark the document done (again: back to in progress)"),
    ("Ctrl+F", "Filter the document list"),
    ("Ctrl+Shift+F", "Find in project: every hit in context; Enter opens one; Mark all"),
    ("Ctrl++ / Ctrl+- / Ctrl+0", "Larger / smaller / normal article text"),
    ("Ctrl+L", "Add a label"),
    ("Ctrl+I / Ctrl+Shift+I", "Import article files / a folder"),
    ("Ctrl+Shift+V", "Paste the clipboard as a new document"),
    ("Ctrl+Shift+E", "Export a dataset (JSONL, CSV, brat, CoNLL, spaCy, Label Studio, …)"),
    ("Ctrl+O / Ctrl+Shift+N", "Open / create a project"),
    ("Ctrl+Shift+O", "Open a shared project on a server"),
    ("Ctrl+,", "Preferences: text size, theme, annotator name, recent projects"),
    ("F1", "This list"),
)


class _TableDialog(QDialog):
    """A fixed, static table: QTableWidget is fine here (no project data behind it)."""

    def __init__(
        self,
        title: str,
        headers: list[str],
        rows: Sequence[tuple[str, ...]],
        intro: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        table = QTableWidget(len(rows), len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setWordWrap(True)
        for row, cells in enumerate(rows):
            for column, text in enumerate(cells):
                table.setItem(row, column, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        for column in range(len(headers)):  # long examples wrap instead of scrolling sideways
            table.setColumnWidth(column, min(table.columnWidth(column), 520))
        table.horizontalHeader().setStretchLastSection(True)
        table.resizeRowsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if intro:
            label = QLabel(intro)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            layout.addWidget(label)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(720, 520)
        self.table = table


class ShortcutsDialog(_TableDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Keyboard shortcuts", ["Keys", "What it does"], list(SHORTCUTS), "", parent
        )


class CleanupRulesDialog(_TableDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        from claimdesk.core.text.textio import DEFAULT_CLEANUP_RULES
        from claimdesk.gui.dialogs import plain_tooltip

        rows = [(rule.name, rule.example) for rule in DEFAULT_CLEANUP_RULES]
        intro = (
            "When clean-up is on (File › Clean web debris on import), a whole line of an "
            "imported article that matches one of these rules is dropped before the text is "
            "stored. Lines are never changed, only kept or dropped. Hover a rule to see its "
            "exact pattern; `claimdesk-cli rules` prints them too."
        )
        super().__init__("Clean-up rules", ["Rule", "Example removed"], rows, intro, parent)
        for row, rule in enumerate(DEFAULT_CLEANUP_RULES):
            tip = plain_tooltip(f"Removes whole lines matching:\n{rule.pattern}")
            for column in range(2):
                item = self.table.item(row, column)
                if item is not None:
                    item.setToolTip(tip)
