"""The main window's suggestions: worked out in a process of their own when a document opens or
once the reader pauses after an edit, drawn dashed by the article view, accepted or rejected by
keys through the project's recorded, undoable edits, and the model retrained in another process
once the reader stops filing (`claimdesk.core.suggest_worker`: the window's interpreter is never
shared with that work, so a key pressed meanwhile is not slowed down).

Keys in the article, while it shows suggestions: N / Shift+N select the next / previous one
(unless a label has the key N: the codebook's choice wins, as for A and D); with one selected,
Enter accepts it, a label's key files it under that label, X or Delete rejects it, Esc lets go of
it; Shift+Enter accepts every suggestion in the document (asking first when more than
``ASK_ABOVE``).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent

from claimdesk.gui.change_signal import ChangeEvent
from claimdesk.gui.suggestion_overlay import describe, prepare_rows
from claimdesk.gui.workers import ProcessTask, Task

if TYPE_CHECKING:
    from claimdesk.core.suggest import Suggestion
    from claimdesk.core.suggest.records import SuggestionRow
    from claimdesk.core.suggest_worker import TrainedModel
    from claimdesk.gui.main_window import MainWindow

log = logging.getLogger(__name__)

ASK_ABOVE = 20  # Shift+Enter asks before accepting more suggestions than this
RETRAIN_EVERY = 10  # edits between two trainings of the model
# Edits this close together cost one computation: a reader's pause. It runs in the suggestions'
# own process, but takes one of the machine's cores for up to seconds on a long article.
REFRESH_MS = 600
# Training takes a core for seconds (in its own process): it starts once the reader has stopped
# filing for this long.
RETRAIN_PAUSE_MS = 3000
NEXT_KEY = "n"
SOURCE_WORDS = {
    "codebook": "a phrase or pattern of the codebook",
    "project": "the same text is marked elsewhere",
    "model": "the model trained on this project",
}
REJECT_KEY = "x"


class WindowSuggestions(QObject):
    """Connects the article view's suggestion overlay to the open project."""

    shown = Signal(int)  # document id: its suggestions are drawn (tests and benchmarks wait on it)
    trained = Signal(object)  # the new model (None: too few annotations yet)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.overlay = window.view.suggestions
        self.model: TrainedModel | None = None  # trained in the background (pickled there)
        self.task: Task | None = None  # the computation under way
        self.training: Task | None = None
        self.edits = 0  # saved edits since the model was last trained
        self.opened_at = 0.0  # perf_counter when the shown document was asked for
        self.delay_ms: float | None = None  # from opening the document to its suggestions drawn
        self._generation = 0  # a result for an older request is dropped
        self._queued = False  # asked for while one was under way: start it when that ends
        self._whose: tuple[int, int] | None = None  # (project, annotator) the model is for
        self._again = QTimer(self)
        self._again.setSingleShot(True)
        self._again.setInterval(REFRESH_MS)
        self._again.timeout.connect(self.refresh)
        self._retrain_later = QTimer(self)
        self._retrain_later.setSingleShot(True)
        self._retrain_later.setInterval(RETRAIN_PAUSE_MS)
        self._retrain_later.timeout.connect(self.retrain)
        self._note = ""  # what the last decision did, said with the next suggestion's keys
        self.overlay.tip = self._tooltip
        window.view.installEventFilter(self)
        # The caret leaving the selected suggestion (or text being selected) lets go of it: a label
        # key then files the text, as anywhere else.
        window.view.cursorPositionChanged.connect(self._caret_moved)
        window.view.selectionChanged.connect(self._caret_moved)
        self.overlay.selectionChanged.connect(self._selection_changed)
        window.changed.connect(self._changed)

    # -- when they are shown ---------------------------------------------------------------------

    def allowed(self) -> bool:
        """Shown by the user's choice (View › Show suggestions); a student sees them only when
        the exercise turns them on."""
        window = self.window
        if not window.settings.show_suggestions:
            return False
        mode = window.student_mode
        return mode is None or mode.work.suggestions

    def set_shown(self, checked: bool) -> None:
        self.window.settings.show_suggestions = checked
        self.overlay.set_visible(checked)
        if checked:
            self.refresh()
        else:
            self._generation += 1
            self.overlay.clear()

    def document_opened(self, document_id: int, opened_at: float | None = None) -> None:
        """Work out a newly shown document's suggestions (``opened_at``: when it was asked for)."""
        self.opened_at = time.perf_counter() if opened_at is None else opened_at
        self.delay_ms = None
        self.refresh()

    # -- computing off the GUI thread ------------------------------------------------------------

    def refresh(self) -> None:
        """Work out the open document's suggestions on a worker; drawn when they come back."""
        self._again.stop()
        self._generation += 1
        window = self.window
        project, document_id = window.current_project, window.document_id
        if project is None or document_id is None or window.current_annotator is None:
            self.overlay.clear()
            return
        whose = (id(project), window.annotator.id)
        if whose != self._whose:  # another project or annotator: its own model, later
            self._whose = whose
            self.model = None
            self.edits = 0
        if self.task is not None:
            # One computation at a time (two would share the two cores): this one's answer is
            # out of date and is not even read (10,000 rows take 2-3 ms to unpickle on the GUI
            # thread); the latest request starts as soon as it ends.
            self.task.abandon()
            self._queued = True
            return
        if not self.allowed():
            self.overlay.clear()
            return
        self.overlay.set_visible(True)
        annotator_id = window.annotator.id
        model = self.model
        generation = self._generation

        text_length = len(window.view.document_text())
        from claimdesk.core import suggest_worker as process

        task = ProcessTask(
            process.SUGGESTING,
            process.work_out,
            (*project.opening(), document_id, annotator_id, model, text_length),
            window,
        )
        task.succeeded.connect(lambda rows, g=generation, d=document_id: self._arrived(g, d, rows))
        task.failed.connect(self._failed)
        task.ended.connect(lambda: self._computed(task))
        self.task = task
        task.start()

    def _computed(self, task: Task) -> None:
        if not shiboken6.isValid(self):
            return  # the window was closed while the process worked: nothing to start again
        if self.task is task:
            self.task = None
            if self._queued:
                self._queued = False
                self.refresh()

    def pending(self) -> bool:
        """Suggestions are being worked out, or will be in a moment (an edit was just saved)."""
        return self.task is not None or self._again.isActive() or self._queued

    def _arrived(self, generation: int, document_id: int, rows: list[SuggestionRow]) -> None:
        if generation != self._generation or document_id != self.window.document_id:
            return  # asked for again since, or another document is open
        if not self.allowed():  # turned off meanwhile, or the window became a student's
            self.overlay.clear()
            return
        from claimdesk.core.suggest.records import SuggestionRows

        found = prepare_rows(SuggestionRows(document_id, rows))
        overlay = self.overlay
        current = overlay.current
        overlay.set_suggestions(found, keep=True)
        if current is not None and overlay.current is None:  # gone: the next one in the text
            after = (i for i, s in enumerate(overlay.items) if s.start >= current.start)
            overlay.select(next(after, None), scroll=False)
        if self.delay_ms is None and self.opened_at:
            self.delay_ms = (time.perf_counter() - self.opened_at) * 1000
        self.shown.emit(document_id)

    def _failed(self, error: BaseException) -> None:
        # Suggestions are a help, never in the way: the window says so once and goes on.
        log.warning("suggestions not worked out: %s", error, exc_info=error)
        self.window.statusBar().showMessage(f"Suggestions are not shown: {error}", 8000)

    def _changed(self, _event: ChangeEvent) -> None:
        """A saved edit: work the suggestions out again once the reader pauses; after every few
        edits, retrain the model once the reader stops filing (nothing while they are hidden)."""
        self._generation += 1  # a result worked out before this edit is out of date
        if self.task is not None:
            self.task.abandon()  # its answer is not read (see refresh)
        if not self.allowed():
            return  # hidden: no model trained, nothing worked out behind the reader's back
        self.edits += 1
        if self.edits >= RETRAIN_EVERY:
            self._retrain_later.start()  # (again): once the reader stops filing for a while
        if self.window.document_id is not None:
            self._again.start()

    def _caret_moved(self) -> None:
        item = self.overlay.current
        if item is None:
            return
        view = self.window.view
        cursor = view.textCursor()
        caret = view.offsets.to_cp(cursor.position())
        if cursor.hasSelection() or not item.start <= caret <= item.end:
            self.overlay.select(None)

    def edit_sources(self) -> None:
        """Review › Suggestion sources…: each label's phrases and patterns, in one edit."""
        window = self.window
        rules = window.prompts.suggestion_rules(window.project, list(window.labels.values()))
        if rules and window.edit(lambda: window.project.set_suggestion_rules(rules)):
            count = len(rules)
            self._say(
                f"Saved the phrases and patterns of {count} label{'s' if count != 1 else ''}. "
                "Ctrl+Z undoes it."
            )

    # -- the model -------------------------------------------------------------------------------

    def retrain(self) -> None:
        """Train the model on the project's annotations on a worker; never waits for it."""
        window = self.window
        project = window.current_project
        if project is None or self.training is not None:
            return
        from claimdesk.core.suggest.model import model_problem

        if model_problem() is not None:  # no scikit-learn: the other sources go on alone
            self.edits = 0
            return
        self.edits = 0
        annotator_id = window.annotator.id
        from claimdesk.core import suggest_worker as process

        task = ProcessTask(
            process.TRAINING, process.train, (*project.opening(), annotator_id), window
        )
        whose = (id(project), annotator_id)
        task.succeeded.connect(lambda model, w=whose: self._trained(model, w))
        task.failed.connect(lambda error: log.warning("model not trained: %s", error))
        task.ended.connect(self._training_ended)
        self.training = task
        task.start()

    def _trained(self, model: TrainedModel | None, whose: tuple[int, int]) -> None:
        if whose != self._whose:
            return  # trained for a project or annotator no longer shown
        if model is not None:
            self.model = model
            self.refresh()
        self.trained.emit(model)

    def _training_ended(self) -> None:
        self.training = None

    # -- keys ------------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.window.view
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and len(self.overlay)
        ):
            return self.key(event)
        return super().eventFilter(watched, event)

    def key(self, event: QKeyEvent) -> bool:
        """Act on a key pressed in the article; True when it was a suggestion's key."""
        if self.window.relations.maker.linking:  # choosing a relation's target takes every key
            return False
        mods = event.modifiers()
        if mods & (
            Qt.KeyboardModifier.ControlModifier
            | Qt.KeyboardModifier.AltModifier
            | Qt.KeyboardModifier.MetaModifier
        ):
            return False
        key = event.key()
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        text = event.text().lower()
        if enter and shift:
            self.accept_all()
            return True
        if key == Qt.Key.Key_N and not self._label_key(NEXT_KEY):
            self.overlay.step(forward=not shift)
            return True
        item = self.overlay.current
        if item is None:
            return False
        if enter:
            self.accept(item)
            return True
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) or (
            key == Qt.Key.Key_X and not self._label_key(REJECT_KEY)
        ):
            self.reject(item)
            return True
        if key == Qt.Key.Key_Escape:
            self.overlay.select(None)
            return True
        label = self._label_key(text) if text and text.isprintable() else None
        if label is not None:
            self.accept(item, label)
            return True
        return False

    def _label_key(self, key: str) -> int | None:
        return next(
            (label.id for label in self.window.labels.values() if label.shortcut == key), None
        )

    # -- decisions -------------------------------------------------------------------------------

    def accept(self, item: Suggestion, label_id: int | None = None) -> None:
        """File a suggestion as an annotation (under ``label_id`` if given): recorded, undoable."""
        window = self.window
        chosen = item
        if label_id is not None and label_id != item.label_id:
            chosen = dataclasses.replace(item, label_id=label_id)
        position = self.overlay.selected
        changes = window.edit(
            lambda: window.project.accept_suggestions(window.annotator.id, [chosen])
        )
        if changes is None:
            return
        label = window.labels.get(chosen.label_id)
        name = label.name if label is not None else "its label"
        self._decided([item], position, f"Accepted as {name} (Ctrl+Z undoes it).")

    def reject(self, item: Suggestion) -> None:
        window = self.window
        position = self.overlay.selected
        if window.edit(lambda: window.project.reject_suggestion(window.annotator.id, item)) is None:
            return
        self._decided([item], position, "Rejected: not suggested again (Ctrl+Z undoes it).")

    def accept_all(self) -> None:
        """Shift+Enter: every suggestion shown in the document, in one undoable step."""
        window = self.window
        items = list(self.overlay.items)
        if not items:
            return
        if len(items) > ASK_ABOVE and not window.prompts.confirm(
            "Accept all suggestions",
            f"Accept all {len(items)} suggestions in this document as annotations? "
            "Ctrl+Z undoes it in one step.",
        ):
            return
        changes = window.edit(lambda: window.project.accept_suggestions(window.annotator.id, items))
        if changes is None:
            return
        count = len(changes.annotations_added)
        plural = "s" if count != 1 else ""
        self._decided(items, None, f"Accepted {count} suggestion{plural} (Ctrl+Z undoes it).")

    def _decided(self, items: Sequence[Suggestion], position: int | None, note: str) -> None:
        """Take decided suggestions off the view at once, the next one selected (the status bar
        says what was done, then the next one's keys); the background computation that the
        edit started then brings the view up to date."""
        overlay = self.overlay
        gone = {_key(item) for item in items}
        left = [item for item in overlay.items if _key(item) not in gone]
        self._note = note
        overlay.set_suggestions(left)
        if position is not None and left:
            overlay.select(min(position, len(left) - 1))
        if self._note:  # nothing selected after it
            self._say(self._note)
            self._note = ""
        self.window.view.setFocus()

    # -- the status bar --------------------------------------------------------------------------

    def _selection_changed(self, position: int) -> None:
        bar = self.window.statusBar()
        item = self.overlay.current
        if item is None:
            if not self._note:
                bar.clearMessage()
            return
        label = self.window.labels.get(item.label_id)
        keys = ["Enter accepts", "a label key files it there"]
        keys.append("X rejects" if self._label_key(REJECT_KEY) is None else "Delete rejects")
        if self._label_key(NEXT_KEY) is None:
            keys.append("N/Shift+N next/previous")
        keys.append("Shift+Enter accepts all")
        line = describe(item, label.name if label is not None else "?", keys)
        note, self._note = self._note, ""
        bar.showMessage(f"{note} Next: {line}" if note else line)

    def _tooltip(self, item: Suggestion) -> str:
        label = self.window.labels.get(item.label_id)
        name = label.name if label is not None else "?"
        how = SOURCE_WORDS.get(item.source, item.source)
        figure = f", score {item.score:.2f}"
        return (
            f"Suggested: {name} ({how}{figure}). Not an annotation until accepted: "
            "click it, then Enter accepts, X rejects."
        )

    def _say(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 6000)


def _key(item: Suggestion) -> tuple[int, int, int]:
    return (item.start, item.end, item.label_id)
