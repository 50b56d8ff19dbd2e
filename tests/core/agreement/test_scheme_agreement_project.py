"""Agreement on stance, relations and document labels read from a real project, and shown in
the report's JSON, CSV and text."""

from __future__ import annotations

import csv
import io
import json
from fractions import Fraction
from pathlib import Path

import pytest

from claimdesk.core.agreement.compute import compute_report, disagreements
from claimdesk.core.agreement.report import scheme_lines
from claimdesk.core.scheme import AttributeKind, AttributeSpec, DocLabelSpec, RelationSpec
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import Article, sha256_text

pytestmark = pytest.mark.both_dialects

STANCES_A = ["positive", "positive", "negative", "neutral", "neutral", "positive"]
STANCES_B = ["positive", "negative", "negative", "neutral", "positive", "positive"]
STANCE = AttributeSpec(
    "Stance", AttributeKind.CHOICE, ("positive", "negative", "neutral"), default="neutral"
)


def clear_scheme(project: Project) -> None:
    """Start from a codebook of labels only (whatever the sample codebook carries)."""
    scheme = project.scheme()
    for attribute in scheme.attributes:
        project.delete_attribute(attribute.id)
    for relation_type in scheme.relation_types:
        project.delete_relation_type(relation_type.id)
    for label_set in scheme.doc_label_sets:
        project.delete_doc_label_set(label_set.id)


def build(project: Project) -> dict[str, int]:
    """Two annotators, six claims each (B's fifth with other bounds), stances as in the worked
    example of test_scheme_agreement (κ 11/23, α 23/45); each links claim 1 to a source span
    ("attributed to") and labels the document."""
    clear_scheme(project)
    text = " ".join(f"claim number {i} said so." for i in range(6)) + " Western diplomats said."
    article = Article(Path("a.txt"), text, "stances", sha256_text(text), "utf-8", ())
    doc = project.import_articles([article]).added[0][0]
    labels = {x.name: x.id for x in project.labels()}
    claim, source = labels["Military"], labels["Source attribution"]
    stance, _ = project.add_attribute(claim, STANCE)
    attributed, _ = project.add_relation_type(
        RelationSpec(
            "attributed to", "#7f7f7f", sources=("Military",), targets=("Source attribution",)
        )
    )
    overall, _ = project.add_doc_label_set(
        DocLabelSpec("Overall stance", False, ("warming", "cooling", "mixed"))
    )
    who = {name: project.ensure_annotator(name).id for name in ("Ana", "Ben")}
    for name, stances in (("Ana", STANCES_A), ("Ben", STANCES_B)):
        spans = []
        for i, value in enumerate(stances):
            start = text.index(f"claim number {i}")
            if name == "Ben" and i == 4:
                start += len("claim ")  # other bounds: matched by overlap
            end = text.index(f"{i} said") + 1
            changes = project.add_annotation(doc, claim, who[name], start, end)
            spans.append(changes.annotations_added[0].id)
            if value != "neutral":  # neutral is the default: left unset
                project.set_attribute([spans[-1]], stance.id, value)
        at = text.index("Western diplomats")
        changes = project.add_annotation(doc, source, who[name], at, at + len("Western diplomats"))
        project.add_relation(attributed.id, spans[0], changes.annotations_added[0].id)
        project.set_document_labels(doc, who[name], overall.id, ["warming"])
    return who


def test_stance_relations_and_document_labels_from_a_project(project: Project) -> None:
    build(project)
    report = compute_report(project)
    assert report.scheme is not None
    stance = next(x for x in report.scheme.attributes if x.name == "Stance")
    assert stance.cohen_kappa == pytest.approx(float(Fraction(11, 23)))
    assert stance.krippendorff_alpha == pytest.approx(float(Fraction(23, 45)))
    assert stance.matched_spans == 6
    relations = {r.name: r for r in report.scheme.relations}
    assert relations["attributed to"].f1_overlap == 1.0
    assert relations["attributed to"].matched_overlap == 1
    assert report.scheme.relation_f1[0, 1] == 1.0
    overall = report.scheme.doc_labels[0]
    assert overall.name == "Overall stance" and overall.documents == 1
    # With exact matching only, B's fifth claim has no partner.
    exact = compute_report(project, attribute_match="exact").scheme
    assert exact is not None
    assert next(x for x in exact.attributes if x.name == "Stance").matched_spans == 5
    with pytest.raises(ValueError, match="attribute_match"):
        compute_report(project, attribute_match="loose")


def test_scheme_figures_in_json_csv_and_text(project: Project) -> None:
    build(project)
    report = compute_report(project)
    data = json.loads(report.to_json())
    stance = next(x for x in data["attributes"] if x["name"] == "Stance")
    assert stance["krippendorff_alpha"] == pytest.approx(23 / 45)
    assert stance["matched_spans"] == 6
    assert data["relations"][1]["name"] == "attributed to"
    assert data["document_labels"][0]["name"] == "Overall stance"
    assert data["relations_pairwise"]["f1"][0][1] == 1.0
    tables = report.to_csv_tables()
    rows = list(csv.DictReader(io.StringIO(tables["attributes.csv"])))
    assert rows[0]["name"] == "Stance" and rows[0]["matched_spans"] == "6"
    assert "relations.csv" in tables and "document_labels.csv" in tables
    assert report.scheme is not None
    lines = scheme_lines(report.scheme)
    assert any(line.startswith("  Stance: Krippendorff α 0.511 (6 matched spans") for line in lines)


def test_a_codebook_without_attributes_relations_or_document_labels_has_no_section(
    project: Project,
) -> None:
    clear_scheme(project)
    report = compute_report(project)
    assert report.scheme is None
    assert "attributes" not in json.loads(report.to_json())


def test_disagreements_list_the_same_span_with_another_stance(project: Project) -> None:
    who = build(project)
    rows = disagreements(project, who["Ana"], who["Ben"])
    attribute = [row for row in rows if row.kind == "attribute"]
    # Claim 1 (second): positive for Ana, negative for Ben; claim 4 differs in bounds instead.
    assert [row.detail for row in attribute] == ["Stance: positive / negative"]
    assert attribute[0].first[0].quote == "claim number 1"
    assert [row.kind for row in rows] == ["attribute", "boundary"]
    assert [row.start for row in rows] == sorted(row.start for row in rows)
