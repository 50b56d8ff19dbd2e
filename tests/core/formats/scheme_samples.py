"""A small claims scheme with every kind of attribute, relation types and document labels, on
awkward text: for the brat and UIMA XMI tests of attributes and relations.

The text has flag and family emoji (several UTF-16 units each) before the first span, CRLF line
endings, overlapping spans and a relation across paragraphs.
"""

from __future__ import annotations

from typing import Any

from claimdesk.core.formats.base import (
    DocLabelOut,
    DocumentOut,
    MemorySource,
    RelationOut,
    SpanOut,
)
from claimdesk.core.records import LabelRecord
from claimdesk.core.scheme import (
    AttributeKind,
    AttributeSpec,
    DocLabelSpec,
    RelationSpec,
    Scheme,
)

TEXT = (
    "🇨🇳🇷🇺 👨‍👩‍👧 Western diplomats said the arms embargo would stay.\r\n\r\n"
    "Ta Kung Pao reported a troop reduction of 𠀋 200,000 men."
)

CLAIM, SOURCE = "Claim", "Source attribution"
LABELS = [LabelRecord(1, CLAIM, "#4e79a7"), LabelRecord(2, SOURCE, "#f28e2b")]

STANCE = AttributeSpec(
    "Stance",
    AttributeKind.CHOICE,
    ("positive", "negative", "neutral"),
    default="neutral",
    shortcut="s",
)
CHECK = AttributeSpec("Check-worthy", AttributeKind.BOOL, default=False, shortcut="w")
TOPICS = AttributeSpec("Topic areas", AttributeKind.MULTI, ("Military", "Economy", "Diplomacy"))
SCORE = AttributeSpec("Score", AttributeKind.NUMBER)
COMMENT = AttributeSpec("Comment", AttributeKind.TEXT)

ATTRIBUTED = RelationSpec("attributed to", "#7f7f7f", sources=(CLAIM,), targets=(SOURCE,))
SUPPORTS = RelationSpec("supports", "#2ca02c", sources=(CLAIM,), targets=(CLAIM,))
SAME = RelationSpec("same event", "#d62728", directed=False)

SCHEME = Scheme(
    attributes={CLAIM: (STANCE, CHECK, TOPICS, SCORE, COMMENT)},
    relations=(ATTRIBUTED, SUPPORTS, SAME),
    doc_labels=(DocLabelSpec("Topic", multiple=True, choices=("Military", "Economy")),),
)


def at(words: str, after: str = "") -> tuple[int, int]:
    start = TEXT.index(words, TEXT.index(after) if after else 0)
    return start, start + len(words)


def span(ident: int, words: str, label: str, annotator: str = "Ana") -> SpanOut:
    start, end = at(words)
    stamp = "2026-03-04 05:06:07"
    return SpanOut(ident, start, end, label, annotator, "", TEXT[start:end], stamp, stamp)


# ids: 1 diplomats (source), 2 the claim, 3 "arms embargo" inside it, 4 the troop claim in the
# second paragraph, 5 Ta Kung Pao (source); 6 is Ben's.
SPANS = [
    span(1, "Western diplomats", SOURCE),
    span(2, "the arms embargo would stay", CLAIM),
    span(3, "arms embargo", CLAIM),
    span(4, "a troop reduction of 𠀋 200,000 men", CLAIM),
    span(5, "Ta Kung Pao", SOURCE),
    span(6, "arms embargo", CLAIM, "Ben"),
]

ATTRIBUTES: dict[int, dict[str, Any]] = {
    2: {"Stance": "negative", "Check-worthy": True, "Topic areas": ("Military", "Diplomacy"),
        "Score": 0.75, "Comment": "says who? 🤔"},
    3: {"Stance": "neutral", "Check-worthy": False, "Topic areas": ()},
    4: {"Stance": "positive", "Check-worthy": False, "Topic areas": ("Military",), "Score": 3},
    6: {"Stance": "positive", "Check-worthy": True},
}  # fmt: skip

RELATIONS = [
    RelationOut(1, "attributed to", 2, 1, "Ana"),
    RelationOut(2, "same event", 3, 2, "Ana"),
    RelationOut(3, "supports", 4, 2, "Ana"),  # across the paragraph break
    RelationOut(4, "attributed to", 4, 5, "Ana"),
]

DOC_LABELS = [
    DocLabelOut("Topic", "Economy", "Ana"),
    DocLabelOut("Topic", "Military", "Ana"),
    DocLabelOut("Topic", "Military", "Ben"),
]


def document(**changes: Any) -> DocumentOut:
    values: dict[str, Any] = dict(
        id=7, title="Embargo", source="a.txt", date="", meta={}, text=TEXT, spans=SPANS,
        attributes=ATTRIBUTES, relations=RELATIONS, doc_labels=DOC_LABELS,
    )  # fmt: skip
    values.update(changes)
    return DocumentOut(**values)


def source(*docs: DocumentOut) -> MemorySource:
    return MemorySource("Claims", LABELS, ["Ana", "Ben"], list(docs) or [document()], SCHEME)
