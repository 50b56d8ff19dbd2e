"""What the window reads again when other people's edits arrive (gui/live.py gathers them).

Only what a batch names is read again: the document list's statuses and counts (in place, the
list not scrolled), the labels, the curation view of a document someone changed (its selected
candidate kept) and the dashboard's figures. The user's own article view and annotations are
theirs alone and stay as they are, unless the same person edited them from another computer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QAbstractScrollArea

if TYPE_CHECKING:
    from claimdesk.core.store.live import RemoteChange
    from claimdesk.gui.main_window import MainWindow

# Tables whose rows change the document list: statuses and counts, the documents themselves.
LIST_TABLES = frozenset({"annotation", "document_status", "document", "annotator", "*"})
# Tables whose change any document's curation may show (the codebook, the people).
EVERY_DOCUMENT = frozenset(
    {"label", "attribute", "relation_type", "doc_label_set", "annotator", "project", "*"}
)
# The codebook: labels with their attributes, relation types, document label sets.
CODEBOOK_TABLES = frozenset({"label", "attribute", "relation_type", "doc_label_set"})
# A person's work in one document: spans and what hangs on them.
WORK_TABLES = frozenset({"annotation", "annotation_attribute", "relation", "document_label"})


def show_remote(window: MainWindow, batch: list[RemoteChange]) -> None:
    project = window.current_project
    if project is None:
        return
    tables = {change.table for change in batch}
    documents = {change.document_id for change in batch if change.document_id is not None}
    everything = "*" in tables
    if everything or tables & CODEBOOK_TABLES:
        window.reload_labels()
    if tables & LIST_TABLES:
        window.documents.update_rows(project.overview(window.annotator.id), window.team_counts())
    if everything or "project" in tables:
        window.refresh_title()
    own = window.annotator.id
    if window.document_id is not None and (
        everything
        or any(
            c.table in WORK_TABLES
            and c.document_id == window.document_id
            # In a blind project a notice does not say whose span changed: maybe ours.
            and c.annotator_id in (own, None)
            for c in batch
        )
    ):
        # The same person on another computer: the open article shows their spans again.
        window.reload_document()
    curation = window.curation
    if (
        curation is not None
        and curation.isVisible()
        and (tables & EVERY_DOCUMENT or curation.document_id in documents)
    ):
        _keeping_scroll(curation.table, curation.refresh)
    dashboard = window.dashboard
    if dashboard is not None and dashboard.isVisible():
        dashboard.refresh()


def _keeping_scroll(view: QAbstractScrollArea, refresh: Callable[[], object]) -> None:
    bars = (view.verticalScrollBar(), view.horizontalScrollBar())
    where = [bar.value() for bar in bars]
    refresh()
    for bar, value in zip(bars, where, strict=True):
        bar.setValue(value)
