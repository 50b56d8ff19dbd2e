"""The parts of a submission file of format 3: a student's attribute values, relations and
document labels, by name (the teacher's project gives them its own ids when collecting):
written from a workspace, read from an untrusted file, checked against the teacher's codebook."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from claimdesk.core.classroom.exercise import ExerciseFileError, Submission, SubmittedAnnotation
from claimdesk.core.classroom.exercise_files import Fields
from claimdesk.core.limits import printable
from claimdesk.core.records import SchemeRecords
from claimdesk.core.scheme import AttributeKind, value_problem
from claimdesk.core.store.classroom_records import ExerciseRecord, WorkDocLabels, WorkRelation
from claimdesk.core.store.project import Project

MAX_ATTRIBUTES = 100  # per annotation
MAX_VALUE_CHARS = 100_000
MAX_CHOICES = 1_000
MAX_RELATIONS = 200_000
MAX_DOCUMENT_LABELS = 20_000


def _json(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def submission_extras(
    project: Project,
    annotator_id: int,
    to_exercise: Mapping[int, int],
    annotations: Sequence[dict[str, Any]],
    ids: Sequence[int],
) -> dict[str, Any]:
    """Give each entry of ``annotations`` (the file's, for the annotations ``ids``) a "ref" and
    its "attributes", and return the file's "relations" and "document_labels" — or, when the
    student set none of these, return {} and leave the entries as they are (a file of format 2).

    ``to_exercise``: the workspace's document ids -> the exercise's.
    """
    scheme = project.scheme()
    if not (scheme.attributes or scheme.relation_types or scheme.doc_label_sets):
        return {}
    label_ids = {label.name: label.id for label in project.labels()}
    attributes = {a.id: a for a in scheme.attributes}
    types = {t.id: t.name for t in scheme.relation_types}
    sets = {s.id: s for s in scheme.doc_label_sets}
    position = {annotation_id: n for n, annotation_id in enumerate(ids)}
    values: dict[int, dict[str, Any]] = {}
    relations: list[dict[str, Any]] = []
    labels: list[dict[str, Any]] = []
    for local, exercise_document in sorted(to_exercise.items()):
        for annotation_id, found in project.attribute_values(local, annotator_id).items():
            n = position.get(annotation_id)
            if n is None:
                continue
            label_id = label_ids.get(annotations[n]["label"])
            chosen = {
                attributes[a].name: _json(v)
                for a, v in found.items()
                # A relabelled span keeps its old label's values stored; they do not apply.
                if a in attributes and attributes[a].label_id == label_id and v is not None
            }
            if chosen:
                values[n] = chosen
        for relation in project.relations(local, annotator_id):
            source, target = position.get(relation.source_id), position.get(relation.target_id)
            if source is None or target is None or relation.type_id not in types:
                continue
            relations.append(
                {"type": types[relation.type_id], "source": source + 1, "target": target + 1}
            )
        by_set: dict[int, set[str]] = {}
        for label in project.document_labels(local, annotator_id):
            if label.set_id in sets:
                by_set.setdefault(label.set_id, set()).add(label.value)
        for label_set in scheme.doc_label_sets:  # in codebook order
            chosen_values = by_set.get(label_set.id)
            if chosen_values:
                ordered = [c for c in label_set.choices if c in chosen_values]
                ordered += sorted(chosen_values - set(ordered))
                labels.append(
                    {"document": exercise_document, "set": label_set.name, "values": ordered}
                )
    if not (values or relations or labels):
        return {}
    for n, entry in enumerate(annotations):
        entry["ref"] = n + 1
        if n in values:
            entry["attributes"] = values[n]
    return {"relations": relations, "document_labels": labels}


# -- reading a file (untrusted) ---------------------------------------------------------------


def richer_annotation(
    entry: Fields, annotation: SubmittedAnnotation, refs: dict[int, int], position: int
) -> SubmittedAnnotation:
    """Format 3: an annotation's "ref" (for relations) and its attribute values by name."""
    if "ref" in entry.data:
        ref = entry.integer("ref", low=0, high=2**62)
        if ref in refs:
            raise entry.fail(f'"ref" {ref} is used twice')
        refs[ref] = position
    raw = entry.data.get("attributes", {})
    if not isinstance(raw, dict):
        raise entry.fail('"attributes" should be an object of attribute names and values')
    if len(raw) > MAX_ATTRIBUTES:
        raise entry.fail(f"it has more than {MAX_ATTRIBUTES} attributes")
    values: list[tuple[str, Any]] = []
    for name, value in raw.items():
        clean = " ".join(str(name).split())
        if not clean or len(clean) > 200:
            raise entry.fail(f"an attribute name is empty or too long ({printable(name, 40)!r})")
        problem = _value_problem(value)
        if problem:
            raise entry.fail(f"the attribute {printable(clean, 40)!r} {problem}")
        values.append((clean, tuple(value) if isinstance(value, list) else value))
    return annotation._replace(attributes=tuple(values))


def _value_problem(value: Any) -> str | None:
    """Whether a value has one of the forms attribute values take (core.scheme); the project's
    attribute checks the rest when it is collected."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return None if math.isfinite(value) else "is not a finite number"
    if isinstance(value, str):
        return None if len(value) <= MAX_VALUE_CHARS else "is too long"
    if isinstance(value, list):
        if len(value) > MAX_CHOICES or not all(isinstance(v, str) and len(v) <= 200 for v in value):
            return "is not a list of choices"
        return None
    return "is not a value an attribute can hold"


def read_relations(
    top: Fields, refs: dict[int, int], annotations: list[SubmittedAnnotation]
) -> tuple[WorkRelation, ...]:
    found: list[WorkRelation] = []
    if "relations" not in top.data:
        return ()
    for number, raw in enumerate(top.items("relations", limit=MAX_RELATIONS), 1):
        entry = Fields(top.path, raw, f"relation {number}")
        kind = " ".join(entry.text("type", limit=200, empty=False).split())
        ends = []
        for end in ("source", "target"):
            ref = entry.integer(end, low=0, high=2**62)
            if ref not in refs:
                raise entry.fail(f'"{end}" {ref} is not the "ref" of an annotation')
            ends.append(refs[ref])
        source, target = ends
        if source == target:
            raise entry.fail("it links an annotation with itself")
        if annotations[source].document_id != annotations[target].document_id:
            raise entry.fail("it links annotations of two documents")
        found.append(WorkRelation(kind, source, target))
    return tuple(found)


def read_document_labels(top: Fields) -> tuple[WorkDocLabels, ...]:
    found: list[WorkDocLabels] = []
    if "document_labels" not in top.data:
        return ()
    for number, raw in enumerate(top.items("document_labels", limit=MAX_DOCUMENT_LABELS), 1):
        entry = Fields(top.path, raw, f"document label {number}")
        document = entry.integer("document", low=1, high=2**62)
        name = " ".join(entry.text("set", limit=200, empty=False).split())
        values = entry.items("values", limit=MAX_CHOICES)
        if not all(isinstance(v, str) and 0 < len(v) <= 200 for v in values):
            raise entry.fail('"values" should be a list of choices')
        found.append(WorkDocLabels(document, name, tuple(dict.fromkeys(values))))
    return tuple(found)


# -- checking against the teacher's project ----------------------------------------------------


def check_extras(
    read_scheme: Callable[[], SchemeRecords],
    submission: Submission,
    exercise: ExerciseRecord,
    fail: Callable[[str], ExerciseFileError],
) -> None:
    """Attribute values, relations and document labels (format 3) fit this project's codebook."""
    annotations = submission.annotations
    if not (
        submission.relations or submission.document_labels or any(a.attributes for a in annotations)
    ):
        return
    scheme = read_scheme()
    attributes = {(a.label_id, a.name): a for a in scheme.attributes}
    for number, annotation in enumerate(annotations, start=1):
        label_id = exercise.labels[annotation.label]
        for name, value in annotation.attributes:
            attribute = attributes.get((label_id, name))
            if attribute is None:
                raise fail(
                    f"annotation {number} gives {name!r}, not an attribute of the label "
                    f"{annotation.label!r} in this project"
                )
            problem = value_problem(AttributeKind(attribute.kind), attribute.choices, value)
            if problem is not None:
                raise fail(f"annotation {number} gives {name!r} a value it cannot take: {problem}")
    types = {t.name: t for t in scheme.relation_types}
    seen: set[tuple[str, int, int]] = set()
    for number, relation in enumerate(submission.relations, start=1):
        kind = types.get(relation.type)
        if kind is None:
            raise fail(f"relation {number} is of the type {relation.type!r}, not in this project")
        source, target = annotations[relation.source], annotations[relation.target]
        if not kind.allows(exercise.labels[source.label], exercise.labels[target.label]):
            raise fail(
                f"relation {number}: {relation.type!r} does not link {source.label!r} to "
                f"{target.label!r} in this project's codebook"
            )
        ends = (relation.type, relation.source, relation.target)
        if ends in seen:
            raise fail(f"relation {number} appears twice")
        seen.add(ends)
    sets = {s.name: s for s in scheme.doc_label_sets}
    documents = set(exercise.documents)
    for labels in submission.document_labels:
        label_set = sets.get(labels.set_name)
        if label_set is None:
            raise fail(f"labels documents with the set {labels.set_name!r}, not in this project")
        if labels.document_id not in documents:
            raise fail(f"labels document {labels.document_id}, not in the exercise")
        wrong = [v for v in labels.values if v not in label_set.choices]
        if wrong:
            raise fail(f"{wrong[0]!r} is not one of the choices of {labels.set_name!r}")
        if not label_set.multiple and len(labels.values) > 1:
            raise fail(f"{labels.set_name!r} takes one choice per document, not several")
