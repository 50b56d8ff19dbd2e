"""The tagging panel: only group headings are bold; it follows the selected highlight's label."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from claimdesk.core.records import LabelRecord
from claimdesk.gui.dialogs import LabelDraft
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.tag_panel import LabelDelegate, LabelListModel, TagPanel
from claimdesk.gui.theme import apply_theme
from tests.gui.conftest import ScriptedPrompts, db_rows

LABELS = 'SELECT id, label_id, start, "end" FROM annotation ORDER BY id'


def label_id(window: MainWindow, name: str) -> int:
    return next(label.id for label in window.labels.values() if label.name == name)


def is_bold(window: MainWindow, name: str) -> bool:
    model = window.tags.model
    option = QStyleOptionViewItem()
    option.font = window.tags.view.font()
    return LabelDelegate.name_font(option, model.index(model.row_of(label_id(window, name)))).bold()


def name_ink(window: MainWindow, name: str) -> int:
    """Pixels of the label's name drawn in the text colour (bold letters have more of them)."""
    view = window.tags.view
    view.setCurrentIndex(QModelIndex())
    view.clearSelection()
    index = window.tags.model.index(window.tags.model.row_of(label_id(window, name)))
    view.scrollTo(index)
    rect = view.visualRect(index)
    image = view.viewport().grab().toImage()
    text = view.palette().color(QPalette.ColorRole.Text)
    base = view.palette().color(QPalette.ColorRole.Base)

    def distance(a: QColor, b: QColor) -> int:
        return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())

    # Right of the swatch and the key cell, left of the count.
    left = rect.left() + 30 + view.fontMetrics().horizontalAdvance("M") + 8
    return sum(
        distance(colour, text) < distance(colour, base)
        for y in range(rect.top(), rect.bottom())
        for x in range(left, rect.right() - 40)
        if (colour := image.pixelColor(x, y)) is not None
    )


def test_only_group_headings_are_bold_not_labels_without_a_key(
    window: MainWindow, qtbot: QtBot, prompts: ScriptedPrompts
) -> None:
    prompts.labels = [LabelDraft("Politics", "#ffff66", "No key yet")]
    window.add_label()
    model = window.tags.model
    groups = {
        label.name
        for label in model.labels()
        if model.data(model.index(model.row_of(label.id)), LabelListModel.GroupRole)
    }
    assert groups == {"Military", "Economy"}
    assert is_bold(window, "Military") and is_bold(window, "Economy")
    assert not is_bold(window, "Politics")  # no key, no members: an ordinary label
    assert not is_bold(window, "Source attribution")
    plain = name_ink(window, "Politics")
    # Once it has a member it is a group heading, and drawn as one.
    prompts.labels = [LabelDraft("Elections", "#ffff66", "", None, label_id(window, "Politics"))]
    window.add_label()
    assert is_bold(window, "Politics")
    assert not is_bold(window, "Elections")
    assert name_ink(window, "Politics") > plain * 1.15


def select_phrase(window: MainWindow, phrase: str) -> None:
    start = window.view.document_text().index(phrase)
    window.view.set_text_selection(start, start + len(phrase))


def two_highlights(window: MainWindow, qtbot: QtBot) -> tuple[int, int]:
    """An arms-embargo claim and a barter claim; the panel's current row is then "Barter"."""
    select_phrase(window, "arms embargo")
    qtbot.keyClick(window.view, "1")
    select_phrase(window, "barter away for Chinese things")
    qtbot.keyClick(window.view, "6")
    model = window.annotations.model_
    ids = {model.record(row).label_id: model.record(row).id for row in range(model.rowCount())}
    embargo = label_id(window, "Arms embargo / sanctions")
    barter = label_id(window, "Barter & trade")
    assert window.tags.current_label_id() == barter
    return ids[embargo], ids[barter]


def assert_panel_shows(window: MainWindow, name: str) -> None:
    expected = label_id(window, name)
    assert window.tags.current_label_id() == expected
    selected = window.tags.view.selectionModel().selectedIndexes()
    assert [window.tags.model.label_at(index.row()).id for index in selected] == [expected]


def test_clicking_a_highlight_in_the_article_shows_its_label_in_the_panel(
    window: MainWindow, qtbot: QtBot, project_path: Path
) -> None:
    embargo_span, _barter_span = two_highlights(window, qtbot)
    before = db_rows(project_path, LABELS)
    undo = window.project.history.undo_text
    window.view.select_span(None)
    rect = window.view.span_rects(embargo_span)[0]
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert window.view.selected_span_id == embargo_span
    assert_panel_shows(window, "Arms embargo / sanctions")
    assert db_rows(project_path, LABELS) == before  # nothing relabelled
    assert window.project.history.undo_text == undo


def test_selecting_an_annotation_in_the_list_shows_its_label_in_the_panel(
    window: MainWindow, qtbot: QtBot, project_path: Path
) -> None:
    embargo_span, barter_span = two_highlights(window, qtbot)
    before = db_rows(project_path, LABELS)
    undo = window.project.history.undo_text
    annotations = window.annotations
    for span, name in ((embargo_span, "Arms embargo / sanctions"), (barter_span, "Barter & trade")):
        index = annotations.model().index(annotations.model_.row_of(span), 0)
        qtbot.mouseClick(
            annotations.viewport(),
            Qt.MouseButton.LeftButton,
            pos=annotations.visualRect(index).center(),
        )
        assert window.view.selected_span_id == span
        assert_panel_shows(window, name)
    assert db_rows(project_path, LABELS) == before  # nothing relabelled
    assert window.project.history.undo_text == undo


def test_moving_a_highlight_to_another_label_with_its_key_moves_the_panel_too(
    window: MainWindow, qtbot: QtBot, project_path: Path
) -> None:
    embargo_span, _barter_span = two_highlights(window, qtbot)
    window.select_annotation(embargo_span)
    assert_panel_shows(window, "Arms embargo / sanctions")
    qtbot.keyClick(window.view, "9")
    assert (label_id(window, "Source attribution"),) == db_rows(
        project_path, "SELECT label_id FROM annotation WHERE id = ?", embargo_span
    )[0]
    assert_panel_shows(window, "Source attribution")


def test_clicking_a_label_files_the_selection_and_keeps_the_keyboard_in_the_article(
    window: MainWindow, qtbot: QtBot
) -> None:
    from PySide6.QtWidgets import QApplication

    window.activateWindow()
    window.view.setFocus()
    qtbot.waitUntil(window.view.hasFocus, timeout=5000)
    focused: list[object] = []
    QApplication.instance().focusChanged.connect(lambda _old, new: focused.append(new))
    select_phrase(window, "arms embargo")
    tags = window.tags.view
    row = window.tags.model.row_of(label_id(window, "Arms embargo / sanctions"))
    rect = tags.visualRect(window.tags.model.index(row))
    qtbot.mouseClick(tags.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    model = window.annotations.model_
    assert [model.record(r).quote for r in range(model.rowCount())] == ["arms embargo"]
    assert focused == []  # the list never took the keyboard: the next key goes to the article
    select_phrase(window, "barter away for Chinese things")
    qtbot.keyClick(window.view, "6")
    assert model.rowCount() == 2


def test_rows_drawn_before_show_each_change_as_a_fresh_draw_would(qtbot: QtBot) -> None:
    # Rows are kept as drawn (their count aside): a new count, a renamed or recoloured label,
    # a new key, the selection, a narrower panel, another font, a disabled panel and the other
    # theme all show as the list drawn from scratch shows them.
    panel = TagPanel()
    qtbot.addWidget(panel)
    labels = [
        LabelRecord(1, "Military", "#1f4e9c"),
        LabelRecord(2, "Arms embargo / sanctions", "#d62728", shortcut="1", parent_id=1),
        LabelRecord(3, "Troop reduction", "#ff7f0e", shortcut="2", parent_id=1),
        LabelRecord(4, "Source <b>attribution</b> 🇨🇳", "#7f7f7f", shortcut="9"),
    ]
    panel.model.set_labels(labels)
    panel.resize(320, 200)
    panel.show()
    qtbot.waitExposed(panel)
    view = panel.view

    kept_delegate = view.itemDelegate()

    def shown_as_fresh() -> bool:
        QApplication.processEvents()
        kept = view.viewport().grab().toImage()
        view.setItemDelegate(LabelDelegate(view))
        fresh = view.viewport().grab().toImage()
        view.setItemDelegate(kept_delegate)  # the delegate that has drawn every state so far
        return kept == fresh

    def relabel(**changed: object) -> None:  # the third label changed, the others as they are
        labels[2] = replace(labels[2], **changed)  # type: ignore[arg-type]
        panel.model.set_labels(list(labels))

    italic = QFont(view.font())
    italic.setItalic(True)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    changes = [
        lambda: panel.model.set_counts({2: 3, 4: 1}),
        lambda: panel.model.set_counts({2: 4, 4: 1}),
        lambda: view.setCurrentIndex(panel.model.index(2)),
        lambda: relabel(name="Troop cuts"),
        lambda: relabel(shortcut="3"),
        lambda: relabel(colour="#9467bd"),
        lambda: panel.resize(220, 200),
        lambda: view.setFont(italic),
        lambda: panel.setEnabled(False),
        lambda: apply_theme(app, "dark"),
    ]
    try:
        for change in changes:
            view.viewport().grab()  # drawn (and kept) as the list is now
            change()
            assert shown_as_fresh(), change
    finally:
        apply_theme(app, "light")
