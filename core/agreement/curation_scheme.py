"""What curation shows beyond spans: attribute values, relations and document labels that the
chosen annotators do not all share, compared with the gold set (plain values, no project).

- An **attribute row**: a candidate span two or more chosen annotators have exactly, whose
  values of one attribute (defaults applied) differ between them.
- A **relation row**: a distinct (type, source span, target span) among the chosen annotators'
  relations (an undirected type's two ends in either order count as one), with who has it and
  whether gold has it; rows that not every chosen annotator has are disagreements.
- A **document label row**: one set, each chosen annotator's choices and gold's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from claimdesk.core.agreement.curation import Candidate, SpanKey
from claimdesk.core.records import (
    AttributeRecord,
    DocLabelSetRecord,
    DocumentLabelRecord,
    RelationRecord,
    RelationTypeRecord,
    SchemeRecords,
)
from claimdesk.core.scheme import display_value


def _shown(value: Any) -> str:
    return display_value(value) or "(none)"


def _effective(attribute: AttributeRecord, values: Mapping[int, Any]) -> Any:
    value = values.get(attribute.id)
    return attribute.default if value is None else value


@dataclass(frozen=True)
class AttributeRow:
    """Chosen annotators who have one span exactly but give one of its attributes other values."""

    key: SpanKey
    quote: str
    attribute: AttributeRecord
    values: dict[int, Any]  # annotator id -> value (default applied), in the annotators' order
    sources: dict[int, int]  # annotator id -> their annotation id
    gold_id: int | None  # the gold span, if accepted
    gold_value: Any = None  # its value (default applied), when in gold

    @property
    def choices(self) -> list[Any]:
        """The distinct values given, in the order of the first annotator giving each."""
        found: list[Any] = []
        for value in self.values.values():
            if value not in found:
                found.append(value)
        return found

    def text(self, names: Mapping[int, str]) -> str:
        """ "Stance: Ana positive · Ben negative" (and "· gold positive" when in gold)."""
        parts = [f"{names.get(a, a)} {_shown(v)}" for a, v in self.values.items()]
        if self.gold_id is not None:
            parts.append(f"gold {_shown(self.gold_value)}")
        return f"{self.attribute.name}: " + " · ".join(parts)


@dataclass(frozen=True)
class RelationRow:
    """One distinct relation among the chosen annotators (or only in gold)."""

    type: RelationTypeRecord
    source: SpanKey
    target: SpanKey
    source_quote: str
    target_quote: str
    holders: dict[int, int]  # annotator id -> their relation id
    chosen: int  # how many annotators were compared
    gold_id: int | None = None  # gold's relation, if accepted
    # The gold spans at the two ends (None: not in gold yet; accepting the relation adds them)
    gold_source: int | None = None
    gold_target: int | None = None

    @property
    def support(self) -> int:
        return len(self.holders)

    @property
    def disputed(self) -> bool:
        return self.support < self.chosen

    def text(self, names: Mapping[int, str]) -> str:
        arrow = "→" if self.type.directed else "↔"
        who = ", ".join(str(names.get(a, a)) for a in self.holders) or "nobody"
        return (
            f"{self.type.name}: “{self.source_quote}” {arrow} “{self.target_quote}” "
            f"({who}{'; in gold' if self.gold_id is not None else ''})"
        )


@dataclass(frozen=True)
class DocLabelRow:
    """One document label set: each chosen annotator's choices and gold's."""

    label_set: DocLabelSetRecord
    values: dict[int, tuple[str, ...]]  # annotator id -> choices in the set's order
    gold: tuple[str, ...] = ()

    @property
    def agreed(self) -> bool:
        return len(set(self.values.values())) <= 1

    @property
    def choices(self) -> list[tuple[str, ...]]:
        found: list[tuple[str, ...]] = []
        for value in self.values.values():
            if value not in found:
                found.append(value)
        return found

    def text(self, names: Mapping[int, str]) -> str:
        parts = [f"{names.get(a, a)} {', '.join(v) or '(none)'}" for a, v in self.values.items()]
        parts.append(f"gold {', '.join(self.gold) or '(none)'}")
        return f"{self.label_set.name}: " + " · ".join(parts)


@dataclass(frozen=True)
class SchemeCuration:
    """The rows the curation view lists beside its candidate spans."""

    attributes: list[AttributeRow] = field(default_factory=list)
    relations: list[RelationRow] = field(default_factory=list)
    doc_labels: list[DocLabelRow] = field(default_factory=list)


def relation_key(
    type_record: RelationTypeRecord, source: SpanKey, target: SpanKey
) -> tuple[int, SpanKey, SpanKey]:
    """One relation's identity across annotators; an undirected type's ends in text order."""
    if not type_record.directed and target < source:
        source, target = target, source
    return (type_record.id, source, target)


def scheme_curation(
    candidates: Sequence[Candidate],
    annotators: Sequence[int],
    gold_id: int,
    scheme: SchemeRecords,
    values: Mapping[int, Mapping[int, Any]],
    relations: Iterable[RelationRecord],
    doc_labels: Iterable[DocumentLabelRecord],
) -> SchemeCuration:
    """The rows for one document.

    ``candidates`` come from ``curation_lanes``; ``annotators`` are the chosen ids in order;
    ``values`` annotation id -> attribute id -> explicit value (everyone's); ``relations`` and
    ``doc_labels`` everyone's in the document (others than the chosen and gold are ignored).
    """
    chosen = list(annotators)
    keys: dict[int, SpanKey] = {}  # annotation id -> its span (chosen annotators and gold)
    quotes: dict[SpanKey, str] = {}
    gold_spans: dict[SpanKey, int] = {}
    for candidate in candidates:
        quotes[candidate.key] = candidate.quote
        for annotation_id in candidate.holders.values():
            keys[annotation_id] = candidate.key
        if candidate.gold_id is not None:
            keys[candidate.gold_id] = candidate.key
            gold_spans[candidate.key] = candidate.gold_id

    attribute_rows: list[AttributeRow] = []
    for candidate in candidates:
        holders = {a: candidate.holders[a] for a in chosen if a in candidate.holders}
        if len(holders) < 2:
            continue
        for attribute in scheme.attributes_of(candidate.label_id):
            given = {a: _effective(attribute, values.get(i, {})) for a, i in holders.items()}
            if len({repr(v) for v in given.values()}) < 2:
                continue
            gold_value = (
                _effective(attribute, values.get(candidate.gold_id, {}))
                if candidate.gold_id is not None
                else None
            )
            attribute_rows.append(
                AttributeRow(
                    candidate.key,
                    candidate.quote,
                    attribute,
                    given,
                    holders,
                    candidate.gold_id,
                    gold_value,
                )
            )

    types = {t.id: t for t in scheme.relation_types}
    holders_of: dict[tuple[int, SpanKey, SpanKey], dict[int, int]] = {}
    gold_relations: dict[tuple[int, SpanKey, SpanKey], int] = {}
    wanted = set(chosen)
    for relation in relations:
        type_record = types.get(relation.type_id)
        source, target = keys.get(relation.source_id), keys.get(relation.target_id)
        if type_record is None or source is None or target is None:
            continue
        key = relation_key(type_record, source, target)
        if relation.annotator_id == gold_id:
            gold_relations[key] = relation.id
            holders_of.setdefault(key, {})
        elif relation.annotator_id in wanted:
            holders_of.setdefault(key, {}).setdefault(relation.annotator_id, relation.id)
    relation_rows = [
        RelationRow(
            types[type_id],
            source,
            target,
            quotes.get(source, ""),
            quotes.get(target, ""),
            {a: found[a] for a in chosen if a in found},
            len(chosen),
            gold_relations.get((type_id, source, target)),
            gold_spans.get(source),
            gold_spans.get(target),
        )
        for (type_id, source, target), found in sorted(
            holders_of.items(),
            key=lambda item: (item[0][1], item[0][2], types[item[0][0]].position),
        )
    ]

    chosen_labels: dict[tuple[int, int], set[str]] = {}
    for label in doc_labels:
        if label.annotator_id in wanted or label.annotator_id == gold_id:
            chosen_labels.setdefault((label.set_id, label.annotator_id), set()).add(label.value)
    label_rows: list[DocLabelRow] = []
    for label_set in scheme.doc_label_sets:

        def ordered(values: set[str], label_set: DocLabelSetRecord = label_set) -> tuple[str, ...]:
            known = [c for c in label_set.choices if c in values]
            return tuple(known + sorted(values - set(known)))

        given = {a: ordered(chosen_labels.get((label_set.id, a), set())) for a in chosen}
        gold = ordered(chosen_labels.get((label_set.id, gold_id), set()))
        if any(given.values()) or gold:
            label_rows.append(DocLabelRow(label_set, given, gold))
    return SchemeCuration(attribute_rows, relation_rows, label_rows)
