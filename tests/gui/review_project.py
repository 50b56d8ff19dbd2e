"""A generated project with several annotators who mostly agree: for the review windows' tests."""

from __future__ import annotations

import random
import re

from claimdesk.core.records import Status
from claimdesk.core.store.project import Project


def add_annotators(project: Project, count: int, seed: int = 5) -> list[int]:
    """``count`` annotators over every document: each keeps most of a shared set of spans,
    relabels or moves some, and adds a few of their own. Returns their ids in order."""
    rng = random.Random(seed)
    labels = [label.id for label in project.labels() if label.shortcut]
    names = ["Ana", "Ben", "Cleo", "Dov", "Eun", "Femi", "Gus", "Hana", "Ilse", "Jun", "Kai"]
    ids = [
        project.ensure_annotator(names[i % len(names)] + ("" if i < 11 else str(i))).id
        for i in range(count)
    ]
    for document in project.documents():
        text = project.document_text(document.id)
        words = [m.span() for m in re.finditer(r"\w+(?:\W+\w+){0,3}", text)]
        shared = [(*words[i], rng.choice(labels)) for i in sorted(rng.sample(range(len(words)), 8))]
        for index, annotator in enumerate(ids):
            spans: set[tuple[int, int, int]] = set()
            for start, end, label in shared:
                roll = rng.random()
                if roll < 0.7 or index == 0:
                    spans.add((start, end, label))
                elif roll < 0.8:
                    spans.add((start, end, rng.choice(labels)))
                elif roll < 0.9:
                    spans.add((start, min(end + 3, len(text)), label))
            spans.add((*rng.choice(words), rng.choice(labels)))
            for start, end, label in sorted(spans):
                if text[start:end].strip():
                    project.add_annotation(document.id, label, annotator, start, end)
            if index % 2 == 0:
                project.set_status(document.id, annotator, Status.DONE)
    project.history = type(project.history)()
    return ids
