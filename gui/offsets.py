"""The one conversion between Python code-point offsets and Qt's UTF-16 positions."""

from __future__ import annotations

import re
from bisect import bisect_left

# Characters outside the Basic Multilingual Plane take two UTF-16 code units in Qt.
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    """Converts offsets in one text between code points (core) and UTF-16 units (Qt).

    For a text with only BMP characters both units agree and no tables are built.
    Otherwise the code-point and UTF-16 starts of every astral character are kept in
    sorted lists and each conversion is one bisect.
    """

    __slots__ = ("_astral_cp", "_astral_u16", "cp_length", "qt_length")

    def __init__(self, text: str) -> None:
        self.cp_length = len(text)
        # str.isascii() is O(1)-cheap; the UTF-16 encode is the fast C-level check otherwise.
        self.qt_length = (
            self.cp_length
            if text.isascii()
            else len(text.encode("utf-16-le", "surrogatepass")) // 2
        )
        if self.qt_length == self.cp_length:
            self._astral_cp: list[int] = []
            self._astral_u16: list[int] = []
        else:
            self._astral_cp = [m.start() for m in _ASTRAL.finditer(text)]
            self._astral_u16 = [cp + k for k, cp in enumerate(self._astral_cp)]

    @property
    def is_identity(self) -> bool:
        """True when code points and UTF-16 units coincide (no character outside the BMP)."""
        return not self._astral_cp

    def to_qt(self, cp: int) -> int:
        """UTF-16 position of code-point offset cp (clamped to the text)."""
        if cp <= 0:
            return 0
        if cp >= self.cp_length:
            return self.qt_length
        if not self._astral_cp:
            return cp
        # Each astral character before cp adds one extra unit.
        return cp + bisect_left(self._astral_cp, cp)

    def to_cp(self, u16: int) -> int:
        """Code-point offset of UTF-16 position u16 (clamped); inside a surrogate pair it
        rounds down to the start of that character."""
        if u16 <= 0:
            return 0
        if u16 >= self.qt_length:
            return self.cp_length
        if not self._astral_u16:
            return u16
        k = bisect_left(self._astral_u16, u16)  # astral characters starting before u16
        if k and self._astral_u16[k - 1] == u16 - 1:
            return self._astral_cp[k - 1]
        return u16 - k

    def to_qt_range(self, start: int, end: int) -> tuple[int, int]:
        return self.to_qt(start), self.to_qt(end)

    def to_cp_range(self, start: int, end: int) -> tuple[int, int]:
        return self.to_cp(start), self.to_cp(end)
