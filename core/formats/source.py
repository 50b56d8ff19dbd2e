"""The project as an export reads it: the codebook, the annotators and a stream of documents.

Documents are read one at a time with plain column queries on the raw SQLite connection (at a
million annotations, SQLAlchemy row objects would cost more than SQLite itself), so a large
corpus is never held in memory whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from claimdesk.core.errors import EditError
from claimdesk.core.formats.base import DocumentOut, ExportSelection, SpanOut
from claimdesk.core.records import LabelRecord
from claimdesk.core.store.project import Project

_SPANS_SQL = (
    'SELECT a.id, a.start, a."end", l.name, n.name, a.note, a.quote, a.created_at, a.updated_at'
    " FROM annotation AS a JOIN label AS l ON l.id = a.label_id"
    " JOIN annotator AS n ON n.id = a.annotator_id"
    " WHERE a.document_id = ?{annotators}"
    ' ORDER BY a.start, a."end", l.name, n.name, a.id'
)


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
        annotators = ""
        if self._annotator_ids:
            annotators = f" AND a.annotator_id IN ({','.join('?' * len(self._annotator_ids))})"
        spans_sql = _SPANS_SQL.format(annotators=annotators)
        with self.project.engine.connect() as conn:
            raw: Any = conn.connection.driver_connection
            for document_id in self._document_ids or self._all_ids:
                row = raw.execute(
                    "SELECT id, title, source, date, meta, text FROM document WHERE id = ?",
                    (document_id,),
                ).fetchone()
                # SQLite sorts (in C); the times stay the ISO text it stores.
                rows = raw.execute(spans_sql, (document_id, *self._annotator_ids)).fetchall()
                spans = list(map(SpanOut._make, rows))
                meta = json.loads(row[4]) if row[4] else {}
                yield DocumentOut(row[0], row[1], row[2] or "", row[3] or "", meta, row[5], spans)
