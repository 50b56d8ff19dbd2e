"""Other people's edits on a server project, as they happen (PostgreSQL LISTEN/NOTIFY).

Every table a window shows announces its changed rows on the channel ``claimdesk`` (schema
revision 0005: ``{"t": table, "d": document id, "a": annotator id}``). A `Listener` holds its own
psycopg connection, signed in like the project, and hands over batches of `RemoteChange`: a
burst of notices arriving close together comes as one batch. Notices sent by the project's own
pooled connections are left out: the window has shown its own edits already. When the server
goes away the listener reconnects by itself and then hands over `EVERYTHING`, since notices sent
meanwhile are lost. A file project has nothing to listen to (`listener_for` gives None).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import URL, event

if TYPE_CHECKING:
    from claimdesk.core.store.project import Project

log = logging.getLogger(__name__)

CHANNEL = "claimdesk"
# Notices arriving within this many seconds of the first one are handed over together.
GATHER_SECONDS = 0.05
# How often a quiet listener looks whether it was asked to stop.
POLL_SECONDS = 0.25
# Waits between attempts to reach a server that went away: short first, then at most this.
RETRY_SECONDS = (0.2, 0.5, 1.0, 2.0, 5.0)
# libpq's connect_timeout for the listener's connection, in seconds.
CONNECT_TIMEOUT = 10


@dataclass(frozen=True, slots=True)
class RemoteChange:
    """One row changed by someone else: its table, document and annotator (None when the row
    belongs to no document or no annotator). Table ``"*"``: anything may have changed."""

    table: str
    document_id: int | None = None
    annotator_id: int | None = None


EVERYTHING = RemoteChange("*")

Deliver = Callable[[list[RemoteChange]], None]


def parse_notice(payload: str) -> RemoteChange | None:
    """A notice's payload as a change; None for one Claimdesk did not send."""
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("t"), str):
        return None

    def whole(value: object) -> int | None:
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    return RemoteChange(data["t"], whole(data.get("d")), whole(data.get("a")))


def connect_arguments(url: URL) -> dict[str, Any]:
    """psycopg.connect keyword arguments for the same server, database, user and password as
    an engine URL (its query, e.g. sslmode, kept); without a password libpq finds its own."""
    arguments: dict[str, Any] = {
        "host": url.host,
        "port": url.port,
        "user": url.username,
        "dbname": url.database,
        "connect_timeout": CONNECT_TIMEOUT,
        "application_name": "Claimdesk live updates",
    }
    if isinstance(url.password, str):
        arguments["password"] = url.password
    for key, value in url.query.items():
        arguments[key] = value if isinstance(value, str) else value[-1]
    return {key: value for key, value in arguments.items() if value is not None}


class Listener:
    """LISTENs on its own connection in a thread of its own until `stop`; `deliver` is called
    in that thread with each batch of other people's changes."""

    def __init__(
        self,
        arguments: Mapping[str, Any],
        own: Callable[[int], bool] = lambda _pid: False,
        gather: float = GATHER_SECONDS,
    ) -> None:
        self.arguments = dict(arguments)
        self.own = own  # True for the backend pid of one of the project's own connections
        self.gather = gather
        self.listening = threading.Event()  # set while LISTEN is in effect
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._on_stop: list[Callable[[], None]] = []
        # Called in the listener's thread with True once LISTEN is in effect, False when the
        # connection is lost (the listener then tries again by itself).
        self.on_state: Callable[[bool], None] = lambda _listening: None

    def start(self, deliver: Deliver) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self.run, args=(deliver,), name="claimdesk-live", daemon=True
        )
        self._thread.start()

    def stop(self, wait: float = 1.0) -> None:
        """Stop listening (within `POLL_SECONDS`); waits at most ``wait`` seconds for it."""
        self._stop.set()
        for undo in self._on_stop:
            undo()
        self._on_stop.clear()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(wait)

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def run(self, deliver: Deliver) -> None:
        """Listen until stopped, reconnecting after a lost connection (in the calling thread)."""
        import psycopg

        attempt = 0
        lost = False
        while not self._stop.is_set():
            try:
                with psycopg.connect(autocommit=True, **self.arguments) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    self.on_state(True)
                    attempt = 0
                    if lost:  # notices sent while we were away are gone: read everything again
                        deliver([EVERYTHING])
                    self._listen(conn, deliver)
            except psycopg.Error as exc:
                self.listening.clear()
                if self._stop.is_set():
                    break
                self.on_state(False)
                lost = True
                pause = RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)]
                attempt += 1
                log.info("live updates: connection lost (%s); again in %.1f s", exc, pause)
                self._stop.wait(pause)
            except Exception:  # a bug in deliver: log it and go on listening
                log.exception("live updates: a batch could not be handed over")
                self._stop.wait(RETRY_SECONDS[-1])
        self.listening.clear()

    def _listen(self, conn: Any, deliver: Deliver) -> None:
        while not self._stop.is_set():
            batch: list[RemoteChange] = []
            for notice in conn.notifies(timeout=POLL_SECONDS, stop_after=1):
                self._take(notice, batch)
            if not batch:  # quiet, or only our own notice: nothing to hand over
                continue
            deadline = time.monotonic() + self.gather
            while (left := deadline - time.monotonic()) > 0:
                for notice in conn.notifies(timeout=left):
                    self._take(notice, batch)
            if batch:
                deliver(_unique(batch))

    def _take(self, notice: Any, batch: list[RemoteChange]) -> None:
        if notice.channel != CHANNEL or self.own(int(notice.pid)):
            return
        change = parse_notice(str(notice.payload))
        if change is not None:
            batch.append(change)

    def when_stopped(self, undo: Callable[[], None]) -> None:
        self._on_stop.append(undo)


def _unique(batch: list[RemoteChange]) -> list[RemoteChange]:
    return list(dict.fromkeys(batch))


def listener_for(project: Project) -> Listener | None:
    """A listener on the project's server (not started); None for a file project.

    The backend pid of every connection the project's pool hands out is noted as it is checked
    out, before any statement runs on it, so the notices of the project's own edits are known.
    """
    if project.server is None:
        return None
    own: set[int] = set()
    with project.reading() as conn:
        engine = conn.engine
        own.add(_backend_pid(conn.connection.dbapi_connection))

    def checked_out(dbapi_connection: Any, _record: object, _proxy: object) -> None:
        own.add(_backend_pid(dbapi_connection))

    event.listen(engine, "checkout", checked_out)
    listener = Listener(connect_arguments(engine.url), own.__contains__)
    listener.when_stopped(lambda: event.remove(engine, "checkout", checked_out))
    return listener


def _backend_pid(dbapi_connection: Any) -> int:
    try:
        return int(dbapi_connection.info.backend_pid)
    except Exception:  # a connection already closed has none
        return 0
