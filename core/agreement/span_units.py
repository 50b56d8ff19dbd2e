"""Spans of different annotators matched into units, for agreement on what spans carry
(attribute values) and on what links them (relations).

The matching follows the span matching of the F1 figures (``metrics.span_found``):

* **exact**: same document, label, start and end;
* **overlap**: same document and label, sharing at least one character.

A unit holds at most one span per annotator. In overlap mode the candidate pairs (spans of two
different annotators that overlap) are joined best first: the larger share of their union the
two spans have in common (Jaccard), then the longer overlap, then the earlier spans; two
groups are joined only when no annotator has a span in both. Exact matches (share 1) therefore
always join first. A span nobody matched is a unit of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["SpanRow", "span_units"]


@dataclass(frozen=True, slots=True)
class SpanRow:
    """One span as agreement reads it."""

    id: int
    document_id: int
    annotator_id: int
    label_id: int
    start: int
    end: int


def _buckets(spans: Iterable[SpanRow]) -> dict[tuple[int, int], list[SpanRow]]:
    found: dict[tuple[int, int], list[SpanRow]] = {}
    for span in spans:
        found.setdefault((span.document_id, span.label_id), []).append(span)
    return found


def span_units(spans: Sequence[SpanRow], *, overlap: bool) -> dict[int, int]:
    """Span id → unit id (the smallest span id of its unit)."""
    unit: dict[int, int] = {}
    for bucket in _buckets(spans).values():
        if overlap:
            unit.update(_overlap_units(bucket))
        else:
            unit.update(_exact_units(bucket))
    return unit


def _exact_units(bucket: list[SpanRow]) -> dict[int, int]:
    out: dict[int, int] = {}
    groups: dict[tuple[int, int], dict[int, int]] = {}  # bounds -> annotator -> first span
    for span in sorted(bucket, key=lambda s: s.id):
        members = groups.setdefault((span.start, span.end), {})
        if span.annotator_id in members:  # a second identical span of one annotator: alone
            out[span.id] = span.id
            continue
        members[span.annotator_id] = span.id
        out[span.id] = min(members.values())
    return out


def _overlap_units(bucket: list[SpanRow]) -> dict[int, int]:
    ordered = sorted(bucket, key=lambda s: (s.start, s.end, s.id))
    starts = [s.start for s in ordered]
    ends = [s.end for s in ordered]
    ids = [s.id for s in ordered]
    who = [s.annotator_id for s in ordered]
    candidates: list[tuple[float, int, int, int]] = []
    active: list[int] = []
    for i, start in enumerate(starts):
        active = [j for j in active if ends[j] > start]
        end = ends[i]
        for j in active:
            if who[j] == who[i]:
                continue
            shared = min(ends[j], end) - start
            union = max(ends[j], end) - starts[j]
            first, second = (ids[j], ids[i]) if ids[j] < ids[i] else (ids[i], ids[j])
            candidates.append((-shared / union, -shared, first, second))
        active.append(i)
    parent = {s.id: s.id for s in bucket}
    raters = {s.id: {s.annotator_id} for s in bucket}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for _, _, a, b in sorted(candidates):
        ra, rb = root(a), root(b)
        if ra == rb or raters[ra] & raters[rb]:
            continue
        keep, gone = min(ra, rb), max(ra, rb)
        parent[gone] = keep
        raters[keep] |= raters.pop(gone)
    return {s.id: root(s.id) for s in bucket}
