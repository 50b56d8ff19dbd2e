"""Training keeps a bounded, fixed sample of the candidates that are no claims and builds the
features of those only: the model is exactly the one that built every candidate's features first
(same coefficients, same probabilities), whatever the texts and spans."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from claimdesk.core.suggest import SuggestionModel, TrainingExample
from claimdesk.core.suggest import model as model_module
from claimdesk.core.suggest.model import (
    MAX_WORDS,
    MIN_EXAMPLES,
    NEGATIVES_PER_POSITIVE,
    candidates,
    features,
)
from claimdesk.core.suggest.phrases import words
from claimdesk.core.suggest.records import fold
from claimdesk.core.suggest.shuffled import SMALL

pytest.importorskip("sklearn")

_NONE = 0


def train_building_every_candidate(
    examples: list[TrainingExample], seen: list[tuple[int, int]] | None = None
) -> Any:
    """The training as it was before (verbatim, but for returning its parts, telling ``seen``
    how many candidates were no claims and how many of them it kept, and fitting on one thread
    as a one-core machine did): the features of every candidate that is no claim, shuffled, the
    first ones kept."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    prepared = []
    firsts: set[str] = set()
    lasts: set[str] = set()
    longest = 1
    positives = 0
    for example in examples:
        spans = words(example.text)
        raw = [example.text[s:e] for s, e in spans]
        tokens = [fold(t) for t in raw]
        starts = {s: k for k, (s, _e) in enumerate(spans)}
        ends = {e: k for k, (_s, e) in enumerate(spans)}
        gold: dict[tuple[int, int], int] = {}
        for start, end, label_id in example.spans:
            i, j = starts.get(start), ends.get(end)
            if i is None or j is None or j < i or j - i + 1 > MAX_WORDS:
                continue
            gold[i, j] = label_id
            firsts.add(tokens[i])
            lasts.add(tokens[j])
            longest = max(longest, j - i + 1)
        positives += len(gold)
        prepared.append((tokens, raw, gold))
    if positives < MIN_EXAMPLES:
        return None
    rows: list[dict[str, float]] = []
    targets: list[int] = []
    negatives: list[dict[str, float]] = []
    for tokens, raw, gold in prepared:
        for i, j in candidates(tokens, firsts, lasts, longest):
            label = gold.get((i, j), _NONE)
            if label == _NONE:
                negatives.append(features(tokens, raw, i, j))
            else:
                rows.append(features(tokens, raw, i, j))
                targets.append(label)
    random.Random(17).shuffle(negatives)
    if seen is not None:
        seen.append((len(negatives), max(20, NEGATIVES_PER_POSITIVE * len(rows))))
    negatives = negatives[: max(20, NEGATIVES_PER_POSITIVE * len(rows))]
    rows.extend(negatives)
    targets.extend([_NONE] * len(negatives))
    if len(set(targets)) < 2:
        return None
    hasher = DictVectorizer()
    classifier = LogisticRegression(max_iter=300, C=4.0)
    with threadpool_limits(limits=1):  # as on a machine with one core
        classifier.fit(hasher.fit_transform(rows), targets)
    return classifier, hasher, firsts, lasts, longest


VOCABULARY = [
    "troops", "Troops", "border", "talks", "trade", "deal", "the", "The", "of", "a", "said",
    "Moscow", "Beijing", "12", "divisions", "café", "军", "队", "🚀", "oil", "pipeline",
]  # fmt: skip


def a_corpus(rng: random.Random) -> list[TrainingExample]:
    """A few texts of words from a small vocabulary; spans filed on word boundaries (1 to 9
    words, so some too long) and a few that are not, under labels 0 to 3 (0: a label id a real
    project never has, which training has always counted as no claim)."""
    made = []
    for _ in range(rng.randint(1, 4)):
        count = rng.randint(0, 120)
        pieces = [rng.choice(VOCABULARY) for _ in range(count)]
        text = ""
        places = []
        for piece in pieces:
            text += rng.choice([" ", ", ", ". ", "\n"]) if text else ""
            places.append((len(text), len(text) + len(piece)))
            text += piece
        spans = []
        for _ in range(rng.randint(0, max(0, count // 4))):
            i = rng.randrange(count)
            j = min(count - 1, i + rng.randint(0, 8))
            start, end = places[i][0], places[j][1]
            if rng.random() < 0.1:
                end -= 1  # not on a word boundary: not learned from
            spans.append(
                (start, end, rng.choice([1, 1, 2, 3, 0] if rng.random() < 0.1 else [1, 2, 3]))
            )
        made.append(TrainingExample(text, tuple(spans)))
    return made


@pytest.mark.parametrize("seed", range(40))
def test_the_model_is_the_one_every_candidates_features_made(seed: int) -> None:
    rng = random.Random(seed)
    examples = a_corpus(rng)
    before = train_building_every_candidate(examples)
    model = SuggestionModel.train(examples)
    if before is None:
        assert model is None
        return
    assert model is not None
    classifier, hasher, firsts, lasts, longest = before
    assert model._hasher.vocabulary_ == hasher.vocabulary_
    assert (model._firsts, model._lasts, model.longest) == (firsts, lasts, longest)
    assert list(model._classifier.classes_) == list(classifier.classes_)
    assert np.array_equal(model._classifier.coef_, classifier.coef_)
    assert np.array_equal(model._classifier.intercept_, classifier.intercept_)
    text = " ".join(rng.choice(VOCABULARY) for _ in range(200))
    again = SuggestionModel(classifier, hasher, firsts, lasts, longest)
    assert model.predict(text, threshold=0.0) == again.predict(text, threshold=0.0)


def test_the_corpora_keep_all_or_only_part_of_what_is_no_claim() -> None:
    """The corpora above do test the sample: in some, only part of the candidates that are no
    claims is kept; in others, all of them."""
    cut = whole = 0
    for seed in range(40):
        seen: list[tuple[int, int]] = []
        train_building_every_candidate(a_corpus(random.Random(seed)), seen)
        for negatives, kept in seen:
            cut += negatives > kept
            whole += negatives <= kept
    assert cut >= 5 and whole >= 5


def a_long_article() -> TrainingExample:
    """20,000 words, one in 400 filed: some 20,000 candidates that are no claims."""
    rng = random.Random(3)
    plain = [word for word in VOCABULARY if word.isalpha() and word.isascii()]
    pieces = [rng.choice(plain) for _ in range(20_000)]
    spans = []
    at = 0
    for k, piece in enumerate(pieces):
        if k % 400 == 0:
            spans.append((at, at + len(piece), 1 + k % 3))
        at += len(piece) + 1
    return TrainingExample(" ".join(pieces), tuple(spans))


def test_a_long_article_gives_the_model_every_candidates_features_made() -> None:
    example = a_long_article()
    seen: list[tuple[int, int]] = []
    classifier, hasher, *_rest = train_building_every_candidate([example], seen)
    assert seen[0][0] > 4 * SMALL  # the sample worked out with numpy, not the plain shuffle
    model = SuggestionModel.train([example])
    assert model is not None
    assert model._hasher.vocabulary_ == hasher.vocabulary_
    assert np.array_equal(model._classifier.coef_, classifier.coef_)
    assert np.array_equal(model._classifier.intercept_, classifier.intercept_)


def test_features_are_built_only_for_the_candidates_learned_from(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A long article: some 20,000 candidates that are no claims, 400 kept;
    only those (and the claims) have their features built."""
    example = a_long_article()
    built = 0
    real = model_module.features

    def counting(*args: Any) -> dict[str, float]:
        nonlocal built
        built += 1
        return real(*args)

    monkeypatch.setattr(model_module, "features", counting)
    model = SuggestionModel.train([example])
    assert model is not None
    claims = len(example.spans)
    assert built == claims + NEGATIVES_PER_POSITIVE * claims


def test_the_fit_runs_on_one_thread_so_the_model_is_the_same_on_any_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Shared among threads, the solver's sums end in other last bits and it may stop one step
    sooner or later: a different model for the same annotations (and, for a 5 MB article, a fit
    fourteen times slower on two threads)."""
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_info

    threads: list[int] = []
    fit = LogisticRegression.fit

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        threads.extend(pool["num_threads"] for pool in threadpool_info())
        return fit(self, *args, **kwargs)

    monkeypatch.setattr(LogisticRegression, "fit", counting)
    with threadpool_limits(limits=2):  # as on a machine with two cores or more
        assert SuggestionModel.train([a_long_article()]) is not None
    assert threads and set(threads) == {1}
