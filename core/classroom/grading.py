"""Grading an exercise against its answer key: precision, recall and F1 per student and label.

Matching (per document, one-to-one):
- exact: same label, same start and same end;
- overlap: same label and the spans share at least one character; with a ``tolerance`` of N,
  both boundaries must also lie within N characters of the key's. Where several pairs compete,
  the pair sharing the most characters wins.
A matched overlap pair whose boundaries differ is a *boundary error*; an unmatched student span
overlapping an unmatched key span of another label is a *wrong label*; what remains is *missed*
(key) or *extra* (student).
"""

from __future__ import annotations

import csv
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from claimdesk.core.classroom.collect import submissions
from claimdesk.core.classroom.exercise import Cancelled, ExerciseError
from claimdesk.core.classroom.exercise_codebook import frozen_labels
from claimdesk.core.classroom.scheme_grading import (
    GradedDocLabels,
    GradedRelation,
    SchemeGrades,
    Scores,
    grade_scheme,
)
from claimdesk.core.gc_pause import without_collection
from claimdesk.core.outputs import atomic_write
from claimdesk.core.progress import Progress
from claimdesk.core.records import label_tree_order
from claimdesk.core.store import classroom as store
from claimdesk.core.store.claims import effective_attributes
from claimdesk.core.store.project import Project

DEFAULT_TOLERANCE: int | None = None  # any overlap


class Claim(NamedTuple):
    """One span, of the key or of a student. A named tuple: a class brings tens of thousands,
    made, hashed and compared several times faster than as a frozen dataclass."""

    document_id: int
    label_id: int
    label_name: str
    start: int
    end: int
    quote: str
    ref: int = 0  # the annotation's id (tells apart a student's span and the key's at one place)


@dataclass(frozen=True)
class GradedLabel:
    id: int
    name: str
    colour: str
    description: str


@dataclass(frozen=True)
class GradedDocument:
    id: int
    title: str
    text: str


@dataclass(frozen=True)
class LabelGrades:
    label: GradedLabel
    exact: Scores
    overlap: Scores


@dataclass(frozen=True)
class StudentGrades:
    annotator_id: int
    annotator_name: str
    student_name: str
    student_id: str
    submitted_at: datetime
    seconds_spent: int
    exact: Scores
    overlap: Scores
    labels: tuple[LabelGrades, ...]  # every label of the codebook, in codebook order
    claims: tuple[Claim, ...]  # all of the student's spans
    missed: tuple[Claim, ...]  # key spans with no match
    extra: tuple[Claim, ...]  # student spans with no match
    boundary: tuple[tuple[Claim, Claim], ...]  # (student, key) matched by overlap, not exact
    wrong_label: tuple[tuple[Claim, Claim], ...]  # (student, key) overlapping, other label
    # Live work on a server project: the annotations the student has now (``submitted_at`` is
    # when they were read), not a collected submission.
    live: bool = False
    # Attributes, relations and document labels, scored beside the spans (not in their totals).
    scheme: SchemeGrades[Claim] = field(default_factory=SchemeGrades)


@dataclass(frozen=True)
class ClassGrades:
    exercise_id: str
    title: str
    tolerance: int | None
    key_annotator_name: str
    labels: tuple[GradedLabel, ...]
    documents: tuple[GradedDocument, ...]
    key: tuple[Claim, ...]
    students: tuple[StudentGrades, ...]  # by student name
    live_read_at: datetime | None = None  # a server project: when the live work was read (UTC)
    # The codebook has attributes, relation types or document label sets: they are scored
    # beside the spans (``SCHEME_COLUMNS``), never folded into the span scores.
    has_scheme: bool = False

    def student(self, annotator_id: int) -> StudentGrades:
        for student in self.students:
            if student.annotator_id == annotator_id:
                return student
        raise KeyError(annotator_id)


@dataclass(frozen=True)
class SchemeInput:
    """The class's attributes, relations and document labels, read once for every student."""

    key_id: int  # the key's annotator
    values: dict[Claim, dict[str, Any]] = field(default_factory=dict)  # defaults applied
    relations: dict[int, list[GradedRelation[Claim]]] = field(default_factory=dict)  # annotator →
    doc_labels: dict[int, list[GradedDocLabels]] = field(default_factory=dict)  # annotator →
    attribute_names: tuple[str, ...] = ()  # codebook order
    relation_types: tuple[str, ...] = ()
    doc_label_sets: tuple[str, ...] = ()


OVERVIEW_COLUMNS: tuple[str, ...] = (
    "Student",
    "Student id",
    "Submitted",
    "Minutes",
    "Exact P",
    "Exact R",
    "Exact F1",
    "Overlap P",
    "Overlap R",
    "Overlap F1",
    "Missed",
    "Extra",
    "Boundary errors",
    "Wrong label",
)


# Beside the span scores when the codebook has attributes, relations or document labels: the
# share of attribute values right over matched spans, the F1 of relations whose ends match, the
# share of document label sets right. Not part of any span score or of a total.
SCHEME_COLUMNS: tuple[str, ...] = ("Attributes", "Relations F1", "Document labels")


def overview_columns(grades: ClassGrades) -> tuple[str, ...]:
    """The class overview's columns: ``OVERVIEW_COLUMNS``, then ``SCHEME_COLUMNS`` if scored."""
    return OVERVIEW_COLUMNS + SCHEME_COLUMNS if grades.has_scheme else OVERVIEW_COLUMNS


def grade(
    project: Project,
    exercise_id: str,
    tolerance: int | None = DEFAULT_TOLERANCE,
    *,
    progress: Progress | None = None,
) -> ClassGrades:
    """Grade every collected submission of an exercise against its key; on a server project
    also the live work of every signed-in student (an annotator with a login in the project's
    annotator group, neither the key nor gold nor a collected submission's annotator): their
    annotations on the exercise's documents as they are now, graded the same way.

    Raises ``ExerciseError`` (a ProjectError) for an unknown exercise or one without a key.
    ``progress(done, total)`` is called per student; returning False raises ``Cancelled``.
    """
    with without_collection():  # every span of the class as a claim, none in a cycle
        return _grade(project, exercise_id, tolerance, progress)


def _grade(
    project: Project, exercise_id: str, tolerance: int | None, progress: Progress | None
) -> ClassGrades:
    if tolerance is not None and tolerance < 0:
        raise ExerciseError(project.path, "the boundary tolerance cannot be negative")
    row = store.exercise_row(project, exercise_id)
    if row is None:
        raise ExerciseError(project.path, f"has no exercise {exercise_id!r}")
    if row.key_annotator_id is None:
        raise ExerciseError(
            project.path,
            f"the exercise {row.title!r} has no answer key yet; choose the annotator whose "
            "annotations are the key",
        )
    current = project.labels()
    frozen = set(frozen_labels(row.codebook, current).values())
    # Shown under their names of today (a label renamed since the exercise keeps its id), in
    # codebook order as the tagging panel lists them: each group followed by its members.
    labels = tuple(
        GradedLabel(label.id, label.name, label.colour, label.description)
        for label, _depth in label_tree_order(current)
        if label.id in frozen
    )
    label_names = {label.id: label.name for label in labels}
    titles = store.document_titles(project, row.local_document_ids)
    # A document removed since (its import undone) takes its annotations with it: not graded.
    document_ids = [local for local in row.local_document_ids if local in titles]
    documents = tuple(GradedDocument(i, titles[i], project.document_text(i)) for i in document_ids)
    students = submissions(project, exercise_id)
    # On a server project, each signed-in student's annotations as they are now, beside the
    # collected files (a student who also handed in a file has two rows: the file's, and "live").
    read_at = store.utcnow() if project.server is not None else None
    collected = {s.annotator_id for s in students} | {row.key_annotator_id}
    live = [
        (annotator_id, name)
        for annotator_id, name in store.signed_in_students(project)
        if annotator_id not in collected
    ]
    key_name = store.annotator_name(project, row.key_annotator_id) or "the key"
    annotator_ids = [
        row.key_annotator_id,
        *(s.annotator_id for s in students),
        *(i for i, _ in live),
    ]
    texts = {document.id: document.text for document in documents}
    claims = _claims(project, texts, annotator_ids, label_names)
    key = tuple(claims.get(row.key_annotator_id, ()))
    scheme = _scheme_input(project, document_ids, claims, row.key_annotator_id, set(annotator_ids))
    total = len(students) + len(live)
    key_index = KeyIndex(key)
    graded: list[StudentGrades] = []
    for done, student in enumerate(students):
        if progress is not None and not progress(done, total):
            raise Cancelled
        graded.append(
            grade_student(
                student.annotator_id,
                student.annotator_name,
                student.student_name,
                student.student_id,
                student.submitted_at,
                student.seconds_spent,
                tuple(claims.get(student.annotator_id, ())),
                key,
                labels,
                tolerance,
                scheme,
                key_index=key_index,
            )
        )
    for done, (annotator_id, name) in enumerate(live, start=len(students)):
        if progress is not None and not progress(done, total):
            raise Cancelled
        assert read_at is not None
        work = grade_student(
            annotator_id,
            name,
            name,
            "",
            read_at,
            0,
            tuple(claims.get(annotator_id, ())),
            key,
            labels,
            tolerance,
            scheme,
            key_index=key_index,
        )
        graded.append(replace(work, live=True))
    graded.sort(key=lambda s: (s.student_name.casefold(), s.student_id, s.live))
    if progress is not None:
        progress(total, total)
    return ClassGrades(
        exercise_id,
        row.title,
        tolerance,
        key_name,
        labels,
        documents,
        key,
        tuple(graded),
        read_at if live else None,
        scheme is not None,
    )


def _claims(
    project: Project,
    texts: dict[int, str],
    annotator_ids: Sequence[int],
    label_names: dict[int, str],
) -> dict[int, list[Claim]]:
    """Each annotator's spans on these documents (``texts``: their texts by id), as claims."""
    found: dict[int, list[Claim]] = {}
    new = tuple.__new__  # Claim._make without its Python-level call, once per span
    mine: list[Claim] = []
    current = None
    text = ""
    document = None
    # Rows come by document, then annotator (each one's spans by position): each annotator's
    # list ends up by document and position, filled without a lookup per row.
    for row in store.claim_rows(project, list(texts), annotator_ids):
        annotator_id, document_id, label_id, start, end, ref = row
        name = label_names.get(label_id)
        if name is None:  # a label added after the exercise was handed out is not graded
            continue
        if annotator_id != current:
            current = annotator_id
            mine = found.setdefault(annotator_id, [])
        if document_id != document:
            document, text = document_id, texts[document_id]
        # The quote is the text it marks (collect and every edit check it; the text never
        # changes): sliced here, it need not be read from each row.
        mine.append(new(Claim, (document_id, label_id, name, start, end, text[start:end], ref)))
    return found


def _scheme_input(
    project: Project,
    document_ids: Sequence[int],
    claims: dict[int, list[Claim]],
    key_id: int,
    wanted: set[int],
) -> SchemeInput | None:
    """Everyone's attribute values (defaults applied), relations between graded spans and
    document labels, by name; None when the project defines none of them."""
    records = project.scheme()
    if not (records.attributes or records.relation_types or records.doc_label_sets):
        return None
    names = {a.id: a.name for a in records.attributes}
    types = {t.id: t for t in records.relation_types}
    sets = {s.id: s.name for s in records.doc_label_sets}
    by_ref = {claim.ref: claim for found in claims.values() for claim in found}
    by_document: dict[int, list[Claim]] = defaultdict(list)
    for claim in by_ref.values():
        by_document[claim.document_id].append(claim)
    values: dict[Claim, dict[str, Any]] = {}
    relations: dict[int, list[GradedRelation[Claim]]] = defaultdict(list)
    chosen: dict[tuple[int, int, str], set[str]] = defaultdict(set)
    # The values of a span with none of its own: its label's defaults, worked out once per
    # label and shared (nothing changes them).
    defaults: dict[int, dict[str, Any]] = {}
    # Each kind read per document only if the class has any (three reads, not three a document).
    has_values, has_relations, has_labels = store.scheme_rows_in(project, document_ids)
    for document_id in document_ids:
        explicit = (
            project.attribute_values(document_id, None) if records.attributes and has_values else {}
        )
        spans = by_document.get(document_id, [])
        if not explicit:
            # No span of the document has values of its own: each takes its label's defaults,
            # handed out without a step per span.
            for label_id in {claim.label_id for claim in spans} - defaults.keys():
                found = effective_attributes(records.attributes, label_id, {})
                defaults[label_id] = {names[a]: v for a, v in found.items()}
            values.update(zip(spans, map(defaults.__getitem__, map(_label_id, spans)), strict=True))
            spans = []
        for claim in spans:
            own = explicit.get(claim.ref)
            if own:
                found = effective_attributes(records.attributes, claim.label_id, own)
                values[claim] = {names[a]: v for a, v in found.items()}
                continue
            shared = defaults.get(claim.label_id)
            if shared is None:
                found = effective_attributes(records.attributes, claim.label_id, {})
                shared = defaults[claim.label_id] = {names[a]: v for a, v in found.items()}
            values[claim] = shared
        if records.relation_types and has_relations:
            for relation in project.relations(document_id, None):
                kind = types.get(relation.type_id)
                source, target = by_ref.get(relation.source_id), by_ref.get(relation.target_id)
                if kind is None or source is None or target is None:
                    continue  # an end on a label the exercise does not grade
                relations[relation.annotator_id].append(
                    GradedRelation(document_id, kind.name, source, target, kind.directed)
                )
        if records.doc_label_sets and has_labels:
            for label in project.document_labels(document_id, None):
                if label.set_id in sets and label.annotator_id in wanted:
                    chosen[(label.annotator_id, document_id, sets[label.set_id])].add(label.value)
    doc_labels: dict[int, list[GradedDocLabels]] = defaultdict(list)
    for (annotator_id, document_id, set_name), picked in chosen.items():
        doc_labels[annotator_id].append(GradedDocLabels(document_id, set_name, frozenset(picked)))
    return SchemeInput(
        key_id,
        values,
        dict(relations),
        dict(doc_labels),
        tuple(dict.fromkeys(names.values())),
        tuple(t.name for t in records.relation_types),
        tuple(sets.values()),
    )


def _by_document(claims: Iterable[Claim]) -> dict[int, list[Claim]]:
    grouped: dict[int, list[Claim]] = defaultdict(list)
    for claim in claims:
        grouped[claim.document_id].append(claim)
    return grouped


class KeyDocument:
    """The key's spans of one document, indexed once for the whole class."""

    def __init__(self, claims: list[Claim]) -> None:
        self.claims = claims
        # (label, start, end) -> position; a span given twice keeps its last copy, as matching
        # always did (the first then only counts as missed or mislabelled).
        self.exact = {(c.label_id, c.start, c.end): j for j, c in enumerate(claims)}
        kept = set(self.exact.values())
        self.shadowed = frozenset(j for j in range(len(claims)) if j not in kept)
        # Positions by start (ties in key order); a student span is compared only with the key
        # spans that start within the longest key span before it ends.
        self.order = sorted(range(len(claims)), key=lambda j: claims[j].start)
        self.starts = [claims[j].start for j in self.order]
        self.longest = max((c.end - c.start for c in claims), default=0)


def _overlaps(
    mine: Sequence[Claim],
    free_mine: Iterable[int],
    key: KeyDocument,
    skip_key: set[int] | frozenset[int],
    tolerance: int | None,
    same_label: bool,
) -> list[tuple[int, int, int, int]]:
    """(-shared characters, key start, student position, key position by start) of every
    overlapping pair left: the order in which the greedy matching takes them."""
    claims, order, starts, longest = key.claims, key.order, key.starts, key.longest
    candidates: list[tuple[int, int, int, int]] = []
    for i in free_mine:
        _doc, label, _name, start, end, *_rest = mine[i]
        low = bisect_left(starts, start - longest)
        high = bisect_left(starts, end)
        for p in range(low, high):
            j = order[p]
            if j in skip_key:
                continue
            other = claims[j]
            if (other[1] == label) != same_label:
                continue
            shared = min(end, other[4]) - max(start, other[3])
            if shared <= 0:
                continue
            if tolerance is not None and (
                abs(start - other[3]) > tolerance or abs(end - other[4]) > tolerance
            ):
                continue
            candidates.append((-shared, other[3], i, p))
    candidates.sort()
    return candidates


def match_document(
    mine: Sequence[Claim], key: KeyDocument, tolerance: int | None
) -> tuple[list[tuple[Claim, Claim]], list[tuple[Claim, Claim]], list[Claim], list[Claim]]:
    """One document's (matched, wrong label, missed, extra), matched one-to-one and greedily,
    best first: exact (same label and ends), then the most shared characters, then position;
    spans left over are then paired with overlapping spans of another label the same way."""
    claims, exact, order = key.claims, key.exact, key.order
    matched: list[tuple[Claim, Claim]] = []
    wrong: list[tuple[Claim, Claim]] = []
    used_mine: set[int] = set()
    used_key: set[int] = set()
    rest: list[int] = []
    for i, claim in enumerate(mine):
        j = exact.get((claim[1], claim[3], claim[4]))
        if j is None or j in used_key:
            rest.append(i)
        else:
            used_mine.add(i)
            used_key.add(j)
            matched.append((claim, claims[j]))
    if rest and len(used_key) < len(claims):
        skip = used_key | key.shadowed if key.shadowed else used_key
        for _shared, _start, i, p in _overlaps(mine, rest, key, skip, tolerance, True):
            j = order[p]
            if i in used_mine or j in used_key:
                continue
            used_mine.add(i)
            used_key.add(j)
            matched.append((mine[i], claims[j]))
    if len(used_mine) < len(mine) and len(used_key) < len(claims):
        free = [i for i in range(len(mine)) if i not in used_mine]
        for _shared, _start, i, p in _overlaps(mine, free, key, set(used_key), None, False):
            j = order[p]
            if i in used_mine or j in used_key:
                continue
            used_mine.add(i)
            used_key.add(j)
            wrong.append((mine[i], claims[j]))
    missed = [c for j, c in enumerate(claims) if j not in used_key] if used_key else claims
    extra = [c for i, c in enumerate(mine) if i not in used_mine] if used_mine else list(mine)
    return matched, wrong, missed, extra


_NO_KEY = KeyDocument([])


def grade_student(
    annotator_id: int,
    annotator_name: str,
    student_name: str,
    student_id: str,
    submitted_at: datetime,
    seconds_spent: int,
    claims: tuple[Claim, ...],
    key: tuple[Claim, ...],
    labels: tuple[GradedLabel, ...],
    tolerance: int | None,
    scheme: SchemeInput | None = None,
    *,
    key_index: KeyIndex | None = None,
) -> StudentGrades:
    """One student's spans against the key's; with ``scheme``, their attributes (over the
    matched spans), relations (whose ends match) and document labels too. ``key_index``:
    ``KeyIndex(key)``, made once for a whole class."""
    if key_index is None:
        key_index = KeyIndex(key)
    mine_by_doc = _by_document(claims)
    key_by_doc = key_index.documents
    matched: list[tuple[Claim, Claim]] = []
    wrong: list[tuple[Claim, Claim]] = []
    missed: list[Claim] = []
    extra: list[Claim] = []
    for document_id in sorted(mine_by_doc.keys() | key_by_doc.keys()):
        found = match_document(
            mine_by_doc.get(document_id, ()), key_by_doc.get(document_id, _NO_KEY), tolerance
        )
        matched += found[0]
        wrong += found[1]
        missed += found[2]
        extra += found[3]
    boundary = [(m, k) for m, k in matched if m[3] != k[3] or m[4] != k[4]]
    per_label: list[LabelGrades] = []
    mine_count = _count(claims)
    key_count = key_index.counts
    exact_count = _count(m for m, k in matched if m[3] == k[3] and m[4] == k[4])
    overlap_count = _count(m for m, _ in matched)
    for label in labels:
        n_mine, n_key = mine_count.get(label.id, 0), key_count.get(label.id, 0)
        exact_tp, overlap_tp = exact_count.get(label.id, 0), overlap_count.get(label.id, 0)
        per_label.append(
            LabelGrades(
                label,
                Scores(exact_tp, n_mine - exact_tp, n_key - exact_tp),
                Scores(overlap_tp, n_mine - overlap_tp, n_key - overlap_tp),
            )
        )
    return StudentGrades(
        annotator_id=annotator_id,
        annotator_name=annotator_name,
        student_name=student_name,
        student_id=student_id,
        submitted_at=submitted_at,
        seconds_spent=seconds_spent,
        exact=_total(g.exact for g in per_label),
        overlap=_total(g.overlap for g in per_label),
        labels=tuple(per_label),
        claims=claims,
        missed=tuple(sorted(missed, key=_position)),
        extra=tuple(sorted(extra, key=_position)),
        boundary=tuple(sorted(boundary, key=lambda pair: _position(pair[1]))),
        wrong_label=tuple(sorted(wrong, key=lambda pair: _position(pair[1]))),
        scheme=_grade_scheme(annotator_id, matched, scheme),
    )


def _grade_scheme(
    annotator_id: int, matched: list[tuple[Claim, Claim]], scheme: SchemeInput | None
) -> SchemeGrades[Claim]:
    if scheme is None:
        return SchemeGrades()
    return grade_scheme(
        matched,
        scheme.values,
        scheme.relations.get(annotator_id, []),
        scheme.relations.get(scheme.key_id, []),
        scheme.doc_labels.get(annotator_id, []),
        scheme.doc_labels.get(scheme.key_id, []),
        attribute_names=scheme.attribute_names,
        relation_types=scheme.relation_types,
        doc_label_sets=scheme.doc_label_sets,
    )


def _position(claim: Claim) -> tuple[int, int, int, int]:
    return (claim.document_id, claim.start, claim.end, claim.label_id)


def _count(claims: Iterable[Claim]) -> Counter[int]:
    """Spans per label id."""
    return Counter(map(_label_id, claims))


_label_id = itemgetter(1)  # a Claim's label_id


class KeyIndex:
    """The key's spans by document (each indexed for matching) and its counts per label, for
    grading every student."""

    def __init__(self, key: Iterable[Claim]) -> None:
        key = tuple(key)
        self.documents = {d: KeyDocument(found) for d, found in _by_document(key).items()}
        self.counts = _count(key)


def _total(scores: Iterable[Scores]) -> Scores:
    tp = fp = fn = 0
    for score in scores:
        tp, fp, fn = tp + score.tp, fp + score.fp, fn + score.fn
    return Scores(tp, fp, fn)


def class_overview_rows(grades: ClassGrades) -> list[tuple[str | int | float | None, ...]]:
    """One row per student, in ``overview_columns(grades)`` order (scores as floats 0..1; None
    where there was nothing to score)."""
    rows: list[tuple[str | int | float | None, ...]] = []
    for student in grades.students:
        rows.append(
            (
                student.student_name,
                student.student_id,
                (
                    f"live, read {student.submitted_at:%Y-%m-%d %H:%M:%S} UTC"
                    if student.live
                    else f"{student.submitted_at:%Y-%m-%d %H:%M}"
                ),
                round(student.seconds_spent / 60),
                student.exact.precision,
                student.exact.recall,
                student.exact.f1,
                student.overlap.precision,
                student.overlap.recall,
                student.overlap.f1,
                len(student.missed),
                len(student.extra),
                len(student.boundary),
                len(student.wrong_label),
            )
            + (_scheme_cells(student.scheme) if grades.has_scheme else ())
        )
    return rows


def _scheme_cells(scheme: SchemeGrades[Claim]) -> tuple[float | None, ...]:
    relations = scheme.relations
    return (
        scheme.attribute_total.accuracy,
        relations.f1 if relations.used else None,
        scheme.doc_label_total.accuracy,
    )


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str | int | float | None) -> str:
    """A CSV cell; text a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def write_class_csv(grades: ClassGrades, path: Path | str, reading: Iterable[Path] = ()) -> Path:
    """The class overview as CSV (UTF-8 with BOM); text cells are neutralised against formulas.

    After the overview columns come, per label, the exact and overlap F1; empty where neither
    the key nor the student used the label (nothing to score: not a perfect 1.000).
    Written whole or not at all; never over a Claimdesk project, a folder or a file in
    ``reading`` (OutputError, as for a missing or read-only folder).
    """
    path = Path(path)
    header: list[str | int | float | None] = [*overview_columns(grades)]
    for label in grades.labels:
        header += [f"{label.name} exact F1", f"{label.name} overlap F1"]
    with (
        atomic_write(path, reading=reading) as temp,
        temp.open("w", encoding="utf-8-sig", newline="") as handle,
    ):
        writer = csv.writer(handle)
        writer.writerow([csv_cell(cell) for cell in header])
        for student, row in zip(grades.students, class_overview_rows(grades), strict=True):
            cells: list[str | int | float | None] = list(row)
            for label_grades in student.labels:
                exact = label_grades.exact
                if exact.tp + exact.fp + exact.fn == 0:
                    cells += ["", ""]
                else:
                    cells += [exact.f1, label_grades.overlap.f1]
            writer.writerow([csv_cell(cell) for cell in cells])
    return path
