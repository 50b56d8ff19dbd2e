"""A project with attributes, relations and document labels, exported through the project's own
export path to W3C, REFI-QDA, CSV, CoNLL and spaCy; the REFI-QDA file imported into a new
project brings all three back."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from claimdesk.core.formats.export import export_dataset
from claimdesk.core.formats.importer import import_annotations
from claimdesk.core.formats.source import ProjectSource
from claimdesk.core.scheme import AttributeKind, AttributeSpec, DocLabelSpec, RelationSpec
from claimdesk.core.store.edits import AddDocuments
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import sha256_text

pytestmark = pytest.mark.both_dialects

# Emoji and CJK outside the BMP before the spans; the relation runs across the paragraphs.
TEXT = "Western diplomats 🇷🇺 say Soviet troops left Mongolia.\n\n𠀀 Ta Kung Pao doubts =it."
CLAIM, SOURCE = "Claim", "Source attribution"


def at(words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return start, start + len(words)


def build(project: Project) -> dict[str, int]:
    claim, _ = project.add_label(CLAIM, "#e6194b")
    source, _ = project.add_label(SOURCE, "#4363d8")
    command = AddDocuments([{"title": "Troops", "source": "", "date": "", "meta": {},
                             "text": TEXT, "sha256": sha256_text(TEXT)}])  # fmt: skip
    project.apply(command)
    (doc,) = command.ids
    ana = project.ensure_annotator("Ana").id

    def add(label: int, words: str) -> int:
        return project.add_annotation(doc, label, ana, *at(words)).annotations_added[0].id

    said = add(claim.id, "Soviet troops left Mongolia")
    who = add(source.id, "Western diplomats 🇷🇺")
    doubt = add(claim.id, "Ta Kung Pao doubts =it")
    stance, _ = project.add_attribute(
        claim.id,
        AttributeSpec("Stance", AttributeKind.CHOICE, ("positive", "negative", "neutral"),
                      default="neutral"),
    )  # fmt: skip
    tags, _ = project.add_attribute(
        claim.id, AttributeSpec("Tags", AttributeKind.MULTI, ("=x", "y; z"))
    )
    worthy, _ = project.add_attribute(
        claim.id, AttributeSpec("Check-worthy", AttributeKind.BOOL, default=False)
    )
    project.set_attribute([said], stance.id, "negative")
    project.set_attribute([said], tags.id, ("=x", "y; z"))
    project.set_attribute([doubt], worthy.id, True)
    attributed, _ = project.add_relation_type(
        RelationSpec("attributed to", "#7f7f7f", sources=(CLAIM,), targets=(SOURCE,))
    )
    contradicts, _ = project.add_relation_type(RelationSpec("contradicts", "#d62728"))
    project.add_relation(attributed.id, said, who)
    project.add_relation(contradicts.id, doubt, said)  # across the paragraph break
    topic, _ = project.add_doc_label_set(
        DocLabelSpec("Topic", multiple=True, choices=("Military", "Diplomacy"))
    )
    project.set_document_labels(doc, ana, topic.id, ["Military", "Diplomacy"])
    return {"said": said, "who": who, "doubt": doubt}


@pytest.fixture
def rich(new_project_target: Path | str) -> Any:
    project = Project.create(new_project_target, "Claims")
    try:
        build(project)
        yield project
    finally:
        project.close()


def _summary(project: Project) -> tuple[Any, ...]:
    """(span, attributes) pairs, relations and document labels by quote, as an export sees them."""
    (doc,) = list(ProjectSource(project).documents())
    quotes = {s.id: (s.label, s.quote) for s in doc.spans}
    return (
        sorted((quotes[s.id], sorted(doc.attributes.get(s.id, {}).items())) for s in doc.spans),
        sorted((r.type, quotes[r.source], quotes[r.target], r.annotator) for r in doc.relations),
        sorted((d.set, d.value, d.annotator) for d in doc.doc_labels),
    )


def test_refi_qda_carries_everything_into_a_new_project(rich: Project, tmp_path: Path) -> None:
    out = tmp_path / "claims.qdpx"
    report = export_dataset(rich, "qdpx", out)
    assert report.verified
    fresh = Project.create(tmp_path / "fresh.claimdesk", "Fresh")
    try:
        imported = import_annotations(fresh, "qdpx", out)
        assert (imported.annotations_added, imported.relations_added) == (3, 2)
        assert imported.doc_labels_added == 2
        assert _summary(fresh) == _summary(rich)
        scheme = fresh.scheme_by_name()
        assert [a.name for a in scheme.attributes_of(CLAIM)] == ["Stance", "Tags", "Check-worthy"]
        assert [(r.name, r.directed) for r in scheme.relations] == [
            ("attributed to", True),
            ("contradicts", True),
        ]
        assert scheme.doc_labels[0].multiple
    finally:
        fresh.close()
    # Into the project it came from: nothing new, nothing doubled, every value the same. The
    # file holds defaults as values, like every export; read back they store nothing, so the
    # spans that followed a default still follow it.
    before = _summary(rich)
    explicit = _explicit_values(rich)
    again = import_annotations(rich, "qdpx", out)
    assert (again.annotations_added, again.relations_added, again.doc_labels_added) == (0, 0, 0)
    assert again.attributes_added == 0
    assert _summary(rich) == before
    assert _explicit_values(rich) == explicit


def _explicit_values(project: Project) -> dict[int, dict[int, Any]]:
    found: dict[int, dict[int, Any]] = {}
    for document in project.documents():
        found.update(project.attribute_values(document.id, None))
    return found


def test_the_project_exports_to_w3c_csv_conll_and_spacy(rich: Project, tmp_path: Path) -> None:
    w3c = export_dataset(rich, "w3c", tmp_path / "claims.jsonld")
    items = json.loads((tmp_path / "claims.jsonld").read_text(encoding="utf-8"))["first"]["items"]
    assert (
        sorted(i["motivation"] for i in items)
        == ["classifying"] + ["linking"] * 2 + ["tagging"] * 3
    )
    assert w3c.verified

    report = export_dataset(rich, "csv", tmp_path / "claims.csv")
    assert [p.name for p in report.files] == [
        "claims.csv",
        "claims-relations.csv",
        "claims-document-labels.csv",
    ]
    with (tmp_path / "claims.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = {r["quote"]: r for r in csv.DictReader(handle)}
    said = rows["Soviet troops left Mongolia"]
    assert (said["Stance"], said["Tags"], said["Check-worthy"]) == ("negative", "'=x; y; z", "no")
    with (tmp_path / "claims-relations.csv").open(encoding="utf-8-sig", newline="") as handle:
        relations = {
            (r["type"], r["source_quote"], r["target_quote"]) for r in csv.DictReader(handle)
        }
    assert relations == {
        ("attributed to", "Soviet troops left Mongolia", "Western diplomats 🇷🇺"),
        ("contradicts", "Ta Kung Pao doubts =it", "Soviet troops left Mongolia"),
    }

    conll = export_dataset(rich, "conll", tmp_path / "claims.conll")
    assert any("2 relation(s) between spans" in item for item in conll.lost)

    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    export_dataset(rich, "spacy", tmp_path / "claims.spacy")
    (doc,) = DocBin().from_disk(tmp_path / "claims.spacy").get_docs(spacy.blank("xx").vocab)
    assert doc.cats == {"Topic: Military": 1.0, "Topic: Diplomacy": 1.0}
    assert len(doc.user_data["claimdesk"]["relations"]) == 2
