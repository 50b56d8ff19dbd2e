"""What every dataset format shares: the selection to export, the report, the neutral form
that importers produce, and the errors they raise.

Offsets everywhere in Claimdesk are Python string indices (Unicode code points) into the
document text exactly as stored. A format that counts differently (UTF-16 code units in UIMA
XMI, bytes in some tools) converts at its own border and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from core.errors import ProjectError
from core.records import LabelRecord

# progress(done, total) -> False asks the exporter or importer to stop; nothing partial is left.
Progress = Callable[[int, int], bool]


@dataclass(frozen=True)
class ExportSelection:
    """Which annotations go out. Empty tuples mean everything."""

    annotators: tuple[str, ...] = ()  # annotator names
    documents: tuple[int, ...] = ()  # document ids


@dataclass(frozen=True, slots=True)
class SpanOut:
    """One annotation on its way out, with names instead of ids."""

    id: int
    start: int
    end: int
    label: str
    annotator: str
    note: str
    quote: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class DocumentOut:
    """One document on its way out with its selected spans, sorted by (start, end, label)."""

    id: int
    title: str
    source: str
    date: str
    meta: dict[str, Any]
    text: str
    spans: list[SpanOut]


class ExportSource(Protocol):
    """What an exporter reads: the codebook, the annotators and a stream of documents.

    `documents()` yields one document at a time so a large corpus is never held whole.
    """

    @property
    def project_name(self) -> str: ...

    @property
    def labels(self) -> list[LabelRecord]: ...  # the whole codebook, in codebook order

    @property
    def annotators(self) -> list[str]: ...  # the selected annotators' names

    @property
    def document_count(self) -> int: ...

    def documents(self) -> Iterator[DocumentOut]: ...


@dataclass
class MemorySource:
    """An ExportSource held in memory (tests, small exports)."""

    project_name: str
    labels: list[LabelRecord]
    annotators: list[str]
    docs: list[DocumentOut]

    @property
    def document_count(self) -> int:
        return len(self.docs)

    def documents(self) -> Iterator[DocumentOut]:
        return iter(self.docs)


@dataclass
class ExportReport:
    """What an export wrote and what its format could not hold (one sentence per thing)."""

    format: str
    out: Path
    documents: int = 0
    spans: int = 0
    files: list[Path] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    verified: bool = False  # read back: every span still covers the same quote

    def summary(self) -> str:
        lines = [f"{self.documents} document(s) and {self.spans} span(s) written to {self.out}."]
        if self.verified:
            lines.append("Read back: every span covers the same text as in the project.")
        if self.lost:
            lines.append(f"Not representable in {self.format} ({len(self.lost)}):")
            lines.extend(f"- {item}" for item in self.lost)
        return "\n".join(lines)


class FormatError(ProjectError):
    """A dataset file that cannot be read or written; names the file, the place and the reason.

    `where` is a line ("line 12"), an entry ("entry sources/a.txt"), an element or an id.
    """

    def __init__(self, path: Path | str, reason: str, where: str = "") -> None:
        self.where = where
        super().__init__(path, f"{where}: {reason}" if where else reason)


class MissingExtraError(FormatError):
    """The format needs an optional dependency that is not installed; says how to add it."""


class Cancelled(Exception):
    """The user stopped an export or import; nothing was written or changed."""


@dataclass(frozen=True)
class SpanIn:
    """One annotation as a file gives it, before it meets the project."""

    start: int
    end: int
    label: str
    annotator: str | None = None  # None: the annotator chosen for the import
    note: str = ""
    quote: str | None = None  # when the file states the covered text, it must match


@dataclass
class DocumentIn:
    """One document as a file gives it: the text is kept exactly as given (no normalising)."""

    text: str
    spans: list[SpanIn] = field(default_factory=list)
    title: str | None = None
    source: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    where: str = ""  # where in the file it came from, for messages ("line 3", "entry a.ann")
    # label name -> colour, for labels the file defines (with or without spans)
    labels: dict[str, str] = field(default_factory=dict)
