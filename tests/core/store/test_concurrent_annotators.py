"""Two Claimdesk processes creating the same new annotator at the same moment both get the one
annotator, without an error (before: a raw IntegrityError in 5 of 6 rounds)."""

from __future__ import annotations

import multiprocessing
import traceback
from multiprocessing.synchronize import Barrier
from typing import Any

import pytest

from claimdesk.core.store.project import Project

pytestmark = pytest.mark.both_dialects

ROUNDS = 8
WORKERS = 2


def create_annotators(location: str, barrier: Barrier, results: Any) -> None:
    try:
        with Project.open(location) as project:
            for round_ in range(ROUNDS):
                barrier.wait(timeout=60)  # all workers ask for the same new name at once
                record = project.ensure_annotator(f"Reader {round_}")
                results.put((round_, record.id, record.name, None))
    except Exception:
        results.put((-1, -1, "", traceback.format_exc()))
        barrier.abort()  # the other worker stops waiting for this one


def test_same_new_annotator_from_two_processes(project: Project) -> None:
    location = project.location  # a file path, or a server URL
    project.close()  # no connection of this process is shared with the forked ones
    context = multiprocessing.get_context("fork")  # tests/core never imports Qt
    barrier = context.Barrier(WORKERS)
    results = context.Queue()
    workers = [
        context.Process(target=create_annotators, args=(location, barrier, results))
        for _ in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    answers = []
    while len(answers) < WORKERS * ROUNDS:
        answers.append(results.get(timeout=120))
        if answers[-1][3]:
            break
    for worker in workers:
        worker.join(timeout=60)
    errors = [error for *_, error in answers if error]
    assert errors == []
    assert [worker.exitcode for worker in workers] == [0] * WORKERS
    for round_ in range(ROUNDS):
        ids = {id_ for r, id_, _name, _ in answers if r == round_}
        assert len(ids) == 1, f"round {round_}: {ids}"
    with Project.open(location) as reopened:
        names = [a.name for a in reopened.annotators()]
    assert sorted(names) == sorted(f"Reader {r}" for r in range(ROUNDS))
