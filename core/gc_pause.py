"""Python's cycle collector paused around work that makes tens of thousands of short-lived
objects (suggestions in a long document, a class's submissions collected and graded).

Such objects are freed by reference counting (they form no cycles), yet each allocation counts
towards a collection, and the full collections they trigger walk the whole program's heap: on a
big heap that doubled the time of the work. Held by several threads at once, collection resumes
when the last one lets go.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_HOLDS = 0
_WAS_ENABLED = False
_HOLDS_LOCK = threading.Lock()


@contextmanager
def without_collection() -> Iterator[None]:
    """The cycle collector paused inside the block (and turned back on after, also on error)."""
    global _HOLDS, _WAS_ENABLED
    with _HOLDS_LOCK:
        if _HOLDS == 0:
            _WAS_ENABLED = gc.isenabled()
            gc.disable()
        _HOLDS += 1
    try:
        yield
    finally:
        with _HOLDS_LOCK:
            _HOLDS -= 1
            if _HOLDS == 0 and _WAS_ENABLED:
                gc.enable()
