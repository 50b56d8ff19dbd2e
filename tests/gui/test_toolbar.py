"""The main toolbar: the menus' own actions as buttons, hideable, remembered, in both themes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QSize, Qt
from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import QApplication, QToolBar, QToolButton, QWidget
from pytestqt.qtbot import QtBot

from claimdesk.core.contrast import contrast_ratio, parse_hex
from claimdesk.core.store.project import Project
from claimdesk.gui.exercise_window import FIXED_DOCUMENTS_TIP
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.settings import Settings
from claimdesk.gui.theme import apply_theme, theme_colours
from tests.gui.classroom_prompts import ClassroomPrompts
from tests.gui.conftest import ScriptedPrompts
from tests.gui.edit_menu import edit_menu_items, tip
from tests.gui.test_exercise_student import exercise_file, student_window

__all__ = ["exercise_file"]  # the exercise of the sample articles, a fixture


def _button(window: MainWindow, caption: str) -> QToolButton:
    for button in window.toolbar.findChildren(QToolButton):
        if button.defaultAction() is not None and button.defaultAction().iconText() == caption:
            return button
    raise AssertionError(f"no toolbar button {caption!r}")


def test_the_toolbar_holds_the_main_actions_of_the_menus(window: MainWindow) -> None:
    actions = window.menu_actions
    assert isinstance(window.toolbar, QToolBar) and window.toolbar.isVisible()
    shown = [a for a in window.toolbar.actions() if not a.isSeparator()]
    assert shown == [
        actions.open_project,
        actions.import_articles,
        actions.export_dataset,
        actions.undo,
        actions.redo,
        actions.mark_done,
        actions.curate,
        actions.dashboard,
    ]
    # Each button is visible, with its caption beside the icon.
    captions = [_button(window, a.iconText()).text() for a in shown]
    assert captions == ["Open", "Import", "Export", "Undo", "Redo", "Done", "Curate", "Dashboard"]


def test_tooltips_name_the_shortcut_and_follow_the_undo_text(
    window: MainWindow, qtbot: QtBot
) -> None:
    actions = window.menu_actions
    assert actions.mark_done.toolTip() == "Mark done / not done (Ctrl+D)"
    assert actions.open_project.toolTip() == "Open project (Ctrl+O)"
    assert actions.undo.toolTip() == "Undo (Ctrl+Z)"
    assert actions.dashboard.toolTip() == "Agreement dashboard"  # no shortcut, no brackets
    text = window.view.document_text()
    start = text.index("arms embargo")
    window.view.set_text_selection(start, start + len("arms embargo"))
    qtbot.keyClick(window.view, "1")
    shown = tip(_button(window, "Undo"))
    assert shown.startswith("Undo ") and shown != "Undo (Ctrl+Z)" and shown.endswith("(Ctrl+Z)")


class _Events(QObject):
    """Paints and layout requests of the widgets it watches."""

    def __init__(self, *widgets: QWidget) -> None:
        super().__init__()
        self.seen: list[tuple[QWidget, QEvent.Type]] = []
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Paint, QEvent.Type.LayoutRequest):
            self.seen.append((watched, event.type()))  # type: ignore[arg-type]
        return False


def test_a_renamed_undo_shows_its_new_tip_without_the_toolbar_drawn_again(
    window: MainWindow, qtbot: QtBot
) -> None:
    undo, redo = _button(window, "Undo"), _button(window, "Redo")
    text = window.view.document_text()
    start = text.index("arms embargo")
    window.view.set_text_selection(start, start + len("arms embargo"))
    qtbot.keyClick(window.view, "1")
    assert undo.isEnabled() and tip(undo) == "Undo Add annotation (Ctrl+Z)"
    qtbot.wait(50)
    events = _Events(window.toolbar, undo, redo)
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)  # the new claim is selected: deleted
    QApplication.processEvents()
    assert window.annotations.model_.rowCount() == 0
    # Undo now names the deletion on the button's tip and in the menu; the button looks the
    # same, so neither it nor the toolbar is laid out or drawn again.
    assert tip(undo) == "Undo Delete annotation (Ctrl+Z)"
    QApplication.processEvents()
    assert events.seen == []
    assert edit_menu_items(window)[:2] == ["&Undo Delete annotation", "&Redo"]
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)  # back again; Redo comes alive
    assert window.annotations.model_.rowCount() == 1
    assert redo.isEnabled() and tip(redo) == "Redo Delete annotation (Ctrl+Shift+Z)"
    assert tip(undo) == "Undo Add annotation (Ctrl+Z)"
    assert edit_menu_items(window)[:2] == ["&Undo Add annotation", "&Redo Delete annotation"]


def test_a_toolbar_button_runs_the_action_and_follows_its_enabled_state(
    window: MainWindow, qtbot: QtBot
) -> None:
    undo = _button(window, "Undo")
    assert not undo.isEnabled()  # nothing to undo yet
    text = window.view.document_text()
    start = text.index("arms embargo")
    window.view.set_text_selection(start, start + len("arms embargo"))
    qtbot.keyClick(window.view, "1")
    assert window.annotations.model_.rowCount() == 1
    assert undo.isEnabled()
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    assert window.annotations.model_.rowCount() == 0
    assert not undo.isEnabled()
    assert _button(window, "Redo").isEnabled()

    done = _button(window, "Done")
    document_id = window.document_id
    assert document_id is not None
    qtbot.mouseClick(done, Qt.MouseButton.LeftButton)
    assert window.project.status(document_id, window.annotator.id).display_name == "Done"


def test_hiding_the_toolbar_is_remembered_by_the_next_window(
    window: MainWindow, qtbot: QtBot, seeded: Project, prompts: ScriptedPrompts
) -> None:
    toggle = window.toolbar.toggleViewAction()
    assert toggle in window.menu_actions.view_menu.actions()
    assert toggle.isChecked()
    toggle.trigger()  # View › Toolbar
    assert not window.toolbar.isVisible()
    # The toolbar's context menu (the window's) offers the same switch.
    assert toggle in window.createPopupMenu().actions()
    window.close()

    again = MainWindow(Project.open(seeded.path), window.annotator, Settings(), prompts)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert not again.toolbar.isVisible()
    assert not again.toolbar.toggleViewAction().isChecked()
    again.toolbar.toggleViewAction().trigger()
    again.addToolBar(Qt.ToolBarArea.LeftToolBarArea, again.toolbar)  # docked on the left
    again.close()

    third = MainWindow(Project.open(seeded.path), window.annotator, Settings(), prompts)
    qtbot.addWidget(third)
    third.show()
    qtbot.waitExposed(third)
    assert third.toolbar.isVisible()
    assert third.toolBarArea(third.toolbar) == Qt.ToolBarArea.LeftToolBarArea
    third.close()


def _ink(icon: QIcon, mode: QIcon.Mode) -> set[str]:
    """The opaque colours an icon is drawn in at 24 px."""
    image = icon.pixmap(QSize(24, 24), mode).toImage()
    found = set()
    for x in range(24):
        for y in range(24):
            colour = QColor.fromRgba(image.pixel(QPoint(x, y)))
            if colour.alpha() == 255:
                found.add(colour.name())
    return found


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_icons_are_drawn_in_the_theme_colours(window: MainWindow, theme: str) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, theme)
    try:
        colours = theme_colours(theme)
        for action in window.toolbar.actions():
            if action.isSeparator():
                continue
            icon = action.icon()
            assert not icon.isNull(), action.text()
            # Drawn in the theme's button text colour, which reads on the toolbar background.
            assert _ink(icon, QIcon.Mode.Normal) == {colours["button_text"]}, action.iconText()
            assert _ink(icon, QIcon.Mode.Disabled) == {colours["disabled_text"]}
            ratio = contrast_ratio(parse_hex(colours["button_text"]), parse_hex(colours["window"]))
            assert ratio >= 4.5
        # What is on screen: the Undo button (disabled) in the disabled colour of this theme.
        image = _button(window, "Undo").grab().toImage()
        drawn = {
            QColor.fromRgba(image.pixel(x, y)).name()
            for x in range(image.width())
            for y in range(image.height())
        }
        assert colours["disabled_text"] in drawn
    finally:
        apply_theme(app, "light")


def test_student_mode_keeps_its_own_tips_and_gives_the_banner_a_row(
    qtbot: QtBot, exercise_file: Path
) -> None:
    prompts = ClassroomPrompts()
    prompts.identities = [("Eve", "S-17")]
    window = student_window(qtbot, exercise_file, prompts)
    import_articles = window.menu_actions.import_articles
    assert not import_articles.isEnabled()
    assert import_articles.toolTip() == FIXED_DOCUMENTS_TIP  # says why, on the toolbar too
    banner = window.findChild(QToolBar, "exercise_banner")
    assert banner is not None
    # The banner sits below the toolbar, whose buttons all fit on their own row.
    assert banner.geometry().top() >= window.toolbar.geometry().bottom()
    assert window.toolbar.width() >= window.width() - 2
    assert _button(window, "Dashboard").isVisible()
    assert window.student_mode is not None
    window.student_mode.detach()
    assert window.findChild(QToolBar, "exercise_banner") is None or not banner.isVisible()
    assert import_articles.isEnabled()
    assert import_articles.toolTip() == "Import articles (Ctrl+I)"
