"""The one worker API: progress and results on the GUI thread, cancel undoes, one failure message,
each worker on a Project of its own, and a closed window gets nothing back."""

from __future__ import annotations

import gc
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from claimdesk.core.errors import ProjectError
from claimdesk.core.formats.base import ExportReport
from claimdesk.core.formats.export import export_dataset
from claimdesk.core.progress import Progress
from claimdesk.core.store import project as store_project
from claimdesk.core.store.project import Project
from claimdesk.gui.workers import Task, Wording, in_own_project, run_task, running_tasks

WORDING = Wording("Export failed", "Nothing was written.", "Export cancelled; nothing was written.")


class Shown:
    """A reporter that keeps what the user would have read."""

    def __init__(self) -> None:
        self.failures: list[tuple[str, str]] = []
        self.notices: list[str] = []

    def failure(self, title: str, text: str) -> None:
        self.failures.append((title, text))

    def notice(self, text: str) -> None:
        self.notices.append(text)


@pytest.fixture
def owner(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def gated(
    work: Callable[[Project, Progress], object],
) -> tuple[Callable[[Project, Progress], object], threading.Event, threading.Event]:
    """``work`` whose first progress report waits until the test says go."""
    started, go = threading.Event(), threading.Event()

    def run(project: Project, progress: Progress) -> object:
        def held(done: int, total: int) -> bool:
            started.set()
            go.wait(20)
            return progress(done, total)

        return work(project, held)

    return run, started, go


def test_progress_and_result_arrive_on_the_gui_thread_from_a_worker_with_its_own_project(
    qtbot: QtBot, owner: QWidget, seeded: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[tuple[Project, int]] = []
    closed: list[tuple[Project, int]] = []

    class Spy(Project):
        @classmethod
        def open(cls, path: Path | str) -> Project:
            project = super().open(path)
            opened.append((project, threading.get_ident()))
            return project

        def close(self) -> None:
            closed.append((self, threading.get_ident()))
            super().close()

    monkeypatch.setattr(store_project, "Project", Spy)
    worked_in: list[int] = []

    def work(project: Project, progress: Progress) -> ExportReport:
        worked_in.append(threading.get_ident())
        return export_dataset(project, "csv", tmp_path / "out.csv", None, progress)

    seen: list[tuple[int, int, bool]] = []
    results: list[tuple[ExportReport, bool]] = []
    shown = Shown()
    task = run_task(
        owner,
        in_own_project(seeded.path, work),
        lambda report: results.append(
            (report, threading.current_thread() is threading.main_thread())
        ),
        wording=WORDING,
        reporter=shown,
        progress="Exporting…",
    )
    task.progressed.connect(
        lambda done, total: seen.append(
            (done, total, threading.current_thread() is threading.main_thread())
        )
    )
    assert running_tasks(owner) == (task,)
    with qtbot.waitSignal(task.ended, timeout=20_000):
        pass
    gui = threading.get_ident()
    ((report, on_gui),) = results
    assert on_gui and report.left_out == 2 and (tmp_path / "out.csv").is_file()
    assert seen and all(on_gui for *_, on_gui in seen) and seen[-1][0] == seen[-1][1]
    # The worker opened the file itself, away from the GUI thread, and closed it there.
    ((own, opened_in),) = opened
    assert own is not seeded and opened_in != gui and worked_in == [opened_in]
    assert closed == [(own, opened_in)]
    assert shown.failures == [] and shown.notices == [] and running_tasks() == ()
    assert owner.findChildren(QProgressDialog) == [] or not any(
        dialog.isVisible() for dialog in owner.findChildren(QProgressDialog)
    )


def test_cancel_stops_the_work_and_its_partial_output_is_undone(
    qtbot: QtBot, owner: QWidget, seeded: Project, tmp_path: Path
) -> None:
    out = tmp_path / "out"

    def export(project: Project, progress: Progress) -> ExportReport:
        return export_dataset(project, "brat", out, None, progress)

    work, started, go = gated(export)
    shown = Shown()
    done: list[object] = []
    task = run_task(
        owner,
        in_own_project(seeded.path, work),
        done.append,
        wording=WORDING,
        reporter=shown,
        progress="Exporting…",
    )
    qtbot.waitUntil(started.is_set, timeout=20_000)
    (dialog,) = owner.findChildren(QProgressDialog)
    dialog.findChild(QPushButton).click()  # the user presses Cancel
    assert task.is_cancelled
    with qtbot.waitSignal(task.ended, timeout=20_000):
        go.set()
    assert done == [] and shown.failures == []
    assert shown.notices == ["Export cancelled; nothing was written."]
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("out")] == []


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            ProjectError("class.claimdesk", "is locked"),
            "Nothing was written.\n\nclass.claimdesk: is locked",
        ),
        (
            ZeroDivisionError("division by zero"),
            "Something unexpected went wrong (ZeroDivisionError",
        ),
    ],
)
def test_a_failure_is_one_message_for_the_user_and_an_unexpected_one_is_logged(
    qtbot: QtBot,
    owner: QWidget,
    caplog: pytest.LogCaptureFixture,
    error: Exception,
    expected: str,
) -> None:
    def work(progress: Progress) -> None:
        progress(1, 2)
        raise error

    shown = Shown()
    done: list[object] = []
    task = run_task(
        owner, work, done.append, wording=WORDING, reporter=shown, progress="Exporting…"
    )
    with (
        caplog.at_level(logging.ERROR, logger="claimdesk"),
        qtbot.waitSignal(task.ended, timeout=20_000),
    ):
        pass
    ((title, text),) = shown.failures
    assert title == "Export failed" and text.startswith("Nothing was written.\n\n")
    assert expected in text and "Traceback" not in text
    assert done == [] and shown.notices == []
    logged = [r for r in caplog.records if r.exc_info and r.exc_info[1] is error]
    assert len(logged) == (0 if isinstance(error, ProjectError) else 1)
    if logged:  # the message names the file where the details are
        from claimdesk.core.logs import log_file

        assert str(log_file("claimdesk")) in text


def test_a_task_keeps_itself_alive_and_a_closed_window_gets_nothing_back(
    qtbot: QtBot, owner: QWidget, seeded: Project
) -> None:
    def count(project: Project, progress: Progress) -> int:
        return len(project.documents())

    work, started, go = gated(lambda project, progress: progress(0, 1) and count(project, progress))
    results: list[object] = []
    ended: list[bool] = []
    task = Task(in_own_project(seeded.path, work), owner)
    task.succeeded.connect(results.append)
    task.ended.connect(lambda: ended.append(True))
    task.start()
    del task
    gc.collect()  # nobody but the API holds the task
    qtbot.waitUntil(started.is_set, timeout=20_000)
    owner.close()  # the window goes away while its work runs
    qtbot.waitUntil(lambda: running_tasks(owner)[0].is_cancelled, timeout=5_000)
    go.set()
    qtbot.waitUntil(lambda: bool(ended), timeout=20_000)
    assert results == [] and running_tasks() == ()


def test_garbage_is_never_collected_in_a_worker_thread(qtbot: QtBot) -> None:
    # A closed window left in a reference cycle must not be collected in the worker thread
    # (Qt objects destroyed off the GUI thread crash the program): work that allocates a lot,
    # such as reading a web page, would make Python collect wherever it happens to run.
    import threading
    import weakref

    class Cycle:
        def __init__(self) -> None:
            self.me = self

    where: list[str] = []

    def leave_garbage() -> None:
        left = Cycle()
        weakref.finalize(left, lambda: where.append(threading.current_thread().name))

    started, go = threading.Event(), threading.Event()

    def work(progress: Progress) -> int:
        started.set()
        go.wait(10)
        made = 0
        for _ in range(300_000):  # cyclic garbage: enough to cross every collection threshold
            node: dict[str, object] = {}
            node["me"] = node
            made += 1
        return made

    task = Task(work)
    with qtbot.waitSignal(task.ended, timeout=30_000):
        task.start()
        qtbot.waitUntil(started.is_set, timeout=10_000)
        leave_garbage()  # a window closed while the work runs
        go.set()
    assert threading.current_thread() is threading.main_thread()
    gc.collect()
    assert where == [threading.main_thread().name]


def test_the_gui_thread_collects_the_young_generations_while_work_runs(qtbot: QtBot) -> None:
    # While a task runs the automatic collector is off; the GUI thread does its job from a timer,
    # so a long task does not let cyclic garbage pile up.
    import threading
    import weakref

    from claimdesk.gui.workers import collect_on_gui_thread

    go = threading.Event()
    task = Task(lambda progress: go.wait(10))
    with qtbot.waitSignal(task.ended, timeout=30_000):
        task.start()
        assert not gc.isenabled()
        collected: list[bool] = []

        class Cycle:
            def __init__(self) -> None:
                self.me = self

        probe = weakref.ref(Cycle())
        for _ in range(gc.get_threshold()[0] + 10):  # fill the youngest generation
            node: dict[str, object] = {}
            node["me"] = node
        assert probe() is not None  # nothing collects it on its own now
        collect_on_gui_thread()
        collected.append(probe() is None)
        go.set()
    assert gc.isenabled()
    assert collected == [True]


QUIT_WITH_A_JOB_UNDER_WAY = """
import sys, time
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QWidget
from claimdesk.core.suggest_worker import WorkerProcess

app = QApplication(["claimdesk"])


class Relay(QObject):
    ended = Signal(object, object)


window = QWidget()
relay = Relay(window)
worker = WorkerProcess("quit test")
if __name__ == "__main__":
    for _ in range(3):  # told on the reading thread, as the window's tasks are
        worker.submit(time.sleep, (5,), lambda value, error: relay.ended.emit(value, error))
    time.sleep(1.5)  # the process is running the first job
    sys.exit(0)
"""


def test_quitting_while_a_worker_process_runs_a_job_exits_cleanly(tmp_path: Path) -> None:
    # At exit the worker processes end; their reading threads used to tell the window of the
    # jobs left while Python tore it down, and the interpreter crashed (about one quit in four).
    script = tmp_path / "quit_with_a_job.py"
    script.write_text(QUIT_WITH_A_JOB_UNDER_WAY, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for _ in range(6):
        done = subprocess.run(
            [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr[-2000:]
