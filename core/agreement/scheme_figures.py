"""Agreement on attributes, relations and document labels, from plain values.

* **Attributes**: over spans matched between annotators (``span_units``, overlap mode by
  default), the *effective* value of each attribute (the default where none was set) of each
  matched span. Attributes of the same name and kind are pooled across labels (every claim
  label has its own "Stance": one figure for Stance). Choice and yes/no: Cohen's kappa (mean
  over pairs), Fleiss' kappa, Krippendorff's alpha, nominal. Number: Krippendorff's alpha,
  interval. Several-of-a-list: each choice is a yes/no question per matched span, the
  questions pooled into one nominal table. Free text is not compared (equal strings say little).
* **Relations**: a relation of one annotator matches one of another when the types are the same
  and both ends matched (the same span units), as unordered pairs for undirected types; only
  documents both did count. Precision, recall and F1 pairwise; F1 pooled over pairs, exact and
  overlap span matching, per type and over all types.
* **Document labels**: per set, units are documents, a value per annotator who set one
  (single-choice sets: nominal; multiple-choice: each choice yes/no, as for attributes). An
  annotator who set nothing in a set for a document is missing there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt

from claimdesk.core.agreement import values
from claimdesk.core.agreement.span_units import SpanRow, span_units
from claimdesk.core.records import (
    AttributeRecord,
    DocumentLabelRecord,
    RelationRecord,
    SchemeRecords,
)
from claimdesk.core.scheme import AttributeKind

__all__ = [
    "AttributeFigures",
    "DocLabelFigures",
    "RelationFigures",
    "SchemeData",
    "SchemeFigures",
    "scheme_figures",
]

NAN = float("nan")
FloatArray = npt.NDArray[np.float64]
ALL_TYPES = "All relation types"

METRICS = {
    AttributeKind.CHOICE: "nominal",
    AttributeKind.BOOL: "nominal",
    AttributeKind.NUMBER: "interval",
    AttributeKind.MULTI: "nominal, each choice yes/no",
}


@dataclass(frozen=True)
class SchemeData:
    """What the figures are computed from (``agreement_reads.scheme_rows`` reads it)."""

    scheme: SchemeRecords
    spans: Sequence[SpanRow]
    values: Mapping[int, Mapping[int, Any]]  # annotation id -> attribute id -> explicit value
    relations: Sequence[RelationRecord]
    document_labels: Sequence[DocumentLabelRecord]
    did: frozenset[tuple[int, int]]  # (document id, annotator id) pairs that count as done
    label_names: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AttributeFigures:
    name: str
    kind: str  # an AttributeKind value
    metric: str  # "nominal", "interval", "nominal, each choice yes/no"
    labels: tuple[str, ...]  # the labels whose spans carry it
    cohen_kappa: float
    fleiss_kappa: float
    krippendorff_alpha: float
    matched_spans: int  # units of matched spans with values from two annotators or more
    pairs: int  # annotator pairs compared within those units


@dataclass(frozen=True, slots=True)
class RelationFigures:
    name: str  # a relation type, or ALL_TYPES
    directed: bool
    relations: int  # made by the chosen annotators, all together
    f1_exact: float  # pooled over pairs, ends matched exactly
    f1_overlap: float  # ends matched by overlap
    matched_exact: int  # relation pairs found by both annotators of a pair, summed over pairs
    matched_overlap: int


@dataclass(frozen=True, slots=True)
class DocLabelFigures:
    name: str
    multiple: bool
    metric: str
    cohen_kappa: float
    fleiss_kappa: float
    krippendorff_alpha: float
    documents: int  # documents labelled by two annotators or more
    pairs: int


@dataclass(frozen=True)
class SchemeFigures:
    """Agreement on the richer codebook; matrices in the annotators' order. Pairwise relation
    figures use overlap matching: ``relation_recall[a, b]`` is the share of a's relations that b
    also made, ``relation_precision[a, b]`` the share of b's that a made (b judged against a)."""

    attributes: list[AttributeFigures]
    relations: list[RelationFigures]  # ALL_TYPES first, then each type
    doc_labels: list[DocLabelFigures]
    relation_f1: FloatArray
    relation_precision: FloatArray
    relation_recall: FloatArray
    attribute_match: str = "overlap"

    @property
    def empty(self) -> bool:
        return not (self.attributes or self.relations or self.doc_labels)


def _figures(
    kind: AttributeKind, cells: values.Cells, n: int, choices: Sequence[str]
) -> values.ValueFigures:
    if kind is AttributeKind.NUMBER:
        return values.interval_cells(cells, n)
    if kind is AttributeKind.MULTI:
        return values.per_choice_cells(cells, n, choices)
    return values.nominal_cells(cells, n)


def _attributes(
    data: SchemeData, spans: Sequence[SpanRow], rater: dict[int, int], units: dict[int, int]
) -> list[AttributeFigures]:
    n = len(rater)
    groups: dict[tuple[str, str], list[AttributeRecord]] = {}
    for record in data.scheme.attributes:
        if record.kind != AttributeKind.TEXT:
            groups.setdefault((record.name, record.kind), []).append(record)
    # Per label: (attribute id, its group's cells, its default) for the compared attributes.
    cells: dict[tuple[str, str], tuple[list[int], list[int], list[Any]]] = {
        key: ([], [], []) for key in groups
    }
    by_label: dict[int, list[tuple[int, tuple[list[int], list[int], list[Any]], Any]]] = {}
    for key, records in groups.items():
        for record in records:
            default = tuple(record.default) if isinstance(record.default, list) else record.default
            by_label.setdefault(record.label_id, []).append((record.id, cells[key], default))
    size = Counter(units[s.id] for s in spans)
    nothing: Mapping[int, Any] = {}
    for span in spans:
        unit = units[span.id]
        if size[unit] < 2:  # nobody else's span matched it: nothing to compare
            continue
        r = rater[span.annotator_id]
        explicit = data.values.get(span.id, nothing)
        for attribute_id, (unit_cells, rater_cells, value_cells), default in by_label.get(
            span.label_id, ()
        ):
            value = explicit.get(attribute_id)
            if value is None:
                value = default
            elif isinstance(value, list):
                value = tuple(value)
            if value is not None:
                unit_cells.append(unit)
                rater_cells.append(r)
                value_cells.append(value)
    out: list[AttributeFigures] = []
    for key, records in groups.items():
        kind = AttributeKind(key[1])
        choices = list(dict.fromkeys(c for record in records for c in record.choices))
        figures = _figures(kind, cells[key], n, choices)
        labels = tuple(
            dict.fromkeys(data.label_names.get(x.label_id, str(x.label_id)) for x in records)
        )
        out.append(
            AttributeFigures(
                key[0],
                kind.value,
                METRICS[kind],
                labels,
                figures.cohen_kappa,
                figures.fleiss_kappa,
                figures.krippendorff_alpha,
                figures.units,
                figures.pairs,
            )
        )
    return out


RelationKey = tuple[int, Hashable, Hashable]


def _relation_keys(
    data: SchemeData, rater: dict[int, int], units: dict[int, int], directed: dict[int, bool]
) -> dict[tuple[int, int], set[RelationKey]]:
    """(document, rater) -> the relation keys (type, source unit, target unit)."""
    found: dict[tuple[int, int], set[RelationKey]] = {}
    for relation in data.relations:
        r = rater.get(relation.annotator_id)
        source, target = units.get(relation.source_id), units.get(relation.target_id)
        if r is None or source is None or target is None:
            continue
        key: RelationKey
        if directed.get(relation.type_id, True):
            key = (relation.type_id, source, target)
        else:
            key = (relation.type_id, frozenset((source, target)), None)
        found.setdefault((relation.document_id, r), set()).add(key)
    return found


def _pair_counts(
    keys: dict[tuple[int, int], set[RelationKey]], shared: dict[int, list[int]]
) -> tuple[Counter[tuple[int, int, int]], Counter[tuple[int, int, int]]]:
    """Per (type, a, b): relations both made, and a's relations, in documents both did."""
    matched: Counter[tuple[int, int, int]] = Counter()
    own: Counter[tuple[int, int, int]] = Counter()
    if not keys:
        return matched, own
    for document, raters in shared.items():
        for a, b in combinations(raters, 2):
            mine, theirs = keys.get((document, a), set()), keys.get((document, b), set())
            for key in mine & theirs:
                matched[key[0], a, b] += 1
                matched[key[0], b, a] += 1
            for key in mine:
                own[key[0], a, b] += 1
            for key in theirs:
                own[key[0], b, a] += 1
    return matched, own


def _pooled_f1(matched: Counter[Any], own: Counter[Any], type_id: int | None) -> float:
    hit = sum(v for k, v in matched.items() if type_id is None or k[0] == type_id)
    total = sum(v for k, v in own.items() if type_id is None or k[0] == type_id)
    return hit / total if total else NAN


def _relations(
    data: SchemeData, rater: dict[int, int], exact: dict[int, int], loose: dict[int, int]
) -> tuple[list[RelationFigures], FloatArray, FloatArray, FloatArray]:
    n = len(rater)
    counted = [x for x in data.relations if x.annotator_id in rater]
    types = data.scheme.relation_types
    directed = {t.id: t.directed for t in types}
    shared: dict[int, list[int]] = {}
    for document, annotator in data.did:
        if annotator in rater:
            shared.setdefault(document, []).append(rater[annotator])
    shared = {d: sorted(rs) for d, rs in shared.items() if len(rs) >= 2}
    exact_counts = _pair_counts(_relation_keys(data, rater, exact, directed), shared)
    loose_counts = _pair_counts(_relation_keys(data, rater, loose, directed), shared)
    made = Counter(x.type_id for x in counted)
    out: list[RelationFigures] = []
    if types:
        out.append(
            RelationFigures(
                ALL_TYPES,
                all(t.directed for t in types),
                len(counted),
                _pooled_f1(*exact_counts, None),
                _pooled_f1(*loose_counts, None),
                sum(exact_counts[0].values()) // 2,
                sum(loose_counts[0].values()) // 2,
            )
        )
    for t in types:
        out.append(
            RelationFigures(
                t.name,
                t.directed,
                made[t.id],
                _pooled_f1(*exact_counts, t.id),
                _pooled_f1(*loose_counts, t.id),
                sum(v for k, v in exact_counts[0].items() if k[0] == t.id) // 2,
                sum(v for k, v in loose_counts[0].items() if k[0] == t.id) // 2,
            )
        )
    matched = np.zeros((n, n))
    own = np.zeros((n, n))
    for (_, a, b), v in loose_counts[0].items():
        matched[a, b] += v
    for (_, a, b), v in loose_counts[1].items():
        own[a, b] += v
    with np.errstate(invalid="ignore", divide="ignore"):
        recall = matched / own
        precision = matched / own.T
        f1 = 2 * matched / (own + own.T)
    together = np.zeros((n, n), dtype=bool)
    for raters in shared.values():
        for a, b in combinations(raters, 2):
            together[a, b] = together[b, a] = True
    for matrix in (recall, precision, f1):
        matrix[~together] = NAN
        np.fill_diagonal(matrix, NAN)
    return out, f1, precision, recall


def _doc_labels(data: SchemeData, rater: dict[int, int]) -> list[DocLabelFigures]:
    n = len(rater)
    chosen: dict[tuple[int, int, int], list[str]] = {}  # (set, document, rater) -> values
    for label in data.document_labels:
        r = rater.get(label.annotator_id)
        if r is not None:
            chosen.setdefault((label.set_id, label.document_id, r), []).append(label.value)
    out: list[DocLabelFigures] = []
    for record in data.scheme.doc_label_sets:
        rows: dict[Hashable, list[Any]] = {}
        for (set_id, document, r), picked in chosen.items():
            if set_id != record.id:
                continue
            row = rows.setdefault(document, [None] * n)
            row[r] = tuple(picked) if record.multiple else sorted(picked)[0]
        table = list(rows.values())
        if record.multiple:
            figures = values.per_choice(table, n, record.choices)
        else:
            figures = values.nominal(table, n)
        out.append(
            DocLabelFigures(
                record.name,
                record.multiple,
                "nominal, each choice yes/no" if record.multiple else "nominal",
                figures.cohen_kappa,
                figures.fleiss_kappa,
                figures.krippendorff_alpha,
                figures.units,
                figures.pairs,
            )
        )
    return out


def scheme_figures(
    data: SchemeData, annotator_ids: Sequence[int], *, attribute_match: str = "overlap"
) -> SchemeFigures:
    """Every figure of the richer codebook for the chosen annotators (in this order)."""
    if attribute_match not in ("exact", "overlap"):
        raise ValueError(f"attribute_match must be 'exact' or 'overlap', not {attribute_match!r}")
    rater = {a: i for i, a in enumerate(annotator_ids)}
    spans = [s for s in data.spans if s.annotator_id in rater]
    found: dict[bool, dict[int, int]] = {}

    def units(overlap: bool) -> dict[int, int]:
        if overlap not in found:  # each bucket (document, label) is matched on its own
            found[overlap] = span_units(spans, overlap=overlap)
        return found[overlap]

    attributes: list[AttributeFigures] = []
    compared = {a.label_id for a in data.scheme.attributes if a.kind != AttributeKind.TEXT}
    if compared:
        carrying = [s for s in spans if s.label_id in compared]
        attributes = _attributes(data, carrying, rater, units(attribute_match == "overlap"))
    exact: dict[int, int] = {}
    loose: dict[int, int] = {}
    if any(x.annotator_id in rater for x in data.relations):
        exact, loose = units(False), units(True)
    relations, f1, precision, recall = _relations(data, rater, exact, loose)
    return SchemeFigures(
        attributes,
        relations,
        _doc_labels(data, rater),
        f1,
        precision,
        recall,
        attribute_match,
    )
