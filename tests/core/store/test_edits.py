"""Edits through the core: each is saved at once, each undoes and redoes exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimdesk.core.records import AnnotationRecord, StatusChange
from claimdesk.core.store.project import EditError, Project
from claimdesk.core.store.tables import Status
from tests.committed import committed_rows, unchanged_marker

pytestmark = pytest.mark.both_dialects

TEXT = "Soviet troops 🇷🇺 left Mongolia; 𠀀 diplomats say.\nCafé talks resumed."


@pytest.fixture
def doc(project: Project) -> tuple[Project, int, int, dict[str, int]]:
    from claimdesk.core.text.textio import Article, sha256_text

    article = Article(Path("a.txt"), TEXT, "Soviet troops", sha256_text(TEXT), "utf-8", ())
    report = project.import_articles([article])
    annotator = project.ensure_annotator("Ana")
    labels = {label.name: label.id for label in project.labels()}
    project.history = type(project.history)()
    return project, report.added[0][0], annotator.id, labels


def annotation_rows(project: Project) -> list[tuple[object, ...]]:
    """Read as another program would: what is committed is there."""
    return committed_rows(project, 'SELECT start, "end", quote, note FROM annotation ORDER BY id')


def test_add_annotation_is_committed_with_its_quote(doc) -> None:
    project, document_id, annotator_id, labels = doc
    start = TEXT.index("𠀀 diplomats say")
    end = start + len("𠀀 diplomats say")
    changes = project.add_annotation(
        document_id, labels["Source attribution"], annotator_id, start, end
    )
    assert changes.annotations_added[0].quote == "𠀀 diplomats say"
    # Another connection sees it at once: it is committed, not pending.
    assert annotation_rows(project) == [(start, end, "𠀀 diplomats say", "")]
    assert project.status(document_id, annotator_id) is Status.IN_PROGRESS


def test_undo_and_redo_restore_the_same_row(doc) -> None:
    project, document_id, annotator_id, labels = doc
    changes = project.add_annotation(
        document_id, labels["Military cooperation"], annotator_id, 0, 13
    )
    added = changes.annotations_added[0]
    assert project.history.undo_text == "Add annotation"
    project.undo()
    assert annotation_rows(project) == []
    assert project.status(document_id, annotator_id) is Status.TODO
    redone = project.redo()
    assert redone is not None
    assert redone.annotations_added[0].id == added.id
    assert project.annotation(added.id).quote == "Soviet troops"
    assert project.status(document_id, annotator_id) is Status.IN_PROGRESS


def test_delete_then_undo_brings_back_note_and_id(doc) -> None:
    project, document_id, annotator_id, labels = doc
    added = project.add_annotation(
        document_id, labels["Border security"], annotator_id, 0, 6, note="<b>check</b> =SUM(A1)"
    ).annotations_added[0]
    project.delete_annotations([added.id])
    assert project.annotations(document_id, annotator_id) == []
    project.undo()
    assert project.annotations(document_id, annotator_id) == [added]


def test_note_edit_undoes(doc) -> None:
    project, document_id, annotator_id, labels = doc
    added = project.add_annotation(
        document_id, labels["Military"], annotator_id, 0, 6
    ).annotations_added[0]
    project.set_note(added.id, "first")
    project.set_note(added.id, "second")
    assert project.annotation(added.id).note == "second"
    project.undo()
    assert project.annotation(added.id).note == "first"
    project.undo()
    assert project.annotation(added.id).note == ""
    project.redo()
    assert project.annotation(added.id).note == "first"


def test_new_edit_clears_redo(doc) -> None:
    project, document_id, annotator_id, labels = doc
    project.add_annotation(document_id, labels["Military"], annotator_id, 0, 6)
    project.undo()
    assert project.history.redo_text == "Add annotation"
    project.add_annotation(document_id, labels["Military"], annotator_id, 7, 13)
    assert project.history.redo_text is None
    assert project.redo() is None


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (5, 5), (6, 2), (0, len(TEXT) + 1)])
def test_out_of_range_span_is_refused_and_nothing_written(doc, start, end) -> None:
    project, document_id, annotator_id, labels = doc
    with pytest.raises(EditError):
        project.add_annotation(document_id, labels["Military"], annotator_id, start, end)
    assert annotation_rows(project) == []
    assert project.history.undo_text is None


def test_same_span_twice_under_one_label_is_refused(doc) -> None:
    project, document_id, annotator_id, labels = doc
    project.add_annotation(document_id, labels["Military"], annotator_id, 0, 6)
    with pytest.raises(EditError, match="already filed"):
        project.add_annotation(document_id, labels["Military"], annotator_id, 0, 6)
    # ...but the same words may carry a second label, and overlaps are fine.
    project.add_annotation(document_id, labels["Border security"], annotator_id, 0, 6)
    project.add_annotation(document_id, labels["Military"], annotator_id, 3, 13)
    assert len(project.spans(document_id, annotator_id)) == 3


def test_delete_label_in_use_removes_its_annotations_and_undo_restores_all(doc) -> None:
    project, document_id, annotator_id, labels = doc
    military = labels["Military"]
    kept = project.add_annotation(document_id, labels["Border security"], annotator_id, 0, 6)
    gone = project.add_annotation(document_id, military, annotator_id, 7, 13)
    children_before = {lab.id: lab.parent_id for lab in project.labels()}
    assert project.label_usage(military) == 1
    changes = project.delete_label(military)
    assert changes.annotations_removed == gone.annotations_added
    assert military not in {lab.id for lab in project.labels()}
    assert all(lab.parent_id != military for lab in project.labels())
    assert [a.id for a in project.annotations(document_id, annotator_id)] == [
        kept.annotations_added[0].id
    ]
    project.undo()
    assert {lab.id: lab.parent_id for lab in project.labels()} == children_before
    assert len(project.annotations(document_id, annotator_id)) == 2


def test_label_rename_recolour_and_validation(doc) -> None:
    project, _document_id, _annotator_id, labels = doc
    label_id = labels["Barter & trade"]
    project.update_label(label_id, name="  Barter   and trade ")
    project.update_label(label_id, colour="#ABCDEF")
    label = next(lab for lab in project.labels() if lab.id == label_id)
    assert (label.name, label.colour) == ("Barter and trade", "#abcdef")
    with pytest.raises(EditError, match="already a label"):
        project.update_label(label_id, name="military")
    with pytest.raises(EditError, match="not a colour"):
        project.update_label(label_id, colour="red")
    with pytest.raises(EditError, match="already files"):
        project.update_label(label_id, shortcut="1")
    project.undo()
    project.undo()
    label = next(lab for lab in project.labels() if lab.id == label_id)
    assert (label.name, label.colour) == ("Barter & trade", "#2ca02c")


def test_add_label_gets_next_position_and_undoes(doc) -> None:
    project, *_ = doc
    label, _ = project.add_label("<i>Hedge</i>", "#123456", "Words that weaken a claim", "h")
    assert project.labels()[-1] == label
    assert label.name == "<i>Hedge</i>"  # stored as given; the GUI shows it as plain text
    project.undo()
    assert label.id not in {lab.id for lab in project.labels()}


def test_status_marks_and_undoes(doc) -> None:
    project, document_id, annotator_id, _ = doc
    project.set_status(document_id, annotator_id, Status.DONE)
    assert project.overview(annotator_id)[0].status is Status.DONE
    project.undo()
    assert project.overview(annotator_id)[0].status is Status.TODO


def test_statuses_and_annotations_are_per_annotator(doc) -> None:
    project, document_id, ana, labels = doc
    ben = project.ensure_annotator("Ben").id
    project.add_annotation(document_id, labels["Military"], ana, 0, 6)
    overview_ben = project.overview(ben)[0]
    assert (overview_ben.status, overview_ben.annotation_count) == (Status.TODO, 0)
    assert project.overview(ana)[0].annotation_count == 1
    assert project.spans(document_id, ben) == []


def test_changes_carry_the_new_status_so_views_need_not_read_it(doc) -> None:
    project, document_id, ana, labels = doc
    added = project.add_annotation(document_id, labels["Military"], ana, 0, 6)
    assert added.statuses == (StatusChange(document_id, ana, Status.IN_PROGRESS),)
    done = project.set_status(document_id, ana, Status.DONE)
    assert done.statuses == (StatusChange(document_id, ana, Status.DONE),)
    undone = project.undo()
    assert undone is not None
    assert undone.statuses == (StatusChange(document_id, ana, Status.IN_PROGRESS),)
    first = project.undo()  # the first annotation leaves: the document is "to do" again
    assert first is not None
    assert first.statuses == (StatusChange(document_id, ana, Status.TODO),)
    assert project.status(document_id, ana) is Status.TODO


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.integers(0, len(TEXT) - 1), st.integers(1, 20)), max_size=12))
def test_undo_all_then_redo_all_returns_to_the_same_state(doc, spans) -> None:
    project, document_id, annotator_id, labels = doc
    project.history = type(project.history)()
    for annotation in project.annotations(document_id, annotator_id):
        project.delete_annotations([annotation.id])
    project.history = type(project.history)()

    def state() -> list[AnnotationRecord]:
        return project.annotations(document_id, annotator_id)

    done = 0
    for start, length in spans:
        end = min(start + length, len(TEXT))
        try:
            project.add_annotation(document_id, labels["Military"], annotator_id, start, end)
            done += 1
        except EditError:
            pass
    final = state()
    for _ in range(done):
        project.undo()
    assert state() == []
    for _ in range(done):
        project.redo()
    assert state() == final


# --- What people type is bounded and storable (issue 10) ---------------------------------------


def test_a_backwards_span_is_not_called_outside_the_text(doc) -> None:
    project, document_id, annotator_id, labels = doc
    label = labels["Military cooperation"]
    with pytest.raises(EditError) as caught:
        project.add_annotation(document_id, label, annotator_id, 12, 9)
    assert str(caught.value) == "The span cannot be saved: start (12) is not before end (9)."
    with pytest.raises(EditError, match="start \\(5\\) is not before end \\(5\\)"):
        project.add_annotation(document_id, label, annotator_id, 5, 5)
    with pytest.raises(EditError, match="outside the text"):
        project.add_annotation(document_id, label, annotator_id, 0, len(TEXT) + 1)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("x" * 100_000, "The label name is 100,000 characters long; the limit is 200."),
        ("Arms \ud800 embargo", "The label name holds an unpaired surrogate (\\ud800), not text."),
        ("Arms\x1b[2J", "The label name holds control characters."),
        ("Arms \u202eogrābme", "The label name holds right-to-left override or embedding"),
    ],
)
def test_a_label_name_that_cannot_be_stored_is_refused_and_nothing_changes(
    doc, name: str, reason: str
) -> None:
    project, _, _, labels = doc
    before = unchanged_marker(project)
    with pytest.raises(EditError) as caught:
        project.add_label(name, "#123456")
    assert str(caught.value).startswith(reason)
    with pytest.raises(EditError) as caught:
        project.update_label(labels["Military cooperation"], name=name)
    assert str(caught.value).startswith(reason)
    assert unchanged_marker(project) == before
    assert project.history.undo_text is None


def test_long_descriptions_and_notes_are_refused_with_the_limit(doc) -> None:
    project, document_id, annotator_id, labels = doc
    label = labels["Military cooperation"]
    changes = project.add_annotation(document_id, label, annotator_id, 0, 13)
    annotation_id = changes.annotations_added[0].id
    before = unchanged_marker(project)
    too_long = "Long note.\n" * 2_000  # 22,000 characters, line breaks are fine
    expected = "The note is 22,000 characters long; the limit is 20,000."
    with pytest.raises(EditError, match=expected):
        project.set_note(annotation_id, too_long)
    with pytest.raises(EditError, match="unpaired surrogate"):
        project.set_note(annotation_id, "bad \udc80 byte")
    with pytest.raises(EditError, match=expected):
        project.add_annotation(document_id, label, annotator_id, 14, 20, note=too_long)
    description = "The label description is 22,000 characters long; the limit is 20,000."
    with pytest.raises(EditError, match=description):
        project.add_label("New label", "#123456", too_long)
    with pytest.raises(EditError, match=description):
        project.update_label(label, description=too_long)
    assert unchanged_marker(project) == before
    # What fits is kept exactly, line breaks and all.
    project.set_note(annotation_id, "Line one\nLine two 🙂")
    assert project.annotation(annotation_id).note == "Line one\nLine two 🙂"


def test_an_annotator_name_is_bounded_alike_in_a_file_and_on_a_server(project: Project) -> None:
    # A file would keep a 201-character name that a server's varchar(200) refuses: both refuse
    # it with the limit, and both keep 200 characters, even outside the BMP.
    with pytest.raises(EditError, match="The annotator name is 201 characters long; the limit"):
        project.ensure_annotator("x" * 201)
    with pytest.raises(EditError, match="control characters"):
        project.ensure_annotator("Ana\x00")
    longest = project.ensure_annotator("😀" * 200)
    assert project.annotators()[-1] == longest and len(longest.name) == 200


def test_a_nul_character_is_refused_alike_in_a_file_and_on_a_server(doc) -> None:
    # A file would keep "\x00" in a note; PostgreSQL refuses it, and the edit failed there only.
    project, document_id, annotator_id, labels = doc
    added = project.add_annotation(document_id, labels["Military"], annotator_id, 0, 6)
    annotation_id = added.annotations_added[0].id
    before = unchanged_marker(project)
    expected = r"The note holds a NUL character \(\\x00\), which cannot be stored\."
    with pytest.raises(EditError, match=expected):
        project.set_note(annotation_id, "pasted\x00from a terminal")
    with pytest.raises(EditError, match=expected):
        project.add_annotation(document_id, labels["Military"], annotator_id, 7, 13, note="\x00")
    with pytest.raises(EditError, match="The label description holds a NUL character"):
        project.add_label("Pasted", "#123456", "a\x00b")
    assert unchanged_marker(project) == before
    assert project.history.undo_text == "Add annotation"


def test_a_text_outside_the_bmp_has_its_length_in_code_points_on_both(doc) -> None:
    # The document list shows each text's length as the database counts it: characters (code
    # points) in SQLite and PostgreSQL alike, as the offsets are, never UTF-16 units or bytes.
    project, document_id, annotator_id, _ = doc
    (row,) = project.overview(annotator_id)
    assert row.length == len(TEXT) == len(TEXT.encode("utf-16-le")) // 2 - 3
    assert project.summary(document_id, annotator_id).length == len(TEXT)
