"""The main window's relations: read with the document, saved when made, deleted when asked,
and their types read again when the codebook changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from claimdesk.gui.relation_actions import RelationMaker

if TYPE_CHECKING:
    from claimdesk.gui.main_window import MainWindow


class WindowRelations(QObject):
    """Connects the article view's relation gestures to the open project's edits."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.maker = RelationMaker(
            window.view,
            self.add,
            self._say,
            self._label_name,
            lambda: any(label.shortcut == "r" for label in window.labels.values()),
        )
        window.view.relationDeleteRequested.connect(self.delete)

    def add(self, type_id: int, source_id: int, target_id: int) -> None:
        window = self.window
        changes = window.edit(lambda: window.project.add_relation(type_id, source_id, target_id))
        if changes is not None and changes.relations_added:
            kind = window.view.arcs.relations.type_of(changes.relations_added[0])
            name = kind.name if kind is not None else "relation"
            self._say(f"Linked by {name!r}. Ctrl+Z undoes it; R links the highlight again.")
        window.view.setFocus()

    def delete(self, relation_id: int) -> None:
        window = self.window
        if window.edit(lambda: window.project.delete_relations([relation_id])):
            window.view.select_relation(None)
            window.view.setFocus()

    def _say(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 8000)

    def _label_name(self, label_id: int) -> str:
        label = self.window.labels.get(label_id)
        return label.name if label is not None else "highlight"
