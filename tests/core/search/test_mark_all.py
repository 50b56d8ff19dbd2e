"""Mark all (every hit under a label in one undoable edit) and the concordance of a label."""

from __future__ import annotations

import pytest

from claimdesk.core.records import Status
from claimdesk.core.search.concordance import (
    Query,
    label_concordance,
    mark_all,
    mark_all_preview,
    search,
)
from claimdesk.core.store.project import Project
from tests.committed import committed_rows

pytestmark = pytest.mark.both_dialects

# On the sample articles: 30 words of the military vocabulary.
MILITARY = r"\b(troops?|military|weapons?|arm(y|ies)|forces?|soldiers?)\b"


def _label(project: Project, name: str) -> int:
    return next(label.id for label in project.labels() if label.name == name)


def _spans(project: Project) -> list[tuple[object, ...]]:
    return committed_rows(
        project, 'SELECT document_id, label_id, annotator_id, start, "end", quote FROM annotation'
    )


def test_mark_all_files_30_hits_in_one_undoable_step(seeded: Project) -> None:
    project = seeded
    hits = search(project, Query(MILITARY, is_regex=True)).hits
    assert len(hits) == 30
    ann = project.ensure_annotator("Ann")
    military = _label(project, "Military")
    assert mark_all_preview(project, hits, military, ann.id) == (30, 0)

    _, added, skipped = mark_all(project, hits, military, ann.id)
    assert (added, skipped) == (30, 0)
    rows = _spans(project)
    assert len(rows) == 30
    texts = {h.document_id: project.document_text(h.document_id) for h in hits}
    assert all(texts[d][s:e] == q for d, _, _, s, e, q in rows)  # type: ignore[index]
    assert project.status(hits[0].document_id, ann.id) is Status.IN_PROGRESS
    assert project.history.undo_text == "Mark all (30 spans)"

    project.undo()  # one step takes all 30 away, and the documents' status back
    assert _spans(project) == []
    assert project.status(hits[0].document_id, ann.id) is Status.TODO
    project.redo()
    assert sorted(_spans(project)) == sorted(rows)


def test_mark_all_skips_spans_already_filed_by_that_person_under_that_label(
    seeded: Project,
) -> None:
    project = seeded
    hits = search(project, Query("troops", whole_word=True)).hits
    ann, bo = project.ensure_annotator("Ann"), project.ensure_annotator("Bo")
    military, trade = _label(project, "Military"), _label(project, "Barter & trade")
    first = hits[0]
    project.add_annotation(first.document_id, military, ann.id, first.start, first.end)
    assert mark_all_preview(project, hits, military, ann.id) == (len(hits) - 1, 1)
    # Another person's span, or the same person's under another label, is no reason to skip.
    project.add_annotation(first.document_id, trade, ann.id, first.start, first.end)
    assert mark_all_preview(project, hits, military, bo.id) == (len(hits), 0)

    _, added, skipped = mark_all(project, hits, military, ann.id)
    assert (added, skipped) == (len(hits) - 1, 1)
    again = search(project, Query("troops", whole_word=True)).hits
    assert "Military (Ann)" in again[0].labels and "Barter & trade (Ann)" in again[0].labels


def test_label_concordance_flags_text_filed_elsewhere_under_another_label(
    seeded: Project,
) -> None:
    project = seeded
    hits = search(project, Query("Soviet troops")).hits
    assert len(hits) >= 2
    ann, bo = project.ensure_annotator("Ann"), project.ensure_annotator("Bo")
    troops = _label(project, "Troop reduction / redeployment")
    military = _label(project, "Military")
    one, two = hits[0], hits[1]
    project.add_annotation(one.document_id, troops, ann.id, one.start, one.end)
    project.add_annotation(two.document_id, troops, bo.id, two.start, two.end)
    # Bo files the same words under another label somewhere else.
    moscow = search(project, Query("Moscow")).hits[0]
    project.add_annotation(moscow.document_id, military, bo.id, moscow.start, moscow.end)
    project.add_annotation(two.document_id, military, bo.id, two.start, two.end)

    lines = label_concordance(project, troops)
    assert [(h.start, h.annotator, h.match) for h in lines] == [
        (one.start, "Ann", "Soviet troops"),
        (two.start, "Bo", "Soviet troops"),
    ]
    assert all(h.elsewhere == ("Military",) for h in lines)
    assert lines[0].left == one.left and lines[0].right == one.right

    only_ann = label_concordance(project, troops, [ann.id])
    assert [h.annotator for h in only_ann] == ["Ann"]
    by_start = {h.start: h.elsewhere for h in label_concordance(project, military)}
    assert by_start == {moscow.start: (), two.start: ("Troop reduction / redeployment",)}
