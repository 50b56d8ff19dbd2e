"""Editing the codebook from the window: add, edit, recolour and delete labels."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claimdesk.core.errors import EditError
from claimdesk.gui.dialogs import LabelDraft

if TYPE_CHECKING:
    from claimdesk.gui.main_window import MainWindow

# Colours offered to new labels in turn (readable under translucent fills on light and dark).
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")


class LabelEditing:
    """Mixed into MainWindow: each step asks through ``prompts`` and edits through the core."""

    def add_label(self: MainWindow) -> None:
        labels = list(self.labels.values())
        used = {label.colour for label in labels}
        colour = next((c for c in PALETTE if c not in used), PALETTE[len(labels) % len(PALETTE)])
        keys = {label.shortcut for label in labels}
        key = next((k for k in "123456789abcfghijklmnopqrstuvwxyz" if k not in keys), None)
        draft = self.prompts.label(LabelDraft("", colour, "", key), labels)
        while draft is not None:
            current = draft
            try:
                record, changes = self.project.add_label(
                    current.name,
                    current.colour,
                    current.description,
                    current.shortcut,
                    current.parent_id,
                )
            except EditError as exc:
                self.prompts.error("Label not added", str(exc))
                draft = self.prompts.label(current, labels)
                continue
            self.show_changes(changes)
            self.tags.set_current(record.id)
            return

    def edit_label(self: MainWindow, label_id: int) -> None:
        label = self.labels.get(label_id)
        if label is None:
            return
        draft = LabelDraft(
            label.name, label.colour, label.description, label.shortcut, label.parent_id
        )
        while (
            draft := self.prompts.label(draft, list(self.labels.values()), label_id)
        ) is not None:
            values = {
                "name": draft.name,
                "colour": draft.colour,
                "description": draft.description,
                "shortcut": draft.shortcut,
                "parent_id": draft.parent_id,
            }
            changed = {k: v for k, v in values.items() if getattr(label, k) != v}
            if not changed:
                return
            try:
                self.show_changes(self.project.update_label(label_id, **changed))
                return
            except EditError as exc:
                self.prompts.error("Label not changed", str(exc))

    def recolour_label(self: MainWindow, label_id: int) -> None:
        label = self.labels.get(label_id)
        colour = self.prompts.colour(label.colour) if label else None
        if label and colour and colour.lower() != label.colour:
            self._edit(lambda: self.project.update_label(label_id, colour=colour))

    def delete_label(self: MainWindow, label_id: int) -> None:
        label = self.labels.get(label_id)
        if label is None:
            return
        used = self.project.label_usage(label_id)
        if used and not self.prompts.confirm(
            "Delete label",
            f"{used} annotation(s) are filed under “{label.name}”. Deleting the label deletes "
            "them too. You can undo this with Ctrl+Z.",
        ):
            return
        self._edit(lambda: self.project.delete_label(label_id))
