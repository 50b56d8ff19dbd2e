"""The window's menus and keyboard shortcuts (listed for users in gui/shortcuts.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from claimdesk.gui.main_window import MainWindow

Shortcut = QKeySequence | QKeySequence.StandardKey | str


@dataclass(frozen=True)
class WindowActions:
    """Every action of the window's menus, built once by :func:`build` (one field per action).

    The three menus that change after start-up (the recent projects, and the labels and
    classroom menus that an exercise freezes or hides) are kept here as well.
    """

    # File
    new_project: QAction
    open_project: QAction
    open_shared_project: QAction
    import_articles: QAction
    import_folder: QAction
    import_url: QAction
    clean_imports: QAction
    cleanup_rules: QAction
    export_dataset: QAction
    import_annotations: QAction
    quit: QAction
    clear_recent: QAction
    recent_menu: QMenu
    # Edit
    undo: QAction
    redo: QAction
    paste_document: QAction
    delete_annotation: QAction
    edit_note: QAction
    snap_to_words: QAction
    preferences: QAction
    delete_example: QAction
    find_in_project: QAction
    # Labels
    add_label: QAction
    edit_label: QAction
    recolour_label: QAction
    delete_label: QAction
    edit_scheme: QAction
    export_codebook: QAction
    label_concordance: QAction
    labels_menu: QMenu
    # Document
    next_document: QAction
    previous_document: QAction
    mark_done: QAction
    filter_documents: QAction
    # Classroom
    create_exercise: QAction
    collect: QAction
    collect_folder: QAction
    history: QAction
    grades: QAction
    guidelines: QAction
    classroom_menu: QMenu
    # View
    view_menu: QMenu
    show_example: QAction
    show_suggestions: QAction
    zoom_in: QAction
    zoom_out: QAction
    zoom_reset: QAction
    # Review
    curate: QAction
    dashboard: QAction
    suggestion_sources: QAction
    # Help
    shortcuts: QAction
    # Each action's keys, given by set_shortcuts once the window has painted.
    keys: list[tuple[QAction, Shortcut | Sequence[Shortcut]]]


# build()'s actions and their keys, handed to the WindowActions it returns. The keys are set
# after the window's first paint: PySide weighs QKeySequence's and setShortcut's overloads
# against Qt.Key, which builds Qt's namespace (~15 ms, gui/app.py); until the project opens,
# nothing in the window takes a key anyway.
_keys: list[tuple[QAction, Shortcut | Sequence[Shortcut]]] = []


def set_shortcuts(actions: WindowActions) -> None:
    """Give every action its keys (once); several: the first is the one menus show."""
    while actions.keys:
        action, shortcut = actions.keys.pop(0)
        if isinstance(shortcut, Sequence) and not isinstance(shortcut, str):
            action.setShortcuts([QKeySequence(key) for key in shortcut])
        else:
            action.setShortcut(QKeySequence(shortcut))


def _action(
    window: MainWindow,
    text: str,
    slot: Callable[[], object],
    shortcut: Shortcut | Sequence[Shortcut] | None = None,
    tip: str = "",
) -> QAction:
    """An action of the window; several shortcuts: the first is the one menus show."""
    action = QAction(text, window)
    if shortcut is not None:
        _keys.append((action, shortcut))
    if tip:
        action.setStatusTip(tip)
    action.triggered.connect(slot)
    window.addAction(action)
    return action


def _toggle(
    window: MainWindow, text: str, slot: Callable[[bool], object], checked: bool
) -> QAction:
    action = QAction(text, window)
    action.setCheckable(True)
    action.setChecked(checked)
    action.triggered.connect(slot)
    window.addAction(action)
    return action


def _fill(menu: QMenu, actions: Sequence[QAction | None]) -> None:
    for action in actions:
        if action is None:
            menu.addSeparator()
        else:
            menu.addAction(action)


def _export_codebook(window: MainWindow) -> None:
    """Labels › Export codebook…: the project's codebook to a file another project starts from."""
    from claimdesk.core.codebook_export import describe, export_codebook
    from claimdesk.core.errors import ClaimdeskError

    path = window.prompts.codebook_path(f"{window.project.name} codebook.json")
    if path is None:
        return
    try:
        codebook = export_codebook(window.project, path)
    except ClaimdeskError as exc:
        window.prompts.error("Export codebook", str(exc))
        return
    window.statusBar().showMessage(f"{describe(codebook)} written to {path.name}.", 8000)


def _open_scheme(window: MainWindow) -> None:
    from claimdesk.gui.scheme_dialog import open_scheme_dialog  # only when first used

    open_scheme_dialog(window)


def build(window: MainWindow) -> WindowActions:
    """Create the window's actions and menus; the window keeps what this returns."""
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    new_project = _action(window, "&New project…", window.new_project, "Ctrl+Shift+N")
    open_project = _action(
        window, "&Open project…", window.open_project, QKeySequence.StandardKey.Open
    )
    open_shared_project = _action(
        window,
        "Open &shared project…",
        window.open_shared_project,
        "Ctrl+Shift+O",
        "Open a project kept in a PostgreSQL database on a server, to annotate it together",
    )
    import_articles = _action(
        window,
        "&Import articles…",
        window.import_files,
        "Ctrl+I",
        "Import articles: text files, web pages, Word, ODT, RTF, EPUB and PDF documents",
    )
    import_folder = _action(
        window,
        "Import a &folder…",
        window.import_folder,
        "Ctrl+Shift+I",
        "Import every .txt/.md file in a folder",
    )
    import_url = _action(
        window,
        "Import from UR&L…",
        window.import_url,
        None,
        "Fetch a web page and import its article text",
    )
    clean_imports = _toggle(
        window,
        "Clean &web debris on import",
        window.set_clean_imports,
        window.settings.clean_imports,
    )
    cleanup_rules = _action(
        window, "Clean-up r&ules…", window.show_cleanup_rules, None, "What the clean-up removes"
    )
    # Datasets out and in (gui/export_dialog.py, imported when first used).
    export_dataset = _action(
        window,
        "&Export dataset…",
        window.export_dataset,
        "Ctrl+Shift+E",
        "Write annotations as JSONL, CSV, brat, CoNLL, spaCy, Label Studio and more",
    )
    import_annotations = _action(
        window,
        "Import &annotations…",
        window.import_annotations,
        None,
        "Add documents with their annotations from a dataset file",
    )
    quit_ = _action(window, "&Quit", window.close, QKeySequence.StandardKey.Quit)
    _fill(file_menu, [new_project, open_project, open_shared_project])
    # File › Open Recent: the window fills it each time it is shown.
    recent_menu = file_menu.addMenu("Open &Recent")
    recent_menu.aboutToShow.connect(window.fill_recent_menu)
    clear_recent = QAction("&Clear list", window)
    clear_recent.triggered.connect(window.clear_recent)
    _fill(
        file_menu,
        [
            None,
            import_articles,
            import_folder,
            import_url,
            clean_imports,
            cleanup_rules,
            None,
            export_dataset,
            import_annotations,
            None,
            quit_,
        ],
    )

    edit_menu = bar.addMenu("&Edit")
    edit_menu.aboutToShow.connect(window.name_undo_actions)  # "Undo Delete annotation"
    undo = _action(window, "&Undo", window.undo, QKeySequence.StandardKey.Undo)
    redo = _action(window, "&Redo", window.redo, ("Ctrl+Shift+Z", "Ctrl+Y"))
    paste_document = _action(
        window,
        "&Paste as new document",
        window.paste_document,
        "Ctrl+Shift+V",
        "Add the clipboard's text (a copied web page: its article text) as a new document",
    )
    delete_annotation = _action(
        window, "&Delete annotation", window.delete_selected, None, "Delete the selected annotation"
    )
    edit_note = _action(window, "Edit &note…", window.edit_note, "Ctrl+E")
    snap_to_words = _toggle(
        window, "&Snap selections to words", window.set_snap_to_words, window.settings.snap_to_words
    )
    preferences = _action(
        window, "Pre&ferences…", window.show_preferences, "Ctrl+,", "Text size, theme, name…"
    )
    preferences.setMenuRole(QAction.MenuRole.PreferencesRole)
    delete_example = _action(
        window,
        "Delete the &worked example",
        window.delete_example,
        None,
        "Delete the “Example” annotator's claims from this project (Undo brings them back)",
    )
    find_in_project = _action(
        window,
        "F&ind in project…",
        window.find_in_project,
        "Ctrl+Shift+F",
        "Search every document: hits in context, open one with Enter, Mark all under a label",
    )
    _fill(
        edit_menu,
        [
            undo,
            redo,
            None,
            find_in_project,
            paste_document,
            None,
            delete_annotation,
            edit_note,
            delete_example,
            None,
            snap_to_words,
            preferences,
        ],
    )

    labels_menu = bar.addMenu("&Labels")
    add_label = _action(window, "&Add label…", window.add_label, "Ctrl+L")
    edit_label = _action(window, "&Edit label…", lambda: window.tags.edit_current())
    recolour_label = _action(window, "&Colour…", lambda: window.tags.recolour_current())
    delete_label = _action(window, "&Delete label", lambda: window.tags.delete_current())
    edit_scheme = _action(
        window,
        "Attributes, &relations and document labels…",
        lambda: _open_scheme(window),
        tip="Attributes of a label's spans, relation types between spans, document label sets",
    )
    export_codebook = _action(
        window,
        "E&xport codebook…",
        lambda: _export_codebook(window),
        tip="Write the labels, attributes, relation types and document labels to a codebook file",
    )
    label_concordance = _action(
        window,
        "C&oncordance of label…",
        window.show_label_concordance,
        None,
        "Every span of a label in context, flagging text filed elsewhere under another label",
    )
    _fill(
        labels_menu,
        [
            add_label,
            edit_label,
            recolour_label,
            delete_label,
            None,
            edit_scheme,
            label_concordance,
            export_codebook,
        ],
    )

    document_menu = bar.addMenu("&Document")
    next_document = _action(window, "&Next document", window.next_document, "Ctrl+PgDown")
    previous_document = _action(window, "&Previous document", window.previous_document, "Ctrl+PgUp")
    mark_done = _action(window, "Mark &done / not done", window.toggle_done, "Ctrl+D")
    filter_documents = _action(
        window,
        "&Filter documents",
        lambda: window.documents.filter.setFocus(),
        QKeySequence.StandardKey.Find,
    )
    _fill(document_menu, [next_document, previous_document, mark_done, filter_documents])

    classroom_menu = bar.addMenu("&Classroom")
    create_exercise = _action(
        window,
        "&Create exercise…",
        window.create_exercise,
        None,
        "Write an exercise file for students from documents of this project",
    )
    collect = _action(
        window,
        "C&ollect submissions…",
        window.collect_submissions,
        None,
        "Check students' submission files and add their annotations to this project",
    )
    collect_folder = _action(
        window,
        "Collect a &folder of submissions…",
        window.collect_folder,
        None,
        "Collect every submission file in a folder (and its subfolders)",
    )
    grades = _action(
        window, "&Grades…", window.show_grades, None, "Scores of every student against the key"
    )
    history = _action(
        window,
        "Submission &history…",
        window.show_submission_history,
        None,
        "Held conflicts and replaced submissions: accept or restore one",
    )
    guidelines = _action(
        window,
        "Exercise g&uidelines…",
        window.show_exercise_guidelines,
        None,
        "What the teacher asks of the exercises in this project",
    )
    _fill(
        classroom_menu,
        [create_exercise, None, collect, collect_folder, history, None, grades, guidelines],
    )

    view_menu = bar.addMenu("&View")
    zoom_in = _action(window, "Larger text", lambda: window.zoom(1), ("Ctrl++", "Ctrl+="))
    zoom_out = _action(
        window, "Smaller text", lambda: window.zoom(-1), QKeySequence.StandardKey.ZoomOut
    )
    zoom_reset = _action(window, "Normal size", lambda: window.zoom(0), "Ctrl+0")
    # The sample's worked example: another annotator's claims, drawn dashed (core/sample.py).
    show_example = _toggle(
        window, "Show worked &example", window.set_show_example, window.settings.show_example
    )
    show_example.setStatusTip("Show the claims the “Example” annotator marked, dashed")
    # Suggestions: dashed, not annotations until accepted (gui/window_suggestions.py).
    show_suggestions = _toggle(
        window,
        "Show &suggestions",
        lambda checked: window.suggestions.set_shown(checked),
        window.settings.show_suggestions,
    )
    show_suggestions.setStatusTip(
        "Dashed outlines where the codebook, the project or the model suggest a label"
    )
    _fill(view_menu, [show_example, show_suggestions, None, zoom_in, zoom_out, zoom_reset])

    review_menu = bar.addMenu("&Review")
    curate = _action(
        window,
        "&Curate document…",
        lambda: window.curate_document(),
        None,
        "Build the gold set of this document from every annotator's spans",
    )
    dashboard = _action(
        window,
        "&Agreement dashboard…",
        window.open_dashboard,
        None,
        "Label counts, agreement between annotators, per-document agreement, progress",
    )
    suggestion_sources = _action(
        window,
        "Suggestion &sources…",
        lambda: window.suggestions.edit_sources(),
        None,
        "Phrases and patterns that suggest each label (dashed outlines in the article)",
    )
    _fill(review_menu, [curate, dashboard, None, suggestion_sources])

    help_menu = bar.addMenu("&Help")
    shortcuts = _action(window, "&Keyboard shortcuts", window.show_shortcuts, "F1")
    help_menu.addAction(shortcuts)

    return WindowActions(
        new_project=new_project,
        open_project=open_project,
        open_shared_project=open_shared_project,
        import_articles=import_articles,
        import_folder=import_folder,
        import_url=import_url,
        clean_imports=clean_imports,
        cleanup_rules=cleanup_rules,
        export_dataset=export_dataset,
        import_annotations=import_annotations,
        quit=quit_,
        clear_recent=clear_recent,
        recent_menu=recent_menu,
        undo=undo,
        redo=redo,
        paste_document=paste_document,
        delete_annotation=delete_annotation,
        edit_note=edit_note,
        snap_to_words=snap_to_words,
        preferences=preferences,
        delete_example=delete_example,
        find_in_project=find_in_project,
        add_label=add_label,
        edit_label=edit_label,
        recolour_label=recolour_label,
        delete_label=delete_label,
        edit_scheme=edit_scheme,
        export_codebook=export_codebook,
        label_concordance=label_concordance,
        labels_menu=labels_menu,
        next_document=next_document,
        previous_document=previous_document,
        mark_done=mark_done,
        filter_documents=filter_documents,
        create_exercise=create_exercise,
        collect=collect,
        collect_folder=collect_folder,
        history=history,
        grades=grades,
        guidelines=guidelines,
        classroom_menu=classroom_menu,
        view_menu=view_menu,
        show_example=show_example,
        show_suggestions=show_suggestions,
        zoom_in=zoom_in,
        zoom_out=zoom_out,
        zoom_reset=zoom_reset,
        curate=curate,
        dashboard=dashboard,
        suggestion_sources=suggestion_sources,
        shortcuts=shortcuts,
        keys=_take_keys(),
    )


def _take_keys() -> list[tuple[QAction, Shortcut | Sequence[Shortcut]]]:
    keys = list(_keys)
    _keys.clear()
    return keys
