"""Long work reports progress and can be stopped: one callback type for every task in the core.

A task calls ``progress(done, total)`` now and then; the callback answers whether to go on.
`check_progress` turns a "stop" into `Cancelled`, which the task lets rise after undoing its
partial work.
"""

from __future__ import annotations

from collections.abc import Callable

from claimdesk.core.errors import Cancelled

Progress = Callable[[int, int], bool]  # (done, total) -> keep going?

__all__ = ["Cancelled", "Progress", "check_progress"]


def check_progress(progress: Progress | None, done: int, total: int) -> None:
    """Call the progress callback; raise Cancelled when it asks to stop."""
    if progress is not None and not progress(done, total):
        raise Cancelled
