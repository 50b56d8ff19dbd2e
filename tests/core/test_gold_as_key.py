"""The gold set built by curation is an annotator like any other: it exports, and it keys an
exercise that students are graded against."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimdesk.core.agreement.curation import (
    GOLD_ANNOTATOR,
    accept_majority,
    accept_span,
    gold_annotator,
)
from claimdesk.core.classroom.collect import collect
from claimdesk.core.classroom.exercise import create_exercise
from claimdesk.core.classroom.grading import grade
from claimdesk.core.formats.base import ExportSelection
from claimdesk.core.formats.export import export_dataset
from tests.core.classroom.classroom_kit import annotate, student_submits, teacher_project

pytestmark = pytest.mark.both_dialects


def test_a_curated_gold_set_is_exported_and_keys_an_exercise(
    tmp_path: Path, new_project_target: Path | str
) -> None:
    project = teacher_project(tmp_path / "class", target=new_project_target)
    ana = project.ensure_annotator("Ana")
    ben = project.ensure_annotator("Ben")
    cy = project.ensure_annotator("Cy")
    first = project.documents()[0].id
    # Two of three coders agree exactly on [0, 5) Claim and [10, 20) Evidence; only Cy has
    # [30, 40) Claim, which the curator accepts by hand.
    annotate(project, ana.id, [(0, "Claim", 0, 5), (0, "Evidence", 10, 20)])
    annotate(project, ben.id, [(0, "Claim", 0, 5), (0, "Evidence", 10, 20)])
    annotate(project, cy.id, [(0, "Claim", 0, 6), (0, "Claim", 30, 40)])
    accept_majority(project, first, [ana.id, ben.id, cy.id], 2)
    lone = next(a for a in project.annotations(first, cy.id) if a.start == 30)
    accept_span(project, lone.id)
    gold = gold_annotator(project)
    assert gold.name == GOLD_ANNOTATOR
    expected = {(0, 5, "Claim"), (10, 20, "Evidence"), (30, 40, "Claim")}
    names = {label.id: label.name for label in project.labels()}
    assert {(a.start, a.end, names[a.label_id]) for a in project.annotations(first, gold.id)} == (
        expected
    )

    out = tmp_path / "gold.jsonl"
    report = export_dataset(project, "jsonl", out, ExportSelection(annotators=(GOLD_ANNOTATOR,)))
    assert report.verified and report.spans == 3
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    exported = {(s, e, label) for line in lines for s, e, label in line["label"]}
    assert exported == expected

    exercise = create_exercise(
        project,
        tmp_path / "week 1",
        title="Week 1",
        document_ids=[first],
        key_annotator=gold.id,
    )
    assert exercise.path is not None and exercise.key_annotator_name == GOLD_ANNOTATOR
    # The student finds two of the three gold claims exactly and adds one extra.
    submitted = student_submits(
        exercise.path,
        "Dana",
        [(0, "Claim", 0, 5), (0, "Evidence", 10, 20), (0, "Evidence", 50, 60)],
        tmp_path / "inbox",
    )
    assert [p for p, _ in collect(project, [submitted]).accepted] == [submitted]
    grades = grade(project, exercise.id)
    (dana,) = grades.students
    assert (dana.exact.tp, dana.exact.fp, dana.exact.fn) == (2, 1, 1)
    assert [(c.start, c.end) for c in dana.missed] == [(30, 40)]
    assert [(c.start, c.end) for c in dana.extra] == [(50, 60)]


def test_a_student_called_gold_is_graded_against_the_gold_set_not_merged_with_it(
    tmp_path: Path, new_project_target: Path | str
) -> None:
    project = teacher_project(tmp_path / "class", target=new_project_target)
    ana = project.ensure_annotator("Ana")
    first = project.documents()[0].id
    annotate(project, ana.id, [(0, "Claim", 0, 5), (0, "Evidence", 10, 20)])
    for record in project.annotations(first, ana.id):
        accept_span(project, record.id)
    gold = gold_annotator(project)
    assert gold.is_gold and gold.name == GOLD_ANNOTATOR
    exercise = create_exercise(
        project, tmp_path / "week 1", title="Week 1", document_ids=[first], key_annotator=gold.id
    )
    assert exercise.path is not None
    # A student called Gold, without an id, is a person: collected apart from the gold set.
    submitted = student_submits(exercise.path, "Gold", [(0, "Claim", 0, 5)], tmp_path / "inbox")
    ((_, name),) = collect(project, [submitted]).accepted
    assert name == "Gold – Week 1"  # the name Gold is the gold set's here, as for any taken name
    student = next(a for a in project.annotators() if a.name == name)
    assert not student.is_gold and gold_annotator(project) == gold
    assert len(project.annotations(first, gold.id)) == 2  # the key is untouched
    (graded,) = grade(project, exercise.id).students
    assert (graded.exact.tp, graded.exact.fp, graded.exact.fn) == (1, 0, 1)
