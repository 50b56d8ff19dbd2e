"""Suggestions worked out, and the model trained, in a process of their own.

In a thread they shared the interpreter's lock with the window: at 1 MB a label key pressed
while they ran took 10–40 times longer (the whole-text folding, the word cut and scikit-learn
hold the lock in long stretches). A process of its own runs on the other core and leaves the
window's interpreter alone; it is started once, on first use (``spawn``: a fresh interpreter,
safe beside Qt's threads), at a lower priority than the window, and ends with the program.

What crosses between the two is small and cheap to read back: the project's location, ids and
the model as pickled bytes one way; plain tuples the other (10,000 suggestion records took
50 ms to unpickle, as many tuples take 2–3 ms). The window never imports scikit-learn: it holds
a trained model as the bytes the worker made of it (`TrainedModel`).

Each `WorkerProcess` runs one job at a time, in the order given; a job that fails reports its
error (as a `WorkerError` with the message) and the process goes on; a process that dies fails
the jobs it held (`WorkerStopped`) and the next job starts a new one; one that retires (grown
past ``RETIRE_BYTES``) hands the jobs it had not read to the next. A job is written to the
process by a thread of its own: the window never waits for the process to read it.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import logging
import multiprocessing
import os
import pickle
import queue
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimdesk.core.errors import ClaimdeskError
from claimdesk.core.suggest.records import SuggestionRow, SuggestionRows

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from claimdesk.core.suggest.model import SuggestionModel

log = logging.getLogger(__name__)

NICE = 19  # the lowest priority: a core both want is the window's (POSIX; see serve)


# A worker holding more than this of its own after a job ends and gives it back (the next job
# starts another): Python keeps what it once allocated. Below it the worker keeps the index of
# the project's filed texts between computations: with a 5 MB article, 100,000 annotations and
# a trained model it holds ~380 MB of its own after each (~260 MB without a model).
def _retire_megabytes(default: int = 512) -> int:
    try:
        return max(1, int(os.environ.get("CLAIMDESK_WORKER_RETIRE_MB", default)))
    except ValueError:  # not a number: the default
        return default


RETIRE_BYTES = _retire_megabytes() * 1024 * 1024
SENDS = 3  # a job is sent to at most this many processes in turn

# Told a job's answer: (the pickled value, None) or (None, the error).
Done = Callable[[object, BaseException | None], None]


class WorkerError(ClaimdeskError):
    """A job failed in the worker process; the message is the worker's."""


class WorkerStopped(WorkerError):
    """The worker process ended before the job's answer came back."""


@dataclass(frozen=True, slots=True)
class TrainedModel:
    """A `SuggestionModel` as the worker pickled it: passed back with each job, never loaded
    in the window (which would import scikit-learn there)."""

    data: bytes
    labels: tuple[int, ...]


_LIVE: weakref.WeakSet[WorkerProcess] = weakref.WeakSet()  # for `_close_all` at exit


class WorkerProcess:
    """One process of its own for jobs ``function(*args)`` (module-level functions, picklable
    arguments); ``done(value, error)`` is called on a reading thread when the job's answer
    comes back, with ``value`` as pickled bytes (see `result`).

    A process that has grown past ``RETIRE_BYTES`` of its own memory (a long article's
    suggestions can take hundreds of megabytes, which Python keeps once it has them) ends after
    answering; the jobs it had not read yet go to the next one, started as they are. Below that
    it keeps what makes the next computation quick (the index of the project's filed texts,
    brought up to date after each edit: `claimdesk.core.suggest.engine`)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._outbox: queue.SimpleQueue[int | None] | None = None  # jobs for the writing thread
        # job -> (the connection it went out on, the job as sent, who is told, times sent)
        self._pending: dict[int, tuple[Connection, bytes, Done, int]] = {}
        self._jobs = itertools.count(1)
        self.started = 0  # processes started so far (tests, benchmarks)
        self._closed = False  # nobody is told of a job any more (see `close`)
        self._reader: threading.Thread | None = None
        _LIVE.add(self)

    @property
    def pid(self) -> int | None:
        """The running process's id (None before the first job or after it ended)."""
        process = self._process
        return process.pid if process is not None and process.is_alive() else None

    def submit(self, function: Callable[..., object], args: Sequence[Any], done: Done) -> None:
        """Queue ``function(*args)`` in the process (started if none runs)."""
        self._send(pickle.dumps((function, tuple(args)), protocol=pickle.HIGHEST_PROTOCOL), done)

    def _send(self, message: bytes, done: Done, sent: int = 0) -> None:
        # Handed to the process's writing thread: a job larger than the pipe holds (a model of a
        # few megabytes) would block the window until the process reads it, up to a second and
        # a half while a new one starts.
        failed: BaseException | None = None
        with self._lock:
            try:
                conn, outbox = self._running()
            except Exception as error:  # no process (resources, a main module that starts one)
                failed = WorkerStopped(
                    f"The background process for {self.name} could not be started: {error}"
                )
            else:
                job = next(self._jobs)
                self._pending[job] = (conn, message, done, sent + 1)
                outbox.put(job)
        if failed is not None:
            done(None, failed)

    def close(self, wait: float = 2.0) -> None:
        """End the process for good, telling no one of its pending jobs, and wait up to
        ``wait`` seconds for its reading thread to finish (see `_close_all`)."""
        self._closed = True
        reader = self._reader
        self.stop()
        if reader is not None:
            reader.join(wait)

    def stop(self) -> None:
        """End the process now (its pending jobs fail with `WorkerStopped`)."""
        with self._lock:
            process, conn, outbox = self._process, self._conn, self._outbox
        if outbox is not None:
            outbox.put(None)  # the writing thread ends
        if process is not None and process.is_alive():
            process.terminate()
            process.join(2)
        if conn is not None:
            with self._lock:  # the reading thread closes it too when the process ends
                if not conn.closed:
                    conn.close()

    # -- inside the lock ---------------------------------------------------------------------------

    def _running(self) -> tuple[Connection, queue.SimpleQueue[int | None]]:
        running, conn, jobs = self._process, self._conn, self._outbox
        if running is not None and conn is not None and jobs is not None and running.is_alive():
            return conn, jobs
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        process = context.Process(
            target=serve, args=(theirs,), name=f"claimdesk {self.name}", daemon=True
        )
        process.start()
        theirs.close()
        outbox: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        self._process, self._conn, self._outbox = process, ours, outbox
        self.started += 1
        reader = threading.Thread(
            target=self._read,
            args=(ours, process, outbox),
            name=f"claimdesk {self.name} answers",
            daemon=True,
        )
        reader.start()
        self._reader = reader
        writer = threading.Thread(
            target=self._write,
            args=(ours, outbox),
            name=f"claimdesk {self.name} jobs",
            daemon=True,
        )
        writer.start()
        return ours, outbox

    # -- on the writing thread -------------------------------------------------------------------

    def _write(self, conn: Connection, outbox: queue.SimpleQueue[int | None]) -> None:
        while (job := outbox.get()) is not None:
            with self._lock:
                entry = self._pending.get(job)
            if entry is None:
                continue  # answered for already (the process ended and it failed)
            try:
                conn.send_bytes(job.to_bytes(8, "little") + entry[1])
            except (OSError, ValueError, EOFError):
                # The process ended, or is ending (it retires after a large job, closing its
                # end first): this job and those after it go to the next one.
                self._unsent(conn, outbox, job)
                return

    def _unsent(self, conn: Connection, outbox: queue.SimpleQueue[int | None], job: int) -> None:
        with self._lock:
            if self._conn is conn:
                self._process, self._conn, self._outbox = None, None, None
            jobs = [job]
            while not outbox.empty():
                later = outbox.get()
                if later is not None:
                    jobs.append(later)
            left = [entry for j in jobs if (entry := self._pending.pop(j, None)) is not None]
        self._hand_on(left, resend=True)

    def _hand_on(self, left: list[tuple[Connection, bytes, Done, int]], *, resend: bool) -> None:
        """Jobs a process will not answer: to the next process (``resend``, at most ``SENDS``
        times each), else failed."""
        if self._closed:
            return
        for _conn, message, done, sent in left:
            if resend and sent < SENDS:
                self._send(message, done, sent)
            else:
                done(None, WorkerStopped(f"The background process for {self.name} stopped."))

    # -- on the reading thread -------------------------------------------------------------------

    def _read(
        self, conn: Connection, process: BaseProcess, outbox: queue.SimpleQueue[int | None]
    ) -> None:
        # Answers arrive as bytes; the caller unpickles them where it wants (the window: on its
        # own thread, so no Python objects are made here and the collector never runs here).
        while True:
            try:
                data = conn.recv_bytes()
            except (EOFError, OSError):
                break
            job, worked, value = _split(data)
            with self._lock:
                entry = self._pending.pop(job, None)
            if entry is None:
                continue
            done = entry[2]
            if self._closed:
                continue
            if worked:
                done(value, None)
            else:
                done(None, WorkerError(pickle.loads(value)))
        process.join(5)
        retired = process.exitcode == 0  # it ended on purpose, every answer sent
        outbox.put(None)  # its writing thread ends (what it had not sent is among the orphans)
        with self._lock:
            if self._conn is conn:
                self._process, self._conn, self._outbox = None, None, None
            orphans = [job for job, entry in self._pending.items() if entry[0] is conn]
            left = [self._pending.pop(job) for job in sorted(orphans)]
            if not conn.closed:
                conn.close()
        self._hand_on(left, resend=retired)  # a retired one had not read them: the next does


def _split(data: bytes) -> tuple[int, bool, bytes]:
    # An answer: 8 bytes of job number, one byte worked or not, then the pickled value.
    return int.from_bytes(data[:8], "little"), data[8] == 1, data[9:]


def result(value: object) -> Any:
    """A job's value from the bytes `WorkerProcess` handed to ``done``."""
    return pickle.loads(value) if isinstance(value, bytes | bytearray | memoryview) else value


def serve(conn: Connection) -> None:
    """The worker process: run each job it is sent, answer, until the window's end closes."""
    # At nice 5 the worker still took a quarter of a core the window wanted: with the other core
    # busy, a key at 5 MB waited 1–3 ms for it (the clock 8.1 ms against 7.2 of CPU). At the
    # lowest priority it has every cycle the window and other programs leave.
    with contextlib.suppress(AttributeError, OSError):  # else at the same priority
        os.nice(NICE)
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:  # 8 bytes of job number, then the pickled call
            function, args = pickle.loads(data[8:])
            reply = b"\x01" + pickle.dumps(function(*args), protocol=pickle.HIGHEST_PROTOCOL)
        except KeyboardInterrupt:
            return
        except BaseException as error:  # answered, never raised: the process serves on
            if not isinstance(error, ClaimdeskError | OSError):
                log.warning("suggestion job failed", exc_info=error)
            text = str(error) or type(error).__name__
            reply = b"\x00" + pickle.dumps(text)
        try:
            conn.send_bytes(data[:8] + reply)
        except (OSError, ValueError):
            return
        if _resident_bytes() > RETIRE_BYTES:
            return  # the window starts a fresh process for the next job (exit code 0)


def _resident_bytes() -> int:
    """This process's own resident memory: resident less what is shared (the libraries' files
    it maps, ~75 MB with scikit-learn, which the system can drop and other processes share).
    Linux; 0 where it cannot be read."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            fields = statm.read().split()
        return (int(fields[1]) - int(fields[2])) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return 0


# -- the jobs -------------------------------------------------------------------------------------

_model_cache: tuple[bytes, SuggestionModel] | None = None


def _model(trained: TrainedModel | None) -> SuggestionModel | None:
    global _model_cache
    if trained is None:
        return None
    if _model_cache is None or _model_cache[0] != trained.data:
        _model_cache = (trained.data, pickle.loads(trained.data))
    return _model_cache[1]


def work_out(
    target: Path | str,
    password: str | None,
    document_id: int,
    annotator_id: int,
    model: TrainedModel | None,
    text_length: int,
) -> list[SuggestionRow]:
    """A document's suggestions, as rows in text order within ``[0, text_length]``."""
    from claimdesk.core.store.project import Project
    from claimdesk.core.suggest.engine import suggest

    with Project.open_to_read(target, password) as project:
        try:
            found = suggest(project, document_id, annotator_id, model=_model(model))
        except KeyError:  # the document was deleted since it was asked for: nothing to suggest
            return []
    return SuggestionRows.rows_of(found, text_length)


def train(target: Path | str, password: str | None, annotator_id: int) -> TrainedModel | None:
    """The model of an annotator's annotations, pickled (None: too few of them yet)."""
    from claimdesk.core.store.project import Project
    from claimdesk.core.suggest.model import SuggestionModel, training_examples

    with Project.open_to_read(target, password) as project:
        model = SuggestionModel.train(training_examples(project, annotator_id))
    if model is None:
        return None
    return TrainedModel(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL), model.labels)


def worker_pid() -> int:
    """The process a job runs in (tests: never the window's)."""
    return os.getpid()


def _close_all() -> None:
    # At exit, before multiprocessing's own handler ends the processes (it is registered when
    # multiprocessing.connection is imported above, so it runs after this one): their reading
    # threads would then tell the window of its jobs while Python tears it down, which
    # crashed the interpreter on about one quit in four with a job under way.
    for worker in list(_LIVE):
        worker.close()


atexit.register(_close_all)

# One process for each kind of job: a training (seconds) never holds up the suggestions.
SUGGESTING = WorkerProcess("suggestions")
TRAINING = WorkerProcess("model training")

__all__ = [
    "SUGGESTING",
    "TRAINING",
    "TrainedModel",
    "WorkerError",
    "WorkerProcess",
    "WorkerStopped",
    "result",
    "serve",
    "train",
    "work_out",
    "worker_pid",
]
