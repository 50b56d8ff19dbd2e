"""CSV: one row per annotation, for spreadsheets and quick counts.

RFC 4180 (the csv module: fields with commas, quotes or line breaks are quoted, rows end in
CRLF). Written as UTF-8 with a byte-order mark, because Excel reads a CSV without one in the
machine's legacy code page and mangles every accent, emoji and CJK character; LibreOffice,
pandas (``encoding="utf-8-sig"``) and Python's csv module read it fine.

Spreadsheets run a cell that begins with ``= + - @``, a tab or a carriage return as a formula,
so such text cells (quotes, notes, labels, titles) get a leading apostrophe, as do cells that
already begin with one (so the apostrophe can be taken off again unambiguously). Numbers stay
plain: the ids and offsets, and a text cell that is a plain number as a spreadsheet reads one
(``-5``, ``+3``, ``-0.5``, ``-1e3``), which no spreadsheet runs as a formula; ``-5+3``, ``=1``,
``+A1`` are neutralised. Offsets are Unicode code points, half-open.

Attributes follow the fixed columns, one column per attribute name in codebook order; the
column holds the value of the row's span (its label's attribute, default applied), empty when
the span's label has no such attribute. Two labels' attributes share a column when they have
the same name, kind and choices; when one name means different things (other kind or other
choices), or clashes with a fixed column, each label's gets a column of its own headed
``<label>: <attribute>`` (side by side). Values are written as the window shows them:
yes/no, numbers as numbers, a multi's choices joined by ``"; "``.

Relations go to a second file beside it, ``<name>-relations.csv`` (one row per relation: its
id, the document, the type, both spans' ids and quotes, the annotator), and document labels to
a third, ``<name>-document-labels.csv`` (document, title, annotator, set, value); each is
written when the codebook defines relation types (or document label sets), or the selection
has some. The same encoding and neutralising apply to all three.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any, TextIO

from claimdesk.core.formats import registry
from claimdesk.core.formats.base import (
    ExportReport,
    ExportSource,
    FormatError,
    SpanDigest,
    atomic_output,
    verify,
)
from claimdesk.core.progress import Progress, check_progress
from claimdesk.core.scheme import AttributeSpec, Scheme, display_value

FORMAT = registry.info_of(__name__)

COLUMNS = (
    "document_id",
    "title",
    "annotator",
    "label",
    "start",
    "end",
    "quote",
    "note",
    "annotation_id",
    "created_at",
    "updated_at",
)
RELATION_COLUMNS = (
    "relation_id",
    "document_id",
    "type",
    "source_id",
    "target_id",
    "source_quote",
    "target_quote",
    "annotator",
)
DOC_LABEL_COLUMNS = ("document_id", "title", "annotator", "set", "value")
MULTI_SEPARATOR = "; "
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")
_FIRST = frozenset(_TRIGGERS)
# A signed decimal number, as a spreadsheet parses one: "-5", "+3", "-0.5", "-.5", "-1e3".
# ASCII digits only (Python's \d also takes other scripts' digits, which spreadsheets do not).
_SIGNED_NUMBER = re.compile(r"[+-](?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def is_plain_number(cell: str) -> bool:
    """A cell starting with + or - that a spreadsheet reads as a number, not a formula."""
    return _SIGNED_NUMBER.fullmatch(cell) is not None


def neutralise(cell: str) -> str:
    """Keep a spreadsheet from running the cell as a formula (reversible, see restore).

    A plain number (``-5``) stays as it is: no spreadsheet runs it, and the README promises it.
    """
    if cell[:1] in _FIRST and not is_plain_number(cell):
        return "'" + cell
    return cell


def restore(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


def relations_path(out: Path) -> Path:
    """Where the relations of an export to ``out`` go: ``<name>-relations.csv`` beside it."""
    return out.with_name(f"{out.stem}-relations.csv")


def doc_labels_path(out: Path) -> Path:
    """Where the document labels go: ``<name>-document-labels.csv`` beside it."""
    return out.with_name(f"{out.stem}-document-labels.csv")


def attribute_columns(scheme: Scheme) -> list[tuple[str, dict[str, str]]]:
    """(header, {label: attribute name}) per attribute column, in codebook order."""
    specs: dict[str, list[tuple[str, AttributeSpec]]] = {}
    for label, attributes in scheme.attributes.items():
        for spec in attributes:
            specs.setdefault(spec.name, []).append((label, spec))
    columns: list[tuple[str, dict[str, str]]] = []
    for name, owners in specs.items():
        alike = len({(spec.kind, spec.choices) for _, spec in owners}) == 1
        if alike and name not in COLUMNS:
            columns.append((name, {label: name for label, _ in owners}))
        else:
            columns.extend((f"{label}: {name}", {label: name}) for label, _ in owners)
    return columns


def cell(value: Any) -> str:
    """An attribute value as its cell shows it (neutralised)."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        text = MULTI_SEPARATOR.join(str(v) for v in value)
    else:
        text = display_value(value)
    return neutralise(text) if not isinstance(value, (int, float)) else text


@contextmanager
def _csv_file(path: Path, header: tuple[str, ...]) -> Iterator[Any]:
    with atomic_output(path, folder=False) as temp, _opened(temp) as handle:
        handle.write("\ufeff")
        writer = csv.writer(handle)
        writer.writerow(header)
        yield writer


@contextmanager
def _opened(temp: Path) -> Iterator[TextIO]:
    with temp.open("w", encoding="utf-8", newline="") as handle:
        yield handle


def export(source: ExportSource, out: Path, progress: Progress | None = None) -> ExportReport:
    report = ExportReport(FORMAT.name, out)
    written = SpanDigest()
    total = source.document_count
    scheme: Scheme = source.scheme
    columns = attribute_columns(scheme)
    header = COLUMNS + tuple(neutralise(name) for name, _ in columns)
    with ExitStack() as stack:
        temp = stack.enter_context(atomic_output(out, folder=False))
        handle = stack.enter_context(_opened(temp))
        handle.write("\ufeff")  # the byte-order mark (the utf-8-sig codec is slower)
        writer = csv.writer(handle)
        writer.writerow(header)
        relations = doc_labels = None
        if scheme.relations:
            relations = stack.enter_context(_csv_file(relations_path(out), RELATION_COLUMNS))
        if scheme.doc_labels:
            doc_labels = stack.enter_context(_csv_file(doc_labels_path(out), DOC_LABEL_COLUMNS))
        first = _FIRST
        safe = neutralise
        unwritten = [0, 0]  # relations, document labels without a file to go to
        for done, doc in enumerate(source.documents(), start=1):
            title = neutralise(doc.title)
            # neutralise() called only for cells that begin with a trigger: five calls a
            # row add up at a million rows.
            rows = [
                (
                    doc.id,
                    title,
                    safe(s.annotator) if s.annotator[:1] in first else s.annotator,
                    safe(s.label) if s.label[:1] in first else s.label,
                    s.start,
                    s.end,
                    safe(s.quote) if s.quote[:1] in first else s.quote,
                    safe(s.note) if s.note[:1] in first else s.note,
                    s.id,
                    s.created,  # as stored: "2026-03-04 05:06:07.123456", UTC
                    s.updated,
                )
                for s in doc.spans
            ]
            if columns:
                writer.writerows(
                    row + _attribute_cells(columns, s.label, doc.attributes.get(s.id))
                    for row, s in zip(rows, doc.spans, strict=True)
                )
            else:
                writer.writerows(rows)
            stale = [s for s in doc.spans if doc.text[s.start : s.end] != s.quote]
            if stale:
                raise FormatError(
                    out, f"document {doc.id}: annotation {stale[0].id} no longer fits its text"
                )
            if rows:
                # The cells as written (neutralised: restore() undoes that, tested apart).
                written.add(str(doc.id), [(r[2], r[3], r[4], r[5], r[6]) for r in rows])
                report.wrote_document(len(rows))
            else:  # a document appears only through its rows
                report.left_out += 1
            report.spans += len(doc.spans)
            if relations is not None:
                quotes = {s.id: s.quote for s in doc.spans}
                relations.writerows(
                    (
                        r.id,
                        doc.id,
                        safe(r.type),
                        r.source,
                        r.target,
                        safe(quotes[r.source]),
                        safe(quotes[r.target]),
                        safe(r.annotator),
                    )
                    for r in doc.relations
                )
            else:
                unwritten[0] += len(doc.relations)
            if doc_labels is not None:
                doc_labels.writerows(
                    (doc.id, title, safe(d.annotator), safe(d.set), safe(d.value))
                    for d in doc.doc_labels
                )
            else:
                unwritten[1] += len(doc.doc_labels)
            check_progress(progress, done, total)
        handle.close()
        verify(report, written, _read_back(temp, len(header)))
    report.lost.extend(_lost(source))
    if any(unwritten):
        report.lost.append(
            f"{unwritten[0]} relation(s) and {unwritten[1]} document label(s) of types or sets"
            " the codebook does not define"
        )
    report.files = [out] + [
        path
        for path, kept in ((relations_path(out), relations), (doc_labels_path(out), doc_labels))
        if kept is not None
    ]
    return report


def _attribute_cells(
    columns: list[tuple[str, dict[str, str]]], label: str, values: dict[str, Any] | None
) -> tuple[str, ...]:
    if not values:
        return ("",) * len(columns)
    return tuple(
        cell(values.get(owners[label])) if label in owners else "" for _, owners in columns
    )


def _lost(source: ExportSource) -> list[str]:
    return ["the document texts (only each annotation's quote is written)"] + (
        ["label colours and descriptions"] if source.labels else []
    )


def _read_back(path: Path, width: int) -> SpanDigest:
    """Parse the file as a spreadsheet would import it, one document's rows at a time."""
    digest = SpanDigest()
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        head = tuple(next(reader))
        if head[: len(COLUMNS)] != COLUMNS or len(head) != width:
            raise FormatError(path, "read back, the header row is not the one written")
        # One document's rows at a time (they are written in document order).
        for document_id, rows in groupby(reader, key=itemgetter(0)):
            digest.add(document_id, [(r[2], r[3], int(r[4]), int(r[5]), r[6]) for r in rows])
    return digest
