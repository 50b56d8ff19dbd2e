"""Suggestions in the article, by keyboard and mouse, on a real project: mark "troops" once, its
other occurrences come up dashed (worked out in a process of their own); N selects one, Enter or
a label key accepts it, X rejects it, Shift+Enter accepts them all; each is recorded and
undoable."""

from __future__ import annotations

import gc
import os
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from claimdesk.core.store.project import Project
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.settings import Settings
from tests.gui.conftest import ScriptedPrompts, db_rows
from tests.gui.test_main_window import label_id, select_phrase

TROOPS = "Troop reduction / redeployment"  # key 2, #ff7f0e
COOPERATION = "Military cooperation"  # key 3
ROWS = "SELECT label_id, quote FROM annotation ORDER BY start"


def open_article(window: MainWindow, qtbot: QtBot, word: str) -> None:
    """Open the sample article that holds ``word`` and wait for its suggestions."""
    for row in window.project.overview(window.annotator.id):
        if word in window.project.document_text(row.id):
            with qtbot.waitSignal(window.suggestions.shown, timeout=5000):
                window.open_document(row.id)
            return
    raise AssertionError(f"no sample article holds {word!r}")


def mark_once(window: MainWindow, qtbot: QtBot, phrase: str, key: str) -> None:
    """Select the first occurrence of ``phrase``, press a label key, wait for the suggestions."""
    select_phrase(window, phrase)
    window.view.setFocus()
    with qtbot.waitSignal(window.suggestions.shown, timeout=5000):
        qtbot.keyClick(window.view, key)


def troops_suggested(window: MainWindow, qtbot: QtBot) -> int:
    """Mark "troops" once under its label: the count of the other occurrences suggested."""
    open_article(window, qtbot, "troops")
    mark_once(window, qtbot, "troops", "2")
    items = window.view.suggestions.items
    text = window.view.document_text()
    assert items, "marking troops once suggests its other occurrences"
    assert {text[s.start : s.end].lower() for s in items} == {"troops"}
    assert {s.label_id for s in items} == {label_id(window, TROOPS)}
    return len(items)


def test_marking_troops_once_suggests_the_others_and_enter_accepts_one(
    window: MainWindow, qtbot: QtBot, project_path: Path
) -> None:
    others = troops_suggested(window, qtbot)
    assert others == window.view.document_text().lower().count("troops") - 1
    assert len(db_rows(project_path, ROWS)) == 1  # suggestions are not annotations
    qtbot.keyClick(window.view, "n")
    chosen = window.view.suggestions.current
    assert chosen is not None
    assert "Enter accepts" in window.statusBar().currentMessage()
    assert "X rejects" in window.statusBar().currentMessage()
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    troops = label_id(window, TROOPS)
    assert db_rows(project_path, ROWS) == [(troops, "troops")] * 2
    assert window.view.span(window.view.spans().__next__().id) is not None
    assert len(window.view.suggestions.items) == others - 1
    stats = window.project.suggestion_stats(window.annotator.id)
    assert sum(row.accepted for row in stats.values()) == 1
    # Undo takes the annotation back; the suggestion returns once worked out again.
    with qtbot.waitSignal(window.suggestions.shown, timeout=5000):
        window.menu_actions.undo.trigger()
    assert db_rows(project_path, ROWS) == [(troops, "troops")]
    assert len(window.view.suggestions.items) == others


def test_a_label_key_files_a_suggestion_under_that_label(
    window: MainWindow, qtbot: QtBot, project_path: Path
) -> None:
    troops_suggested(window, qtbot)
    qtbot.keyClick(window.view, "n")
    picked = window.view.suggestions.current
    assert picked is not None
    qtbot.keyClick(window.view, "3")
    rows = db_rows(
        project_path, "SELECT label_id, start FROM annotation WHERE start = ?", picked.start
    )
    assert rows == [(label_id(window, COOPERATION), picked.start)]


def test_x_rejects_and_it_is_not_suggested_again(
    window: MainWindow, qtbot: QtBot, project_path: Path
) -> None:
    others = troops_suggested(window, qtbot)
    qtbot.keyClick(window.view, "n")
    with qtbot.waitSignal(window.suggestions.shown, timeout=5000):
        qtbot.keyClick(window.view, "x")
    assert len(db_rows(project_path, ROWS)) == 1  # nothing filed
    assert len(window.view.suggestions.items) < others
    stats = window.project.suggestion_stats(window.annotator.id)
    assert sum(row.rejected for row in stats.values()) == 1
    with qtbot.waitSignal(window.suggestions.shown, timeout=5000):
        window.menu_actions.undo.trigger()
    assert len(window.view.suggestions.items) == others
    stats = window.project.suggestion_stats(window.annotator.id)
    assert sum(row.rejected for row in stats.values()) == 0


def test_shift_enter_accepts_all_in_one_undoable_step(
    window: MainWindow, qtbot: QtBot, project_path: Path
) -> None:
    others = troops_suggested(window, qtbot)
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert len(db_rows(project_path, ROWS)) == others + 1
    assert window.view.suggestions.items == []
    window.menu_actions.undo.trigger()
    assert len(db_rows(project_path, ROWS)) == 1


def test_shift_enter_asks_before_accepting_more_than_twenty(
    window: MainWindow, qtbot: QtBot, prompts: ScriptedPrompts, project_path: Path
) -> None:
    open_article(window, qtbot, "troops")
    mark_once(window, qtbot, "the", "2")  # a common word: many suggestions
    count = len(window.view.suggestions.items)
    assert count > 20
    prompts.confirms = [False]
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert len(db_rows(project_path, ROWS)) == 1
    assert any(f"all {count} suggestions" in asked for asked in prompts.asked)
    prompts.confirms = [True]
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert len(db_rows(project_path, ROWS)) == count + 1


def _near(colour: QColor, target: QColor, tolerance: int = 40) -> bool:
    return all(
        abs(a - b) <= tolerance
        for a, b in zip(colour.getRgb()[:3], target.getRgb()[:3], strict=True)
    )


def test_suggestions_are_dashed_outlines_not_fills(window: MainWindow, qtbot: QtBot) -> None:
    troops_suggested(window, qtbot)
    overlay = window.view.suggestions
    qtbot.keyClick(window.view, "n")  # scrolled into view
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)  # drawn as any other, not selected
    assert overlay.current is None
    position = next(i for i in range(len(overlay.items)) if overlay.rects(i))
    (rect, *_) = overlay.rects(position)
    image: QImage = window.view.viewport().grab().toImage()
    orange = QColor("#ff7f0e")
    # The frame: label-coloured dashes with gaps along the top edge.
    top = [
        image.pixelColor(int(x), int(rect.top() + 1))
        for x in range(int(rect.left()) + 2, int(rect.right()) - 2)
    ]
    assert any(_near(c, orange) for c in top)
    assert any(not _near(c, orange, 80) for c in top)  # a gap: dashed, not solid
    # Inside: never tinted with the label colour (an annotation's fill would be).
    background = window.view.palette().color(window.view.viewport().backgroundRole())
    inside = [
        image.pixelColor(int(x), int(y))
        for x in range(int(rect.left()) + 4, int(rect.right()) - 4)
        for y in range(int(rect.top()) + 4, int(rect.bottom()) - 4)
    ]
    assert inside and not any(_near(c, orange, 60) for c in inside)
    assert any(c == background for c in inside)


def _frame_on_top_edge(window: MainWindow, position: int, colour: QColor) -> bool:
    (rect, *_) = window.view.suggestions.rects(position)
    image: QImage = window.view.viewport().grab().toImage()
    top = [
        image.pixelColor(int(x), int(rect.top() + 1))
        for x in range(int(rect.left()) + 2, int(rect.right()) - 2)
    ]
    return any(_near(c, colour) for c in top)


def test_frames_follow_the_text_when_it_wraps_again_and_a_label_changes_colour(
    window: MainWindow, qtbot: QtBot
) -> None:
    # Each line's frames are kept between paints: a wider window (the lines wrap
    # elsewhere) and a new label colour must still draw them where, and as, they now are.
    troops_suggested(window, qtbot)
    overlay = window.view.suggestions
    qtbot.keyClick(window.view, "n")
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    shown = {i: overlay.rects(i)[0] for i in range(len(overlay.items)) if overlay.rects(i)}
    assert all(_frame_on_top_edge(window, i, QColor("#ff7f0e")) for i in shown)
    window.resize(window.width() + 400, window.height())  # longer lines: the text moves up
    qtbot.wait(100)
    moved = [
        i for i in shown if overlay.rects(i) and overlay.rects(i)[0].topLeft() != shown[i].topLeft()
    ]
    assert moved, "a wider window wraps the lines elsewhere"
    assert all(_frame_on_top_edge(window, i, QColor("#ff7f0e")) for i in moved)
    position = moved[0]
    overlay.set_label_colours({label_id(window, TROOPS): "#1f77b4"})
    assert _frame_on_top_edge(window, position, QColor("#1f77b4"))
    assert not _frame_on_top_edge(window, position, QColor("#ff7f0e"))


def test_clicking_a_dashed_outline_selects_it(window: MainWindow, qtbot: QtBot) -> None:
    troops_suggested(window, qtbot)
    overlay = window.view.suggestions
    qtbot.keyClick(window.view, "n")  # scrolled into view
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    position = next(i for i in range(len(overlay.items)) if overlay.rects(i))
    centre = overlay.rects(position)[0].center().toPoint()
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert overlay.selected == position
    assert overlay.at(QPointF(centre)) == position
    assert "Enter accepts" in window.statusBar().currentMessage()


def test_worked_out_in_a_process_of_its_own(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In a thread the computation shared the window's interpreter, and a key pressed meanwhile
    # waited for it: the window's interpreter now never runs it.
    import claimdesk.core.suggest as core_suggest
    from claimdesk.core import suggest_worker as process
    from claimdesk.core.suggest import engine

    here: list[str] = []

    def spy(*args: object, **kwargs: object) -> object:
        here.append(threading.current_thread().name)
        raise AssertionError("worked out in the window's process")

    monkeypatch.setattr(core_suggest, "suggest", spy)
    monkeypatch.setattr(engine, "suggest", spy)
    assert troops_suggested(window, qtbot) > 0
    assert here == []
    assert process.SUGGESTING.pid not in (None, os.getpid())
    assert window.suggestions.delay_ms is not None


def test_view_menu_hides_suggestions_and_remembers(window: MainWindow, qtbot: QtBot) -> None:
    troops_suggested(window, qtbot)
    window.menu_actions.show_suggestions.trigger()
    assert window.settings.show_suggestions is False
    assert len(window.view.suggestions) == 0
    qtbot.keyClick(window.view, "n")  # no suggestion to go to: N is an ordinary key again
    assert window.view.suggestions.current is None
    with qtbot.waitSignal(window.suggestions.shown, timeout=5000):
        window.menu_actions.show_suggestions.trigger()
    assert window.settings.show_suggestions is True
    assert len(window.view.suggestions) > 0


def test_dashboard_shows_each_sources_precision_and_recall(
    window: MainWindow, qtbot: QtBot
) -> None:
    troops_suggested(window, qtbot)
    qtbot.keyClick(window.view, "n")
    qtbot.keyClick(window.view, Qt.Key.Key_Return)  # accepted: the next one is selected
    assert window.view.suggestions.current is not None
    qtbot.keyClick(window.view, "x")  # rejected
    dashboard = window.open_dashboard()
    assert dashboard is not None
    tab = dashboard.suggestions_tab
    assert dashboard.tabs.indexOf(tab) >= 0
    model = tab.model
    table = {
        str(model.index(row, 0).data()): [
            str(model.index(row, column).data()) for column in range(1, model.columnCount())
        ]
        for row in range(model.rowCount())
    }
    # accepted, rejected, missed, precision, recall
    assert table["Same text marked elsewhere"][:2] == ["1", "1"]
    assert table["Same text marked elsewhere"][3] == "50%"
    tab.who.setCurrentIndex(tab.who.findText("Ana"))
    assert tab.model.rowCount() == len(table)


def test_the_model_is_retrained_in_another_process_every_few_edits(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    import claimdesk.core.suggest as core_suggest
    from claimdesk.core import suggest_worker as process
    from claimdesk.gui import window_suggestions

    def spy(examples: object) -> object:
        raise AssertionError("trained in the window's process")

    monkeypatch.setattr(core_suggest.SuggestionModel, "train", staticmethod(spy))
    monkeypatch.setattr(window_suggestions, "RETRAIN_EVERY", 3)
    open_article(window, qtbot, "troops")
    assert window.suggestions.model is None
    # scikit-learn loads with the first training (seconds on a busy machine): the window waits
    # for none of it.
    with qtbot.waitSignal(window.suggestions.trained, timeout=60000) as trained:
        for occurrence in range(3):  # three edits: the third starts a training
            select_phrase(window, "troops", occurrence)
            qtbot.keyClick(window.view, "2")
        # ...once the reader has paused: not while the keys come (it would slow them down).
        assert window.suggestions.training is None
    # Trained in a process of its own, never in the window's (whose key presses it would hold
    # up); the window never even loads scikit-learn: it keeps the model as the worker's bytes.
    assert process.TRAINING.pid not in (None, os.getpid())
    model = trained.args[0] if trained.args else None
    assert isinstance(model, process.TrainedModel)
    assert label_id(window, TROOPS) in model.labels
    assert window.suggestions.model is model
    # The next suggestions are worked out with it in the other process.
    with qtbot.waitSignal(window.suggestions.shown, timeout=10000):
        window.suggestions.refresh()
    assert "not shown" not in window.statusBar().currentMessage()


def test_hidden_suggestions_start_no_work_after_edits(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Turned off in the View menu: no model is trained and nothing is worked out behind the
    # reader's back (that work shares the interpreter with the window and slows every key).
    from claimdesk.gui import window_suggestions
    from claimdesk.gui.workers import running_tasks

    monkeypatch.setattr(window_suggestions, "RETRAIN_EVERY", 3)
    open_article(window, qtbot, "troops")
    window.menu_actions.show_suggestions.trigger()
    assert window.settings.show_suggestions is False
    for occurrence in range(4):
        select_phrase(window, "troops", occurrence)
        qtbot.keyClick(window.view, "2")
        assert running_tasks(window) == ()
    assert window.suggestions.training is None and not window.suggestions.pending()
    assert len(window.annotations.model_.counts()) >= 1


def test_keys_go_to_a_relation_being_made_first(window: MainWindow, qtbot: QtBot) -> None:
    from claimdesk.core.records import Changes
    from claimdesk.core.scheme import RelationSpec

    window.project.add_relation_type(RelationSpec("supports", "#2ca02c", shortcut="n"))
    window.show_changes(Changes(scheme=True))
    troops_suggested(window, qtbot)
    mark_once(window, qtbot, "Mongolia", "5")  # a second highlight to link to
    maker = window.relations.maker
    window.view.select_span(next(iter(window.view.spans())).id)
    qtbot.keyClick(window.view, "r")
    assert maker.linking
    qtbot.keyClick(window.view, "n")  # the relation maker's key, not the next suggestion
    assert window.view.suggestions.current is None
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    assert not maker.linking
    qtbot.keyClick(window.view, "n")
    assert window.view.suggestions.current is not None


def test_selecting_text_lets_go_of_the_suggestion(
    window: MainWindow, qtbot: QtBot, project_path: Path
) -> None:
    troops_suggested(window, qtbot)
    qtbot.keyClick(window.view, "n")
    assert window.view.suggestions.current is not None
    select_phrase(window, "Mongolia")
    assert window.view.suggestions.current is None
    qtbot.keyClick(window.view, "5")  # files the selected text, accepts nothing
    rows = db_rows(project_path, "SELECT quote FROM annotation ORDER BY start")
    assert rows == [("troops",), ("Mongolia",)]


def test_suggestion_sources_add_a_phrase_that_is_suggested_at_once(
    window: MainWindow, qtbot: QtBot, prompts: ScriptedPrompts, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimdesk.gui.suggestion_sources import SuggestionSourcesDialog

    open_article(window, qtbot, "Mongolia")
    assert window.view.suggestions.items == []
    border = label_id(window, "Border security")
    refused: list[str] = []

    def fill(project: object, labels: list[object]) -> object:
        dialog = SuggestionSourcesDialog(window.project, list(window.labels.values()), window)
        dialog.label.setCurrentIndex(dialog.label.findData(border))
        dialog.patterns.setPlainText("(a+)+$")  # would take for ever: refused with a sentence
        dialog.buttons.accepted.emit()
        refused.append(dialog.problem.text())
        assert dialog.result() != SuggestionSourcesDialog.DialogCode.Accepted
        dialog.patterns.setPlainText("")
        dialog.phrases.setPlainText("Mongolia\n\nSino-Soviet border")
        dialog.buttons.accepted.emit()
        assert dialog.result() == SuggestionSourcesDialog.DialogCode.Accepted
        return dialog.changed()

    monkeypatch.setattr(prompts, "suggestion_rules", fill, raising=False)
    with qtbot.waitSignal(window.suggestions.shown, timeout=5000):
        window.menu_actions.suggestion_sources.trigger()
    assert refused and refused[0].startswith("Border security: ")
    rules = window.project.suggestion_rules()[border]
    assert rules.phrases == ("Mongolia", "Sino-Soviet border")
    text = window.view.document_text()
    quotes = {text[s.start : s.end] for s in window.view.suggestions.items}
    assert quotes == {"Mongolia", "Sino-Soviet border"}
    assert {s.source for s in window.view.suggestions.items} == {"codebook"}
    with qtbot.waitSignal(window.suggestions.shown, timeout=5000):
        window.menu_actions.undo.trigger()
    assert window.view.suggestions.items == []


@pytest.mark.both_dialects
def test_suggested_and_accepted_on_a_file_and_on_a_server(
    window: MainWindow, qtbot: QtBot, dialect: str
) -> None:
    others = troops_suggested(window, qtbot)  # worked out on the worker's own connection
    qtbot.keyClick(window.view, "n")
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    document = window.document_id
    assert document is not None
    quotes = [a.quote for a in window.project.annotations(document, window.annotator.id)]
    assert quotes == ["troops", "troops"]
    assert len(window.view.suggestions.items) == others - 1


def answers_read(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The worker's answers the window reads (unpickles) from now on, as they are read."""
    from claimdesk.core import suggest_worker as process

    read: list[object] = []
    real = process.result

    def reading(value: object) -> object:
        read.append(value)
        return real(value)

    monkeypatch.setattr(process, "result", reading)
    return read


def test_one_computation_at_a_time_and_the_latest_wins(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimdesk.core import suggest_worker as process

    troops_suggested(window, qtbot)
    sent: list[tuple[object, ...]] = []
    under_way: list[int] = []
    most: list[int] = [0]
    real = process.SUGGESTING.submit

    def counted(function: object, args: tuple[object, ...], done: object) -> None:
        sent.append(args)
        under_way.append(1)
        most[0] = max(most[0], len(under_way))

        def answered(value: object, error: BaseException | None) -> None:
            under_way.pop()
            done(value, error)  # type: ignore[operator]

        real(function, args, answered)  # type: ignore[arg-type]

    monkeypatch.setattr(process.SUGGESTING, "submit", counted)
    read = answers_read(monkeypatch)
    for _ in range(5):  # five quick requests, as a burst of edits would make
        window.suggestions.refresh()
    qtbot.waitUntil(lambda: not window.suggestions.pending(), timeout=10000)
    assert most[0] == 1
    assert len(sent) == 2  # the first, then only the latest of the other four
    assert len(read) == 1  # the first's answer, out of date, is dropped unread
    assert len(window.view.suggestions.items) > 0


def test_an_edit_while_they_are_worked_out_drops_that_answer_unread(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The computation under way when a claim is filed is out of date: its answer is not read
    # (10,000 rows take milliseconds to unpickle on the GUI thread); the one after the pause is.
    troops_suggested(window, qtbot)
    read = answers_read(monkeypatch)
    window.suggestions.refresh()  # under way; no event is handled before the edit below
    select_phrase(window, "border")
    qtbot.keyClick(window.view, "5")
    qtbot.waitUntil(lambda: not window.suggestions.pending(), timeout=10000)
    assert len(read) == 1
    assert any(s.quote.lower() == "border" for s in window.view.suggestions.items)


def test_another_annotator_starts_without_the_trained_model(
    window: MainWindow, qtbot: QtBot
) -> None:
    open_article(window, qtbot, "troops")
    window.suggestions.model = object()  # type: ignore[assignment]
    document = window.document_id
    other = window.project.ensure_annotator("Bo")
    # The new annotator's document is shown first; its suggestions are worked out after.
    with qtbot.waitSignal(window.suggestions.shown, timeout=5000):
        window.set_project(window.project, other)
    assert window.suggestions.model is None
    assert document is not None


def test_an_opened_article_is_painted_before_its_suggestions_are_worked_out(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Working suggestions out on a worker takes Python's lock from the window now and then:
    it starts once the article is on screen, so opening a long article is not slowed by it."""
    open_article(window, qtbot, "troops")
    other = next(
        r.id for r in window.project.overview(window.annotator.id) if r.id != window.document_id
    )
    painted: list[bool] = []
    window.suggestions.shown.connect(lambda _d: painted.append(bool(painted_once)))
    painted_once: list[int] = []
    paint = window.view.paintEvent

    def counting_paint(event: object) -> None:
        painted_once.append(1)
        paint(event)  # type: ignore[arg-type]

    window.view.paintEvent = counting_paint  # type: ignore[method-assign]
    window.open_document(other)
    assert not window.suggestions.pending()  # nothing taken from the open yet
    with qtbot.waitSignal(window.suggestions.shown, timeout=5000):
        pass
    assert painted == [True]  # the article was painted before its suggestions were worked out


def test_a_window_closed_while_its_suggestions_are_worked_out_takes_no_answer(
    seeded: Project, settings: Settings, prompts: ScriptedPrompts, qtbot: QtBot
) -> None:
    # The process answers after the window is gone (closed and deleted): the answer is dropped
    # quietly, the request made meanwhile is not started, and nothing raises in the event loop.
    annotator = seeded.ensure_annotator("Ana")
    closing = MainWindow(seeded, annotator, settings, prompts)
    closing.resize(1000, 700)
    closing.show()
    qtbot.waitExposed(closing)
    document = next(row.id for row in seeded.overview(annotator.id))
    closing.open_document(document)
    closing.suggestions.refresh()  # worked out from now on, in the other process
    task = closing.suggestions.task
    assert task is not None
    closing.suggestions.refresh()  # asked again meanwhile: due when this one ends
    closing.close()
    closing.deleteLater()
    qtbot.waitUntil(lambda: not task.running, timeout=30000)
    qtbot.wait(50)  # what the answer's end would start, had anything been left to start it
    # The open paused the cycle collector until the article was painted, which it never was:
    # closing the window resumed it.
    assert gc.isenabled()
