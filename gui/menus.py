"""The window's menus and keyboard shortcuts (listed for users in gui/shortcuts.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from claimdesk.gui.main_window import MainWindow


def _action(
    window: MainWindow,
    text: str,
    slot: Callable[..., Any],
    shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    tip: str = "",
) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
    action.triggered.connect(slot)
    window.addAction(action)
    return action


def build_menus(window: MainWindow) -> None:
    """Create the window's actions (kept as attributes for tests and toolbars) and menus."""
    menu = window.menuBar()
    file_menu = menu.addMenu("&File")
    window.new_action = _action(window, "&New project…", window.new_project, "Ctrl+Shift+N")
    window.open_action = _action(
        window, "&Open project…", window.open_project, QKeySequence.StandardKey.Open
    )
    window.import_action = _action(
        window, "&Import articles…", window.import_files, "Ctrl+I", "Import .txt or .md files"
    )
    window.import_folder_action = _action(
        window,
        "Import a &folder…",
        window.import_folder,
        "Ctrl+Shift+I",
        "Import every .txt/.md file in a folder",
    )
    window.clean_action = _action(window, "Clean &web debris on import", window._toggle_clean)
    window.clean_action.setCheckable(True)
    window.clean_action.setChecked(window.settings.clean_imports)
    window.rules_action = _action(
        window, "Clean-up r&ules…", window.show_cleanup_rules, None, "What the clean-up removes"
    )
    window.quit_action = _action(window, "&Quit", window.close, QKeySequence.StandardKey.Quit)
    for action in (
        window.new_action,
        window.open_action,
        "recent",
        None,
        window.import_action,
        window.import_folder_action,
        window.clean_action,
        window.rules_action,
        None,
        window.quit_action,
    ):
        if action == "recent":  # File › Open Recent (gui/main_window.py fills it)
            window.recent_menu = file_menu.addMenu("Open &Recent")
            window.recent_menu.aboutToShow.connect(window.fill_recent_menu)
            window.fill_recent_menu()
        elif isinstance(action, QAction):
            file_menu.addAction(action)
        else:
            file_menu.addSeparator()
    # Datasets out and in (gui/export_dialog.py, imported when first used).
    window._dataset_task = None  # the running export or import, kept until it reports back

    def datasets(name: str) -> Callable[[], None]:
        def run() -> None:
            from claimdesk.gui import export_dialog

            getattr(export_dialog, name)(window)

        return run

    window.export_dataset_action = _action(
        window,
        "&Export dataset…",
        datasets("export_dataset"),
        "Ctrl+Shift+E",
        "Write annotations as JSONL, CSV, brat, CoNLL, spaCy, Label Studio and more",
    )
    window.import_annotations_action = _action(
        window,
        "Import &annotations…",
        datasets("import_annotations"),
        None,
        "Add documents with their annotations from a dataset file",
    )
    file_menu.insertAction(window.quit_action, window.export_dataset_action)
    file_menu.insertAction(window.quit_action, window.import_annotations_action)
    file_menu.insertSeparator(window.quit_action)

    edit_menu = menu.addMenu("&Edit")
    window.undo_action = _action(window, "&Undo", window.undo, QKeySequence.StandardKey.Undo)
    window.redo_action = _action(window, "&Redo", window.redo, "Ctrl+Shift+Z")
    window.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    window.delete_action = _action(
        window, "&Delete annotation", window.delete_selected, None, "Delete the selected annotation"
    )
    window.note_action = _action(window, "Edit &note…", window.edit_note, "Ctrl+E")
    window.snap_action = _action(window, "&Snap selections to words", window._toggle_snap)
    window.snap_action.setCheckable(True)
    window.snap_action.setChecked(window.settings.snap_to_words)
    window.preferences_action = _action(
        window, "Pre&ferences…", window.show_preferences, "Ctrl+,", "Text size, theme, name…"
    )
    window.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
    for action in (
        window.undo_action,
        window.redo_action,
        None,
        window.delete_action,
        window.note_action,
        None,
        window.snap_action,
        window.preferences_action,
    ):
        edit_menu.addSeparator() if action is None else edit_menu.addAction(action)

    labels_menu = window.labels_menu = menu.addMenu("&Labels")
    window.add_label_action = _action(window, "&Add label…", window.add_label, "Ctrl+L")
    labels_menu.addAction(window.add_label_action)
    labels_menu.addAction(_action(window, "&Edit label…", window.tags._edit))
    labels_menu.addAction(_action(window, "&Colour…", window.tags._recolour))
    labels_menu.addAction(_action(window, "&Delete label", window.tags._delete))

    document_menu = menu.addMenu("&Document")
    window.next_action = _action(window, "&Next document", window.next_document, "Ctrl+PgDown")
    window.prev_action = _action(
        window, "&Previous document", window.previous_document, "Ctrl+PgUp"
    )
    window.done_action = _action(window, "Mark &done / not done", window.toggle_done, "Ctrl+D")
    window.filter_action = _action(
        window,
        "&Filter documents",
        lambda: window.documents.filter.setFocus(),
        QKeySequence.StandardKey.Find,
    )
    for action in (
        window.next_action,
        window.prev_action,
        window.done_action,
        window.filter_action,
    ):
        document_menu.addAction(action)

    classroom_menu = window.classroom_menu = menu.addMenu("&Classroom")
    window.create_exercise_action = _action(
        window,
        "&Create exercise…",
        window.create_exercise,
        None,
        "Write an exercise file for students from documents of this project",
    )
    window.collect_action = _action(
        window,
        "C&ollect submissions…",
        window.collect_submissions,
        None,
        "Check students' submission files and add their annotations to this project",
    )
    window.collect_folder_action = _action(
        window,
        "Collect a &folder of submissions…",
        window.collect_folder,
        None,
        "Collect every submission file in a folder (and its subfolders)",
    )
    window.grades_action = _action(
        window, "&Grades…", window.show_grades, None, "Scores of every student against the key"
    )
    window.history_action = _action(
        window,
        "Submission &history…",
        window.show_submission_history,
        None,
        "Held conflicts and replaced submissions: accept or restore one",
    )
    for action in (
        window.create_exercise_action,
        None,
        window.collect_action,
        window.collect_folder_action,
        window.history_action,
        None,
        window.grades_action,
    ):
        classroom_menu.addSeparator() if action is None else classroom_menu.addAction(action)

    view_menu = menu.addMenu("&View")
    window.zoom_in_action = _action(
        window, "Larger text", lambda: window.zoom(1), QKeySequence.StandardKey.ZoomIn
    )
    window.zoom_in_action.setShortcuts([QKeySequence("Ctrl++"), QKeySequence("Ctrl+=")])
    window.zoom_out_action = _action(
        window, "Smaller text", lambda: window.zoom(-1), QKeySequence.StandardKey.ZoomOut
    )
    window.zoom_reset_action = _action(window, "Normal size", lambda: window.zoom(0), "Ctrl+0")
    for action in (window.zoom_in_action, window.zoom_out_action, window.zoom_reset_action):
        view_menu.addAction(action)

    review_menu = menu.addMenu("&Review")
    window.curate_action = _action(
        window,
        "&Curate document…",
        lambda: window.curate_document(),
        None,
        "Build the gold set of this document from every annotator's spans",
    )
    window.dashboard_action = _action(
        window,
        "&Agreement dashboard…",
        window.open_dashboard,
        None,
        "Label counts, agreement between annotators, per-document agreement, progress",
    )
    review_menu.addAction(window.curate_action)
    review_menu.addAction(window.dashboard_action)

    help_menu = menu.addMenu("&Help")
    help_menu.addAction(_action(window, "&Keyboard shortcuts", window.show_shortcuts, "F1"))
