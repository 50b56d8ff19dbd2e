"""Colours for new labels: distinct from every colour in use, also for colour-blind eyes."""

from __future__ import annotations

import json
from itertools import combinations

import pytest

from claimdesk.core.palette import (
    MIN_DISTANCE,
    PALETTE,
    VISIONS,
    ciede2000,
    distance,
    next_colour,
    simulate,
    to_lab,
)
from claimdesk.core.paths import seeds_dir

SAMPLE = [label["colour"] for label in json.loads(
    (seeds_dir() / "codebook.json").read_text(encoding="utf-8"))["labels"]]  # fmt: skip


# Sharma, Wu and Dalal (2005), the CIEDE2000 test data (pairs 1, 7, 11, 17–20, 24).
@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0009), 7.1792),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((50.0, 2.5, 0.0), (61.0, -5.0, 29.0), 22.8977),
        ((50.0, 2.5, 0.0), (56.0, -27.0, -3.0), 31.9030),
        ((50.0, 2.5, 0.0), (58.0, 24.0, 15.0), 19.4535),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ],
)
def test_ciede2000_matches_the_published_pairs(
    first: tuple[float, float, float], second: tuple[float, float, float], expected: float
) -> None:
    assert ciede2000(first, second) == pytest.approx(expected, abs=1e-4)
    assert ciede2000(second, first) == pytest.approx(expected, abs=1e-4)


def test_lab_of_white_and_of_the_sample_red() -> None:
    assert to_lab("#ffffff") == pytest.approx((100.0, 0.0, 0.0), abs=1e-3)
    assert to_lab("#D62728") == pytest.approx((46.85, 65.10, 44.42), abs=0.01)


def test_colour_blind_vision_merges_red_and_green_but_not_greys() -> None:
    for grey in ("#000000", "#777777", "#ffffff"):
        assert simulate(grey, "deuteranopia") == simulate(grey, "protanopia") == grey
    red, green = "#d62728", "#2ca02c"
    assert ciede2000(to_lab(red), to_lab(green)) > 60
    assert ciede2000(to_lab(red, "deuteranopia"), to_lab(green, "deuteranopia")) < 10
    assert ciede2000(to_lab(red, "protanopia"), to_lab(green, "protanopia")) < 30
    assert distance(red, green) < MIN_DISTANCE


def distinct_in_every_vision(colour: str, others: list[str]) -> bool:
    return all(
        ciede2000(to_lab(colour, vision), to_lab(other.lower(), vision)) >= MIN_DISTANCE
        for other in others
        for vision in VISIONS
    )


def test_a_new_label_in_the_sample_codebook_stands_apart() -> None:
    colour = next_colour(SAMPLE)
    assert colour.lower() not in {c.lower() for c in SAMPLE}
    assert colour != "#d62728"  # the red of "Arms embargo / sanctions"
    assert distinct_in_every_vision(colour, SAMPLE)


def test_repeated_adds_stay_distinct() -> None:
    used = list(SAMPLE)
    for _ in range(5):
        colour = next_colour(used)
        assert distinct_in_every_vision(colour, used), (colour, used)
        used.append(colour)
    for _ in range(10):  # past what can stay that far apart: still never a colour in use
        colour = next_colour(used)
        assert colour not in used
        assert min(distance(colour, other) for other in used) > 2.3  # still noticeably apart
        used.append(colour)


def test_an_empty_codebook_follows_the_palette() -> None:
    used: list[str] = []
    for _ in range(10):
        used.append(next_colour(used))
    assert used[:3] == list(PALETTE[:3])
    assert all(distance(a, b) >= MIN_DISTANCE for a, b in combinations(used, 2))


def test_colours_compare_by_value_and_bad_values_are_ignored() -> None:
    assert next_colour(["#E69F00"]) != PALETTE[0]
    assert next_colour(["E69F00", "not a colour", ""]) == PALETTE[1]
    assert next_colour([]) == PALETTE[0]
