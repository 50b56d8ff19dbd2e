"""A small export source with attributes, relations and document labels on awkward text.

The sample codebook's scheme (stance, certainty, check-worthy; "attributed to", "supports",
"contradicts"; Topic, Overall stance) plus a number and a free-text attribute and a several-of
attribute, on a text with an emoji and a CJK character outside the BMP before the spans, two
overlapping spans and a relation from the second paragraph back to the first; two annotators.
"""

from __future__ import annotations

from typing import Any

from claimdesk.core.formats.base import DocLabelOut, DocumentOut, MemorySource, RelationOut, SpanOut
from claimdesk.core.records import LabelRecord
from claimdesk.core.scheme import (
    AttributeKind,
    AttributeSpec,
    DocLabelSpec,
    RelationSpec,
    Scheme,
)

TEXT = (
    "👨‍👩‍👧 𠀋 Ta Kung Pao says Moscow and Peking are warming.\n\n"
    "Western diplomats doubt it; the troop reduction is 200,000 men 🇨🇳."
)
CLAIM_ATTRIBUTES = (
    AttributeSpec(
        "Stance",
        AttributeKind.CHOICE,
        ("positive", "negative", "neutral"),
        ("p", "n", "u"),
        "neutral",
        "How the claim presents relations between China and the Soviet Union.",
        "s",
    ),
    AttributeSpec(
        "Certainty", AttributeKind.CHOICE, ("asserted", "hedged", "reported"), default="asserted"
    ),
    AttributeSpec("Check-worthy", AttributeKind.BOOL, default=False, shortcut="w"),
    AttributeSpec("Themes", AttributeKind.MULTI, ("army", "trade", "border")),
    AttributeSpec("Men", AttributeKind.NUMBER),
    AttributeSpec("Comment", AttributeKind.TEXT),
)
SCHEME = Scheme(
    attributes={"Claim": CLAIM_ATTRIBUTES, "Evidence": CLAIM_ATTRIBUTES[:3]},
    relations=(
        RelationSpec("attributed to", "#7f7f7f", "", True, ("Claim", "Evidence"), ("Source",)),
        RelationSpec("supports", "#2ca02c", "", True, ("Evidence",), ("Claim",)),
        RelationSpec("same event", "#1f77b4", "", False),
    ),
    doc_labels=(
        DocLabelSpec("Topic", True, ("Military", "Economy", "Diplomacy")),
        DocLabelSpec("Overall stance", False, ("warming", "cooling", "mixed")),
    ),
)
LABELS = [
    LabelRecord(1, "Claim", "#1f77b4"),
    LabelRecord(2, "Source", "#ff7f0e"),
    LabelRecord(3, "Evidence", "#2ca02c"),
]


def _span(ident: int, words: str, label: str, annotator: str, nth: int = 0) -> SpanOut:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(words, start + 1)
    end = start + len(words)
    when = "2026-03-04 05:06:07"
    return SpanOut(ident, start, end, label, annotator, "", words, when, when)


SPANS = sorted(
    [
        _span(11, "Ta Kung Pao", "Source", "Ana"),
        _span(12, "Moscow and Peking are warming", "Claim", "Ana"),
        _span(13, "Peking are warming", "Evidence", "Ana"),  # overlaps 12
        _span(14, "Western diplomats", "Source", "Ana"),
        _span(15, "the troop reduction is 200,000 men 🇨🇳", "Claim", "Ana"),
        _span(21, "Ta Kung Pao", "Source", "Bo Ødegård"),
        _span(22, "Moscow and Peking are warming", "Claim", "Bo Ødegård"),
    ],
    key=lambda s: (s.start, s.end, s.label),
)
ATTRIBUTES: dict[int, dict[str, Any]] = {
    12: {
        "Stance": "positive",
        "Certainty": "reported",
        "Check-worthy": True,
        "Themes": ("army", "border"),
        "Men": 1.5,
        "Comment": "😀 quoted from 𠀋 page 2\nsecond line",
    },
    13: {"Stance": "neutral", "Certainty": "asserted", "Check-worthy": False},
    15: {
        "Stance": "negative",
        "Certainty": "hedged",
        "Check-worthy": False,
        "Themes": (),
        "Men": 200000,
    },
    22: {"Stance": "neutral", "Certainty": "asserted", "Check-worthy": False},
}
RELATIONS = [
    RelationOut(1, "attributed to", 12, 11, "Ana"),
    RelationOut(2, "supports", 13, 12, "Ana"),
    RelationOut(3, "attributed to", 15, 14, "Ana"),  # second paragraph
    RelationOut(4, "same event", 15, 12, "Ana"),  # across paragraphs, undirected
    RelationOut(5, "attributed to", 22, 21, "Bo Ødegård"),
]
DOC_LABELS = [
    DocLabelOut("Overall stance", "mixed", "Ana"),
    DocLabelOut("Topic", "Diplomacy", "Ana"),
    DocLabelOut("Topic", "Military", "Ana"),
    DocLabelOut("Topic", "Economy", "Carl"),  # an annotator with no span
]


def document(ident: int = 7) -> DocumentOut:
    return DocumentOut(
        ident,
        "Warming?",
        "Ta Kung Pao",
        "1958-01-02",
        {},
        TEXT,
        list(SPANS),
        dict(ATTRIBUTES),
        list(RELATIONS),
        list(DOC_LABELS),
    )


def source(scheme: Scheme = SCHEME) -> MemorySource:
    return MemorySource("Richer", list(LABELS), ["Ana", "Bo Ødegård", "Carl"], [document()], scheme)


def expected_attributes() -> set[tuple[str, str, int, int, str, Any]]:
    """(annotator, label, start, end, attribute, value) of every value, multis as tuples."""
    by_id = {s.id: s for s in SPANS}
    return {
        (by_id[i].annotator, by_id[i].label, by_id[i].start, by_id[i].end, name, value)
        for i, values in ATTRIBUTES.items()
        for name, value in values.items()
    }


def expected_relations() -> set[tuple[str, str, str, str]]:
    """(annotator, type, source words, target words)."""
    by_id = {s.id: s for s in SPANS}
    return {(r.annotator, r.type, by_id[r.source].quote, by_id[r.target].quote) for r in RELATIONS}
