"""The curation view over a project whose codebook has attributes, relations and document
labels: the disagreements are listed, and Enter puts the chosen value into gold (Ctrl+Z undoes)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from claimdesk.core.agreement.curation import gold_annotator
from claimdesk.core.scheme import AttributeKind, AttributeSpec, DocLabelSpec, RelationSpec
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import Article, sha256_text
from claimdesk.gui.curation import CurationView

TEXT = "Troops 🇷🇺 left the <b>border</b>; envoys say talks resumed."
TROOPS, ENVOYS = (0, 9), (TEXT.index("envoys"), TEXT.index("envoys") + 6)


def disagreeing(project: Project) -> tuple[int, int]:
    """Ana and Ben mark the same two claims, give the troops other stances, and only Ana
    links them; they choose other topics. Returns (document, stance attribute)."""
    article = Article(Path("a.txt"), TEXT, "Troops", sha256_text(TEXT), "utf-8", ())
    document = project.import_articles([article]).added[0][0]
    military = next(label.id for label in project.labels() if label.name == "Military")
    stance, _ = project.add_attribute(
        military, AttributeSpec("Stance", AttributeKind.CHOICE, ("positive", "negative"))
    )
    supports, _ = project.add_relation_type(RelationSpec("supports", "#2ca02c"))
    topic, _ = project.add_doc_label_set(DocLabelSpec("Topic", True, ("Military", "Diplomacy")))
    for name, value, labels in (("Ana", "positive", ["Military"]), ("Ben", "negative", [])):
        who = project.ensure_annotator(name).id
        troops = project.add_annotation(document, military, who, *TROOPS).annotations_added[0]
        envoys = project.add_annotation(document, military, who, *ENVOYS).annotations_added[0]
        project.set_attribute([troops.id], stance.id, value)
        if name == "Ana":
            project.add_relation(supports.id, envoys.id, troops.id)
        project.set_document_labels(document, who, topic.id, labels)
    return document, stance.id


def gold_stance(project: Project, document: int, stance: int) -> list[object]:
    gold = gold_annotator(project).id
    values = project.attribute_values(document, gold)
    return [values.get(a.id, {}).get(stance) for a in project.annotations(document, gold)]


def test_the_view_shows_the_disagreements_and_accepts_one(project: Project, qtbot: QtBot) -> None:
    document, stance = disagreeing(project)
    view = CurationView(project, document)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    panel = view.scheme_panel
    assert panel.isVisible()
    model = panel.model
    shown = [model.index(r, 2).data() for r in range(model.rowCount())]
    assert shown == [
        "Stance: Ana positive · Ben negative",
        "supports: Ana (1 of 2)",
        "Topic: Ana Military · Ben (none) · gold (none)",
    ]
    view.grab().save("/tmp/grade16-curation-view.png")

    # Choose Ben's value and press Enter: the span goes into gold with it, in one step.
    panel.select_row(0)
    panel.value_box.setCurrentIndex(1)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert gold_stance(project, document, stance) == ["negative"]
    assert view.message.text() == "Gold now gives Stance: negative."
    assert model.index(0, 3).data() == "negative"  # the gold column, read again
    assert view.model.index(0, view.model.gold_column()).data() == "★ gold"

    # The relation: its other end comes along.
    panel.select_row(1)
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert view.message.text() == "Accepted “supports” into gold with 1 end span."
    gold = gold_annotator(project).id
    assert len(project.relations(document, gold)) == 1

    qtbot.keyClick(panel.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert project.relations(document, gold) == []
    qtbot.keyClick(panel.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold_stance(project, document, stance) == []
    assert model.index(0, 3).data() == "span not in gold"


def test_the_panel_stays_hidden_without_attributes_relations_or_labels(
    project: Project, qtbot: QtBot
) -> None:
    article = Article(Path("a.txt"), TEXT, "Troops", sha256_text(TEXT), "utf-8", ())
    document = project.import_articles([article]).added[0][0]
    military = next(label.id for label in project.labels() if label.name == "Military")
    project.add_annotation(document, military, project.ensure_annotator("Ana").id, *TROOPS)
    view = CurationView(project, document)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    assert not view.scheme_panel.isVisible()
