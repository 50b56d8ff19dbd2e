"""Finding many phrases at once in a long text: the text is cut into words once, and each phrase
is looked up by its first word (thousands of phrases cost one pass, not one regex each).

Words are runs of letters, digits and combining marks; each Han or kana character is a word of
its own (those scripts put no spaces between words). A phrase that does not begin and end with
a word (an emoji, punctuation) is matched by a regular expression instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from claimdesk.core.suggest.records import fold
from claimdesk.core.text.suggest_rules import find_words, phrase_pattern

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
WORD = re.compile(f"[{_CJK}]|(?:(?![{_CJK}])\\w|[{_MARKS}])+")
MAX_WORDS = 12
V = TypeVar("V")


def words(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each word of ``text``."""
    return [m.span() for m in WORD.finditer(text)]


@dataclass
class PhraseIndex(Generic[V]):
    """Phrases (each with a value: a label id and a score, say) looked up by their first word."""

    case: bool = False
    _by_first: dict[str, list[tuple[int, str, V]]] = field(default_factory=dict)
    _odd: dict[str, list[V]] = field(default_factory=dict)

    def add(self, phrase: str, value: V) -> None:
        spans = words(phrase)
        if not spans:
            self._odd.setdefault(phrase, []).append(value)
            return
        if spans[0][0] != 0 or spans[-1][1] != len(phrase) or len(spans) > MAX_WORDS:
            self._odd.setdefault(phrase, []).append(value)
            return
        key = self._key(phrase[spans[0][0] : spans[0][1]])
        wanted = self._key(" ".join(phrase.split()))
        self._by_first.setdefault(key, []).append((len(spans), wanted, value))

    def _key(self, text: str) -> str:
        return " ".join(text.split()) if self.case else fold(text)

    def __bool__(self) -> bool:
        return bool(self._by_first or self._odd)

    def find(
        self, text: str, spans: list[tuple[int, int]] | None = None
    ) -> Iterator[tuple[int, int, V]]:
        """(start, end, value) of every whole-word occurrence of a phrase in ``text``."""
        if self._by_first:
            spans = words(text) if spans is None else spans
            yield from self._find_words(text, spans)
        for phrase, values in self._odd.items():
            pattern = phrase_pattern([phrase], case=self.case)
            if pattern is None:
                continue
            for start, end in find_words(pattern, text):
                for value in values:
                    yield start, end, value

    def _find_words(self, text: str, spans: list[tuple[int, int]]) -> Iterator[tuple[int, int, V]]:
        by_first = self._by_first
        key = self._key
        count = len(spans)
        for index, (start, end) in enumerate(spans):
            entries = by_first.get(key(text[start:end]))
            if entries is None:
                continue
            for length, wanted, value in entries:
                last = index + length - 1
                if last >= count:
                    continue
                stop = spans[last][1]
                if length == 1 or key(text[start:stop]) == wanted:
                    yield start, stop, value


def index_of(entries: Iterable[tuple[str, V]], *, case: bool = False) -> PhraseIndex[V]:
    index: PhraseIndex[V] = PhraseIndex(case=case)
    for phrase, value in entries:
        index.add(phrase, value)
    return index
