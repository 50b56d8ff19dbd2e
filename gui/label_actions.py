"""Editing the codebook from the main window: add, edit, recolour and delete labels; moving a
span to another label (asking first when its relations would not survive)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from claimdesk.core.errors import EditError, SaveError

if TYPE_CHECKING:  # imported by the main window's frame, which paints before these load
    from claimdesk.core.records import LabelRecord, RelationRecord
    from claimdesk.gui.dialogs import LabelDraft
    from claimdesk.gui.main_window import MainWindow

# Each step asks through the window's ``prompts`` and edits through the core.


def add_label(window: MainWindow) -> None:
    from claimdesk.core.palette import next_colour  # only when a label is added
    from claimdesk.gui.dialogs import LabelDraft

    labels = list(window.labels.values())
    # Distinct from every label's colour, also for colour-blind eyes (core/palette.py).
    colour = next_colour(label.colour for label in labels)
    keys = {label.shortcut for label in labels}
    # Never A, D or R: in the article they open a span's attributes, the document labels and a
    # new relation (a label may still be given one of them on purpose).
    key = next((k for k in "123456789bcfghijklmnopqstuvwxyz" if k not in keys), None)
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
    from claimdesk.gui.dialogs import LabelDraft

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


def relabel(window: MainWindow, annotation_id: int, label_id: int) -> bool:
    """Move a span to another label; when the new label's relation types would not allow some
    of its relations, say which and ask first (they go in the same undoable step)."""
    label = window.labels.get(label_id)
    conflicts = None
    with window.server_reads():
        conflicts = window.project.relabel_conflicts(annotation_id, label_id)
    if conflicts is None:  # the server cannot be reached: the status bar says so
        return False
    if conflicts and not window.prompts.confirm(
        "Change label", relabel_question(window, annotation_id, label, conflicts)
    ):
        return False
    return (
        window.edit(lambda: window.project.set_annotation_label(annotation_id, label_id))
        is not None
    )


def relabel_question(
    window: MainWindow,
    annotation_id: int,
    label: LabelRecord | None,
    conflicts: Sequence[RelationRecord],
) -> str:
    """'Changing to “Source attribution” removes 2 relations (attributed to “Western
    diplomats”, supports “…”). Change it? You can undo this with Ctrl+Z.'"""
    types = {t.id: t.name for t in window.scheme.relation_types}
    model = window.annotations.model_
    named = []
    for relation in conflicts[:3]:
        other = relation.target_id if relation.source_id == annotation_id else relation.source_id
        row = model.row_of(other)
        quote = " ".join(model.record(row).quote.split()) if row >= 0 else ""
        quote = quote if len(quote) <= 40 else quote[:39].rsplit(" ", 1)[0] + "…"
        named.append(
            f"{types.get(relation.type_id, 'a relation')} “{quote}”"
            if quote
            else types.get(relation.type_id, "a relation")
        )
    more = f", and {len(conflicts) - 3} more" if len(conflicts) > 3 else ""
    count = "1 relation" if len(conflicts) == 1 else f"{len(conflicts)} relations"
    name = label.name if label else "that label"
    return (
        f"Changing to “{name}” removes {count} ({', '.join(named)}{more}): "
        "its relation types do not allow that label. Change it? You can undo this with Ctrl+Z."
    )
