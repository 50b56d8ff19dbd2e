"""The sample's worked example: the "Example" annotator's claims, drawn dashed under the user's own,
shown or hidden from View › Show worked example, never counted or edited as the user's."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from claimdesk.core.contrast import blend, contrast_ratio, parse_hex
from claimdesk.core.paths import seeds_dir
from claimdesk.core.sample import EXAMPLE_ANNOTATOR, EXAMPLE_FILE
from claimdesk.gui.app import build_window
from claimdesk.gui.document_view import EXAMPLE_FILL_ALPHA, FILL_ALPHA
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.settings import Settings
from claimdesk.gui.theme import theme_colours
from tests.gui.conftest import ScriptedPrompts


def _example_claims() -> list[dict[str, object]]:
    data = json.loads((seeds_dir() / EXAMPLE_FILE).read_text("utf-8"))
    claims: list[dict[str, object]] = data["documents"][0]["annotations"]
    return claims


@pytest.fixture
def sample(qtbot: QtBot) -> Iterator[MainWindow]:
    """The window as a newcomer first sees it: the sample project, built on first launch."""
    window = build_window(None, Settings(), ScriptedPrompts())
    assert window is not None
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    yield window


def _ink(window: MainWindow, colour: str) -> int:
    """How many pixels of the article are drawn in exactly this colour."""
    image: QImage = window.view.viewport().grab().toImage()
    wanted = QColor(colour).rgb()
    return sum(
        1
        for x in range(0, image.width())
        for y in range(0, image.height(), 2)
        if image.pixel(x, y) == wanted
    )


def test_the_first_look_shows_the_worked_example_and_an_empty_list_of_ones_own(
    sample: MainWindow,
) -> None:
    assert sample.project.name == "Sample project"
    assert sample.view.document_text().startswith("China and Soviet Union")
    claims = _example_claims()
    shown = sample.view.example_span_ids()
    assert len(shown) == len(claims)
    example = sample.example
    assert example is not None and example.name == EXAMPLE_ANNOTATOR
    assert sample.annotator.name == "Ana"
    # The quotes drawn are the example's, at the right place in the text.
    text = sample.view.document_text()
    records = sample.project.annotations(sample.document_id or 0, example.id)
    assert [text[r.start : r.end] for r in records] == [c["quote"] for c in claims]
    assert all(sample.view.example_rects(span_id) for span_id in shown[:3])  # on screen
    assert sample.example_note.isVisible()
    assert "Example" in sample.example_note.text()
    # The user's own work starts empty: the list, the label counts and the document list.
    assert sample.annotations.model_.rowCount() == 0
    assert sample.documents.model.summary(0).annotation_count == 0
    assert sample.menu_actions.show_example.isChecked()
    assert sample.menu_actions.show_example.isEnabled()


def test_pointing_at_an_example_claim_names_its_label(sample: MainWindow) -> None:
    first = sample.view.example_span_ids()[0]
    rect = sample.view.example_rects(first)[0]
    tip = sample.view.example_tooltip(rect.center())
    claim = _example_claims()[0]
    assert tip == f"Example: {claim['label']} “{claim['quote']}”"
    assert sample.view.example_tooltip(QPointF(2, 2)) == ""


def test_the_toggle_shows_and_hides_the_example_and_is_remembered(
    sample: MainWindow, qtbot: QtBot
) -> None:
    labels = sample.labels.values()
    cooperation = next(label.colour for label in labels if label.name == "Military cooperation")
    assert _ink(sample, cooperation) > 20  # the dashed frame of the first claim
    toggle = sample.menu_actions.show_example
    assert toggle in sample.menu_actions.view_menu.actions()
    toggle.trigger()
    assert sample.view.example_span_ids() == []
    assert _ink(sample, cooperation) == 0
    assert not sample.example_note.isVisible()
    sample.close()

    again = build_window(None, Settings(), ScriptedPrompts())
    assert again is not None
    qtbot.addWidget(again)
    again.show()
    assert not again.menu_actions.show_example.isChecked()
    assert again.view.example_span_ids() == []
    again.menu_actions.show_example.trigger()
    assert len(again.view.example_span_ids()) == len(_example_claims())
    again.close()


def test_the_example_is_never_taken_for_the_users_own(sample: MainWindow, qtbot: QtBot) -> None:
    view = sample.view
    first = view.example_span_ids()[0]
    point = view.example_rects(first)[0].center().toPoint()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert view.selected_span_id is None  # not selectable: Delete or a label key cannot touch it
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    qtbot.keyClick(view, "2")
    example = sample.example
    assert example is not None
    document = sample.document_id or 0
    before = len(_example_claims())
    assert len(sample.project.annotations(document, example.id)) == before
    # The same words filed by the user are the user's, beside the example's.
    text = view.document_text()
    start = text.index("most substantive talks")
    view.set_text_selection(start, start + len("most substantive talks"))
    qtbot.keyClick(view, "3")
    assert sample.annotations.model_.rowCount() == 1
    assert len(sample.project.annotations(document, sample.annotator.id)) == 1
    assert len(sample.project.annotations(document, example.id)) == before
    assert len(view.example_span_ids()) == before


def test_the_example_can_be_deleted_and_undo_brings_it_back(sample: MainWindow) -> None:
    example = sample.example
    assert example is not None
    delete = sample.menu_actions.delete_example
    assert delete.isEnabled()
    delete.trigger()
    assert sample.view.example_span_ids() == []
    assert sample.project.annotations(sample.document_id or 0, example.id) == []
    assert not delete.isEnabled()
    assert not sample.example_note.isVisible()
    sample.menu_actions.undo.trigger()
    assert len(sample.view.example_span_ids()) == len(_example_claims())
    assert delete.isEnabled()


def test_a_project_without_an_example_has_the_toggle_disabled(window: MainWindow) -> None:
    assert window.example is None
    assert not window.menu_actions.show_example.isEnabled()
    assert not window.menu_actions.delete_example.isEnabled()
    assert window.view.example_span_ids() == []
    assert not window.example_note.isVisible()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_text_reads_on_example_claims_and_on_ones_own_over_them(theme: str) -> None:
    colours = theme_colours(theme)
    base, text = parse_hex(colours["base"]), parse_hex(colours["text"])
    codebook = json.loads((seeds_dir() / "codebook.json").read_text("utf-8"))["labels"]
    label_colours = [parse_hex(label["colour"]) for label in codebook]
    for under in label_colours:
        example = blend(under, EXAMPLE_FILL_ALPHA, base)
        assert contrast_ratio(text, example) >= 4.5
        for over in label_colours:  # the user marked the same words
            assert contrast_ratio(text, blend(over, FILL_ALPHA, example)) >= 4.5
