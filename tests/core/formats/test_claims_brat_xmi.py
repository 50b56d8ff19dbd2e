"""Project -> brat / UIMA XMI -> another project: spans with their attributes, relations (one
across paragraphs, one without a direction) and document labels, on text with emoji and CRLF."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from claimdesk.core.formats.export import export_dataset
from claimdesk.core.formats.importer import import_annotations
from claimdesk.core.scheme import AttributeKind, AttributeSpec, DocLabelSpec, RelationSpec
from claimdesk.core.store.edits import AddDocuments
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import sha256_text
from tests.core.formats.scheme_samples import TEXT, at

CLAIM = "Troop reduction / redeployment"
SOURCE = "Source attribution"
STANCE = AttributeSpec(
    "Stance", AttributeKind.CHOICE, ("positive", "negative", "neutral"), default="neutral"
)
CHECK = AttributeSpec("Check-worthy", AttributeKind.BOOL, default=False)
TOPICS = AttributeSpec("Topic areas", AttributeKind.MULTI, ("Military", "Economy", "Diplomacy"))
SCORE = AttributeSpec("Score", AttributeKind.NUMBER)


def _annotate(project: Project) -> None:
    """Ana's claims with their sources, stance and a document label."""
    labels = {label.name: label.id for label in project.labels()}
    attributes = {}
    for spec in (STANCE, CHECK, TOPICS, SCORE):
        record, _ = project.add_attribute(labels[CLAIM], spec)
        attributes[spec.name] = record.id
    attributed, _ = project.add_relation_type(
        RelationSpec("attributed to", "#7f7f7f", sources=(CLAIM,), targets=(SOURCE,))
    )
    same, _ = project.add_relation_type(RelationSpec("same event", "#d62728", directed=False))
    topic, _ = project.add_doc_label_set(
        DocLabelSpec("Topic", multiple=True, choices=("Military", "Economy"))
    )
    command = AddDocuments([{"title": "Embargo", "source": "", "date": "", "meta": {},
                             "text": TEXT, "sha256": sha256_text(TEXT)}])  # fmt: skip
    project.apply(command)
    (doc,) = command.ids
    ana = project.ensure_annotator("Ana").id

    def add(words: str, label: str) -> int:
        project.add_annotation(doc, labels[label], ana, *at(words))
        return max(a.id for a in project.annotations(doc, ana))

    diplomats = add("Western diplomats", SOURCE)
    claim = add("the arms embargo would stay", CLAIM)
    inner = add("arms embargo", CLAIM)
    troops = add("a troop reduction of 𠀋 200,000 men", CLAIM)
    paper = add("Ta Kung Pao", SOURCE)
    project.set_attribute([claim], attributes["Stance"], "negative")
    project.set_attribute([claim, troops], attributes["Check-worthy"], True)
    project.set_attribute([claim], attributes["Topic areas"], ("Military", "Diplomacy"))
    project.set_attribute([troops], attributes["Score"], 200000)
    project.add_relation(attributed.id, claim, diplomats)
    project.add_relation(attributed.id, troops, paper)  # across the paragraph break
    project.add_relation(same.id, inner, claim)
    project.set_document_labels(doc, ana, topic.id, ["Military", "Economy"])


def _claims(project: Project) -> dict[str, Any]:
    """What a user sees of the claims: spans with their attribute values, relations between
    quotes, document labels."""
    (doc,) = project.documents()
    names = {a.id: a.name for a in project.scheme().attributes}
    types = {t.id: t.name for t in project.scheme().relation_types}
    quotes = {a.id: a.quote for a in project.annotations(doc.id, None)}
    values = project.attribute_values(doc.id, None)
    return {
        "values": {
            quotes[a]: {names[k]: v for k, v in found.items()} for a, found in values.items()
        },
        "relations": sorted(
            (types[r.type_id], quotes[r.source_id], quotes[r.target_id])
            for r in project.relations(doc.id, None)
        ),
        "doc_labels": sorted(d.value for d in project.document_labels(doc.id, None)),
        "spans": sorted(quotes.values()),
    }


def _set(values: dict[str, Any]) -> dict[str, Any]:
    """Values other than their defaults (an export writes the defaults out; read back, they are
    set)."""
    defaults = {"Stance": "neutral", "Check-worthy": False, "Topic areas": ()}
    return {k: v for k, v in values.items() if v != defaults.get(k, ()) and v is not False}


@pytest.fixture
def both(project: Project, template_project: Path, tmp_path: Path) -> tuple[Project, Path]:
    _annotate(project)
    other = tmp_path / "other.claimdesk"
    shutil.copy2(template_project, other)
    return project, other


def test_brat_carries_attributes_and_relations_into_another_project(
    both: tuple[Project, Path], tmp_path: Path
) -> None:
    project, other = both
    report = export_dataset(project, "brat", tmp_path / "brat")
    assert any("document label(s) (Topic): brat has no labels" in i for i in report.lost)
    before = _claims(project)
    with Project.open(other) as copy:
        imported = import_annotations(copy, "brat", tmp_path / "brat")
        assert imported.relations_added == 3
        after = _claims(copy)
        scheme = copy.scheme_by_name()
    assert after["spans"] == before["spans"]
    assert after["relations"] == before["relations"]
    assert after["doc_labels"] == []  # brat has none: reported at export
    # brat gives False for a yes/no it has no line for (the project's default here)
    assert {q: _set(v) for q, v in after["values"].items() if _set(v)} == before["values"]
    found = {a.name: a for a in scheme.attributes_of(CLAIM)}
    stance = found["Stance"]
    assert (stance.kind, stance.choices, stance.default) == (
        AttributeKind.CHOICE, STANCE.choices, "neutral"
    )  # fmt: skip
    assert found["Score"].kind is AttributeKind.NUMBER
    assert (found["Topic areas"].kind, found["Topic areas"].choices) == (
        AttributeKind.MULTI, TOPICS.choices
    )  # fmt: skip
    same = next(r for r in scheme.relations if r.name == "same event")
    assert not same.directed


def test_uima_xmi_carries_attributes_relations_and_labels_into_another_project(
    both: tuple[Project, Path], tmp_path: Path
) -> None:
    project, other = both
    report = export_dataset(project, "uima-xmi", tmp_path / "xmi")
    assert report.verified
    before = _claims(project)
    with Project.open(other) as copy:
        import_annotations(copy, "uima-xmi", tmp_path / "xmi")
        after = _claims(copy)
        kinds = {a.name: a.kind for a in copy.scheme_by_name().attributes_of(CLAIM)}
    assert after["spans"] == before["spans"]
    assert after["relations"] == before["relations"]
    assert after["doc_labels"] == before["doc_labels"] == ["Economy", "Military"]
    assert {q: _set(v) for q, v in after["values"].items() if _set(v)} == before["values"]
    assert kinds["Score"] is AttributeKind.NUMBER and kinds["Topic areas"] is AttributeKind.MULTI
