"""The one conversion between Python code-point offsets and Qt's UTF-16 positions."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

# Characters outside the Basic Multilingual Plane take two UTF-16 code units in Qt.
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# The text is looked through for them a stretch at a time, as far as a conversion needs: opening
# a long article converts positions near its top (a screen holds a few thousand characters), and
# a 5 MB text takes ~30 ms to look through.
CHUNK = 1 << 13  # code points


class OffsetMap:
    """Converts offsets in one text between code points (core) and UTF-16 units (Qt).

    For a text with only BMP characters both units agree and no tables are built.
    Otherwise the code-point and UTF-16 starts of the astral characters are kept in sorted
    lists, one pair per stretch of ``CHUNK`` code points, built the first time a conversion
    reaches that stretch; each conversion is then one or two bisects.
    """

    __slots__ = (
        "_before",
        "_chunk_cp",
        "_chunk_u16",
        "_text",
        "_u16_starts",
        "cp_length",
        "qt_length",
    )

    def __init__(self, text: str, qt_length: int | None = None) -> None:
        """``qt_length``: the text's length in UTF-16 units when the caller has it already (the
        QTextDocument holding the text counts it); otherwise it is counted here."""
        self.cp_length = len(text)
        if qt_length is None:
            # str.isascii() is O(1)-cheap; the UTF-16 encode is the fast C-level check otherwise
            # (~2 ms a megabyte).
            qt_length = (
                self.cp_length
                if text.isascii()
                else len(text.encode("utf-16-le", "surrogatepass")) // 2
            )
        self.qt_length = qt_length
        self._text = text if self.qt_length != self.cp_length else ""
        self._chunk_cp: list[list[int]] = []  # astral code-point offsets, per stretch read
        self._chunk_u16: list[list[int]] = []  # their UTF-16 positions
        self._before: list[int] = [0]  # astral characters before each stretch (and after the last)
        self._u16_starts: list[int] = [0]  # UTF-16 position where each stretch starts

    @property
    def is_identity(self) -> bool:
        """True when code points and UTF-16 units coincide (no character outside the BMP)."""
        return self.qt_length == self.cp_length

    def _read_chunk(self) -> None:
        """Look through the next stretch of the text for astral characters."""
        k = len(self._chunk_cp)
        start = k * CHUNK
        found = [m.start() for m in _ASTRAL.finditer(self._text, start, start + CHUNK)]
        before = self._before[k]
        self._chunk_cp.append(found)
        self._chunk_u16.append([cp + before + i for i, cp in enumerate(found)])
        self._before.append(before + len(found))
        self._u16_starts.append(start + CHUNK + before + len(found))

    def to_qt(self, cp: int) -> int:
        """UTF-16 position of code-point offset cp (clamped to the text)."""
        if cp <= 0:
            return 0
        if cp >= self.cp_length:
            return self.qt_length
        if self.qt_length == self.cp_length:
            return cp
        k = cp // CHUNK
        while len(self._chunk_cp) <= k:
            self._read_chunk()
        # Each astral character before cp adds one extra unit.
        return cp + self._before[k] + bisect_left(self._chunk_cp[k], cp)

    def to_cp(self, u16: int) -> int:
        """Code-point offset of UTF-16 position u16 (clamped); inside a surrogate pair it
        rounds down to the start of that character."""
        if u16 <= 0:
            return 0
        if u16 >= self.qt_length:
            return self.cp_length
        if self.qt_length == self.cp_length:
            return u16
        while self._u16_starts[-1] <= u16:
            self._read_chunk()
        k = bisect_right(self._u16_starts, u16) - 1
        astral_u16 = self._chunk_u16[k]
        j = bisect_left(astral_u16, u16)  # astral characters of this stretch starting before u16
        if j and astral_u16[j - 1] == u16 - 1:
            return self._chunk_cp[k][j - 1]
        return u16 - self._before[k] - j

    def to_qt_range(self, start: int, end: int) -> tuple[int, int]:
        return self.to_qt(start), self.to_qt(end)

    def to_cp_range(self, start: int, end: int) -> tuple[int, int]:
        return self.to_cp(start), self.to_cp(end)
