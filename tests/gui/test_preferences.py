"""Edit › Preferences…: each choice takes effect in the window and survives a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from claimdesk.core.agreement.curation import gold_annotator
from claimdesk.core.store.project import Project
from claimdesk.gui.curation import CandidateModel, CurationView
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.preferences import Preferences, PreferencesDialog
from claimdesk.gui.settings import MAX_RECENT_COUNT, Settings
from claimdesk.gui.theme import apply_theme, theme_colours
from tests.gui.review_project import add_annotators
from tests.gui.test_main_window import label_id, select_phrase


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
    window.menu_actions.preferences.trigger()
    QApplication.processEvents()  # the palette reaches the widgets through events


def test_ctrl_comma_opens_preferences_from_the_edit_menu(window: MainWindow) -> None:
    assert window.menu_actions.preferences.shortcut().toString() == "Ctrl+,"
    edit_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    assert window.menu_actions.preferences in edit_menu.actions()


def test_font_size_and_snap_apply_at_once_and_are_remembered(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    _choose(window, monkeypatch, font_size=18.0, snap_to_words=False)
    assert window.view.font().pointSizeF() == 18.0
    assert not window.menu_actions.snap_to_words.isChecked()
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
    return [a.text() for a in window.menu_actions.recent_menu.actions() if a.text()]


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
    window.menu_actions.recent_menu.actions()[1].trigger()
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
    assert not window.menu_actions.recent_menu.actions()[0].isEnabled()
    window.menu_actions.clear_recent.trigger()
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


def test_a_person_called_gold_in_preferences_works_beside_the_gold_set(
    window: MainWindow,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    seeded: Project,
) -> None:
    """The gold set is marked in the project, not named: "Gold" is a person's name like any
    other, from the Preferences dialog through annotating to curation."""
    add_annotators(seeded, 2)  # Ana (this window's annotator) and Ben
    document = window.document_id
    assert document is not None
    # Curation has already made the gold set, under the name Gold.
    window.menu_actions.curate.trigger()
    curating = window.curation
    assert isinstance(curating, CurationView)
    qtbot.keyClick(curating.table, Qt.Key.Key_M)
    gold = gold_annotator(seeded)
    gold_spans = _spans(seeded, document, gold.id)
    assert gold.name == "Gold" and gold_spans

    # The user types "Gold" in the real Preferences dialog and presses OK.
    def type_gold(dialog: PreferencesDialog) -> int:
        dialog.name.setText("Gold")
        dialog.ok_button.click()
        return dialog.result()

    monkeypatch.setattr(PreferencesDialog, "exec", type_gold)
    window.menu_actions.preferences.trigger()
    person = window.annotator
    assert person.name == "Gold" and not person.is_gold and person.id != gold.id
    assert window.who.text() == "Annotator: Gold"
    assert Settings().annotator_name == "Gold"
    # The gold set keeps its spans and steps aside under another name.
    assert gold_annotator(seeded).id == gold.id
    assert gold_annotator(seeded).name == "Gold (curated)"
    # The person starts with no spans: none of the gold set's are shown or listed as theirs.
    assert window.annotations.model_.rowCount() == 0

    start, end = select_phrase(window, "arms embargo with the West")
    window.view.setFocus()
    qtbot.keyClick(window.view, "1")
    embargo = label_id(window, "Arms embargo / sanctions")
    assert _spans(seeded, document, person.id) == [(start, end, embargo)]
    assert _spans(seeded, document, gold.id) == gold_spans
    assert window.annotations.model_.rowCount() == 1

    # Curation: the person is a lane named Gold; accepting their span fills the gold set.
    curating.choose_annotators(None)
    model = curating.model
    lanes = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert lanes[len(CandidateModel.FIXED) :] == ["Ana", "Ben", "Gold"]
    row = next(i for i, c in enumerate(model.candidates) if c.key == (start, end, embargo))
    assert model.candidates[row].gold_id is None
    curating.select_row(row)
    qtbot.keyClick(curating.table, Qt.Key.Key_A)
    assert _spans(seeded, document, gold.id) == sorted([*gold_spans, (start, end, embargo)])
    assert _spans(seeded, document, person.id) == [(start, end, embargo)]
    assert model.candidates[row].gold_id is not None


def _spans(project: Project, document: int, annotator: int) -> list[tuple[int, int, int]]:
    return sorted((a.start, a.end, a.label_id) for a in project.annotations(document, annotator))
