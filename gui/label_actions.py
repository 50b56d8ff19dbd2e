"""Editing the codebook from the main window: add, edit, recolour and delete labels."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claimdesk.core.errors import EditError, SaveError
from claimdesk.gui.dialogs import LabelDraft

if TYPE_CHECKING:
    from claimdesk.gui.main_window import MainWindow

# Each step asks through the window's ``prompts`` and edits through the core.


def add_label(window: MainWindow) -> None:
    from claimdesk.core.palette import next_colour  # only when a label is added

    labels = list(window.labels.values())
    # Distinct from every label's colour, also for colour-blind eyes (core/palette.py).
    colour = next_colour(label.colour for label in labels)
    keys = {label.shortcut for label in labels}
    key = next((k for k in "123456789abcfghijklmnopqrstuvwxyz" if k not in keys), None)
    draft = window.prompts.label(LabelDraft("", colour, "", key), labels)
    while draft is not None:
        current = draft
        try:
            record, changes = window.project.add_label(
                current.name,
                current.colour,
                current.description,
                current.shortcut,
                current.parent_id,
            )
        except SaveError as exc:  # not a problem with the label: NOT SAVED, as for any edit
            window.not_saved(str(exc))
            return
        except EditError as exc:
            window.prompts.error("Label not added", str(exc))
            draft = window.prompts.label(current, labels)
            continue
        window.show_changes(changes)
        window.tags.set_current(record.id)
        return


def edit_label(window: MainWindow, label_id: int) -> None:
    label = window.labels.get(label_id)
    if label is None:
        return
    before = LabelDraft(
        label.name, label.colour, label.description, label.shortcut, label.parent_id
    )
    draft: LabelDraft | None = before
    while (
        draft := window.prompts.label(draft or before, list(window.labels.values()), label_id)
    ) is not None:
        changed = _changed_fields(before, draft)
        if not changed:
            return
        try:
            window.show_changes(window.project.update_label(label_id, **changed))
            return
        except SaveError as exc:
            window.not_saved(str(exc))
            return
        except EditError as exc:
            window.prompts.error("Label not changed", str(exc))


def _changed_fields(before: LabelDraft, after: LabelDraft) -> dict[str, object]:
    """The fields of a label the user changed, by the name update_label takes them."""
    values = {
        "name": (before.name, after.name),
        "colour": (before.colour, after.colour),
        "description": (before.description, after.description),
        "shortcut": (before.shortcut, after.shortcut),
        "parent_id": (before.parent_id, after.parent_id),
    }
    return {name: new for name, (old, new) in values.items() if old != new}


def recolour_label(window: MainWindow, label_id: int) -> None:
    label = window.labels.get(label_id)
    colour = window.prompts.colour(label.colour) if label else None
    if label and colour and colour.lower() != label.colour:
        window.edit(lambda: window.project.update_label(label_id, colour=colour))


def delete_label(window: MainWindow, label_id: int) -> None:
    label = window.labels.get(label_id)
    if label is None:
        return
    used: int | None = None
    with window.server_reads():
        used = window.project.label_usage(label_id)
    if used is None:  # the server cannot be reached: the status bar says so
        return
    if used and not window.prompts.confirm(
        "Delete label",
        f"{used} annotation(s) are filed under “{label.name}”. Deleting the label deletes "
        "them too. You can undo this with Ctrl+Z.",
    ):
        return
    window.edit(lambda: window.project.delete_label(label_id))
