"""The one way to run long work off the GUI thread: start, progress, cancel, result, failure.

A piece of work is a callable ``work(progress)``; ``progress(done, total)`` answers whether to go
on (the core's `Progress`), and the core raises `Cancelled` after undoing its partial work once
it answers no. Work that reads or writes the project is wrapped in `in_own_project`: it opens the
project file again in the worker thread and closes it after, since a SQLite connection belongs
to one thread and the window's `Project` stays on the GUI thread.

A `Task` reports on the GUI thread, always in the same order: progress, then one of
``succeeded`` / ``failed`` / ``cancelled``, then ``ended``. Running tasks are held in one set
until they end, so nobody else has to keep them alive. Closing (or deleting) the window that
started a task cancels it, and nothing more is delivered to that window.

`run_task` is what the windows call: a progress dialog with Cancel, the result handed to
``done``, a failure shown as one message written for the user (an unexpected exception is
logged with its traceback, never shown as one), a cancel shown as a notice.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QProgressDialog, QStatusBar, QWidget

from claimdesk.core.errors import ClaimdeskError
from claimdesk.core.progress import Cancelled, Progress
from claimdesk.gui.excepthook import PROGRAM, log_start, what_happened, where_logged

if TYPE_CHECKING:
    from claimdesk.core.store.project import Project
    from claimdesk.core.suggest_worker import WorkerProcess

__all__ = [
    "USER_ERRORS",
    "LabelReporter",
    "ProcessTask",
    "Reporter",
    "Task",
    "WindowReporter",
    "Wording",
    "failure_text",
    "in_own_project",
    "progress_dialog",
    "run_task",
    "running_tasks",
]

log = logging.getLogger(__name__)

R = TypeVar("R")


# Errors whose message is written for the user; anything else is a bug, logged with its traceback.
USER_ERRORS: tuple[type[BaseException], ...] = (ClaimdeskError, OSError)


# The tasks under way, each held here from start() until it has ended: the one keep-alive.
_RUNNING: set[Task] = set()


def running_tasks(owner: QObject | None = None) -> tuple[Task, ...]:
    """The tasks under way (those started by ``owner`` when given)."""
    return tuple(task for task in _RUNNING if owner is None or task.owner is owner)


def in_own_project(
    source: Path | Project, work: Callable[[Project, Progress], R]
) -> Callable[[Progress], R]:
    """``work(project, progress)`` on a `Project` of its own, opened and closed in the worker:
    the file at ``source``, or the same file or server as the project ``source``."""

    from claimdesk.core.store.project import Project

    def run(progress: Progress) -> R:
        own = Project.open(source) if isinstance(source, Path) else source.reopen()
        with own as project:
            return work(project, progress)

    return run


class _Relay(QObject):
    """Carries the worker thread's news to the task; it lives in the GUI thread (queued)."""

    progress = Signal(int, int)
    ended = Signal(object, object)  # (result, exception or None)


class Task(QObject):
    """One piece of long work on the thread pool. Every signal arrives on the GUI thread."""

    progressed = Signal(int, int)  # (done, total)
    succeeded = Signal(object)  # the work's result
    failed = Signal(object)  # the exception (anything but Cancelled)
    cancelled = Signal()  # the work stopped at the user's request; it changed nothing
    ended = Signal()  # last, whatever happened (also for a task whose owner went away)

    def __init__(self, work: Callable[[Progress], object], owner: QWidget | None = None) -> None:
        super().__init__()
        self.work = work
        self.owner = owner
        self.running = False
        self._stop = threading.Event()
        self._abandoned = False
        # What to do with a result nobody takes (the window that asked is gone): a project the
        # work opened, for one, is closed here rather than left holding its connections.
        self.discard: Callable[[object], None] | None = None
        self._relay = _Relay()
        self._relay.progress.connect(self._progressed, Qt.ConnectionType.QueuedConnection)
        self._relay.ended.connect(self._ended, Qt.ConnectionType.QueuedConnection)

    # -- on the GUI thread ---------------------------------------------------------------------

    def start(self) -> None:
        if self.running:
            return
        self.running = True
        _RUNNING.add(self)
        if self.owner is not None:
            self.owner.installEventFilter(self)
        self._launch()

    def _launch(self) -> None:
        """Hand the work to whatever runs it (here: the thread pool, the collector held)."""
        _hold_collection()
        QThreadPool.globalInstance().start(self._run)

    def _holds_collection(self) -> bool:
        """Whether the automatic collector is held off while this task runs (a thread's)."""
        return True

    def cancel(self) -> None:
        """Ask the work to stop at its next progress report (it undoes what it did)."""
        self._stop.set()

    def abandon(self) -> None:
        """Cancel, and deliver nothing but ``ended``: the result is no longer wanted."""
        self._abandoned = True
        self.cancel()

    @property
    def is_cancelled(self) -> bool:
        return self._stop.is_set()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.owner and event.type() == QEvent.Type.Close:
            # The close may still be refused: look once it has been handled.
            QTimer.singleShot(0, self._owner_closed)
        return False

    def _owner_closed(self) -> None:
        owner = self.owner
        if self.running and (owner is None or not _alive(owner) or not owner.isVisible()):
            self.abandon()

    def _deliverable(self) -> bool:
        return not self._abandoned and (self.owner is None or _alive(self.owner))

    @Slot(int, int)
    def _progressed(self, done: int, total: int) -> None:
        if self.running and not self._stop.is_set() and self._deliverable():
            self.progressed.emit(done, total)

    @Slot(object, object)
    def _ended(self, result: object, error: BaseException | None) -> None:
        self.running = False
        _RUNNING.discard(self)
        if self._holds_collection():
            _release_collection()
        if self.owner is not None and _alive(self.owner):
            self.owner.removeEventFilter(self)
        if error is not None and not isinstance(error, USER_ERRORS):
            log_start(PROGRAM)  # the log is open (a no-op once it is)
            log.error("Unexpected error in long work", exc_info=error)
        if self._deliverable():
            if error is None:
                self.succeeded.emit(result)
            elif isinstance(error, Cancelled):
                self.cancelled.emit()
            else:
                self.failed.emit(error)
        elif error is None and self.discard is not None:
            self.discard(result)
        self.ended.emit()

    # -- on the worker thread ------------------------------------------------------------------

    def _progress(self, done: int, total: int) -> bool:
        if self._stop.is_set():
            return False
        try:
            self._relay.progress.emit(done, total)
        except RuntimeError:  # the application is quitting: stop
            return False
        return True

    def _run(self) -> None:
        result: object = None
        error: BaseException | None = None
        try:
            result = self.work(self._progress)
        except BaseException as exc:  # handed to the GUI thread, which reports it
            error = exc
        try:
            self._relay.ended.emit(result, error)
        except RuntimeError:  # the application quit while the work ran: nobody to tell
            log.info("Long work ended after the application quit", exc_info=error)


class ProcessTask(Task):
    """A `Task` whose work runs in a process of its own (`claimdesk.core.suggest_worker`):
    ``function(*args)`` there, its value unpickled here on the GUI thread. The window's
    interpreter is left alone while it runs, and nothing is collected off the GUI thread (the
    answer arrives as bytes). Cancel and abandon drop the answer; the process finishes the job."""

    def __init__(
        self,
        worker: WorkerProcess,
        function: Callable[..., object],
        args: Sequence[object],
        owner: QWidget | None = None,
    ) -> None:
        super().__init__(lambda _progress: None, owner)
        self.worker = worker
        self.function = function
        self.args = tuple(args)

    def _launch(self) -> None:
        relay = self._relay

        def done(value: object, error: BaseException | None) -> None:  # on the reading thread
            with contextlib.suppress(RuntimeError):  # the application quit: nobody to tell
                relay.ended.emit(value, error)

        self.worker.submit(self.function, self.args, done)

    @Slot(object, object)
    def _ended(self, result: object, error: BaseException | None) -> None:
        if error is None and not self._abandoned:
            from claimdesk.core.suggest_worker import result as process_result

            try:
                result = process_result(result)
            except Exception as exc:  # a broken answer is the job's failure
                result, error = None, exc
        super()._ended(result, error)

    def _holds_collection(self) -> bool:
        return False


# -- garbage collection while work runs -----------------------------------------------------------
#
# Python's cycle collector runs in whichever thread happens to allocate when a threshold is
# crossed. Work that allocates a lot (reading a web page, working out suggestions) would make it
# run in the worker, and a closed window's widgets collected there are destroyed off the GUI
# thread, which crashes. A full collection before each task (the old remedy) stalled the GUI
# thread for 80-150 ms with a long article open, after every edit (suggestions are worked out
# again on a worker). Instead, while any task runs the automatic collector is off and the GUI
# thread collects from a timer: the young generations when they fill up (well under a
# millisecond), the whole heap at most every two minutes (``collect_on_gui_thread``).

COLLECT_EVERY_MS = 1000
_holds = 0
_collector: QTimer | None = None


def _hold_collection() -> None:
    global _holds, _collector
    if _holds == 0:
        gc.disable()
        if _collector is None:
            _collector = QTimer()
            _collector.setInterval(COLLECT_EVERY_MS)
            _collector.timeout.connect(collect_on_gui_thread)
        _collector.start()
    _holds += 1


def _release_collection() -> None:
    global _holds
    _holds = max(0, _holds - 1)
    if _holds == 0:
        if _collector is not None:
            _collector.stop()
        gc.enable()


def resume_collection() -> None:
    """Switch the automatic collector back on after a pause of one's own, unless a task runs
    (the GUI thread collects for it until it ends)."""
    if _holds == 0:
        gc.enable()


TIDY_AFTER_MS = 4000  # a pause in the reader's edits this long: the frozen objects looked at
_tidy: QTimer | None = None


def freeze_open_article() -> None:
    """Leave what is alive once an article is open and painted (its text, spans and rows, the
    window) out of the cycle collector's full collections until ``thaw``.

    A full collection walks every object it watches: with a 5 MB article open it took 50–80 ms
    (140 ms in a process that had built three projects), and one came every few hundred edits,
    in the middle of one; now it walks what came after the open (well under a millisecond).
    Frozen objects are still freed by reference counting when they go; a cycle among them that
    is dropped is collected by one full collection of everything once the reader pauses
    (``TIDY_AFTER_MS`` after the open or the last edit), which freezes what is left again.
    """
    global _tidy
    gc.freeze()
    if _tidy is None:
        _tidy = QTimer()
        _tidy.setSingleShot(True)
        _tidy.timeout.connect(_tidy_up)
    _tidy.start(TIDY_AFTER_MS)


def reader_edited() -> None:
    """An edit: the frozen objects' full collection waits for the next pause."""
    if _tidy is not None and _tidy.isActive():
        _tidy.start(TIDY_AFTER_MS)


def _tidy_up() -> None:
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
        gc.freeze()


def thaw() -> None:
    """Let the cycle collector watch every object again: before another article is opened (the
    objects of the one before may then be collected) and when the window closes."""
    if _tidy is not None:
        _tidy.stop()
    gc.unfreeze()


FULL_EVERY_S = 120.0  # the whole heap at most this often (the open article's objects frozen)
_last_full = 0.0


def collect_on_gui_thread() -> None:
    """What the automatic collector would do now, done here (on the GUI thread): the young
    generations when they fill, the whole heap only every two minutes at most (Python itself
    waits until a quarter of the heap is new, which it does not tell)."""
    global _last_full
    young, middle, old = gc.get_threshold()
    counts = gc.get_count()
    now = time.monotonic()
    if counts[1] >= middle and counts[2] >= old and now - _last_full >= FULL_EVERY_S:
        _last_full = now
        gc.collect(2)
    elif counts[1] >= middle:
        gc.collect(1)
    elif counts[0] >= young:
        gc.collect(0)


def _alive(owner: QObject) -> bool:
    return bool(shiboken6.isValid(owner))


# -- how a task looks to the user -------------------------------------------------------------


@dataclass(frozen=True)
class Wording:
    """What the user reads about one kind of task."""

    title: str  # the failure message's title: "Export failed"
    nothing: str  # what still holds after a failure: "Nothing was written."
    cancelled: str  # the notice after Cancel: "Export cancelled; nothing was written."


class Reporter(Protocol):
    """Where a task's failure and notices are shown."""

    def failure(self, title: str, text: str) -> None: ...

    def notice(self, text: str) -> None: ...


class ErrorPrompt(Protocol):
    def error(self, title: str, message: str) -> None: ...


class WindowReporter:
    """A failure in a message box (the window's prompts), a notice in the status bar."""

    def __init__(self, prompts: ErrorPrompt, status_bar: QStatusBar) -> None:
        self.prompts = prompts
        self.status_bar = status_bar

    def failure(self, title: str, text: str) -> None:
        self.prompts.error(title, text)

    def notice(self, text: str) -> None:
        self.status_bar.showMessage(text, 8000)


class LabelReporter:
    """Failure and notices in a line of the window itself (review windows, grades)."""

    def __init__(self, label: QLabel) -> None:
        self.label = label

    def failure(self, title: str, text: str) -> None:
        self.label.setText(text.replace("\n\n", " "))

    def notice(self, text: str) -> None:
        self.label.setText(text)


def failure_text(error: BaseException, nothing: str = "") -> str:
    """A failure as the user reads it: what still holds, then the reason; never a traceback."""
    if isinstance(error, USER_ERRORS):
        reason = str(error) or type(error).__name__
    else:  # logged by the task (Task._ended) with its traceback
        logged = log_start(PROGRAM)
        reason = f"Something unexpected went wrong ({what_happened(error)}). {where_logged(logged)}"
    return f"{nothing}\n\n{reason}" if nothing else reason


def progress_dialog(parent: QWidget, text: str, task: Task, title: str = "") -> QProgressDialog:
    """The window-modal progress dialog of a task: shown after 400 ms, Cancel cancels it."""
    dialog = QProgressDialog(text, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(title or text.rstrip("…"))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(400)
    dialog.canceled.connect(task.cancel)

    def progress(done: int, total: int) -> None:
        dialog.setMaximum(total)
        dialog.setValue(done)

    task.progressed.connect(progress)
    task.ended.connect(dialog.reset)
    task.ended.connect(dialog.deleteLater)
    return dialog


def run_task(
    owner: QWidget,
    work: Callable[[Progress], R],
    done: Callable[[R], None],
    *,
    wording: Wording,
    reporter: Reporter,
    progress: str,
    title: str = "",
) -> Task:
    """Run ``work`` with a progress dialog (text ``progress``); ``done(result)`` on success."""
    task = Task(work, owner)
    progress_dialog(owner, progress, task, title)
    task.succeeded.connect(done)
    task.failed.connect(
        lambda error: reporter.failure(wording.title, failure_text(error, wording.nothing))
    )
    task.cancelled.connect(lambda: reporter.notice(wording.cancelled))
    task.start()
    return task
