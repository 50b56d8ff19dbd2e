"""The window's last resort: an unexpected error is logged and shown, the program stays open.

Without it an exception in a slot prints a traceback to a terminal the user does not have and
whatever they were doing silently stops. ``install`` takes over ``sys.excepthook`` and
``threading.excepthook``: the traceback goes to the log file (core/logs.py), and a dialog,
asked through ``Prompts`` like every other, says what happened and where the log is.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from claimdesk.core import version

if TYPE_CHECKING:
    from claimdesk.gui.dialogs import Prompts

TITLE = "Claimdesk: unexpected error"
PROGRAM = "claimdesk"  # the window's log is claimdesk.log


def what_happened(exc: BaseException) -> str:
    """An unexpected error in one line, as the user may read it (escaped, bounded)."""
    from claimdesk.core.limits import printable

    return printable(f"{type(exc).__name__}: {exc}", 300)


def where_logged(log_file: Path | None) -> str:
    """Where the details of an unexpected error are (the traceback went to the log)."""
    from claimdesk.core.limits import printable_path

    if log_file is None:
        return "Claimdesk could not write a log file, so the details are lost."
    return (
        f"The details are in the log file:\n{printable_path(log_file)}\n\n"
        "Please send that file along when you report the problem."
    )


def message(exc: BaseException, log_file: Path | None) -> str:
    """What the dialog says: the error in one line, and where its details are."""
    return (
        "Something went wrong inside Claimdesk, and what you just did may not have finished.\n\n"
        f"{what_happened(exc)}\n\n{where_logged(log_file)}"
    )


_started: set[Path] = set()  # the log files that have their start line


def log_start(program: str) -> Path | None:
    """Open the program's log and write its start line (version, Python, Qt, platform), once;
    return the log file (None when it cannot be written)."""
    import logging
    import platform

    from PySide6 import __version__ as pyside_version

    from claimdesk.core.logs import configure_logging

    path = configure_logging(program)  # a no-op when it is set up already
    if path is not None and path not in _started:
        _started.add(path)
        logging.getLogger(__name__).info(
            "Claimdesk %s started (Python %s, PySide6 %s, %s)",
            version(),
            platform.python_version(),
            pyside_version,
            platform.platform(),
        )
    return path


class CrashReporter(QObject):
    """Logs unexpected errors from any thread and shows them, one dialog at a time, in the
    GUI thread. ``prompts`` may be set after installation (the window comes later)."""

    _report = Signal(str)
    _away = Signal(object)

    def __init__(self, program: str = PROGRAM, prompts: Prompts | None = None) -> None:
        super().__init__()
        self.program = program
        self.prompts = prompts
        # Where a server project's lost server is said (the window's status bar), when set: a
        # step that read the server while it was away is no unexpected error.
        self.server_away: Callable[[BaseException], None] | None = None
        self._showing = False
        self._connected = False
        self._connecting = threading.Lock()

    def _connect(self) -> None:
        """Connect the reports on the first error: this object is made before the window's first
        paint, which naming Qt's namespace would delay (gui/app.py)."""
        from PySide6.QtCore import Qt

        with self._connecting:
            if self._connected:
                return
            self._away.connect(self._say_away, Qt.ConnectionType.QueuedConnection)
            # Queued even from the GUI thread: the dialog opens once the failed slot has
            # returned, not inside the exception handling of whatever raised.
            self._report.connect(self._show, Qt.ConnectionType.QueuedConnection)
            self._connected = True

    def handle(
        self,
        kind: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
        where: str = "the window",
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):  # Ctrl+C in the terminal: no dialog
            return
        # Imported here: this module loads before the window's first paint, and so stays light.
        import logging

        from PySide6.QtCore import QThread

        from claimdesk.core.errors import ServerUnreachable

        self._connect()
        if isinstance(exc, ServerUnreachable) and self.server_away is not None:
            logging.getLogger(__name__).info("server unreachable in %s: %s", where, exc)
            self._away.emit(exc)  # queued: said once the failed step has returned
            return

        # Configured at start-up once the project is shown; here first if the error came first.
        log_file = log_start(self.program)
        logging.getLogger(__name__).critical(
            "Claimdesk %s: unexpected error in %s", version(), where, exc_info=(kind, exc, tb)
        )
        if self._showing:  # one dialog at a time: an error while it is open is only logged
            return
        self._showing = True
        text = message(exc, log_file)
        in_gui_thread = QThread.currentThread() is self.thread()
        if in_gui_thread and self.thread().loopLevel() == 0:
            self._show(text)  # no event loop runs yet (start-up) or any more: show it now
        else:
            self._report.emit(text)

    def _say_away(self, exc: BaseException) -> None:
        if self.server_away is not None:
            self.server_away(exc)

    def _show(self, text: str) -> None:
        try:
            prompts = self.prompts
            if prompts is None:
                from claimdesk.gui.dialogs import Prompts

                prompts = Prompts()
            prompts.error(TITLE, text)
        finally:
            self._showing = False


def install(reporter: CrashReporter) -> Callable[[], None]:
    """Route unexpected errors of this process to ``reporter``; returns the undo.

    The hooks that were in place still run afterwards (Python's prints the traceback on the
    terminal a developer started Claimdesk from; a test runner's records it).
    """
    previous_hook, previous_thread_hook = sys.excepthook, threading.excepthook

    def on_error(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        reporter.handle(kind, exc, tb)
        previous_hook(kind, exc, tb)

    def on_thread_error(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None and not issubclass(args.exc_type, SystemExit):
            name = args.thread.name if args.thread is not None else "a thread"
            reporter.handle(args.exc_type, args.exc_value, args.exc_traceback, f"thread {name}")
        previous_thread_hook(args)

    sys.excepthook = on_error
    threading.excepthook = on_thread_error

    def restore() -> None:
        sys.excepthook, threading.excepthook = previous_hook, previous_thread_hook

    return restore
