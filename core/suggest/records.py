"""The plain values of suggestions, shared by the store, the suggesters, the CLI and the window."""

from __future__ import annotations

from dataclasses import dataclass

SOURCES = ("codebook", "project", "model")


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A span ``[start, end)`` (code points) proposed for a label; not an annotation."""

    document_id: int
    start: int
    end: int
    label_id: int
    source: str  # "codebook" | "project" | "model"
    score: float  # 0..1
    quote: str


@dataclass(frozen=True, slots=True)
class SourceStats:
    """One source's record with an annotator (or everyone).

    ``accepted`` are true positives, ``rejected`` false positives; ``missed`` counts the spans
    filed by hand (not through any suggestion) in a document after this source's first decision
    there and that no accepted suggestion covers: false negatives.
    """

    source: str
    accepted: int
    rejected: int
    missed: int

    @property
    def precision(self) -> float | None:
        shown = self.accepted + self.rejected
        return self.accepted / shown if shown else None

    @property
    def recall(self) -> float | None:
        wanted = self.accepted + self.missed
        return self.accepted / wanted if wanted else None


def fold(text: str) -> str:
    """Text as suggestions compare it: case and runs of white space do not matter."""
    return " ".join(text.casefold().split())
