"""Snap a text selection (code-point offsets) to whole words."""

from __future__ import annotations

import unicodedata

_APOSTROPHES = frozenset("'\u2019")
_ZWJ = "\u200d"


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "L"


def _is_word_char(text: str, i: int) -> bool:
    """Letters, digits, combining marks, connector punctuation; an apostrophe between letters."""
    ch = text[i]
    cat = unicodedata.category(ch)
    if cat[0] in "LNM" or cat == "Pc":
        return True
    return (
        ch in _APOSTROPHES
        and 0 < i < len(text) - 1
        and _is_letter(text[i - 1])
        and _is_letter(text[i + 1])
    )


def _extends_previous(text: str, i: int) -> bool:
    """True if text[i] continues the character cluster before it (so i is no place to cut).

    Covers combining marks, variation selectors, emoji skin-tone modifiers and tags, characters
    joined by a zero-width joiner, and the second half of a regional-indicator flag pair.
    """
    if i <= 0 or i >= len(text):
        return False
    ch = text[i]
    prev = text[i - 1]
    if prev.isspace():
        return False
    code = ord(ch)
    if (
        ch == _ZWJ
        or prev == _ZWJ
        or unicodedata.category(ch)[0] == "M"
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tag characters (subdivision flags)
    ):
        return not ch.isspace()
    if _is_regional_indicator(ch) and _is_regional_indicator(prev):
        # Flags are pairs: i continues a flag if an odd number of indicators precede it.
        run = 0
        j = i - 1
        while j >= 0 and _is_regional_indicator(text[j]):
            run += 1
            j -= 1
        return run % 2 == 1
    return False


def _is_regional_indicator(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim whitespace off [start, end), then widen each end that falls inside a word.

    Offsets are code points. Hyphens, dashes and other punctuation are word boundaries, so
    "Soviet" selected inside "Sino-Soviet" stays "Soviet"; an apostrophe between letters is
    part of the word ("Deng's"). A character cluster such as an emoji with modifiers or a
    letter with combining accents is never cut. An empty or whitespace-only selection
    returns an empty range at the (clamped) start.
    """
    n = len(text)
    start = min(max(start, 0), n)
    end = min(max(end, 0), n)
    if end < start:
        start, end = end, start
    origin = start
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return origin, origin
    # The text around each edge is fixed, so each edge is widened on its own.
    while start > 0 and (
        _extends_previous(text, start)
        or (_is_word_char(text, start) and _is_word_char(text, start - 1))
    ):
        start -= 1
    while end < n and (
        _extends_previous(text, end) or (_is_word_char(text, end - 1) and _is_word_char(text, end))
    ):
        end += 1
    return start, end
