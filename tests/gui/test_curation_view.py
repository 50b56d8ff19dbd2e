"""The curation view, driven by keys: accept into gold, reject, majority, relabel, undo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from claimdesk.core.agreement.curation import GOLD_ANNOTATOR, gold_annotator
from claimdesk.core.formats.base import ExportSelection
from claimdesk.core.store.project import Project
from claimdesk.gui.curation import CandidateModel, CurationView
from claimdesk.gui.main_window import MainWindow
from tests.gui.conftest import db_rows
from tests.gui.edit_menu import edit_menu_items
from tests.gui.review_project import add_annotators


def gold_rows(path: Path) -> list[tuple[object, ...]]:
    return db_rows(
        path,
        'SELECT a.document_id, a.start, a."end", a.label_id, a.quote FROM annotation a'
        " JOIN annotator n ON n.id = a.annotator_id WHERE n.name = ? ORDER BY a.start",
        GOLD_ANNOTATOR,
    )


@pytest.fixture
def curating(window: MainWindow, qtbot: QtBot) -> CurationView:
    add_annotators(window.project, 4)
    window.menu_actions.curate.trigger()
    view = window.curation
    assert isinstance(view, CurationView)
    qtbot.waitExposed(view)
    return view


def test_menu_opens_the_open_document_with_one_lane_per_annotator(
    curating: CurationView, window: MainWindow
) -> None:
    assert curating.document_id == window.document_id
    model = curating.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == [*CandidateModel.FIXED, "Ana", "Ben", "Cleo", "Dov"]
    assert model.rowCount() == len(curating.model.candidates) > 8
    # The first row is selected and outlined in the text, ready for the keyboard.
    assert curating.selected_candidate() == model.candidates[0]
    assert curating.text.selected_span_id is not None


def test_every_cell_has_a_symbol_not_only_a_colour(curating: CurationView) -> None:
    model = curating.model
    seen = set()
    for row in range(model.rowCount()):
        for column in range(len(CandidateModel.FIXED), model.columnCount()):
            text = model.index(row, column).data()
            assert text and text[0] in "✓≠–"
            seen.add(text[0])
    assert seen == set("✓≠–")  # the generated annotators agree, differ and miss


def test_keys_accept_reject_and_undo_through_the_project(
    curating: CurationView, qtbot: QtBot, project_path: Path, window: MainWindow
) -> None:
    table = curating.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    second = curating.model.candidates[1]
    qtbot.keyClick(table, Qt.Key.Key_A)
    assert gold_rows(project_path) == [
        (curating.document_id, second.start, second.end, second.label_id, second.quote)
    ]
    # The gold lane and the text show it at once, and the selection stays on the row.
    assert curating.selected_candidate().key == second.key
    assert curating.selected_candidate().gold_id is not None
    gold_column = curating.model.gold_column()
    assert curating.model.index(1, gold_column).data() == "★ gold"
    assert curating.text.selected_span_id == curating.selected_candidate().gold_id
    # Accepting again is refused with a message; nothing is written.
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert "already in the gold set" in curating.message.text()
    assert len(gold_rows(project_path)) == 1

    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert gold_rows(project_path) == []
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(gold_rows(project_path)) == 1
    # The main window's undo history is the same project's: it offers the next undo.
    assert edit_menu_items(window)[0] == "&Undo Accept span into gold"
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold_rows(project_path) == []
    assert curating.model.index(1, gold_column).data() == ""


def test_majority_key_takes_the_spans_k_annotators_agree_on(
    curating: CurationView, qtbot: QtBot, project_path: Path
) -> None:
    assert curating.k_spin.value() == 3  # a strict majority of four by default
    curating.k_spin.setValue(4)
    unanimous = [c.key for c in curating.model.candidates if c.support == 4]
    assert unanimous
    qtbot.keyClick(curating.table, Qt.Key.Key_M)
    assert [row[1:4] for row in gold_rows(project_path)] == unanimous
    assert f"Accepted {len(unanimous)} span" in curating.message.text()
    qtbot.keyClick(curating.table, Qt.Key.Key_M)
    assert "No span" in curating.message.text()
    qtbot.keyClick(curating.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold_rows(project_path) == []


def test_label_key_relabels_and_edit_panel_moves_a_gold_span(
    curating: CurationView, qtbot: QtBot, project_path: Path, window: MainWindow
) -> None:
    table = curating.table
    first = curating.model.candidates[0]
    qtbot.keyClick(table, Qt.Key.Key_5)
    assert "Accept the span first" in curating.message.text()
    qtbot.keyClick(table, Qt.Key.Key_A)
    border = next(label for label in window.project.labels() if label.shortcut == "5")
    qtbot.keyClick(table, Qt.Key.Key_5)
    rows = gold_rows(project_path)
    assert [row[1:4] for row in rows] == [(first.start, first.end, border.id)]
    # The relabelled gold span is its own candidate now, and stays selected.
    assert curating.selected_candidate().key == (first.start, first.end, border.id)

    curating.end_spin.setValue(first.end + 1)
    text = window.project.document_text(curating.document_id)
    # Before applying, the panel shows what the new bounds would cover.
    covered = " ".join(text[first.start : first.end + 1].split())
    assert curating.edit_preview.text() == f"→ “{covered}”"
    qtbot.mouseClick(curating.apply_button, Qt.MouseButton.LeftButton)
    assert gold_rows(project_path)[0][1:] == (
        first.start,
        first.end + 1,
        border.id,
        text[first.start : first.end + 1],
    )
    curating.start_spin.setValue(first.end + 5)
    qtbot.mouseClick(curating.apply_button, Qt.MouseButton.LeftButton)
    assert "outside the text" in curating.message.text()
    assert gold_rows(project_path)[0][2] == first.end + 1


def test_undo_in_the_main_window_redraws_the_curation_view(
    curating: CurationView, qtbot: QtBot, project_path: Path, window: MainWindow
) -> None:
    qtbot.keyClick(curating.table, Qt.Key.Key_A)
    assert curating.model.index(0, curating.model.gold_column()).data() == "★ gold"
    window.menu_actions.undo.trigger()
    assert gold_rows(project_path) == []
    assert curating.model.index(0, curating.model.gold_column()).data() == ""


def test_accepted_spans_export_like_any_annotator(
    curating: CurationView, qtbot: QtBot, project_path: Path, window: MainWindow, tmp_path: Path
) -> None:
    qtbot.keyClick(curating.table, Qt.Key.Key_A)
    qtbot.keyClick(curating.table, Qt.Key.Key_Down)
    qtbot.keyClick(curating.table, Qt.Key.Key_Down)
    qtbot.keyClick(curating.table, Qt.Key.Key_Enter)
    project: Project = window.project
    gold = gold_annotator(project)
    # Exporters select annotators by name; the gold set is selected like anyone else.
    selection = ExportSelection(annotators=(gold.name,), documents=(curating.document_id,))
    names = {a.name: a.id for a in project.annotators()}
    out = tmp_path / "gold.jsonl"
    with out.open("w", encoding="utf-8") as sink:
        for document_id in selection.documents:
            text = project.document_text(document_id)
            for name in selection.annotators:
                for record in project.annotations(document_id, names[name]):
                    assert text[record.start : record.end] == record.quote
                    row = {"start": record.start, "end": record.end, "quote": record.quote}
                    sink.write(json.dumps(row, ensure_ascii=False) + "\n")
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    expected = [curating.model.candidates[i] for i in (0, 2)]
    assert [(e["start"], e["end"], e["quote"]) for e in exported] == [
        (c.start, c.end, c.quote) for c in expected
    ]


def test_candidate_model_passes_the_model_tester(curating: CurationView, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(curating.model)


def test_choosing_annotators_changes_lanes_and_the_majority(
    curating: CurationView, qtbot: QtBot, project_path: Path
) -> None:
    actions = [a for a in curating.annotators_menu.actions() if a.isCheckable()]
    assert [a.text() for a in actions] == ["Ana", "Ben", "Cleo", "Dov"]
    assert all(a.isChecked() for a in actions)
    actions[2].setChecked(False)  # leave Cleo out
    actions = [a for a in curating.annotators_menu.actions() if a.isCheckable()]
    actions[3].setChecked(False)  # and Dov
    model = curating.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[len(CandidateModel.FIXED) :] == ["Ana", "Ben"]
    assert curating.k_spin.value() == 2 and curating.k_spin.maximum() == 2
    both = [c.key for c in model.candidates if c.support == 2]
    qtbot.keyClick(curating.table, Qt.Key.Key_M)
    assert [row[1:4] for row in gold_rows(project_path)] == both
    curating.choose_annotators(None)
    assert model.columnCount() == len(CandidateModel.FIXED) + 4


def test_clicking_a_gold_highlight_selects_its_row(curating: CurationView, qtbot: QtBot) -> None:
    curating.select_row(3)
    qtbot.keyClick(curating.table, Qt.Key.Key_A)
    gold_id = curating.selected_candidate().gold_id
    curating.select_row(0)
    rect = curating.text.span_rects(gold_id)[0]
    qtbot.mouseClick(
        curating.text.viewport(), Qt.MouseButton.LeftButton, pos=rect.center().toPoint()
    )
    assert curating.selected_candidate().gold_id == gold_id
    assert curating.table.currentIndex().row() == 3


AWKWARD = "Troops 🇷🇺 left; 𠀋 envoys say.\r\nCafe\u0301 talks <b>x</b>&amp; =SUM(A1) resumed."


def test_awkward_text_curates_with_exact_offsets(
    project: Project, qtbot: QtBot, project_path: Path
) -> None:
    from claimdesk.core.text.textio import Article, sha256_text

    article = Article(Path("a.txt"), AWKWARD, "<i>Troops</i>", sha256_text(AWKWARD), "utf-8", ())
    document_id = project.import_articles([article]).added[0][0]
    text = project.document_text(document_id)
    labels = [label.id for label in project.labels() if label.shortcut]
    spans = [(w, labels[i]) for i, w in enumerate(("envoys say", "<b>x</b>&amp;", "=SUM(A1)"))]
    for name in ("Ana", "Ben"):
        annotator = project.ensure_annotator(name).id
        for words, label in spans:
            start = text.index(words)
            project.add_annotation(document_id, label, annotator, start, start + len(words))
    view = CurationView(project, document_id)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    assert [c.quote for c in view.model.candidates] == [w for w, _ in spans]
    assert [view.model.index(r, 1).data() for r in range(3)] == [w for w, _ in spans]
    assert "<i>Troops</i>" in view.heading.text()
    qtbot.keyClick(view.table, Qt.Key.Key_M)
    assert [row[4] for row in gold_rows(project_path)] == [w for w, _ in spans]
    # The outline in the text covers exactly the selected span's characters.
    view.select_row(1)
    gold_id = view.selected_candidate().gold_id
    rects = view.text.span_rects(gold_id)
    assert len(rects) == 1
    cursor = view.text.cursorForPosition(rects[0].center().toPoint())
    qt_offset = cursor.position()
    start = text.index("<b>x</b>")
    assert view.text._offsets.to_cp(qt_offset) in range(start, start + len("<b>x</b>&amp;") + 1)


def test_redo_key_brings_an_undone_accept_back(
    curating: CurationView, qtbot: QtBot, project_path: Path
) -> None:
    qtbot.keyClick(curating.table, Qt.Key.Key_A)
    accepted = gold_rows(project_path)
    qtbot.keyClick(curating.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold_rows(project_path) == []
    redo = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(curating.table, Qt.Key.Key_Z, redo)
    assert gold_rows(project_path) == accepted
    assert curating.model.index(0, curating.model.gold_column()).data() == "★ gold"


def test_a_document_nobody_marked_says_there_is_nothing_to_curate(
    window: MainWindow, qtbot: QtBot
) -> None:
    view = window.curate_document()
    assert isinstance(view, CurationView)
    assert view.model.rowCount() == 0
    assert "nothing to curate" in view.message.text()
    assert not view.accept_button.isEnabled() and not view.reject_button.isEnabled()
    qtbot.keyClick(view.table, Qt.Key.Key_M)
    assert "No span" in view.message.text()


def test_opening_another_project_closes_the_review_windows(
    curating: CurationView,
    window: MainWindow,
    prompts,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    prompts.paths = [tmp_path / "other.claimdesk"]
    window.menu_actions.new_project.trigger()
    assert window.project.path == tmp_path / "other.claimdesk"
    assert window.curation is None and window.dashboard is None
    assert not curating.isVisible()


def test_a_span_another_curator_just_accepted_is_reported_and_shown(
    curating: CurationView, qtbot: QtBot, project_path: Path, tmp_path: Path
) -> None:
    """Two curators on one project: the second presses A on a span the first has just accepted.
    One gold copy; the second is told so in a sentence and sees it as gold."""
    from claimdesk.core.agreement.curation import ALREADY_ACCEPTED, accept_span

    table = curating.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    second = curating.model.candidates[1]
    assert second.gold_id is None
    with Project.open(project_path) as other_curator:
        accept_span(other_curator, next(iter(second.holders.values())))
    qtbot.keyClick(table, Qt.Key.Key_A)
    assert curating.message.text() == ALREADY_ACCEPTED
    assert len(gold_rows(project_path)) == 1
    assert curating.selected_candidate().key == second.key
    assert curating.selected_candidate().gold_id is not None  # the view shows their accept
    assert curating.saved.text() != "⚠ NOT SAVED"
    curating.grab().save(str(tmp_path / "already-accepted.png"))
