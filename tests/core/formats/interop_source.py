"""The small project sent through Label Studio, doccano and QualCoder to make the interop fixtures.

``build(path)`` makes the same project every time (same documents, labels, annotators and
annotation ids, in the order below), so a file those editors wrote from its exports can be read
back "into the project it came from" by the tests as well as by ``scripts/interop/``.

The texts are awkward on purpose: a family emoji (a ZWJ sequence of five code points, eight
UTF-16 units), a pistol emoji and a CJK ideograph outside the BMP before later claims, flags,
a combining accent, HTML- and formula-looking strings. Two annotators mark the same words with
different notes, and one of them has overlapping spans (doccano keeps those only when its
project allows overlaps).
"""

from __future__ import annotations

import json
from pathlib import Path

from claimdesk.core.formats.importer import import_annotations
from claimdesk.core.store.project import Project

LABELS = {"Claim": "#4e79a7", "Source": "#f28e2b", "Evidence": "#59a14f"}

TEXTS = [
    "👨‍👩‍👧 Families in Heihe welcome the border market. Western diplomats said the arms"
    " embargo would stay; 🔫 barter trade grew 40% in 1989.\nTa Kung Pao reported a troop"
    " reduction of 𠀋 200,000 men.",
    "Moscow, 15 May 1989. Gorbachev arrives in Beijing 🇨🇳🇷🇺 for the first summit in thirty"
    ' years. Officials call it a "normalisation" <b>not</b> an alliance; =SUM(A1) Cafe\u0301'
    " talk resumed.",
    "Vladivostok. Trade across the Amur is expected to double, a Soviet official said.",
]

# (document index, annotator, label, quoted words, note); ids follow this order from 1.
SPANS = [
    (0, "Ana", "Claim", "arms embargo", "Ana: the embargo 📝 <i>stays</i>"),
    (0, "Ana", "Source", "Western diplomats", ""),
    (0, "Ana", "Claim", "barter trade grew 40%", ""),
    (0, "Ana", "Claim", "troop reduction", "=1+1 looks like a formula"),
    (0, "Ben", "Claim", "arms embargo", "Ben: same words, his own note"),
    (0, "Ben", "Source", "👨‍👩‍👧 Families in Heihe", ""),
    (0, "Ben", "Claim", "the arms embargo would stay", "overlaps his 'arms embargo'"),
    (1, "Ana", "Claim", "first summit in thirty years", ""),
    (1, "Ben", "Claim", "normalisation", "quoted in the original"),
    (1, "Ben", "Evidence", "Cafe\u0301 talk", ""),
    (2, "Ana", "Claim", "Trade across the Amur is expected to double", ""),
    (2, "Ana", "Source", "a Soviet official", ""),
]


# Every annotation as a user sees it: document text, annotator, label, start, end, words, note.
Row = tuple[str, str, str, int, int, str, str]


def project_rows(project: Project) -> list[Row]:
    """Every annotation of ``project`` as a ``Row``, sorted: what the interop tests compare."""
    annotators = {a.id: a.name for a in project.annotators()}
    labels = {label.id: label.name for label in project.labels()}
    found: list[Row] = []
    for document in project.documents():
        text = project.document_text(document.id)
        for a in project.annotations(document.id, None):
            found.append(
                (text, annotators[a.annotator_id], labels[a.label_id], a.start, a.end,
                 text[a.start : a.end], a.note)
            )  # fmt: skip
    return sorted(found)


def span_at(document: int, words: str) -> tuple[int, int]:
    """Code point offsets of the first occurrence of ``words`` in the document's text."""
    start = TEXTS[document].index(words)
    return start, start + len(words)


def build(path: Path) -> Path:
    """Create the project at ``path`` (a ``.claimdesk`` file that must not exist yet)."""
    lines: dict[tuple[int, str], dict[str, object]] = {}
    for document, annotator, label, words, note in SPANS:
        line = lines.setdefault(
            (document, annotator),
            {
                "id": document + 1,
                "title": TEXTS[document].split(".")[0][:40],
                "annotator": annotator,
                "text": TEXTS[document],
                "label": [],
                "spans": [],
            },
        )
        start, end = span_at(document, words)
        line["label"].append([start, end, label])  # type: ignore[attr-defined]
        line["spans"].append({"note": note})  # type: ignore[attr-defined]
    seed = path.with_name(path.stem + ".seed.jsonl")
    # One line per document and annotator, in the order of SPANS, so ids are 1, 2, … in order.
    order = sorted(lines, key=lambda key: min(i for i, s in enumerate(SPANS) if s[:2] == key))
    with seed.open("w", encoding="utf-8", newline="\n") as handle:
        for key in order:
            handle.write(json.dumps(lines[key], ensure_ascii=False) + "\n")
    with Project.create(path) as project:
        from claimdesk.core.records import LabelRecord
        from claimdesk.core.store.edits import AddLabels

        project.apply(
            AddLabels(
                [
                    (LabelRecord(0, name, colour, "", None, None, position), None)
                    for position, (name, colour) in enumerate(LABELS.items())
                ]
            )
        )
        import_annotations(project, "jsonl", seed)
        project.history.clear()
    seed.unlink()
    return path
