"""Offsets counted in UTF-16 code units, read as Claimdesk's code points.

Claimdesk counts offsets in Unicode code points (Python's ``str`` indices). Editors built on Qt
(QualCoder's coding editor stores ``QTextCursor`` positions), on JavaScript (doccano's and older
Label Studio's browser editors) or on Java count UTF-16 code units instead: a character outside
the Basic Multilingual Plane (most emoji, rare CJK ideographs, 𠀋) counts twice there, so every
offset after one is too large by one per such character. For a text without such characters the
two readings agree.
"""

from __future__ import annotations

import re
from bisect import bisect_left

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16Reading:
    """Maps UTF-16 code unit offsets of one text to code point offsets."""

    def __init__(self, text: str) -> None:
        self.length = len(text)
        # The UTF-16 position of each character outside the BMP (it takes two code units).
        self._pairs = [match.start() + n for n, match in enumerate(_ASTRAL.finditer(text))]

    @property
    def differs(self) -> bool:
        """True when the two readings give different offsets somewhere in this text."""
        return bool(self._pairs)

    def code_point(self, unit: int) -> int | None:
        """The code point offset at UTF-16 offset ``unit``; None inside a surrogate pair or
        outside the text."""
        before = bisect_left(self._pairs, unit)  # pairs that start before this position
        if before and self._pairs[before - 1] + 1 == unit:
            return None  # between the two halves of one character
        point = unit - before
        return point if 0 <= point <= self.length else None

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """``(start, end)`` in code points, or None when either end cannot be read so."""
        first, last = self.code_point(start), self.code_point(end)
        return None if first is None or last is None else (first, last)


def on_word_boundaries(text: str, start: int, end: int) -> bool:
    """True when neither end of ``text[start:end]`` cuts a word (or a number) in two."""
    if not 0 <= start < end <= len(text):
        return False
    cuts_start = start > 0 and text[start - 1].isalnum() and text[start].isalnum()
    cuts_end = end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
    return not cuts_start and not cuts_end
