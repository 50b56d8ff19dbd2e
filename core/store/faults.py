"""Edits on a server that survive a lost connection: never lost, never applied twice.

Each edit carries a key (uuid4 hex) inserted into ``applied_edit`` in the edit's own transaction.
When the connection drops or the server restarts during an edit, the writer reconnects and tries
again a few times with backoff. If the drop came while committing, the answer may have been lost
after the server committed: the key is looked up first, and a found key means "saved, do not run it
again". An edit that cannot be committed ends in a ``SaveError`` sentence; one whose fate could not
be checked stays *pending* until the server is back and `settle` finds out.

Keys are forgotten when a project is opened, once older than `KEEP_KEYS` (see `forget_old_keys`).
"""

from __future__ import annotations

import contextlib
import copy
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from claimdesk.core.errors import EditConflict, EditError, SaveError, ServerUnreachable
from claimdesk.core.records import Changes
from claimdesk.core.store.edits import Command
from claimdesk.core.store.postgresql import first_line, is_driver_disconnect, refusal
from claimdesk.core.store.tables import applied_edit_table, utcnow

# Seconds between attempts: ~4 s in all, enough for a server restart (pg_ctl restart takes ~1 s).
RETRY_DELAYS = (0.1, 0.3, 0.6, 1.0, 2.0)

Step = Callable[[Connection], Changes]
# How long a key is kept. A retry looks its key up within seconds; `settle` looks it up when the
# server is back, which after a long weekend's outage may be days later: a week covers that (and
# any plausible difference between a client's clock, which stamps the key, and the server's).
KEEP_KEYS = "7 days"
# The keys of no edit still in doubt. SKIP LOCKED: people opening the project at the same moment
# trim side by side instead of waiting on each other's rows. Also the body of the SECURITY DEFINER
# function `server init` makes (server_admin), so annotators, who may not DELETE, trim too.
FORGET_OLD_KEYS = (
    "DELETE FROM {table} WHERE key IN (SELECT key FROM {table} "
    "WHERE applied_at < (now() AT TIME ZONE 'UTC') - interval '" + KEEP_KEYS + "' "
    "FOR UPDATE SKIP LOCKED)"
)
FORGET_FUNCTION = "claimdesk_forget_old_edit_keys"
# Built once (see core/store/edits.py): run with the edit's key and time.
_RECORD_KEY = insert(applied_edit_table)


@dataclass
class Pending:
    """An edit whose commit was under way when the connection was lost for good."""

    key: str
    changes: Changes
    committed: Callable[[], None]  # pushes the command on the undo history


def retryable(error: BaseException) -> bool:
    """A lost connection, a server going down or starting up, a lock wait or deadlock given up:
    the transaction was rolled back, so running it again is safe."""
    return is_driver_disconnect(error) or isinstance(error, OperationalError)


class RetryingWriter:
    """Runs one command's step per transaction on a server, with its key and the retries."""

    def __init__(self, engine: Engine, path: Path) -> None:
        self._engine = engine
        self._path = path
        self.delays: tuple[float, ...] = RETRY_DELAYS
        self.pending: Pending | None = None

    def run(
        self, step: Step, command: Command | None, committed: Callable[[], None] | None = None
    ) -> Changes:
        """Run ``step`` once, whatever the connection does; ``committed`` is called once it is
        (now, or later from `settle` when its commit could not be confirmed)."""
        key = uuid.uuid4().hex
        # The command keeps what it did (ids, rows for undo): an attempt that was rolled back
        # must not leave its traces in the command that runs again.
        before = _snapshot(command)
        changes: Changes | None = None
        committing = False
        problem: BaseException | None = None
        for delay in (0.0, *self.delays):
            if delay:
                time.sleep(delay)
            try:
                if committing:
                    assert changes is not None
                    if self._committed(key):  # the server committed; only its answer was lost
                        return _done(changes, committed)
                    committing = False
                    _restore(command, before)
                with self._engine.connect() as conn, conn.begin():
                    changes = step(conn)
                    conn.execute(_RECORD_KEY, {"key": key, "applied_at": utcnow()})
                    committing = True
                return _done(changes, committed)
            except IntegrityError as exc:
                raise EditConflict(f"The server refused the change: {first_line(exc)}") from exc
            except DBAPIError as exc:
                refused = refusal(exc)  # the signed-in role may not: no retry will help
                if refused is not None:
                    raise EditError(refused) from exc
                if not retryable(exc):
                    raise SaveError(
                        f"The change could not be saved on the server: {first_line(exc)}"
                    ) from exc
                problem = exc
                if not committing:
                    _restore(command, before)
        reason = first_line(problem) if problem is not None else "no answer"
        if committing and changes is not None:
            # Sent for commit, then silence: whether it was saved is known only once it is back.
            self.pending = Pending(key, changes, committed or (lambda: None))
            raise SaveError(
                "The connection to the server was lost while this change was being saved "
                f"({reason}); it may not be saved. Claimdesk checks once the server is back."
            ) from problem
        raise unreachable(problem) from problem

    @contextmanager
    def connection(self, begin: bool = False) -> Iterator[Connection]:
        """A connection (in a transaction when ``begin``) whose loss ends in a sentence."""
        try:
            with self._engine.connect() as conn:
                if not begin:
                    # Reads without BEGIN and ROLLBACK: two network exchanges less each time, and
                    # the same answers (under READ COMMITTED every statement has its own snapshot).
                    yield conn.execution_options(isolation_level="AUTOCOMMIT")
                    return
                with conn.begin():
                    yield conn
        except DBAPIError as exc:
            if retryable(exc):
                raise unreachable(exc) from exc
            raise
        except Exception as exc:
            # Reads on the driver's own cursor (driver.PlainQuery) see psycopg's error unwrapped.
            if _driver_lost(exc):
                raise unreachable(exc) from exc
            raise

    def reachable(self) -> bool:
        try:
            with self._engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except DBAPIError:
            return False
        return True

    def settle(self) -> tuple[Changes | None, bool]:
        """Once the server is back: was the pending edit committed after all?

        Returns (its changes, True) when it was (it is then on the undo history), (None, True)
        when there was none or it was not, (None, False) when the server still cannot say.
        """
        pending = self.pending
        if pending is None:
            return None, True
        try:
            found = self._committed(pending.key)
        except DBAPIError:
            return None, False
        self.pending = None
        if not found:
            return None, True
        pending.committed()
        return pending.changes, True

    def _committed(self, key: str) -> bool:
        query = select(applied_edit_table.c.key).where(applied_edit_table.c.key == key)
        with self._engine.connect() as conn:
            return conn.execute(query).first() is not None


def forget_old_keys(engine: Engine) -> None:
    """Trim ``applied_edit`` on a server: through `server init`'s function when there is one (any
    of the project's people may run it), else directly (a project nobody ran `server init` on is
    its owner's). A trim that cannot run is left for the next open: it never stops an open."""
    with contextlib.suppress(DBAPIError), engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        try:
            conn.execute(text(f"SELECT {FORGET_FUNCTION}()"))
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) == "42883":  # undefined_function
                conn.execute(text(FORGET_OLD_KEYS.format(table="applied_edit")))


def unreachable(problem: BaseException | None) -> ServerUnreachable:
    reason = first_line(problem) if problem is not None else "no answer"
    return ServerUnreachable(
        f"The server cannot be reached ({reason}): nothing was saved. "
        "Claimdesk keeps trying to reconnect.",
        reason,
    )


def _driver_lost(error: BaseException) -> bool:
    import psycopg

    return isinstance(error, psycopg.OperationalError)


def _done(changes: Changes, committed: Callable[[], None] | None) -> Changes:
    if committed is not None:
        committed()
    return changes


def _snapshot(command: Command | None) -> dict[str, Any] | None:
    return None if command is None else copy.deepcopy(vars(command))


def _restore(command: Command | None, state: dict[str, Any] | None) -> None:
    if command is not None and state is not None:
        vars(command).clear()
        vars(command).update(copy.deepcopy(state))
