"""Spans (half-open integer ranges with a label) and a sorted index to query them by position."""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from itertools import compress, count, islice
from operator import eq, itemgetter, le
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


# A span as the store reads it: (id, start, end, label_id), a plain tuple. A Span is one too.
# Plain tuples of numbers cost least to make and are dropped from the cycle collector's watch;
# a hundred thousand Span objects (a tuple subclass) stay watched, and made the collector walk
# the whole program's heap twice each time a long article was opened.
SpanRow = tuple[int, int, int, int]

span_order = itemgetter(1, 2, 0)  # (start, end, id): the order of a SpanIndex's spans and rows
_id_of = itemgetter(0)
_start_of = itemgetter(1)
_end_of = itemgetter(2)
_make_span = Span._make


def as_span(row: SpanRow) -> Span:
    """The Span of a stored row (the row itself when it is one)."""
    return row if type(row) is Span else _make_span(row)


class SpanIndex:
    """Spans sorted by (start, end, id) in parallel lists, queried with bisect.

    It holds the rows it was given (plain ``SpanRow`` tuples or Spans) and hands out Spans, made
    for the few a query returns.

    A query for [start, end) only looks at spans whose start lies in
    (start - longest, end), so it costs O(log n + window) rather than a scan.
    Each span also gets a lane: a small integer that differs between overlapping
    spans. Lanes are assigned greedily in start order on first use and then kept
    stable: a new span takes the lowest lane free among the spans it overlaps,
    and no other span moves.
    """

    __slots__ = (
        "_by_id",
        "_ends",
        "_lanes",
        "_longest",
        "_longest_stale",
        "_spans",
        "_starts",
        "_sweep",
    )

    def __init__(self, spans: Iterable[SpanRow] = ()) -> None:
        # Built with one sort and C-level passes: at 100k spans every Python-level loop over
        # the spans costs milliseconds, and touching them in sorted (random) order costs more.
        items = list(spans)
        starts = list(map(_start_of, items))
        ends = list(map(_end_of, items))
        by_id = dict(zip(map(_id_of, items), items, strict=True))
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
        self._spans: list[SpanRow] = items
        self._starts: list[int] = starts
        self._ends: list[int] = ends
        self._by_id: dict[int, SpanRow] = by_id
        self._longest = max(lengths, default=0)
        self._longest_stale = False
        self._lanes: dict[int, int] | None = None
        # Lanes are handed out in text order as far as asked (the first screen of a long article
        # needs a few); the rest on `complete_lanes`, or before any change.
        self._sweep: Iterator[None] | None = None

    # --- container protocol -------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._spans)

    def __iter__(self) -> Iterator[Span]:
        return map(as_span, self._spans)

    def __contains__(self, span_id: object) -> bool:
        return span_id in self._by_id

    def get(self, span_id: int) -> Span | None:
        row = self._by_id.get(span_id)
        return None if row is None else as_span(row)

    def snapshot(self) -> tuple[list[SpanRow], dict[int, SpanRow]]:
        """Copies of the rows in (start, end, id) order and of the rows by id: what another
        holder of the same spans (the annotation list) starts from, for a copy of two
        containers (a memory copy) rather than the sort and the tuples an index is built with."""
        return self._spans.copy(), self._by_id.copy()

    # --- changes ------------------------------------------------------------------------------

    def add(self, span: Span) -> None:
        """Insert one span (O(log n) search plus one list insert)."""
        if span.id in self._by_id:
            raise ValueError(f"span id {span.id} is already in the index")
        if span.end < span.start:
            raise ValueError("a span must not end before it starts")
        self.complete_lanes()  # the sweep walks the list about to change
        i = bisect_left(self._spans, span_order(span), key=span_order)
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
        if span_id not in self._by_id:
            return None
        self.complete_lanes()
        row = self._by_id.pop(span_id)
        span = as_span(row)
        i = bisect_left(self._spans, span_order(span), key=span_order)
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
        return [as_span(spans[i]) for i in range(lo, hi) if ends[i] > start]

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
        lanes = self._lanes
        if lanes is not None and span_id in lanes:
            return lanes[span_id]
        if span_id not in self._by_id:
            raise KeyError(span_id)
        if lanes is None:
            lanes = self._lanes = {}
            self._sweep = _greedy_lanes(self._spans, lanes)
        sweep = self._sweep
        assert sweep is not None  # a span without its lane: the sweep has not reached it
        while span_id not in lanes:
            next(sweep)
        return lanes[span_id]

    def lane_count(self) -> int:
        """Number of lanes in use (0 for an empty index)."""
        lanes = self._lane_map()
        return max(lanes.values(), default=-1) + 1

    @property
    def lanes_begun(self) -> bool:
        """Whether some span has been given its lane (the rest follow on ``complete_lanes``)."""
        return self._lanes is not None

    @property
    def lanes_left(self) -> bool:
        """Whether lanes were begun and some span still waits for its own (the next change,
        or ``complete_lanes``, hands them all out)."""
        return self._sweep is not None

    def complete_lanes(self) -> None:
        """Hand every span its lane now (lanes are otherwise handed out as far as asked)."""
        if self._sweep is not None:
            for _ in self._sweep:
                pass
            self._sweep = None

    # --- helpers ------------------------------------------------------------------------------

    def _lane_map(self) -> dict[int, int]:
        if self._lanes is None:
            self._lanes = {}
            self._sweep = _greedy_lanes(self._spans, self._lanes)
        self.complete_lanes()
        return self._lanes


def _order_ties(ordered: list[SpanRow], starts: list[int], ends: list[int]) -> None:
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
        run = sorted(ordered[lo:run_end], key=span_order)
        ordered[lo:run_end] = run
        ends[lo:run_end] = list(map(_end_of, run))


def _greedy_lanes(ordered: list[SpanRow], lanes: dict[int, int]) -> Iterator[None]:
    """Interval colouring in start order: each span takes the lowest lane free at its start.

    Fills ``lanes`` one span at a time, pausing after each; ``ordered`` must not change
    until the sweep is over."""
    busy: list[tuple[int, int]] = []  # (end, lane) of spans still open
    free: list[int] = []
    next_lane = 0
    heappush, heappop = heapq.heappush, heapq.heappop
    for span_id, start, end, _label in ordered:
        while busy and busy[0][0] <= start:
            heappush(free, heappop(busy)[1])
        if free:
            lane = heappop(free)
        else:
            lane = next_lane
            next_lane += 1
        lanes[span_id] = lane
        heappush(busy, (end, lane))
        yield
