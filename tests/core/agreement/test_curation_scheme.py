"""Curating attribute values, relations and document labels into gold: each accept is one
undoable step of the project, and a relation brings its missing ends along."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from claimdesk.core.agreement.curation import (
    accept_majority,
    accept_span,
    curation_lanes,
    gold_annotator,
)
from claimdesk.core.agreement.curation_scheme import (
    accept_attribute,
    accept_document_labels,
    accept_relation,
    reject_relation,
    scheme_rows,
)
from claimdesk.core.errors import EditError
from claimdesk.core.scheme import AttributeKind, AttributeSpec, DocLabelSpec, RelationSpec
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import Article, sha256_text

pytestmark = pytest.mark.both_dialects

TEXT = "Troops 🇷🇺 left the border; 𠀋 envoys say talks resumed."
TROOPS, ENVOYS = (0, 9), (TEXT.index("𠀋"), TEXT.index("𠀋") + 8)


@dataclass
class Setting:
    project: Project
    document: int
    ana: int
    ben: int
    stance: int
    worthy: int
    supports: int
    topic: int


@pytest.fixture
def setting(project: Project) -> Setting:
    article = Article(Path("a.txt"), TEXT, "Troops", sha256_text(TEXT), "utf-8", ())
    document = project.import_articles([article]).added[0][0]
    military = next(label.id for label in project.labels() if label.name == "Military")
    stance, _ = project.add_attribute(
        military, AttributeSpec("Stance", AttributeKind.CHOICE, ("positive", "negative"))
    )
    worthy, _ = project.add_attribute(
        military, AttributeSpec("Check-worthy", AttributeKind.BOOL, default=False)
    )
    supports, _ = project.add_relation_type(RelationSpec("supports", "#2ca02c"))
    topic, _ = project.add_doc_label_set(DocLabelSpec("Topic", True, ("Military", "Diplomacy")))
    ana, ben = project.ensure_annotator("Ana").id, project.ensure_annotator("Ben").id
    spans = {}
    for who in (ana, ben):
        for bounds in (TROOPS, ENVOYS):
            added = project.add_annotation(document, military, who, *bounds)
            spans[(who, bounds)] = added.annotations_added[0].id
    # They disagree on the troops' stance, agree that they are check-worthy; only Ana links
    # the envoys to the troops; they give the document other topics.
    project.set_attribute([spans[(ana, TROOPS)]], stance.id, "positive")
    project.set_attribute([spans[(ben, TROOPS)]], stance.id, "negative")
    project.set_attribute([spans[(ana, TROOPS)], spans[(ben, TROOPS)]], worthy.id, True)
    project.add_relation(supports.id, spans[(ana, ENVOYS)], spans[(ana, TROOPS)])
    project.set_document_labels(document, ana, topic.id, ["Military"])
    project.set_document_labels(document, ben, topic.id, ["Diplomacy"])
    return Setting(project, document, ana, ben, stance.id, worthy.id, supports.id, topic.id)


def gold_state(s: Setting) -> tuple[object, ...]:
    """Gold's spans with their values, relations (by bounds) and document labels."""
    gold = gold_annotator(s.project).id
    spans = {a.id: (a.start, a.end) for a in s.project.annotations(s.document, gold)}
    values = s.project.attribute_values(s.document, gold)
    return (
        {bounds: values.get(i, {}) for i, bounds in spans.items()},
        [(spans[r.source_id], spans[r.target_id]) for r in s.project.relations(s.document, gold)],
        [d.value for d in s.project.document_labels(s.document, gold)],
    )


def rows(s: Setting):  # type: ignore[no-untyped-def]
    return scheme_rows(s.project, curation_lanes(s.project, s.document))


def test_accepting_a_value_brings_the_span_and_undo_takes_both(setting: Setting) -> None:
    s = setting
    [stance] = rows(s).attributes
    assert stance.text({s.ana: "Ana", s.ben: "Ben"}) == "Stance: Ana positive · Ben negative"
    accept_attribute(s.project, stance, "negative")
    # Ben's span, with his values: one step.
    assert gold_state(s) == ({TROOPS: {s.stance: "negative", s.worthy: True}}, [], [])
    [stance] = rows(s).attributes
    assert stance.gold_value == "negative"
    # Now in gold: another value is set on the gold span, as its own step.
    accept_attribute(s.project, stance, "positive")
    assert gold_state(s)[0] == {TROOPS: {s.stance: "positive", s.worthy: True}}
    s.project.undo()
    assert gold_state(s)[0] == {TROOPS: {s.stance: "negative", s.worthy: True}}
    s.project.undo()
    assert gold_state(s) == ({}, [], [])
    s.project.redo()
    assert gold_state(s)[0] == {TROOPS: {s.stance: "negative", s.worthy: True}}


def test_accepting_a_relation_accepts_its_ends(setting: Setting) -> None:
    s = setting
    [relation] = rows(s).relations
    assert (relation.support, relation.chosen, relation.disputed) == (1, 2, True)
    assert (relation.gold_source, relation.gold_target) == (None, None)
    accept_relation(s.project, s.document, relation)
    spans, relations, _ = gold_state(s)
    assert set(spans) == {TROOPS, ENVOYS}
    assert spans[TROOPS] == {s.stance: "positive", s.worthy: True}  # Ana's, who made it
    assert relations == [(ENVOYS, TROOPS)]
    [relation] = rows(s).relations
    assert relation.gold_id is not None
    with pytest.raises(EditError, match="already in the gold set"):
        accept_relation(s.project, s.document, relation)
    reject_relation(s.project, relation)
    assert gold_state(s)[1] == [] and set(gold_state(s)[0]) == {TROOPS, ENVOYS}
    s.project.undo()  # the removal
    assert gold_state(s)[1] == [(ENVOYS, TROOPS)]
    s.project.undo()  # the accept: the relation and both ends, in one step
    assert gold_state(s) == ({}, [], [])


def test_a_relation_whose_ends_are_in_gold_adds_only_itself(setting: Setting) -> None:
    s = setting
    curation = curation_lanes(s.project, s.document)
    for candidate in curation.candidates:
        accept_span(s.project, candidate.holders[s.ben])  # Ben's copies, Ben's values
    [relation] = rows(s).relations
    assert relation.gold_source is not None and relation.gold_target is not None
    accept_relation(s.project, s.document, relation)
    spans, relations, _ = gold_state(s)
    assert spans[TROOPS][s.stance] == "negative"  # Ben's span stays as accepted
    assert relations == [(ENVOYS, TROOPS)]
    s.project.undo()
    assert gold_state(s)[1] == [] and len(gold_state(s)[0]) == 2


def test_document_labels_and_majority(setting: Setting) -> None:
    s = setting
    [topic] = rows(s).doc_labels
    assert not topic.agreed and topic.choices == [("Military",), ("Diplomacy",)]
    accept_document_labels(s.project, s.document, topic, ("Diplomacy",))
    assert gold_state(s)[2] == ["Diplomacy"]
    s.project.undo()
    assert gold_state(s)[2] == []
    # The majority takes both spans, with the values both annotators give (check-worthy),
    # leaving the stance they differ on for the curator.
    accept_majority(s.project, s.document, [s.ana, s.ben], 2)
    assert gold_state(s)[0] == {TROOPS: {s.worthy: True}, ENVOYS: {}}
