"""Edit › Preferences…: each choice takes effect in the window and survives a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from claimdesk.core.store.project import Project
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.preferences import Preferences, PreferencesDialog
from claimdesk.gui.settings import MAX_RECENT_COUNT, Settings
from claimdesk.gui.theme import apply_theme, theme_colours


@pytest.fixture(autouse=True)
def light_again() -> object:
    yield
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, "light")


def _choose(window: MainWindow, monkeypatch: pytest.MonkeyPatch, **changes: object) -> None:
    chosen = Preferences.from_settings(window.settings)
    chosen = Preferences(**{**chosen.__dict__, **changes})  # type: ignore[arg-type]
    monkeypatch.setattr(
        "claimdesk.gui.preferences.ask_preferences", lambda settings, parent: chosen
    )
    window.preferences_action.trigger()
    QApplication.processEvents()  # the palette reaches the widgets through events


def test_ctrl_comma_opens_preferences_from_the_edit_menu(window: MainWindow) -> None:
    assert window.preferences_action.shortcut().toString() == "Ctrl+,"
    edit_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    assert window.preferences_action in edit_menu.actions()


def test_font_size_and_snap_apply_at_once_and_are_remembered(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    _choose(window, monkeypatch, font_size=18.0, snap_to_words=False)
    assert window.view.font().pointSizeF() == 18.0
    assert not window.snap_action.isChecked()
    again = Settings()
    assert again.font_size == 18.0 and again.snap_to_words is False


def test_dark_theme_recolours_the_app_and_light_brings_it_back(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    _choose(window, monkeypatch, font_size=17.0)
    _choose(window, monkeypatch, theme="dark")
    # Re-colouring re-polishes every widget; the reader's text size stays.
    assert window.view.font().pointSizeF() == 17.0
    base = window.view.palette().color(QPalette.ColorRole.Base).name()
    assert base == theme_colours("dark")["base"]
    assert Settings().theme == "dark"
    # The "saved" note is recoloured to stay readable on the dark window.
    assert theme_colours("dark")["saved"] in window.saved.styleSheet()
    _choose(window, monkeypatch, theme="light")
    assert window.view.palette().color(QPalette.ColorRole.Base).name() == "#ffffff"


def test_new_annotator_name_files_annotations_under_it(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, seeded: Project
) -> None:
    document = window.document_id
    _choose(window, monkeypatch, annotator_name="Bea 𠀋 <b>x</b>")
    assert window.annotator.name == "Bea 𠀋 <b>x</b>"
    assert window.who.text() == "Annotator: Bea 𠀋 <b>x</b>"
    assert window.document_id == document
    assert Settings().annotator_name == "Bea 𠀋 <b>x</b>"
    assert "Bea 𠀋 <b>x</b>" in [a.name for a in seeded.annotators()]


def test_dialog_refuses_an_empty_name(qtbot: QtBot, settings: Settings) -> None:
    settings.annotator_name = "Ana"
    dialog = PreferencesDialog(Preferences.from_settings(settings), 0)
    qtbot.addWidget(dialog)
    dialog.name.setText("   ")
    dialog.ok_button.click()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.name_problem.isVisibleTo(dialog)
    dialog.name.setText("Cai")
    dialog.ok_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.preferences().annotator_name == "Cai"


def test_dialog_shows_current_values_and_clear_list(qtbot: QtBot, settings: Settings) -> None:
    settings.annotator_name = "Ana"
    settings.theme = "dark"
    dialog = PreferencesDialog(Preferences.from_settings(settings), 2)
    qtbot.addWidget(dialog)
    assert dialog.theme.currentData() == "dark"
    assert dialog.recent_count.maximum() == MAX_RECENT_COUNT
    assert dialog.clear_button.isEnabled()
    dialog.clear_button.click()
    assert dialog.preferences().clear_recent
    assert not dialog.clear_button.isEnabled()


def _recent_titles(window: MainWindow) -> list[str]:
    window.fill_recent_menu()
    return [a.text() for a in window.recent_menu.actions() if a.text()]


def test_open_recent_lists_other_projects_newest_first_and_opens_one(
    window: MainWindow, template_project: Path, tmp_path: Path
) -> None:
    import shutil

    paths = []
    for name in ("first", "second 𠀋"):
        path = tmp_path / f"{name}.claimdesk"
        shutil.copy2(template_project, path)
        paths.append(path)
        window.settings.add_recent(str(path))
    assert _recent_titles(window) == ["&1 second 𠀋.claimdesk", "&2 first.claimdesk", "&Clear list"]
    window.recent_menu.actions()[1].trigger()
    assert Path(window.project.path) == paths[0]
    # The project now open is not offered; the one left is.
    titles = _recent_titles(window)
    assert titles[0] == "&1 second 𠀋.claimdesk" and "first.claimdesk" not in " ".join(titles)


def test_recent_list_keeps_last_n_and_clears(window: MainWindow, tmp_path: Path) -> None:
    window.settings.recent_count = 3
    for number in range(6):
        window.settings.add_recent(str(tmp_path / f"p{number}.claimdesk"))
    assert [Path(p).name for p in Settings().recent_projects] == [
        "p5.claimdesk",
        "p4.claimdesk",
        "p3.claimdesk",
    ]
    # Files that are gone are listed but cannot be chosen.
    window.fill_recent_menu()
    assert not window.recent_menu.actions()[0].isEnabled()
    window.clear_recent_action.trigger()
    assert Settings().recent_projects == [str(window.project.path)]
    assert _recent_titles(window) == ["(no recent projects)", "&Clear list"]


def test_dialog_refuses_overrides_and_accepts_gold(qtbot: QtBot, settings: Settings) -> None:
    settings.annotator_name = "Ana"
    dialog = PreferencesDialog(Preferences.from_settings(settings), 0)
    qtbot.addWidget(dialog)
    dialog.name.setText("Ana\u202e")
    dialog.ok_button.click()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "right-to-left" in dialog.name_problem.text()
    dialog.name.setText("Gold")  # a person's name like any other: the gold set is marked
    dialog.ok_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
