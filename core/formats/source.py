"""The project as an export reads it: the codebook, the annotators and a stream of documents.

Documents are read one at a time by the store (``core.store.datasets``, plain columns on the
driver's cursor: at a million annotations, SQLAlchemy row objects would cost more than SQLite
itself), so a large corpus is never held in memory whole.
"""

from __future__ import annotations

from collections.abc import Iterator

from claimdesk.core.errors import EditError
from claimdesk.core.formats.base import DocumentOut, ExportSelection, SpanOut
from claimdesk.core.records import LabelRecord
from claimdesk.core.store.datasets import stream_documents
from claimdesk.core.store.project import Project


class ProjectSource:
    """An ExportSource over an open project and a selection of annotators and documents."""

    def __init__(self, project: Project, selection: ExportSelection | None = None) -> None:
        self.project = project
        self.selection = selection or ExportSelection()
        known = {a.name: a.id for a in project.annotators()}
        unknown = [name for name in self.selection.annotators if name not in known]
        if unknown:
            raise EditError(
                f"No annotator called {', '.join(map(repr, unknown))} in this project"
                f" (there are: {', '.join(known) or 'none'})."
            )
        self._annotator_ids = [known[name] for name in self.selection.annotators]
        ids = {d.id for d in project.documents()}
        missing = [d for d in self.selection.documents if d not in ids]
        if missing:
            raise EditError(f"No document with id {', '.join(map(str, missing))} in this project.")
        self._document_ids = sorted(self.selection.documents) if self.selection.documents else []
        self._all_ids = sorted(ids)
        self._labels = project.labels()
        self._name = project.name

    @property
    def project_name(self) -> str:
        return self._name

    @property
    def labels(self) -> list[LabelRecord]:
        return self._labels

    @property
    def annotators(self) -> list[str]:
        if self.selection.annotators:
            return list(self.selection.annotators)
        return [a.name for a in self.project.annotators()]

    @property
    def document_count(self) -> int:
        return len(self._document_ids or self._all_ids)

    def documents(self) -> Iterator[DocumentOut]:
        for doc in stream_documents(
            self.project, self._document_ids or self._all_ids, self._annotator_ids
        ):
            spans = list(map(SpanOut._make, doc.spans))
            yield DocumentOut(doc.id, doc.title, doc.source, doc.date, doc.meta, doc.text, spans)
