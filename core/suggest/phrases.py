"""Finding many phrases at once in a long text: the text is cut into words once, and each phrase
is looked up by its first word (thousands of phrases cost one pass, not one regex each).

Words are runs of letters, digits and combining marks; each Han or kana character is a word of
its own (those scripts put no spaces between words). A phrase that does not begin and end with
a word (an emoji, punctuation) is matched by a regular expression instead.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from claimdesk.core.text.suggest_rules import find_words, phrase_pattern, whole_word

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
WORD = re.compile(f"[{_CJK}]|(?:(?![{_CJK}])\\w|[{_MARKS}])+")
MAX_WORDS = 40
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
            _remember(_CUT, text, found)
        return found


def _haystack(text: str, *, folded: bool) -> str | None:
    """``text`` with white space as spaces (and case-folded): None when folding changes its
    length (ß, ligatures), so that offsets would not hold."""
    key = (text, folded)
    found = _HAYSTACKS.get(key, "")
    if found == "":
        made = text.casefold() if folded else text
        found = made.translate(_SPACES) if len(made) == len(text) else None
        _remember(_HAYSTACKS, key, found)
    return found


K = TypeVar("K")
T = TypeVar("T")
# Suggestions are computed on worker threads: the caches are changed under a lock.
_LOCK = threading.Lock()


def _remember(cache: dict[K, T], key: K, value: T) -> None:
    with _LOCK:
        while len(cache) >= 4:
            cache.pop(next(iter(cache)))
        cache[key] = value


_HAYSTACKS: dict[tuple[str, bool], str | None] = {}

# The last texts cut (a document is suggested for again after every edit in it); a str caches
# its hash, so looking up the same text again costs nothing.
_CUT: dict[str, Words] = {}


@dataclass(frozen=True, slots=True)
class _Entry(Generic[V]):
    """A phrase as its words, the text between them, and what stands before and after them."""

    whole: str  # the phrase, white space as single spaces (case-folded unless case matters)
    core: str  # from its first word to its last, the same way
    before: str
    after: str
    value: V


@dataclass
class PhraseIndex(Generic[V]):
    """Phrases (each with a value: a label id and a score, say), looked up by their words."""

    case: bool = False
    # A tree of words: each node holds the phrases that end there and the words that go on.
    _tree: dict[str, _Node[V]] = field(default_factory=dict)
    _odd: dict[str, list[V]] = field(default_factory=dict)
    _count: int = 0

    def add(self, phrase: str, value: V) -> None:
        phrase = " ".join(phrase.split())
        spans = words(phrase)
        if not spans or len(spans) > MAX_WORDS:
            self._odd.setdefault(phrase, []).append(value)
            return
        key = self._key
        tokens = tuple(key(phrase[s:e]) for s, e in spans)
        first, last = spans[0][0], spans[-1][1]
        entry = _Entry(
            key(phrase), key(phrase[first:last]), key(phrase[:first]), key(phrase[last:]), value
        )
        level = self._tree
        for token in tokens[:-1]:
            level = level.setdefault(token, _Node()).children
        node = level.setdefault(tokens[-1], _Node())
        if len(tokens) == 1 and not entry.before and not entry.after:
            node.bare.append(value)
        else:
            node.entries.append(entry)
        self._count += 1

    def _key(self, text: str) -> str:
        return text if self.case else text.casefold()

    def __bool__(self) -> bool:
        return bool(self._count or self._odd)

    def find(self, text: str, cut: Words | None = None) -> Iterator[tuple[int, int, V]]:
        """(start, end, value) of every whole-word occurrence of a phrase in ``text``."""
        if self._count:
            haystack = _haystack(text, folded=not self.case) if self._count <= FEW else None
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

    def _entries(self) -> Iterator[_Entry[V]]:
        waiting = list(self._tree.items())
        while waiting:
            token, node = waiting.pop()
            yield from node.entries
            for value in node.bare:  # a bare word is its own whole and core
                yield _Entry(token, token, "", "", value)
            waiting.extend(node.children.items())

    def _find_each(self, text: str, haystack: str) -> Iterator[tuple[int, int, V]]:
        # A few phrases: one fast scan of the text for each.
        for entry in self._entries():
            size = len(entry.whole)
            at = haystack.find(entry.whole)
            while at >= 0:
                if whole_word(text, at, at + size):
                    yield at, at + size, entry.value
                at = haystack.find(entry.whole, at + 1)

    def _find_words(self, text: str, cut: Words) -> Iterator[tuple[int, int, V]]:
        # Many phrases: from each word that begins one, walk the tree of words as far as the
        # text follows it; the text between and around the words is compared only for the
        # phrases found that way. Gathered in a list: tens of thousands of hits are common in
        # a long document, and a generator's step per hit costs as much as the hit.
        spans = cut.spans
        count = len(spans)
        tokens = cut.raw if self.case else cut.folded
        tree = self._tree
        found: list[tuple[int, int, V]] = []
        add = found.append
        for index in [i for i, token in enumerate(tokens) if token in tree]:
            node: _Node[V] | None = tree[tokens[index]]
            assert node is not None
            if node.bare:
                start, stop = spans[index]
                for value in node.bare:
                    add((start, stop, value))
            last = index
            while node is not None:
                if node.entries:
                    found.extend(
                        self._check(text, spans[index][0], spans[last][1], last > index, node)
                    )
                last += 1
                node = node.children.get(tokens[last]) if last < count and node.children else None
        return iter(found)

    def _check(
        self, text: str, start: int, stop: int, several: bool, node: _Node[V]
    ) -> Iterator[tuple[int, int, V]]:
        key = self._key
        core = key(" ".join(text[start:stop].split())) if several else ""
        for entry in node.entries:
            if several and core != entry.core:
                continue
            begin, end = start - len(entry.before), stop + len(entry.after)
            if entry.before and (begin < 0 or key(text[begin:start]) != entry.before):
                continue
            if entry.after and key(text[stop:end]) != entry.after:
                continue
            if (entry.before or entry.after) and not whole_word(text, begin, end):
                continue
            yield begin, end, entry.value


@dataclass
class _Node(Generic[V]):
    children: dict[str, _Node[V]] = field(default_factory=dict)
    entries: list[_Entry[V]] = field(default_factory=list)
    # The values of one-word phrases with nothing before or after the word: found wherever
    # the word is, with no text to compare (most of what a project has marked).
    bare: list[V] = field(default_factory=list)


def index_of(entries: Iterable[tuple[str, V]], *, case: bool = False) -> PhraseIndex[V]:
    index: PhraseIndex[V] = PhraseIndex(case=case)
    for phrase, value in entries:
        index.add(phrase, value)
    return index
