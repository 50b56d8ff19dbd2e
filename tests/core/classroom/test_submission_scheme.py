"""Submission files carry attributes, relations and document labels (format 3); older files are
read as before, and a file newer than this version is refused with a sentence."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from claimdesk.core.classroom.collect import collect, read_submission
from claimdesk.core.classroom.exercise import ExerciseFileError, ExerciseInfo
from claimdesk.core.classroom.feedback import feedback_html
from claimdesk.core.classroom.grading import (
    SCHEME_COLUMNS,
    class_overview_rows,
    grade,
    write_class_csv,
)
from claimdesk.core.classroom.submission_history import history, restore
from claimdesk.core.classroom.workspace import open_workspace, submit, workspace_info
from claimdesk.core.scheme import AttributeKind, AttributeSpec, DocLabelSpec, RelationSpec
from claimdesk.core.store.classroom_records import WorkDocLabels, WorkRelation
from claimdesk.core.store.project import Project
from tests.core.classroom.classroom_kit import (
    exercise_with_key,
    label_id,
    read_json,
    rewrite_submission,
    student_submits,
    teacher_project,
)

SPANS = [(0, "Claim", 1, 5), (0, "<b>Source</b>", 10, 20), (1, "Claim", 0, 4)]


@pytest.fixture
def handed_in(tmp_path: Path) -> Iterator[tuple[Project, Path]]:
    project = teacher_project(tmp_path / "teacher")
    info = exercise_with_key(project, tmp_path, [(0, "Claim", 1, 5)])
    assert info.path is not None
    yield project, student_submits(info.path, "Ana", SPANS, tmp_path / "ana")
    project.close()


def as_format_3(data: dict[str, Any]) -> None:
    """What a workspace with attributes, relations and document labels writes."""
    data["version"] = 3
    first, second, third = data["annotations"]
    first.update(ref=1, attributes={"Stance": "negative", "Check-worthy": True, "Score": 2.5})
    second.update(ref=2)
    third.update(ref=3, attributes={"Topics": ["Military", "Economy"]})
    data["relations"] = [{"type": "attributed to", "source": 1, "target": 2}]
    document = first["document"]
    data["document_labels"] = [{"document": document, "set": "Topic", "values": ["Military"]}]


def test_format_3_is_read_with_its_new_parts(
    handed_in: tuple[Project, Path], tmp_path: Path
) -> None:
    _, path = handed_in
    read = read_submission(rewrite_submission(path, tmp_path / "v3.zip", as_format_3))
    by_label = {a.label: a for a in read.annotations}
    assert [a.attributes for a in read.annotations] == [
        (("Stance", "negative"), ("Check-worthy", True), ("Score", 2.5)),
        (),
        (("Topics", ("Military", "Economy")),),
    ]
    assert by_label["<b>Source</b>"].attributes == ()
    assert read.relations == (WorkRelation("attributed to", 0, 1),)
    document = read.annotations[0].document_id
    assert read.document_labels == (WorkDocLabels(document, "Topic", ("Military",)),)


def test_an_older_file_reads_as_before(handed_in: tuple[Project, Path]) -> None:
    _, path = handed_in
    assert read_json(path, "submission.json")["version"] == 2  # nothing new in it: format 2
    read = read_submission(path)
    assert len(read.annotations) == 3
    assert (read.relations, read.document_labels) == ((), ())
    assert all(a.attributes == () for a in read.annotations)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.update(version=4), "newer version of Claimdesk (file format 4; this version"),
        (lambda d: d["relations"][0].update(target=9), '"target" 9 is not the "ref"'),
        (lambda d: d["relations"][0].update(target=1), "links an annotation with itself"),
        (lambda d: d["relations"][0].update(target=3), "links annotations of two documents"),
        (lambda d: d["annotations"][1].update(ref=1), '"ref" 1 is used twice'),
        (lambda d: d["annotations"][0].update(attributes=[1]), '"attributes" should be an object'),
        (
            lambda d: d["annotations"][0]["attributes"].update(Stance={"x": 1}),
            "is not a value an attribute can hold",
        ),
        (lambda d: d["document_labels"][0].update(values=[3]), '"values" should be a list'),
    ],
)
def test_damaged_parts_are_refused_with_a_sentence(
    handed_in: tuple[Project, Path], tmp_path: Path, change: Any, words: str
) -> None:
    _, path = handed_in

    def damage(data: dict[str, Any]) -> None:
        as_format_3(data)
        change(data)

    bad = rewrite_submission(path, tmp_path / "bad.zip", damage)
    with pytest.raises(ExerciseFileError) as caught:
        read_submission(bad)
    assert words in str(caught.value)
    assert "bad.zip" in str(caught.value)


# -- the round trip: a workspace writes them, collect stores them, grades score them -----------

STANCE = AttributeSpec(
    "Stance", AttributeKind.CHOICE, ("positive", "negative", "neutral"), default="neutral"
)
WORTHY = AttributeSpec("Check-worthy", AttributeKind.BOOL, default=False)
ATTRIBUTED = RelationSpec(
    "attributed to", "#7f7f7f", sources=("Claim",), targets=("<b>Source</b>",)
)
TOPIC = DocLabelSpec("Topic", True, ("Military", "Economy", "Diplomacy"))


def add_scheme(project: Project) -> None:
    """The scheme of the exercise, in the teacher's project (its frozen codebook brings it into
    a student's workspace)."""
    claim = label_id(project, "Claim")
    project.add_attribute(claim, STANCE)
    project.add_attribute(claim, WORTHY)
    project.add_relation_type(ATTRIBUTED)
    project.add_doc_label_set(TOPIC)


def by_name(project: Project) -> tuple[dict[str, int], int, int]:
    scheme = project.scheme()
    return (
        {a.name: a.id for a in scheme.attributes},
        scheme.relation_types[0].id,
        scheme.doc_label_sets[0].id,
    )


def student_work(exercise: Path, out: Path, stance: str) -> Path:
    """Ana marks a claim (stance given, check-worthy) and its source, links them, labels the
    first document's topics, and submits; opened again, she changes the stance only."""
    workspace = open_workspace(exercise, "Ana", "s1")
    with Project.open(workspace) as project:
        work = workspace_info(project)
        assert work is not None
        me = work.annotator.id
        document = project.documents()[0].id
        if not project.annotations(document, me):
            # The exercise's frozen codebook brought its scheme into the workspace.
            assert [a.name for a in project.scheme().attributes] == ["Stance", "Check-worthy"]
            claim = project.add_annotation(document, label_id(project, "Claim"), me, 1, 5)
            source = project.add_annotation(
                document, label_id(project, "<b>Source</b>"), me, 10, 20
            )
            claim_id = claim.annotations_added[0].id
            source_id = source.annotations_added[0].id
            attributes, relation_type, topic = by_name(project)
            project.set_attribute([claim_id], attributes["Check-worthy"], True)
            project.add_relation(relation_type, claim_id, source_id)
            project.set_document_labels(document, me, topic, ["Diplomacy", "Military"])
        attributes, _, _ = by_name(project)
        claim_id = next(a.id for a in project.annotations(document, me) if a.start == 1)
        project.set_attribute([claim_id], attributes["Stance"], stance)
        return submit(project, out)


def stored(project: Project, name: str) -> tuple[Any, ...]:
    """What the teacher's project holds of a student: values, relations, document labels."""
    annotator = next(a for a in project.annotators() if a.name == name)
    document = project.documents()[0].id
    attributes = {a.id: a.name for a in project.scheme().attributes}
    spans = {a.id: (a.start, a.end) for a in project.annotations(document, annotator.id)}
    values = {
        (spans[i], attributes[a]): v
        for i, found in project.attribute_values(document, annotator.id).items()
        for a, v in found.items()
    }
    relations = [
        (spans[r.source_id], spans[r.target_id]) for r in project.relations(document, annotator.id)
    ]
    labels = sorted(d.value for d in project.document_labels(document, annotator.id))
    return values, relations, labels


def keyed_exercise(tmp_path: Path) -> tuple[Project, ExerciseInfo]:
    """A teacher's project with the scheme and an exercise whose key gives the claim a
    negative stance, attributes it to the source, and labels the first document Military."""
    project = teacher_project(tmp_path / "teacher")
    add_scheme(project)
    teacher = project.ensure_annotator("Teacher")
    info = exercise_with_key(project, tmp_path, [(0, "Claim", 1, 5), (0, "<b>Source</b>", 10, 20)])
    document = project.documents()[0].id
    key = {(a.start, a.end): a.id for a in project.annotations(document, teacher.id)}
    attributes, relation_type, topic = by_name(project)
    project.set_attribute([key[(1, 5)]], attributes["Stance"], "negative")
    project.add_relation(relation_type, key[(1, 5)], key[(10, 20)])
    project.set_document_labels(document, teacher.id, topic, ["Military"])
    return project, info


def test_submission_round_trip_with_relations_and_attributes(tmp_path: Path) -> None:
    project, info = keyed_exercise(tmp_path)
    assert info.path is not None
    first = student_work(info.path, tmp_path / "first", "positive")
    data = read_json(first, "submission.json")
    assert data["version"] == 3
    assert data["annotations"][0]["attributes"] == {"Stance": "positive", "Check-worthy": True}
    assert data["relations"] == [{"type": "attributed to", "source": 1, "target": 2}]
    assert data["document_labels"][0]["values"] == ["Military", "Diplomacy"]  # codebook order

    report = collect(project, [first])
    assert len(report.accepted) == 1
    name = report.accepted[0][1]
    expected = (
        {((1, 5), "Stance"): "positive", ((1, 5), "Check-worthy"): True},
        [((1, 5), (10, 20))],
        ["Diplomacy", "Military"],
    )
    assert stored(project, name) == expected
    # One undo takes the whole collect back, one redo brings the same rows again.
    project.undo()
    assert not any(a.name == name for a in project.annotators())
    project.redo()
    assert stored(project, name) == expected

    # Grading scores them beside the spans.
    grades = grade(project, info.id)
    student = grades.students[0]
    assert class_overview_rows(grades)[0][-len(SCHEME_COLUMNS) :] == (0.0, 1.0, 0.0)
    assert (student.exact.tp, student.exact.fp, student.exact.fn) == (2, 0, 0)
    assert dict(student.scheme.attributes)["Stance"].accuracy == 0.0  # positive, key negative
    assert dict(student.scheme.attributes)["Check-worthy"].accuracy == 0.0  # yes, key no
    assert student.scheme.relations.f1 == 1.0
    assert dict(student.scheme.doc_labels)["Topic"].accuracy == 0.0  # one topic too many
    page = feedback_html(grades, student)
    assert "Stance: you positive · key negative" in page
    assert "Topic: you Diplomacy, Military · key Military ✗" in page
    csv_file = write_class_csv(grades, tmp_path / "class.csv")
    header = csv_file.read_text(encoding="utf-8-sig").splitlines()[0]
    assert "Attributes,Relations F1,Document labels" in header

    # A second file replaces the first; the first, kept in the history, keeps its values.
    second = student_work(info.path, tmp_path / "second", "negative")
    assert len(collect(project, [second]).replaced) == 1
    values, relations, labels = stored(project, name)
    assert values[((1, 5), "Stance")] == "negative"
    assert (relations, labels) == (expected[1], expected[2])
    [replaced] = [v for v in history(project, info.id) if v.state == "replaced"]
    restore(project, replaced.id)
    assert stored(project, name) == expected
    project.undo()  # the restore
    assert stored(project, name)[0][((1, 5), "Stance")] == "negative"
    project.close()
