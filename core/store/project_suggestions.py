"""The project's methods for suggestions (a part of ``Project``): rules, what was learned, and
the decisions (accept: spans added and recorded in one undoable step; reject: recorded)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from claimdesk.core.errors import EditError
from claimdesk.core.records import Changes, LabelRecord
from claimdesk.core.store import suggestions as store
from claimdesk.core.suggest.records import SOURCES, SourceStats, Suggestion
from claimdesk.core.text.suggest_rules import SuggestRules

if TYPE_CHECKING:
    from claimdesk.core.store.edits import Command


class SuggestionsPart:
    """Mixed into Project: suggestion rules, learned texts and decisions."""

    if TYPE_CHECKING:

        def _connect(self) -> AbstractContextManager[Connection]: ...
        def apply(self, command: Command) -> Changes: ...
        def labels(self) -> list[LabelRecord]: ...
        def document_text(self, document_id: int) -> str: ...

    # -- reads ----------------------------------------------------------------------------------

    def suggestion_rules(self) -> dict[int, SuggestRules]:
        """label id -> the phrases and patterns that suggest it (from the codebook)."""
        with self._connect() as conn:
            return store.read_rules(conn)

    def marked_texts(self, annotator_id: int) -> Counter[tuple[str, int]]:
        """(folded text, label id) -> how often this annotator filed that text under it."""
        with self._connect() as conn:
            return store.marked_texts(conn, annotator_id)

    def suggestion_decisions(
        self, annotator_id: int | None
    ) -> tuple[Counter[tuple[str, int]], Counter[tuple[str, int]]]:
        """(accepted, rejected) counts per (folded text, label id)."""
        with self._connect() as conn:
            return store.decision_counts(conn, annotator_id)

    def suggestion_stats(self, annotator_id: int | None) -> dict[str, SourceStats]:
        """Per source ("codebook", "project", "model"): accepted, rejected and missed, with
        precision and recall on the annotator's decisions (``SourceStats``)."""
        with self._connect() as conn:
            return store.source_stats(conn, annotator_id)

    # -- edits ----------------------------------------------------------------------------------

    def set_suggestion_rules(self, rules: Mapping[int, SuggestRules]) -> Changes:
        """Replace the rules of the labels given (label id -> rules; empty rules remove them)."""
        known = {label.id for label in self.labels()}
        missing = sorted(set(rules) - known)
        if missing:
            raise EditError(f"There is no label with id {missing[0]}.")
        return self.apply(store.SetRules({int(k): v for k, v in rules.items()}))

    def accept_suggestions(self, annotator_id: int, suggestions: Sequence[Suggestion]) -> Changes:
        """File the suggestions' spans (skipping those already there) and record each as
        accepted: one undoable step."""
        items = self._checked(suggestions)
        if not items:
            raise EditError("There is no suggestion to accept.")
        return self.apply(store.RecordDecisions(annotator_id, items, accepted=True))

    def reject_suggestion(self, annotator_id: int, suggestion: Suggestion) -> Changes:
        """Record a suggestion as rejected (undoable): that text is not suggested for that label
        to this annotator again."""
        items = self._checked([suggestion])
        return self.apply(store.RecordDecisions(annotator_id, items, accepted=False))

    def _checked(self, suggestions: Sequence[Suggestion]) -> list[Suggestion]:
        labels = {label.id for label in self.labels()}
        texts: dict[int, str] = {}
        for item in suggestions:
            if item.source not in SOURCES:
                raise EditError(f"A suggestion cannot come from {item.source[:40]!r}.")
            if item.label_id not in labels:
                raise EditError("That label no longer exists.")
            if item.document_id not in texts:
                texts[item.document_id] = self.document_text(item.document_id)
            text = texts[item.document_id]
            if (
                not 0 <= item.start < item.end <= len(text)
                or not text[item.start : item.end].strip()
            ):
                raise EditError(f"The suggestion {item.start}–{item.end} lies outside the text.")
        # The quote is always the stored text's, whatever the caller passed.
        return [
            Suggestion(
                s.document_id,
                s.start,
                s.end,
                s.label_id,
                s.source,
                min(1.0, max(0.0, float(s.score))),
                texts[s.document_id][s.start : s.end],
            )
            for s in suggestions
        ]
