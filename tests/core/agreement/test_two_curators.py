"""Two curators on one server project accept the same span into gold at the same moment: one
copy is stored, and the second curator is told it was already accepted (no traceback)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from claimdesk.core.agreement import curation as core_curation
from claimdesk.core.agreement.curation import ALREADY_ACCEPTED, accept_span, gold_annotator
from claimdesk.core.errors import EditConflict
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import Article, sha256_text

TEXT = "The envoy said the border would open on Monday."


def test_second_curator_is_told_the_span_is_already_in_gold(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Project.create(pg_url, name="gold") as setup:
        label, _ = setup.add_label("Claim", "#1f77b4")
        setup.import_articles([Article(Path("a.txt"), TEXT, "A", sha256_text(TEXT), "utf-8", ())])
        document_id = setup.documents()[0].id
        ana = setup.ensure_annotator("Ana").id
        span = setup.add_annotation(document_id, label.id, ana, 4, 9).annotations_added[0]
        gold_annotator(setup)
    first, second = Project.open(pg_url), Project.open(pg_url)
    try:
        # The second curator looked at the gold set just before the first one's accept landed.
        real = core_curation.gold_span_ids
        stale: dict[str, Any] = {"views": 1}

        def seen_before(*args: Any) -> dict[tuple[int, int, int], int]:
            if stale["views"]:
                stale["views"] -= 1
                accept_span(first, span.id)  # …which lands right now
                return {}
            return real(*args)

        monkeypatch.setattr(core_curation, "gold_span_ids", seen_before)
        with pytest.raises(EditConflict) as refused:
            accept_span(second, span.id)
        assert str(refused.value) == ALREADY_ACCEPTED
        gold = gold_annotator(second).id
        copies = second.annotations(document_id, gold)
        assert [(c.start, c.end, c.label_id) for c in copies] == [(4, 9, label.id)]
        assert second.history.undo_text is None  # nothing of the refused accept to undo
        assert first.history.undo_text == "Accept span into gold"
    finally:
        first.close()
        second.close()
