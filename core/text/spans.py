"""Spans (half-open integer ranges with a label) and a sorted index to query them by position."""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from itertools import compress, count, islice
from operator import attrgetter, eq, itemgetter, le
from typing import NamedTuple


class Span(NamedTuple):
    """A labelled half-open range [start, end) in whatever integer unit its owner uses."""

    id: int
    start: int
    end: int
    label_id: int

    @property
    def length(self) -> int:
        return self.end - self.start


_sort_key = attrgetter("start", "end", "id")
_start_of = attrgetter("start")
_end_of = attrgetter("end")


class SpanIndex:
    """Spans sorted by (start, end, id) in parallel lists, queried with bisect.

    A query for [start, end) only looks at spans whose start lies in
    (start - longest, end), so it costs O(log n + window) rather than a scan.
    Each span also gets a lane: a small integer that differs between overlapping
    spans. Lanes are assigned greedily in start order on first use and then kept
    stable: a new span takes the lowest lane free among the spans it overlaps,
    and no other span moves.
    """

    __slots__ = ("_by_id", "_ends", "_lanes", "_longest", "_longest_stale", "_spans", "_starts")

    def __init__(self, spans: Iterable[Span] = ()) -> None:
        # Built with one sort and C-level passes: at 100k spans every Python-level loop over
        # the spans costs milliseconds, and touching them in sorted (random) order costs more.
        items = list(spans)
        starts = list(map(_start_of, items))
        ends = list(map(_end_of, items))
        by_id = {s.id: s for s in items}
        if len(by_id) != len(items):
            raise ValueError("span ids must be unique")
        lengths = list(map(int.__sub__, ends, starts))
        if lengths and min(lengths) < 0:
            raise ValueError("a span must not end before it starts")
        if not all(map(le, starts, islice(starts, 1, None))):
            order = sorted(range(len(starts)), key=starts.__getitem__)
            gather = itemgetter(*order)  # len(items) >= 2 here, so gather returns tuples
            items = list(gather(items))
            starts = list(gather(starts))
            ends = list(gather(ends))
        _order_ties(items, starts, ends)
        self._spans: list[Span] = items
        self._starts: list[int] = starts
        self._ends: list[int] = ends
        self._by_id: dict[int, Span] = by_id
        self._longest = max(lengths, default=0)
        self._longest_stale = False
        self._lanes: dict[int, int] | None = None

    # --- container protocol -------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._spans)

    def __iter__(self) -> Iterator[Span]:
        return iter(self._spans)

    def __contains__(self, span_id: object) -> bool:
        return span_id in self._by_id

    def get(self, span_id: int) -> Span | None:
        return self._by_id.get(span_id)

    # --- changes ------------------------------------------------------------------------------

    def add(self, span: Span) -> None:
        """Insert one span (O(log n) search plus one list insert)."""
        if span.id in self._by_id:
            raise ValueError(f"span id {span.id} is already in the index")
        if span.end < span.start:
            raise ValueError("a span must not end before it starts")
        i = bisect_left(self._spans, _sort_key(span), key=_sort_key)
        self._spans.insert(i, span)
        self._starts.insert(i, span.start)
        self._ends.insert(i, span.end)
        self._by_id[span.id] = span
        self._longest = max(self._longest, span.length)
        if self._lanes is not None:
            others = self.overlapping(span.start, span.end)
            taken = {self._lanes[o.id] for o in others if o.id != span.id}
            lane = 0
            while lane in taken:
                lane += 1
            self._lanes[span.id] = lane

    def remove(self, span_id: int) -> Span | None:
        """Remove a span by id; return it, or None if it was not there."""
        span = self._by_id.pop(span_id, None)
        if span is None:
            return None
        i = bisect_left(self._spans, _sort_key(span), key=_sort_key)
        del self._spans[i]
        del self._starts[i]
        del self._ends[i]
        if self._lanes is not None:
            del self._lanes[span_id]
        if span.length == self._longest:
            # The window stays correct while too wide; shrink it on the next query.
            self._longest_stale = True
        return span

    # --- queries ------------------------------------------------------------------------------

    def overlapping(self, start: int, end: int) -> list[Span]:
        """Spans with span.start < end and span.end > start, in (start, end, id) order."""
        if self._longest_stale:
            self._longest = max(map(int.__sub__, self._ends, self._starts), default=0)
            self._longest_stale = False
        lo = bisect_right(self._starts, start - self._longest)
        hi = bisect_left(self._starts, end)
        ends = self._ends
        spans = self._spans
        return [spans[i] for i in range(lo, hi) if ends[i] > start]

    def at(self, pos: int) -> list[Span]:
        """Spans containing pos (start <= pos < end), innermost (shortest) first."""
        found = self.overlapping(pos, pos + 1)
        found.sort(key=lambda s: (s.end - s.start, -s.start, s.id))
        return found

    def lanes(self) -> dict[int, int]:
        """Lane of every span, by span id (a copy)."""
        return dict(self._lane_map())

    def lane_of(self, span_id: int) -> int:
        """Lane of one span; raises KeyError for an unknown id."""
        return self._lane_map()[span_id]

    def lane_count(self) -> int:
        """Number of lanes in use (0 for an empty index)."""
        lanes = self._lane_map()
        return max(lanes.values(), default=-1) + 1

    # --- helpers ------------------------------------------------------------------------------

    def _lane_map(self) -> dict[int, int]:
        if self._lanes is None:
            self._lanes = _greedy_lanes(self._spans)
        return self._lanes


def _order_ties(ordered: list[Span], starts: list[int], ends: list[int]) -> None:
    """Sort each run of equal starts in place by (end, id), keeping `ends` parallel."""
    # compress() walks the list in C and yields only the indices that repeat a start.
    repeats = compress(count(1), map(eq, islice(starts, 1, None), starts))
    run_end = 0
    for i in repeats:
        if i < run_end:
            continue
        lo = i - 1
        run_end = i + 1
        while run_end < len(starts) and starts[run_end] == starts[lo]:
            run_end += 1
        run = sorted(ordered[lo:run_end], key=_sort_key)
        ordered[lo:run_end] = run
        ends[lo:run_end] = [s.end for s in run]


def _greedy_lanes(ordered: list[Span]) -> dict[int, int]:
    """Interval colouring in start order: each span takes the lowest lane free at its start."""
    lanes: dict[int, int] = {}
    busy: list[tuple[int, int]] = []  # (end, lane) of spans still open
    free: list[int] = []
    next_lane = 0
    heappush, heappop = heapq.heappush, heapq.heappop
    for span in ordered:
        start = span.start
        while busy and busy[0][0] <= start:
            heappush(free, heappop(busy)[1])
        if free:
            lane = heappop(free)
        else:
            lane = next_lane
            next_lane += 1
        lanes[span.id] = lane
        heappush(busy, (span.end, lane))
    return lanes
