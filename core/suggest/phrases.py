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
from claimdesk.core.text.suggest_rules import find_words, phrase_pattern, whole_word

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
WORD = re.compile(f"[{_CJK}]|(?:(?![{_CJK}])\\w|[{_MARKS}])+")
MAX_WORDS = 12
# Up to this many phrases, each is looked for by a scan of the text (about 1 ms per MB); more
# are looked up word by word (cutting 1 MB into words costs about 100 ms, once per text).
FEW = 48
# White space of any kind reads as a space (same length, so offsets hold).
_SPACES = {ord(c): " " for c in "\t\n\r\x0b\x0c\x85\xa0\u2028\u2029\u3000"}
V = TypeVar("V")


def words(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each word of ``text``."""
    return [m.span() for m in WORD.finditer(text)]


@dataclass(frozen=True)
class Words:
    """A text cut into words once: their spans, their text and their case-folded text."""

    spans: list[tuple[int, int]]
    raw: list[str]
    folded: list[str]

    @classmethod
    def of(cls, text: str) -> Words:
        found = _CUT.get(text)
        if found is None:
            spans = words(text)
            raw = [text[s:e] for s, e in spans]
            found = cls(spans, raw, [w.casefold() for w in raw])
            if len(_CUT) >= 4:
                _CUT.pop(next(iter(_CUT)))
            _CUT[text] = found
        return found


def _haystack(text: str, *, folded: bool) -> str | None:
    """``text`` with white space as spaces (and case-folded): None when folding changes its
    length (ß, ligatures), so that offsets would not hold."""
    key = (text, folded)
    found = _HAYSTACKS.get(key, "")
    if found == "":
        made = text.casefold() if folded else text
        found = made.translate(_SPACES) if len(made) == len(text) else None
        if len(_HAYSTACKS) >= 4:
            _HAYSTACKS.pop(next(iter(_HAYSTACKS)))
        _HAYSTACKS[key] = found
    return found


_HAYSTACKS: dict[tuple[str, bool], str | None] = {}

# The last texts cut (a document is suggested for again after every edit in it); a str caches
# its hash, so looking up the same text again costs nothing.
_CUT: dict[str, Words] = {}


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

    def find(self, text: str, cut: Words | None = None) -> Iterator[tuple[int, int, V]]:
        """(start, end, value) of every whole-word occurrence of a phrase in ``text``."""
        if self._by_first:
            count = sum(len(entries) for entries in self._by_first.values())
            haystack = _haystack(text, folded=not self.case) if count <= FEW else None
            if haystack is not None:
                yield from self._find_each(text, haystack)
            else:
                yield from self._find_words(text, cut or Words.of(text))
        for phrase, values in self._odd.items():
            pattern = phrase_pattern([phrase], case=self.case)
            if pattern is None:
                continue
            for start, end in find_words(pattern, text):
                for value in values:
                    yield start, end, value

    def _find_each(self, text: str, haystack: str) -> Iterator[tuple[int, int, V]]:
        # A few phrases: one fast scan of the text for each.
        for entries in self._by_first.values():
            for _length, wanted, value in entries:
                size = len(wanted)
                at = haystack.find(wanted)
                while at >= 0:
                    if whole_word(text, at, at + size):
                        yield at, at + size, value
                    at = haystack.find(wanted, at + 1)

    def _find_words(self, text: str, cut: Words) -> Iterator[tuple[int, int, V]]:
        by_first = self._by_first
        key = self._key
        spans = cut.spans
        count = len(spans)
        tokens = cut.raw if self.case else cut.folded
        hits = [i for i, token in enumerate(tokens) if token in by_first]
        for index in hits:
            start = spans[index][0]
            for length, wanted, value in by_first[tokens[index]]:
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
