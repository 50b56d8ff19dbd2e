"""The codebook an exercise freezes: its file form, its fingerprint, and its labels by id.

The frozen codebook carries the scheme too (attributes, relation types, document label sets).

Students see label names; the teacher's project keeps label ids beside them, so that a label
renamed after handing out still counts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from claimdesk.core.classroom.exercise_files import ExerciseError
from claimdesk.core.codebook import (
    Codebook,
    CodebookError,
    CodebookLabel,
    codebook_data,
    parse_codebook,
)
from claimdesk.core.codebook_scheme import scheme_fingerprint_rows
from claimdesk.core.records import LabelRecord, SchemeRecords

__all__ = [
    "FrozenScheme",
    "codebook_data",
    "codebook_fingerprint",
    "frozen_labels",
    "frozen_scheme",
    "project_codebook",
    "scheme_ids",
]

if TYPE_CHECKING:
    from claimdesk.core.store.project import Project


def codebook_fingerprint(codebook: Codebook) -> str:
    """SHA-256 over the codebook as students see it: the labels' names, colours, keys, groups
    and definitions, and (when there is one) the scheme: attributes, relation types, document
    label sets. A codebook without a scheme keeps the fingerprint it always had, so exercises
    made before still open."""
    rows: Any = [
        [label.name, label.colour, label.shortcut or "", label.parent or "", label.description]
        for label in codebook.labels
    ]
    if not codebook.scheme.empty:
        names = [label.name for label in codebook.labels]
        rows = {"labels": rows, "scheme": scheme_fingerprint_rows(codebook.scheme, names)}
    canonical = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def project_codebook(project: Project) -> Codebook:
    """The project's labels as a codebook, each group before its members, normalised."""
    labels = project.labels()
    names = {label.id: label.name for label in labels}
    rules = project.suggestion_rules()
    ordered: list[CodebookLabel] = []
    placed: set[int] = set()
    waiting = list(labels)
    while waiting:
        # A group goes before its members (the codebook format needs that); a cycle cannot
        # be placed that way, so what is left after a pass without progress loses its group.
        ready = [label for label in waiting if label.parent_id is None or label.parent_id in placed]
        stuck = not ready
        for label in ready or waiting:
            parent = names.get(label.parent_id) if label.parent_id in placed else None
            ordered.append(
                CodebookLabel(
                    label.name,
                    label.colour,
                    label.description,
                    label.shortcut,
                    parent,
                    rules.get(label.id),
                )
            )
            placed.add(label.id)
        waiting = [] if stuck else [label for label in waiting if label.id not in placed]
    # The attributes, relation types and document label sets, by name; the check below reads
    # them as a codebook file would (a scheme a file cannot hold is refused here, not later).
    raw = codebook_data(Codebook(project.name, tuple(ordered), "", project.scheme_by_name()))
    try:
        return parse_codebook(raw, project.path)
    except CodebookError as exc:
        raise ExerciseError(project.path, f"its codebook cannot be frozen ({exc.reason})") from None


def frozen_labels(codebook: Any, current: Sequence[LabelRecord]) -> dict[str, int]:
    """The exercise's label names (as students know them) -> label ids in this project.

    Ids recorded when the exercise was made win (a label renamed since still counts); an
    exercise without them falls back to today's names. Labels since deleted are left out.
    """
    entries = codebook.get("labels", []) if isinstance(codebook, dict) else []
    names = [" ".join(str(e.get("name", "")).split()) for e in entries if isinstance(e, dict)]
    recorded = codebook.get("label_ids") if isinstance(codebook, dict) else None
    existing = {label.id for label in current}
    by_name = {label.name: label.id for label in current}
    if isinstance(recorded, list) and len(recorded) == len(names):
        pairs = zip(names, recorded, strict=True)
        return {name: int(i) for name, i in pairs if isinstance(i, int) and i in existing}
    return {name: by_name[name] for name in names if name in by_name}


def scheme_ids(project: Project, codebook: Codebook) -> dict[str, list[list[Any]]]:
    """The ids of the frozen codebook's attributes, relation types and document label sets in
    the teacher's project, kept beside the exercise (as ``label_ids`` are for labels)."""
    records = project.scheme()
    label_ids = {label.name: label.id for label in project.labels()}
    attributes = {(a.label_id, a.name): a.id for a in records.attributes}
    return {
        "attributes": [
            [label, spec.name, attributes[label_ids[label], spec.name]]
            for label, specs in codebook.scheme.attributes.items()
            for spec in specs
            if (label_ids.get(label), spec.name) in attributes
        ],
        "relations": [[t.name, t.id] for t in records.relation_types],
        "document_labels": [[s.name, s.id] for s in records.doc_label_sets],
    }


@dataclass(frozen=True)
class FrozenScheme:
    """The exercise's scheme names (as students know them) -> ids in this project."""

    attributes: dict[tuple[str, str], int]  # (label name, attribute name) -> attribute id
    relations: dict[str, int]  # relation type name -> id
    document_labels: dict[str, int]  # document label set name -> id


def frozen_scheme(
    codebook: Any, current: SchemeRecords, labels: Sequence[LabelRecord]
) -> FrozenScheme:
    """Like ``frozen_labels``: ids recorded when the exercise was made win (a definition renamed
    since still counts); without them, today's names. Definitions since deleted are left out."""
    recorded = codebook.get("scheme_ids") if isinstance(codebook, dict) else None
    recorded = recorded if isinstance(recorded, dict) else {}
    label_names = {label.id: label.name for label in labels}
    by_name: dict[str, dict[Any, int]] = {
        "attributes": {(label_names.get(a.label_id, ""), a.name): a.id for a in current.attributes},
        "relations": {t.name: t.id for t in current.relation_types},
        "document_labels": {s.name: s.id for s in current.doc_label_sets},
    }
    existing = {
        "attributes": {a.id for a in current.attributes},
        "relations": {t.id for t in current.relation_types},
        "document_labels": {s.id for s in current.doc_label_sets},
    }
    found: dict[str, dict[Any, int]] = {}
    for part, names in by_name.items():
        rows = recorded.get(part)
        if isinstance(rows, list) and rows:
            pairs: dict[Any, int] = {}
            for row in rows:
                if not isinstance(row, list) or not row or not isinstance(row[-1], int):
                    continue
                key = tuple(row[:-1]) if part == "attributes" else row[0]
                if row[-1] in existing[part]:
                    pairs[key] = row[-1]
            found[part] = pairs
        else:
            found[part] = dict(names)
    return FrozenScheme(found["attributes"], found["relations"], found["document_labels"])
