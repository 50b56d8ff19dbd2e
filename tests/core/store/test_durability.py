"""Nothing lost, nothing locked: a few rounds of the stress script in the suite.

`benchmarks/stress_durability.py` runs the same checks at scale (hundreds of SIGKILL trials,
thousands of concurrent edits); the figures are in the README's Guarantees table.
"""

from __future__ import annotations

from benchmarks.stress_durability import run_kill, run_writers


def test_every_edit_reported_saved_survives_sigkill() -> None:
    done, lost = run_kill(trials=6, seed=7)
    assert done > 50
    assert lost == 0


def test_the_kill_check_finds_an_edit_reported_before_it_was_saved() -> None:
    # A writer that says "saved" before saving must be caught, or the check above proves nothing.
    _, lost = run_kill(trials=6, seed=7, early=True)
    assert lost > 0


def test_two_writers_at_once_lose_nothing_and_never_see_a_lock() -> None:
    counts = run_writers(edits=150, seed=3)
    assert counts["failed"] == 0
    assert counts["ok"] > 250
    assert counts["stored"] == counts["ok"]
    assert counts["shared"] == 1
