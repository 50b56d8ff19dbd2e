"""Two Claimdesk processes creating the same new annotator at the same moment both get the one
annotator, without an error (before: a raw IntegrityError in 5 of 6 rounds)."""

from __future__ import annotations

import multiprocessing
import traceback
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from claimdesk.core.store.project import Project

ROUNDS = 8
WORKERS = 2


def create_annotators(path: str, barrier: Barrier, results: Any) -> None:
    try:
        with Project.open(Path(path)) as project:
            for round_ in range(ROUNDS):
                barrier.wait(timeout=60)  # all workers ask for the same new name at once
                record = project.ensure_annotator(f"Reader {round_}")
                results.put((round_, record.id, record.name, None))
    except Exception:
        results.put((-1, -1, "", traceback.format_exc()))
        barrier.abort()  # the other worker stops waiting for this one


def test_same_new_annotator_from_two_processes(project_path: Path) -> None:
    context = multiprocessing.get_context("fork")  # tests/core never imports Qt
    barrier = context.Barrier(WORKERS)
    results = context.Queue()
    workers = [
        context.Process(target=create_annotators, args=(str(project_path), barrier, results))
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
    with Project.open(project_path) as project:
        names = [a.name for a in project.annotators()]
    assert sorted(names) == sorted(f"Reader {r}" for r in range(ROUNDS))
