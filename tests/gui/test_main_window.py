"""The main window driven as a user drives it: select, press a key, see the row and the colour."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from claimdesk.core.importing import import_paths
from claimdesk.core.store.tables import Status
from claimdesk.gui.dialogs import LabelDraft
from claimdesk.gui.main_window import MainWindow
from tests.gui.conftest import ScriptedPrompts, db_rows

ROWS = 'SELECT label_id, start, "end", quote, note FROM annotation ORDER BY id'


def label_id(window: MainWindow, name: str) -> int:
    return next(label.id for label in window.labels.values() if label.name == name)


def select_phrase(window: MainWindow, phrase: str, occurrence: int = 0) -> tuple[int, int]:
    text = window.view.document_text()
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(phrase, start + 1)
    window.view.set_text_selection(start, start + len(phrase))
    return start, start + len(phrase)


def pixel(image: QImage, x: float, y: float) -> QColor:
    return image.pixelColor(int(x), int(y))


def is_tinted_towards(colour: QColor, label_colour: str) -> bool:
    """A highlight blends the label colour into white: the hue moves towards the label's."""
    target = QColor(label_colour)
    white = QColor("white")
    return colour != white and all(
        abs(c - t) < abs(w - t)
        for c, t, w in zip(
            (colour.red(), colour.green(), colour.blue()),
            (target.red(), target.green(), target.blue()),
            (white.red(), white.green(), white.blue()),
            strict=True,
        )
        if abs(w - t) > 30
    )


def test_select_press_key_saves_row_and_paints_highlight(
    window: MainWindow, qtbot: QtBot, project_path: Path
) -> None:
    start, end = select_phrase(window, "arms embargo with the West")
    window.view.setFocus()
    qtbot.keyClick(window.view, "1")
    embargo = label_id(window, "Arms embargo / sanctions")
    assert db_rows(project_path, ROWS) == [(embargo, start, end, "arms embargo with the West", "")]
    assert window.saved.text() == "✓ All changes saved"
    assert "Ana" in window.who.text()
    # Drawn: the middle of the span's first rectangle is tinted in the label colour.
    (span_id,) = [row[0] for row in db_rows(project_path, "SELECT id FROM annotation")]
    rects = window.view.span_rects(span_id)
    assert rects
    image = window.view.viewport().grab().toImage()
    centre = rects[0].center()
    assert is_tinted_towards(pixel(image, centre.x(), rects[0].top() + 2), "#d62728")
    # The tag panel counts it and the list shows it.
    assert (
        window.tags.model.data(
            window.tags.model.index(window.tags.model.row_of(embargo)), window.tags.model.CountRole
        )
        == 1
    )
    assert window.annotations.model_.rowCount() == 1
    # The document moved to "in progress" for this annotator.
    assert window.documents.model.summary(0).status is Status.IN_PROGRESS


def test_selection_snaps_to_whole_words(
    window: MainWindow, qtbot: QtBot, project_path: Path
) -> None:
    text = window.view.document_text()
    start = text.index("sidestep an arms embargo")
    window.view.set_text_selection(start + 3, start + len("sidestep an arms embar"))
    qtbot.keyClick(window.view, "1")
    assert db_rows(project_path, "SELECT quote FROM annotation") == [("sidestep an arms embargo",)]


def test_snapping_can_be_turned_off(window: MainWindow, qtbot: QtBot, project_path: Path) -> None:
    window.menu_actions.snap_to_words.trigger()
    assert window.settings.snap_to_words is False
    text = window.view.document_text()
    start = text.index("embargo")
    window.view.set_text_selection(start, start + 3)
    qtbot.keyClick(window.view, "1")
    assert db_rows(project_path, "SELECT quote FROM annotation") == [("emb",)]


def test_keyboard_selection_with_shift_arrows(
    window: MainWindow, qtbot: QtBot, project_path: Path
) -> None:
    text = window.view.document_text()
    start = text.index("Beijing canceled")
    window.view.set_text_selection(start, start)
    for _ in range(len("Beijing")):
        qtbot.keyClick(window.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(window.view, "9")
    assert db_rows(project_path, "SELECT quote FROM annotation") == [("Beijing",)]


def test_clicking_a_label_files_the_selection(
    window: MainWindow, qtbot: QtBot, project_path: Path
) -> None:
    select_phrase(window, "barter deal")
    trade = label_id(window, "Barter & trade")
    row = window.tags.model.row_of(trade)
    rect = window.tags.view.visualRect(window.tags.model.index(row))
    qtbot.mouseClick(window.tags.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert db_rows(project_path, "SELECT label_id, quote FROM annotation") == [
        (trade, "barter deal")
    ]


def test_undo_redo_with_keys(window: MainWindow, qtbot: QtBot, project_path: Path) -> None:
    select_phrase(window, "arms embargo")
    qtbot.keyClick(window.view, "1")
    select_phrase(window, "Soviet weapons technology")
    qtbot.keyClick(window.view, "4")
    assert len(db_rows(project_path, ROWS)) == 2
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [r[3] for r in db_rows(project_path, ROWS)] == ["arms embargo"]
    assert len(window.view._index) == 1  # the highlight went too
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert db_rows(project_path, ROWS) == []
    assert window.annotations.model_.rowCount() == 0
    redo = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_Z, redo)
    qtbot.keyClick(window, Qt.Key.Key_Z, redo)
    assert [r[3] for r in db_rows(project_path, ROWS)] == [
        "arms embargo",
        "Soviet weapons technology",
    ]
    assert window.annotations.model_.rowCount() == 2


def test_overlapping_spans_stay_visible_and_distinct(window: MainWindow, qtbot: QtBot) -> None:
    select_phrase(window, "gain access to Soviet weapons technology")
    qtbot.keyClick(window.view, "4")
    select_phrase(window, "Soviet weapons")
    qtbot.keyClick(window.view, "1")
    select_phrase(window, "Soviet weapons")
    qtbot.keyClick(window.view, "3")  # same words, third label
    ids = [window.annotations.model_.record(r).id for r in range(3)]
    lanes = {window.view._index.lane_of(i) for i in ids}
    assert len(lanes) == 3
    assert all(window.view.span_rects(i) for i in ids)


def test_click_highlight_selects_it_and_delete_removes_it(
    window: MainWindow, qtbot: QtBot, project_path: Path
) -> None:
    select_phrase(window, "arms embargo")
    qtbot.keyClick(window.view, "1")
    (span_id,) = [r[0] for r in db_rows(project_path, "SELECT id FROM annotation")]
    window.view.select_span(None)
    rect = window.view.span_rects(span_id)[0]
    with qtbot.waitSignal(window.view.spanClicked) as clicked:
        qtbot.mouseClick(
            window.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center().toPoint()
        )
    assert clicked.args == [span_id]
    assert window.view.selected_span_id == span_id
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert db_rows(project_path, ROWS) == []
    assert window.view.span_rects(span_id) == []
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(db_rows(project_path, ROWS)) == 1


def test_note_is_attached_edited_and_shown_as_plain_text(
    window: MainWindow, qtbot: QtBot, prompts: ScriptedPrompts, project_path: Path
) -> None:
    select_phrase(window, "arms embargo")
    qtbot.keyClick(window.view, "1")
    prompts.notes = ["<b>check</b> the date", "=checked"]
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert db_rows(project_path, "SELECT note FROM annotation") == [("<b>check</b> the date",)]
    model = window.annotations.model_
    assert model.data(model.index(0, 2)) == "<b>check</b> the date"
    # Edited in place in the list, too.
    assert model.setData(model.index(0, 2), "in the list") is False  # saved via the core
    assert db_rows(project_path, "SELECT note FROM annotation") == [("in the list",)]
    assert model.data(model.index(0, 2)) == "in the list"
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert db_rows(project_path, "SELECT note FROM annotation") == [("<b>check</b> the date",)]


def test_clicking_an_annotation_in_the_list_jumps_to_it(window: MainWindow, qtbot: QtBot) -> None:
    select_phrase(window, "barter away for Chinese things")
    qtbot.keyClick(window.view, "6")
    window.view.verticalScrollBar().setValue(0)
    window.view.select_span(None)
    index = window.annotations.model().index(0, 0)  # the row as the list shows it
    qtbot.mouseClick(
        window.annotations.viewport(),
        Qt.MouseButton.LeftButton,
        pos=window.annotations.visualRect(index).center(),
    )
    record = window.annotations.model_.record(0)
    assert window.view.selected_span_id == record.id
    assert window.view.span_rects(record.id)  # scrolled into view


def test_delete_label_in_use_asks_first_and_undo_restores(
    window: MainWindow, qtbot: QtBot, prompts: ScriptedPrompts, project_path: Path
) -> None:
    select_phrase(window, "arms embargo")
    qtbot.keyClick(window.view, "1")
    embargo = label_id(window, "Arms embargo / sanctions")
    prompts.confirms = [False]
    window.delete_label(embargo)
    assert "1 annotation(s)" in prompts.asked[-1]
    assert embargo in window.labels and len(db_rows(project_path, ROWS)) == 1
    prompts.confirms = [True]
    window.delete_label(embargo)
    assert embargo not in window.labels
    assert db_rows(project_path, ROWS) == []
    assert len(window.view._index) == 0
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert embargo in window.labels
    assert len(db_rows(project_path, ROWS)) == 1
    assert len(window.view._index) == 1


def test_add_rename_recolour_label(
    window: MainWindow, qtbot: QtBot, prompts: ScriptedPrompts, project_path: Path
) -> None:
    prompts.labels = [LabelDraft("<i>Hedge</i> 🙂", "#123456", "Weakens a <claim>", "h")]
    window.add_label()
    hedge = label_id(window, "<i>Hedge</i> 🙂")
    select_phrase(window, "may not agree")
    qtbot.keyClick(window.view, "h")
    assert db_rows(project_path, "SELECT label_id FROM annotation") == [(hedge,)]
    tooltip = window.tags.model.data(
        window.tags.model.index(window.tags.model.row_of(hedge)), Qt.ItemDataRole.ToolTipRole
    )
    assert "&lt;claim&gt;" in tooltip and "<claim>" not in tooltip
    prompts.labels = [LabelDraft("Hedge", "#123456", "Weakens a claim", "h")]
    window.edit_label(hedge)
    assert window.labels[hedge].name == "Hedge"
    prompts.colours = ["#00aa00"]
    window.recolour_label(hedge)
    assert db_rows(project_path, "SELECT colour FROM label WHERE id = ?", hedge) == [("#00aa00",)]
    (span_id,) = [r[0] for r in db_rows(project_path, "SELECT id FROM annotation")]
    window.view.select_span(None)
    rect = window.view.span_rects(span_id)[0]
    image = window.view.viewport().grab().toImage()
    assert is_tinted_towards(pixel(image, rect.center().x(), rect.top() + 2), "#00aa00")


def test_label_with_taken_key_is_refused_with_a_message(
    window: MainWindow, prompts: ScriptedPrompts
) -> None:
    before = len(window.labels)
    prompts.labels = [LabelDraft("Other", "#123456", "", "1"), None]
    window.add_label()
    assert "already files" in prompts.errors[0]
    assert len(window.labels) == before


def test_next_previous_and_mark_done_keys(
    window: MainWindow, qtbot: QtBot, project_path: Path
) -> None:
    first, second = window.documents.model.document_ids()
    assert window.document_id == first
    qtbot.keyClick(window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.document_id == second
    assert window.view.document_text().startswith("Warming Up")
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert db_rows(project_path, "SELECT document_id, status FROM document_status") == [
        (second, "done")
    ]
    assert window.documents.model.summary(1).status is Status.DONE
    qtbot.keyClick(window, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.document_id == first
    # Undo of "mark done" in the other document takes the user there.
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.document_id == second
    assert window.documents.model.summary(1).status is Status.TODO


def test_filter_box_narrows_the_list(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClicks(window.documents.filter, "polar bear")
    assert len(window.documents.visible_ids()) == 1
    window.documents.filter.clear()
    qtbot.keyClicks(window.documents.filter, "to do")
    assert len(window.documents.visible_ids()) == 2


def test_font_size_changes_and_is_remembered(window: MainWindow, qtbot: QtBot) -> None:
    before = window.view.font().pointSizeF()
    qtbot.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert window.view.font().pointSizeF() == before + 1
    assert window.settings.font_size == before + 1


def test_document_text_is_never_rendered_as_html(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, project_path: Path
) -> None:
    article = tmp_path / "html.txt"
    article.write_text("<b>Bold claim</b> & <img src=x onerror=alert(1)>\n\nTroops left.", "utf-8")
    import_paths(window.project, [article])
    window.reload_documents()
    document_id = window.documents.model.document_ids()[-1]
    window.open_document(document_id)
    assert window.view.toPlainText().startswith("<b>Bold claim</b> &")
    select_phrase(window, "<b>Bold claim</b>")
    qtbot.keyClick(window.view, "1")
    assert db_rows(project_path, "SELECT quote FROM annotation") == [("<b>Bold claim</b>",)]
    assert (
        window.annotations.model_.data(window.annotations.model_.index(0, 0)) == "<b>Bold claim</b>"
    )


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_emoji_astral_cjk_and_crlf_annotate_at_the_right_characters(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, project_path: Path, newline: str
) -> None:
    text = newline.join(
        [
            "Flags 🇨🇳🇷🇺 and 𠀀𠀁 rare CJK",
            "",
            "The café said: troops 👩‍👩‍👧 withdrew from 蒙古.",
            "End.",
        ]
    )
    article = tmp_path / "astral.txt"
    article.write_bytes(text.encode("utf-8"))
    import_paths(window.project, [article])
    window.reload_documents()
    window.open_document(window.documents.model.document_ids()[-1])
    stored = window.view.document_text()
    assert "\r" not in stored
    start, end = select_phrase(window, "troops 👩‍👩‍👧 withdrew")
    qtbot.keyClick(window.view, "2")
    select_phrase(window, "𠀀𠀁 rare")
    qtbot.keyClick(window.view, "5")
    rows = db_rows(project_path, 'SELECT start, "end", quote FROM annotation ORDER BY start')
    assert rows[1] == (start, end, "troops 👩‍👩‍👧 withdrew")
    assert rows[0][2] == "𠀀𠀁 rare"
    for s, e, quote in rows:
        assert stored[s:e] == quote  # code points of the stored text
    # And the highlight sits over those very characters on screen.
    cursor = window.view.textCursor()
    cursor.setPosition(window.view._offsets.to_qt(start))
    expected_left = window.view.cursorRect(cursor).left()
    model = window.annotations.model_
    span_id = next(
        model.record(r).id for r in range(model.rowCount()) if model.record(r).start == start
    )
    assert abs(window.view.span_rects(span_id)[0].left() - expected_left) <= 2


def test_models_pass_qt_model_tester(window: MainWindow, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    select_phrase(window, "arms embargo")
    window.view.labelKeyPressed.emit("1")
    qtmodeltester.check(window.documents.model)
    qtmodeltester.check(window.tags.model)
    qtmodeltester.check(window.annotations.model_)


def test_unknown_key_says_so(window: MainWindow, qtbot: QtBot) -> None:
    select_phrase(window, "arms embargo")
    qtbot.keyClick(window.view, "z")
    assert "No label has the key" in window.statusBar().currentMessage()


def test_layout_is_remembered(window: MainWindow, settings, seeded, prompts, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    window.resize(760, 540)  # within the offscreen screen, so geometry restores exactly
    window.splitter.setSizes([200, 360, 200])
    sizes = window.splitter.sizes()
    window.close()
    QApplication.processEvents()
    from claimdesk.core.store.project import Project

    again = MainWindow(Project.open(seeded.path), seeded.ensure_annotator("Ana"), settings, prompts)
    qtbot.addWidget(again)
    again.show()
    assert again.size() == window.size()
    assert again.splitter.sizes() == sizes
    again.close()


def test_keyboard_shortcuts_dialog_lists_every_menu_shortcut(window: MainWindow) -> None:
    from claimdesk.gui.shortcuts import SHORTCUTS

    listed = " ".join(keys for keys, _ in SHORTCUTS)
    for action in window.actions():
        for sequence in action.shortcuts():
            text = sequence.toString()
            if text in ("Ctrl+=", "Ctrl+Q"):
                continue
            assert text.replace("PgDown", "PgDown") in listed or text in listed, text
    assert QPoint  # keep import used


def test_cleanup_rules_are_shown_to_the_user(window: MainWindow) -> None:
    from claimdesk.core.text.textio import DEFAULT_CLEANUP_RULES
    from claimdesk.gui.shortcuts import CleanupRulesDialog

    dialog = CleanupRulesDialog(window)
    shown = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert shown == [rule.name for rule in DEFAULT_CLEANUP_RULES]
    assert any("Subscribe" in dialog.table.item(r, 1).text() for r in range(len(shown)))
    assert window.menu_actions.cleanup_rules in window.menuBar().actions()[0].menu().actions()


def test_key_moves_a_selected_highlight_but_a_click_on_a_label_does_not(
    window: MainWindow, qtbot: QtBot, project_path: Path
) -> None:
    select_phrase(window, "arms embargo")
    qtbot.keyClick(window.view, "1")
    (span_id,) = [r[0] for r in db_rows(project_path, "SELECT id FROM annotation")]
    window.view.select_span(span_id)
    trade = label_id(window, "Barter & trade")
    rect = window.tags.view.visualRect(window.tags.model.index(window.tags.model.row_of(trade)))
    qtbot.mouseClick(window.tags.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    embargo = label_id(window, "Arms embargo / sanctions")
    assert db_rows(project_path, "SELECT label_id FROM annotation") == [(embargo,)]
    window.view.select_span(span_id)
    window.view.setFocus()
    qtbot.keyClick(window.view, "6")
    assert db_rows(project_path, "SELECT label_id FROM annotation") == [(trade,)]
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert db_rows(project_path, "SELECT label_id FROM annotation") == [(embargo,)]


def test_a_failed_save_says_not_saved_and_shows_no_highlight(
    window: MainWindow, qtbot: QtBot, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from claimdesk.core.store import edits

    def disk_full(self: object, conn: object) -> None:
        raise OperationalError("INSERT", {}, Exception("database or disk is full"))

    monkeypatch.setattr(edits.AddAnnotation, "apply", disk_full)
    select_phrase(window, "arms embargo")
    qtbot.keyClick(window.view, "1")
    assert window.saved.text() == "⚠ NOT SAVED"
    assert "disk is full" in window.statusBar().currentMessage()
    assert db_rows(project_path, ROWS) == []
    assert len(window.view._index) == 0
    assert window.project.history.undo_text is None
    monkeypatch.undo()
    select_phrase(window, "arms embargo")
    qtbot.keyClick(window.view, "1")
    assert window.saved.text() == "✓ All changes saved"


def test_switches_are_remembered_across_launches(window: MainWindow) -> None:
    from claimdesk.gui.settings import Settings

    window.menu_actions.clean_imports.trigger()
    window.menu_actions.snap_to_words.trigger()
    window.settings.sync()
    again = Settings()
    assert (again.clean_imports, again.snap_to_words) == (False, False)
    window.menu_actions.clean_imports.trigger()
    window.settings.sync()
    assert Settings().clean_imports is True


def test_label_names_and_descriptions_beyond_the_limits_show_a_message_and_change_nothing(
    window: MainWindow, prompts: ScriptedPrompts, project_path: Path
) -> None:
    before = db_rows(project_path, "SELECT id, name, description FROM label ORDER BY id")
    long_name = "Embargo " * 40  # 320 characters
    prompts.labels = [LabelDraft(long_name, "#123456", "", "q"), None]
    window.add_label()
    assert prompts.errors == ["The label name is 319 characters long; the limit is 200."]
    assert prompts.asked == ["label", "label"]  # the editor opens again on what was typed
    military = next(iter(window.labels))
    prompts.labels = [
        LabelDraft("Military", "#123456", "Why " * 6_000, None),  # 24,000 characters
        LabelDraft("Mili\x1b[2Jtary", "#123456", "", None),
        None,
    ]
    window.edit_label(military)
    assert prompts.errors[1:] == [
        "The label description is 24,000 characters long; the limit is 20,000.",
        "The label name holds control characters.",
    ]
    assert db_rows(project_path, "SELECT id, name, description FROM label ORDER BY id") == before


def test_a_note_beyond_the_limit_is_refused_with_a_message_and_not_saved(
    window: MainWindow, qtbot: QtBot, prompts: ScriptedPrompts, project_path: Path
) -> None:
    select_phrase(window, "arms embargo")
    qtbot.keyClick(window.view, "1")
    prompts.notes = ["A note.\n" * 3_000]  # 24,000 characters
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    message = "The note is 24,000 characters long; the limit is 20,000."
    assert window.statusBar().currentMessage() == message
    assert db_rows(project_path, "SELECT note FROM annotation") == [("",)]
    # Typed into the list instead: the same refusal, the same unchanged row.
    window.statusBar().clearMessage()
    model = window.annotations.model_
    assert model.setData(model.index(0, 2), "x" * 20_001) is False
    assert window.statusBar().currentMessage().startswith("The note is 20,001 characters long")
    assert db_rows(project_path, "SELECT note FROM annotation") == [("",)]
    assert model.data(model.index(0, 2)) == ""


def test_reopened_article_shows_every_highlight_row_and_count_and_the_collector_resumes(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Opening reads the spans as plain rows and leaves lanes, the previous document's data and
    the cycle collector until the article is painted: what the reader sees is the same."""
    import gc

    select_phrase(window, "gain access to Soviet weapons technology")
    qtbot.keyClick(window.view, "4")
    select_phrase(window, "Soviet weapons")
    qtbot.keyClick(window.view, "1")
    first = window.document_id
    assert first is not None
    window.next_document()
    qtbot.waitUntil(lambda: gc.isenabled())
    assert window.open_document(first)
    model = window.annotations.model_
    assert model.rowCount() == 2
    assert sorted(model.counts().values()) == [1, 1]
    assert {model.record(r).quote for r in range(2)} == {
        "gain access to Soviet weapons technology",
        "Soviet weapons",
    }
    ids = [model.id_at(r) for r in range(2)]
    window.view.viewport().repaint()
    assert all(window.view.span_rects(i) for i in ids)
    assert len({window.view._index.lane_of(i) for i in ids}) == 2
    qtbot.waitUntil(lambda: gc.isenabled())  # the collector is back once the article is painted
    select_phrase(window, "Soviet weapons")
    qtbot.keyClick(window.view, "3")  # an edit right after the open: its own lane
    assert len({window.view._index.lane_of(model.id_at(r)) for r in range(3)}) == 3


def test_the_open_article_is_left_out_of_full_collections_until_the_reader_pauses(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full run of the cycle collector walked the open article's spans and rows (50–80 ms at
    5 MB) in the middle of an edit now and then. Once painted, what is alive is frozen: an
    edit's full collection walks only what came after. Cycles that die meanwhile are freed once
    the reader pauses, not left for good; closing the window thaws everything."""
    import gc
    import weakref

    from claimdesk.gui import workers

    monkeypatch.setattr(workers, "TIDY_AFTER_MS", 1000)

    class Cycle:
        def __init__(self) -> None:
            self.me = self

    first = window.document_id
    assert first is not None
    window.next_document()
    qtbot.waitUntil(lambda: gc.get_freeze_count() > 0)
    kept = Cycle()
    window.open_document(first)  # painted: the cycle is frozen with the rest
    qtbot.waitUntil(lambda: gc.get_freeze_count() > 0)
    frozen = gc.get_freeze_count()
    assert frozen > 1000
    gone = weakref.ref(kept)
    del kept
    select_phrase(window, "Soviet weapons")
    qtbot.keyClick(window.view, "1")  # an edit and its collections leave the article frozen
    gc.collect()
    assert gc.get_freeze_count() > frozen // 2  # still frozen (some go by reference count)
    assert gone() is not None  # frozen: not looked at by the edit's collections
    qtbot.wait(600)
    qtbot.keyClick(window.view, "z", Qt.KeyboardModifier.ControlModifier)  # an edit: wait on
    qtbot.wait(600)  # 1.2 s after the first edit, 0.6 s after this one
    assert gone() is not None
    qtbot.waitUntil(lambda: gone() is None, timeout=5000)  # the pause: collected
    assert gc.get_freeze_count() > 1000  # and what is left (the article) frozen again
    window.close()
    assert gc.get_freeze_count() == 0
