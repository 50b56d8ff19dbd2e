"""Keyboard users reach everything, label colours stay readable on both themes, focus shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from claimdesk.core.contrast import (
    TEXT_MINIMUM,
    contrast_ratio,
    highlighted_text_contrast,
    parse_hex,
)
from claimdesk.core.paths import resources_dir, seeds_dir
from claimdesk.gui.candidates import CELL_ROLES
from claimdesk.gui.curation import CurationView, open_curation
from claimdesk.gui.document_view import FILL_ALPHA
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.theme import apply_theme, colour_of, text_on, theme_colours
from tests.gui.review_project import add_annotators

THEMES = ("light", "dark")


def _mnemonic(text: str) -> str | None:
    plain = text.replace("&&", "")
    index = plain.find("&")
    return plain[index + 1].lower() if 0 <= index < len(plain) - 1 else None


def _menus(window: MainWindow) -> list[QMenu]:
    found: list[QMenu] = []
    pending = [a.menu() for a in window.menuBar().actions() if a.menu()]
    while pending:
        menu = pending.pop()
        assert isinstance(menu, QMenu)
        menu.aboutToShow.emit()  # Open Recent fills itself when shown
        found.append(menu)
        pending.extend(a.menu() for a in menu.actions() if a.menu())
    return found


def test_every_menu_and_menu_item_is_reachable_by_keyboard(window: MainWindow) -> None:
    titles = [a.text() for a in window.menuBar().actions()]
    keys = [_mnemonic(t) for t in titles]
    assert None not in keys, titles
    assert len(set(keys)) == len(keys), titles
    for menu in _menus(window):
        seen: dict[str, str] = {}
        for action in menu.actions():
            if action.isSeparator() or not action.isEnabled():
                continue
            key = _mnemonic(action.text())
            assert key or not action.shortcut().isEmpty(), (
                f"{menu.title()} › {action.text()} has neither a shortcut nor an &-key"
            )
            if key:
                assert key not in seen, f"{menu.title()}: {action.text()!r} and {seen[key]!r}"
                seen[key] = action.text()


def test_every_window_action_is_in_a_menu(window: MainWindow) -> None:
    in_menus = {id(a) for menu in _menus(window) for a in menu.actions()}
    for action in window.findChildren(QAction):
        if action.text() and action.parent() is window and not action.menu():
            assert id(action) in in_menus, action.text()


def _interactive(window: MainWindow) -> list[QWidget]:
    kinds = (QAbstractButton, QAbstractItemView, QLineEdit, QPlainTextEdit)
    return [
        w
        for w in window.centralWidget().findChildren(QWidget)
        if isinstance(w, kinds)
        and w.isVisible()
        and w.isEnabled()
        and not isinstance(w.parent(), QAbstractItemView)  # header sections, editors
    ]


def test_tab_reaches_every_control_in_the_window(window: MainWindow, qtbot: QtBot) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    targets = _interactive(window)
    assert len(targets) >= 8  # filter, documents, article, labels, its 4 buttons, annotations
    window.documents.filter.setFocus()
    visited: list[QWidget] = []
    for _ in range(3 * len(targets)):
        focused = QApplication.focusWidget()
        assert focused is not None
        visited.append(focused)
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    missing = [
        f"{type(w).__name__} {getattr(w, 'text', lambda: '')()}"
        for w in targets
        if w not in visited
    ]
    assert missing == [], [type(w).__name__ for w in visited]


def _codebook_colours() -> list[str]:
    colours = []
    for path in (seeds_dir() / "codebook.json", resources_dir() / "default-codebook.json"):
        colours += [label["colour"] for label in json.loads(path.read_text("utf-8"))["labels"]]
    return colours


@pytest.mark.parametrize("theme", THEMES)
def test_article_text_on_every_codebook_colour_meets_wcag_aa(theme: str) -> None:
    colours = theme_colours(theme)
    for colour in _codebook_colours():
        ratio = highlighted_text_contrast(colour, FILL_ALPHA, colours["text"], colours["base"])
        assert ratio >= TEXT_MINIMUM, f"{theme}: text on {colour} is {ratio:.2f}:1"


@pytest.mark.parametrize("theme", THEMES)
def test_theme_text_colours_meet_wcag_aa(theme: str) -> None:
    colours = theme_colours(theme)
    pairs = [
        ("text", "base"),
        ("text", "alternate_base"),
        ("window_text", "window"),
        ("button_text", "button"),
        ("highlighted_text", "highlight"),
        ("saved", "window"),
        ("not_saved", "window"),
        ("placeholder_text", "base"),
        ("tooltip_text", "tooltip_base"),
    ]
    for fore, back in pairs:
        ratio = contrast_ratio(parse_hex(colours[fore]), parse_hex(colours[back]))
        assert ratio >= TEXT_MINIMUM, f"{theme}: {fore} on {back} is {ratio:.2f}:1"


@pytest.mark.parametrize("theme", THEMES)
def test_curation_colours_meet_wcag_aa(theme: str) -> None:
    base = theme_colours(theme)["base"]
    missing = contrast_ratio(parse_hex(colour_of("curation_missing", theme)), parse_hex(base))
    assert missing >= TEXT_MINIMUM, f"{theme}: the missing-lane dash is {missing:.2f}:1"
    for role in CELL_ROLES:
        background = colour_of(role, theme)
        ratio = contrast_ratio(parse_hex(text_on(background, theme)), parse_hex(background))
        assert ratio >= TEXT_MINIMUM, f"{theme}: text on {role} is {ratio:.2f}:1"


def _frame_pixels(image: QImage) -> set[int]:
    width, height = image.width(), image.height()
    return {image.pixel(x, 1) for x in range(4, width - 4)} | {
        image.pixel(1, y) for y in range(4, height - 4)
    }


@pytest.mark.parametrize("theme", THEMES)
def test_focus_is_drawn_as_a_highlight_frame(window: MainWindow, qtbot: QtBot, theme: str) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, theme)
    try:
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        highlight = parse_hex(theme_colours(theme)["highlight"])
        add_label = next(
            b for b in window.tags.findChildren(QAbstractButton) if b.text().startswith("Add")
        )
        for widget in (window.view, window.documents.table, window.annotations, add_label):
            window.documents.filter.setFocus()
            QApplication.processEvents()
            unfocused = _frame_pixels(widget.grab().toImage())
            widget.setFocus()
            qtbot.waitUntil(widget.hasFocus)
            QApplication.processEvents()
            focused = _frame_pixels(widget.grab().toImage())
            colour = 0xFF000000 | (highlight[0] << 16) | (highlight[1] << 8) | highlight[2]
            assert colour in focused and colour not in unfocused, type(widget).__name__
    finally:
        apply_theme(app, "light")


def test_theme_files_are_complete() -> None:
    light, dark = theme_colours("light"), theme_colours("dark")
    assert set(light) == set(dark)
    assert (Path(resources_dir()) / "themes" / "focus.qss").is_file()


def _curation_view(window: MainWindow, qtbot: QtBot) -> CurationView:
    add_annotators(window.project, 4)
    assert window.document_id is not None
    view = open_curation(window.project, window.document_id)
    qtbot.addWidget(view)
    qtbot.waitExposed(view)
    view.select_row(1)
    view.accept_selected()  # one gold row, so every kind of coloured cell is on screen
    view.select_row(0)
    return view


def _rgb(colour: QColor) -> tuple[int, int, int]:
    return (colour.red(), colour.green(), colour.blue())


@pytest.mark.parametrize("theme", THEMES)
def test_curation_cells_take_the_theme_colours_and_their_text_reads(
    window: MainWindow, qtbot: QtBot, theme: str
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, theme)
    try:
        view = _curation_view(window, qtbot)
        table, model = view.table, view.model
        image = table.viewport().grab().toImage()
        theirs = {QColor(colour_of(role, theme)).name() for role in CELL_ROLES}
        base = table.palette().color(table.viewport().backgroundRole())
        seen: set[str] = set()
        for row in range(1, model.rowCount()):  # row 0 is selected: the highlight covers it
            for column in range(3, model.columnCount()):
                index = model.index(row, column)
                rect = table.visualRect(index)
                if not table.viewport().rect().contains(rect):
                    continue
                brush = index.data(Qt.ItemDataRole.BackgroundRole)
                text = index.data(Qt.ItemDataRole.ForegroundRole)
                painted = image.pixelColor(rect.right() - 3, rect.top() + 3)
                if brush is None:
                    if text is None:
                        continue
                    assert painted == base, (row, column)  # a "–" cell on the table's base
                else:
                    assert painted == brush.color(), (row, column)  # drawn as the model says
                    seen.add(painted.name())
                ratio = contrast_ratio(_rgb(text.color()), _rgb(painted))
                assert ratio >= TEXT_MINIMUM, f"{theme}: {index.data()!r} at {ratio:.2f}:1"
                if brush is None:
                    continue  # a thin dash is all grey edges: its colour was checked above
                # The text is drawn in that colour: some glyph pixel reaches the minimum too.
                best = max(
                    contrast_ratio(_rgb(image.pixelColor(x, y)), _rgb(painted))
                    for x in range(rect.left() + 1, rect.right() - 1)
                    for y in range(rect.top() + 1, rect.bottom() - 1)
                    if not (index.data(Qt.ItemDataRole.DecorationRole) and x < rect.left() + 24)
                )
                assert best >= TEXT_MINIMUM, f"{theme}: {index.data()!r} drawn at {best:.2f}:1"
        assert seen and seen <= theirs, (seen, theirs)
        assert (
            "curation_gold" in CELL_ROLES
            and QColor(colour_of("curation_gold", theme)).name() in seen
        )
    finally:
        apply_theme(app, "light")


def test_an_open_curation_view_follows_a_theme_switch(window: MainWindow, qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, "light")
    view = _curation_view(window, qtbot)
    gold = view.model.index(1, view.model.gold_column())
    try:
        apply_theme(app, "dark")
        qtbot.waitUntil(lambda: view.model.theme == "dark")
        assert gold.data(Qt.ItemDataRole.BackgroundRole).color() == QColor(
            colour_of("curation_gold", "dark")
        )
        assert view.saved.styleSheet() == f"color: {colour_of('saved', 'dark')};"
    finally:
        apply_theme(app, "light")
    qtbot.waitUntil(lambda: view.model.theme == "light")
    assert gold.data(Qt.ItemDataRole.BackgroundRole).color() == QColor(
        colour_of("curation_gold", "light")
    )
