"""Long work off the GUI thread: start, progress, done, cancel.

Work that reads the project opens its own connection in the worker (one connection per thread).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget


class _Signals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)


class Task(QRunnable):
    """Runs ``work(progress)`` on the thread pool; ``progress(done, total)`` returns False once
    the user cancelled, and the work is expected to stop then."""

    def __init__(self, work: Callable[[Callable[[int, int], bool]], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the caller keeps it until it reports back
        self.work = work
        self.signals = _Signals()
        self.cancelled = threading.Event()

    def cancel(self) -> None:
        self.cancelled.set()

    def _progress(self, done: int, total: int) -> bool:
        self.signals.progress.emit(done, total)
        return not self.cancelled.is_set()

    def run(self) -> None:
        try:
            result = self.work(self._progress)
        except BaseException as exc:  # handed to the GUI thread, which reports it
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)

    def start(self) -> None:
        QThreadPool.globalInstance().start(self)


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

    task.signals.progress.connect(progress)
    return dialog
