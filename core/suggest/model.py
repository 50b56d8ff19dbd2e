"""A model trained on the project's own annotations: which word sequences are claims of which label.

Candidates are runs of 1 to n words whose first and last words began and ended a filed span
(so a 1 MB text yields thousands of candidates, not millions); each is described by its words,
its neighbours and its shape, and a linear model (scikit-learn's logistic regression over those
features) tells its label or "none". scikit-learn is an optional extra (``claimdesk[learn]``),
imported only when a model is trained; nothing is downloaded.
"""

from __future__ import annotations

import bisect
import importlib.util
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from claimdesk.core.errors import ClaimdeskError
from claimdesk.core.suggest.phrases import words
from claimdesk.core.suggest.records import fold
from claimdesk.core.suggest.shuffled import shuffled_head

INSTALL_HINT = (
    "Suggestions from a model need scikit-learn, which is not installed: "
    "pip install 'claimdesk[learn]'."
)
MIN_EXAMPLES = 3  # spans needed before a model is worth training
MAX_WORDS = 8  # longest candidate, in words
NEGATIVES_PER_POSITIVE = 8
THRESHOLD = 0.5
_NONE = 0


class ModelUnavailable(ClaimdeskError):
    """scikit-learn is missing; the message says how to install it."""


def model_problem() -> str | None:
    """None when a model can be trained here, else the sentence saying how to install one."""
    return None if importlib.util.find_spec("sklearn") is not None else INSTALL_HINT


@dataclass(frozen=True, slots=True)
class TrainingExample:
    """A document's text and the spans filed in it: (start, end, label id)."""

    text: str
    spans: tuple[tuple[int, int, int], ...]


def training_examples(
    project: Any, annotator_id: int, *, skip: Iterable[int] = ()
) -> list[TrainingExample]:
    """One example per document in which the annotator filed spans (``skip``: documents left
    out, such as the one being suggested for)."""
    left_out = set(skip)
    examples = []
    for document in project.documents():
        if document.id in left_out:
            continue
        spans = project.annotations(document.id, annotator_id)
        if spans:
            examples.append(
                TrainingExample(
                    project.document_text(document.id),
                    tuple((a.start, a.end, a.label_id) for a in spans),
                )
            )
    return examples


def _shape(token: str) -> str:
    if token.isupper():
        return "AA"
    if token[:1].isupper():
        return "Aa"
    if token.isdigit():
        return "9"
    return "a"


def features(tokens: Sequence[str], raw: Sequence[str], i: int, j: int) -> dict[str, float]:
    inside = tokens[i : j + 1]
    found = {
        "ng=" + " ".join(inside): 1.0,
        "first=" + inside[0]: 1.0,
        "last=" + inside[-1]: 1.0,
        "prev=" + (tokens[i - 1] if i > 0 else "<s>"): 1.0,
        "next=" + (tokens[j + 1] if j + 1 < len(tokens) else "</s>"): 1.0,
        f"len={len(inside)}": 1.0,
        "shape=" + _shape(raw[i]): 1.0,
    }
    for token in inside:
        found["w=" + token] = 1.0
    return found


class SuggestionModel:
    """Trained with ``train``; ``predict`` gives (start, end, label id, score) in a text."""

    def __init__(
        self, classifier: Any, hasher: Any, firsts: set[str], lasts: set[str], longest: int
    ) -> None:
        self._classifier = classifier
        self._hasher = hasher
        self._firsts = firsts
        self._lasts = lasts
        self._longest = longest
        self.labels = tuple(int(c) for c in classifier.classes_ if c != _NONE)

    @property
    def longest(self) -> int:
        """The most words a candidate has."""
        return self._longest

    @classmethod
    def train(cls, examples: Sequence[TrainingExample]) -> SuggestionModel | None:
        """A model of ``examples``, or None when they hold fewer than MIN_EXAMPLES spans that
        start and end on word boundaries. Raises ModelUnavailable without scikit-learn."""
        try:
            import numpy as np
            from sklearn.feature_extraction import DictVectorizer
            from sklearn.linear_model import LogisticRegression
            from threadpoolctl import threadpool_limits  # comes with scikit-learn
        except ImportError:
            raise ModelUnavailable(INSTALL_HINT) from None
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
        # Every candidate that is no claim, as a number saying where it stands (ascending: in
        # the order the candidates come); its features are built only if it is kept.
        negatives: list[Any] = []
        first_word = [0]
        for tokens, raw, gold in prepared:
            claims = {at: label for at, label in gold.items() if label != _NONE}
            for i, j in sorted(claims):  # in the order the candidates come
                rows.append(features(tokens, raw, i, j))
                targets.append(claims[i, j])
            negatives.append(_negatives(tokens, claims, firsts, lasts, longest) + first_word[-1])
            first_word.append(first_word[-1] + len(tokens) * MAX_WORDS)
        # Bounded, and the same every time for the same annotations: the candidates a shuffle
        # of them with random.Random(17) would put first (it depends on their number only).
        where = np.concatenate(negatives)
        del negatives
        kept = where[shuffled_head(len(where), max(20, NEGATIVES_PER_POSITIVE * len(rows)), 17)]
        del where
        for code in kept.tolist():
            number = bisect.bisect_right(first_word, code) - 1
            tokens, raw, _gold = prepared[number]
            i, words_after = divmod(code - first_word[number], MAX_WORDS)
            rows.append(features(tokens, raw, i, i + words_after))
        targets.extend([_NONE] * len(kept))
        if len(set(targets)) < 2:
            return None
        # Only the features seen in training (a few thousand): hashing into a large space made
        # the solver work on hundreds of thousands of coefficients.
        hasher = DictVectorizer()
        classifier = LogisticRegression(max_iter=300, C=4.0)
        # One thread for the linear algebra: its vectors are too short to share out (a 5 MB
        # article's fit took 28 s on two threads, 2 s on one), and the model is then the same on
        # every machine (the threads' sums end in other last bits, which moves where the solver
        # stops).
        with threadpool_limits(limits=1):
            classifier.fit(hasher.fit_transform(rows), targets)
        return cls(classifier, hasher, firsts, lasts, longest)

    def predict(
        self, text: str, *, threshold: float = THRESHOLD, limit: int = 20_000
    ) -> list[tuple[int, int, int, float]]:
        """(start, end, label id, score) of the spans the model files under a label with at
        least ``threshold`` probability; overlapping candidates are all given."""
        spans = words(text)
        raw = [text[s:e] for s, e in spans]
        tokens = [fold(t) for t in raw]
        return self.predict_words(
            spans, raw, tokens, 0, len(spans), threshold=threshold, limit=limit
        )

    def predict_words(
        self,
        spans: Sequence[tuple[int, int]],
        raw: Sequence[str],
        tokens: Sequence[str],
        lo: int,
        hi: int,
        *,
        threshold: float = THRESHOLD,
        limit: int = 20_000,
    ) -> list[tuple[int, int, int, float]]:
        """`predict` for the candidates that begin with words ``lo`` .. ``hi`` - 1 of a text's
        words (``spans``, their ``raw`` text, their folded ``tokens``: a window of them, with
        the words a candidate may run on into after it and, unless ``lo`` is the text's first
        word, the one before it)."""
        found: list[tuple[int, int, int, float]] = []
        if limit <= 0:
            return found
        pending = candidates(tokens, self._firsts, self._lasts, self._longest, lo, hi)
        classes = [int(c) for c in self._classifier.classes_]
        labelled = [k for k, c in enumerate(classes) if c != _NONE]
        if not labelled:
            return found
        while part := list(itertools.islice(pending, 5000)):
            matrix = self._matrix(tokens, raw, part)
            chosen = self._classifier.predict_proba(matrix)[:, labelled]
            # The first label of the highest probability (as max() picked it row by row).
            best = chosen.argmax(axis=1)
            scores = chosen[range(len(part)), best]
            for row in (scores >= threshold).nonzero()[0]:
                i, j = part[row]
                found.append(
                    (spans[i][0], spans[j][1], classes[labelled[best[row]]], float(scores[row]))
                )
                if len(found) >= limit:
                    return found
        return found

    def _matrix(
        self, tokens: Sequence[str], raw: Sequence[str], part: Sequence[tuple[int, int]]
    ) -> Any:
        """What ``self._hasher.transform`` makes of the candidates' `features`, built from the
        words directly: each feature seen in training is a column holding 1.0, a row's columns
        in order. The same matrix (so the same probabilities) in half the time: the
        vectorizer checks the type of every value of every candidate's dictionary."""
        import numpy as np
        from scipy import sparse  # type: ignore[import-untyped]  # comes with scikit-learn

        vocabulary = self._hasher.vocabulary_
        column = vocabulary.get
        # A word's columns as one of a candidate's words, its first, last, and its neighbours.
        seen: dict[str, tuple[int | None, ...]] = {}

        def of(token: str) -> tuple[int | None, ...]:
            found = seen.get(token)
            if found is None:
                found = seen[token] = tuple(
                    column(kind + token) for kind in ("w=", "first=", "last=", "prev=", "next=")
                )
            return found

        start, end = column("prev=<s>"), column("next=</s>")
        shapes: dict[str, int | None] = {}
        indices: list[int] = []
        indptr = [0]
        count = len(tokens)
        for i, j in part:
            inside = tokens[i : j + 1]
            shape = _shape(raw[i])
            if shape not in shapes:
                shapes[shape] = column("shape=" + shape)
            row = {
                column("ng=" + " ".join(inside)),
                of(inside[0])[1],
                of(inside[-1])[2],
                of(tokens[i - 1])[3] if i > 0 else start,
                of(tokens[j + 1])[4] if j + 1 < count else end,
                column(f"len={len(inside)}"),
                shapes[shape],
            }
            row.update([of(token)[0] for token in inside])
            row.discard(None)
            indices.extend(sorted(row))
            indptr.append(len(indices))
        return sparse.csr_matrix(
            (
                np.ones(len(indices), dtype=self._hasher.dtype),
                np.array(indices, dtype=np.intc),
                indptr,
            ),
            shape=(len(part), len(vocabulary)),
            dtype=self._hasher.dtype,
        )


def candidates(
    tokens: Sequence[str],
    firsts: set[str],
    lasts: set[str],
    longest: int,
    lo: int = 0,
    hi: int | None = None,
) -> Iterator[tuple[int, int]]:
    count = len(tokens)
    for i in range(lo, count if hi is None else hi):
        if tokens[i] not in firsts:
            continue
        for j in range(i, min(count, i + longest)):
            if tokens[j] in lasts:
                yield i, j


def _negatives(
    tokens: Sequence[str],
    claims: dict[tuple[int, int], int],
    firsts: set[str],
    lasts: set[str],
    longest: int,
) -> Any:
    """The candidates of a text (as `candidates` gives them) that are not ``claims``, each as
    ``i * MAX_WORDS + j - i``: a numpy array, ascending, so in the order `candidates` gives."""
    import numpy as np

    count = len(tokens)
    first = np.fromiter((token in firsts for token in tokens), dtype=bool, count=count)
    last = np.fromiter((token in lasts for token in tokens), dtype=bool, count=count)
    found = [
        np.flatnonzero(first[: count - after] & last[after:]).astype(np.int64) * MAX_WORDS + after
        for after in range(min(longest, count))
    ]
    codes = np.sort(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    filed = np.array([i * MAX_WORDS + j - i for i, j in claims], dtype=np.int64)
    return codes[~np.isin(codes, filed)]
