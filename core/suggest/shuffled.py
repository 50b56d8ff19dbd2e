"""The first items of ``random.Random(seed).shuffle`` of a long list, worked out with numpy.

``shuffle`` walks the list from its end, swapping each item with one drawn below it: millions of
Python steps for a list of millions. The same draws come from the same generator as 32-bit words
taken many at a time (``getrandbits`` of a multiple of 32 gives them least significant first),
are turned into the same choices (``_randbelow``: the top bits, redrawn while too large), and
the swaps that bring an item into the first places are followed as chains, so the result is the
same list's head, for a few tenths of a second instead of seconds. A test holds it to
``random.shuffle`` itself.
"""

from __future__ import annotations

import random
from typing import Any

SMALL = 4096  # below this, the plain shuffle


def shuffled_head(count: int, kept: int, seed: int) -> list[int]:
    """The first ``kept`` items of ``list(range(count))`` after
    ``random.Random(seed).shuffle``."""
    if count <= SMALL or kept >= count - 1:
        items = list(range(count))
        random.Random(seed).shuffle(items)
        return items[:kept]
    import numpy as np

    size: Any = np.int32 if count < 2**31 - 1 else np.int64  # half the memory for places
    drawn: Any = _choices(count, random.Random(seed)).astype(
        size, copy=False
    )  # the place drawn at step t
    steps: Any = np.arange(count - 1, 0, -1, dtype=size)  # step t swaps place count - 1 - t
    # The swaps made before the first ``kept`` places have their turn: the item a place holds
    # when its turn comes is the one the last of them to reach it brought (the swap of the
    # nearest place after it that drew it), or its own when none did.
    early = (steps >= kept) & (drawn != steps)
    came_from: Any = np.arange(count, dtype=size)
    nearest: Any = np.full(count, count, dtype=size)
    np.minimum.at(nearest, drawn[early], steps[early])
    brought = nearest < count
    came_from[brought] = nearest[brought]
    while True:  # follow each chain to the place whose own item it carries
        further = came_from[came_from]
        if np.array_equal(further, came_from):
            break
        came_from = further
    head: list[int] = came_from[:kept].tolist()
    for place, other in zip(  # the last swaps, among the first places
        steps[count - kept :].tolist(), drawn[count - kept :].tolist(), strict=True
    ):
        head[place], head[other] = head[other], head[place]
    return head


def _choices(count: int, rng: random.Random) -> Any:
    """The place drawn at each step of ``rng.shuffle`` of ``count`` items: for the step at
    place i (from count - 1 down to 1), ``rng._randbelow(i + 1)``."""
    import numpy as np

    chosen = np.empty(count - 1, dtype=np.int32 if count < 2**31 - 1 else np.int64)
    done = 0
    words = np.empty(0, dtype=np.int64)
    at = 0

    def more(wanted: int) -> None:
        nonlocal words, at
        if len(words) - at >= wanted:
            return
        fresh = max(wanted, 1 << 20)
        raw = rng.getrandbits(32 * fresh).to_bytes(4 * fresh, "little")
        words = np.concatenate((words[at:], np.frombuffer(raw, dtype="<u4").astype(np.int64)))
        at = 0

    bound = count  # the step drawing below ``bound``
    while bound >= 2:
        bits = bound.bit_length()
        if bound <= SMALL:
            while bound >= 2:  # one by one, as _randbelow does
                bits = bound.bit_length()
                while True:
                    more(1)
                    drawn = int(words[at]) >> (32 - bits)
                    at += 1
                    if drawn < bound:
                        break
                chosen[done] = drawn
                done += 1
                bound -= 1
            break
        # Steps whose bound has this many bits, a batch at a time: a draw below every bound
        # of the batch is taken, one at or above the first is redrawn; one in between depends on
        # how many steps came before it, so the batch stops there and it is decided alone.
        lowest = max(1 << (bits - 1), 2)
        batch = min(bound - lowest + 1, max(1, 1 << (bits // 2 - 1)))
        more(4 * batch + 64)
        draws = words[at : at + 4 * batch + 64] >> (32 - bits)
        floor = bound - batch + 1
        unsure = np.flatnonzero((draws >= floor) & (draws < bound))
        sure = draws[: unsure[0]] if len(unsure) else draws
        taken = np.flatnonzero(sure < floor)
        if len(taken) >= batch:
            last = int(taken[batch - 1])
            chosen[done : done + batch] = sure[taken[:batch]]
            done += batch
            bound -= batch
            at += last + 1
            continue
        chosen[done : done + len(taken)] = sure[taken]
        done += len(taken)
        bound -= len(taken)
        at += len(sure)
        if len(unsure):
            drawn = int(draws[unsure[0]])
            at += 1
            if drawn < bound:
                chosen[done] = drawn
                done += 1
                bound -= 1
    return chosen
