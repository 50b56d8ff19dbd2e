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
    # The longest text before a phrase's first word: a match found from a word can begin
    # this far before it.
    _before: int = 0

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
            node = level.get(token) or level.setdefault(token, _Node())
            if node.children is None:
                node.children = {}
            level = node.children
        node = level.get(tokens[-1]) or level.setdefault(tokens[-1], _Node())
        if len(tokens) == 1 and not entry.before and not entry.after:
            if node.bare is None:
                node.bare = []
            node.bare.append(value)
        else:
            if node.entries is None:
                node.entries = []
            node.entries.append(entry)
            self._before = max(self._before, len(entry.before))
        self._count += 1

    def remove(self, phrase: str, value: V) -> None:
        """Take back one ``add(phrase, value)`` (nothing when it was never added)."""
        phrase = " ".join(phrase.split())
        spans = words(phrase)
        if not spans or len(spans) > MAX_WORDS:
            values = self._odd.get(phrase)
            if values is not None and value in values:
                values.remove(value)
                if not values:
                    del self._odd[phrase]
            return
        key = self._key
        tokens = [key(phrase[s:e]) for s, e in spans]
        path: list[tuple[dict[str, _Node[V]], str]] = []
        level: dict[str, _Node[V]] | None = self._tree
        node: _Node[V] | None = None
        for token in tokens:
            if level is None or (node := level.get(token)) is None:
                return
            path.append((level, token))
            level = node.children
        assert node is not None
        whole = key(phrase)
        if len(tokens) == 1 and whole == tokens[0]:
            if not node.bare or value not in node.bare:
                return
            node.bare.remove(value)
        else:
            entries = node.entries or []
            at = next(
                (i for i, e in enumerate(entries) if e.whole == whole and e.value == value), None
            )
            if at is None:
                return
            del entries[at]
        self._count -= 1
        # Nodes left with nothing are let go, from the last word back (the longest text before a
        # first word is kept: a bound, not an exact figure).
        for parent, token in reversed(path):
            child = parent[token]
            if child.children or child.entries or child.bare:
                break
            del parent[token]

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
            yield from node.entries or ()
            for value in node.bare or ():  # a bare word is its own whole and core
                yield _Entry(token, token, "", "", value)
            if node.children:
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
        tokens = cut.raw if self.case else cut.folded
        return iter(self._walk(text, cut.spans, tokens, 0, len(tokens)))

    def _walk(
        self, text: str, spans: list[tuple[int, int]], tokens: list[str], lo: int, hi: int
    ) -> list[tuple[int, int, V]]:
        # Many phrases: from each word that begins one (words lo..hi-1; those after them are
        # read too, as far as a phrase runs on), walk the tree of words as far as the text
        # follows it; the text between and around the words is compared only for the phrases
        # found that way. Gathered in a list: tens of thousands of hits are common in a long
        # document, and a generator's step per hit costs as much as the hit.
        count = len(spans)
        tree = self._tree
        found: list[tuple[int, int, V]] = []
        add = found.append
        for index in [i for i, token in enumerate(tokens[lo:hi], lo) if token in tree]:
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
        return found

    def _check(
        self, text: str, start: int, stop: int, several: bool, node: _Node[V]
    ) -> Iterator[tuple[int, int, V]]:
        key = self._key
        core = key(" ".join(text[start:stop].split())) if several else ""
        for entry in node.entries or ():
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


class _Node(Generic[V]):
    """A word of the tree: what goes on from it, the phrases that end there, and the values of
    one-word phrases with nothing before or after the word (found wherever the word is, with no
    text to compare: most of what a project has marked). Each is made when first needed: a
    project's 100,000 filed texts make ~270,000 nodes, most of them holding one of the three."""

    __slots__ = ("bare", "children", "entries")

    def __init__(self) -> None:
        self.children: dict[str, _Node[V]] | None = None
        self.entries: list[_Entry[V]] | None = None
        self.bare: list[V] | None = None


class Ahead:
    """Matches ``(start, end)`` from an iterator in text order, taken a window at a time: the
    iterator (a regular expression's scan of the whole text) runs only as far as asked."""

    __slots__ = ("_items", "_next", "_started")

    def __init__(self, items: Iterator[tuple[int, int]]) -> None:
        self._items = items
        self._next: tuple[int, int] | None = None
        self._started = False

    def until(self, stop: int) -> list[tuple[int, int]]:
        """The matches not taken yet that begin before ``stop``."""
        if not self._started:
            self._started = True
            self._next = next(self._items, None)
        taken = []
        item = self._next
        while item is not None and item[0] < stop:
            taken.append(item)
            item = next(self._items, None)
        self._next = item
        return taken


class WordWindows:
    """The words of a text, read as far as the windows need them: the words of the window at
    hand, the ``ahead`` words after them (a phrase or candidate that begins in the window runs
    on into them) and the one before (a candidate's left neighbour); earlier ones are let go.

    ``spans``, ``raw`` and ``folded`` are kept from word ``base`` of the text on."""

    def __init__(self, text: str, ahead: int) -> None:
        self._words = WORD.finditer(text)
        self._ahead = ahead
        self.base = 0
        self.spans: list[tuple[int, int]] = []
        self.raw: list[str] = []
        self.folded: list[str] = []
        self.done = False

    def _read(self, count: int) -> None:
        spans, raw, folded = self.spans, self.raw, self.folded
        for _ in range(count):
            match = next(self._words, None)
            if match is None:
                self.done = True
                return
            spans.append(match.span())
            word = match.group()
            raw.append(word)
            folded.append(word.casefold())

    def window(self, lo: int, stop: int) -> int:
        """The index (in ``spans``) of the first word from ``lo`` on that begins at ``stop`` or
        later (``len(spans)`` when none does), with ``ahead`` words read after it."""
        spans = self.spans
        at = lo
        while True:
            while at < len(spans) and spans[at][0] < stop:
                at += 1
            if at < len(spans) or self.done:
                break
            self._read(256)
        if not self.done and len(spans) < at + self._ahead:
            self._read(at + self._ahead - len(spans))
        return at

    def forget(self, before: int) -> None:
        """Let go of the words before index ``before``."""
        if before > 0:
            del self.spans[:before], self.raw[:before], self.folded[:before]
            self.base += before


class PhraseWindows(Generic[V]):
    """An index's phrases found in a text window after window, in text order: the same
    occurrences as ``PhraseIndex.find`` over the whole text, each found once."""

    def __init__(self, index: PhraseIndex[V], text: str) -> None:
        self._index = index
        self._text = text
        count = index._count
        # The same way as find() over the whole text: a scan per phrase when there are few
        # and folding keeps the text's length, else word by word.
        self._each = bool(count) and count <= FEW and _length_kept(text, folded=not index.case)
        # Else word by word: find() reads the window's words (a scan ignores them).
        self.by_words = bool(count) and not self._each
        # Found from words before a window's end, a match can begin this much earlier.
        self.lag = index._before if self.by_words else 0
        self._entries = list(index._entries()) if self._each else []
        self._longest = max((len(entry.whole) for entry in self._entries), default=0)
        self._odd: list[tuple[Ahead, list[V]]] = []
        for phrase, values in index._odd.items():
            pattern = phrase_pattern([phrase], case=index.case)
            if pattern is not None:
                self._odd.append((Ahead(find_words(pattern, text)), values))

    def find(
        self, cut: WordWindows, lo: int, hi: int, start: int, stop: int
    ) -> list[tuple[int, int, V]]:
        """(start, end, value) of the occurrences that begin at ``start`` .. ``stop`` - 1 or,
        found word by word, from the words ``lo`` .. ``hi`` - 1 of ``cut``."""
        text = self._text
        found: list[tuple[int, int, V]] = []
        if self._each and start < len(text):
            folded = not self._index.case
            piece = text[start : stop + self._longest]
            haystack = (piece.casefold() if folded else piece).translate(_SPACES)
            room = stop - start
            for entry in self._entries:
                size = len(entry.whole)
                at = haystack.find(entry.whole)
                while 0 <= at < room:
                    if whole_word(text, start + at, start + at + size):
                        found.append((start + at, start + at + size, entry.value))
                    at = haystack.find(entry.whole, at + 1)
        elif self.by_words:
            tokens = cut.raw if self._index.case else cut.folded
            found = self._index._walk(text, cut.spans, tokens, lo, hi)
        for ahead, values in self._odd:
            for begin, end in ahead.until(stop):
                for value in values:
                    found.append((begin, end, value))
        return found


def _length_kept(text: str, *, folded: bool) -> bool:
    """Whether case-folding keeps ``text``'s length (no ß, no ligature), as `_haystack` asks."""
    if not folded:
        return True
    found = _KEPT.get(text)
    if found is None:
        found = len(text.casefold()) == len(text)
        _remember(_KEPT, text, found)
    return found


_KEPT: dict[str, bool] = {}


def index_of(entries: Iterable[tuple[str, V]], *, case: bool = False) -> PhraseIndex[V]:
    index: PhraseIndex[V] = PhraseIndex(case=case)
    for phrase, value in entries:
        index.add(phrase, value)
    return index
