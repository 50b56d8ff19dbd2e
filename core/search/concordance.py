"""Search a project and show hits as a concordance (keyword in context); the concordance of a
label; Mark all. The store narrows and reads (core/store/search_index.py), matching is here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from claimdesk.core.records import Changes
from claimdesk.core.search.matching import Query, SearchError, compile_query, find
from claimdesk.core.store import search_index
from claimdesk.core.store.project import Project

CONTEXT = 60
HIT_LIMIT = 100_000

__all__ = ["HIT_LIMIT", "Hit", "Query", "SearchError", "SearchResult", "search"]


@dataclass(frozen=True, slots=True)
class Hit:
    """One line of a concordance: a stretch of one document with its context."""

    document_id: int
    title: str
    start: int
    end: int
    left: str
    match: str
    right: str
    # "label (annotator)" of every span over or overlapping the stretch
    labels: tuple[str, ...] = ()
    # other labels the same text is filed under elsewhere (label concordance only)
    elsewhere: tuple[str, ...] = ()
    annotator: str = ""
    annotation_id: int | None = None


@dataclass
class SearchResult:
    hits: list[Hit] = field(default_factory=list)
    documents_read: int = 0
    truncated: bool = False  # more than HIT_LIMIT hits: the first ones only


def _context(text: str, start: int, end: int, width: int) -> tuple[str, str, str]:
    # Line breaks shown as spaces: a concordance line is one line.
    left = text[max(0, start - width) : start].replace("\n", " ")
    right = text[end : end + width].replace("\n", " ")
    return left, text[start:end], right


def search(
    project: Project,
    query: Query,
    *,
    document_ids: Sequence[int] | None = None,
    limit: int = HIT_LIMIT,
    width: int = CONTEXT,
    cancelled: Callable[[], bool] | None = None,
) -> SearchResult:
    """Every hit of ``query`` in the project, in document and position order."""
    compiled = compile_query(query)
    needles = [(n.text, n.bounded_start, n.bounded_end) for n in compiled.literals]
    result = SearchResult()
    found: list[tuple[int, str, str, list[tuple[int, int]]]] = []
    total = 0
    for candidate in search_index.candidates(project, needles, query.case_sensitive, document_ids):
        if cancelled is not None and cancelled():
            break
        result.documents_read += 1
        spans = find(compiled, candidate.text)
        if not spans:
            continue
        if total + len(spans) > limit:
            spans = spans[: limit - total]
            result.truncated = True
        total += len(spans)
        found.append((candidate.id, candidate.title, candidate.text, spans))
        if result.truncated:
            break
    filed = search_index.filed_spans(project, [d for d, _, _, _ in found])
    for document_id, title, text, spans in found:
        spans_here = filed.get(document_id, [])
        for start, end in spans:
            labels: tuple[str, ...] = ()
            if spans_here:
                labels = tuple(
                    dict.fromkeys(
                        f"{s.label} ({s.annotator})"
                        for s in spans_here
                        if s.start < end and start < s.end
                    )
                )
            left, match, right = _context(text, start, end, width)
            result.hits.append(Hit(document_id, title, start, end, left, match, right, labels))
    return result


def label_concordance(
    project: Project,
    label_id: int,
    annotator_ids: Sequence[int] | None = None,
    width: int = CONTEXT,
) -> list[Hit]:
    """Every span of a label in KWIC form; ``elsewhere`` names the other labels its exact text
    is filed under anywhere in the project (a sign of inconsistent coding)."""
    spans = search_index.label_spans(project, label_id, annotator_ids)
    texts = search_index.document_texts(project, [s.document_id for s in spans])
    others = search_index.labels_of_quotes(project, [s.quote for s in spans], label_id)
    hits = []
    for span in spans:
        title, text = texts[span.document_id]
        left, match, right = _context(text, span.start, span.end, width)
        hits.append(
            Hit(
                span.document_id,
                title,
                span.start,
                span.end,
                left,
                match,
                right,
                elsewhere=tuple(others.get(span.quote, ())),
                annotator=span.annotator,
                annotation_id=span.annotation_id,
            )
        )
    return hits


def _hit_rows(hits: Sequence[Hit]) -> list[search_index.Hit]:
    return [(h.document_id, h.start, h.end, h.match) for h in hits]


def mark_all_preview(
    project: Project, hits: Sequence[Hit], label_id: int, annotator_id: int
) -> tuple[int, int]:
    """(new, already there): what Mark all would file and skip."""
    return search_index.mark_all_preview(project, label_id, annotator_id, _hit_rows(hits))


def mark_all(
    project: Project, hits: Sequence[Hit], label_id: int, annotator_id: int
) -> tuple[Changes, int, int]:
    """File the hits under a label in one undoable edit: (changes, added, skipped)."""
    command = search_index.MarkAll(label_id, annotator_id, _hit_rows(hits))
    changes = project.apply(command)
    return changes, len(command.records), command.skipped
