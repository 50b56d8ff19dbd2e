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
from dataclasses import dataclass, field, replace
from typing import Any

from claimdesk.core.agreement.curation import Candidate, Curation, SpanKey, gold_copy
from claimdesk.core.errors import EditError
from claimdesk.core.records import (
    AttributeRecord,
    Changes,
    DocLabelSetRecord,
    DocumentLabelRecord,
    RelationRecord,
    RelationTypeRecord,
    SchemeRecords,
)
from claimdesk.core.scheme import display_value
from claimdesk.core.store.curation import GoldRelation, IntoGold, ensure_gold_set
from claimdesk.core.store.project import Project


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


# -- reading a document and accepting into gold (through the project) -------------------------


def scheme_rows(
    project: Project, curation: Curation, scheme: SchemeRecords | None = None
) -> SchemeCuration:
    """The rows of ``curation``'s document (nothing to read when the codebook has no
    attributes, relation types or document label sets); ``scheme``: the project's, if read."""
    scheme = project.scheme() if scheme is None else scheme
    if not (scheme.attributes or scheme.relation_types or scheme.doc_label_sets):
        return SchemeCuration()
    document_id = curation.document_id
    return scheme_curation(
        curation.candidates,
        [a.id for a in curation.annotators],
        curation.gold.id,
        scheme,
        project.attribute_values(document_id, None) if scheme.attributes else {},
        project.relations(document_id, None) if scheme.relation_types else [],
        project.document_labels(document_id, None) if scheme.doc_label_sets else [],
    )


def accept_attribute(project: Project, row: AttributeRow, value: Any) -> Changes:
    """Put ``value`` of ``row``'s attribute into gold. A span not yet in gold is accepted with
    it (the span of an annotator who gave that value, with their other values), in one step."""
    gold = ensure_gold_set(project)
    if row.gold_id is not None:
        return project.set_attribute([row.gold_id], row.attribute.id, value)
    source = next((i for a, i in row.sources.items() if row.values.get(a) == value), None)
    if source is None:
        raise EditError(f"No annotator gave {row.attribute.name} this value here.")
    span = gold_copy(project, source)
    values = tuple((a, v) for a, v in span.values if a.id != row.attribute.id)
    span = replace(span, values=(*values, (row.attribute, value)))
    description = f"Accept span with its {row.attribute.name} into gold"
    return project.apply(IntoGold(description, span.document_id, gold.id, [span]))


def accept_relation(project: Project, document_id: int, row: RelationRow) -> Changes:
    """Put a relation into gold; its ends not yet in gold go in with it (each as the relation's
    first annotator marked it, with their attribute values), in one step."""
    if row.gold_id is not None:
        raise EditError("This relation is already in the gold set.")
    if not row.holders:
        raise EditError("No annotator made this relation.")
    if not row.type.allows(row.source[2], row.target[2]):
        raise EditError(f"“{row.type.name}” does not link spans with these labels any more.")
    gold = ensure_gold_set(project)
    annotator, relation_id = next(iter(row.holders.items()))
    relation = next(
        (r for r in project.relations(document_id, annotator) if r.id == relation_id), None
    )
    if relation is None:
        raise EditError("That relation no longer exists.")
    scheme = project.scheme()
    ends = {}
    for annotation_id in (relation.source_id, relation.target_id):
        span = gold_copy(project, annotation_id, scheme)
        ends[span.key] = span
    missing = [
        ends[key]
        for key, in_gold in ((row.source, row.gold_source), (row.target, row.gold_target))
        if in_gold is None and key in ends
    ]
    missing = list({span.key: span for span in missing}.values())
    add = GoldRelation(row.type.id, row.source, row.target)
    if row.source not in ends or row.target not in ends:
        # The annotator's relation runs the other way round (an undirected type): keep theirs.
        add = GoldRelation(row.type.id, row.target, row.source)
    return project.apply(
        IntoGold(f"Accept “{row.type.name}” into gold", document_id, gold.id, missing, (), [add])
    )


def reject_relation(project: Project, row: RelationRow) -> Changes:
    """Take a relation out of the gold set (its ends stay)."""
    if row.gold_id is None:
        raise EditError("This relation is not in the gold set: there is nothing to remove.")
    return project.delete_relations([row.gold_id])


def accept_document_labels(
    project: Project, document_id: int, row: DocLabelRow, values: Sequence[str]
) -> Changes:
    """Make gold's choices of ``row``'s set these ``values`` (those of one annotator)."""
    gold = ensure_gold_set(project)
    return project.set_document_labels(document_id, gold.id, row.label_set.id, list(values))
