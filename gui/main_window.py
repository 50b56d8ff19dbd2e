"""The main window: document list, article view and tagging panel over one open project."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QTimer, Signal
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from claimdesk.core.errors import EditError, ProjectError, SaveError, ServerUnreachable
from claimdesk.core.text.snapping import snap_to_words
from claimdesk.core.text.spans import Span, SpanIndex
from claimdesk.gui import claim_actions, label_actions, menus, toolbar
from claimdesk.gui.change_signal import ChangeEvent, Shown
from claimdesk.gui.places import Places
from claimdesk.gui.settings import DEFAULT_FONT_SIZE, MAX_FONT_SIZE, MIN_FONT_SIZE, Settings

# The window's frame paints before its panels' modules (and SQLAlchemy, behind core.project)
# are imported: see MainWindow.build_panels. Until then nothing here names Qt's namespace
# (gui/app.py says why).
if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent
    from PySide6.QtWidgets import QDialog

    from claimdesk.core.classroom.exercise import StudentWork
    from claimdesk.core.records import (
        AnnotationRecord,
        AnnotatorRecord,
        Changes,
        LabelRecord,
        Status,
    )
    from claimdesk.core.store.live import RemoteChange
    from claimdesk.core.store.project import Project
    from claimdesk.gui.annotation_list import AnnotationList
    from claimdesk.gui.attribute_bar import AttributeBar
    from claimdesk.gui.curation import CurationView
    from claimdesk.gui.dashboard import Dashboard
    from claimdesk.gui.dialogs import Prompts
    from claimdesk.gui.doc_labels_panel import DocLabelsPanel
    from claimdesk.gui.document_list import DocumentList
    from claimdesk.gui.document_view import DocumentView
    from claimdesk.gui.exercise_window import StudentMode
    from claimdesk.gui.grades_window import GradesWindow
    from claimdesk.gui.live import LiveUpdates
    from claimdesk.gui.preferences import Preferences
    from claimdesk.gui.reconnect import Reconnector
    from claimdesk.gui.search_window import LabelConcordanceWindow, SearchWindow
    from claimdesk.gui.tag_panel import TagPanel
    from claimdesk.gui.teacher_dialogs import SubmissionHistoryDialog
    from claimdesk.gui.window_relations import WindowRelations
    from claimdesk.gui.window_suggestions import WindowSuggestions


EXAMPLE_NOTE = (
    "Worked example: the dashed boxes are claims the “Example” annotator marked; point at one to "
    "see its label. Your own annotations start empty: select text and press a label's key. "
    "View › Show worked example hides it."
)


SAVED = "✓ All changes saved"
VERTICAL = 2  # Qt.Orientation.Vertical, set by its value before the first paint


def _section(title: str) -> QWidget:
    """A panel of the window: its heading now, what it holds once the panels are built."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(4, 4, 4, 4)
    heading = QLabel(title)
    font = heading.font()  # bold: a font, not a style sheet (one per heading, parsed at show)
    font.setBold(True)
    heading.setFont(font)
    layout.addWidget(heading)
    layout.addStretch(1)  # the heading at the top until the panel's widgets fill the room
    return box


def _fill(box: QWidget, *parts: QWidget) -> None:
    layout = box.layout()
    assert layout is not None
    last = layout.itemAt(layout.count() - 1)
    if last is not None and last.spacerItem() is not None:
        layout.takeAt(layout.count() - 1)
    for part in parts:
        layout.addWidget(part)


class MainWindow(QMainWindow):
    """Every piece of the window's state is declared here; other modules only call it.

    Every saved edit is announced once on ``changed`` (a :class:`ChangeEvent`: the core's
    ``Changes`` and the window that made them); each view refreshes itself from it.
    """

    changed = Signal(object)  # ChangeEvent

    def __init__(
        self,
        project: Project | None,
        annotator: AnnotatorRecord | None,
        settings: Settings,
        prompts: Prompts | None = None,
        *,
        panels_later: bool = False,
    ) -> None:
        """``panels_later`` (launch): build only the frame (menus, toolbar, the panels'
        headings, status bar), to be shown at once; the caller then calls ``build_panels``."""
        super().__init__()
        self.settings = settings
        # File dialogs start in the folder last used for their kind of file, else the project's.
        self.places = Places(settings, self._project_file)
        self.current_project: Project | None = None  # None only until the first project opens
        self.current_annotator: AnnotatorRecord | None = None
        self.document_id: int | None = None
        # The document just opened and when (its suggestions start once it is painted).
        self._opened: tuple[int, float] | None = None
        self.labels: dict[int, LabelRecord] = {}
        # The worked example's annotator (core/sample.py) in this project, unless that is the
        # user: its claims are drawn dashed under the user's own (View › Show worked example).
        self.example: AnnotatorRecord | None = None
        self.example_note = QLabel(EXAMPLE_NOTE)
        # Long work under way (import, export, classroom) is held by gui/workers.py until it
        # reports back: workers.running_tasks(window).
        self.student_mode: StudentMode | None = None  # the open project is a student's exercise
        # Review windows, once opened.
        self.curation: CurationView | None = None
        self.dashboard: Dashboard | None = None
        self.grades_window: GradesWindow | None = None
        self.history_dialog: SubmissionHistoryDialog | None = None
        self._search_window: SearchWindow | None = None  # Edit › Find in project…
        self.splitter = QSplitter()  # side by side
        self.right_splitter = QSplitter()
        self.right_splitter.setProperty("orientation", VERTICAL)  # one above the other
        self.who = QLabel()
        self.saved = QLabel()
        # The project's name as last read (the title shows it; switching documents reads none).
        self.project_name = ""
        # What the window is waiting for the server to come back for: an edit reported NOT
        # SAVED, and/or reads that failed (the window then shows what it read last).
        self.unsaved_edit = False
        self.stale_view = False
        self.closed = False  # closed by the user: a project still opening is closed, not shown
        self.panels_built = False
        self._build_layout()
        self.menu_actions: menus.WindowActions = menus.build(self)
        self.toolbar = toolbar.build(self, self.menu_actions, self.name_undo_actions)
        view_menu = self.menu_actions.view_menu
        view_menu.insertAction(view_menu.actions()[0], self.toolbar.toggleViewAction())
        self._build_status_bar()
        self._restore_layout()
        self.setWindowTitle("Claimdesk")
        # Shown at once on launch; the project is opened right after the first paint.
        self.splitter.setEnabled(False)
        self.menuBar().setEnabled(False)
        self.toolbar.setEnabled(False)
        self.saved.setText("Opening…")
        self._prompts = prompts
        if not panels_later:
            self.build_panels()
        if project is not None and annotator is not None:
            self.set_project(project, annotator)

    def build_panels(self, prompts: Prompts | None = None) -> None:
        """The panels' widgets, and what drives them: on launch, once the frame has painted
        (``prompts``: the dialogs' seam, if not given to the constructor)."""
        from PySide6.QtCore import Qt

        from claimdesk.core.records import SchemeRecords
        from claimdesk.gui.annotation_list import AnnotationList
        from claimdesk.gui.attribute_bar import AttributeBar
        from claimdesk.gui.dialogs import Prompts
        from claimdesk.gui.doc_labels_panel import DocLabelsPanel
        from claimdesk.gui.document_list import DocumentList
        from claimdesk.gui.document_view import DocumentView
        from claimdesk.gui.live import LiveUpdates
        from claimdesk.gui.reconnect import Reconnector
        from claimdesk.gui.tag_panel import TagPanel
        from claimdesk.gui.window_relations import WindowRelations
        from claimdesk.gui.window_suggestions import WindowSuggestions

        if self.panels_built:
            return
        menus.set_shortcuts(self.menu_actions)  # and the toolbar's tips name them
        toolbar.show_shortcuts(self.menu_actions)
        # Plain text from here on, before a name or a server's words are shown in them (until
        # now they hold Claimdesk's own).
        for label in (self.example_note, self.who, self.saved):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.prompts: Prompts = prompts or self._prompts or Prompts(self)
        self.prompts.places = self.places
        # Other people's edits on a server project (gui/live.py); a file project has none.
        self.live: LiveUpdates = LiveUpdates(self)
        self.documents: DocumentList = DocumentList()
        self.view: DocumentView = DocumentView()
        self.tags: TagPanel = TagPanel()
        self.annotations: AnnotationList = AnnotationList()
        # Attributes, relation types and document label sets (gui/claim_actions.py).
        self.scheme = SchemeRecords()
        self.attribute_bar: AttributeBar = AttributeBar()
        self.doc_labels: DocLabelsPanel = DocLabelsPanel()
        self.reconnector: Reconnector = Reconnector(self)
        sections = self._sections
        # The document labels sit under the tags (hidden when the codebook has no label sets).
        _fill(sections["labels"], self.tags, self.doc_labels)
        _fill(sections["annotations"], self.annotations)
        _fill(sections["documents"], self.documents)
        _fill(sections["article"], self.example_note, self.view, self.attribute_bar)
        self.statusBar().insertPermanentWidget(0, self.live.note)
        self.fill_recent_menu()
        self._connect()
        # Relations: R, Ctrl+drag, arcs, Delete (gui/window_relations.py, relation_actions.py).
        self.relations: WindowRelations = WindowRelations(self)
        # Suggestions: dashed, accepted or rejected by keys (gui/window_suggestions.py).
        self.suggestions: WindowSuggestions = WindowSuggestions(self)
        self.view.set_font_point_size(self.settings.font_size)
        self.panels_built = True

    @property
    def project(self) -> Project:
        """The open project (every command of the window needs one; see ``current_project``)."""
        if self.current_project is None:
            raise RuntimeError("No project is open yet.")
        return self.current_project

    def _project_file(self) -> Path | None:
        project = self.current_project
        return project.path if project is not None and project.server is None else None

    @property
    def annotator(self) -> AnnotatorRecord:
        """Whose annotations the window shows and files."""
        if self.current_annotator is None:
            raise RuntimeError("No project is open yet.")
        return self.current_annotator

    def set_project(self, project: Project, annotator: AnnotatorRecord) -> None:
        self.close_review_windows()
        self.reconnector.stop()
        self.current_project = project
        self.current_annotator = annotator
        self.document_id = None
        self.documents.select_document(None)
        self.example = _example_of(project, annotator)
        self.splitter.setEnabled(True)
        self.menuBar().setEnabled(True)
        self.toolbar.setEnabled(True)
        server = project.server
        signed_in = f" · signed in as {server.user}" if server is not None and server.user else ""
        self.who.setText(f"Annotator: {annotator.name}{signed_in}")
        self.unsaved_edit = self.stale_view = False
        self._set_saved(True)
        self.project_name = project.name
        self.view.set_document("", [])
        self.annotations.model_.fetch = self._annotation_rows
        self.annotations.model_.set_spans([])
        self.reload_labels()
        self.reload_documents()
        first = self.documents.visible_ids()
        if first:
            self.open_document(first[0])
        self._update_title()
        self._update_undo_actions()
        self._update_example_actions()
        # The reader can start at once from the keyboard: caret at the top of the article.
        self.view.setFocus()
        self.live.start(project)  # a server project: others' edits show up as they are saved

    # -- construction ---------------------------------------------------------------------------

    def _build_layout(self) -> None:
        right = self.right_splitter
        self._sections = {
            "labels": _section("Labels"),
            "annotations": _section("Annotations in this document"),
            "documents": _section("Documents"),
            "article": QWidget(),
        }
        right.addWidget(self._sections["labels"])
        right.addWidget(self._sections["annotations"])
        right.setSizes([420, 260])
        self.splitter.addWidget(self._sections["documents"])
        layout = QVBoxLayout(self._sections["article"])
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.example_note.setWordWrap(True)
        self.example_note.setContentsMargins(6, 3, 6, 3)
        self.example_note.setFrameShape(QLabel.Shape.StyledPanel)
        self.example_note.hide()
        self.splitter.addWidget(self._sections["article"])
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([280, 600, 400])
        self.setCentralWidget(self.splitter)
        self.resize(1280, 800)

    def _build_status_bar(self) -> None:
        self.statusBar().addPermanentWidget(self.who)
        self.statusBar().addPermanentWidget(self.saved)

    def _connect(self) -> None:
        self.documents.documentActivated.connect(self.open_document)
        self.view.labelKeyPressed.connect(self._label_key)
        self.view.spanClicked.connect(self._span_clicked)
        self.view.deleteRequested.connect(self.delete_selected)
        self.annotations.model_.countsChanged.connect(self.tags.model.set_counts)
        self.annotations.model_.release_later = self.view.keep_until_painted
        self.tags.labelChosen.connect(self._label_clicked)
        self.tags.addRequested.connect(self.add_label)
        self.tags.editRequested.connect(self.edit_label)
        self.tags.recolourRequested.connect(self.recolour_label)
        self.tags.deleteRequested.connect(self.delete_label)
        self.annotations.annotationActivated.connect(self._annotation_activated)
        self.annotations.deleteRequested.connect(self.delete_selected)
        self.annotations.model_.noteEdited.connect(self._note_edited)
        # The window first (labels and the document set are read again), then each view.
        self.changed.connect(self._show_saved_change)
        self.reconnector.reconnected.connect(self._reconnected)
        self.changed.connect(self.documents.model.show_changes)
        self.changed.connect(self.view.show_changes)
        self.changed.connect(self.annotations.model_.show_changes)
        self.live.changed.connect(self.show_remote)
        claim_actions.connect(self)

    # -- status ---------------------------------------------------------------------------------

    def _set_saved(self, ok: bool, problem: str = "") -> None:
        from claimdesk.gui.theme import current_theme, theme_colours

        colours = theme_colours(current_theme())  # readable on the light and the dark theme
        saved_style = f"color: {colours['saved']};"
        if ok and self.saved.text() == SAVED and self.saved.styleSheet() == saved_style:
            return  # says so already: a style sheet set again re-polishes the status bar
        self.saved.setToolTip("")
        if ok:
            self.saved.setText(SAVED)
            self.saved.setStyleSheet(saved_style)
        else:
            self.saved.setText("⚠ NOT SAVED")
            self.saved.setStyleSheet(f"color: {colours['not_saved']}; font-weight: bold;")
            self.statusBar().showMessage(problem, 15000)

    def not_saved(self, problem: str) -> None:
        """An edit here or in the curation view could not be committed: say so at once, and on a
        server keep trying the connection in the background."""
        self._set_saved(False, problem)
        if self.project.server is not None:
            self.unsaved_edit = True
            self.reconnector.watch(self.project)  # says so when the server is back

    def server_away(self, error: ServerUnreachable) -> None:
        """A read from the server failed: the window keeps showing what it read last, says the
        server is unreachable, and reads again what it shows once the Reconnector finds it."""
        from claimdesk.gui.theme import current_theme, theme_colours

        self.stale_view = True
        if not self.unsaved_edit:  # NOT SAVED says more: it stays
            colours = theme_colours(current_theme())
            self.saved.setText("⚠ Server unreachable")
            self.saved.setStyleSheet(f"color: {colours['not_saved']}; font-weight: bold;")
        # libpq's last words say it best ("…port 5432 failed: Connection refused"); the whole
        # of it is in the tooltip.
        reason = error.reason.rsplit(": ", 1)[-1]
        self.saved.setToolTip(f"The server cannot be reached: {error.reason}")
        self.statusBar().showMessage(
            f"The server cannot be reached ({reason}): shown as last read, read again once "
            "it is back.",
            15000,
        )
        project = self.current_project
        if project is not None and project.server is not None:
            self.reconnector.watch(project)
        self.live.server_away()

    @contextmanager
    def server_reads(self) -> Iterator[None]:
        """Around a step that reads a server project: if the server cannot be reached, the step
        ends there, calmly (`server_away`), instead of in the unexpected-error dialog. Steps read
        first and change what is shown after, so the view stays as it was."""
        try:
            yield
        except ServerUnreachable as exc:
            self.server_away(exc)

    def _reconnected(self, changes: Changes | None) -> None:
        """The server answers again: edits are saved again; the cut-off one is accounted for;
        what the window shows is read again when a read had failed."""
        unsaved, stale = self.unsaved_edit, self.stale_view
        self.unsaved_edit = self.stale_view = False
        if self.curation is not None:
            self.curation.show_saved(True)
        self.live.server_back()
        if stale:
            self.live.read_everything()  # with the listener's own news, in one refresh
        if changes is not None:
            self.show_changes(changes)
            self._say(
                "Connected to the server again. "
                "The change made as the connection dropped was saved."
            )
            return
        self._set_saved(True)
        if unsaved:
            self._say(
                "Connected to the server again: changes are saved again. "
                "The change reported as not saved was not made; make it again."
            )
        else:
            self._say("Connected to the server again: what is shown is read again.")

    def _say(self, message: str) -> None:
        self.statusBar().showMessage(message, 6000)

    def _update_title(self) -> None:
        title = ""
        if self.document_id is not None:
            row = self.documents.model.row_of(self.document_id)
            if row >= 0:
                title = self.documents.model.summary(row).title + " — "
        project = self.project
        name = self.project_name
        server = project.server
        if server is not None:  # "classlab on db.example.org:5432", the project's own name first
            where = server.display()
            name = where if name == server.database else f"{name} — {where}"
        self.setWindowTitle(f"{title}{name} — Claimdesk")

    def _update_undo_actions(self) -> None:
        # Enabled or not at once (the toolbar shows it). Their names ("Undo Delete annotation")
        # are given where they are read (name_undo_actions): renamed after each edit, Undo and
        # Redo sent Qt's action-changed events to every menu, bar and button showing them,
        # ~0.5 ms of an edit that followed another kind of edit.
        history = self.project.history
        actions = self.menu_actions
        actions.undo.setEnabled(history.undo_text is not None)
        actions.redo.setEnabled(history.redo_text is not None)

    def name_undo_actions(self) -> None:
        """Name Undo and Redo after the edits they take back and make again: as the Edit menu
        opens, and as a toolbar button's tip is about to show."""
        project = self.current_project
        if project is None:
            return
        undo, redo = project.history.undo_text, project.history.redo_text
        actions = self.menu_actions
        actions.undo.setText(f"&Undo {undo}" if undo else "&Undo")
        actions.redo.setText(f"&Redo {redo}" if redo else "&Redo")

    # -- loading --------------------------------------------------------------------------------

    def reload_labels(self) -> None:
        labels = self.project.labels()
        self.labels = {label.id: label for label in labels}
        self.tags.model.set_labels(labels)
        self.annotations.model_.set_labels(labels)
        self.view.set_label_colours({label.id: label.colour for label in labels})
        self.reload_scheme()

    def reload_scheme(self) -> None:
        """Attributes, relation types and document label sets, to every view that shows them."""
        self.scheme = claim_actions.show_scheme(self, self.project.scheme())

    def reload_documents(self) -> None:
        annotator_id = self.annotator.id
        rows = self.project.overview(annotator_id)
        self.documents.model.set_rows(rows, annotator_id, self.team_counts())
        if self.document_id is not None:
            self.documents.select_document(self.document_id)

    def team_counts(self) -> dict[int, int] | None:
        """Everyone's claims per document on a server project (None for a file)."""
        project = self.project
        return project.annotation_counts() if project.server is not None else None

    def open_document(self, document_id: int, *, again: bool = False) -> bool:
        """Show a document (``again``: read the open one again); False when the server could
        not be reached (the document shown before stays, and the list points at it)."""
        if document_id == self.document_id and not again:
            return True
        shown = Shown(document_id, self.annotator.id)
        from claimdesk.gui.workers import freeze_open_article, resume_collection, thaw

        thaw()  # the article open until now may be collected once it goes
        if gc.isenabled():
            # What an open makes is freed by reference counting (plain rows, no cycles); the
            # cycle collector, walking the young objects again and again as 100,000 rows come
            # in, took ~40 ms of it. It resumes once the article is painted.
            gc.disable()
            self.view.after_paint(resume_collection)
        # Painted, the open article is left out of full collections (see freeze_open_article).
        self.view.after_paint(freeze_open_article)
        with self.server_reads():  # everything is read before anything shown changes
            text = self.project.document_text(document_id)
            # Indexed once, for the article and (copied) for the list: the same order.
            spans = SpanIndex(self.project.span_rows(document_id, self.annotator.id))
            example = self._example_records(document_id)
            details = claim_actions.read_details(self, document_id)
            self.document_id = document_id
            self.view.set_document(text, spans, shown)
            # Worked out off the GUI thread, started once the article is painted: a worker
            # running Python meanwhile would take the interpreter's lock from the open.
            self._opened = (document_id, time.perf_counter())
            self.view.after_paint(self._suggest_for_opened)
            self.view.set_relations(details.relations, self.scheme.relation_types)
            self.annotations.model_.set_spans(spans, shown)  # the label counts follow
            claim_actions.show_details(self, details)
            self._draw_example(example)
            self.documents.select_document(document_id)
            self._update_title()
            self._update_undo_actions()
            return True
        self.documents.select_document(self.document_id)
        return False

    def _suggest_for_opened(self) -> None:
        opened, self._opened = self._opened, None
        if opened is not None and opened[0] == self.document_id and not self.closed:
            self.suggestions.document_opened(*opened)

    def _annotation_rows(self, annotation_ids: Sequence[int]) -> dict[int, AnnotationRecord]:
        """A page of the annotation list (fetched as it is painted): while the server cannot be
        reached the rows show their label and a "…" for now, and are fetched again later."""
        try:
            return self.project.annotations_by_id(annotation_ids)
        except ServerUnreachable as exc:
            # Said once painting is over: the status bar is not changed from inside a paint.
            QTimer.singleShot(0, self, lambda error=exc: self.server_away(error))
            return {}

    def reload_document(self) -> None:
        """Read the open document's spans again (changed elsewhere), scrolled where it was."""
        document_id = self.document_id
        if document_id is None:
            return
        scrolled = self.view.verticalScrollBar().value()
        selection = self.view.text_selection()
        if self.open_document(document_id, again=True):
            self.view.verticalScrollBar().setValue(scrolled)
            if selection is not None:
                self.view.set_text_selection(*selection)

    def refresh_title(self) -> None:
        self.project_name = self.project.name
        self._update_title()

    # -- applying changes -----------------------------------------------------------------------

    def edit(self, run: Callable[[], Changes | None]) -> Changes | None:
        """Run one core edit; show its effect only once it is committed."""
        try:
            changes = run()
        except SaveError as exc:
            self.not_saved(str(exc))
            return None
        except EditError as exc:
            self._say(str(exc))
            return None
        self.show_changes(changes)
        return changes

    def show_changes(self, changes: Changes | None, source: object | None = None) -> None:
        """Announce a saved change on ``changed``; ``source`` is who made it (default: here)."""
        if changes is None:
            return
        origin = self if source is None else source
        self.changed.emit(ChangeEvent(changes, origin))
        touched = changes.touched_documents
        if origin is self and self.document_id not in touched and len(touched) == 1:
            # An undo in another document: go there, so the user sees what changed.
            self.open_document(next(iter(touched)))

    def _show_saved_change(self, event: ChangeEvent) -> None:
        from claimdesk.gui.workers import reader_edited

        reader_edited()  # the cycle collector's full pass waits for a pause in the edits
        changes = event.changes
        if changes.documents:
            self.reload_documents()
        if changes.labels:
            self.reload_labels()
        elif changes.scheme:
            self.reload_scheme()
        example = self.example
        records = changes.annotations_added + changes.annotations_removed
        records += changes.annotations_updated
        if example is not None and (
            changes.labels or any(r.annotator_id == example.id for r in records)
        ):
            self._show_example()
            self._update_example_actions()
        self._set_saved(True)
        self._update_undo_actions()

    # -- annotating -----------------------------------------------------------------------------

    def _label_key(self, key: str) -> None:
        if claim_actions.claim_key(self, key):  # A: attributes, D: document labels
            return
        for label in self.labels.values():
            if label.shortcut and label.shortcut == key.lower():
                self.apply_label(label.id)
                return
        if key.strip():
            self._say(
                f"No label has the key {key!r}. Labels and their keys are listed on the right."
            )

    def _label_clicked(self, label_id: int) -> None:
        # Only with text selected: a click that merely picks a label to edit it must not
        # move the selected highlight (its key does that, deliberately).
        if self.view.text_selection() is not None:
            self.apply_label(label_id)

    def apply_label(self, label_id: int) -> None:
        """File the selected text under a label, or move the selected highlight to it."""
        if self.document_id is None:
            return
        selection = self.view.text_selection()
        if selection is None:
            span_id = self.view.selected_span_id
            if span_id is not None:
                label_actions.relabel(self, span_id, label_id)
                self._show_label_of(span_id)
                self.view.setFocus()
            else:
                self._say("Select some text first, then press the label's key.")
            return
        start, end = selection
        if self.menu_actions.snap_to_words.isChecked():
            start, end = snap_to_words(self.view.document_text(), start, end)
        document_id = self.document_id
        changes = self.edit(
            lambda: self.project.add_annotation(
                document_id, label_id, self.annotator.id, start, end
            )
        )
        if changes and changes.annotations_added:
            new_id = changes.annotations_added[0].id
            self.view.set_text_selection(end, end)
            self.select_annotation(new_id, scroll=False)
        self.view.setFocus()

    def select_annotation(self, annotation_id: int | None, *, scroll: bool = True) -> None:
        """Select one annotation everywhere: its highlight, its row and its label."""
        self.view.select_span(annotation_id, scroll=scroll)
        self.annotations.select_annotation(annotation_id)
        self._show_label_of(annotation_id)

    def _show_label_of(self, annotation_id: int | None) -> None:
        """The tagging panel's current row follows the selected highlight (relabelling nothing)."""
        if annotation_id is not None:
            row = self.annotations.model_.row_of(annotation_id)
            if row >= 0:
                self.tags.set_current(self.annotations.model_.label_of(row))

    def _span_clicked(self, annotation_id: int) -> None:
        selected = annotation_id if annotation_id >= 0 else None
        self.annotations.select_annotation(selected)
        self._show_label_of(selected)

    def _annotation_activated(self, annotation_id: int) -> None:
        self.view.select_span(annotation_id, scroll=True)
        self._show_label_of(annotation_id)

    def _selected_annotation(self) -> int | None:
        span_id = self.view.selected_span_id
        if span_id is not None:
            return span_id
        index = self.annotations.currentIndex()
        return self.annotations.model_.id_at(index.row()) if index.isValid() else None

    def delete_selected(self) -> None:
        annotation_id = self._selected_annotation()
        if annotation_id is None:
            self._say("Click a highlight first to select it.")
            return
        row = self.annotations.model_.row_of(annotation_id)
        next_row = row if row + 1 < self.annotations.model_.rowCount() else row - 1
        if self.edit(lambda: self.project.delete_annotations([annotation_id])):
            if 0 <= next_row < self.annotations.model_.rowCount():
                self.annotations.select_annotation(self.annotations.model_.id_at(next_row))
            self.view.select_span(None)
            self.view.setFocus()

    def edit_note(self) -> None:
        annotation_id = self._selected_annotation()
        if annotation_id is None:
            self._say("Click a highlight first, then add a note to it.")
            return
        record = None
        with self.server_reads():
            record = self.project.annotation(annotation_id)
        if record is None:  # the server could not be reached (the status bar says so)
            return
        note = self.prompts.note(record.quote, record.note)
        if note is not None and note != record.note:
            self.edit(lambda: self.project.set_note(annotation_id, note))

    def _note_edited(self, annotation_id: int, note: str) -> None:
        self.edit(lambda: self.project.set_note(annotation_id, note))

    def undo(self) -> None:
        self.edit(self.project.undo)

    def redo(self) -> None:
        self.edit(self.project.redo)

    # -- documents ------------------------------------------------------------------------------

    def _step(self, offset: int) -> None:
        ids = self.documents.visible_ids()
        if not ids:
            return
        index = ids.index(self.document_id) + offset if self.document_id in ids else 0
        if 0 <= index < len(ids):
            self.open_document(ids[index])
            self.view.setFocus()
        else:
            self._say("This is the last document." if offset > 0 else "This is the first document.")

    def next_document(self) -> None:
        self._step(1)

    def previous_document(self) -> None:
        self._step(-1)

    def toggle_done(self) -> None:
        from claimdesk.core.records import Status

        if self.document_id is None:
            return
        document_id, annotator_id = self.document_id, self.annotator.id
        chosen: list[Status] = []

        def toggle() -> Changes:
            # Read as part of the edit: a server that cannot be reached says NOT SAVED.
            current = self.project.status(document_id, annotator_id)
            chosen.append(Status.IN_PROGRESS if current is Status.DONE else Status.DONE)
            return self.project.set_status(document_id, annotator_id, chosen[-1])

        if self.edit(toggle):
            self._say(f"Marked {chosen[-1].display_name.lower()}.")

    # -- labels (gui/label_actions.py) -----------------------------------------------------------

    def add_label(self) -> None:
        label_actions.add_label(self)

    def edit_label(self, label_id: int) -> None:
        label_actions.edit_label(self, label_id)

    def recolour_label(self, label_id: int) -> None:
        label_actions.recolour_label(self, label_id)

    def delete_label(self, label_id: int) -> None:
        label_actions.delete_label(self, label_id)

    # -- the worked example (core/sample.py) -----------------------------------------------------

    def _show_example(self) -> None:
        """Draw the worked example's claims on the open document, when shown and present."""
        with self.server_reads():
            self._draw_example(self._example_records(self.document_id))

    def _example_records(self, document_id: int | None) -> list[AnnotationRecord] | None:
        """The worked example's claims in a document; None when none are to be drawn."""
        example = self.example
        if example is None or not self.menu_actions.show_example.isChecked():
            return None
        if document_id is None:
            return None
        return self.project.annotations(document_id, example.id)

    def _draw_example(self, records: list[AnnotationRecord] | None) -> None:
        example = self.example
        if example is None or records is None:
            self.view.set_example_spans([])
            self.example_note.hide()
            return
        tips = {}
        for record in records:
            label = self.labels.get(record.label_id)
            quote = " ".join(record.quote.split())
            quote = quote if len(quote) <= 80 else quote[:79] + "…"
            tip = f"{example.name}: {label.name if label else '?'} “{quote}”"
            tips[record.id] = f"{tip}\nNote: {record.note}" if record.note else tip
        spans = [Span(r.id, r.start, r.end, r.label_id) for r in records]
        self.view.set_example_spans(spans, tips)
        self.example_note.setVisible(bool(records))

    def _example_claims(self) -> list[int]:
        """Ids of every claim of the worked example, in every document."""
        example = self.example
        if example is None:
            return []
        project = self.project
        documents = [row.id for row in project.overview(example.id) if row.annotation_count]
        return [a.id for d in documents for a in project.annotations(d, example.id)]

    def _update_example_actions(self) -> None:
        actions = self.menu_actions
        actions.show_example.setEnabled(self.example is not None)
        with self.server_reads():
            actions.delete_example.setEnabled(bool(self._example_claims()))

    def set_show_example(self, checked: bool) -> None:
        self.settings.show_example = checked
        self._show_example()

    def delete_example(self) -> None:
        """Delete the worked example's claims in one edit (Undo brings them back)."""
        claims: list[int] | None = None
        with self.server_reads():
            claims = self._example_claims()
        if claims is None:
            return
        if not claims:
            self._say("This project has no worked example.")
            return
        if self.edit(lambda: self.project.delete_annotations(claims)):
            self._say(f"Deleted the worked example ({len(claims)} claims). Undo brings it back.")

    # -- view -----------------------------------------------------------------------------------

    def zoom(self, step: int) -> None:
        size = DEFAULT_FONT_SIZE if step == 0 else self.settings.font_size + step
        size = min(max(size, MIN_FONT_SIZE), MAX_FONT_SIZE)
        self.settings.font_size = size
        self.view.set_font_point_size(size)

    def set_snap_to_words(self, checked: bool) -> None:
        self.settings.snap_to_words = checked

    def set_clean_imports(self, checked: bool) -> None:
        self.settings.clean_imports = checked

    def show_cleanup_rules(self) -> None:
        from claimdesk.gui.shortcuts import CleanupRulesDialog

        CleanupRulesDialog(self).exec()

    def show_shortcuts(self) -> None:
        from claimdesk.gui.shortcuts import ShortcutsDialog

        ShortcutsDialog(self).exec()

    # -- projects and import (gui/project_actions.py) -------------------------------------------

    def import_files(self) -> None:
        from claimdesk.gui.project_actions import run_import

        paths = self.prompts.import_paths()
        if paths:
            run_import(self, paths)

    def import_folder(self) -> None:
        from claimdesk.gui.project_actions import run_import

        folder = self.prompts.import_folder()
        if folder:
            run_import(self, [folder])

    def import_url(self) -> None:
        from claimdesk.gui.project_actions import run_url_import

        address = self.prompts.web_address()
        if address:
            run_url_import(self, address)

    def paste_document(self) -> None:
        from claimdesk.gui.project_actions import run_paste

        run_paste(self)

    def export_dataset(self) -> None:
        from claimdesk.gui.export_dialog import export_dataset

        export_dataset(self)

    def import_annotations(self) -> None:
        from claimdesk.gui.export_dialog import import_annotations

        import_annotations(self)

    def new_project(self) -> None:
        from claimdesk.gui.project_actions import new_project

        new_project(self)

    def open_project(self, path: Path | None = None) -> None:
        from claimdesk.gui.project_actions import open_project

        path = path or self.prompts.open_project()
        if path is None:
            return
        from claimdesk.gui.launch import is_project, open_path

        if not is_project(path):  # an exercise or a submission: gui/launch.py routes it
            open_path(self, path)
            return
        open_project(self, path)
        from claimdesk.gui.exercise_window import attach_if_workspace

        attach_if_workspace(self)

    def start_student_mode(self, work: StudentWork) -> StudentMode:
        """Show the open project as the student's exercise (banner, Submit, frozen codebook)."""
        from claimdesk.gui.exercise_window import StudentMode

        mode = StudentMode(self, work)
        mode.ended.connect(self._student_mode_ended)
        self.student_mode = mode
        return mode

    def _student_mode_ended(self, mode: object) -> None:
        if self.student_mode is mode:
            self.student_mode = None

    # -- classroom exercises (gui/teacher_actions.py, gui/exercise_window.py) -------------------

    def create_exercise(self) -> None:
        from claimdesk.gui.teacher_actions import create_exercise

        create_exercise(self)

    def collect_submissions(self) -> None:
        from claimdesk.gui.teacher_actions import collect_submissions

        collect_submissions(self)

    def collect_folder(self) -> None:
        from claimdesk.gui.teacher_actions import collect_folder

        collect_folder(self)

    def show_exercise_guidelines(self) -> QDialog | None:
        """The guidelines of the project's exercises (a shared project's students read them
        here; a workspace's banner has its own button)."""
        from PySide6.QtCore import Qt

        from claimdesk.core.classroom.exercise import guidelines_text
        from claimdesk.gui.dialogs import TextDialog

        try:
            text = guidelines_text(self.project)
        except ProjectError as exc:
            self.prompts.error("Guidelines not shown", str(exc))
            return None
        if text is None:
            self.prompts.error("No exercises", "This project has no exercises.")
            return None
        dialog = TextDialog("Exercise guidelines", text, self, size=(560, 420))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def show_grades(self) -> None:
        from claimdesk.gui.teacher_actions import show_grades

        grades = show_grades(self)
        if grades is not None:
            self.grades_window = grades

    def show_submission_history(self) -> None:
        from claimdesk.gui.teacher_actions import show_history

        self.history_dialog = show_history(self)

    def switch_project(self, project: Project, annotator: AnnotatorRecord | None = None) -> None:
        """Show ``project`` instead of the open one; ``annotator``: who signed in to a server
        project (a file project files the user's annotations under their name)."""
        self.live.stop()
        if self.current_project is not None:
            self.current_project.close()
        self.settings.last_project = project.location  # a server's address has no password
        if annotator is None:
            current = self.current_annotator
            name = current.name if current is not None else self.settings.annotator_name
            annotator = project.ensure_annotator(name)
        self.set_project(project, annotator)

    def open_shared_project(self) -> None:
        """File › Open shared project…: a project in a PostgreSQL database on a server."""
        from claimdesk.gui.server_open import ask_and_open

        ask_and_open(self)

    def show_remote(self, batch: list[RemoteChange]) -> None:
        """Other people's edits on the server project: read again what they touched, keeping
        the user's selection and scroll (gui/live.py gathers them)."""
        from claimdesk.gui.live_refresh import show_remote

        with self.server_reads():  # gone again meanwhile: what is shown stays
            show_remote(self, batch)

    # -- preferences and recent projects (gui/preferences.py, gui/theme.py) ---------------------

    def show_preferences(self) -> None:
        from claimdesk.gui import preferences

        chosen = preferences.ask_preferences(self.settings, self)
        if chosen is not None:
            self.apply_preferences(chosen)

    def apply_preferences(self, chosen: Preferences) -> None:
        from PySide6.QtWidgets import QApplication

        from claimdesk.gui.preferences import store_preferences
        from claimdesk.gui.theme import apply_theme

        renamed = chosen.annotator_name != self.settings.annotator_name
        store_preferences(self.settings, chosen)
        apply_theme(QApplication.instance(), chosen.theme)  # type: ignore[arg-type]
        self.view.set_font_point_size(chosen.font_size)
        self.menu_actions.snap_to_words.setChecked(chosen.snap_to_words)
        self.fill_recent_menu()
        project = self.current_project
        if renamed and project is not None and project.server is None:
            # From now on the window shows and files annotations under the new name.
            document_id = self.document_id
            self.set_project(project, project.ensure_annotator(chosen.annotator_name))
            if document_id is not None:
                self.open_document(document_id)
        elif project is not None:
            self._set_saved(True)

    def fill_recent_menu(self) -> None:
        from claimdesk.gui.launch import is_server_address, server_entry

        menu = self.menu_actions.recent_menu
        menu.clear()
        project = self.current_project
        current = project.location if project is not None else ""
        recent = [path for path in self.settings.recent_projects if path != current]
        for number, path in enumerate(recent[:9], start=1):
            if is_server_address(path):  # "classlab on db:5432 — ana": keyring's password, or asked
                action = menu.addAction(f"&{number} {server_entry(path)}")
                action.triggered.connect(lambda _=False, url=path: self.open_recent_server(url))
            else:
                action = menu.addAction(f"&{number} {Path(path).name}")
                action.setEnabled(Path(path).is_file())
                action.triggered.connect(lambda _=False, p=path: self.open_project(Path(p)))
            action.setStatusTip(path)
            action.setToolTip(path)
        if not recent:
            menu.addAction("(no recent projects)").setEnabled(False)
        menu.addSeparator()
        menu.addAction(self.menu_actions.clear_recent)
        self.menu_actions.clear_recent.setEnabled(bool(recent))

    def open_recent_server(self, url: str) -> None:
        from claimdesk.gui.server_open import open_recent

        open_recent(self, url)

    def clear_recent(self) -> None:
        self.settings.clear_recent()
        if self.current_project is not None:
            self.settings.add_recent(self.current_project.location)
        self.fill_recent_menu()

    # -- review: curation and the agreement dashboard (gui/curation.py, gui/dashboard.py) --------

    def curate_document(self, document_id: int | None = None) -> CurationView | None:
        """Open (or bring forward) the curation view of a document, by default the open one."""
        from claimdesk.gui.curation import CurationView

        document_id = self.document_id if document_id is None else document_id
        if document_id is None:
            self._say("Open a document first, then curate it.")
            return None
        view = self.curation
        if view is None or view.document_id != document_id:
            try:  # read before anything changes: the view open before stays when it fails
                new = CurationView(self.project, document_id, self)
            except ServerUnreachable as exc:
                self.server_away(exc)
                return None
            if view is not None:
                self._forget_curation(view)
            view = new
            view.changed.connect(self._curation_changed)
            view.serverAway.connect(self.server_away)
            view.saveFailed.connect(self.not_saved)
            self.changed.connect(view.show_changes)
            self.curation = view
        elif not view.isVisible():
            view.refresh()  # closed views skip the edits made meanwhile
        view.show()
        view.raise_()
        view.activateWindow()
        view.table.setFocus()
        return view

    def _curation_changed(self, changes: Changes) -> None:
        """An edit saved in the curation view: announce it as the curation view's own."""
        self.show_changes(changes, source=self.curation)

    def _forget_curation(self, view: CurationView) -> None:
        self.changed.disconnect(view.show_changes)
        view.changed.disconnect(self._curation_changed)
        view.saveFailed.disconnect(self.not_saved)
        view.serverAway.disconnect(self.server_away)
        view.close()

    def open_dashboard(self) -> Dashboard | None:
        from claimdesk.gui.dashboard import Dashboard  # pyqtgraph loads here, never at start-up

        view = self.dashboard
        if view is None:
            try:
                view = Dashboard(self.project, self, self.places)
            except ServerUnreachable as exc:
                self.server_away(exc)
                return None
            view.serverAway.connect(self.server_away)
            view.curateRequested.connect(self._curate_span)
            self.changed.connect(view.changes_elsewhere)
            self.dashboard = view
        else:
            view.refresh()
        view.show()
        view.raise_()
        return view

    def find_in_project(self) -> SearchWindow:
        """Edit › Find in project… (one window, brought back with the last search)."""
        from claimdesk.gui.search_window import SearchWindow

        if self._search_window is None:
            self._search_window = SearchWindow(self)
        self._search_window.fill_labels()
        self._search_window.show()
        self._search_window.raise_()
        self._search_window.activateWindow()
        self._search_window.field.setFocus()
        self._search_window.field.selectAll()
        return self._search_window

    def show_label_concordance(self, label_id: int | None = None) -> LabelConcordanceWindow:
        from PySide6.QtCore import Qt

        from claimdesk.gui.search_window import LabelConcordanceWindow

        chosen = label_id if isinstance(label_id, int) else self.tags.current_label_id()
        view = LabelConcordanceWindow(self, chosen)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.show()
        return view

    def _curate_span(self, document_id: int, start: int, end: int, label_id: int) -> None:
        view = self.curate_document(document_id)
        if view is not None:
            view.select_span(start, end, label_id) or view.select_span(start, end)

    def close_review_windows(self) -> None:
        if self.curation is not None:
            self._forget_curation(self.curation)
            self.curation = None
        if self.dashboard is not None:
            self.changed.disconnect(self.dashboard.changes_elsewhere)
            self.dashboard.close()
            self.dashboard = None
        if self._search_window is not None:  # its hits belong to the project closed
            self._search_window.close()
            self._search_window.deleteLater()
            self._search_window = None

    # -- layout memory --------------------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self.settings.state("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.state("toolbars")  # the toolbar's place, and whether it is shown
        if state is not None:
            self.restoreState(state)
        for key, splitter in (("splitter", self.splitter), ("right_splitter", self.right_splitter)):
            state = self.settings.state(key)
            if state is not None:
                splitter.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.set_state("geometry", QByteArray(self.saveGeometry()))
        self.settings.set_state("toolbars", self.saveState())
        self.settings.set_state("splitter", self.splitter.saveState())
        self.settings.set_state("right_splitter", self.right_splitter.saveState())
        self.settings.sync()
        self.closed = True
        if self.panels_built:  # closed before they were built: nothing of theirs runs yet
            self.reconnector.stop()
            self.live.stop()
        if self.current_project is not None:
            self.current_project.close()
        from claimdesk.gui.workers import thaw

        thaw()  # what the open article left out of full collections is collectable again
        super().closeEvent(event)


def _example_of(project: Project, annotator: AnnotatorRecord) -> AnnotatorRecord | None:
    """The worked example's annotator in this project, unless the user goes by that name."""
    from claimdesk.core.sample import EXAMPLE_ANNOTATOR  # SQLAlchemy is loaded by now

    for person in project.annotators():
        if person.name == EXAMPLE_ANNOTATOR and not person.is_gold and person.id != annotator.id:
            return person
    return None
