"""The head of a long shuffle worked out with numpy is exactly what random.shuffle gives: the same
items in the same order, whatever the length (around the powers of two, where a draw takes one
more bit), the seed and how many are kept."""

from __future__ import annotations

import random

import pytest

from claimdesk.core.suggest.shuffled import SMALL, shuffled_head

pytest.importorskip("numpy")


def shuffled(count: int, seed: int) -> list[int]:
    items = list(range(count))
    random.Random(seed).shuffle(items)
    return items


COUNTS = [0, 1, 2, 3, 100, SMALL, SMALL + 1, 5_000, 8_191, 8_192, 8_193, 16_384, 65_537, 300_001]


@pytest.mark.parametrize("count", COUNTS)
def test_the_head_is_the_shuffles_own(count: int) -> None:
    for seed in (17, 3):
        whole = shuffled(count, seed)
        for kept in {
            0,
            1,
            20,
            1_000,
            4_000,
            max(0, count - 2),
            max(0, count - 1),
            count,
            count + 5,
        }:
            assert shuffled_head(count, kept, seed) == whole[:kept], (count, kept, seed)


def test_random_lengths_and_heads() -> None:
    rng = random.Random(5)
    for _ in range(30):
        count = rng.randint(SMALL, 60_000)
        kept = rng.randint(0, count)
        seed = rng.randrange(1_000)
        assert shuffled_head(count, kept, seed) == shuffled(count, seed)[:kept]
