"""The model trained on the project's own annotations: trains on a tiny corpus, predicts the
claims it learned in a new text, says when there is too little to learn from."""

from __future__ import annotations

import subprocess
import sys

import pytest

from claimdesk.core.store.project import Project
from claimdesk.core.suggest import SuggestionModel, TrainingExample, suggest, training_examples
from claimdesk.core.suggest.model import INSTALL_HINT, model_problem

TEXTS = [
    "Officials said the troop reduction would begin in May. Talks on trade resumed.",
    "The minister denied any troop reduction. Grain exports rose again this week.",
    "A troop reduction was agreed, diplomats said. Oil prices fell on Monday.",
    "Critics called the troop reduction premature. Trade talks stalled.",
]


def examples() -> list[TrainingExample]:
    found = []
    for text in TEXTS:
        spans = []
        at = text.find("troop reduction")
        spans.append((at, at + len("troop reduction"), 1))
        for phrase in ("trade", "Trade", "exports"):
            where = text.find(phrase)
            if where >= 0:
                spans.append((where, where + len(phrase), 2))
        found.append(TrainingExample(text, tuple(spans)))
    return found


def test_a_model_learns_claims_from_a_tiny_corpus() -> None:
    model = SuggestionModel.train(examples())
    assert model is not None
    assert set(model.labels) == {1, 2}
    text = "Diplomats expect a troop reduction soon; trade is another matter."
    predicted = model.predict(text)
    by_quote = {text[s:e]: (label, score) for s, e, label, score in predicted}
    assert by_quote["troop reduction"][0] == 1
    assert by_quote["trade"][0] == 2
    assert all(0.5 <= score <= 1 for _label, score in by_quote.values())
    # Words it never saw filed are not suggested.
    assert "Diplomats" not in by_quote and "matter" not in by_quote


def test_too_few_examples_give_no_model() -> None:
    assert SuggestionModel.train([]) is None
    one = TrainingExample("A troop reduction.", ((2, 17, 1),))
    assert SuggestionModel.train([one]) is None
    # Spans that do not start and end on word boundaries teach nothing.
    odd = TrainingExample("troops troops troops", ((1, 5, 1), (8, 12, 1), (15, 19, 1)))
    assert SuggestionModel.train([odd]) is None


def test_the_model_suggests_in_the_project(seeded: Project) -> None:
    annotator = seeded.ensure_annotator("Ada")
    documents = seeded.documents()
    military = next(label.id for label in seeded.labels() if label.name == "Military")
    first, second = documents[0].id, documents[1].id
    text = seeded.document_text(second)
    # Every occurrence: an occurrence left unmarked teaches the model it is no claim.
    for word in ("troops", "military", "Soviet"):
        at = text.find(word)
        while at >= 0:
            if not text[at + len(word) : at + len(word) + 1].isalpha():
                seeded.add_annotation(second, military, annotator.id, at, at + len(word))
            at = text.find(word, at + 1)
    model = SuggestionModel.train(training_examples(seeded, annotator.id))
    assert model is not None
    predicted = model.predict(seeded.document_text(first))
    assert predicted
    assert {label for *_span, label, _score in predicted} == {military}
    found = suggest(seeded, first, annotator.id, model=model)
    # Each of the model's spans is suggested (by the model, or by a source more sure of it).
    assert {(s, e, label) for s, e, label, _ in predicted} <= {
        (x.start, x.end, x.label_id) for x in found
    }
    assert {x.quote.casefold() for x in found} <= {"troops", "military", "soviet"}
    assert training_examples(seeded, annotator.id, skip=[second]) == []


def test_without_scikit_learn_the_other_sources_still_work_and_the_model_says_how(
    tmp_path: object,
) -> None:
    program = (
        "import sys\n"
        "class NoSklearn:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'sklearn':\n"
        "            raise ImportError('blocked')\n"
        "sys.meta_path.insert(0, NoSklearn())\n"
        "import importlib.util\n"
        "importlib.util.find_spec = lambda name, *a: None if name == 'sklearn' else 1\n"
        "from claimdesk.core.suggest.model import SuggestionModel, ModelUnavailable, "
        "model_problem\n"
        "from claimdesk.core.suggest.engine import rule_matches\n"
        "from claimdesk.core.text.suggest_rules import SuggestRules\n"
        "print(model_problem())\n"
        "print(len(rule_matches({1: SuggestRules(phrases=('troops',))}, 'troops and troops')))\n"
        "try:\n"
        "    SuggestionModel.train([])\n"
        "except ModelUnavailable as exc:\n"
        "    print('refused:', exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == INSTALL_HINT
    assert lines[1] == "2"
    assert lines[2] == f"refused: {INSTALL_HINT}"
    assert "pip install 'claimdesk[learn]'" in INSTALL_HINT
    assert model_problem() is None  # here scikit-learn is installed (the test extras)


@pytest.mark.parametrize("threshold", [0.99])
def test_a_high_threshold_keeps_only_sure_suggestions(threshold: float) -> None:
    model = SuggestionModel.train(examples())
    assert model is not None
    text = "Diplomats expect a troop reduction soon; trade is another matter."
    assert all(score >= threshold for *_span, score in model.predict(text, threshold=threshold))
