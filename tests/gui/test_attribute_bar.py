"""The attribute quick-set bar driven by keys, as a user under the article drives it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from claimdesk.core.records import AttributeRecord, AttributeValue, Changes, SchemeRecords
from claimdesk.gui.attribute_bar import AttributeBar, cycled, quick_keys
from claimdesk.gui.change_signal import ChangeEvent
from tests.gui.claim_scheme import CERTAINTY, CLAIM, SCHEME, SCORE, STANCE, WORTHY


def open_bar(qtbot: QtBot, values: dict[int, Any] | None = None) -> tuple[AttributeBar, list]:
    bar = AttributeBar()
    qtbot.addWidget(bar)
    bar.resize(900, 40)
    bar.set_scheme(SCHEME)
    chosen: list[tuple[int, int, Any]] = []
    bar.valueChosen.connect(lambda a, attribute, value: chosen.append((a, attribute, value)))
    bar.show_for(5, CLAIM.id, CLAIM.name, values or {})
    return bar, chosen


def saved(bar: AttributeBar, attribute_id: int, value: Any) -> None:
    """What the window's change signal brings back once the core stored a value."""
    changes = Changes(attribute_values=(AttributeValue(5, 1, attribute_id, value),))
    bar.show_changes(ChangeEvent(changes, None))


def test_attribute_key_then_choice_key_asks_for_that_value(qtbot: QtBot) -> None:
    bar, chosen = open_bar(qtbot)
    assert bar.shown_text() == (
        "[s] Stance: neutral [c] Certainty: asserted [w] Check-worthy: no [o] Confidence: —"
    )  # each attribute's key and its value (here the defaults)
    qtbot.keyClick(bar, "s")
    assert bar.shown_text() == "Stance: [p] positive [n] negative [u] neutral ✓"
    qtbot.keyClick(bar, "n")
    assert chosen == [(5, STANCE.id, "negative")]
    saved(bar, STANCE.id, "negative")
    assert bar.shown_text().startswith("[s] Stance: negative [c]")
    assert "Stance:&nbsp;<b>negative</b>" in bar.line.text()  # set on this span: bold
    saved(bar, STANCE.id, None)  # undone: back to the default
    assert bar.shown_text().startswith("[s] Stance: neutral [c]")


def test_bool_toggles_and_esc_steps_back_then_closes(qtbot: QtBot) -> None:
    bar, chosen = open_bar(qtbot, {WORTHY.id: True})
    qtbot.keyClick(bar, "w")
    assert chosen == [(5, WORTHY.id, False)]
    qtbot.keyClick(bar, "c")
    qtbot.keyClick(bar, Qt.Key.Key_Escape)  # leaves the choices of Certainty
    assert bar.isVisible() and bar.attribute is None
    with qtbot.waitSignal(bar.closed):
        qtbot.keyClick(bar, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    assert chosen == [(5, WORTHY.id, False)]  # nothing set by leaving


def test_number_is_typed_and_a_wrong_one_is_said(qtbot: QtBot) -> None:
    bar, chosen = open_bar(qtbot)
    problems: list[str] = []
    bar.problem.connect(problems.append)
    key = quick_keys(["Stance", "Certainty", "Check-worthy", "Confidence"], ["s", "c", "w"])[3]
    assert f"[{key}] Confidence" in bar.shown_text()
    qtbot.keyClick(bar, key)
    assert bar.editor.isVisible()
    qtbot.keyClicks(bar.editor, "lots")
    qtbot.keyClick(bar.editor, Qt.Key.Key_Return)
    assert problems == ["“lots” is not a number: Confidence keeps its value."]
    assert chosen == []
    bar.editor.setText("2,5")
    qtbot.keyClick(bar.editor, Qt.Key.Key_Return)
    assert chosen == [(5, SCORE.id, 2.5)]
    assert not bar.editor.isVisible()


def test_names_and_values_show_as_plain_text(qtbot: QtBot) -> None:
    bar, _ = open_bar(qtbot)
    saved(bar, SCORE.id, "<b>bold</b>")
    assert "Confidence: <b>bold</b>" in bar.shown_text()


def test_alt_key_cycles_choices_and_flips_yes_no() -> None:
    assert cycled(STANCE, "neutral") == "positive"
    assert cycled(STANCE, "positive") == "negative"
    assert cycled(CERTAINTY, None) == "asserted"
    assert cycled(WORTHY, False) is True
    assert cycled(SCORE, 3) is None  # typed in the bar instead


def test_several_choices_toggle_one_key_at_a_time(qtbot: QtBot) -> None:
    themes = AttributeRecord(
        14, CLAIM.id, "Themes", "multi", ("arms", "trade", "border"), shortcut="t"
    )
    bar, chosen = open_bar(qtbot, {themes.id: ("trade",)})
    bar.set_scheme(replace(SchemeRecords(), attributes=(themes,)))
    qtbot.keyClick(bar, "t")
    assert bar.shown_text() == "Themes: [a] arms [t] trade ✓ [b] border"
    qtbot.keyClick(bar, "a")
    assert chosen == [(5, themes.id, ("arms", "trade"))]  # in the codebook's order
    saved(bar, themes.id, ("arms", "trade"))
    qtbot.keyClick(bar, "t")  # still in the list: another key takes trade out
    assert chosen[-1] == (5, themes.id, ("arms",))
