"""A dataset import brings attributes, relations and document labels with its spans, in the same
undoable step; what it cannot place is reported, and a broken reference refuses the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimdesk.core.formats.base import DocLabelIn, DocumentIn, FormatError, RelationIn, SpanIn
from claimdesk.core.formats.importer import import_annotations
from claimdesk.core.formats.source import ProjectSource
from claimdesk.core.scheme import AttributeKind, AttributeSpec, RelationSpec, Scheme
from claimdesk.core.store.project import Project

pytestmark = pytest.mark.both_dialects

TEXT = "Western diplomats 🇷🇺 say Soviet troops left Mongolia.\n\n𠀀 Ta Kung Pao doubts it."
CLAIM = "Troop reduction / redeployment"
SOURCE = "Source attribution"


def at(words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return start, start + len(words)


def document(**extra: object) -> DocumentIn:
    said, who, doubt = at("Soviet troops left Mongolia"), at("Western diplomats"), at("Ta Kung Pao")
    doc = DocumentIn(
        TEXT,
        [
            SpanIn(*said, CLAIM, "Ana", attributes={"Stance": "negative", "Check": True}, ref="T1"),
            SpanIn(*who, SOURCE, "Ana", ref="T2"),
            SpanIn(*doubt, SOURCE, "Ana", ref="T3"),
        ],
        title="Troops",
        where="entry a.ann",
        relations=[
            RelationIn("attributed to", "T1", "T2"),
            RelationIn("attributed to", "T1", "T3"),
        ],
        doc_labels=[
            DocLabelIn("Topic", "Military", "Ana"),
            DocLabelIn("Topic", "Diplomacy", "Ana"),
        ],
    )
    for key, value in extra.items():
        setattr(doc, key, value)
    return doc


def run(project: Project, docs: list[DocumentIn]):
    return import_annotations(project, "brat", Path("set.zip"), documents=docs)


def test_an_import_brings_attributes_relations_and_document_labels(project: Project) -> None:
    report = run(project, [document()])
    assert (report.annotations_added, report.relations_added) == (3, 2)
    assert (report.attributes_added, report.doc_labels_added) == (2, 2)
    assert "2 attribute value(s), 2 relation(s), 2 document label(s)" in report.summary()
    # Definitions were made from what the file held.
    scheme = project.scheme_by_name()
    kinds = {a.name: a.kind for a in scheme.attributes_of(CLAIM)}
    assert kinds == {"Stance": AttributeKind.CHOICE, "Check": AttributeKind.BOOL}
    assert [r.name for r in scheme.relations] == ["attributed to"]
    assert scheme.doc_labels[0].multiple and scheme.doc_labels[0].choices == (
        "Military",
        "Diplomacy",
    )
    # The export reads the same back.
    exported = next(ProjectSource(project).documents())
    quotes = {s.id: s.quote for s in exported.spans}
    assert sorted((quotes[r.source], quotes[r.target]) for r in exported.relations) == [
        ("Soviet troops left Mongolia", "Ta Kung Pao"),
        ("Soviet troops left Mongolia", "Western diplomats"),
    ]
    claim = next(s for s in exported.spans if s.label == CLAIM)
    assert exported.attributes[claim.id] == {"Stance": "negative", "Check": True}
    assert [(d.set, d.value) for d in exported.doc_labels] == [
        ("Topic", "Military"),
        ("Topic", "Diplomacy"),
    ]
    # One undo takes all of it away; the second import adds nothing.
    project.undo()
    assert project.scheme().attributes == () and project.scheme().relation_types == ()
    run(project, [document()])
    again = run(project, [document()])
    assert (again.annotations_added, again.relations_added, again.attributes_added) == (0, 0, 0)


def test_the_files_own_definitions_win_and_bad_values_are_reported(project: Project) -> None:
    defined = Scheme(
        {CLAIM: (AttributeSpec("Stance", AttributeKind.CHOICE, ("positive", "neutral")),)},
        (RelationSpec("attributed to", "#123456", targets=(SOURCE,)),),
    )
    report = run(project, [document(scheme=defined)])
    # "negative" is not among the file's own choices: left out and said.
    assert report.attributes_added == 1
    assert any("Stance" in line for line in report.not_imported)
    relation = project.scheme_by_name().relations[0]
    assert (relation.colour, relation.targets) == ("#123456", (SOURCE,))


def test_a_relation_naming_a_span_not_in_the_file_refuses_it(project: Project) -> None:
    before = project.scheme()
    broken = document(relations=[RelationIn("attributed to", "T1", "T9", where="line 7")])
    with pytest.raises(FormatError, match=r"line 7.*names a span 'T9' that is not in the file"):
        run(project, [broken])
    assert project.scheme() == before
    assert project.documents() == []


def test_values_on_several_lines_are_taken_as_free_text_and_kept(project: Project) -> None:
    doc = document(relations=[], doc_labels=[])
    doc.spans[0].attributes = {"Comment": "first line\r\nsecond  line"}
    report = run(project, [doc])
    assert report.attributes_added == 1 and not report.not_imported
    kinds = {a.name: a.kind for a in project.scheme_by_name().attributes_of(CLAIM)}
    assert kinds == {"Comment": AttributeKind.TEXT}
    exported = next(ProjectSource(project).documents())
    assert list(exported.attributes.values()) == [{"Comment": "first line\r\nsecond  line"}]
