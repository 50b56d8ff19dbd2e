"""An unexpected error in the window is logged with its traceback and shown with the log's path."""

from __future__ import annotations

import sys
import threading

import pytest
from pytestqt.qtbot import QtBot

from claimdesk.core.paths import user_log_dir
from claimdesk.core.store.project import Project
from claimdesk.gui.excepthook import TITLE, CrashReporter, install, message
from claimdesk.gui.main_window import MainWindow
from tests.gui.conftest import ScriptedPrompts

LOG = "claimdesk.log"


class Planted(Exception):
    pass


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_slot_of_the_running_program_names_the_log_that_holds_its_traceback(
    seeded: Project, qapp: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through claimdesk's own main(): the error comes from a click on a toolbar button."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QToolButton

    from claimdesk.gui import app as claimdesk
    from claimdesk.gui import dialogs

    path = seeded.path
    seeded.close()
    monkeypatch.setattr(claimdesk.Settings, "annotator_name", "Ana", raising=False)
    prompts = ScriptedPrompts()
    monkeypatch.setattr(dialogs, "Prompts", lambda: prompts)
    application = QApplication.instance()
    assert isinstance(application, QApplication)
    palette, sheet = application.palette(), application.styleSheet()
    seen: list[str] = []

    def boom() -> None:
        raise Planted("a planted failure <b>in a slot</b>")

    def loaded(window: MainWindow) -> None:
        button = QToolButton(window)
        button.clicked.connect(boom)
        button.click()  # the slot raises; the program goes on

        def after_dialog() -> None:
            if not prompts.errors:
                QTimer.singleShot(20, after_dialog)
                return
            seen.append(window.windowTitle())
            window.close()
            QTimer.singleShot(0, application.quit)

        QTimer.singleShot(0, after_dialog)

    try:
        assert claimdesk.main(["claimdesk", "--new-instance", str(path)], loaded=loaded) == 0
    finally:
        application.setStyleSheet(sheet)
        application.setPalette(palette)
    assert seen and seen[0].endswith("— Claimdesk")  # still running when the dialog came
    log = user_log_dir() / LOG
    assert len(prompts.errors) == 1
    assert "Planted: a planted failure <b>in a slot</b>" in prompts.errors[0]
    assert f"The details are in the log file:\n{log}\n" in prompts.errors[0]
    text = log.read_text("utf-8")
    assert "started (Python" in text
    assert "CRITICAL claimdesk.gui.excepthook: Claimdesk" in text
    assert "unexpected error in the window" in text
    assert "Traceback (most recent call last):" in text
    assert 'raise Planted("a planted failure <b>in a slot</b>")' in text


@pytest.mark.qt_no_exception_capture
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_an_error_in_a_worker_thread_is_shown_from_the_gui_thread(
    qtbot: QtBot, prompts: ScriptedPrompts
) -> None:
    shown_in: list[threading.Thread] = []
    error = prompts.error

    def record(title: str, message: str) -> None:
        shown_in.append(threading.current_thread())
        assert title == TITLE
        error(title, message)

    prompts.error = record  # type: ignore[method-assign]
    reporter = CrashReporter("claimdesk", prompts)
    restore = install(reporter)
    try:

        def work() -> None:
            raise Planted("a planted failure in a thread")

        worker = threading.Thread(target=work, name="planted-worker")
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: bool(prompts.errors))
    finally:
        restore()
    assert shown_in == [threading.main_thread()]
    log = user_log_dir() / LOG
    assert str(log) in prompts.errors[0]
    text = log.read_text("utf-8")
    assert "unexpected error in thread planted-worker" in text
    assert 'raise Planted("a planted failure in a thread")' in text


@pytest.mark.qt_no_exception_capture
def test_errors_while_the_dialog_is_open_are_logged_but_not_stacked(
    qtbot: QtBot, prompts: ScriptedPrompts
) -> None:
    from PySide6.QtCore import QTimer

    reporter = CrashReporter("claimdesk", prompts)
    restore = install(reporter)
    error = prompts.error

    def error_that_fails_again(title: str, text: str) -> None:
        error(title, text)
        try:
            raise Planted("again, while the dialog is open")
        except Planted as exc:
            reporter.handle(Planted, exc, exc.__traceback__)

    prompts.error = error_that_fails_again  # type: ignore[method-assign]
    try:

        def first() -> None:
            raise Planted("first")

        QTimer.singleShot(0, first)
        qtbot.waitUntil(lambda: bool(prompts.errors))
        qtbot.wait(50)
    finally:
        restore()
    assert len(prompts.errors) == 1
    assert (user_log_dir() / LOG).read_text("utf-8").count("Traceback") == 2


def test_the_hooks_are_given_back(prompts: ScriptedPrompts) -> None:
    before = sys.excepthook, threading.excepthook
    restore = install(CrashReporter("claimdesk", prompts))
    assert sys.excepthook is not before[0]
    restore()
    assert (sys.excepthook, threading.excepthook) == before


def test_without_a_log_file_the_dialog_says_so() -> None:
    text = message(Planted("x"), None)
    assert "could not write a log file" in text
    assert "Planted: x" in text


@pytest.mark.qt_no_exception_capture
def test_a_server_that_is_away_is_said_in_the_status_bar_not_the_error_dialog(
    qtbot: QtBot, prompts: ScriptedPrompts
) -> None:
    from PySide6.QtCore import QTimer

    from claimdesk.core.errors import ServerUnreachable

    said: list[BaseException] = []
    reporter = CrashReporter("claimdesk", prompts)
    reporter.server_away = said.append
    restore = install(reporter)
    try:

        def read() -> None:
            raise ServerUnreachable("The server cannot be reached.", "Connection refused")

        QTimer.singleShot(0, read)
        qtbot.waitUntil(lambda: bool(said))
        qtbot.wait(50)
    finally:
        restore()
    assert prompts.errors == []
    assert isinstance(said[0], ServerUnreachable)
