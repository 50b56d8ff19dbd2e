"""The awkward exchange documents with attributes, relations and document labels."""

from __future__ import annotations

from dataclasses import replace

from claimdesk.core.formats.base import DocLabelOut, MemorySource, RelationOut
from claimdesk.core.scheme import AttributeKind, AttributeSpec, DocLabelSpec, RelationSpec, Scheme
from tests.core.formats.exchange_samples import awkward_source

STANCE = AttributeSpec(
    "Stance", AttributeKind.CHOICE, ("positive", "negative", "neutral"), default="neutral"
)
TAGS = AttributeSpec("Tags", AttributeKind.MULTI, ("=cmd", "x, y", "税金 🙂"))
WORTHY = AttributeSpec("Check-worthy", AttributeKind.BOOL, default=False)
SCORE = AttributeSpec("Score", AttributeKind.NUMBER)
COMMENT = AttributeSpec("Comment", AttributeKind.TEXT)
# The opinion label has a Stance too, with other choices: the same name means something else.
OPINION_STANCE = AttributeSpec("Stance", AttributeKind.CHOICE, ("for", "against"))

SCHEME = Scheme(
    attributes={
        "Factual claim": (STANCE, TAGS, WORTHY, SCORE, COMMENT),
        "主张 (opinion)": (OPINION_STANCE,),
    },
    relations=(
        RelationSpec("supports", "#2ca02c", "Evidence for a claim", directed=True),
        RelationSpec("same event", "#7f7f7f", directed=False),
        RelationSpec("attributed to", "#123456", sources=("Factual claim",)),
    ),
    doc_labels=(
        DocLabelSpec("Topic", multiple=True, choices=("Military", "Economy", "Diplomacy")),
        DocLabelSpec("Overall stance", choices=("warming", "=cooling", "mixed")),
    ),
)


def rich_source(project: str = "Claims & <co>") -> MemorySource:
    """awkward_source() with attribute values (defaults applied, as exports get them),
    relations (one across the CRLF paragraph break, one undirected) and document labels."""
    source = awkward_source(project)
    doc1, doc2 = source.docs
    attributes = {
        1: {"Stance": "negative", "Tags": ("=cmd", "x, y"), "Check-worthy": True, "Score": -2.5,
            "Comment": "=HYPERLINK(\"x\")\r\n<b>b</b> 🙂"},
        2: {"Stance": "against"},
        3: {"Stance": "neutral", "Check-worthy": False, "Score": 3},
        5: {"Stance": "positive", "Tags": ("税金 🙂",), "Check-worthy": False},
    }  # fmt: skip
    relations = [
        RelationOut(11, "supports", 2, 1, "ana"),
        RelationOut(12, "same event", 5, 1, "ana"),  # across the paragraph break
        RelationOut(13, "attributed to", 3, 4, "Bo Ødegård"),
    ]
    labels1 = [
        DocLabelOut("Overall stance", "=cooling", "ana"),
        DocLabelOut("Topic", "Economy", "ana"),
        DocLabelOut("Topic", "Diplomacy", "ana"),
        DocLabelOut("Topic", "Military", "Bo Ødegård"),
    ]
    source.docs = [
        replace(doc1, attributes=attributes, relations=relations, doc_labels=labels1),
        replace(doc2, doc_labels=[DocLabelOut("Overall stance", "mixed", "ana")]),
    ]
    source.scheme = SCHEME
    return source
