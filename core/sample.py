"""The sample project: the seed articles and codebook, created on first launch, with a worked
example (an "Example" annotator's claims on the first article, seeds/example-annotations.json)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimdesk.core.codebook import load_codebook
from claimdesk.core.importing import import_paths
from claimdesk.core.paths import sample_project_path, seeds_dir
from claimdesk.core.scheme import AttributeKind, value_problem
from claimdesk.core.store.project import Project
from claimdesk.core.suffixes import PROJECT_SUFFIX

EXAMPLE_ANNOTATOR = "Example"  # whose claims the worked example shows (an ordinary annotator)
EXAMPLE_FILE = "example-annotations.json"


@dataclass(frozen=True)
class ExampleClaim:
    """One claim of the worked example, checked against the stored text before it is filed."""

    document_id: int
    label_id: int
    start: int
    end: int
    note: str
    ref: str = ""  # what the example's relations call it
    attributes: tuple[tuple[int, Any], ...] = ()  # (attribute id, value)


@dataclass(frozen=True)
class ExampleRelation:
    document_id: int
    type_id: int
    source: str  # refs of two claims of the same document
    target: str


@dataclass(frozen=True)
class WorkedExample:
    claims: list[ExampleClaim]
    relations: list[ExampleRelation]
    document_labels: list[tuple[int, int, tuple[str, ...]]]  # (document id, set id, values)


def worked_example(project: Project, path: Path) -> WorkedExample:
    """The claims of a worked-example file, each checked against this project.

    A document is found by its file name and must have the text the file was made for
    (SHA-256); each claim names an existing label, and its quote must be exactly
    ``text[start:end]`` (code points). A claim may set attributes of its label ({name: value});
    a document may link its claims by ``ref`` (``relations``: type, from, to) and carry
    document labels ({set: [values]}). Anything else raises ValueError naming the claim.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != "claimdesk-worked-example":
        raise ValueError(f"{path.name} is not a Claimdesk worked example.")
    labels = {label.name: label.id for label in project.labels()}
    scheme = project.scheme()
    types = {t.name: t for t in scheme.relation_types}
    sets = {s.name: s for s in scheme.doc_label_sets}
    by_file = {Path(d.source).name: d for d in project.documents()}
    example = WorkedExample([], [], [])
    for entry in data["documents"]:
        document = by_file.get(entry["file"])
        if document is None or document.sha256 != entry["sha256"]:
            raise ValueError(f"{path.name}: the article {entry['file']} is not in the project.")
        text = project.document_text(document.id)
        refs: dict[str, int] = {}  # ref -> label id
        for item in entry["annotations"]:
            start, end, quote = int(item["start"]), int(item["end"]), str(item["quote"])
            if text[start:end] != quote:
                raise ValueError(
                    f"{path.name}: {quote!r} is not at {start}–{end} of {entry['file']}."
                )
            if item["label"] not in labels:
                raise ValueError(f"{path.name}: the codebook has no label {item['label']!r}.")
            label_id = labels[item["label"]]
            own = {a.name: a for a in scheme.attributes_of(label_id)}
            values: list[tuple[int, Any]] = []
            for name, value in item.get("attributes", {}).items():
                spec = own.get(name)
                problem = (
                    f"the label {item['label']!r} has no attribute {name!r}"
                    if spec is None
                    else value_problem(AttributeKind(spec.kind), spec.choices, value)
                )
                if problem is not None or spec is None:
                    raise ValueError(f"{path.name}: {quote!r}: {problem}.")
                values.append((spec.id, value))
            ref = str(item.get("ref", ""))
            if ref:
                refs[ref] = label_id
            example.claims.append(
                ExampleClaim(
                    document.id, label_id, start, end, item.get("note", ""), ref, tuple(values)
                )
            )
        for link in entry.get("relations", []):
            kind = types.get(link["type"])
            source, target = refs.get(link["from"]), refs.get(link["to"])
            if kind is None or source is None or target is None or not kind.allows(source, target):
                raise ValueError(f"{path.name}: the relation {link!r} does not fit the codebook.")
            example.relations.append(
                ExampleRelation(document.id, kind.id, link["from"], link["to"])
            )
        for name, chosen in entry.get("document_labels", {}).items():
            label_set = sets.get(name)
            if label_set is None or any(v not in label_set.choices for v in chosen):
                raise ValueError(f"{path.name}: the document labels {name!r} do not fit.")
            example.document_labels.append((document.id, label_set.id, tuple(chosen)))
    return example


def add_worked_example(project: Project, path: Path) -> int:
    """File the worked example's claims (their attributes, relations and the documents'
    labels too) under the "Example" annotator; returns how many claims."""
    example = worked_example(project, path)  # every claim checked before anything is written
    annotator = project.ensure_annotator(EXAMPLE_ANNOTATOR)
    ids: dict[tuple[int, str], int] = {}
    for claim in example.claims:
        changes = project.add_annotation(
            claim.document_id, claim.label_id, annotator.id, claim.start, claim.end, claim.note
        )
        annotation_id = changes.annotations_added[0].id
        if claim.ref:
            ids[claim.document_id, claim.ref] = annotation_id
        for attribute_id, value in claim.attributes:
            project.set_attribute([annotation_id], attribute_id, value)
    for link in example.relations:
        source, target = ids[link.document_id, link.source], ids[link.document_id, link.target]
        project.add_relation(link.type_id, source, target)
    for document_id, set_id, values in example.document_labels:
        project.set_document_labels(document_id, annotator.id, set_id, values)
    return len(example.claims)


def create_sample_project(path: Path) -> Path:
    """Build the sample project beside ``path`` and move it into place only when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.stem}.{os.getpid()}.partial{PROJECT_SUFFIX}")
    _remove(partial)
    try:
        seeds = seeds_dir()
        codebook = load_codebook(seeds / "codebook.json")
        with Project.create(partial, name="Sample project", codebook=codebook) as project:
            import_paths(project, sorted(seeds.glob("*.txt")))
            add_worked_example(project, seeds / EXAMPLE_FILE)
        partial.replace(path)
    except BaseException:
        # A failed or interrupted build leaves nothing behind, not even a hidden file.
        _remove(partial)
        raise
    return path


def _remove(project_file: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{project_file}{suffix}").unlink(missing_ok=True)


def ensure_sample_project() -> Path:
    path = sample_project_path()
    if not path.exists():
        create_sample_project(path)
    return path
