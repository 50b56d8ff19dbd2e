"""Attributes, relations and document labels in the store: saved at once, undone exactly, and
never left dangling when what they hang on goes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimdesk.core.codebook import Codebook
from claimdesk.core.errors import EditError
from claimdesk.core.scheme import AttributeKind, AttributeSpec, DocLabelSpec, RelationSpec, Scheme
from claimdesk.core.store.claims import effective_attributes
from claimdesk.core.store.project import Project
from tests.committed import committed_rows

pytestmark = pytest.mark.both_dialects

TEXT = "Western diplomats 🇷🇺 say Soviet troops left Mongolia.\r\n\r\n𠀀 Ta Kung Pao doubts it."
STANCE = AttributeSpec(
    "Stance",
    AttributeKind.CHOICE,
    ("positive", "negative", "neutral"),
    ("p", "n", "u"),
    default="neutral",
    shortcut="s",
)
TOPICS = AttributeSpec("Topics", AttributeKind.MULTI, ("arms", "trade", "border"))
CHECK = AttributeSpec("Check-worthy", AttributeKind.BOOL, default=False, shortcut="w")


@pytest.fixture
def doc(project: Project) -> tuple[Project, int, int, dict[str, int]]:
    from claimdesk.core.text.textio import Article, sha256_text

    article = Article(Path("a.txt"), TEXT, "Troops", sha256_text(TEXT), "utf-8", ())
    report = project.import_articles([article])
    annotator = project.ensure_annotator("Ana")
    labels = {label.name: label.id for label in project.labels()}
    project.history = type(project.history)()
    return project, report.added[0][0], annotator.id, labels


def span(project: Project, document: int, label: int, annotator: int, words: str) -> int:
    start = TEXT.index(words)
    changes = project.add_annotation(document, label, annotator, start, start + len(words))
    return changes.annotations_added[0].id


def stored_values(project: Project) -> list[tuple[object, ...]]:
    rows = committed_rows(
        project, "SELECT annotation_id, attribute_id, value FROM annotation_attribute"
    )
    # As another program reads it: JSON text in a file, a decoded value from a server.
    return sorted((a, b, str(_decoded(v))) for a, b, v in rows)


def _decoded(value: object) -> object:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def stored_relations(project: Project) -> list[tuple[object, ...]]:
    return committed_rows(
        project, "SELECT id, type_id, source_id, target_id FROM relation ORDER BY id"
    )


def test_an_attribute_is_saved_at_once_and_undone(doc) -> None:
    project, document, annotator, labels = doc
    claim = labels["Troop reduction / redeployment"]
    stance, _ = project.add_attribute(claim, STANCE)
    ident = span(project, document, claim, annotator, "Soviet troops left Mongolia")
    # Not set: the default applies.
    values = project.attribute_values(document, annotator)
    assert effective_attributes(project.scheme().attributes, claim, values.get(ident, {})) == {
        stance.id: "neutral"
    }
    changes = project.set_attribute([ident], stance.id, "negative")
    assert changes.attribute_values[0].value == "negative"
    assert project.history.undo_text == "Set Stance"
    assert stored_values(project) == [(ident, stance.id, "negative")]
    assert project.attribute_values(document, annotator) == {ident: {stance.id: "negative"}}
    project.undo()
    assert stored_values(project) == []
    project.redo()
    assert project.attribute_values(document, None) == {ident: {stance.id: "negative"}}


def test_wrong_values_are_refused_with_a_sentence(doc) -> None:
    project, document, annotator, labels = doc
    claim = labels["Troop reduction / redeployment"]
    stance, _ = project.add_attribute(claim, STANCE)
    ident = span(project, document, claim, annotator, "Soviet troops")
    with pytest.raises(EditError, match="'hostile' is not one of positive, negative, neutral"):
        project.set_attribute([ident], stance.id, "hostile")
    other = span(project, document, labels["Source attribution"], annotator, "Western diplomats")
    with pytest.raises(EditError, match="not an attribute of this annotation's label"):
        project.set_attribute([other], stance.id, "negative")
    assert stored_values(project) == []


def test_multi_values_keep_codebook_order_and_bools_round_trip(doc) -> None:
    project, document, annotator, labels = doc
    claim = labels["Troop reduction / redeployment"]
    topics, _ = project.add_attribute(claim, TOPICS)
    check, _ = project.add_attribute(claim, CHECK)
    ident = span(project, document, claim, annotator, "Soviet troops")
    project.set_attribute([ident], topics.id, ["border", "arms"])
    project.set_attribute([ident], check.id, True)
    assert project.attribute_values(document, annotator)[ident] == {
        topics.id: ("arms", "border"),
        check.id: True,
    }


def test_relations_link_two_spans_and_refuse_what_the_type_does_not_allow(doc) -> None:
    project, document, annotator, labels = doc
    claim, source = labels["Troop reduction / redeployment"], labels["Source attribution"]
    kind, _ = project.add_relation_type(
        RelationSpec(
            "attributed to",
            "#7f7f7f",
            sources=("Troop reduction / redeployment",),
            targets=("Source attribution",),
        )
    )
    said = span(project, document, claim, annotator, "Soviet troops left Mongolia")
    who = span(project, document, source, annotator, "Western diplomats")
    # across the paragraph break
    doubt = span(project, document, source, annotator, "𠀀 Ta Kung Pao")
    changes = project.add_relation(kind.id, said, who)
    relation = changes.relations_added[0]
    assert (relation.source_id, relation.target_id, relation.document_id) == (said, who, document)
    project.add_relation(kind.id, said, doubt)
    assert len(project.relations(document, annotator)) == 2
    with pytest.raises(EditError, match="already linked"):
        project.add_relation(kind.id, said, who)
    with pytest.raises(EditError, match="does not link"):
        project.add_relation(kind.id, who, said)
    with pytest.raises(EditError, match="two different"):
        project.add_relation(kind.id, said, said)
    other = project.ensure_annotator("Ben")
    theirs = span(project, document, source, other.id, "Ta Kung Pao")
    with pytest.raises(EditError, match="same annotator"):
        project.add_relation(kind.id, said, theirs)
    for _ in range(3):  # Ben's span, then both relations
        project.undo()
    assert stored_relations(project) == []
    project.redo()
    assert stored_relations(project) == [(relation.id, kind.id, said, who)]  # the same id


def test_an_undirected_relation_is_the_same_both_ways(doc) -> None:
    project, document, annotator, labels = doc
    claim = labels["Troop reduction / redeployment"]
    kind, _ = project.add_relation_type(RelationSpec("same event", "#123456", directed=False))
    first = span(project, document, claim, annotator, "Soviet troops")
    second = span(project, document, claim, annotator, "left Mongolia")
    project.add_relation(kind.id, first, second)
    with pytest.raises(EditError, match="already linked"):
        project.add_relation(kind.id, second, first)


def test_deleting_a_span_takes_its_relations_and_values_and_undo_brings_them_back(doc) -> None:
    project, document, annotator, labels = doc
    claim, source = labels["Troop reduction / redeployment"], labels["Source attribution"]
    stance, _ = project.add_attribute(claim, STANCE)
    kind, _ = project.add_relation_type(RelationSpec("attributed to", "#7f7f7f"))
    said = span(project, document, claim, annotator, "Soviet troops left Mongolia")
    who = span(project, document, source, annotator, "Western diplomats")
    project.set_attribute([said], stance.id, "positive")
    project.add_relation(kind.id, said, who)
    relations, values = stored_relations(project), stored_values(project)
    changes = project.delete_annotations([said])
    assert [r.source_id for r in changes.relations_removed] == [said]
    assert stored_relations(project) == [] and stored_values(project) == []
    changes = project.undo()
    assert changes is not None and len(changes.relations_added) == 1
    assert stored_relations(project) == relations
    assert stored_values(project) == values


def test_relabelling_lists_the_relations_it_breaks_and_removes_them_undoably(doc) -> None:
    project, document, annotator, labels = doc
    claim, source = labels["Troop reduction / redeployment"], labels["Source attribution"]
    kind, _ = project.add_relation_type(
        RelationSpec("attributed to", "#7f7f7f", targets=("Source attribution",))
    )
    said = span(project, document, claim, annotator, "Soviet troops left Mongolia")
    who = span(project, document, source, annotator, "Western diplomats")
    project.add_relation(kind.id, said, who)
    assert project.relabel_conflicts(said, labels["Barter & trade"]) == []
    broken = project.relabel_conflicts(who, labels["Barter & trade"])
    assert [r.target_id for r in broken] == [who]
    changes = project.set_annotation_label(who, labels["Barter & trade"])
    assert len(changes.relations_removed) == 1 and stored_relations(project) == []
    project.undo()
    assert len(stored_relations(project)) == 1
    assert project.annotation(who).label_id == source


def test_document_labels_single_and_multiple(doc) -> None:
    project, document, annotator, _ = doc
    topic, _ = project.add_doc_label_set(
        DocLabelSpec("Topic", True, ("Military", "Economy", "Diplomacy"))
    )
    stance, _ = project.add_doc_label_set(
        DocLabelSpec("Overall stance", False, ("warming", "cooling"))
    )
    project.set_document_labels(document, annotator, topic.id, ["Diplomacy", "Military"])
    project.set_document_labels(document, annotator, stance.id, ["warming"])
    with pytest.raises(EditError, match="takes one label"):
        project.set_document_labels(document, annotator, stance.id, ["warming", "cooling"])
    with pytest.raises(EditError, match="not one of the labels"):
        project.set_document_labels(document, annotator, stance.id, ["frosty"])
    found = [(d.set_id, d.value) for d in project.document_labels(document, annotator)]
    assert found == [(topic.id, "Military"), (topic.id, "Diplomacy"), (stance.id, "warming")]
    project.undo()
    assert [d.value for d in project.document_labels(document, annotator)] == [
        "Military",
        "Diplomacy",
    ]


def test_renaming_a_choice_carries_values_and_removing_one_drops_them_undoably(doc) -> None:
    project, document, annotator, labels = doc
    claim = labels["Troop reduction / redeployment"]
    stance, _ = project.add_attribute(claim, STANCE)
    first = span(project, document, claim, annotator, "Soviet troops")
    second = span(project, document, claim, annotator, "left Mongolia")
    project.set_attribute([first], stance.id, "positive")
    project.set_attribute([second], stance.id, "negative")
    renamed = AttributeSpec(
        "Stance", AttributeKind.CHOICE, ("warming", "neutral"), default="neutral"
    )
    project.update_attribute(stance.id, renamed, {"positive": "warming"})
    assert project.attribute_values(document, annotator) == {first: {stance.id: "warming"}}
    project.undo()
    assert project.attribute_values(document, annotator) == {
        first: {stance.id: "positive"},
        second: {stance.id: "negative"},
    }


def test_deleting_a_label_and_undo_bring_back_its_attributes_and_values(doc) -> None:
    project, document, annotator, labels = doc
    claim = labels["Troop reduction / redeployment"]
    stance, _ = project.add_attribute(claim, STANCE)
    ident = span(project, document, claim, annotator, "Soviet troops")
    project.set_attribute([ident], stance.id, "negative")
    project.delete_label(claim)
    assert project.scheme().attributes == ()
    project.undo()
    assert [a.name for a in project.scheme().attributes] == ["Stance"]
    assert project.attribute_values(document, annotator) == {ident: {stance.id: "negative"}}


def test_deleting_a_relation_type_and_undo(doc) -> None:
    project, document, annotator, labels = doc
    claim = labels["Troop reduction / redeployment"]
    kind, _ = project.add_relation_type(RelationSpec("supports", "#2ca02c"))
    first = span(project, document, claim, annotator, "Soviet troops")
    second = span(project, document, claim, annotator, "left Mongolia")
    project.add_relation(kind.id, first, second)
    before = stored_relations(project)
    project.delete_relation_type(kind.id)
    assert stored_relations(project) == []
    project.undo()
    assert stored_relations(project) == before


def test_a_codebook_brings_its_scheme_by_names_in_one_undoable_step(project: Project) -> None:
    labels = project.labels()
    scheme = Scheme(
        {labels[0].name: (STANCE, CHECK), "No such label": (TOPICS,)},
        (RelationSpec("attributed to", "#7f7f7f", targets=(labels[1].name,), shortcut="a"),),
        (DocLabelSpec("Overall stance", False, ("warming", "cooling")),),
    )
    project.history = type(project.history)()
    project.add_codebook(Codebook("More", (), scheme=scheme))
    by_name = project.scheme_by_name()
    assert [a.name for a in by_name.attributes_of(labels[0].name)] == ["Stance", "Check-worthy"]
    assert by_name.relations[0].targets == (labels[1].name,)
    assert by_name.doc_labels[0].choices == ("warming", "cooling")
    # Adding it again adds nothing twice.
    project.add_codebook(Codebook("More", (), scheme=scheme))
    assert len(project.scheme().attributes) == 2
    project.undo()
    project.undo()
    assert project.scheme().attributes == () and project.scheme().relation_types == ()
    project.redo()
    assert len(project.scheme().relation_types) == 1


def test_bad_definitions_are_refused(project: Project) -> None:
    label = project.labels()[0].id
    with pytest.raises(EditError, match="needs at least one choice"):
        project.add_attribute(label, AttributeSpec("Stance", AttributeKind.CHOICE))
    with pytest.raises(EditError, match="default"):
        project.add_attribute(
            label, AttributeSpec("Stance", AttributeKind.CHOICE, ("a", "b"), default="c")
        )
    with pytest.raises(EditError, match="two choices"):
        project.add_attribute(
            label, AttributeSpec("Stance", AttributeKind.CHOICE, ("a", "b"), ("x", "x"))
        )
    with pytest.raises(EditError, match="not in the codebook"):
        project.add_relation_type(RelationSpec("x", "#000000", sources=("Nope",)))
    with pytest.raises(EditError, match="not a colour"):
        project.add_relation_type(RelationSpec("x", "red"))
    project.add_attribute(label, STANCE)
    with pytest.raises(EditError, match="already has an attribute"):
        project.add_attribute(label, STANCE)


def test_opening_a_document_reads_it_without_building_a_statement(doc, monkeypatch) -> None:
    """What the window reads to open a document (text, spans, attribute values, relations,
    document labels, a page of the annotation list) comes from statements compiled once, on the
    driver's own cursor: the same values as before, with no statement built per open."""
    from sqlalchemy import Connection

    from claimdesk.core.store import driver

    project, document, annotator, labels = doc
    claim = labels["Troop reduction / redeployment"]
    topics, _ = project.add_attribute(claim, TOPICS)
    first = span(project, document, claim, annotator, "Soviet troops")
    second = span(project, document, claim, annotator, "Ta Kung Pao")
    project.set_attribute([first], topics.id, ("arms", "trade"))
    kind, _ = project.add_relation_type(RelationSpec("same event", "#123456", directed=False))
    project.add_relation(kind.id, first, second)
    stance, _ = project.add_doc_label_set(
        DocLabelSpec("Overall stance", False, ("warming", "cooling"))
    )
    project.set_document_labels(document, annotator, stance.id, ["cooling"])
    expected = {
        "text": TEXT,
        "values": {first: {topics.id: ("arms", "trade")}},
        "relations": [(first, second)],
        "labels": [(stance.id, "cooling")],
        "page": {first: project.annotation(first), second: project.annotation(second)},
    }

    def read() -> dict[str, object]:
        project._texts.clear()
        return {
            "text": project.document_text(document),
            "values": project.attribute_values(document, annotator),
            "relations": [
                (r.source_id, r.target_id) for r in project.relations(document, annotator)
            ],
            "labels": [(d.set_id, d.value) for d in project.document_labels(document, annotator)],
            "page": project.annotations_by_id([second, first, second]),
        }

    assert read() == expected  # the statements compiled, if they were not yet
    built: list[object] = []
    compile_once = driver.compile_statement
    monkeypatch.setattr(driver, "compile_statement", lambda *a: built.append(a) or compile_once(*a))

    def refuse(*_args: object, **_kw: object) -> None:
        raise AssertionError("a statement built and run through SQLAlchemy")

    monkeypatch.setattr(Connection, "execute", refuse)
    assert read() == expected
    assert built == []
