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
"""

from __future__ import annotations

import csv
import re
from itertools import groupby
from operator import itemgetter
from pathlib import Path

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


def export(source: ExportSource, out: Path, progress: Progress | None = None) -> ExportReport:
    report = ExportReport(FORMAT.name, out)
    written = SpanDigest()
    total = source.document_count
    with atomic_output(out, folder=False) as temp:
        with temp.open("w", encoding="utf-8", newline="") as handle:
            handle.write("\ufeff")  # the byte-order mark (the utf-8-sig codec is slower)
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            first = _FIRST
            safe = neutralise
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
                check_progress(progress, done, total)
        verify(report, written, _read_back(temp))
    report.lost.extend(_lost(source))
    report.files = [out]
    return report


def _lost(source: ExportSource) -> list[str]:
    return ["the document texts (only each annotation's quote is written)"] + (
        ["label colours and descriptions"] if source.labels else []
    )


def _read_back(path: Path) -> SpanDigest:
    """Parse the file as a spreadsheet would import it, one document's rows at a time."""
    digest = SpanDigest()
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        if tuple(next(reader)) != COLUMNS:
            raise FormatError(path, "read back, the header row is not the one written")
        # One document's rows at a time (they are written in document order).
        for document_id, rows in groupby(reader, key=itemgetter(0)):
            digest.add(document_id, [(r[2], r[3], int(r[4]), int(r[5]), r[6]) for r in rows])
    return digest
