"""A server project whose connection is cut or whose server restarts in the middle of an edit: the
edit is committed exactly once or reported as not saved, and the next edit works without reopening.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import Connection, event, func, select, text

from claimdesk.core.errors import SaveError
from claimdesk.core.records import Changes, Status
from claimdesk.core.store import edits
from claimdesk.core.store.project import Project
from claimdesk.core.store.tables import annotation_table, applied_edit_table
from claimdesk.core.text.textio import Article, sha256_text
from tests.pgserver import PgCluster


def _article(text_: str, name: str) -> Article:
    return Article(Path(f"{name}.txt"), text_, name, sha256_text(text_), "utf-8", ())


def _terminate(admin_url: str, pid: int) -> None:
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def _backend_pid(conn: Connection) -> int:
    return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _count_spans(project: Project) -> int:
    with project.reading() as conn:
        return int(conn.execute(select(func.count()).select_from(annotation_table)).scalar_one())


def _count_keys(project: Project) -> int:
    with project.reading() as conn:
        query = select(func.count()).select_from(applied_edit_table)
        return int(conn.execute(query).scalar_one())


@pytest.fixture
def server_project(pg_url: str) -> Iterator[tuple[Project, int, int, int]]:
    project = Project.create(pg_url, name="faults")
    project._faults.delays = (0.05, 0.1, 0.2)
    label, _ = project.add_label("Claim", "#1f77b4", shortcut="1")
    project.import_articles([_article("The minister said taxes would fall.", "a")])
    document_id = project.documents()[0].id
    annotator = project.ensure_annotator("Ada")
    try:
        yield project, document_id, label.id, annotator.id
    finally:
        project.close()


class CutMidEdit(edits.Command):
    """Wraps a command: its first run loses its connection after the first statement."""

    def __init__(self, inner: edits.Command, admin_url: str) -> None:
        self.inner = inner
        self.admin_url = admin_url
        # A function, not a counter: a retried command gets back its state from before the
        # attempt, but a function is kept as it is, so the cut happens only once.
        self.first_run = _once()
        self.description = inner.description

    def apply(self, conn: Connection) -> Changes:
        changes = self.inner.apply(conn)
        if self.first_run():
            _terminate(self.admin_url, _backend_pid(conn))
            conn.execute(text("SELECT 1"))  # the connection is gone: this raises
        return changes

    def revert(self, conn: Connection) -> Changes:
        return self.inner.revert(conn)


def test_connection_cut_mid_edit_is_retried_and_committed_once(
    server_project: tuple[Project, int, int, int], pg_url: str
) -> None:
    project, document_id, label_id, annotator_id = server_project
    add = edits.AddAnnotation(document_id, label_id, annotator_id, 4, 12, "minister")
    changes = project.apply(CutMidEdit(add, pg_url))
    assert _count_spans(project) == 1
    (record,) = changes.annotations_added
    assert project.annotations(document_id, annotator_id) == [record]
    assert project.status(document_id, annotator_id) is Status.IN_PROGRESS
    # Undo takes back exactly that one; the next edit works on the same open project.
    project.undo()
    assert _count_spans(project) == 0
    assert project.status(document_id, annotator_id) is Status.TODO
    project.add_annotation(document_id, label_id, annotator_id, 22, 27)
    assert _count_spans(project) == 1


def test_answer_lost_after_the_server_committed_is_not_applied_again(
    server_project: tuple[Project, int, int, int], pg_url: str
) -> None:
    """The server commits, then the connection dies before the client hears it: the retry finds
    the edit's key and does not run it a second time."""
    project, document_id, label_id, annotator_id = server_project
    keys_before = _count_keys(project)
    cut = {"armed": True}

    def commit_then_cut(conn: Connection) -> None:
        if cut.pop("armed", False):
            driver = conn.connection.dbapi_connection
            assert driver is not None
            driver.commit()  # the server has it…
            _terminate(pg_url, _backend_pid(conn))  # …and the answer never arrives

    event.listen(project._engine, "commit", commit_then_cut)
    try:
        changes = project.add_annotation(document_id, label_id, annotator_id, 4, 12)
    finally:
        event.remove(project._engine, "commit", commit_then_cut)
    assert "armed" not in cut
    assert _count_spans(project) == 1
    assert _count_keys(project) == keys_before + 1
    (record,) = changes.annotations_added
    # The undo journal is the committed edit's: undo removes that very row.
    assert project.history.undo_text == "Add annotation"
    project.undo()
    assert _count_spans(project) == 0
    project.redo()
    assert project.annotations(document_id, annotator_id) == [record]


def test_server_unreachable_is_reported_and_nothing_saved(
    server_project: tuple[Project, int, int, int], pg_url: str, monkeypatch: Any
) -> None:
    project, document_id, label_id, annotator_id = server_project
    real_connect = project._engine.connect

    def refused() -> Any:
        raise_refused = psycopg.OperationalError("connection refused (server down)")
        from sqlalchemy.exc import OperationalError

        raise OperationalError("connect", {}, raise_refused)

    monkeypatch.setattr(project._engine, "connect", refused)
    with pytest.raises(SaveError, match="nothing was saved"):
        project.add_annotation(document_id, label_id, annotator_id, 4, 12)
    # The edit itself (not only the checks before it) tries again, then gives up with a sentence.
    add = edits.AddAnnotation(document_id, label_id, annotator_id, 4, 12, "minister")
    with pytest.raises(SaveError, match=r"cannot be reached .*nothing was saved"):
        project.apply(add)
    assert project.check_connection() is False
    monkeypatch.setattr(project._engine, "connect", real_connect)
    assert project.check_connection() is True
    assert project.history.undo_text == "Import 1 document"  # the failed edit is not on it
    assert _count_spans(project) == 0
    project.add_annotation(document_id, label_id, annotator_id, 4, 12)
    assert _count_spans(project) == 1


def test_server_restart_mid_edit(tmp_path: Any) -> None:
    """pg_ctl restart while an edit is in its transaction: committed once, no reopening."""
    cluster = PgCluster.start()
    try:
        url = cluster.create_database("restart")
        project = Project.create(url, name="restart")
        try:
            label, _ = project.add_label("Claim", "#1f77b4")
            project.import_articles([_article("Prices rose by ten percent.", "b")])
            document_id = project.documents()[0].id
            annotator_id = project.ensure_annotator("Bo").id
            add = edits.AddAnnotation(document_id, label.id, annotator_id, 0, 6, "Prices")

            class RestartMidEdit(CutMidEdit):
                def apply(self, conn: Connection) -> Changes:
                    changes = self.inner.apply(conn)
                    if self.first_run():
                        restart = threading.Thread(target=_restart, args=(cluster,))
                        restart.start()
                        restart.join()
                        conn.execute(text("SELECT 1"))
                    return changes

            project.apply(RestartMidEdit(add, url))
            assert _count_spans(project) == 1
            project.add_annotation(document_id, label.id, annotator_id, 17, 20)
            assert _count_spans(project) == 2
        finally:
            project.close()
    finally:
        cluster.stop()


def _once() -> Any:
    left = [True]

    def first() -> bool:
        return left.pop() if left else False

    return first


def _restart(cluster: PgCluster) -> None:
    pg_ctl = str(cluster.bindir / "pg_ctl")
    options = f"-p {cluster.port}"
    data, log = str(cluster.data), str(cluster.log)  # with a log, pg_ctl's pipes close at once
    cluster._run([pg_ctl, "-D", data, "-l", log, "-m", "fast", "-w", "-o", options, "restart"])


def test_commit_cut_off_with_the_server_gone_is_settled_when_it_is_back(
    server_project: tuple[Project, int, int, int], pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The commit went out and the server vanished: the edit is reported as maybe not saved, and
    once the server answers, Claimdesk finds it was saved and puts it on the undo history."""
    project, document_id, label_id, annotator_id = server_project
    engine = project._engine
    real_connect = engine.connect

    def refused() -> Any:
        from sqlalchemy.exc import OperationalError

        raise OperationalError("connect", {}, Exception("connection refused"))

    def commit_then_vanish(conn: Connection) -> None:
        driver = conn.connection.dbapi_connection
        assert driver is not None
        driver.commit()
        _terminate(pg_url, _backend_pid(conn))
        monkeypatch.setattr(engine, "connect", refused)  # and the server stays away

    event.listen(engine, "commit", commit_then_vanish, once=True)
    add = edits.AddAnnotation(document_id, label_id, annotator_id, 4, 12, "minister")
    with pytest.raises(SaveError, match="may not be saved"):
        project.apply(add)
    assert project.settle() == (None, False)  # the server cannot say yet
    monkeypatch.setattr(engine, "connect", real_connect)
    changes, known = project.settle()
    assert known
    assert changes is not None and len(changes.annotations_added) == 1
    assert project.history.undo_text == "Add annotation"
    assert _count_spans(project) == 1
    project.undo()
    assert _count_spans(project) == 0


def test_a_student_signed_in_with_their_own_role_gets_the_same_guarantee(pg_url: str) -> None:
    """Row-level security in force (server init, add-user): the student's edit whose answer was
    lost is found by its key and not applied twice; one cut mid-edit is retried."""
    from claimdesk.core.codebook import load_codebook
    from claimdesk.core.paths import seeds_dir
    from claimdesk.core.store import server_admin
    from claimdesk.core.store.location import parse_server_url

    location, _ = parse_server_url(pg_url)
    server_admin.init(pg_url, codebook=load_codebook(seeds_dir() / "codebook.json")).close()
    login = f"stu_{location.database}"
    server_admin.add_user(pg_url, None, login, "annotator", "pw-student")
    with Project.open(pg_url) as admin:
        admin.import_articles([_article("The minister said taxes would fall.", "a")])
        document_id = admin.documents()[0].id
        label_id = admin.labels()[0].id
    student_url = f"postgresql://{login}:pw-student@127.0.0.1:{location.port}/{location.database}"
    with Project.open(student_url) as student:
        student._faults.delays = (0.05, 0.1, 0.2)
        me = student.signed_in_annotator()
        assert me is not None

        def commit_then_cut(conn: Connection) -> None:
            driver = conn.connection.dbapi_connection
            assert driver is not None
            driver.commit()
            _terminate(pg_url, _backend_pid(conn))

        event.listen(student._engine, "commit", commit_then_cut, once=True)
        student.add_annotation(document_id, label_id, me.id, 4, 12)
        add = edits.AddAnnotation(document_id, label_id, me.id, 22, 27, "taxes")
        student.apply(CutMidEdit(add, pg_url))
        spans = [(r.start, r.end) for r in student.annotations(document_id, me.id)]
        assert spans == [(4, 12), (22, 27)]
        student.undo()
        student.undo()
        assert student.annotations(document_id, me.id) == []
