"""What travels on the main window's one change signal: what an edit changed, and who made it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the window's frame imports this before the records are loaded
    from claimdesk.core.records import AnnotationRecord, Changes


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    """One saved edit (or undo/redo) as the core reported it.

    ``source`` is the window whose command made the change (the main window or a review
    window): a view that made the change itself has already shown it and can skip it.
    """

    changes: Changes
    source: object


@dataclass(frozen=True, slots=True)
class Shown:
    """The document and the annotator whose annotations a view shows."""

    document_id: int
    annotator_id: int

    def holds(self, record: AnnotationRecord) -> bool:
        return record.document_id == self.document_id and record.annotator_id == self.annotator_id
