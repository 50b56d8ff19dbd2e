"""Grading the richer parts of a claim: attributes, relations and document labels against the key.

Plain values in, plain values out (no project): ``grading.py`` reads the project and hands the
matched span pairs here.

- **Attributes**: over the span pairs the span grading matched (same label, exact or overlap),
  per attribute name, the share of pairs where the student's value (defaults applied) equals
  the key's.
- **Relations**: a student's relation is right when the key has a relation of the same type
  between the key spans the student's two ends were matched to (either way round for an
  undirected type); precision, recall and F1 of these, as for spans.
- **Document labels**: per set, the share of documents where the student's choice (or set of
  choices) equals the key's; a document counts for a set when the key or the student labelled it.

These scores stand beside the span scores; they are not folded into the span total.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from claimdesk.core.scheme import display_value

C = TypeVar("C", bound=Hashable)  # a span: grading's Claim


@dataclass(frozen=True)
class Tally:
    """Right out of counted; ``accuracy`` is None when nothing was counted."""

    right: int = 0
    counted: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.right / self.counted if self.counted else None

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.right + other.right, self.counted + other.counted)


@dataclass(frozen=True)
class Scores:
    """Counts of one matching (spans, or relations whose ends match): right (tp), the
    student's not in the key (fp), the key's not found (fn); precision/recall/F1 from them
    (1.0 when nothing was due)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def used(self) -> bool:
        return bool(self.tp + self.fp + self.fn)

    @property
    def precision(self) -> float:
        if self.tp + self.fp:
            return self.tp / (self.tp + self.fp)
        return 1.0 if self.fn == 0 else 0.0

    @property
    def recall(self) -> float:
        if self.tp + self.fn:
            return self.tp / (self.tp + self.fn)
        return 1.0 if self.fp == 0 else 0.0

    @property
    def f1(self) -> float:
        if self.used:
            return 2 * self.tp / (2 * self.tp + self.fp + self.fn)
        return 1.0


# Relations are scored as spans are.
RelationCounts = Scores


@dataclass(frozen=True)
class GradedRelation(Generic[C]):
    """One relation of the key or of a student, between two of its spans."""

    document_id: int
    type_name: str
    source: C
    target: C
    directed: bool = True


@dataclass(frozen=True)
class GradedDocLabels:
    """One annotator's choices of one set for one document (empty: not labelled)."""

    document_id: int
    set_name: str
    values: frozenset[str]


@dataclass(frozen=True)
class AttributeMiss(Generic[C]):
    """A matched span pair whose values of one attribute differ."""

    mine: C
    key: C
    attribute: str
    my_value: Any
    key_value: Any

    @property
    def text(self) -> str:
        return (
            f"{self.attribute}: you {display_value(self.my_value) or '(none)'} · "
            f"key {display_value(self.key_value) or '(none)'}"
        )


@dataclass(frozen=True)
class DocLabelResult:
    document_id: int
    set_name: str
    mine: frozenset[str]
    key: frozenset[str]

    @property
    def right(self) -> bool:
        return self.mine == self.key


@dataclass(frozen=True)
class SchemeGrades(Generic[C]):
    """Attributes, relations and document labels of one student against the key."""

    attributes: tuple[tuple[str, Tally], ...] = ()  # attribute name → tally, in codebook order
    relations: RelationCounts = field(default_factory=Scores)
    relation_types: tuple[tuple[str, RelationCounts], ...] = ()  # per type, in codebook order
    doc_labels: tuple[tuple[str, Tally], ...] = ()  # set name → tally, in codebook order
    attribute_misses: tuple[AttributeMiss[C], ...] = ()
    missed_relations: tuple[GradedRelation[C], ...] = ()  # the key's, not found
    extra_relations: tuple[GradedRelation[C], ...] = ()  # the student's, not in the key
    doc_label_results: tuple[DocLabelResult, ...] = field(default=())

    @property
    def used(self) -> bool:
        """Whether there is anything to show (the exercise has attributes, relations or sets,
        and someone used them)."""
        return (
            any(t.counted for _, t in self.attributes)
            or self.relations.used
            or any(t.counted for _, t in self.doc_labels)
        )

    @property
    def attribute_total(self) -> Tally:
        total = Tally()
        for _, tally in self.attributes:
            total += tally
        return total

    @property
    def doc_label_total(self) -> Tally:
        total = Tally()
        for _, tally in self.doc_labels:
            total += tally
        return total


def grade_attributes(
    pairs: Iterable[tuple[C, C]],
    values: dict[C, dict[str, Any]],
    names: Sequence[str] = (),
) -> tuple[tuple[tuple[str, Tally], ...], tuple[AttributeMiss[C], ...]]:
    """Per attribute name, how many matched pairs agree; and the pairs that do not.

    ``values``: span → {attribute name: value with its default applied}; the attributes a pair
    is scored on are the key span's (its label's). ``names`` gives the order (codebook order);
    names not in it follow in the order met.
    """
    right: dict[str, int] = defaultdict(int)
    counted: dict[str, int] = defaultdict(int)
    misses: list[AttributeMiss[C]] = []
    # Pairs whose two spans share one mapping (a label's defaults): every value agrees with
    # itself (values are finite: no NaN). Counted per mapping, added up at the end; each
    # name is entered where it is first met, so the order met stays the same.
    shared: dict[int, list[Any]] = {}
    empty: dict[str, Any] = {}
    get = values.get
    for mine, key in pairs:
        key_values = get(key, empty)
        my_values = get(mine, empty)
        if my_values is key_values:
            tally = shared.get(id(key_values))
            if tally is None:
                shared[id(key_values)] = [key_values, 1]
                for name in key_values:
                    counted[name] += 0
            else:
                tally[1] += 1
            continue
        for name, key_value in key_values.items():
            my_value = my_values.get(name)
            counted[name] += 1
            if _same(my_value, key_value):
                right[name] += 1
            else:
                misses.append(AttributeMiss(mine, key, name, my_value, key_value))
    for mapping, times in shared.values():
        for name in mapping:
            counted[name] += times
            right[name] += times
    order = [n for n in names if n in counted] + [n for n in counted if n not in names]
    return tuple((n, Tally(right[n], counted[n])) for n in order), tuple(misses)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return sorted(map(str, a)) == sorted(map(str, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a == b)


def grade_relations(
    mine: Sequence[GradedRelation[C]],
    key: Sequence[GradedRelation[C]],
    pairs: Iterable[tuple[C, C]],
    types: Sequence[str] = (),
) -> tuple[
    RelationCounts,
    tuple[tuple[str, RelationCounts], ...],
    tuple[GradedRelation[C], ...],
    tuple[GradedRelation[C], ...],
]:
    """Relations whose ends match: (total, per type, the key's missed, the student's extra).

    ``pairs`` are the matched (student span, key span) pairs; a student relation whose end was
    not matched to a key span cannot be right.
    """
    to_key = dict(pairs)
    waiting: dict[tuple[int, str, Any, Any], list[GradedRelation[C]]] = defaultdict(list)
    for relation in key:
        waiting[_ends(relation, relation.source, relation.target)].append(relation)
    found: list[GradedRelation[C]] = []
    extra: list[GradedRelation[C]] = []
    for relation in mine:
        source, target = to_key.get(relation.source), to_key.get(relation.target)
        bucket = (
            waiting.get(_ends(relation, source, target))
            if source is not None and target is not None
            else None
        )
        if bucket:
            found.append(bucket.pop(0))
        else:
            extra.append(relation)
    missed = [r for bucket in waiting.values() for r in bucket]
    per_type: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for relation in found:
        per_type[relation.type_name][0] += 1
    for relation in extra:
        per_type[relation.type_name][1] += 1
    for relation in missed:
        per_type[relation.type_name][2] += 1
    order = [t for t in types if t in per_type] + [t for t in per_type if t not in types]
    by_type = tuple((t, RelationCounts(*per_type[t])) for t in order)
    total = RelationCounts(len(found), len(extra), len(missed))
    return total, by_type, tuple(missed), tuple(extra)


def _ends(relation: GradedRelation[C], source: Any, target: Any) -> tuple[int, str, Any, Any]:
    if not relation.directed:
        # Undirected: (a, b) and (b, a) are one relation; order the ends the same way each time.
        source, target = sorted((source, target), key=repr)
    return (relation.document_id, relation.type_name, source, target)


def grade_doc_labels(
    mine: Iterable[GradedDocLabels],
    key: Iterable[GradedDocLabels],
    sets: Sequence[str] = (),
) -> tuple[tuple[tuple[str, Tally], ...], tuple[DocLabelResult, ...]]:
    """Per set, the documents where the student's choices equal the key's (a document counts
    when either labelled it from that set)."""
    chosen: dict[tuple[int, str], list[frozenset[str]]] = defaultdict(
        lambda: [frozenset(), frozenset()]
    )
    for labels in mine:
        chosen[(labels.document_id, labels.set_name)][0] |= labels.values
    for labels in key:
        chosen[(labels.document_id, labels.set_name)][1] |= labels.values
    results = [
        DocLabelResult(document_id, set_name, values[0], values[1])
        for (document_id, set_name), values in sorted(chosen.items())
        if values[0] or values[1]
    ]
    right: dict[str, int] = defaultdict(int)
    counted: dict[str, int] = defaultdict(int)
    for result in results:
        counted[result.set_name] += 1
        right[result.set_name] += result.right
    order = [s for s in sets if s in counted] + [s for s in counted if s not in sets]
    return tuple((s, Tally(right[s], counted[s])) for s in order), tuple(results)


def grade_scheme(
    pairs: Sequence[tuple[C, C]],
    values: dict[C, dict[str, Any]],
    my_relations: Sequence[GradedRelation[C]],
    key_relations: Sequence[GradedRelation[C]],
    my_doc_labels: Iterable[GradedDocLabels],
    key_doc_labels: Iterable[GradedDocLabels],
    *,
    attribute_names: Sequence[str] = (),
    relation_types: Sequence[str] = (),
    doc_label_sets: Sequence[str] = (),
) -> SchemeGrades[C]:
    """Everything above for one student."""
    attributes, misses = grade_attributes(pairs, values, attribute_names)
    total, by_type, missed, extra = grade_relations(
        my_relations, key_relations, pairs, relation_types
    )
    doc_labels, results = grade_doc_labels(my_doc_labels, key_doc_labels, doc_label_sets)
    return SchemeGrades(
        attributes, total, by_type, doc_labels, misses, missed, extra, tuple(results)
    )
