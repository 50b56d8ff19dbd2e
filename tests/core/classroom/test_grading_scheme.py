"""Grading attributes, relations and document labels beside the spans: a worked example by hand."""

from __future__ import annotations

from datetime import datetime
from html.parser import HTMLParser

from claimdesk.core.classroom.feedback import feedback_html
from claimdesk.core.classroom.grading import (
    Claim,
    ClassGrades,
    GradedDocument,
    GradedLabel,
    SchemeInput,
    grade_student,
)
from claimdesk.core.classroom.scheme_grading import (
    GradedDocLabels,
    GradedRelation,
    Tally,
    grade_attributes,
)

CLAIM = GradedLabel(1, "Claim", "#1f77b4", "A statement put as fact.")
SOURCE = GradedLabel(2, "Source attribution", "#ff7f0e", "Who says it.")
TEXT = "Moscow is warm. Peking is cold and <b>angry</b>. Western diplomats said so, loudly. " * 2

# The key: two claims and their source in document 1.
K1 = Claim(1, 1, "Claim", 0, 10, TEXT[0:10], ref=101)
K2 = Claim(1, 1, "Claim", 20, 30, TEXT[20:30], ref=102)
K3 = Claim(1, 2, "Source attribution", 40, 50, TEXT[40:50], ref=103)
# The student: K1 exactly, K2 by overlap, K3 exactly, and one claim the key does not have.
S1 = Claim(1, 1, "Claim", 0, 10, TEXT[0:10], ref=201)
S2 = Claim(1, 1, "Claim", 22, 30, TEXT[22:30], ref=202)
S3 = Claim(1, 2, "Source attribution", 40, 50, TEXT[40:50], ref=203)
S4 = Claim(1, 1, "Claim", 60, 70, TEXT[60:70], ref=204)


def relation(
    type_name: str, source: Claim, target: Claim, directed: bool = True
) -> GradedRelation[Claim]:
    return GradedRelation(1, type_name, source, target, directed)


def labels(document: int, set_name: str, *values: str) -> GradedDocLabels:
    return GradedDocLabels(document, set_name, frozenset(values))


SCHEME = SchemeInput(
    key_id=9,
    values={
        K1: {"Stance": "positive", "Certainty": "asserted"},
        K2: {"Stance": "negative", "Certainty": "hedged"},
        S1: {"Stance": "positive", "Certainty": "reported"},  # certainty wrong
        S2: {"Stance": "negative", "Certainty": "hedged"},
        S4: {"Stance": "neutral", "Certainty": "asserted"},  # unmatched: not scored
    },
    relations={
        9: [
            relation("attributed to", K1, K3),
            relation("attributed to", K2, K3),
            relation("supports", K1, K2),
            relation("same event", K1, K2, directed=False),
        ],
        5: [
            relation("attributed to", S1, S3),  # right
            relation("attributed to", S3, S2),  # the wrong way round
            relation("same event", S2, S1, directed=False),  # right: undirected
            relation("attributed to", S4, S3),  # S4 matches nothing in the key
        ],
    },
    doc_labels={
        9: [
            labels(1, "Topic", "Military", "Diplomacy"),
            labels(1, "Overall stance", "cooling"),
            labels(2, "Topic", "Economy"),
        ],
        5: [
            labels(1, "Topic", "Military"),  # one of two: wrong
            labels(1, "Overall stance", "cooling"),  # right
            labels(2, "Topic", "Economy"),  # right
            labels(2, "Overall stance", "warming"),  # the key labelled none: wrong
        ],
    },
    attribute_names=("Stance", "Certainty", "Check-worthy"),
    relation_types=("attributed to", "supports", "contradicts", "same event"),
    doc_label_sets=("Topic", "Overall stance"),
)


def graded() -> ClassGrades:
    student = grade_student(
        5,
        "Ana (s1)",
        "Ana",
        "s1",
        datetime(2026, 1, 5, 10, 0),
        600,
        (S1, S2, S3, S4),
        (K1, K2, K3),
        (CLAIM, SOURCE),
        None,
        SCHEME,
    )
    documents = (GradedDocument(1, "Cold war <i>news</i>", TEXT), GradedDocument(2, "Second", TEXT))
    return ClassGrades(
        "e" * 32, "Stance drill", None, "Key", (CLAIM, SOURCE), documents, (K1, K2, K3), (student,)
    )


def test_worked_example_by_hand() -> None:
    student = graded().students[0]
    # Spans as before: 3 of 4 matched by overlap (2 exactly); the new parts leave them alone.
    assert (student.overlap.tp, student.overlap.fp, student.overlap.fn) == (3, 1, 0)
    assert (student.exact.tp, student.exact.fp, student.exact.fn) == (2, 2, 1)
    scheme = student.scheme
    # Attributes over the 3 matched pairs; the source span has none. Stance 2/2, Certainty 1/2.
    tallies = {name: (t.right, t.counted) for name, t in scheme.attributes}
    assert tallies == {"Stance": (2, 2), "Certainty": (1, 2)}
    assert [name for name, _ in scheme.attributes] == ["Stance", "Certainty"]  # codebook order
    assert scheme.attribute_total.accuracy == 3 / 4
    [miss] = scheme.attribute_misses
    assert (miss.mine, miss.key, miss.text) == (S1, K1, "Certainty: you reported · key asserted")
    # Relations: 2 right of the student's 4, 2 of the key's 4 found.
    relations = scheme.relations
    assert (relations.tp, relations.fp, relations.fn) == (2, 2, 2)
    assert relations.precision == relations.recall == relations.f1 == 0.5
    per_type = {name: (c.tp, c.fp, c.fn) for name, c in scheme.relation_types}
    assert per_type == {"attributed to": (1, 2, 1), "supports": (0, 0, 1), "same event": (1, 0, 0)}
    assert dict(scheme.relation_types)["attributed to"].f1 == 2 / 5
    assert {(r.type_name, r.source, r.target) for r in scheme.missed_relations} == {
        ("attributed to", K2, K3),
        ("supports", K1, K2),
    }
    # Document labels: Topic right in document 2 only; Overall stance right in document 1 only.
    sets = {name: (t.right, t.counted) for name, t in scheme.doc_labels}
    assert sets == {"Topic": (1, 2), "Overall stance": (1, 2)}


def test_nothing_to_score_without_a_scheme() -> None:
    key = (K1,)
    student = grade_student(5, "A", "A", "", datetime(2026, 1, 1), 0, (S1,), key, (CLAIM,), None)
    assert not student.scheme.used
    assert student.scheme.attribute_total.accuracy is None


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def test_feedback_page_shows_them_per_document() -> None:
    page = feedback_html(graded(), 5)
    reader = _Text()
    reader.feed(page)
    text = " ".join(" ".join(reader.parts).split())
    # Beside the span scores, never in their total (and the page says so).
    assert "Stance 100% (2 of 2)" in text
    assert "Certainty 50% (1 of 2)" in text
    assert "Relations P 50% R 50% F1 50%" in text
    assert "Topic 50% (1 of 2)" in text
    assert "not part of the span scores" in text
    # Per document: the wrong attribute, the missed and extra relations, the document labels.
    assert "Certainty: you reported · key asserted" in text
    assert "Missed relations (2)" in text
    assert "Relations not in the key (2)" in text
    assert "Topic: you Military · key Diplomacy, Military ✗" in text
    assert "Overall stance: you warming · key (none) ✗" in text
    assert "<i>" not in page and "<b>angry" not in page  # still escaped


def test_attribute_tallies_count_shared_defaults_once_per_pair_in_the_order_met() -> None:
    defaults = {"a": 1, "z": 2}  # one label's defaults, shared by the spans that keep them
    m1, k1, m2, k2, m3, k3 = (Claim(1, 1, "Claim", n, n + 1, "", n) for n in range(6))
    values = {m1: defaults, k1: defaults, m3: defaults, k3: defaults}
    values |= {m2: {"b": 1}, k2: {"b": 2, "c": 3}}
    tallies, misses = grade_attributes([(m1, k1), (m2, k2), (m3, k3)], values)
    assert tallies == (
        ("a", Tally(2, 2)),
        ("z", Tally(2, 2)),
        ("b", Tally(0, 1)),
        ("c", Tally(0, 1)),
    )
    assert [(miss.attribute, miss.my_value, miss.key_value) for miss in misses] == [
        ("b", 1, 2),
        ("c", None, 3),
    ]
