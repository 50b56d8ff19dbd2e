"""What to suggest in one document for one annotator: the codebook's phrases and patterns, the
texts this annotator filed elsewhere (INCEpTION's string-matching recommender), and a model.

Reads go through the project's methods only; nothing is written. Never suggested: a span the
annotator already has (same start, end and label), and a text they rejected before under that
label (folded: case and white space aside).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Protocol

# The suggestions' pause of the cycle collector, named here too (its test reaches it here).
from claimdesk.core.gc_pause import without_collection as without_collection
from claimdesk.core.suggest.phrases import PhraseIndex, Words
from claimdesk.core.suggest.records import Suggestion, fold
from claimdesk.core.text.suggest_rules import SuggestRules, check_pattern, find_words

if TYPE_CHECKING:
    from claimdesk.core.records import AnnotationRecord, LabelRecord
    from claimdesk.core.suggest.model import SuggestionModel

# Fixed scores of the codebook's rules: someone wrote them down on purpose.
PHRASE_SCORE = 0.9
PATTERN_SCORE = 0.8
# At most this many suggestions in one document: beyond it they would hide the text.
MAX_SUGGESTIONS = 10_000


class ProjectReads(Protocol):
    """The project methods suggestions read (``claimdesk.core.store.project.Project``)."""

    def labels(self) -> list[LabelRecord]: ...
    def document_text(self, document_id: int) -> str: ...
    def annotations(self, document_id: int, annotator_id: int | None) -> list[AnnotationRecord]: ...
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
) -> list[Suggestion]:
    """The suggestions for one document and annotator, sorted by start (then end, label)."""
    with without_collection():
        return _suggest(project, document_id, annotator_id, model)


def _suggest(
    project: ProjectReads, document_id: int, annotator_id: int, model: SuggestionModel | None
) -> list[Suggestion]:
    text = project.document_text(document_id)
    labels = {label.id for label in project.labels()}
    have = {(a.start, a.end, a.label_id) for a in project.annotations(document_id, annotator_id)}
    _accepted, rejected_all = project.suggestion_decisions(None)
    _mine_accepted, rejected = project.suggestion_decisions(annotator_id)
    best: dict[tuple[int, int, int], tuple[float, str]] = {}

    def offer(start: int, end: int, label_id: int, score: float, source: str) -> None:
        key = (start, end, label_id)
        if key in have or label_id not in labels:
            return
        old = best.get(key)
        if old is None or score > old[0]:
            best[key] = (score, source)

    for start, end, label_id, score in rule_matches(project.suggestion_rules(), text):
        offer(start, end, label_id, score, "codebook")
    # The project's texts can recur tens of thousands of times in a long document: offered
    # inline (the same rule as offer()).
    get = best.get
    for start, end, label_id, score in learned_matches(
        project.marked_texts(annotator_id), rejected_all, text
    ):
        key = (start, end, label_id)
        if key in have or label_id not in labels:
            continue
        old = get(key)
        if old is None or score > old[0]:
            best[key] = (score, "project")
    if model is not None:
        for start, end, label_id, score in model.predict(text):
            offer(start, end, label_id, score, "model")
    found: list[Suggestion] = []
    for (start, end, label_id), (score, source) in sorted(best.items()):
        quote = text[start:end]
        if rejected and (fold(quote), label_id) in rejected:
            continue
        found.append(Suggestion(document_id, start, end, label_id, source, round(score, 4), quote))
        if len(found) >= MAX_SUGGESTIONS:
            break
    return found


def rule_matches(
    rules: dict[int, SuggestRules], text: str, cut: Words | None = None
) -> list[tuple[int, int, int, float]]:
    """(start, end, label id, score) of the codebook's phrases and patterns in ``text``."""
    found: list[tuple[int, int, int, float]] = []
    for case in (False, True):
        index: PhraseIndex[int] = PhraseIndex(case=case)
        for label_id, rule in rules.items():
            if rule.case == case:
                for phrase in rule.phrases:
                    index.add(phrase, label_id)
        if index:
            found.extend(
                (start, end, label_id, PHRASE_SCORE)
                for start, end, label_id in index.find(text, cut)
            )
    for label_id, rule in rules.items():
        for pattern in rule.patterns:
            compiled = _compiled(pattern, rule.case)
            if compiled is None:
                continue
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
    if not marked:
        return []
    per_text: Counter[str] = Counter()
    for (folded, _label_id), count in marked.items():
        per_text[folded] += count
    index: PhraseIndex[tuple[int, float]] = PhraseIndex(case=False)
    for (folded, label_id), count in marked.items():
        score = learned_score(count, per_text[folded], rejected.get((folded, label_id), 0))
        if score > 0:
            index.add(folded, (label_id, score))
    return [
        (start, end, label_id, score) for start, end, (label_id, score) in index.find(text, cut)
    ]
