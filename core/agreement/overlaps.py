"""Which raters have a unit overlapping each unit: the counting step shared by span F1
(``core.metrics.span_found``) and unitizing alpha (``core.unitizing``).

Units are half-open ``[start, end)`` on one line of integer keys; callers put groups (a
document, a label, a category) on that line apart from each other, so units of different groups
never overlap. No list of pairs is built: two sorts and running counts per rater.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def group_keys(group: IntArray, start: IntArray, end: IntArray) -> tuple[IntArray, IntArray]:
    """Starts and ends moved onto one line, each group (a small non-negative int) apart."""
    shift = int(end.max()) + 1 if end.size else 1
    return group * shift + start, group * shift + end


@dataclass(frozen=True)
class Overlaps:
    """For each unit: ``before_end`` units (of anyone) start before it ends, ``before_start``
    end at or before it starts; the units overlapping it (itself included) are the first set
    less the second. ``by_start`` and ``by_end`` are the two sort orders."""

    by_start: IntArray
    by_end: IntArray
    before_end: IntArray
    before_start: IntArray


def overlaps(key_start: IntArray, key_end: IntArray) -> Overlaps:
    by_start = np.argsort(key_start, kind="stable")
    by_end = np.argsort(key_end, kind="stable")
    before_end = np.searchsorted(key_start[by_start], key_end, side="left")
    before_start = np.searchsorted(key_end[by_end], key_start, side="right")
    return Overlaps(by_start, by_end, before_end, before_start)


def raters_met(found: Overlaps, rater: IntArray, n_raters: int) -> BoolArray:
    """units × raters: whether that rater has a unit overlapping this one (its own rater does,
    by the unit itself). The per-rater counts come from running counts in the two orders."""
    met = np.zeros((rater.size, n_raters), dtype=bool)
    by_start, by_end = rater[found.by_start], rater[found.by_end]
    block = 8  # raters at a time: running counts of n × 8 stay small
    for first in range(0, n_raters, block):
        columns = np.arange(first, min(first + block, n_raters))
        started = np.zeros((rater.size + 1, columns.size), dtype=np.int32)
        ended = np.zeros((rater.size + 1, columns.size), dtype=np.int32)
        np.cumsum(by_start[:, None] == columns, axis=0, out=started[1:])
        np.cumsum(by_end[:, None] == columns, axis=0, out=ended[1:])
        met[:, columns] = started[found.before_end] > ended[found.before_start]
    return met
