"""The sample codebook's attributes and document label sets as plain records, for widget tests
that need no project."""

from __future__ import annotations

from claimdesk.core.records import (
    AttributeRecord,
    DocLabelSetRecord,
    LabelRecord,
    RelationTypeRecord,
    SchemeRecords,
)

CLAIM = LabelRecord(1, "Diplomatic normalisation", "#e377c2", shortcut="8")
SOURCE = LabelRecord(2, "Source attribution", "#7f7f7f", shortcut="9")
STANCE = AttributeRecord(
    10,
    CLAIM.id,
    "Stance",
    "choice",
    ("positive", "negative", "neutral"),
    ("p", "n", "u"),
    default="neutral",
    shortcut="s",
)
CERTAINTY = AttributeRecord(
    11,
    CLAIM.id,
    "Certainty",
    "choice",
    ("asserted", "hedged", "reported"),
    ("a", "h", "r"),
    default="asserted",
    shortcut="c",
    position=1,
)
WORTHY = AttributeRecord(12, CLAIM.id, "Check-worthy", "bool", default=False, shortcut="w")
SCORE = AttributeRecord(13, CLAIM.id, "Confidence", "number", position=3)
ATTRIBUTED = RelationTypeRecord(
    20, "attributed to", "#7f7f7f", source_label_ids=(CLAIM.id,), target_label_ids=(SOURCE.id,)
)
TOPIC = DocLabelSetRecord(30, "Topic", True, ("Military", "Economy", "Diplomacy"))
OVERALL = DocLabelSetRecord(31, "Overall stance", False, ("warming", "cooling", "mixed"))

SCHEME = SchemeRecords(
    attributes=(STANCE, CERTAINTY, WORTHY, SCORE),
    relation_types=(ATTRIBUTED,),
    doc_label_sets=(TOPIC, OVERALL),
)
