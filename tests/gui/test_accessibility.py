"""Keyboard users reach everything, label colours stay readable on both themes, focus shows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pyqtgraph as pg
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

from claimdesk.core.classroom.collect import collect
from claimdesk.core.classroom.exercise import exercises
from claimdesk.core.classroom.feedback import PAGE_BACKGROUND, feedback_html
from claimdesk.core.classroom.grading import ClassGrades, grade
from claimdesk.core.contrast import (
    TEXT_MINIMUM,
    contrast_ratio,
    highlighted_text_contrast,
    parse_hex,
)
from claimdesk.core.paths import resources_dir, seeds_dir
from claimdesk.core.records import Status
from claimdesk.core.store.project import Project
from claimdesk.gui.candidates import CELL_ROLES
from claimdesk.gui.curation import CurationView, open_curation
from claimdesk.gui.document_view import FILL_ALPHA
from claimdesk.gui.exercise_window import ExerciseBanner
from claimdesk.gui.grades_window import FeedbackPreview, GradesWindow
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.theme import apply_theme, colour_of, text_on, theme_colours
from tests.core.classroom.classroom_kit import exercise_with_key, student_submits, teacher_project
from tests.gui.readability import (
    background_of,
    best_contrast,
    fragment_rect,
    item_view_problems,
    rgb,
    widget_rect,
)
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
        ("placeholder_text", "window"),  # quiet notes in dialogs
        ("status_todo", "base"),
        ("status_in_progress", "base"),
        ("status_done", "base"),
        ("status_todo", "alternate_base"),
        ("status_in_progress", "alternate_base"),
        ("status_done", "alternate_base"),
        ("saved", "banner"),
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


# -- Both themes, every widget: text measured on what is painted --------------------------------


@pytest.fixture(params=THEMES)
def themed(request: pytest.FixtureRequest) -> Iterator[str]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, request.param)
    QApplication.processEvents()
    yield request.param
    apply_theme(app, "light")


def _reads(view: QAbstractItemView, theme: str, at_least: int) -> list[str]:
    checked, problems = item_view_problems(view)
    assert len(checked) >= at_least, f"{theme}: only {checked} on screen"
    assert problems == [], f"{theme}: {problems}"
    return checked


def test_document_list_statuses_read(window: MainWindow, themed: str) -> None:
    model = window.documents.model
    first, second = (model.summary(row) for row in range(2))
    third = replace(first, id=10_000, title="A third article")
    model.set_rows(
        [
            replace(first, status=Status.TODO),
            replace(second, status=Status.IN_PROGRESS),
            replace(third, status=Status.DONE),
        ],
        model.annotator_id,
    )
    window.documents.table.selectRow(0)
    QApplication.processEvents()
    checked = _reads(window.documents.table, themed, at_least=6)
    assert {"○ To do", "◐ In progress", "● Done"} <= set(checked)


def test_tag_panel_reads(window: MainWindow, themed: str) -> None:
    _reads(window.tags.view, themed, at_least=8)


def test_curation_table_reads(window: MainWindow, qtbot: QtBot, themed: str) -> None:
    view = _curation_view(window, qtbot)
    _reads(view.table, themed, at_least=40)


@pytest.fixture
def graded(tmp_path: Path) -> Iterator[tuple[Project, ClassGrades]]:
    project = teacher_project(tmp_path / "teacher")
    key = [(0, "Claim", 0, 10), (0, "Evidence", 5, 30), (0, "<b>Source</b>", 40, 50)]
    info = exercise_with_key(project, tmp_path, key)
    assert info.path is not None
    marks = [(0, "Evidence", 0, 10), (0, "Claim", 12, 30), (0, "<b>Source</b>", 40, 50)]
    collect(project, [student_submits(info.path, "Eve", marks, tmp_path / "eve")])
    yield project, grade(project, info.id)
    project.close()


def test_feedback_preview_reads(
    graded: tuple[Project, ClassGrades], qtbot: QtBot, tmp_path: Path, themed: str
) -> None:
    _, grades = graded
    preview = FeedbackPreview(feedback_html(grades, grades.students[0]), tmp_path / "eve.html")
    qtbot.addWidget(preview)
    preview.show()
    qtbot.waitExposed(preview)
    browser = preview.browser
    phrases = [
        "Feedback: Week 1",  # heading on the page
        "Student:",
        "A statement presented as fact.",  # a definition
        "100%",  # a score in a plain table cell
        "All labels",  # a header cell with its own background
        "Evidence",  # a label chip
        "(0–10)",  # muted text
        "abcdefghi",  # a span highlighted in the document text
    ]
    for phrase in phrases:
        rect = fragment_rect(browser, phrase)
        QApplication.processEvents()
        image = browser.viewport().grab().toImage()
        background = background_of(image, rect)
        ratio = best_contrast(image, rect, background)
        assert ratio >= TEXT_MINIMUM, f"{themed}: {phrase!r} drawn at {ratio:.2f}:1"
    # Below the end of the page the view is the page's paper too, not the theme's base.
    image = browser.viewport().grab().toImage()
    corner = image.pixelColor(image.width() - 3, image.height() - 3)
    assert corner == QColor(PAGE_BACKGROUND)


def test_grades_window_reads(
    graded: tuple[Project, ClassGrades], window: MainWindow, qtbot: QtBot, themed: str
) -> None:
    project, grades = graded
    view = GradesWindow(project, exercises(project), window.prompts)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.regrade()
    qtbot.waitUntil(lambda: view.grades is not None, timeout=20_000)
    assert view.select_student(grades.students[0].annotator_id)
    QApplication.processEvents()
    _reads(view.table, themed, at_least=8)
    _reads(view.labels_table, themed, at_least=20)


def test_dashboard_reads(window: MainWindow, qtbot: QtBot, themed: str) -> None:
    add_annotators(window.project, 4)
    window.menu_actions.dashboard.trigger()
    dashboard = window.dashboard
    assert dashboard is not None
    qtbot.waitExposed(dashboard)
    qtbot.waitUntil(lambda: dashboard.report is not None, timeout=30_000)
    dashboard.tabs.setCurrentWidget(dashboard.pairs_splitter)
    dashboard.show_pair(0, 1)
    QApplication.processEvents()
    _reads(dashboard.disagreements, themed, at_least=8)
    # Each heatmap cell's number reads on the colour that cell is painted.
    heatmap = dashboard.heatmap
    texts = [i for i in heatmap.plot.items if isinstance(i, pg.TextItem)]
    assert len(texts) == 16
    for item in texts:
        value = heatmap.matrix[int(item.pos().y()), int(item.pos().x())]
        ratio = contrast_ratio(rgb(item.color), rgb(heatmap.cell_colour(value)))
        assert ratio >= TEXT_MINIMUM, f"{value:.2f} at {ratio:.2f}:1"


def test_exercise_banner_reads(qtbot: QtBot, themed: str) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    banner = ExerciseBanner(QAction("Submit", holder), holder)
    banner.title.setText("Exercise: Week 1")
    banner.progress.setText("1 of 2 documents done")
    banner.submitted.setText("Submitted 03 Dec 12:00")
    banner.resize(760, 44)
    holder.resize(760, 44)
    holder.show()
    qtbot.waitExposed(holder)
    image = holder.grab().toImage()
    banner_colour = rgb(QColor(colour_of("banner", themed)))
    for label in (banner.title, banner.progress, banner.submitted):
        rect = widget_rect(label, holder)
        assert background_of(image, rect) == banner_colour, label.text()
        ratio = best_contrast(image, rect, banner_colour)
        assert ratio >= TEXT_MINIMUM, f"{themed}: {label.text()!r} drawn at {ratio:.2f}:1"


def test_exercise_banner_follows_a_theme_switch(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, "light")
    banner = ExerciseBanner(QAction("Submit"))
    qtbot.addWidget(banner)
    try:
        apply_theme(app, "dark")
        qtbot.waitUntil(lambda: colour_of("banner", "dark") in banner.styleSheet())
        assert text_on(colour_of("banner", "dark"), "dark") in banner.styleSheet()
    finally:
        apply_theme(app, "light")
    qtbot.waitUntil(lambda: colour_of("banner", "light") in banner.styleSheet())


def test_exercise_banner_is_green_only_once_submitted(qtbot: QtBot, themed: str) -> None:
    from datetime import UTC, datetime

    from claimdesk.core.classroom.exercise import StudentWork
    from claimdesk.core.records import AnnotatorRecord

    banner = ExerciseBanner(QAction("Submit"))
    qtbot.addWidget(banner)
    start = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    work = StudentWork(
        "ex-1",
        "Week 1",
        "",
        "Student A",
        "",
        AnnotatorRecord(1, "Student A"),
        0,
        2,
        0,
        0,
        start,
        None,
        None,
    )
    saved = QColor(colour_of("saved", themed))
    banner.show_work(work)
    assert banner.submitted.text() == "Not submitted yet"
    assert saved.name() not in banner.submitted.styleSheet()  # not yet: no "all is well" green
    banner.show_work(replace(work, submitted_at=start))
    assert banner.submitted.text().startswith("Submitted")
    assert saved.name() in banner.submitted.styleSheet().lower()
