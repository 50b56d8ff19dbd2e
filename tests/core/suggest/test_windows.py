"""Suggestions worked out window after window, stopping at the limit: exactly the list the whole
text gave at once (same spans, order, scores and sources), whatever the text, rules, filed texts,
model, window size and limit; and a long article is not read past what the limit needs."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimdesk.core.suggest import Suggestion, SuggestionModel, TrainingExample, engine, phrases
from claimdesk.core.suggest.engine import learned_matches, learned_score, rule_matches
from claimdesk.core.suggest.model import THRESHOLD
from claimdesk.core.suggest.records import fold
from claimdesk.core.text.suggest_rules import SuggestRules

pytest.importorskip("sklearn")

# Words and marks that make matching awkward: case, accents (composed and combining), a letter
# whose folding is longer (ß), CJK characters (each a word), emoji, punctuation around words.
TOKENS = [
    "troops", "Troops", "TROOPS", "border", "talks", "trade", "deal", "café", "cafe\u0301",
    "Straße", "军", "队", "🚀", "🇨🇳", "U.S.", "(", ")", "#", ",", ".", "!", "12", "3",
    "divisions", "naïve", "x", "ﬀ", "(troops)", "#trade",
]  # fmt: skip
# Without the letters whose folding is longer, a few phrases are found by a scan of the text.
PLAIN = [token for token in TOKENS if len(token.casefold()) == len(token)]
SEPARATORS = [" ", " ", " ", "  ", "\n", "\n\n", "\t", "", "\u00a0"]
PATTERNS = [r"\d+ divisions?", r"[A-Z]\w+", r"\w+ \w+", r"!+", r"troops?\b", r"^\w+", r"\(\w+\)"]
LABELS = (1, 2, 3)


def make_text(rng: random.Random, count: int, tokens: list[str] = TOKENS) -> str:
    parts = []
    for _ in range(count):
        parts.append(rng.choice(tokens))
        parts.append(rng.choice(SEPARATORS))
    return "".join(parts)


def a_phrase(rng: random.Random) -> str:
    return " ".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 3)))


@dataclass
class Reads:
    """The project reads suggestions make, in memory."""

    text: str
    rules: dict[int, SuggestRules]
    marked: Counter[tuple[str, int]]
    rejected_all: Counter[tuple[str, int]]
    rejected: Counter[tuple[str, int]]
    have: list[tuple[int, int, int]] = field(default_factory=list)

    def labels(self) -> list[Any]:
        return [SimpleNamespace(id=label_id) for label_id in (1, 2)]  # label 3 was deleted

    def document_text(self, document_id: int) -> str:
        return self.text

    def annotations(self, document_id: int, annotator_id: int | None) -> list[Any]:
        return [SimpleNamespace(start=s, end=e, label_id=label) for s, e, label in self.have]

    def span_rows(self, document_id: int, annotator_id: int) -> list[tuple[int, int, int, int]]:
        return [(i, s, e, label) for i, (s, e, label) in enumerate(sorted(self.have))]

    def suggestion_rules(self) -> dict[int, SuggestRules]:
        return self.rules

    def marked_texts(self, annotator_id: int) -> Counter[tuple[str, int]]:
        return self.marked

    def suggestion_decisions(
        self, annotator_id: int | None
    ) -> tuple[Counter[tuple[str, int]], Counter[tuple[str, int]]]:
        return Counter(), self.rejected_all if annotator_id is None else self.rejected


def _old_shape(token: str) -> str:
    if token.isupper():
        return "AA"
    if token[:1].isupper():
        return "Aa"
    if token.isdigit():
        return "9"
    return "a"


def _old_features(tokens: Sequence[str], raw: Sequence[str], i: int, j: int) -> dict[str, float]:
    """A candidate's features as the model described them (its code as it was)."""
    inside = tokens[i : j + 1]
    found = {
        "ng=" + " ".join(inside): 1.0,
        "first=" + inside[0]: 1.0,
        "last=" + inside[-1]: 1.0,
        "prev=" + (tokens[i - 1] if i > 0 else "<s>"): 1.0,
        "next=" + (tokens[j + 1] if j + 1 < len(tokens) else "</s>"): 1.0,
        f"len={len(inside)}": 1.0,
        "shape=" + _old_shape(raw[i]): 1.0,
    }
    for token in inside:
        found["w=" + token] = 1.0
    return found


def _old_candidates(
    tokens: Sequence[str], firsts: set[str], lasts: set[str], longest: int
) -> Iterator[tuple[int, int]]:
    """Every candidate span of the whole text (its code as it was)."""
    count = len(tokens)
    for i, token in enumerate(tokens):
        if token not in firsts:
            continue
        for j in range(i, min(count, i + longest)):
            if tokens[j] in lasts:
                yield i, j


def whole_text_predict(
    model: Any, text: str, *, threshold: float = THRESHOLD, limit: int = 20_000
) -> list[tuple[int, int, int, float]]:
    """What `SuggestionModel.predict` did before (its code as it was): every candidate of the
    whole text, described as dictionaries and turned into a matrix by the vectorizer."""
    spans = phrases.words(text)
    raw = [text[s:e] for s, e in spans]
    tokens = [fold(t) for t in raw]
    candidates = list(_old_candidates(tokens, model._firsts, model._lasts, model._longest))
    if not candidates:
        return []
    found: list[tuple[int, int, int, float]] = []
    classes = [int(c) for c in model._classifier.classes_]
    for chunk in range(0, len(candidates), 5000):
        part = candidates[chunk : chunk + 5000]
        matrix = model._hasher.transform(_old_features(tokens, raw, i, j) for i, j in part)
        for (i, j), row in zip(part, model._classifier.predict_proba(matrix), strict=True):
            best = max(
                (k for k in range(len(classes)) if classes[k] != 0),
                key=lambda k: row[k],
                default=None,
            )
            if best is not None and row[best] >= threshold:
                found.append((spans[i][0], spans[j][1], classes[best], float(row[best])))
                if len(found) >= limit:
                    return found
    return found


def old_learned_matches(
    marked: Counter[tuple[str, int]], rejected: Counter[tuple[str, int]], text: str
) -> list[tuple[int, int, int, float]]:
    """Where the texts filed before occur again, the index built afresh as it was before the
    worker kept it between computations (its code as it was)."""
    if not marked:
        return []
    per_text: Counter[str] = Counter()
    for (folded, _label_id), count in marked.items():
        per_text[folded] += count
    index: phrases.PhraseIndex[tuple[int, float]] = phrases.PhraseIndex(case=False)
    for (folded, label_id), count in marked.items():
        score = learned_score(count, per_text[folded], rejected.get((folded, label_id), 0))
        if score > 0:
            index.add(folded, (label_id, score))
    return [(start, end, label_id, score) for start, end, (label_id, score) in index.find(text)]


def whole_text_suggest(
    project: Reads, document_id: int, annotator_id: int, model: SuggestionModel | None
) -> list[Suggestion]:
    """What `suggest` did before it worked in windows (its code as it was): every source over the
    whole text, then the first MAX_SUGGESTIONS in text order."""
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
    for start, end, label_id, score in old_learned_matches(
        project.marked_texts(annotator_id), rejected_all, text
    ):
        offer(start, end, label_id, score, "project")
    if model is not None:
        for start, end, label_id, score in whole_text_predict(
            model, text, limit=engine.MODEL_LIMIT
        ):
            offer(start, end, label_id, score, "model")
    found: list[Suggestion] = []
    for (start, end, label_id), (score, source) in sorted(best.items()):
        quote = text[start:end]
        if rejected and (fold(quote), label_id) in rejected:
            continue
        found.append(Suggestion(document_id, start, end, label_id, source, round(score, 4), quote))
        if len(found) >= engine.MAX_SUGGESTIONS:
            break
    return found


def train(labels: tuple[int, ...], seed: int) -> SuggestionModel:
    """A model of texts made of the same words: ``troops``/``border`` runs filed under labels."""
    rng = random.Random(seed)
    examples = []
    for _ in range(12):
        text = make_text(rng, 120)
        spans = []
        for at, label in ((text.find("troops"), labels[0]), (text.find("border"), labels[-1])):
            if at >= 0:
                spans.append((at, at + 6, label))
        # A two-word claim: from a "trade" to the word after it.
        at = text.find("trade")
        if at >= 0:
            after = phrases.words(text[at:])
            if len(after) > 1:
                spans.append((at, at + after[1][1], labels[0]))
        examples.append(TrainingExample(text, tuple(spans)))
    model = SuggestionModel.train(examples)
    assert model is not None
    return model


@pytest.fixture(scope="module")
def models() -> dict[str, SuggestionModel | None]:
    return {"none": None, "one label": train((1,), 3), "two labels": train((1, 2), 5)}


@st.composite
def cases(draw: st.DrawFn) -> tuple[Reads, int | None, int, int, int, str]:
    rng = random.Random(draw(st.integers(0, 2**32)))
    text = make_text(rng, draw(st.integers(0, 80)), rng.choice([TOKENS, PLAIN]))
    rules: dict[int, SuggestRules] = {}
    for label in rng.sample(LABELS, rng.randint(0, 3)):
        rules[label] = SuggestRules(
            phrases=tuple(dict.fromkeys(a_phrase(rng) for _ in range(rng.randint(0, 4)))),
            patterns=tuple(rng.sample(PATTERNS, rng.randint(0, 2))),
            case=rng.random() < 0.3,
        )
    marked: Counter[tuple[str, int]] = Counter()
    for _ in range(rng.randint(0, 12)):
        if text and rng.random() < 0.6:  # a stretch of the text, as a reader selects one
            start = rng.randrange(len(text))
            piece = text[start : start + rng.randint(1, 25)]
        else:
            piece = a_phrase(rng)
        if fold(piece):
            marked[fold(piece), rng.choice(LABELS)] += rng.randint(1, 3)
    keys = list(marked)
    rejected_all = Counter({key: rng.randint(1, 2) for key in keys if rng.random() < 0.2})
    rejected = Counter({key: 1 for key in keys if rng.random() < 0.2})
    reads = Reads(text, rules, marked, rejected_all, rejected)
    # Spans the annotator already has: some of those the sources find, some elsewhere.
    found = rule_matches(rules, text) + learned_matches(marked, rejected_all, text)
    reads.have = [(s, e, label) for s, e, label, _ in found if rng.random() < 0.2]
    window = draw(st.one_of(st.none(), st.integers(1, 120)))
    most = draw(st.sampled_from([1, 2, 3, 5, 8, 13, 10_000]))
    model_limit = draw(st.sampled_from([1, 3, 20_000]))
    few = draw(st.sampled_from([0, 48]))
    model = draw(st.sampled_from(["none", "one label", "two labels"]))
    return reads, window, most, model_limit, few, model


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=cases())
def test_windows_give_exactly_what_the_whole_text_gave(
    case: tuple[Reads, int | None, int, int, int, str],
    models: dict[str, SuggestionModel | None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reads, window, most, model_limit, few, model_name = case
    model = models[model_name]
    with monkeypatch.context() as patch:
        patch.setattr(engine, "MAX_SUGGESTIONS", most)
        patch.setattr(engine, "MODEL_LIMIT", model_limit)
        patch.setattr(phrases, "FEW", few)
        expected = whole_text_suggest(reads, 7, 1, model)
        found = engine.suggest(reads, 7, 1, model=model, window=window)
    assert found == expected


def test_the_sources_meet_on_the_same_spans_and_cuts_run_through_matches(
    models: dict[str, SuggestionModel | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Longer texts than the property test's, every window size from one character up: the
    # three sources offer the same spans (the best score wins, codebook first on a tie), and
    # phrases of several words, a model's candidates and patterns cross the cuts.
    rng = random.Random(11)
    # Phrases that begin before their first word ("(troops)", "# trade") found both from that
    # word and by a pattern that begins where they do.
    text = make_text(rng, 1500).replace("troops", "(troops)", 100).replace("trade", "# trade", 100)
    marked: Counter[tuple[str, int]] = Counter()
    for _ in range(60):
        start = rng.randrange(len(text))
        marked[fold(text[start : start + rng.randint(3, 40)]) or "troops", rng.choice((1, 2))] += 1
    marked["troops", 1] += 9  # 0.9: ties with the codebook's phrase
    rules = {
        1: SuggestRules(phrases=("troops", "(troops)", "trade deal", "# trade", "x x")),
        2: SuggestRules(
            phrases=("talks border",),
            patterns=(r"\w+ \w+", r"\d+ divisions?", r"\(\w+\)", "#"),
            case=True,
        ),
    }
    plain = text.replace("Straße", "Strasse").replace("ﬀ", "ff")
    sources = set()
    for model_name, words in (("one label", text), ("two labels", text), ("one label", plain)):
        reads = Reads(words, rules, marked, Counter(), Counter({("border", 2): 1}))
        model = models[model_name]
        for most in (10_000, 700):
            monkeypatch.setattr(engine, "MAX_SUGGESTIONS", most)
            expected = whole_text_suggest(reads, 7, 1, model)
            sources |= {s.source for s in expected}
            for window in (1, 2, 7, 64, 500, None):
                assert engine.suggest(reads, 7, 1, model=model, window=window) == expected
    assert sources == {"codebook", "project", "model"}


@dataclass
class WatchedModel:
    """A model that notes how far into the text it was asked about."""

    model: SuggestionModel
    furthest: int = 0

    @property
    def longest(self) -> int:
        return self.model.longest

    def predict(self, text: str, **options: Any) -> list[tuple[int, int, int, float]]:
        self.furthest = len(text)
        return self.model.predict(text, **options)

    def predict_words(
        self, spans: list[tuple[int, int]], *args: Any, **options: Any
    ) -> list[tuple[int, int, int, float]]:
        self.furthest = max(self.furthest, spans[-1][1] if spans else 0)
        return self.model.predict_words(spans, *args, **options)


def test_a_long_article_is_read_only_as_far_as_the_first_ten_thousand_suggestions(
    models: dict[str, SuggestionModel | None],
) -> None:
    # 1.7 MB in which a filed word recurs every few words: the 10,000 suggestions shown are all
    # in its first quarter, and the model is not asked about words further than one window on.
    rng = random.Random(5)
    text = make_text(rng, 400_000)
    reads = Reads(text, {}, Counter({("troops", 1): 3}), Counter(), Counter())
    model = models["one label"]
    assert model is not None
    watched = WatchedModel(model)
    found = engine.suggest(reads, 7, 1, model=watched)  # type: ignore[arg-type]
    assert len(found) == engine.MAX_SUGGESTIONS
    assert found[-1].end < len(text) // 4
    assert found[-1].end < watched.furthest < found[-1].end + engine.LAST_WINDOW + 1000


@pytest.mark.parametrize("threshold", [0.05, 0.5, 0.9])
def test_the_model_files_the_same_spans_with_the_same_scores_as_before(
    models: dict[str, SuggestionModel | None], threshold: float
) -> None:
    # Its matrix is built from the words rather than by the vectorizer: the same numbers.
    rng = random.Random(int(threshold * 100))
    for name in ("one label", "two labels"):
        model = models[name]
        assert model is not None
        for count in (0, 1, 5, 3000):
            text = make_text(rng, count)
            expected = whole_text_predict(model, text, threshold=threshold)
            assert model.predict(text, threshold=threshold) == expected
            assert model.predict(text, threshold=threshold, limit=7) == expected[:7]


# -- the index of filed texts, kept from one computation to the next ------------------------------


def an_edit(
    rng: random.Random,
    text: str,
    marked: Counter[tuple[str, int]],
    rejected: Counter[tuple[str, int]],
) -> None:
    """What one edit between two computations does to the filed texts: a span filed (a text
    again, or a new one), one taken back, a label changed, a suggestion rejected."""
    keys = list(marked)
    kind = rng.choice(["file again", "file new", "take back", "relabel", "reject"])
    if kind == "file again" and keys:
        marked[rng.choice(keys)] += 1
    elif kind == "take back" and keys:
        key = rng.choice(keys)
        marked[key] -= 1
        if marked[key] <= 0:
            del marked[key]
    elif kind == "relabel" and keys:
        folded, label = key = rng.choice(keys)
        marked[key] -= 1
        if marked[key] <= 0:
            del marked[key]
        marked[folded, rng.choice([other for other in LABELS if other != label])] += 1
    elif kind == "reject" and keys:
        rejected[rng.choice(keys)] += 1
    else:
        start = rng.randrange(len(text)) if text else 0
        piece = text[start : start + rng.randint(1, 25)] if rng.random() < 0.7 else a_phrase(rng)
        if fold(piece):
            marked[fold(piece), rng.choice(LABELS)] += 1


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32), few=st.sampled_from([0, 48]))
def test_edit_after_edit_the_kept_index_gives_what_a_fresh_one_gives(
    seed: int, few: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Thirty filed texts and one or two changed per edit: the index of the previous computation
    # is brought up to date (texts taken out and put back), not built again.
    rng = random.Random(seed)
    text = make_text(rng, 120, rng.choice([TOKENS, PLAIN]))
    marked: Counter[tuple[str, int]] = Counter()
    while len(marked) < 30:
        an_edit(rng, text, marked, Counter())
    rejected: Counter[tuple[str, int]] = Counter()
    reads = Reads(text, {}, marked, rejected, Counter())
    with monkeypatch.context() as patch:
        patch.setattr(phrases, "FEW", few)
        for _ in range(12):
            for _ in range(rng.randint(1, 2)):
                an_edit(rng, text, marked, rejected)
            found = engine.suggest(reads, 7, 1)
            assert found == whole_text_suggest(reads, 7, 1, None)
            assert {(s.start, s.end, s.label_id, s.score) for s in found} == {
                (s, e, label, round(score, 4))
                for s, e, label, score in old_learned_matches(marked, rejected, text)
                if label != 3  # deleted
            }


def test_a_phrase_taken_back_is_no_longer_found_and_the_others_still_are() -> None:
    index: phrases.PhraseIndex[int] = phrases.PhraseIndex()
    for phrase, value in [("troops", 1), ("troops", 2), ("border talks", 1), ("(troops)", 1),
                          ("🚀", 1), ("border talks.", 2)]:  # fmt: skip
        index.add(phrase, value)
    text = "Troops at the border talks. (troops) 🚀 troops"
    before = sorted(index.find(text))
    for phrase, value in [("troops", 2), ("border talks", 1), ("🚀", 1), ("never added", 1)]:
        index.remove(phrase, value)
    after = sorted(index.find(text))
    assert after == [
        (0, 6, 1),
        (14, 27, 2),
        (28, 36, 1),
        (29, 35, 1),
        (39, 45, 1),
    ], before
    for phrase, value in [("troops", 1), ("(troops)", 1), ("border talks.", 2)]:
        index.remove(phrase, value)
    assert not index and list(index.find(text)) == []
