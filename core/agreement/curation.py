"""Adjudication: a curator builds a gold set from the annotators' spans of one document.

The gold set is an annotator marked as such in the project (created on first use, named "Gold"
unless a person holds that name: see ``core/store/curation.py``), so its annotations export,
count and grade like everyone's; a person called Gold is just a person. Every operation here is
one undoable command run through ``Project.apply``: saved at once, undone with the project's undo.

Two spans *agree* when they have exactly the same start, end and label. A chosen annotator
*differs* on a candidate span when they have no such span but one that overlaps it (other
bounds or another label), and is *missing* when they marked nothing there.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from claimdesk.core.errors import EditConflict, EditError
from claimdesk.core.records import (
    AnnotationRecord,
    AnnotatorRecord,
    AttributeRecord,
    Changes,
    SchemeRecords,
)
from claimdesk.core.store.curation import (
    GOLD_SET_NAME,
    GoldSpan,
    IntoGold,
    RejectSpan,
    ensure_gold_set,
    gold_span_ids,
)
from claimdesk.core.store.edits import MoveAnnotation
from claimdesk.core.store.project import Project
from claimdesk.core.text.spans import Span, SpanIndex

# The gold set's usual name; it is found by its flag, never by this name.
GOLD_ANNOTATOR = GOLD_SET_NAME

SpanKey = tuple[int, int, int]  # (start, end, label_id)


class Cell(enum.StrEnum):
    """Where one annotator stands on one candidate span."""

    HAS = "has"  # the same start, end and label
    DIFFERS = "differs"  # an overlapping span with other bounds or another label
    MISSING = "missing"  # nothing there


class Agreement(enum.StrEnum):
    """How many of the chosen annotators have a candidate span exactly."""

    ALL = "all"  # every chosen annotator
    MAJORITY = "majority"  # more than half of them
    SOME = "some"  # at least one, at most half
    NONE = "none"  # no annotator (a span only the gold set holds)


@dataclass(frozen=True)
class Candidate:
    """One distinct (start, end, label) in the document, with who has it."""

    start: int
    end: int
    label_id: int
    quote: str
    holders: dict[int, int]  # annotator id -> their annotation id (exact same span)
    # chosen annotators without this exact span but with overlapping ones: their (start, end,
    # label) there, in text order
    differing: dict[int, tuple[SpanKey, ...]]
    gold_id: int | None  # the gold annotation with this exact span, if accepted
    chosen: int  # how many annotators were compared

    @property
    def key(self) -> SpanKey:
        return (self.start, self.end, self.label_id)

    @property
    def support(self) -> int:
        return len(self.holders)

    @property
    def agreement(self) -> Agreement:
        if not self.holders:
            return Agreement.NONE
        if self.support == self.chosen:
            return Agreement.ALL
        if 2 * self.support > self.chosen:
            return Agreement.MAJORITY
        return Agreement.SOME

    def cell(self, annotator_id: int) -> Cell:
        if annotator_id in self.holders:
            return Cell.HAS
        if annotator_id in self.differing:
            return Cell.DIFFERS
        return Cell.MISSING


@dataclass(frozen=True)
class LaneSpan:
    """One annotator's span in their lane, with the other chosen annotators' view of it."""

    annotation_id: int
    start: int
    end: int
    label_id: int
    agreed_by: frozenset[int]  # other chosen annotators with exactly this span
    disputed_by: frozenset[int]  # other chosen annotators with an overlapping, different span


@dataclass(frozen=True)
class Lane:
    annotator: AnnotatorRecord
    spans: list[LaneSpan]


@dataclass(frozen=True)
class Curation:
    """Everything the curation view draws for one document (plain data, no Qt)."""

    document_id: int
    annotators: list[AnnotatorRecord]  # the chosen annotators, in the order given
    gold: AnnotatorRecord
    lanes: list[Lane]  # one per chosen annotator, then the gold lane last
    candidates: list[Candidate] = field(default_factory=list)  # in text order
    available: list[AnnotatorRecord] = field(default_factory=list)  # all with spans here

    def index_of(self, key: SpanKey) -> int:
        """Row of a candidate by (start, end, label); -1 when it is not there."""
        for row, candidate in enumerate(self.candidates):
            if candidate.key == key:
                return row
        return -1


# -- the gold annotator ------------------------------------------------------------------------


def gold_annotator(project: Project) -> AnnotatorRecord:
    """The gold set's annotator, created on first use (not an undoable edit)."""
    return ensure_gold_set(project)


# -- lanes and candidates ----------------------------------------------------------------------


def curation_lanes(
    project: Project, document_id: int, annotators: Sequence[int] | None = None
) -> Curation:
    """Per-annotator spans of one document with agreement marks, and the candidate list.

    ``annotators`` are the ids to compare (default: everyone with spans in the document);
    the gold annotator is never one of them: its spans form the last lane.
    """
    gold = gold_annotator(project)
    records = project.annotations(document_id, None)
    present = {r.annotator_id for r in records}
    known = {a.id: a for a in project.annotators()}
    available = [a for a in known.values() if a.id in present and a.id != gold.id]
    if annotators is None:
        chosen = available
    else:
        chosen = [known[i] for i in dict.fromkeys(annotators) if i in known and i != gold.id]
    chosen_ids = [a.id for a in chosen]
    by_annotator: dict[int, list[AnnotationRecord]] = {a: [] for a in [*chosen_ids, gold.id]}
    for record in records:
        if record.annotator_id in by_annotator:
            by_annotator[record.annotator_id].append(record)
    # One index over every chosen annotator's spans: a candidate asks it once, not once per
    # annotator (40 annotators × 600 candidates would be 24,000 queries).
    owner = {r.id: r.annotator_id for r in records}
    combined = SpanIndex(
        Span(r.id, r.start, r.end, r.label_id) for a in chosen_ids for r in by_annotator[a]
    )

    def differing(key: SpanKey, holders: Iterable[int]) -> dict[int, tuple[SpanKey, ...]]:
        start, end, _ = key
        skip = set(holders)
        found: dict[int, list[SpanKey]] = {}
        for s in combined.overlapping(start, end):
            a = owner[s.id]
            if a not in skip:
                found.setdefault(a, []).append((s.start, s.end, s.label_id))
        return {a: tuple(spans) for a, spans in found.items()}

    # Candidates: every distinct (start, end, label) of the chosen annotators and of gold.
    holders: dict[SpanKey, dict[int, int]] = {}
    quotes: dict[SpanKey, str] = {}
    gold_ids: dict[SpanKey, int] = {}
    for annotator_id in chosen_ids:
        for record in by_annotator[annotator_id]:
            key = (record.start, record.end, record.label_id)
            holders.setdefault(key, {})[annotator_id] = record.id
            quotes[key] = record.quote
    for record in by_annotator[gold.id]:
        key = (record.start, record.end, record.label_id)
        gold_ids[key] = record.id
        holders.setdefault(key, {})
        quotes[key] = record.quote
    candidates = [
        Candidate(
            key[0],
            key[1],
            key[2],
            quotes[key],
            holders[key],
            differing(key, holders[key]),
            gold_ids.get(key),
            len(chosen_ids),
        )
        for key in sorted(holders)
    ]
    by_key = {c.key: c for c in candidates}

    lanes: list[Lane] = []
    for annotator in [*chosen, gold]:
        spans = []
        others = set(chosen_ids) - {annotator.id}
        for record in by_annotator[annotator.id]:
            candidate = by_key[(record.start, record.end, record.label_id)]
            spans.append(
                LaneSpan(
                    record.id,
                    record.start,
                    record.end,
                    record.label_id,
                    frozenset(others & candidate.holders.keys()),
                    frozenset(others & candidate.differing.keys()),
                )
            )
        lanes.append(Lane(annotator, spans))
    return Curation(document_id, chosen, gold, lanes, candidates, available)


# -- operations --------------------------------------------------------------------------------


def _record(project: Project, annotation_id: int) -> AnnotationRecord:
    try:
        return project.annotation(annotation_id)
    except KeyError:
        raise EditError("That span no longer exists.") from None


def gold_copy(
    project: Project, span: AnnotationRecord | int, scheme: SchemeRecords | None = None
) -> GoldSpan:
    """An annotator's span as the gold set takes it: bounds, label, note and the attribute
    values they set."""
    record = _record(project, span) if isinstance(span, int) else span
    scheme = project.scheme() if scheme is None else scheme
    attributes = scheme.attributes_of(record.label_id)
    explicit = (
        project.attribute_values(record.document_id, record.annotator_id).get(record.id, {})
        if attributes
        else {}
    )
    return GoldSpan(
        record.document_id,
        record.label_id,
        record.start,
        record.end,
        record.quote,
        record.note,
        tuple((a, explicit[a.id]) for a in attributes if explicit.get(a.id) is not None),
    )


ALREADY_ACCEPTED = "This span is already in the gold set: another curator accepted it a moment ago."


def accept_span(project: Project, annotation_id: int) -> Changes:
    """Copy an annotator's span (label, bounds, note) into the gold set; refuse a duplicate."""
    record = _record(project, annotation_id)
    gold = gold_annotator(project)
    if record.annotator_id == gold.id:
        raise EditError("This span is already in the gold set.")
    key = (record.start, record.end, record.label_id)
    if key in gold_span_ids(project, record.document_id, gold.id):
        raise EditConflict(ALREADY_ACCEPTED)
    span = gold_copy(project, record)  # with the attribute values its annotator set
    try:
        return project.apply(IntoGold("Accept span into gold", record.document_id, gold.id, [span]))
    except EditConflict:
        # Another curator accepted the same span between our check and our write: one copy.
        if key in gold_span_ids(project, record.document_id, gold.id):
            raise EditConflict(ALREADY_ACCEPTED) from None
        raise


def edit_gold_span(
    project: Project,
    annotation_id: int,
    *,
    label_id: int | None = None,
    start: int | None = None,
    end: int | None = None,
) -> Changes:
    """Relabel a gold span and/or move its bounds (code points, half-open) in one step."""
    record = _record(project, annotation_id)
    gold = gold_annotator(project)
    if record.annotator_id != gold.id:
        raise EditError("Only spans in the gold set can be edited here: accept the span first.")
    start = record.start if start is None else start
    end = record.end if end is None else end
    label_id = record.label_id if label_id is None else label_id
    text = project.document_text(record.document_id)
    if not 0 <= start < end <= len(text):
        raise EditError(f"The span {start}–{end} lies outside the text (0–{len(text)}).")
    quote = text[start:end]
    if not quote.strip():
        raise EditError("A gold span must cover some text, not only white space.")
    if label_id not in {label.id for label in project.labels()}:
        raise EditError("That label no longer exists.")
    key = (start, end, label_id)
    if key == (record.start, record.end, record.label_id):
        raise EditError("The gold span already has these bounds and this label.")
    if key in gold_span_ids(project, record.document_id, gold.id):
        raise EditError("The gold set already has this span with this label.")
    return project.apply(MoveAnnotation(annotation_id, start, end, quote, label_id))


def reject_span(project: Project, annotation_id: int) -> Changes:
    """Remove a span from the gold set: a gold span itself, or the gold copy of a span."""
    record = _record(project, annotation_id)
    gold = gold_annotator(project)
    if record.annotator_id != gold.id:
        key = (record.start, record.end, record.label_id)
        copy = gold_span_ids(project, record.document_id, gold.id).get(key)
        if copy is None:
            raise EditError("This span is not in the gold set: there is nothing to reject.")
        annotation_id = copy
    return project.apply(RejectSpan(annotation_id))


def majority_candidates(
    project: Project, document_id: int, annotators: Sequence[int], k: int
) -> list[Candidate]:
    """Spans that at least k of the annotators have exactly (same start, end and label),
    not yet in the gold set, in text order."""
    curation = curation_lanes(project, document_id, annotators)
    if not 1 <= k <= max(1, len(curation.annotators)):
        raise EditError(f"Choose a majority between 1 and {len(curation.annotators)} annotators.")
    return [c for c in curation.candidates if c.support >= k and c.gold_id is None]


def accept_majority(
    project: Project, document_id: int, annotators: Sequence[int], k: int
) -> Changes:
    """Accept, as one undoable step, every span at least k of the annotators agree on exactly.

    Each gold copy gets the distinct non-empty notes of the annotators who have it, one per line.
    """
    found = majority_candidates(project, document_id, annotators, k)
    if not found:
        raise EditError(f"No span outside the gold set is shared by {k} or more annotators.")
    gold = gold_annotator(project)
    notes_by_id = {r.id: r.note for r in project.annotations(document_id, None)}
    scheme = project.scheme()
    values = project.attribute_values(document_id, None) if scheme.attributes else {}
    additions = []
    for candidate in found:
        notes = dict.fromkeys(notes_by_id[i] for i in candidate.holders.values())
        note = "\n".join(n for n in notes if n)
        additions.append(
            GoldSpan(
                document_id,
                candidate.label_id,
                candidate.start,
                candidate.end,
                candidate.quote,
                note,
                _agreed_values(scheme.attributes_of(candidate.label_id), candidate, values),
            )
        )
    n = len(additions)
    description = f"Accept {n} span{'s' if n != 1 else ''}"
    try:
        return project.apply(IntoGold(description, document_id, gold.id, additions))
    except EditConflict:
        raise EditConflict(
            "Another curator accepted some of these spans into gold a moment ago; nothing was "
            "added. The view now shows their work: accept the majority again for the rest."
        ) from None


def _agreed_values(
    attributes: Sequence[AttributeRecord], candidate: Candidate, values: Mapping[int, Any]
) -> tuple[tuple[AttributeRecord, Any], ...]:
    """The attribute values every holder of the candidate gives (defaults applied); an
    attribute they differ on is left at its default, for the curator to settle."""
    agreed: list[tuple[AttributeRecord, Any]] = []
    for attribute in attributes:
        given = set()
        for annotation_id in candidate.holders.values():
            value = values.get(annotation_id, {}).get(attribute.id)
            given.add(repr(attribute.default if value is None else value))
        if len(given) == 1:
            first = values.get(next(iter(candidate.holders.values())), {}).get(attribute.id)
            if first is not None:
                agreed.append((attribute, first))
    return tuple(agreed)
