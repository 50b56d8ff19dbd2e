"""What one edit costs on a server, in network exchanges: each user edit is one connection and one
transaction, with no ping before it; a pooled connection the server has ended is replaced on its
own, for reads as for edits."""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import pq
from sqlalchemy import event

from claimdesk.core.errors import EditError
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import Article, sha256_text

_SENT = re.compile(r"F\t\d+\t(Query|Execute)\t")
TEXT = "The minister said taxes would fall and prices would rise again."


@pytest.fixture
def server(pg_url: str) -> Iterator[tuple[Project, int, int, int]]:
    project = Project.create(pg_url, name="latency")
    label, _ = project.add_label("Claim", "#1f77b4")
    project.import_articles([Article(Path("a.txt"), TEXT, "a", sha256_text(TEXT), "utf-8", ())])
    document_id = project.documents()[0].id
    annotator_id = project.ensure_annotator("Ada").id
    try:
        yield project, document_id, label.id, annotator_id
    finally:
        project.close()


class Exchanges:
    """Statements sent to the server, each a round trip (libpq's own trace of the protocol:
    BEGIN and COMMIT go as Query, the rest as Execute; psycopg's one-off preparation of a
    statement used often is left out), and connections taken from the pool, while an action
    runs."""

    def __init__(self) -> None:
        self.round_trips = 0
        self.checkouts = 0
        self.empty_statements = 0


@contextmanager
def counted(project: Project) -> Iterator[Exchanges]:
    exchanges = Exchanges()
    traced: list[Any] = []
    with tempfile.TemporaryFile() as trace:

        def checked_out(dbapi_connection: Any, _record: object, _proxy: object) -> None:
            exchanges.checkouts += 1
            pgconn = dbapi_connection.pgconn
            pgconn.trace(trace.fileno())
            pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
            traced.append(pgconn)

        event.listen(project._engine, "checkout", checked_out)
        try:
            yield exchanges
        finally:
            event.remove(project._engine, "checkout", checked_out)
            for pgconn in traced:
                pgconn.untrace()
            trace.seek(0)
            lines = trace.read().decode("utf-8", "replace").splitlines()
        exchanges.round_trips = sum(bool(_SENT.match(line)) for line in lines)
        # SQLAlchemy's pre-ping is an empty statement, answered by EmptyQueryResponse.
        exchanges.empty_statements = sum("\tEmptyQueryResponse" in line for line in lines)


def measure(project: Project, action: Callable[[], object]) -> Exchanges:
    with counted(project) as exchanges:
        action()
    return exchanges


def test_an_edit_is_one_transaction_on_one_connection_with_no_ping(
    server: tuple[Project, int, int, int],
) -> None:
    project, document_id, label_id, annotator_id = server
    added: list[int] = []

    def add(start: int, end: int) -> None:
        changes = project.add_annotation(document_id, label_id, annotator_id, start, end)
        added.append(changes.annotations_added[0].id)

    project.document_text(document_id)  # the document is open: its text is at hand
    # The first edit of a document also marks it "in progress".
    first = measure(project, lambda: add(4, 12))
    # BEGIN, INSERT … SELECT … RETURNING (the checks, the row and the status in one statement),
    # the status, the edit's key, COMMIT.
    assert (first.checkouts, first.round_trips, first.empty_statements) == (1, 5, 0)
    again = measure(project, lambda: add(18, 23))
    assert (again.checkouts, again.round_trips, again.empty_statements) == (1, 4, 0)
    # BEGIN, the row as it was (for undo), UPDATE … RETURNING, the key, COMMIT.
    note = measure(project, lambda: project.set_note(added[0], "hm"))
    assert (note.checkouts, note.round_trips) == (1, 5)
    undo = measure(project, project.undo)
    assert (undo.checkouts, undo.round_trips) == (1, 4)
    delete = measure(project, lambda: project.delete_annotations([added[1]]))
    assert (delete.checkouts, delete.round_trips) == (1, 5)
    assert measure(project, project.undo).round_trips == 4
    # And the checks still refuse, in the edit's transaction, with nothing written.
    with pytest.raises(EditError, match="already filed under 'Claim'"):
        project.add_annotation(document_id, label_id, annotator_id, 4, 12)
    with pytest.raises(EditError, match="label no longer exists"):
        project.add_annotation(document_id, label_id + 99, annotator_id, 30, 35)
    assert [(a.start, a.end, a.note) for a in project.annotations(document_id, None)] == [
        (4, 12, ""),
        (18, 23, ""),
    ]
    # Refused edits are not on the history: the undone deletion can still be redone.
    assert project.history.redo_text == "Delete annotation"


def _cut_every_connection(project: Project, admin_url: str) -> int:
    """Ends every connection of the project's pool, and waits until their backends are gone (as
    after a restart): pg_terminate_backend only sends the signal."""
    database = project._engine.url.database
    mine = "FROM pg_stat_activity WHERE datname = %s AND application_name = 'Claimdesk'"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        cut = admin.execute(f"SELECT count(pg_terminate_backend(pid)) {mine}", (database,))
        (count,) = cut.fetchone() or (0,)
        for _ in range(500):
            left = admin.execute(f"SELECT count(*) {mine}", (database,)).fetchone()
            if left == (0,):
                break
            time.sleep(0.01)
    return int(count)


def test_reads_and_edits_go_on_after_the_server_ended_the_pooled_connections(
    server: tuple[Project, int, int, int], pg_url: str
) -> None:
    """No ping before use, yet a connection the server ended while it lay in the pool (a restart,
    an idle timeout, an administrator) is never handed out: the read or edit gets a new one,
    without the edit's retries (switched off here)."""
    project, document_id, label_id, annotator_id = server
    project._faults.delays = ()
    with project.reading(), project.reading():  # two connections wait in the pool afterwards
        pass
    assert _cut_every_connection(project, pg_url) >= 2
    assert [label.name for label in project.labels()] == ["Claim"]
    assert _cut_every_connection(project, pg_url) >= 1
    changes = project.add_annotation(document_id, label_id, annotator_id, 4, 12)
    assert project.annotations(document_id, annotator_id) == list(changes.annotations_added)
    assert _cut_every_connection(project, pg_url) >= 1
    project.undo()
    assert project.annotations(document_id, annotator_id) == []


def test_a_pooled_connection_is_checked_without_a_round_trip(
    server: tuple[Project, int, int, int], pg_url: str
) -> None:
    from claimdesk.core.store.postgresql import still_connected

    project, *_ = server
    with project.reading() as conn:
        dbapi = conn.connection.dbapi_connection
        assert still_connected(dbapi)
        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (dbapi.info.backend_pid,))
        # The backend sends its last words and closes the socket as soon as it gets the signal.
        for _ in range(500):
            if not still_connected(dbapi):
                break
            time.sleep(0.01)
        assert not still_connected(dbapi)


def test_undoing_a_note_on_an_annotation_someone_deleted_meanwhile_says_so(
    server: tuple[Project, int, int, int],
) -> None:
    """The changed row comes back from the UPDATE itself; when none does, the undo is refused
    with a sentence instead of being reported as done."""
    project, document_id, label_id, annotator_id = server
    added = project.add_annotation(document_id, label_id, annotator_id, 4, 12)
    annotation_id = added.annotations_added[0].id
    project.set_note(annotation_id, "first thoughts")
    with project.reopen() as colleague:
        colleague.delete_annotations([annotation_id])
    with pytest.raises(EditError, match="someone else deleted it meanwhile"):
        project.undo()
    assert project.history.undo_text == "Edit note"  # still there to try again
    assert project.annotations(document_id, None) == []


def test_a_silently_dropped_network_is_noticed_within_seconds_not_hours(
    server: tuple[Project, int, int, int],
) -> None:
    # libpq's keepalives and tcp_user_timeout are set on every connection of a server project:
    # without them a pulled cable leaves a read waiting for the system's two-hour default.
    project, *_ = server
    with project.reading() as conn:
        settings = conn.connection.dbapi_connection.info.get_parameters()
    assert settings["keepalives"] == "1"
    assert int(settings["keepalives_idle"]) <= 10
    assert int(settings["tcp_user_timeout"]) <= 15_000
