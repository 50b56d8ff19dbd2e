"""WCAG contrast arithmetic, checked against values the WCAG documents and common tools give."""

from __future__ import annotations

import json

import pytest

from claimdesk.core.contrast import (
    TEXT_MINIMUM,
    blend,
    contrast_ratio,
    highlighted_text_contrast,
    parse_hex,
    readable_text,
)
from claimdesk.core.paths import resources_dir, seeds_dir


def test_black_on_white_is_21_and_a_colour_on_itself_is_1() -> None:
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast_ratio((255, 255, 255), (0, 0, 0)) == pytest.approx(21.0)
    assert contrast_ratio((31, 119, 180), (31, 119, 180)) == pytest.approx(1.0)


def test_grey_777_on_white_just_misses_the_text_minimum() -> None:
    # The classic borderline case: #777777 on white is 4.48:1, below WCAG AA's 4.5:1.
    ratio = contrast_ratio(parse_hex("#777777"), parse_hex("#ffffff"))
    assert ratio == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio(parse_hex("#767676"), parse_hex("#ffffff")) >= 4.5


def test_parse_hex_accepts_either_case_and_names_a_bad_value() -> None:
    assert parse_hex("#1F77b4") == (31, 119, 180)
    assert parse_hex("1f77b4") == (31, 119, 180)
    with pytest.raises(ValueError, match="'red'"):
        parse_hex("red")
    with pytest.raises(ValueError, match="#12345"):
        parse_hex("#12345")


def test_blend_mixes_by_alpha() -> None:
    assert blend((255, 0, 0), 255, (0, 0, 255)) == (255, 0, 0)
    assert blend((255, 0, 0), 0, (0, 0, 255)) == (0, 0, 255)
    assert blend((200, 100, 0), 128, (0, 100, 200)) == (100, 100, 100)


def test_a_strong_highlight_under_dark_text_loses_contrast() -> None:
    light = highlighted_text_contrast("#000000", 30, "#1a1a1a", "#ffffff")
    heavy = highlighted_text_contrast("#000000", 220, "#1a1a1a", "#ffffff")
    assert light > 4.5 > heavy


def _default_codebook_colours() -> list[str]:
    colours = []
    for path in (seeds_dir() / "codebook.json", resources_dir() / "default-codebook.json"):
        colours += [label["colour"] for label in json.loads(path.read_text("utf-8"))["labels"]]
    return colours


def test_readable_text_picks_black_or_white_where_wcag_switches() -> None:
    assert readable_text("#ffffff") == "#000000"
    assert readable_text("#000000") == "#ffffff"
    # Both reach the same ratio at a relative luminance of ~0.179: just above it, black wins.
    assert readable_text("#757575") == "#ffffff"
    assert readable_text("#767676") == "#000000"
    assert readable_text("#f0f0f0", dark="#1a1a1a", light="#e6e6e6") == "#1a1a1a"


def test_the_text_chosen_on_every_default_codebook_colour_reaches_the_text_minimum() -> None:
    colours = _default_codebook_colours()
    assert len(colours) >= 5
    for colour in colours:
        text = readable_text(colour)
        ratio = contrast_ratio(parse_hex(text), parse_hex(colour))
        assert ratio >= TEXT_MINIMUM, f"{text} on {colour} is {ratio:.2f}:1"
