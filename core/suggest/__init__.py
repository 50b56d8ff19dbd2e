"""Suggestions: spans proposed for a label (from the codebook, the project, a model), not
annotations until the annotator accepts them."""

from claimdesk.core.suggest.engine import suggest
from claimdesk.core.suggest.model import SuggestionModel, TrainingExample, training_examples
from claimdesk.core.suggest.records import SourceStats, Suggestion

__all__ = [
    "SourceStats",
    "Suggestion",
    "SuggestionModel",
    "TrainingExample",
    "suggest",
    "training_examples",
]
