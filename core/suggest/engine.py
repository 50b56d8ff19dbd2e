"""What to suggest in one document for one annotator: the codebook's phrases and patterns, the
texts this annotator filed elsewhere (INCEpTION's string-matching recommender), and a model.

Reads go through the project's methods only; nothing is written. Never suggested: a span the
annotator already has (same start, end and label), and a text they rejected before under that
label (folded: case and white space aside).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from typing import TYPE_CHECKING, Protocol

# The suggestions' pause of the cycle collector, named here too (its test reaches it here).
from claimdesk.core.gc_pause import without_collection as without_collection
from claimdesk.core.suggest.phrases import MAX_WORDS as PHRASE_WORDS
from claimdesk.core.suggest.phrases import Ahead, PhraseIndex, PhraseWindows, Words, WordWindows
from claimdesk.core.suggest.records import SOURCES, Suggestion, fold
from claimdesk.core.text.suggest_rules import SuggestRules, check_pattern, find_words

if TYPE_CHECKING:
    from claimdesk.core.records import LabelRecord
    from claimdesk.core.suggest.model import SuggestionModel
    from claimdesk.core.text.spans import SpanRow

# Fixed scores of the codebook's rules: someone wrote them down on purpose.
PHRASE_SCORE = 0.9
PATTERN_SCORE = 0.8
# At most this many suggestions in one document: beyond it they would hide the text.
MAX_SUGGESTIONS = 10_000
# At most this many of the model's spans in one document (SuggestionModel.predict's limit).
MODEL_LIMIT = 20_000


class ProjectReads(Protocol):
    """The project methods suggestions read (``claimdesk.core.store.project.Project``)."""

    def labels(self) -> list[LabelRecord]: ...
    def document_text(self, document_id: int) -> str: ...
    def span_rows(self, document_id: int, annotator_id: int) -> list[SpanRow]: ...
    def suggestion_rules(self) -> dict[int, SuggestRules]: ...
    def marked_texts(self, annotator_id: int) -> Counter[tuple[str, int]]: ...
    def suggestion_decisions(
        self, annotator_id: int | None
    ) -> tuple[Counter[tuple[str, int]], Counter[tuple[str, int]]]: ...


def suggest(
    project: ProjectReads,
    document_id: int,
    annotator_id: int,
    *,
    model: SuggestionModel | None = None,
    window: int | None = None,
) -> list[Suggestion]:
    """The suggestions for one document and annotator, sorted by start (then end, label): the
    first MAX_SUGGESTIONS of them in text order.

    The text is worked through in windows (``window`` characters each; by default from
    FIRST_WINDOW, doubling up to LAST_WINDOW), and the work stops once the suggestions kept
    reach MAX_SUGGESTIONS: in a long article they are often all in its first pages."""
    with without_collection():
        return _suggest(project, document_id, annotator_id, model, window)


# The first window is small (suggestions are often dense: 10,000 within the first 20 KB of an
# article with many filed texts); each next one twice as large, up to the last size.
FIRST_WINDOW = 16 * 1024
LAST_WINDOW = 256 * 1024
_RANKS = {source: rank for rank, source in enumerate(SOURCES)}


def _suggest(
    project: ProjectReads,
    document_id: int,
    annotator_id: int,
    model: SuggestionModel | None,
    window: int | None,
) -> list[Suggestion]:
    text = project.document_text(document_id)
    labels = {label.id for label in project.labels()}
    have = {
        (s, e, label_id) for _id, s, e, label_id in project.span_rows(document_id, annotator_id)
    }
    _accepted, rejected_all = project.suggestion_decisions(None)
    _mine_accepted, rejected = project.suggestion_decisions(annotator_id)
    most = MAX_SUGGESTIONS
    codebook = _RuleWindows(project.suggestion_rules(), text)
    kept = _kept_index(project.marked_texts(annotator_id), rejected_all)
    learned = kept.index if kept.index else None
    project_texts = PhraseWindows(learned, text) if learned is not None else None
    # The words a phrase or a candidate runs on past its first one (and one more: a
    # candidate's right neighbour).
    ahead = max(PHRASE_WORDS, model.longest if model is not None else 0) + 1
    cut = WordWindows(text, ahead)
    # Words are read only when something goes by them (the model, or more phrases than are
    # scanned for one by one): a 1 MB article's words took half of its suggestions' time.
    by_words = (
        model is not None
        or codebook.by_words
        or (project_texts is not None and project_texts.by_words)
    )
    # A match found from a word can begin before it (a phrase that starts with punctuation):
    # what begins this far before a window's end is not settled until the next window.
    lag = max(codebook.lag, project_texts.lag if project_texts is not None else 0)
    left = MODEL_LIMIT  # over the whole text, as one predict() call counted them
    # The best offer of each span and label: the highest score, and of equal scores the
    # first source in SOURCES (the order in which they were once offered one after another).
    best: dict[tuple[int, int, int], tuple[float, int]] = {}
    get = best.get

    def offer(matches: list[tuple[int, int, int, float]], rank: int) -> None:
        for start, end, label_id, score in matches:
            key = (start, end, label_id)
            if key in have or label_id not in labels:
                continue
            old = get(key)
            if old is None or score > old[0] or (score == old[0] and rank < old[1]):
                best[key] = (score, rank)

    found: list[Suggestion] = []
    size = window or FIRST_WINDOW
    lo = 0  # the window's first word (an index into cut.spans)
    begin = 0  # the window's first character
    while True:
        # Every match of the window begins before ``stop``; none after it begins before it.
        if by_words:
            hi = cut.window(lo, begin + size)
            last = cut.done and hi == len(cut.spans)
            stop = len(text) + 1 if last else cut.spans[hi][0]
        else:  # each phrase scanned for and the patterns run: windows of characters will do
            hi = lo
            last = begin + size >= len(text)
            stop = len(text) + 1 if last else begin + size
        offer(codebook.find(cut, lo, hi, begin, stop), 0)
        if project_texts is not None:
            offer(
                [
                    (s, e, label_id, score)
                    for s, e, (label_id, score) in project_texts.find(cut, lo, hi, begin, stop)
                ],
                1,
            )
        if model is not None and left > 0:
            # Word 0 of cut.spans is the text's first or the word before the window (lo = 1).
            predicted = model.predict_words(cut.spans, cut.raw, cut.folded, lo, hi, limit=left)
            left -= len(predicted)
            offer(predicted, 2)
        settled = stop if last else stop - lag
        for key in sorted(key for key in best if key[0] < settled):
            score, rank = best.pop(key)
            start, end, label_id = key
            quote = text[start:end]
            if rejected and (fold(quote), label_id) in rejected:
                continue
            found.append(
                Suggestion(document_id, start, end, label_id, SOURCES[rank], round(score, 4), quote)
            )
            if len(found) >= most:
                _keep(kept)
                return found
        if last:
            _keep(kept)
            return found
        if by_words:
            cut.forget(hi - 1)
            lo = 1 if hi >= 1 else 0
        begin = stop
        if window is None:
            size = min(2 * size, LAST_WINDOW)


class _RuleWindows:
    """The codebook's phrases and patterns found window after window (as `rule_matches`)."""

    def __init__(self, rules: dict[int, SuggestRules], text: str) -> None:
        self._phrases = [PhraseWindows(index, text) for index in _rule_indexes(rules)]
        self._patterns = [
            (Ahead(find_words(compiled, text)), label_id)
            for label_id, compiled in _rule_patterns(rules)
        ]
        self.lag = max((found.lag for found in self._phrases), default=0)
        self.by_words = any(found.by_words for found in self._phrases)

    def find(
        self, cut: WordWindows, lo: int, hi: int, start: int, stop: int
    ) -> list[tuple[int, int, int, float]]:
        found = [
            (begin, end, label_id, PHRASE_SCORE)
            for phrases in self._phrases
            for begin, end, label_id in phrases.find(cut, lo, hi, start, stop)
        ]
        for ahead, label_id in self._patterns:
            found.extend((begin, end, label_id, PATTERN_SCORE) for begin, end in ahead.until(stop))
        return found


def _rule_indexes(rules: dict[int, SuggestRules]) -> list[PhraseIndex[int]]:
    indexes = []
    for case in (False, True):
        index: PhraseIndex[int] = PhraseIndex(case=case)
        for label_id, rule in rules.items():
            if rule.case == case:
                for phrase in rule.phrases:
                    index.add(phrase, label_id)
        if index:
            indexes.append(index)
    return indexes


def _rule_patterns(rules: dict[int, SuggestRules]) -> list[tuple[int, re.Pattern[str]]]:
    found = []
    for label_id, rule in rules.items():
        for pattern in rule.patterns:
            compiled = _compiled(pattern, rule.case)
            if compiled is not None:
                found.append((label_id, compiled))
    return found


def rule_matches(
    rules: dict[int, SuggestRules], text: str, cut: Words | None = None
) -> list[tuple[int, int, int, float]]:
    """(start, end, label id, score) of the codebook's phrases and patterns in ``text``."""
    found: list[tuple[int, int, int, float]] = []
    for index in _rule_indexes(rules):
        found.extend(
            (start, end, label_id, PHRASE_SCORE) for start, end, label_id in index.find(text, cut)
        )
    for label_id, compiled in _rule_patterns(rules):
        found.extend(
            (start, end, label_id, PATTERN_SCORE) for start, end in find_words(compiled, text)
        )
    return found


_PATTERNS: dict[tuple[str, bool], re.Pattern[str] | None] = {}


def _compiled(pattern: str, case: bool) -> re.Pattern[str] | None:
    # Rules were checked when read from the codebook; a project file could still hold a bad
    # one (written by another program): it is skipped, never run.
    key = (pattern, case)
    if key not in _PATTERNS:
        try:
            _PATTERNS[key] = check_pattern(pattern, case=case)
        except ValueError:
            _PATTERNS[key] = None
    return _PATTERNS[key]


def learned_score(marked: int, marked_any_label: int, rejected: int) -> float:
    """How much to trust a text filed ``marked`` times under a label: the share of its uses that
    chose this label (rejections by anyone count against it), times marked / (marked + 1)."""
    share = marked / (marked_any_label + rejected) if marked_any_label + rejected else 0.0
    return share * marked / (marked + 1)


def learned_matches(
    marked: Counter[tuple[str, int]],
    rejected: Counter[tuple[str, int]],
    text: str,
    cut: Words | None = None,
) -> list[tuple[int, int, int, float]]:
    """(start, end, label id, score): where the texts filed before occur again (case-insensitive,
    whole words)."""
    index = _learned_index(marked, rejected)
    if index is None:
        return []
    return [
        (start, end, label_id, score) for start, end, (label_id, score) in index.find(text, cut)
    ]


def _learned_index(
    marked: Counter[tuple[str, int]], rejected: Counter[tuple[str, int]]
) -> PhraseIndex[tuple[int, float]] | None:
    learned = _Learned()
    learned.update(marked, rejected)
    return learned.index if learned.index else None


class _Learned:
    """The index of the texts filed before, kept from one computation to the next and brought up
    to date: an edit changes one or two of the project's filed texts, and building the index
    afresh took about a second with 100,000 of them (most of a computation at 5 MB)."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.index: PhraseIndex[tuple[int, float]] = PhraseIndex(case=False)
        self.marked: dict[tuple[str, int], int] = {}
        self.rejected: dict[tuple[str, int], int] = {}
        self.values: dict[str, list[tuple[int, float]]] = {}  # each text's values in the index

    def update(self, marked: Counter[tuple[str, int]], rejected: Counter[tuple[str, int]]) -> None:
        """The index of ``marked`` and ``rejected`` (a text's score depends on its counts under
        every label: each text whose counts changed is taken out and put back)."""
        if not self.values:  # the first time: everything is new
            self.marked, self.rejected = dict(marked), dict(rejected)
            self._put(set(fold for fold, _label_id in marked), marked, rejected)
            return
        gone_marked = [key for key, count in self.marked.items() if marked.get(key) != count]
        new_marked = [key for key, count in marked.items() if self.marked.get(key) != count]
        gone_rejected = [key for key, count in self.rejected.items() if rejected.get(key) != count]
        new_rejected = [key for key, count in rejected.items() if self.rejected.get(key) != count]
        changed = {key[0] for key in (*gone_marked, *new_marked, *gone_rejected, *new_rejected)}
        if len(changed) > len(self.values) // 2:
            # Most of it (another project, another annotator): afresh costs less than taking
            # each text out and putting it back.
            self.clear()
            self.update(marked, rejected)
            return
        # The kept counts are changed in place (the few keys that changed), not copied whole
        # (100,000 keys): what stays kept is what the first computation made.
        for kept, now, gone, new in (
            (self.marked, marked, gone_marked, new_marked),
            (self.rejected, rejected, gone_rejected, new_rejected),
        ):
            for key in gone:
                del kept[key]
            for key in new:
                kept[key] = now[key]
        self._put(changed, marked, rejected)

    def _put(
        self,
        changed: set[str],
        marked: Counter[tuple[str, int]],
        rejected: Counter[tuple[str, int]],
    ) -> None:
        """Take each changed text out of the index and put it back with its new scores."""
        per_text: Counter[str] = Counter()
        labels: dict[str, list[tuple[int, int]]] = {}
        for (folded, label_id), count in marked.items():
            if folded in changed:
                per_text[folded] += count
                labels.setdefault(folded, []).append((label_id, count))
        index, values = self.index, self.values
        for folded in changed:
            for value in values.pop(folded, ()):
                index.remove(folded, value)
            added = []
            for label_id, count in labels.get(folded, ()):
                score = learned_score(count, per_text[folded], rejected.get((folded, label_id), 0))
                if score > 0:
                    index.add(folded, (label_id, score))
                    added.append((label_id, score))
            if added:
                values[folded] = added


# The last computation's index (one: a worker suggests for one window's project), taken while in
# use so that two threads never change the same one.
_KEPT: list[_Learned] = []
_KEPT_LOCK = threading.Lock()


def _kept_index(marked: Counter[tuple[str, int]], rejected: Counter[tuple[str, int]]) -> _Learned:
    with _KEPT_LOCK:
        learned = _KEPT.pop() if _KEPT else _Learned()
    learned.update(marked, rejected)
    return learned


def _keep(learned: _Learned) -> None:
    with _KEPT_LOCK:
        _KEPT[:] = [learned]
