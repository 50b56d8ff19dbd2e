"""The keyboard shortcuts, listed once: for the Help dialog and checked against the README."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Mouse drag, or Shift+arrows", "Select text in the article (snaps to whole words)"),
    ("1 … 9, or a label's own key", "File the selection under that label"),
    ("Click a label", "File the selection under it (or move the selected highlight to it)"),
    ("Click a highlight", "Select it; click again to cycle through overlapping highlights"),
    ("Delete / Backspace", "Delete the selected annotation"),
    ("Ctrl+E", "Edit the note of the selected annotation"),
    ("Ctrl+Z", "Undo"),
    ("Ctrl+Shift+Z or Ctrl+Y", "Redo"),
    ("Ctrl+PgDown / Ctrl+PgUp", "Next / previous document"),
    ("Ctrl+D", "Mark the document done (again: back to in progress)"),
    ("Ctrl+F", "Filter the document list"),
    ("Ctrl++ / Ctrl+- / Ctrl+0", "Larger / smaller / normal article text"),
    ("Ctrl+L", "Add a label"),
    ("Ctrl+I / Ctrl+Shift+I", "Import article files / a folder"),
    ("Ctrl+O / Ctrl+Shift+N", "Open / create a project"),
    ("F1", "This list"),
)


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        # A fixed, static table: QTableWidget is fine here (no project data behind it).
        table = QTableWidget(len(SHORTCUTS), 2)
        table.setHorizontalHeaderLabels(["Keys", "What it does"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (keys, what) in enumerate(SHORTCUTS):
            table.setItem(row, 0, QTableWidgetItem(keys))
            table.setItem(row, 1, QTableWidgetItem(what))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(640, 520)
        self.table = table
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
