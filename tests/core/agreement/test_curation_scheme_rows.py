"""Curation beyond spans, on plain values: which attribute values, relations and document labels
the chosen annotators do not share."""

from __future__ import annotations

from claimdesk.core.agreement.curation import Candidate
from claimdesk.core.agreement.curation_scheme import scheme_curation
from claimdesk.core.records import (
    AttributeRecord,
    DocLabelSetRecord,
    DocumentLabelRecord,
    RelationRecord,
    RelationTypeRecord,
    SchemeRecords,
)

ANA, BEN, CLEO, GOLD = 1, 2, 3, 9
CLAIM, SOURCE = 10, 11
STANCE = AttributeRecord(
    1, CLAIM, "Stance", "choice", ("positive", "negative", "neutral"), default="neutral"
)
WORTHY = AttributeRecord(2, CLAIM, "Check-worthy", "bool", default=False)
ATTRIBUTED = RelationTypeRecord(
    5, "attributed to", "#7f7f7f", source_label_ids=(CLAIM,), target_label_ids=(SOURCE,)
)
SAME = RelationTypeRecord(6, "same event", "#2ca02c", directed=False, position=1)
TOPIC = DocLabelSetRecord(7, "Topic", True, ("Military", "Economy", "Diplomacy"))
OVERALL = DocLabelSetRecord(8, "Overall stance", False, ("warming", "cooling", "mixed"), position=1)
SCHEME = SchemeRecords((STANCE, WORTHY), (ATTRIBUTED, SAME), (TOPIC, OVERALL))

# Three spans everyone marked (annotation ids: annotator * 100 + n); the source is in gold.
C1 = Candidate(0, 10, CLAIM, "Peking says", {ANA: 101, BEN: 201, CLEO: 301}, {}, None, 3)
C2 = Candidate(20, 30, CLAIM, "Moscow says", {ANA: 102, BEN: 202, CLEO: 302}, {}, None, 3)
S1 = Candidate(40, 50, SOURCE, "diplomats", {ANA: 103, BEN: 203, CLEO: 303}, {}, 903, 3)
CANDIDATES = [C1, C2, S1]


def rel(i: int, who: int, kind: RelationTypeRecord, source: int, target: int) -> RelationRecord:
    return RelationRecord(i, 1, who, kind.id, source, target)


def test_rows_show_what_the_annotators_do_not_share() -> None:
    values = {
        101: {1: "positive"},
        201: {1: "negative"},  # Stance differs on C1
        301: {},  # Cleo left it: the default, neutral
        102: {2: True},
        202: {2: True},
        302: {2: True},  # everyone agrees on C2: no row
    }
    relations = [
        rel(1, ANA, ATTRIBUTED, 101, 103),
        rel(2, BEN, ATTRIBUTED, 201, 203),
        rel(3, CLEO, ATTRIBUTED, 301, 303),  # everyone: agreed
        rel(4, ANA, SAME, 101, 102),
        rel(5, BEN, SAME, 202, 201),  # the same undirected relation, ends the other way
    ]
    labels = [
        DocumentLabelRecord(1, ANA, TOPIC.id, "Military"),
        DocumentLabelRecord(1, BEN, TOPIC.id, "Military"),
        DocumentLabelRecord(1, BEN, TOPIC.id, "Diplomacy"),
        DocumentLabelRecord(1, GOLD, TOPIC.id, "Military"),
    ]
    rows = scheme_curation(CANDIDATES, [ANA, BEN, CLEO], GOLD, SCHEME, values, relations, labels)
    names = {ANA: "Ana", BEN: "Ben", CLEO: "Cleo"}

    [stance] = rows.attributes
    assert stance.text(names) == "Stance: Ana positive · Ben negative · Cleo neutral"
    assert stance.choices == ["positive", "negative", "neutral"]
    assert stance.sources == {ANA: 101, BEN: 201, CLEO: 301}

    same, agreed = rows.relations  # in text order of their ends
    assert (agreed.type, agreed.support, agreed.disputed) == (ATTRIBUTED, 3, False)
    assert (same.type, same.support, same.disputed) == (SAME, 2, True)
    assert same.text(names) == "same event: “Peking says” ↔ “Moscow says” (Ana, Ben)"
    # Neither end is in gold yet; the source of the agreed one is.
    assert (same.gold_source, same.gold_target) == (None, None)
    assert (agreed.gold_source, agreed.gold_target) == (None, 903)

    [topic] = rows.doc_labels  # nobody labelled the overall stance: no row
    assert not topic.agreed
    assert topic.text(names) == (
        "Topic: Ana Military · Ben Military, Diplomacy · Cleo (none) · gold Military"
    )


def test_gold_values_and_relations_are_shown_beside() -> None:
    gold_c1 = Candidate(0, 10, CLAIM, "Peking says", {ANA: 101, BEN: 201}, {}, 901, 2)
    values = {101: {1: "positive"}, 201: {1: "negative"}, 901: {1: "negative"}}
    gold_s1 = Candidate(40, 50, SOURCE, "diplomats", {ANA: 103}, {}, 903, 2)
    relations = [rel(1, ANA, ATTRIBUTED, 101, 103), rel(9, GOLD, ATTRIBUTED, 901, 903)]
    rows = scheme_curation([gold_c1, gold_s1], [ANA, BEN], GOLD, SCHEME, values, relations, [])
    [stance] = rows.attributes
    assert stance.text({ANA: "Ana", BEN: "Ben"}).endswith("· gold negative")
    [relation] = rows.relations
    assert (relation.gold_id, relation.holders, relation.disputed) == (9, {ANA: 1}, True)
