"""Generated, deterministic articles and annotations shared by the benchmarks."""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from claimdesk.core.store.tables import utcnow

# Article-like words. LATIN_WORDS encode in any Western code page (the import benchmark writes
# cp1252 files); WORDS add an emoji flag and a CJK character outside the BMP so that offsets
# are exercised the way real corpora exercise them.
LATIN_WORDS = [
    "Soviet",
    "Chinese",
    "troops",
    "border",
    "talks",
    "delegation",
    "Beijing",
    "Moscow",
    "trade",
    "barter",
    "reform",
    "diplomats",
    "say",
    "weapons",
    "technology",
    "summit",
    "normalisation",
    "frontier",
    "army",
    "cooperation",
]
WORDS = [*LATIN_WORDS, "embargo", "sanctions", "café", "naïve", "𠀀", "🇨🇳"]


def article_text(size: int, seed: int) -> str:
    """About ``size`` characters of paragraphs of sentences, numbered so no two are alike."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    length = 0
    while length < size:
        sentences = (
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 24))).capitalize() + "."
            for _ in range(rng.randint(2, 6))
        )
        paragraph = f"{len(paragraphs)}. " + " ".join(sentences)
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def annotation_rows(
    text: str,
    spans: Iterable[tuple[int, int]],
    document_id: int,
    annotator_id: int,
    label_ids: list[int],
) -> list[dict[str, Any]]:
    """Rows for a bulk insert into the annotation table, labels taken in turn."""
    now = utcnow()
    return [
        {
            "document_id": document_id,
            "label_id": label_ids[i % len(label_ids)],
            "annotator_id": annotator_id,
            "start": start,
            "end": end,
            "quote": text[start:end],
            "note": "",
            "created_at": now,
            "updated_at": now,
        }
        for i, (start, end) in enumerate(spans)
    ]


def random_spans(text: str, count: int, seed: int, longest: int = 60) -> list[tuple[int, int]]:
    """``count`` distinct spans of 3 to ``longest`` characters."""
    rng = random.Random(seed)
    chosen: set[tuple[int, int]] = set()
    while len(chosen) < count:
        start = rng.randrange(0, len(text) - longest)
        chosen.add((start, start + rng.randint(3, longest)))
    return sorted(chosen)
