"""Working out suggestions pauses Python's cycle collector (full collections of a big heap
doubled the time) and always turns it back on, also when several threads suggest at once or one
fails."""

from __future__ import annotations

import gc
import threading

import pytest

from claimdesk.core.suggest import engine


def test_the_collector_is_paused_only_while_suggestions_are_worked_out() -> None:
    assert gc.isenabled()
    inside = threading.Event()
    release = threading.Event()
    seen: list[bool] = []

    def hold() -> None:
        with engine.without_collection():
            inside.set()
            release.wait(5)

    other = threading.Thread(target=hold)
    other.start()
    inside.wait(5)
    with engine.without_collection():
        seen.append(gc.isenabled())
    # The other thread still holds it: still paused.
    seen.append(gc.isenabled())
    release.set()
    other.join(5)
    assert seen == [False, False]
    assert gc.isenabled()


def test_a_failure_turns_the_collector_back_on() -> None:
    with pytest.raises(RuntimeError), engine.without_collection():
        raise RuntimeError("boom")
    assert gc.isenabled()
