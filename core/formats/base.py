"""What every dataset format shares: the selection to export, the report, the neutral form
that importers produce, and the errors they raise.

Offsets everywhere in Claimdesk are Python string indices (Unicode code points) into the
document text exactly as stored. A format that counts differently (UTF-16 code units in UIMA
XMI, bytes in some tools) converts at its own border and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from claimdesk.core.errors import ProjectError
from claimdesk.core.outputs import OutputError, atomic_write
from claimdesk.core.records import LabelRecord
from claimdesk.core.scheme import Scheme

# progress(done, total) -> False asks the exporter or importer to stop; nothing partial is left.


@dataclass(frozen=True)
class ExportSelection:
    """Which annotations go out. Empty tuples mean everything."""

    annotators: tuple[str, ...] = ()  # annotator names
    documents: tuple[int, ...] = ()  # document ids


class SpanOut(NamedTuple):
    """One annotation on its way out, with names instead of ids.

    A named tuple rather than a dataclass: a million of them are made per large export, and a
    tuple is built three times faster than a frozen dataclass.

    The times are kept as the project stores them, ISO 8601 text in UTC without an offset
    ("2026-03-04 05:06:07.123456"); `created_at` and `updated_at` parse them for the formats
    that write times their own way. Parsing every time up front and printing it back again
    cost more than a third of a CSV export, and JSONL writes no times at all.
    """

    id: int
    start: int
    end: int
    label: str
    annotator: str
    note: str
    quote: str
    created: str
    updated: str

    @property
    def created_at(self) -> datetime:
        return datetime.fromisoformat(self.created)

    @property
    def updated_at(self) -> datetime:
        return datetime.fromisoformat(self.updated)


class RelationOut(NamedTuple):
    """A relation on its way out: its type by name, its ends by the spans' ids (both in the
    document's ``spans``; a relation whose end is not exported is not exported either)."""

    id: int
    type: str
    source: int  # SpanOut.id (the governor of a directed type)
    target: int  # SpanOut.id (the dependent)
    annotator: str


class DocLabelOut(NamedTuple):
    """One annotator's document label: the set by name and the chosen value."""

    set: str
    value: str
    annotator: str


@dataclass(frozen=True)
class DocumentOut:
    """One document on its way out with its selected spans, sorted by (start, end, label).

    ``attributes`` maps a span's id to its attribute values by attribute name: the attributes
    of the span's label only, each with its value or else its default (an attribute with
    neither is absent). Values take the forms core.scheme describes (a multi's as a tuple).
    ``relations`` are sorted by (source, target, type); ``doc_labels`` by (annotator, set,
    value).
    """

    id: int
    title: str
    source: str
    date: str
    meta: dict[str, Any]
    text: str
    spans: list[SpanOut]
    attributes: dict[int, dict[str, Any]] = field(default_factory=dict)
    relations: list[RelationOut] = field(default_factory=list)
    doc_labels: list[DocLabelOut] = field(default_factory=list)


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

    # attributes per label name, relation types and document label sets, in codebook order
    @property
    def scheme(self) -> Scheme: ...

    def documents(self) -> Iterator[DocumentOut]: ...


@dataclass
class MemorySource:
    """An ExportSource held in memory (tests, small exports)."""

    project_name: str
    labels: list[LabelRecord]
    annotators: list[str]
    docs: list[DocumentOut]
    scheme: Scheme = field(default_factory=Scheme)

    @property
    def document_count(self) -> int:
        return len(self.docs)

    def documents(self) -> Iterator[DocumentOut]:
        return iter(self.docs)


@dataclass
class ExportReport:
    """What an export wrote and what its format could not hold (one sentence per thing).

    ``documents`` counts the documents that appear in the output. Formats that carry texts
    write every selected document, also one without spans (``without_spans`` of them); formats
    that hold annotations only (CSV, W3C) cannot, and count those as ``left_out``.
    """

    format: str
    out: Path
    documents: int = 0
    spans: int = 0
    files: list[Path] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    verified: bool = False  # read back: every span still covers the same quote
    without_spans: int = 0  # documents in the output with their text but no span
    left_out: int = 0  # selected documents with no span, absent from an annotations-only file

    def wrote_document(self, spans: int) -> None:
        """Count a document that appears in the output, with ``spans`` of its spans."""
        self.documents += 1
        if not spans:
            self.without_spans += 1

    def summary(self) -> str:
        lines = [f"{self.documents} document(s) and {self.spans} span(s) written to {self.out}."]
        if self.without_spans:
            lines.append(
                f"{self.without_spans} of these document(s) have no span from the selected"
                " annotators: their text is written without annotations."
            )
        if self.left_out:
            lines.append(
                f"{self.left_out} selected document(s) have no span and are not in the file"
                f" ({self.format} holds annotations, not whole documents)."
            )
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


@dataclass(slots=True)
class SpanIn:
    """One annotation as a file gives it, before it meets the project."""

    start: int
    end: int
    label: str
    annotator: str | None = None  # None: the annotator chosen for the import
    note: str = ""
    quote: str | None = None  # when the file states the covered text, it must match
    # A text the file gives the span that may be its quote, or may be a free name (REFI-QDA's
    # selection name): never a reason to refuse, only a witness for a UTF-16 repair.
    hint: str | None = None
    # The Claimdesk annotation this span was exported as (Label Studio's result id
    # "claimdesk-N", JSONL's per-span id): an import into that project recognises it by the id.
    origin: int | None = None
    # attribute values by attribute name (forms as in core.scheme; a multi's as a list is fine)
    attributes: dict[str, Any] = field(default_factory=dict)
    # the span's id in the file (brat's "T3", a Label Studio region id, an XMI xmi:id), which
    # the file's relations name; None when nothing refers to it
    ref: str | None = None


@dataclass(slots=True)
class RelationIn:
    """A relation as a file gives it: its type by name, its ends by the spans' ``ref``."""

    type: str
    source: str
    target: str
    annotator: str | None = None  # None: the annotator chosen for the import (as for spans)
    where: str = ""  # "line 12", for messages


@dataclass(slots=True)
class DocLabelIn:
    """A document label as a file gives it."""

    set: str
    value: str
    annotator: str | None = None


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
    # the document's id in the file, when it has one (used to check an export read back)
    file_id: str | None = None
    # what the file holds that Claimdesk cannot (one sentence each), shown after the import
    not_imported: list[str] = field(default_factory=list)
    # spans Claimdesk exported into this file that an editor has since deleted or dropped (one
    # sentence each): the import leaves them as they are in the project and says so
    missing: list[str] = field(default_factory=list)
    relations: list[RelationIn] = field(default_factory=list)
    doc_labels: list[DocLabelIn] = field(default_factory=list)
    # what the file says about attributes, relation types and document label sets (brat's
    # annotation.conf, Label Studio's labeling config); None when it says nothing. The import
    # adds what the project lacks; attributes, relations and document labels found without a
    # definition get one made from what they hold.
    scheme: Scheme | None = None


# -- helpers shared by the format modules --------------------------------------------------------


def utc_timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC to the second, as "2026-03-04T05:06:07Z" (naive times are UTC)."""
    if moment.tzinfo is None:  # the project stores UTC without an offset
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def spans_by_annotator(spans: Iterable[SpanOut]) -> list[tuple[str, list[SpanOut]]]:
    """A document's spans per annotator, in order of the annotators' names (span order kept)."""
    groups: dict[str, list[SpanOut]] = {}
    for span in spans:
        groups.setdefault(span.annotator, []).append(span)
    return sorted(groups.items(), key=itemgetter(0))


@contextmanager
def atomic_output(out: Path, *, folder: bool, reading: Iterable[Path] = ()) -> Iterator[Path]:
    """Write into a hidden temporary sibling, then move it to ``out`` in one step.

    `core.outputs.atomic_write` with its refusals as FormatError: a Claimdesk project (and its
    -wal/-shm), the file being read, a device, a folder for a file format, a folder that holds
    files for a folder format, a missing or read-only folder. On any error (or Cancelled) the
    temporary file or folder is removed and ``out`` is left as it was; partial files of killed
    exports to the same place are removed.
    """
    try:
        with atomic_write(out, folder=folder, reading=reading) as temp:
            yield temp
    except OutputError as exc:
        raise FormatError(exc.path, exc.reason) from None


class SpanDigest:
    """A per-document fingerprint of (annotator, label, start, end, quote) tuples.

    An exporter feeds what it wrote; the read-back feeds what its reader found, with quotes cut
    from the text read back. Equal digests prove every span still covers the same quote while
    holding only one number per document in memory. Both sides are computed in the same
    process, so Python's (per-process salted) tuple hash is enough and much cheaper than a
    cryptographic one. The number is the sum of the spans' hashes, so the order in which the
    spans (or the pieces of one document, e.g. one per annotator) arrive does not matter and
    nothing needs sorting; a span that appears twice counts twice.
    """

    def __init__(self) -> None:
        self.documents: dict[str, int] = {}

    def add(self, key: str, spans: Iterable[tuple[str, str, int, int, str]]) -> None:
        self.documents[key] = self.documents.get(key, 0) + sum(map(hash, spans))

    def add_read(self, key: str, doc: DocumentIn, annotator: str | None = None) -> None:
        """Feed what a reader found: each span with its quote cut from the text read back.

        ``annotator`` stands for every span when the format keeps it outside the spans (brat's
        folder per annotator); otherwise each span's own annotator counts.
        """
        self.add(
            key,
            [
                (
                    (s.annotator or "") if annotator is None else annotator,
                    s.label,
                    s.start,
                    s.end,
                    doc.text[s.start : s.end],
                )
                for s in doc.spans
            ],
        )

    def differences(self, other: SpanDigest) -> list[str]:
        """Document keys whose spans differ between the two digests."""
        keys = sorted(set(self.documents) | set(other.documents))
        return [k for k in keys if self.documents.get(k) != other.documents.get(k)]


def verify(report: ExportReport, written: SpanDigest, read_back: SpanDigest) -> None:
    """Compare what an exporter wrote with what its reader found; raise FormatError if not."""
    wrong = written.differences(read_back)
    if wrong:
        shown = ", ".join(wrong[:5]) + (" …" if len(wrong) > 5 else "")
        raise FormatError(
            report.out, f"read back, the spans of {len(wrong)} document(s) differ: {shown}"
        )
    report.verified = True


class RicherDigest:
    """Like SpanDigest, for what hangs on the spans: attribute values, relations and document
    labels, each named by the Claimdesk ids of its spans (``SpanIn.origin`` read back).

    An exporter that writes them feeds each document it wrote (``add_written``) and each
    document its reader found (``add_read``); ``verify_richer`` compares the two.
    """

    def __init__(self) -> None:
        self.documents: dict[str, int] = {}

    def _add(self, key: str, items: Iterable[tuple[Any, ...]]) -> None:
        self.documents[key] = self.documents.get(key, 0) + sum(map(hash, items))

    def add_written(self, key: str, doc: DocumentOut, *, attributes: bool = True) -> None:
        items: list[tuple[Any, ...]] = []
        if attributes:
            items += [
                ("attribute", span, name, _hashable(value))
                for span, values in doc.attributes.items()
                for name, value in values.items()
            ]
        items += [("relation", r.annotator, r.type, r.source, r.target) for r in doc.relations]
        items += [("document", d.annotator, d.set, d.value) for d in doc.doc_labels]
        self._add(key, items)

    def add_read(self, key: str, doc: DocumentIn, *, attributes: bool = True) -> None:
        by_ref = {s.ref: s for s in doc.spans if s.ref is not None}
        items: list[tuple[Any, ...]] = []
        if attributes:
            items += [
                ("attribute", s.origin, name, _hashable(value))
                for s in doc.spans
                for name, value in s.attributes.items()
            ]
        for r in doc.relations:
            source, target = by_ref.get(r.source), by_ref.get(r.target)
            items.append(
                (
                    "relation",
                    r.annotator or "",
                    r.type,
                    None if source is None else source.origin,
                    None if target is None else target.origin,
                )
            )
        items += [("document", d.annotator or "", d.set, d.value) for d in doc.doc_labels]
        self._add(key, items)


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def verify_richer(report: ExportReport, written: RicherDigest, read_back: RicherDigest) -> None:
    """Raise FormatError when the attributes, relations or document labels read back differ."""
    keys = sorted(set(written.documents) | set(read_back.documents))
    wrong = [k for k in keys if written.documents.get(k, 0) != read_back.documents.get(k, 0)]
    if wrong:
        shown = ", ".join(wrong[:5]) + (" …" if len(wrong) > 5 else "")
        raise FormatError(
            report.out,
            f"read back, the attributes, relations or document labels of {len(wrong)}"
            f" document(s) differ: {shown}",
        )


def scheme_of(source: ExportSource) -> Scheme:
    """The source's scheme; an empty one from a source that has none (one written before
    ExportSource had ``scheme``)."""
    scheme = getattr(source, "scheme", None)
    return scheme if isinstance(scheme, Scheme) else Scheme()
