"""JSONL: one JSON object a line, as doccano imports and exports it and `datasets` loads it.

Layout (offsets are Unicode code points, half-open, as Python and doccano count them): one line
per document and annotator, so each line is one person's reading of one text, as doccano's
per-user export gives it. A document no selected annotator touched still gets one line, with
``"annotator": null`` and no spans.

    {"id": 12, "title": "...", "source": "...", "date": "", "meta": {...},
     "annotator": "Ana", "text": "...", "label": [[0, 5, "Claim"]],
     "spans": [{"id": 7, "start": 0, "end": 5, "label": "Claim", "note": "..."}]}

``label`` is the doccano shape; ``spans`` carries our per-span id and note, each keyed by the
span it belongs to (start, end, label), kept apart so that doccano and `datasets` see the plain
doccano shape. doccano copies fields it does not know (``spans``, ``annotator``) into its export
unchanged, so after an edit in doccano they are stale: the reader matches each of ``label`` to
its entry by (start, end, label), never by position. A span with an entry is the annotator's
(with its note and id); one without was added in the editor and goes to the import's annotator;
an entry without a span was deleted in the editor (or dropped by doccano, which keeps no
overlapping spans unless its project allows them) and is reported. Files written before the
entries were keyed (``{"id", "note"}`` in the order of ``label``) still read when the counts agree.
The reader also accepts doccano's ``entities: [{start_offset, end_offset, label}]`` shape.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from claimdesk.core.formats import registry
from claimdesk.core.formats.base import (
    DocumentIn,
    ExportReport,
    ExportSource,
    FormatError,
    SpanDigest,
    SpanIn,
    SpanOut,
    atomic_output,
    spans_by_annotator,
    verify,
)
from claimdesk.core.formats.safe_files import (
    MAX_DATASET_BYTES,
    MAX_JSON_ITEMS,
    MAX_JSONL_ITEMS,
    load_json,
    open_regular,
    shown_value,
)
from claimdesk.core.progress import Progress, check_progress
from claimdesk.core.text.json_count import json_items
from claimdesk.core.text.regular_files import size_against_limit

FORMAT = registry.info_of(__name__)

# A document no selected annotator touched: one line with "annotator": null and no spans.
_NO_SPANS: list[tuple[str | None, list[SpanOut]]] = [(None, [])]


def export(source: ExportSource, out: Path, progress: Progress | None = None) -> ExportReport:
    report = ExportReport(FORMAT.name, out)
    written = SpanDigest()
    total = source.document_count
    with atomic_output(out, folder=False) as temp:
        with temp.open("w", encoding="utf-8", newline="\n") as handle:
            dumps = json.JSONEncoder(ensure_ascii=False).encode
            for done, doc in enumerate(source.documents(), start=1):
                for annotator, spans in spans_by_annotator(doc.spans) or _NO_SPANS:
                    # Unpacked once: a named tuple's fields by name cost twice as much.
                    rows = [(i, a, b, lab, n, q) for i, a, b, lab, _w, n, q, _c, _u in spans]
                    line = {
                        "id": doc.id,
                        "title": doc.title,
                        "source": doc.source,
                        "date": doc.date,
                        "meta": doc.meta,
                        "annotator": annotator,
                        "text": doc.text,
                        "label": [[a, b, lab] for _i, a, b, lab, _n, _q in rows],
                        "spans": [
                            {"id": i, "start": a, "end": b, "label": lab, "note": n}
                            for i, a, b, lab, n, _q in rows
                        ],
                    }
                    handle.write(dumps(line))
                    handle.write("\n")
                    who = annotator or ""
                    written.add(
                        f"{doc.id}/{annotator}",
                        [(who, lab, a, b, q) for _i, a, b, lab, _n, q in rows],
                    )
                    report.spans += len(spans)
                report.wrote_document(len(doc.spans))
                check_progress(progress, done, total)
        read_back = SpanDigest()
        for doc_in in iter_read(temp, shown=out, ours=False):
            annotator = doc_in.spans[0].annotator if doc_in.spans else None
            key = f"{doc_in.file_id}/{annotator}"
            read_back.add_read(key, doc_in)
        verify(report, written, read_back)
    if source.labels:
        report.lost.append(
            "label colours and descriptions, and labels no span uses (JSONL holds the names of"
            " labels in use)"
        )
    report.files = [out]
    return report


def read(path: Path) -> list[DocumentIn]:
    return list(iter_read(path))


def iter_read(path: Path, shown: Path | None = None, ours: bool = True) -> Iterator[DocumentIn]:
    """Documents one line at a time, as the file gives them.

    ``ours=False`` skips Claimdesk's per-span entries (ids and notes): an export's read-back
    compares spans only.

    Only a regular file is read, one bounded line at a time: the whole file holds at most
    MAX_DATASET_BYTES and MAX_JSONL_ITEMS, each line at most MAX_JSON_ITEMS.
    """
    shown = shown or path
    with open_regular(path, shown) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > MAX_DATASET_BYTES:
            raise FormatError(shown, f"is {size_against_limit(size, MAX_DATASET_BYTES)}")
        number = 0
        total_bytes = 0
        total_items = 0
        while True:
            try:
                raw = handle.readline(MAX_DATASET_BYTES + 1 - total_bytes)
            except OSError as exc:
                raise FormatError(shown, f"cannot be read: {exc.strerror or exc}") from None
            if not raw:
                break
            total_bytes += len(raw)
            if total_bytes > MAX_DATASET_BYTES:
                raise FormatError(
                    shown,
                    f"grew past the limit of {MAX_DATASET_BYTES:,} bytes while read",
                    f"line {number + 1}",
                )
            if number == 0:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            # A lone CR ends a line too (JSON strings cannot hold a raw one), as it always did.
            pieces = raw.split(b"\r") if b"\r" in raw.rstrip(b"\r\n") else [raw]
            for piece in pieces:
                if piece == b"\n" and len(pieces) > 1:  # the LF of a CRLF
                    continue
                number += 1
                if not piece.strip():
                    continue
                where = f"line {number}"
                items = json_items(piece, MAX_JSON_ITEMS)
                total_items += items
                if total_items > MAX_JSONL_ITEMS:
                    raise FormatError(
                        shown, f"holds more than {MAX_JSONL_ITEMS:,} JSON items (the limit)", where
                    )
                item = load_json(piece, shown, where, items=items)
                yield _document(item, shown, where, ours)


def _document(item: Any, path: Path, where: str, ours: bool = True) -> DocumentIn:
    if not isinstance(item, dict):
        raise FormatError(path, "expected a JSON object with a 'text' field", where)
    text = item.get("text", item.get("data"))
    if not isinstance(text, str):
        raise FormatError(path, "has no 'text' string", where)
    annotator = item.get("annotator")
    if annotator is not None and not isinstance(annotator, str):
        raise FormatError(path, "'annotator' must be a string", where)
    spans: list[SpanIn] = []
    if "label" in item or "labels" in item:
        entries = item.get("label", item.get("labels"))
        if not isinstance(entries, list):
            raise FormatError(path, "'label' must be a list of [start, end, label]", where)
        for entry in entries:
            if type(entry) is not list or len(entry) != 3:
                raise FormatError(path, f"{shown_value(entry)} is not [start, end, label]", where)
            start, end, label = entry
            if type(start) is not int or type(end) is not int:  # checks off the common path
                start, end = _offset(start, path, where), _offset(end, path, where)
            if type(label) is not str or not label.strip():
                label = _label(label, path, where)
            spans.append(SpanIn(start, end, label, annotator))
    elif "entities" in item:
        entries = item["entities"]
        if not isinstance(entries, list):
            raise FormatError(path, "'entities' must be a list", where)
        for entry in entries:
            if not isinstance(entry, dict):
                raise FormatError(path, "each entity must be an object", where)
            spans.append(
                SpanIn(
                    _offset(entry.get("start_offset"), path, where),
                    _offset(entry.get("end_offset"), path, where),
                    _label(entry.get("label"), path, where),
                    annotator,
                )
            )
    meta = item.get("meta")
    file_id = item.get("id")
    title = item.get("title")
    source = item.get("source")
    doc = DocumentIn(
        text=text,
        spans=spans,
        title=title if isinstance(title, str) else None,
        source=source if isinstance(source, str) else None,
        meta=meta if isinstance(meta, dict) else {},
        where=where,
        file_id=None if file_id is None else str(file_id),
    )
    if ours and item.get("spans") is not None and ("label" in item or "labels" in item):
        _match_ours(doc, item["spans"], annotator)
    return doc


Key = tuple[int, int, str]


def _match_ours(doc: DocumentIn, ours: Any, annotator: str | None) -> None:
    """Give each span its entry in Claimdesk's per-span list ``ours``, matched by the span.

    A span whose entry is there keeps the line's annotator and takes the entry's note and id; a
    span without one was added in an editor and goes to the import's annotator (None here); an
    entry without a span is listed in ``doc.missing``. A list that cannot be matched (not a list,
    or the older unkeyed entries in a number that differs from the spans') is reported in
    ``doc.not_imported`` and its notes are left out: never a reason to refuse the file.
    """
    where = doc.where
    if not isinstance(ours, list) or not all(isinstance(entry, dict) for entry in ours):
        doc.not_imported.append(
            f"{where}: 'spans' is not a list of objects, so its notes and ids were left out"
        )
        return
    keyed = [_key(entry) for entry in ours]
    if ours and all(key is None for key in keyed):  # written before the entries were keyed
        if len(ours) != len(doc.spans):
            doc.not_imported.append(
                f"{where}: 'spans' lists {len(ours)} entries for {len(doc.spans)} spans and does"
                " not say which is which (edited elsewhere), so its notes were left out"
            )
            return
        keyed = [(s.start, s.end, s.label) for s in doc.spans]
    entries: dict[Key, list[dict[str, Any]]] = {}
    unreadable = 0
    for key, entry in zip(keyed, ours, strict=True):
        if key is None:
            unreadable += 1
        else:
            entries.setdefault(key, []).append(entry)
    matched: list[SpanIn] = []
    for span in doc.spans:
        found = entries.get((span.start, span.end, span.label))
        if not found:
            matched.append(replace(span, annotator=None))  # added in an editor
            continue
        entry = found.pop(0)
        note = entry.get("note", "")
        ident = entry.get("id")
        matched.append(
            replace(
                span,
                note=note if isinstance(note, str) else "",
                origin=ident if type(ident) is int else None,
            )
        )
    doc.spans = matched
    if unreadable:
        doc.not_imported.append(
            f"{where}: {unreadable} of 'spans' name no span (start, end, label), so their notes"
            " were left out"
        )
    gone = sorted(key for key, left in entries.items() for _ in left)
    if not gone:
        return
    taken = [(s.start, s.end) for s in doc.spans]
    who = f" by {shown_value(annotator)}" if annotator else ""
    for start, end, label in gone:
        quote = doc.text[start:end] if 0 <= start < end <= len(doc.text) else ""
        overlaps = any(a < end and start < b for a, b in taken)
        doc.missing.append(
            f"{where}: {shown_value(quote)} ({label}, {start}–{end}){who}"
            + (
                ", which overlaps another span: doccano drops overlapping spans unless its project"
                " allows them ('Allow overlapping spans' when the project is created)"
                if overlaps
                else ""
            )
        )


def _key(entry: dict[str, Any]) -> Key | None:
    start, end, label = entry.get("start"), entry.get("end"), entry.get("label")
    if type(start) is int and type(end) is int and isinstance(label, str):
        return start, end, label
    return None


def _offset(value: Any, path: Path, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FormatError(path, f"offset {shown_value(value)} is not a whole number", where)
    return value


def _label(value: Any, path: Path, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FormatError(path, f"label {shown_value(value)} is not a name", where)
    return value
