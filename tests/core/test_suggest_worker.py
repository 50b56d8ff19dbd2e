"""The process suggestions are worked out in: answers, failures, a process that dies."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from claimdesk.core import suggest_worker as process
from claimdesk.core.errors import SaveError
from claimdesk.core.sample import create_sample_project
from claimdesk.core.store.project import Project
from claimdesk.core.suggest_worker import WorkerError, WorkerProcess, WorkerStopped


class Answers:
    """Collects ``done(value, error)`` calls from the reading thread."""

    def __init__(self) -> None:
        self.got: list[tuple[object, BaseException | None]] = []
        self.event = threading.Event()
        self.expected = 1

    def __call__(self, value: object, error: BaseException | None) -> None:
        self.got.append((process.result(value) if error is None else None, error))
        if len(self.got) >= self.expected:
            self.event.set()

    def wait(self, count: int = 1) -> list[tuple[object, BaseException | None]]:
        self.expected = count
        if len(self.got) < count:
            self.event.clear()
            assert self.event.wait(60), "no answer from the worker process"
        return self.got


@pytest.fixture
def worker() -> object:
    made = WorkerProcess("tests")
    yield made
    made.stop()


def test_a_job_runs_in_another_process_and_answers_in_order(worker: WorkerProcess) -> None:
    answers = Answers()
    worker.submit(process.worker_pid, (), answers)
    worker.submit(divmod, (17, 5), answers)
    got = answers.wait(2)
    pid, error = got[0]
    assert error is None and isinstance(pid, int) and pid != os.getpid()
    assert worker.pid == pid
    assert got[1] == ((3, 2), None)


@pytest.mark.skipif(not hasattr(os, "nice"), reason="process priorities are POSIX's os.nice")
def test_the_process_runs_at_the_lowest_priority_so_a_busy_core_goes_to_the_window(
    worker: WorkerProcess,
) -> None:
    answers = Answers()
    worker.submit(os.nice, (0,), answers)  # the worker's own niceness
    ((niceness, error),) = answers.wait()
    assert error is None
    assert niceness == 19 and os.nice(0) < 19


def test_a_failing_job_says_why_and_the_process_serves_on(worker: WorkerProcess) -> None:
    answers = Answers()
    worker.submit(int, ("not a number",), answers)
    worker.submit(divmod, (7, 2), answers)
    got = answers.wait(2)
    value, error = got[0]
    assert value is None and isinstance(error, WorkerError)
    assert "not a number" in str(error)
    assert got[1] == ((3, 1), None)


def test_a_process_that_dies_fails_its_jobs_and_the_next_job_starts_another(
    worker: WorkerProcess,
) -> None:
    answers = Answers()
    worker.submit(process.worker_pid, (), answers)
    first, _ = answers.wait(1)[0]
    worker.submit(os._exit, (3,), answers)  # the process ends without answering
    got = answers.wait(2)
    assert isinstance(got[1][1], WorkerStopped)
    assert "stopped" in str(got[1][1])
    worker.submit(process.worker_pid, (), answers)
    again, error = answers.wait(3)[2]
    assert error is None and again not in (first, os.getpid())


def test_suggestions_are_worked_out_from_the_project_file_in_text_order(tmp_path: Path) -> None:
    path = create_sample_project(tmp_path / "sample.claimdesk")
    with Project.open(path) as project:
        annotator = project.ensure_annotator("Ana")
        document = next(d for d in project.documents() if "troops" in project.document_text(d.id))
        text = project.document_text(document.id)
        label = project.labels()[0]
        start = text.index("troops")
        project.add_annotation(document.id, label.id, annotator.id, start, start + 6)
        opening = project.opening()
    rows = process.work_out(*opening, document.id, annotator.id, None, len(text))
    assert rows, "the other occurrences of the marked text are suggested"
    assert rows == sorted(rows, key=lambda row: (row[0], row[1], row[2]))
    assert all(text[row[0] : row[1]].lower() == "troops" for row in rows)
    assert (start, start + 6) not in {(row[0], row[1]) for row in rows}  # already marked


def test_rows_come_back_as_the_same_suggestions_in_text_order() -> None:
    from claimdesk.core.suggest.records import Suggestion, SuggestionRows

    text = "Troops 🇷🇺 left; troops e\u0301tait <b>=SUM(A1)</b> 𠀋 troops"
    made = [
        Suggestion(4, text.rindex("troops"), len(text), 2, "project", 0.5, "troops"),
        Suggestion(4, 0, 6, 1, "codebook", 0.9, "Troops"),
        Suggestion(4, 0, 6, 2, "model", 0.75, "Troops"),
        Suggestion(4, len(text) - 2, len(text) + 4, 2, "model", 0.6, "beyond the text"),
    ]
    rows = SuggestionRows.rows_of(made, len(text))
    shown = SuggestionRows(4, rows)
    assert len(shown) == 3  # the one reaching past the text's end is dropped
    assert list(shown) == [made[1], made[2], made[0]]
    assert shown[2] == made[0] and shown[-1] == made[0]
    assert shown[:2] == [made[1], made[2]]
    assert shown == [made[1], made[2], made[0]] and shown != [made[1]]
    assert shown.index(made[2]) == 1


def test_a_process_grown_too_large_ends_after_its_answer_and_the_next_takes_the_queue(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Python keeps what it once allocated: a worker past the limit (here 1 MB, so after every
    # job) gives its memory back by ending, and the jobs it had not read yet are done by the
    # next process, none lost.
    monkeypatch.setenv("CLAIMDESK_WORKER_RETIRE_MB", "1")
    small = WorkerProcess("tests")
    answers = Answers()
    try:
        for _ in range(3):
            small.submit(process.worker_pid, (), answers)
        got = answers.wait(3)
    finally:
        small.stop()
    assert [error for _, error in got] == [None, None, None]
    pids = [pid for pid, _ in got]
    assert len(set(pids)) == 3 and os.getpid() not in pids
    assert small.started == 3


def test_the_worker_reads_the_open_project_without_writing_to_it(tmp_path: Path) -> None:
    # The window writes while the worker reads: the worker's project sees what is committed,
    # writes nothing (its writes are refused), and closing it moves nothing into the file.
    path = create_sample_project(tmp_path / "sample.claimdesk")
    with Project.open(path) as window:
        annotator = window.ensure_annotator("Ana")
        document = window.documents()[0]
        label = window.labels()[0]
        window.add_annotation(document.id, label.id, annotator.id, 0, 4)
        wal = Path(f"{path}-wal")
        size = wal.stat().st_size
        reader = Project.open_to_read(*window.opening())
        try:
            assert [(a.start, a.end) for a in reader.annotations(document.id, annotator.id)] == [
                (0, 4)
            ]
            with pytest.raises(SaveError, match="readonly database"):
                reader.add_annotation(document.id, label.id, annotator.id, 5, 9)
        finally:
            reader.close()
        assert wal.stat().st_size == size  # not checkpointed by the reader
        window.add_annotation(document.id, label.id, annotator.id, 10, 14)
    with Project.open(path) as again:
        assert len(again.annotations(document.id, annotator.id)) == 2


def test_a_document_deleted_before_its_turn_has_no_suggestions(tmp_path: Path) -> None:
    path = create_sample_project(tmp_path / "sample.claimdesk")
    with Project.open(path) as project:
        annotator = project.ensure_annotator("Ana")
        missing = max(d.id for d in project.documents()) + 1
        opening = project.opening()
    assert process.work_out(*opening, missing, annotator.id, None, 100) == []


def test_a_process_found_gone_when_a_job_is_sent_is_replaced_and_the_job_done(
    worker: WorkerProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A worker that retires closes its end while it is still exiting: the window's send then
    # meets a broken pipe. The job goes to a new process instead of failing.
    from multiprocessing.connection import Connection

    answers = Answers()
    worker.submit(process.worker_pid, (), answers)
    first, _ = answers.wait(1)[0]
    real = Connection.send_bytes
    broken = [True]

    def send_bytes(self: Connection, data: bytes) -> None:
        if broken[0]:
            broken[0] = False
            raise BrokenPipeError(32, "Broken pipe")
        real(self, data)

    monkeypatch.setattr(Connection, "send_bytes", send_bytes)
    worker.submit(process.worker_pid, (), answers)
    again, error = answers.wait(2)[1]
    assert error is None and again not in (first, os.getpid())
    assert worker.started == 2


def test_a_large_job_is_handed_over_without_waiting_for_the_process_to_read_it(
    worker: WorkerProcess,
) -> None:
    # A job larger than the pipe holds (a trained model of a few megabytes) used to block the
    # window until the process read it: while it finished the job before, or while a new
    # process started (up to ~1.5 s at 5 MB).
    import time

    answers = Answers()
    answered_at: list[float] = []

    def done(value: object, error: BaseException | None) -> None:
        answered_at.append(time.monotonic())
        answers(value, error)

    worker.submit(time.sleep, (2.0,), done)  # busy: reads nothing for two seconds
    worker.submit(len, (b"m" * 8_000_000,), done)
    handed_over_at = time.monotonic()
    got = answers.wait(2)
    assert got == [(None, None), (8_000_000, None)]
    assert answered_at[0] - handed_over_at > 1.0  # handed over long before the first answer


def test_a_closed_worker_tells_no_one_and_its_process_and_thread_end() -> None:
    # As at exit: a job under way and two queued, then the worker is closed.
    worker = WorkerProcess("tests closing")
    answers = Answers()
    for _ in range(3):
        worker.submit(time.sleep, (5,), answers)
    deadline = time.monotonic() + 30
    while worker.pid is None and time.monotonic() < deadline:
        time.sleep(0.05)
    pid = worker.pid
    assert pid is not None
    worker.close()
    assert worker.pid is None
    time.sleep(0.3)  # a reading thread that was going to tell someone has had its chance
    assert answers.got == []
    assert not [t for t in threading.enumerate() if t.name == "claimdesk tests closing answers"]


def test_a_project_closed_lets_go_of_its_texts_without_the_cycle_collector(tmp_path: Path) -> None:
    # The worker opens the project for every computation: a closed one must be freed by its
    # last reference going, not wait for Python's rarest collection (a 5 MB article is 19 MB
    # of text; the worker grew by that much per computation).
    import gc
    import weakref

    path = create_sample_project(tmp_path / "sample.claimdesk")
    was = gc.isenabled()
    gc.disable()
    try:
        project = Project.open_to_read(path)
        assert project.document_text(project.documents()[0].id)
        project.close()
        gone = weakref.ref(project)
        del project
        assert gone() is None
    finally:
        if was:
            gc.enable()
