"""40 annotators editing one server project at once, 500 mixed edits each (add, relabel, note,
delete, undo): afterwards the server holds exactly what each annotator's own log of committed
edits says, no span lost or doubled, and no writer saw an error (a lock wait included)."""

from __future__ import annotations

import time
from pathlib import Path

from tests.server_writers import make_project, run_writers

WRITERS = 40
EDITS = 500


def test_forty_writers_lose_nothing_and_double_nothing(pg_url: str, tmp_path: Path) -> None:
    make_project(pg_url)
    began = time.perf_counter()
    run = run_writers(pg_url, tmp_path, WRITERS, EDITS)
    print(f"{WRITERS} writers × {EDITS} edits: {run.committed} committed in {run.seconds:.1f} s")
    assert run.errors == []
    assert len(run.expected) == WRITERS
    assert run.committed > WRITERS * EDITS * 0.9  # a few picks are skipped, not failed
    for name, expected in run.expected.items():
        found = run.found[name]
        lost = expected.keys() - found.keys()
        extra = found.keys() - expected.keys()
        assert not lost, f"{name}: {len(lost)} committed spans missing"
        assert not extra, f"{name}: {len(extra)} spans on the server that its log does not have"
        assert found == expected, f"{name}: a span differs from the log"
    assert time.perf_counter() - began < 300
