"""End to end through real projects: attributes, relations and document labels filed in one
project, exported to Label Studio or doccano JSONL, imported into a fresh project, come out the
same; imported back into the first, nothing is added twice."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from claimdesk.core.formats.base import DocLabelIn, DocumentIn, RelationIn, SpanIn
from claimdesk.core.formats.export import export_dataset
from claimdesk.core.formats.importer import import_annotations
from claimdesk.core.formats.source import ProjectSource
from claimdesk.core.store.project import Project
from tests.core.formats.richer_source import (
    ATTRIBUTES,
    DOC_LABELS,
    RELATIONS,
    SCHEME,
    SPANS,
    TEXT,
    expected_attributes,
    expected_relations,
)


def _filed(path: Path) -> Path:
    """A project holding richer_source's spans, values, relations and labels (filed through
    an import of the plain values, the way any file would bring them)."""
    doc = DocumentIn(
        TEXT,
        [
            SpanIn(
                s.start,
                s.end,
                s.label,
                s.annotator,
                ref=str(s.id),
                attributes=ATTRIBUTES.get(s.id, {}),
            )
            for s in SPANS
        ],
        title="Warming?",
        relations=[
            RelationIn(r.type, str(r.source), str(r.target), r.annotator) for r in RELATIONS
        ],
        doc_labels=[DocLabelIn(d.set, d.value, d.annotator) for d in DOC_LABELS],
        scheme=SCHEME,
    )
    with Project.create(path) as project:
        report = import_annotations(project, "brat", Path("set.zip"), documents=[doc])
        assert report.not_imported == []
    return path


def contents(project: Project) -> tuple[set[Any], set[Any], set[Any]]:
    """Attribute values, relations and document labels as a user sees them."""
    (doc,) = ProjectSource(project).documents()
    spans = {s.id: s for s in doc.spans}
    values = {
        (spans[i].annotator, spans[i].label, spans[i].start, spans[i].end, name, value)
        for i, found in doc.attributes.items()
        for name, value in found.items()
    }
    relations = {
        (r.annotator, r.type, spans[r.source].quote, spans[r.target].quote) for r in doc.relations
    }
    labels = {(d.annotator, d.set, d.value) for d in doc.doc_labels}
    return values, relations, labels


@pytest.mark.parametrize(
    ("fmt", "name"), [("labelstudio", "tasks.json"), ("jsonl", "claims.jsonl")]
)
def test_a_round_trip_through_the_file_keeps_everything(
    tmp_path: Path, fmt: str, name: str
) -> None:
    first = _filed(tmp_path / "first.claimdesk")
    out = tmp_path / name
    with Project.open(first) as project:
        report = export_dataset(project, fmt, out)
        assert report.verified
        assert contents(project) == (
            expected_attributes(),
            expected_relations(),
            {(d.annotator, d.set, d.value) for d in DOC_LABELS},
        )
        again = import_annotations(project, fmt, out)
        # The spans are recognised as the project's own: nothing is added twice.
        assert (again.annotations_added, again.relations_added, again.doc_labels_added) == (0, 0, 0)
        assert again.attributes_added == 0
        before = contents(project)
    with Project.create(tmp_path / "fresh.claimdesk") as fresh:
        imported = import_annotations(fresh, fmt, out)
        assert imported.relations_added == len(RELATIONS)
        assert imported.doc_labels_added == len(DOC_LABELS)
        assert contents(fresh) == before
        # The labeling config, or JSONL's first line, carries the whole scheme.
        scheme = fresh.scheme_by_name()
        assert scheme.relations == SCHEME.relations
        for label in ("Claim", "Evidence", "Source"):
            assert keys_as_given(scheme.attributes_of(label)) == SCHEME.attributes_of(label)
        assert keys_as_given(scheme.doc_labels) == SCHEME.doc_labels


def keys_as_given(specs: tuple[Any, ...]) -> tuple[Any, ...]:
    """The specs with choice keys as a codebook gives them: () when no choice has a key (the
    store keeps one None per choice)."""
    return tuple(replace(s, choice_keys=s.choice_keys if any(s.choice_keys) else ()) for s in specs)
