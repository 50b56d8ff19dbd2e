"""snap_to_words: examples from news text, odd characters, and properties."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from claimdesk.core.text.snapping import snap_to_words


def _snapped(text: str, start: int, end: int) -> str:
    a, b = snap_to_words(text, start, end)
    return text[a:b]


def _select(text: str, fragment: str, left: int = 0, right: int = 0) -> tuple[int, int]:
    """Offsets of fragment in text, shrunk by left/right characters."""
    i = text.index(fragment)
    return i + left, i + len(fragment) - right


@pytest.mark.parametrize(
    ("text", "fragment", "left", "right", "expected"),
    [
        ("the Sino-Soviet border", "Sino-Soviet", 6, 2, "Soviet"),
        ("the Sino-Soviet border", "Sino-Soviet", 2, 0, "Sino-Soviet"),
        ("Deng's reforms", "Deng's", 1, 3, "Deng's"),
        ("They’ve gone", "They’ve", 2, 2, "They’ve"),
        ("the students' books", "students' books", 2, 0, "students' books"),
        ("  leading spaces  ", "leading spaces  ", 0, 0, "leading spaces"),
        ("a café au lait", "café", 1, 1, "café"),
        ("a cafe\u0301 au lait", "cafe\u0301", 1, 2, "cafe\u0301"),  # combining acute
        ("the 1,000 Chinese", "1,000", 3, 0, "000"),
        ("snake_case word", "snake_case", 2, 2, "snake_case"),
        ("1980s—the decade", "1980s—the", 2, 1, "1980s—the"),
        ("«Soviet» Union", "Soviet", 1, 1, "Soviet"),
    ],
)
def test_examples(text: str, fragment: str, left: int, right: int, expected: str) -> None:
    start, end = _select(text, fragment, left, right)
    assert _snapped(text, start, end) == expected


def test_punctuation_is_not_widened_into() -> None:
    text = "Beijing, workers"
    i = text.index(",")
    assert _snapped(text, i + 1, len(text) - 2) == "workers"


def test_empty_and_whitespace_only_selections_are_empty() -> None:
    text = "one  two"
    assert snap_to_words(text, 2, 2) == (2, 2)
    assert snap_to_words(text, 3, 5) == (3, 3)


def test_clamps_and_orders() -> None:
    text = "alpha beta"
    assert snap_to_words(text, -5, 3) == (0, 5)
    assert snap_to_words(text, 8, 99) == (6, 10)
    assert snap_to_words(text, 8, 7) == (6, 10)
    assert snap_to_words("", 0, 4) == (0, 0)


def test_characters_outside_the_bmp() -> None:
    text = "rare 𠀀𠀁 chars 👍 end"
    i = text.index("𠀀")
    assert _snapped(text, i + 1, i + 2) == "𠀀𠀁"  # CJK ideographs are letters
    j = text.index("👍")
    assert snap_to_words(text, j, j + 1) == (j, j + 1)  # an emoji is a single code point


@pytest.mark.parametrize(
    "cluster",
    [
        "👍🏽",  # skin-tone modifier
        "👨\u200d👩\u200d👧",  # zero-width-joiner family
        "❤\ufe0f",  # variation selector
        "🇫🇷",  # regional-indicator flag
    ],
)
def test_emoji_clusters_are_never_split(cluster: str) -> None:
    text = f"we {cluster} it"
    i = text.index(cluster)
    for start in range(i, i + len(cluster)):
        for end in range(start + 1, i + len(cluster) + 1):
            assert snap_to_words(text, start, end) == (i, i + len(cluster)), (start, end)


def test_two_flags_in_a_row_split_between_flags() -> None:
    text = "🇫🇷🇩🇪"
    assert snap_to_words(text, 2, 3) == (2, 4)
    assert snap_to_words(text, 1, 2) == (0, 2)


alphabet = st.sampled_from(
    [
        *"ab Zé1_-'’.,\n\t",
        "\u0301",
        "\u200d",
        "\ufe0f",
        "👍",
        "🏽",
        "🇫",
        "🇷",
        "𠀀",
        "\u00a0",
        "\u2029",
    ]
)
texts = st.text(alphabet=alphabet, max_size=40)


@given(texts, st.integers(-3, 45), st.integers(-3, 45))
@example("a\u0301 b", 1, 2)
@example(" \u0301x", 1, 3)
@example("a'b", 1, 2)
def test_properties(text: str, start: int, end: int) -> None:
    a, b = snap_to_words(text, start, end)
    assert 0 <= a <= b <= len(text)
    lo, hi = sorted((min(max(start, 0), len(text)), min(max(end, 0), len(text))))
    core = text[lo:hi].strip()
    if core:
        trimmed_start = lo + (len(text[lo:hi]) - len(text[lo:hi].lstrip()))
        trimmed_end = trimmed_start + len(core)
        assert a <= trimmed_start and trimmed_end <= b
        assert not text[a].isspace() and not text[b - 1].isspace()
    else:
        assert a == b == lo
    assert snap_to_words(text, a, b) == (a, b)  # idempotent
