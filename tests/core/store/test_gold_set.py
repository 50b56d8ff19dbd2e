"""The gold set is marked in the schema: found by its flag, never by its name.

A person called Gold is a person: they annotate, count in agreement and never become the gold
set; an older project's annotator named Gold (the gold set before the mark) is marked on upgrade.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from claimdesk.core.agreement.compute import compute_report
from claimdesk.core.agreement.curation import accept_majority, accept_span, curation_lanes
from claimdesk.core.records import AnnotatorRecord
from claimdesk.core.store import engine as store
from claimdesk.core.store.curation import ensure_gold_set, gold_set
from claimdesk.core.store.project import Project
from claimdesk.core.store.tables import annotator_table, utcnow
from claimdesk.core.text.textio import Article, sha256_text
from tests.committed import committed_rows
from tests.core.cli.test_agreement_cli import cli

pytestmark = pytest.mark.both_dialects

TEXT = "Troops 🇷🇺 leave the border; envoys resume talks in Beijing."


def word(w: str) -> tuple[int, int]:
    start = TEXT.index(w)
    return start, start + len(w)


def add_document(project: Project) -> int:
    article = Article(Path("a.txt"), TEXT, "Troops", sha256_text(TEXT), "utf-8", ())
    return project.import_articles([article]).added[0][0]


def annotator_rows(project: Project) -> list[tuple[object, ...]]:
    """What another program reading the project sees: (name, is gold) by id."""
    rows = committed_rows(project, "SELECT name, is_gold FROM annotator ORDER BY id")
    return [(name, bool(gold)) for name, gold in rows]


@pytest.mark.file_only
def test_a_format_3_project_has_its_gold_annotator_marked_on_upgrade(project_path: Path) -> None:
    with Project.open(project_path) as project:
        doc = add_document(project)
        label = project.labels()[0].id
        ana = project.ensure_annotator("Ana")
        # Format 3 made its gold set as the annotator named "Gold" and curated into it.
        old_gold = project.ensure_annotator("Gold")
        project.add_annotation(doc, label, ana.id, *word("Troops 🇷🇺"))
        accepted = project.add_annotation(doc, label, old_gold.id, *word("Troops 🇷🇺"))
        with project.writing() as conn:
            command.downgrade(store.migration_config(conn), "0003")
    assert store.read_header(project_path)[1] == 3
    with sqlite3.connect(project_path) as raw:
        assert "is_gold" not in {row[1] for row in raw.execute("PRAGMA table_info(annotator)")}

    with Project.open(project_path) as upgraded:
        assert store.read_header(project_path) == (store.APPLICATION_ID, store.SCHEMA_VERSION)
        assert gold_set(upgraded) == AnnotatorRecord(old_gold.id, "Gold", is_gold=True)
        assert [a.name for a in upgraded.annotators() if not a.is_gold] == ["Ana"]
        curation = curation_lanes(upgraded, doc)
        assert curation.gold.id == old_gold.id  # the same gold set, spans and all
        assert [s.annotation_id for s in curation.lanes[-1].spans] == [
            accepted.annotations_added[0].id
        ]
        assert [a.name for a in curation.annotators] == ["Ana"]
    with Project.open(project_path) as reopened:
        assert annotator_rows(reopened) == [("Ana", False), ("Gold", True)]
    backup = project_path.with_name("test.claimdesk.v3.bak")
    assert backup.exists() and store.read_header(backup)[1] == 3


def test_a_person_called_gold_is_a_person_and_curation_makes_its_own_gold_set(
    project: Project,
) -> None:
    doc = add_document(project)
    claim, other = project.labels()[0].id, project.labels()[1].id
    gold_person = project.ensure_annotator("Gold")
    ana = project.ensure_annotator("Ana")
    assert not gold_person.is_gold and gold_set(project) is None
    for who in (gold_person, ana):
        project.add_annotation(doc, claim, who.id, *word("Troops 🇷🇺"))
    project.add_annotation(doc, other, gold_person.id, *word("envoys"))
    project.add_annotation(doc, other, ana.id, *word("envoys resume"))

    curation = curation_lanes(project, doc)  # opening the curation view makes the gold set
    assert curation.gold.is_gold and curation.gold.id != gold_person.id
    assert curation.gold.name == "Gold (curated)"  # told apart from the person by name
    assert [a.name for a in curation.annotators] == ["Gold", "Ana"]
    accept_majority(project, doc, [gold_person.id, ana.id], 2)
    lone = next(a for a in project.annotations(doc, gold_person.id) if a.label_id == other)
    accept_span(project, lone.id)
    gold = curation.gold
    curated = {(a.start, a.end) for a in project.annotations(doc, gold.id)}
    assert curated == {word("Troops 🇷🇺"), word("envoys")}
    assert len(project.annotations(doc, gold_person.id)) == 2  # the person's own, untouched
    assert project.ensure_annotator("Gold") == gold_person  # the name finds the person
    assert annotator_rows(project) == [("Gold", False), ("Ana", False), ("Gold (curated)", True)]

    # Agreement counts the person called Gold and leaves the gold set out, unless asked for.
    people = [gold_person.id, ana.id]
    report = compute_report(project, people)
    assert report.annotator_names == ["Gold", "Ana"]
    assert report.overall["f1_exact"] == pytest.approx(0.5)
    counted = compute_report(project, [*people, gold.id])
    assert counted.annotator_names == ["Gold", "Ana", "Gold (curated)"]
    if project.server is None:  # the command line, as a user runs it
        data = json.loads(cli("agreement", project.location, "--json").stdout)
        assert [a["name"] for a in data["annotators"]] == ["Gold", "Ana"]
        counted_json = cli("agreement", project.location, "--json", "--include-gold").stdout
        assert [a["name"] for a in json.loads(counted_json)["annotators"]] == [
            "Gold",
            "Ana",
            "Gold (curated)",
        ]


def test_a_person_called_gold_who_comes_later_gets_the_name_and_the_gold_set_keeps_its_spans(
    project: Project,
) -> None:
    doc = add_document(project)
    ana = project.ensure_annotator("Ana")
    project.add_annotation(doc, project.labels()[0].id, ana.id, *word("Troops 🇷🇺"))
    gold = ensure_gold_set(project)
    assert gold.name == "Gold"  # nobody else holds the name: the gold set is just "Gold"
    accept_span(project, project.annotations(doc, ana.id)[0].id)

    person = project.ensure_annotator(" Gold ")
    assert person.name == "Gold" and not person.is_gold and person.id != gold.id
    assert gold_set(project) == AnnotatorRecord(gold.id, "Gold (curated)", is_gold=True)
    assert [a.start for a in project.annotations(doc, gold.id)] == [0]
    assert project.annotations(doc, person.id) == []
    assert project.ensure_annotator("Gold") == person
    assert ensure_gold_set(project).id == gold.id  # still the one gold set


def test_a_project_holds_at_most_one_gold_set(project: Project) -> None:
    ensure_gold_set(project)
    assert ensure_gold_set(project) == gold_set(project)
    second = insert(annotator_table).values(name="Or", created_at=utcnow(), is_gold=True)
    with pytest.raises(IntegrityError), project.writing() as conn:
        conn.execute(second)  # refused by the database itself, whoever writes
    assert [a.name for a in project.annotators() if a.is_gold] == ["Gold"]
