"""Live updates on a server project: another client's edits arrive as batches, ours do not, and
the listener finds the server again after losing it (a real PostgreSQL cluster)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from claimdesk.core.codebook import load_codebook
from claimdesk.core.importing import import_paths
from claimdesk.core.paths import seeds_dir
from claimdesk.core.store.live import (
    EVERYTHING,
    Listener,
    RemoteChange,
    listener_for,
    parse_notice,
)
from claimdesk.core.store.project import Project

Batches = queue.Queue[list[RemoteChange]]


@pytest.fixture
def server_project(pg_url: str) -> Iterator[Project]:
    project = Project.create(pg_url, codebook=load_codebook(seeds_dir() / "codebook.json"))
    import_paths(project, sorted(seeds_dir().glob("*.txt")))
    yield project
    project.close()


@pytest.fixture
def listening(server_project: Project) -> Iterator[tuple[Listener, Batches]]:
    listener = listener_for(server_project)
    assert listener is not None
    batches: Batches = queue.Queue()
    listener.start(batches.put)
    assert listener.listening.wait(5)
    yield listener, batches
    listener.stop()


def _annotate(project: Project, name: str) -> tuple[int, int]:
    annotator = project.ensure_annotator(name)
    document = project.documents()[0].id
    label = project.labels()[0].id
    project.add_annotation(document, label, annotator.id, 0, 5)
    return document, annotator.id


def _drain(batches: Batches, seconds: float) -> list[RemoteChange]:
    seen: list[RemoteChange] = []
    try:
        while True:
            seen += batches.get(timeout=seconds)
    except queue.Empty:
        return seen


def test_another_clients_annotation_arrives_within_a_second(
    server_project: Project, pg_url: str, listening: tuple[Listener, Batches]
) -> None:
    _listener, batches = listening
    with Project.open(pg_url) as other:
        document, annotator = _annotate(other, "Bea")
    arrived = _drain(batches, 1.0)
    assert RemoteChange("annotation", document, annotator) in arrived


def test_our_own_edits_are_not_handed_back(
    server_project: Project, listening: tuple[Listener, Batches]
) -> None:
    _listener, batches = listening
    _annotate(server_project, "Ana")
    document = server_project.documents()[0].id
    server_project.set_note(server_project.annotations(document, None)[0].id, "mine")
    assert _drain(batches, 0.6) == []


def test_a_burst_comes_as_few_batches(
    server_project: Project, pg_url: str, listening: tuple[Listener, Batches]
) -> None:
    _listener, batches = listening
    with Project.open(pg_url) as other:
        bea = other.ensure_annotator("Bea")
        document = other.documents()[0].id
        label = other.labels()[0].id
        text = other.document_text(document)
        letters = [i for i, c in enumerate(text) if c.isalnum()][:20]
        for start in letters:
            other.add_annotation(document, label, bea.id, start, start + 1)
    first = batches.get(timeout=1.0)
    rest = _drain(batches, 0.5)
    # 20 inserts (and their status rows) of one document by one person: the same changes,
    # handed over once per batch rather than once per row.
    arrived = first + rest
    assert {c for c in arrived if c.table == "annotation"} == {
        RemoteChange("annotation", document, bea.id)
    }
    assert len(arrived) < 20


def test_listener_comes_back_after_losing_the_server(
    server_project: Project, pg_url: str, listening: tuple[Listener, Batches]
) -> None:
    listener, batches = listening
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'Claimdesk live updates'"
        )
    # Whatever happened while it was away is unknown: it asks for everything to be read again.
    assert EVERYTHING in _drain(batches, 2.0)
    assert listener.listening.is_set()
    with Project.open(pg_url) as other:
        document, annotator = _annotate(other, "Bea")
    assert RemoteChange("annotation", document, annotator) in _drain(batches, 1.0)


def test_stop_ends_the_thread(listening: tuple[Listener, Batches]) -> None:
    listener, _batches = listening
    listener.stop()
    assert not any(t.name == "claimdesk-live" and t.is_alive() for t in threading.enumerate())


def test_a_file_project_has_nothing_to_listen_to(project_path: Path) -> None:
    with Project.open(project_path) as project:
        assert listener_for(project) is None


def test_notices_claimdesk_did_not_send_are_ignored() -> None:
    assert parse_notice("not json") is None
    assert parse_notice('{"x": 1}') is None
    assert parse_notice('{"t": "annotation", "d": 3, "a": null}') == RemoteChange("annotation", 3)


def test_in_a_blind_project_a_notice_does_not_say_whose_work_changed(pg_url: str) -> None:
    # Anyone signed in may LISTEN; in a blind project the notice names the document only.
    with Project.create(pg_url) as project:
        import_paths(project, sorted(seeds_dir().glob("*.txt")))
        project.add_label("Claim", "#1f77b4")
        listener = psycopg.connect(pg_url, autocommit=True)
        try:
            listener.execute("LISTEN claimdesk")
            open_ = _annotate(project, "Ana")
            assert [n for n in _notices(listener) if '"annotation"' in n] == [
                f'{{"t" : "annotation", "d" : {open_[0]}, "a" : {open_[1]}}}'
            ]
            with psycopg.connect(pg_url, autocommit=True) as admin:
                admin.execute("UPDATE project SET blind = true")
            _notices(listener)
            blind = _annotate(project, "Bo")
            notices = [n for n in _notices(listener) if '"annotation"' in n]
            assert notices == [f'{{"t" : "annotation", "d" : {blind[0]}, "a" : null}}']
        finally:
            listener.close()


def _notices(conn: psycopg.Connection[tuple[object, ...]]) -> list[str]:
    return [n.payload for n in conn.notifies(timeout=0.5)]
