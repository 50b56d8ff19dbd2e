"""The plain values of suggestions, shared by the store, the suggesters, the CLI and the window."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

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


# A suggestion of a known document as a plain tuple: (start, end, label id, source, score, quote).
SuggestionRow = tuple[int, int, int, str, float, str]


def _order(item: Suggestion) -> tuple[int, int, int]:
    return (item.start, item.end, item.label_id)


class SuggestionRows(Sequence[Suggestion]):
    """One document's suggestions kept as plain rows in text order, each made a `Suggestion`
    when asked for: 10,000 rows cost little to pass between processes and to hold (the cycle
    collector ignores tuples of plain values), 10,000 records cost milliseconds."""

    __slots__ = ("document_id", "rows")

    def __init__(self, document_id: int, rows: list[SuggestionRow]) -> None:
        self.document_id = document_id
        self.rows = rows

    @staticmethod
    def rows_of(items: Iterable[Suggestion], text_length: int) -> list[SuggestionRow]:
        """Rows of ``items`` in text order (start, end, label), those outside the text dropped."""
        return [
            (s.start, s.end, s.label_id, s.source, s.score, s.quote)
            for s in sorted(items, key=_order)
            if 0 <= s.start < s.end <= text_length
        ]

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> Suggestion: ...
    @overload
    def __getitem__(self, index: slice) -> list[Suggestion]: ...
    def __getitem__(self, index: int | slice) -> Suggestion | list[Suggestion]:
        if isinstance(index, slice):
            return [Suggestion(self.document_id, *row) for row in self.rows[index]]
        return Suggestion(self.document_id, *self.rows[index])

    def __iter__(self) -> Iterator[Suggestion]:
        document_id = self.document_id
        return (Suggestion(document_id, *row) for row in self.rows)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"SuggestionRows(document {self.document_id}, {len(self.rows)} suggestions)"


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
