"""On a shared project, a person's suggestion decisions are theirs: PostgreSQL lets them record
and undo their own, and refuses to write anyone else's (row-level security)."""

from __future__ import annotations

import psycopg
import pytest

from claimdesk.core.errors import ClaimdeskError
from claimdesk.core.store.project import Project
from claimdesk.core.suggest import Suggestion, suggest
from tests.core.store.test_server_permissions import Shared, word
from tests.core.store.test_server_permissions import shared as shared  # the fixture


def test_an_annotator_records_their_own_decisions_only(shared: Shared) -> None:
    ids = shared.ids
    with Project.open(shared.url("alice")) as mine:
        start, end = word("border")
        item = Suggestion(ids["doc"], start, end, ids["label"], "project", 0.5, "border")
        changes = mine.accept_suggestions(ids["alice"], [item])
        assert [a.quote for a in changes.annotations_added] == ["border"]
        mine.undo()
        mine.reject_suggestion(ids["alice"], item)
        assert mine.suggestion_stats(ids["alice"])["project"].rejected == 1
        # Writing Bob's decision is refused by the server, with a sentence; nothing is kept.
        with pytest.raises(ClaimdeskError):
            mine.reject_suggestion(ids["bob"], item)
        assert mine.suggestion_stats(ids["bob"])["project"].rejected == 0
        assert suggest(mine, ids["doc"], ids["alice"]) == []
    with shared.sql("alice") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(
            "INSERT INTO suggestion_decision (annotator_id, document_id, label_id, start, "
            '"end", text, source, score, accepted, created_at) VALUES '
            "(%s, %s, %s, 0, 6, 'troops', 'project', 0.5, true, now())",
            (ids["bob"], ids["doc"], ids["label"]),
        )


def test_the_suggestions_worker_process_opens_a_server_project_signed_in_the_same_way(
    shared: Shared,
) -> None:
    # The window's suggestions are worked out in a process of their own, which opens the
    # project again from what `opening()` gives: the server's URL and the password used.
    import threading

    from claimdesk.core import suggest_worker
    from claimdesk.core.suggest.records import SuggestionRows

    ids = shared.ids
    with Project.open(shared.url("alice")) as mine:
        target, password = mine.opening()
        assert password == f"pw-{shared.names['alice']}" and password not in str(target)
        text = mine.document_text(ids["doc"])
        here = SuggestionRows.rows_of(suggest(mine, ids["doc"], ids["alice"]), len(text))
    answers: list[tuple[object, BaseException | None]] = []
    arrived = threading.Event()

    def done(value: object, error: BaseException | None) -> None:
        answers.append((suggest_worker.result(value) if error is None else None, error))
        arrived.set()

    worker = suggest_worker.WorkerProcess("server test")
    try:
        worker.submit(
            suggest_worker.work_out,
            (target, password, ids["doc"], ids["alice"], None, len(text)),
            done,
        )
        assert arrived.wait(60)
    finally:
        worker.stop()
    assert answers == [(here, None)]
