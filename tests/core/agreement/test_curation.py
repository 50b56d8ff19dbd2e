"""Adjudication into a gold set: accept, edit, reject, majority; undoable and saved at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimdesk.core.agreement.curation import (
    GOLD_ANNOTATOR,
    Agreement,
    Cell,
    accept_majority,
    accept_span,
    curation_lanes,
    edit_gold_span,
    gold_annotator,
    reject_span,
)
from claimdesk.core.errors import EditError
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import Article, sha256_text
from tests.committed import committed_rows

pytestmark = pytest.mark.both_dialects

# Awkward text: a flag emoji and a CJK character outside the BMP, a combining accent, markup
# and a formula-looking word. Offsets are code points throughout.
TEXT = "Troops 🇷🇺 left; 𠀋 envoys say.\nCafe\u0301 talks <b>x</b>&amp; =SUM(A1) resumed."


def word(w: str) -> tuple[int, int]:
    start = TEXT.index(w)
    return start, start + len(w)


def committed(project: Project, annotator: str) -> list[tuple[object, ...]]:
    """What another program reading the project sees for one annotator."""
    return committed_rows(
        project,
        'SELECT a.start, a."end", l.name, a.quote, a.note FROM annotation a'
        " JOIN annotator n ON n.id = a.annotator_id JOIN label l ON l.id = a.label_id"
        ' WHERE n.name = ? ORDER BY a.start, a."end", l.id',
        (annotator,),
    )


@pytest.fixture
def doc(project: Project):  # type: ignore[no-untyped-def]
    article = Article(Path("a.txt"), TEXT, "Troops", sha256_text(TEXT), "utf-8", ())
    document_id = project.import_articles([article]).added[0][0]
    ids = {name: project.ensure_annotator(name).id for name in ("Ana", "Ben", "Cleo")}
    labels = {label.name: label.id for label in project.labels()}
    military, border = labels["Military"], labels["Border security"]
    # Ana, Ben and Cleo agree on the troops; Ana and Ben on the envoys, Cleo labels them
    # otherwise; only Cleo marks the markup; Ana and Cleo disagree on the bounds of the talks.
    for name in ("Ana", "Ben", "Cleo"):
        project.add_annotation(document_id, military, ids[name], *word("Troops 🇷🇺"))
    project.add_annotation(document_id, border, ids["Ana"], *word("𠀋 envoys"), note="<i>n</i>")
    project.add_annotation(document_id, border, ids["Ben"], *word("𠀋 envoys"), note="=1+1")
    project.add_annotation(document_id, military, ids["Cleo"], *word("𠀋 envoys"))
    project.add_annotation(document_id, border, ids["Cleo"], *word("<b>x</b>&amp;"))
    project.add_annotation(document_id, military, ids["Ana"], *word("Cafe\u0301 talks"))
    project.add_annotation(document_id, military, ids["Cleo"], *word("talks"))
    project.history = type(project.history)()
    return project, document_id, ids, labels


def test_gold_is_an_ordinary_annotator_created_on_first_use(project: Project) -> None:
    assert GOLD_ANNOTATOR not in [a.name for a in project.annotators()]
    gold = gold_annotator(project)
    assert gold.name == GOLD_ANNOTATOR
    assert gold_annotator(project) == gold
    assert [a.name for a in project.annotators()] == [GOLD_ANNOTATOR]


def test_lanes_mark_agreement_and_disagreement(doc) -> None:  # type: ignore[no-untyped-def]
    project, document_id, ids, labels = doc
    curation = curation_lanes(project, document_id)
    assert [a.name for a in curation.annotators] == ["Ana", "Ben", "Cleo"]
    assert [lane.annotator.name for lane in curation.lanes] == ["Ana", "Ben", "Cleo", "Gold"]
    assert curation.lanes[-1].spans == []
    ana = curation.lanes[0].spans
    troops = next(s for s in ana if (s.start, s.end) == word("Troops 🇷🇺"))
    assert troops.agreed_by == {ids["Ben"], ids["Cleo"]} and not troops.disputed_by
    envoys = next(s for s in ana if (s.start, s.end) == word("𠀋 envoys"))
    assert envoys.agreed_by == {ids["Ben"]} and envoys.disputed_by == {ids["Cleo"]}
    talks = next(s for s in ana if (s.start, s.end) == word("Cafe\u0301 talks"))
    assert not talks.agreed_by and talks.disputed_by == {ids["Cleo"]}

    by_quote = {(c.quote, c.label_id): c for c in curation.candidates}
    assert [c.start for c in curation.candidates] == sorted(c.start for c in curation.candidates)
    assert by_quote[("Troops 🇷🇺", labels["Military"])].agreement is Agreement.ALL
    envoys_border = by_quote[("𠀋 envoys", labels["Border security"])]
    assert envoys_border.agreement is Agreement.MAJORITY
    assert envoys_border.cell(ids["Cleo"]) is Cell.DIFFERS
    assert envoys_border.differing == {ids["Cleo"]: ((*word("𠀋 envoys"), labels["Military"]),)}
    assert envoys_border.cell(ids["Ana"]) is Cell.HAS
    markup = by_quote[("<b>x</b>&amp;", labels["Border security"])]
    assert markup.agreement is Agreement.SOME
    assert markup.cell(ids["Ana"]) is Cell.MISSING


def test_lanes_compare_only_the_chosen_annotators(doc) -> None:  # type: ignore[no-untyped-def]
    project, document_id, ids, labels = doc
    curation = curation_lanes(project, document_id, [ids["Ana"], ids["Ben"]])
    assert [lane.annotator.name for lane in curation.lanes] == ["Ana", "Ben", "Gold"]
    envoys = curation.candidates[curation.index_of((*word("𠀋 envoys"), labels["Border security"]))]
    assert envoys.agreement is Agreement.ALL  # Cleo's other label no longer counts
    assert all(c.support > 0 for c in curation.candidates)


def test_accept_copies_label_bounds_and_note_is_saved_and_undoes(
    doc,  # type: ignore[no-untyped-def]
) -> None:
    project, document_id, ids, labels = doc
    ana_envoys = next(
        r for r in project.annotations(document_id, ids["Ana"]) if r.quote == "𠀋 envoys"
    )
    changes = accept_span(project, ana_envoys.id)
    gold = gold_annotator(project)
    copy = changes.annotations_added[0]
    assert (copy.annotator_id, copy.start, copy.end, copy.label_id, copy.note) == (
        gold.id,
        ana_envoys.start,
        ana_envoys.end,
        ana_envoys.label_id,
        "<i>n</i>",
    )
    assert committed(project, "Gold") == [
        (*word("𠀋 envoys"), "Border security", "𠀋 envoys", "<i>n</i>")
    ]
    assert project.history.undo_text == "Accept span into gold"
    # Ben's identical span is now in gold too: accepting it again is refused.
    ben_envoys = next(
        r for r in project.annotations(document_id, ids["Ben"]) if r.quote == "𠀋 envoys"
    )
    with pytest.raises(EditError, match="already in the gold set"):
        accept_span(project, ben_envoys.id)
    with pytest.raises(EditError, match="already in the gold set"):
        accept_span(project, copy.id)
    assert (
        curation_lanes(project, document_id)
        .candidates[
            curation_lanes(project, document_id).index_of(
                (*word("𠀋 envoys"), labels["Border security"])
            )
        ]
        .gold_id
        == copy.id
    )
    project.undo()
    assert committed(project, "Gold") == []
    project.redo()
    assert project.annotations(document_id, gold.id)[0].id == copy.id


def test_edit_relabels_and_moves_bounds_with_its_quote(
    doc,  # type: ignore[no-untyped-def]
) -> None:
    project, document_id, ids, labels = doc
    ana_talks = next(
        r for r in project.annotations(document_id, ids["Ana"]) if r.quote == "Cafe\u0301 talks"
    )
    copy = accept_span(project, ana_talks.id).annotations_added[0]
    start, end = word("talks <b>x</b>")
    edit_gold_span(project, copy.id, label_id=labels["Border security"], start=start, end=end)
    assert committed(project, "Gold") == [(start, end, "Border security", "talks <b>x</b>", "")]
    assert project.history.undo_text == "Edit span"
    # The annotator's own span is untouched.
    assert project.annotation(ana_talks.id) == ana_talks
    project.undo()
    assert committed(project, "Gold") == [
        (*word("Cafe\u0301 talks"), "Military", "Cafe\u0301 talks", "")
    ]
    project.redo()
    assert project.annotation(copy.id).quote == "talks <b>x</b>"


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (-1, 4, "outside the text"),
        (5, 5, "outside the text"),
        (0, len(TEXT) + 1, "outside the text"),
        (TEXT.index(";") + 1, TEXT.index(";") + 2, "white space"),
    ],
)
def test_bad_edit_is_refused_and_changes_nothing(
    doc,  # type: ignore[no-untyped-def]
    start: int,
    end: int,
    message: str,
) -> None:
    project, document_id, ids, _labels = doc
    first = project.annotations(document_id, ids["Ana"])[0]
    copy = accept_span(project, first.id).annotations_added[0]
    before = committed(project, "Gold")
    with pytest.raises(EditError, match=message):
        edit_gold_span(project, copy.id, start=start, end=end)
    assert committed(project, "Gold") == before
    assert project.history.undo_text == "Accept span into gold"


def test_edit_is_only_for_gold_spans_and_refuses_a_duplicate(doc) -> None:  # type: ignore[no-untyped-def]
    project, document_id, ids, labels = doc
    ana = project.annotations(document_id, ids["Ana"])
    with pytest.raises(EditError, match="accept the span first"):
        edit_gold_span(project, ana[0].id, label_id=labels["Border security"])
    first = accept_span(project, ana[0].id).annotations_added[0]
    second = accept_span(project, ana[1].id).annotations_added[0]
    with pytest.raises(EditError, match="already has this span"):
        edit_gold_span(
            project, second.id, start=first.start, end=first.end, label_id=first.label_id
        )
    with pytest.raises(EditError, match="already has these bounds"):
        edit_gold_span(project, second.id, label_id=second.label_id)


def test_reject_removes_the_gold_copy_and_undoes(doc) -> None:  # type: ignore[no-untyped-def]
    project, document_id, ids, _labels = doc
    ana_troops = project.annotations(document_id, ids["Ana"])[0]
    with pytest.raises(EditError, match="not in the gold set"):
        reject_span(project, ana_troops.id)
    copy = accept_span(project, ana_troops.id).annotations_added[0]
    # Rejecting through Ben's identical span removes the gold copy, as rejecting the copy does.
    ben_troops = project.annotations(document_id, ids["Ben"])[0]
    reject_span(project, ben_troops.id)
    assert committed(project, "Gold") == []
    assert project.history.undo_text == "Reject span from gold"
    project.undo()
    assert [r.id for r in project.annotations(document_id, gold_annotator(project).id)] == [copy.id]
    reject_span(project, copy.id)
    assert committed(project, "Gold") == []
    # The annotators' own spans never move.
    assert len(project.annotations(document_id, ids["Ben"])) == 2


def test_majority_accepts_exact_agreements_in_one_undoable_step(
    doc,  # type: ignore[no-untyped-def]
) -> None:
    project, document_id, ids, _labels = doc
    chosen = list(ids.values())
    changes = accept_majority(project, document_id, chosen, 2)
    assert len(changes.annotations_added) == 2
    # Troops (3 of 3) and envoys as border security (2 of 3); notes of both holders kept.
    assert committed(project, "Gold") == [
        (*word("Troops 🇷🇺"), "Military", "Troops 🇷🇺", ""),
        (*word("𠀋 envoys"), "Border security", "𠀋 envoys", "<i>n</i>\n=1+1"),
    ]
    assert project.history.undo_text == "Accept 2 spans"
    # Nothing new is shared by two or more: a second run is refused and writes nothing.
    with pytest.raises(EditError, match="No span"):
        accept_majority(project, document_id, chosen, 2)
    # With all three required only the troops qualify, and they are in gold already.
    with pytest.raises(EditError, match="No span"):
        accept_majority(project, document_id, chosen, 3)
    project.undo()
    assert committed(project, "Gold") == []
    project.redo()
    assert len(committed(project, "Gold")) == 2
    with pytest.raises(EditError, match="between 1 and 3"):
        accept_majority(project, document_id, chosen, 4)


def test_majority_of_one_takes_every_span_and_skips_gold_copies(doc) -> None:  # type: ignore[no-untyped-def]
    project, document_id, ids, _labels = doc
    ana_troops = project.annotations(document_id, ids["Ana"])[0]
    accept_span(project, ana_troops.id)
    changes = accept_majority(project, document_id, list(ids.values()), 1)
    distinct = {
        (r.start, r.end, r.label_id)
        for r in project.annotations(document_id, None)
        if r.annotator_id in ids.values()
    }
    assert len(changes.annotations_added) == len(distinct) - 1
    gold = gold_annotator(project)
    gold_keys = [(r.start, r.end, r.label_id) for r in project.annotations(document_id, gold.id)]
    assert sorted(gold_keys) == sorted(distinct)


def test_gold_spans_read_back_as_ordinary_annotations(doc) -> None:  # type: ignore[no-untyped-def]
    """Any exporter reads annotations per annotator: the gold set is one more annotator."""
    project, document_id, ids, _labels = doc
    accept_majority(project, document_id, list(ids.values()), 2)
    gold = gold_annotator(project)
    records = project.annotations(document_id, gold.id)
    text = project.document_text(document_id)
    assert [text[r.start : r.end] for r in records] == [r.quote for r in records]
    assert [s.id for s in project.spans(document_id, gold.id)] == [r.id for r in records]
    assert project.overview(gold.id)[0].annotation_count == 2


def test_gone_spans_are_refused_with_a_message_and_nothing_written(
    doc,  # type: ignore[no-untyped-def]
) -> None:
    project, *_ = doc
    for operation in (accept_span, reject_span):
        with pytest.raises(EditError, match="no longer exists"):
            operation(project, 999_999)
    with pytest.raises(EditError, match="no longer exists"):
        edit_gold_span(project, 999_999, start=0, end=3)
    assert committed(project, "Gold") == []
    assert project.history.undo_text is None


def test_the_gold_set_is_never_one_of_the_compared_annotators(doc) -> None:  # type: ignore[no-untyped-def]
    project, document_id, ids, _labels = doc
    accept_majority(project, document_id, list(ids.values()), 3)
    gold = gold_annotator(project)
    curation = curation_lanes(project, document_id, [gold.id, ids["Ana"]])
    assert [a.name for a in curation.annotators] == ["Ana"]
    assert [lane.annotator.name for lane in curation.lanes] == ["Ana", "Gold"]
    assert [a.name for a in curation.available] == ["Ana", "Ben", "Cleo"]
    # The accepted span counts Ana alone: gold agreeing does not raise its support.
    troops = next(c for c in curation.candidates if c.gold_id is not None)
    assert troops.support == 1 and troops.agreement is Agreement.ALL
