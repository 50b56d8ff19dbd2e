"""Agreement on attributes, relations and document labels, on worked examples computed by hand."""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

from claimdesk.core.agreement import values
from claimdesk.core.agreement.scheme_figures import (
    ALL_TYPES,
    SchemeData,
    SchemeFigures,
    scheme_figures,
)
from claimdesk.core.agreement.span_units import SpanRow, span_units
from claimdesk.core.records import (
    AttributeRecord,
    DocLabelSetRecord,
    DocumentLabelRecord,
    RelationRecord,
    RelationTypeRecord,
    SchemeRecords,
)

CLAIM, SOURCE = 1, 2
STANCE = AttributeRecord(
    10, CLAIM, "Stance", "choice", ("positive", "negative", "neutral"), default="neutral"
)
WORTHY = AttributeRecord(11, CLAIM, "Check-worthy", "bool", default=False)
SIZE = AttributeRecord(12, CLAIM, "Size", "number")  # no default: unset is missing
SUPPORTS = RelationTypeRecord(20, "supports", "#2ca02c", directed=True)
SAME = RelationTypeRecord(21, "same event", "#000000", directed=False)
ATTRIBUTED = RelationTypeRecord(22, "attributed to", "#7f7f7f", directed=True)
CONTRADICTS = RelationTypeRecord(23, "contradicts", "#d62728", directed=True)
OVERALL = DocLabelSetRecord(30, "Overall stance", False, ("warming", "cooling", "mixed"))
TOPIC = DocLabelSetRecord(31, "Topic", True, ("Military", "Economy", "Diplomacy"))
SCHEME = SchemeRecords(
    (STANCE, WORTHY, SIZE), (SUPPORTS, SAME, ATTRIBUTED, CONTRADICTS), (OVERALL, TOPIC)
)
A, B, C = 101, 102, 103


def _data(
    spans: list[SpanRow],
    explicit: dict[int, dict[int, Any]] | None = None,
    relations: list[RelationRecord] | None = None,
    labels: list[DocumentLabelRecord] | None = None,
    did: set[tuple[int, int]] | None = None,
) -> SchemeData:
    done = did if did is not None else {(s.document_id, s.annotator_id) for s in spans}
    return SchemeData(
        SCHEME,
        spans,
        explicit or {},
        relations or [],
        labels or [],
        frozenset(done),
        {CLAIM: "Claim", SOURCE: "Source attribution"},
    )


def _attribute(figures: SchemeFigures, name: str) -> Any:
    return next(x for x in figures.attributes if x.name == name)


STANCES_A = ["positive", "positive", "negative", "neutral", "neutral", "positive"]
STANCES_B = ["positive", "negative", "negative", "neutral", "positive", "positive"]


def test_stance_of_six_matched_spans_between_two_annotators() -> None:
    """Two annotators, six matched claims (the fifth with shifted bounds, matched by overlap),
    and one claim only A filed (not compared). Stance (p = positive, n = negative, u = neutral):

        A: p p n u u p        B: p n n u p p

    "neutral" is the default: where it is left unset the effective value is compared.

    Cohen: p_o = 4/6; A's marginals p 3, n 1, u 2; B's p 3, n 2, u 1;
    p_e = (3·3 + 1·2 + 2·1) / 36 = 13/36; κ = (24/36 − 13/36) / (23/36) = 11/23.
    Fleiss (pooled shares p 6/12, n 3/12, u 3/12): P_e = 1/4 + 1/16 + 1/16 = 3/8;
    P̄ = 4/6; κ = (2/3 − 3/8) / (5/8) = 7/15.
    Krippendorff, nominal: n = 12 values; D_o = (2 units × 2 ordered disagreeing pairs) / 12
    = 1/3; D_e = (12² − 6² − 3² − 3²) / (12 · 11) = 90/132 = 15/22; α = 1 − 22/45 = 23/45.
    """
    spans, explicit = [], {}
    for i, (a, b) in enumerate(zip(STANCES_A, STANCES_B, strict=True)):
        start = i * 20
        spans.append(SpanRow(i + 1, 1, A, CLAIM, start, start + 10))
        spans.append(SpanRow(i + 11, 1, B, CLAIM, start + (3 if i == 4 else 0), start + 10))
        if a != "neutral":
            explicit[i + 1] = {STANCE.id: a}
        if b != "neutral":
            explicit[i + 11] = {STANCE.id: b}
    spans.append(SpanRow(99, 1, A, CLAIM, 500, 510))  # A only: no pair
    stance = _attribute(scheme_figures(_data(spans, explicit), [A, B]), "Stance")
    assert stance.cohen_kappa == pytest.approx(float(Fraction(11, 23)))
    assert stance.fleiss_kappa == pytest.approx(float(Fraction(7, 15)))
    assert stance.krippendorff_alpha == pytest.approx(float(Fraction(23, 45)))
    assert (stance.matched_spans, stance.pairs) == (6, 6)
    assert stance.metric == "nominal" and stance.labels == ("Claim",)
    # Matched exactly only, the shifted fifth claim drops out: five spans, one disagreement.
    exact = _attribute(
        scheme_figures(_data(spans, explicit), [A, B], attribute_match="exact"), "Stance"
    )
    assert exact.matched_spans == 5


def test_fleiss_with_three_annotators_on_a_yes_no_attribute() -> None:
    """Three annotators, four matched claims, Check-worthy (T yes, F no; default no):

        claim 1: T T T   claim 2: T T F   claim 3: F F F   claim 4: F F T

    Fleiss: P_i = Σ n_ij (n_ij − 1) / (3 · 2) = 1, 1/3, 1, 1/3 → P̄ = 2/3; p_T = p_F = 6/12,
    P_e = 1/2; κ = (2/3 − 1/2) / (1/2) = 1/3.
    Krippendorff: n = 12; D_o = (2 + 2) / 12 = 1/3 (claims 2 and 4: 4 ordered disagreeing pairs
    each, over m − 1 = 2); D_e = 2 · 6 · 6 / (12 · 11) = 6/11; α = 1 − 11/18 = 7/18.
    Cohen, mean of pairs: the first two agree everywhere (1), each with the third 2/4 with even
    marginals (0): 1/3.
    """
    rows = [(True, True, True), (True, True, False), (False, False, False), (False, False, True)]
    spans, explicit = [], {}
    for i, row in enumerate(rows):
        for r, (who, value) in enumerate(zip((A, B, C), row, strict=True)):
            span_id = 100 * (r + 1) + i
            spans.append(SpanRow(span_id, 1, who, CLAIM, i * 10, i * 10 + 5))
            if value:
                explicit[span_id] = {WORTHY.id: True}
    worthy = _attribute(scheme_figures(_data(spans, explicit), [A, B, C]), "Check-worthy")
    assert worthy.fleiss_kappa == pytest.approx(1 / 3)
    assert worthy.krippendorff_alpha == pytest.approx(7 / 18)
    assert worthy.cohen_kappa == pytest.approx(1 / 3)
    assert (worthy.matched_spans, worthy.pairs) == (4, 12)


def test_interval_alpha_of_a_number_attribute_with_a_missing_value() -> None:
    """A number attribute with no default, three annotators. Claim 1: A 1, B 3, C matched it but
    left it unset (missing). Claim 2: A 2, B 2, C 5. Claim 3: only A set it (not pairable).

    Interval α, δ = (a − b)²: n = 5 pairable values. D_o = [2·(3−1)²/1 + 2·(0 + 9 + 9)/2] / 5
    = (8 + 18)/5 = 26/5. D_e = Σ_{i≠j} δ / (5 · 4) over 1, 3, 2, 2, 5 = (2·5·43 − 2·13²)/20
    = 92/20 = 23/5. α = 1 − 26/23 = −3/23.
    """
    table = {1: (1, 3, None), 2: (2, 2, 5), 3: (7, None, None)}
    spans, explicit = [], {}
    for unit, row in table.items():
        for r, (who, value) in enumerate(zip((A, B, C), row, strict=True)):
            span_id = 10 * unit + r
            spans.append(SpanRow(span_id, 1, who, CLAIM, unit * 10, unit * 10 + 4))
            if value is not None:
                explicit[span_id] = {SIZE.id: value}
    size = _attribute(scheme_figures(_data(spans, explicit), [A, B, C]), "Size")
    assert size.krippendorff_alpha == pytest.approx(-3 / 23)
    assert size.metric == "interval"
    assert math.isnan(size.cohen_kappa) and math.isnan(size.fleiss_kappa)
    assert (size.matched_spans, size.pairs) == (2, 4)


# Krippendorff's own example with missing data (Content Analysis, 2004 / "Computing
# Krippendorff's alpha-reliability", 2011): 4 observers, 12 units; α nominal .743, interval .849.
KRIPPENDORFF = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def test_alpha_with_missing_values_reproduces_krippendorffs_example() -> None:
    table = [list(unit) for unit in zip(*KRIPPENDORFF, strict=True)]
    assert values.nominal(table, 4).krippendorff_alpha == pytest.approx(0.743, abs=5e-4)
    assert values.interval(table, 4).krippendorff_alpha == pytest.approx(0.849, abs=5e-4)
    assert values.nominal(table, 4).units == 11  # the last unit has one value: not pairable


def _relation_spans() -> list[SpanRow]:
    # Three claims each; B's third has other bounds (matched by overlap, not exactly).
    return [
        SpanRow(1, 1, A, CLAIM, 0, 10),
        SpanRow(2, 1, A, CLAIM, 20, 30),
        SpanRow(3, 1, A, CLAIM, 40, 50),
        SpanRow(11, 1, B, CLAIM, 0, 10),
        SpanRow(12, 1, B, CLAIM, 20, 30),
        SpanRow(13, 1, B, CLAIM, 42, 50),
    ]


def test_relation_f1_counts_undirected_types_as_unordered_pairs() -> None:
    """A: supports 1→2, same event {2, 3}, attributed to 1→3.
    B: supports 12→11 (the other way round: a directed type, no match), same event 13–12
    (undirected: matches), attributed to 11→13 (matches), contradicts 11→12 (A has none).

    Overlap matching: 2 matched; |A| = 3, |B| = 4. Recall of B against A = 2/3, precision = 2/4,
    F1 = 2·2/(3 + 4) = 4/7. Exact matching: claim 3 has no exact partner, so only relations
    between claims 1 and 2 can match, and none does: F1 0.
    """
    rel = [
        RelationRecord(1, 1, A, SUPPORTS.id, 1, 2),
        RelationRecord(2, 1, A, SAME.id, 2, 3),
        RelationRecord(3, 1, A, ATTRIBUTED.id, 1, 3),
        RelationRecord(4, 1, B, SUPPORTS.id, 12, 11),
        RelationRecord(5, 1, B, SAME.id, 13, 12),
        RelationRecord(6, 1, B, ATTRIBUTED.id, 11, 13),
        RelationRecord(7, 1, B, CONTRADICTS.id, 11, 12),
    ]
    figures = scheme_figures(_data(_relation_spans(), relations=rel), [A, B])
    by_name = {x.name: x for x in figures.relations}
    assert figures.relations[0].name == ALL_TYPES
    assert by_name[ALL_TYPES].f1_overlap == pytest.approx(4 / 7)
    assert by_name[ALL_TYPES].f1_exact == 0.0
    assert by_name[ALL_TYPES].relations == 7 and by_name[ALL_TYPES].matched_overlap == 2
    assert by_name["same event"].f1_overlap == 1.0
    assert by_name["supports"].f1_overlap == 0.0
    assert by_name["contradicts"].f1_overlap == 0.0
    assert figures.relation_recall[0, 1] == pytest.approx(2 / 3)
    assert figures.relation_precision[0, 1] == pytest.approx(2 / 4)
    assert figures.relation_f1[0, 1] == pytest.approx(4 / 7)
    assert figures.relation_f1[1, 0] == pytest.approx(4 / 7)
    # A directed "same event" would not match 13–12 against 2–3.
    directed = SchemeRecords((), (SUPPORTS, RelationTypeRecord(21, "same event", "#000")), ())
    data = replace(_data(_relation_spans(), relations=rel), scheme=directed)
    assert scheme_figures(data, [A, B]).relations[0].f1_overlap < 4 / 7


def test_relations_count_only_in_documents_both_annotators_did() -> None:
    spans = [SpanRow(1, 1, A, CLAIM, 0, 5), SpanRow(2, 1, A, CLAIM, 10, 15)]
    rel = [RelationRecord(1, 1, A, SUPPORTS.id, 1, 2)]
    figures = scheme_figures(_data(spans, relations=rel), [A, B])  # B never did document 1
    assert math.isnan(figures.relations[0].f1_overlap)
    assert np.isnan(figures.relation_f1).all()


def test_document_labels_single_and_multiple_sets() -> None:
    """Overall stance (single): A warming, cooling, mixed, warming; B warming, cooling, warming,
    (nothing: missing). Three documents both labelled: p_o = 2/3; A's marginals w 1, c 1, m 1;
    B's w 2, c 1; p_e = (1·2 + 1·1)/9 = 1/3; κ = (2/3 − 1/3)/(2/3) = 1/2.

    Topic (multiple), each choice yes/no: doc 1 A {Military, Economy}, B {Military}; doc 2 both
    {Diplomacy}. Six questions, five agree; A said yes 3 times, B 2: p_e = (3·2 + 3·4)/36 = 1/2,
    κ = (5/6 − 1/2)/(1/2) = 2/3. α: 12 values, 5 yes 7 no; D_o = 2/12 = 1/6;
    D_e = 2·5·7/132 = 35/66; α = 1 − 66/210 = 24/35.
    """
    labels = []
    for doc, value in enumerate(["warming", "cooling", "mixed", "warming"], start=1):
        labels.append(DocumentLabelRecord(doc, A, OVERALL.id, value))
    for doc, value in enumerate(["warming", "cooling", "warming"], start=1):
        labels.append(DocumentLabelRecord(doc, B, OVERALL.id, value))
    for doc, who, topics in (
        (1, A, ["Military", "Economy"]),
        (1, B, ["Military"]),
        (2, A, ["Diplomacy"]),
        (2, B, ["Diplomacy"]),
    ):
        labels += [DocumentLabelRecord(doc, who, TOPIC.id, t) for t in topics]
    figures = scheme_figures(_data([], labels=labels), [A, B])
    overall, topic = figures.doc_labels
    assert overall.name == "Overall stance" and overall.documents == 3
    assert overall.cohen_kappa == pytest.approx(1 / 2)
    assert topic.multiple and topic.documents == 2
    assert topic.cohen_kappa == pytest.approx(2 / 3)
    assert topic.krippendorff_alpha == pytest.approx(24 / 35)


def test_span_units_join_best_overlaps_first_one_span_per_annotator() -> None:
    spans = [
        SpanRow(1, 1, A, CLAIM, 0, 10),
        SpanRow(2, 1, A, CLAIM, 8, 20),
        SpanRow(3, 1, B, CLAIM, 9, 20),  # overlaps both of A's: joins the closer (2)
        SpanRow(4, 1, B, SOURCE, 0, 10),  # another label: never with 1
    ]
    units = span_units(spans, overlap=True)
    assert units[3] == units[2] == 2 and units[1] == 1 and units[4] == 4
    assert span_units(spans, overlap=False) == {1: 1, 2: 2, 3: 3, 4: 4}
