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
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Any

from claimdesk.core.formats import registry
from claimdesk.core.formats.base import (
    DocLabelIn,
    DocLabelOut,
    DocumentIn,
    DocumentOut,
    ExportReport,
    ExportSource,
    FormatError,
    RelationIn,
    RelationOut,
    RicherDigest,
    SpanDigest,
    SpanIn,
    SpanOut,
    atomic_output,
    scheme_of,
    spans_by_annotator,
    verify,
    verify_richer,
)
from claimdesk.core.formats.safe_files import (
    MAX_DATASET_BYTES,
    MAX_JSON_ITEMS,
    MAX_JSONL_ITEMS,
    load_json,
    open_regular,
    read_regular,
    shown_value,
)
from claimdesk.core.formats.scheme_json import (
    MAX_SCHEME_BYTES,
    SchemeProblem,
    scheme_from_json,
    scheme_json,
)
from claimdesk.core.progress import Progress, check_progress
from claimdesk.core.scheme import Scheme
from claimdesk.core.text.json_count import json_items
from claimdesk.core.text.regular_files import size_against_limit

FORMAT = registry.info_of(__name__)


def export(source: ExportSource, out: Path, progress: Progress | None = None) -> ExportReport:
    report = ExportReport(FORMAT.name, out)
    written = SpanDigest()
    richer = RicherDigest()
    total = source.document_count
    scheme = scheme_of(source)
    # doccano's "Sequence labeling" with relations exports ``entities`` with ids that its
    # ``relations`` name; without relation types the plain ``label`` shape stays (what doccano's
    # sequence labeling and `datasets` read).
    entities = bool(scheme.relations)
    lost = _Lost()
    side = scheme_path(out)
    with (
        atomic_output(out, folder=False) as temp,
        atomic_output(side, folder=False) if not scheme.empty else nullcontext(None) as side_temp,
    ):
        if side_temp is not None:
            side_temp.write_text(
                json.dumps(scheme_json(scheme), ensure_ascii=False, indent=1) + "\n",
                encoding="utf-8",
            )
        with temp.open("w", encoding="utf-8", newline="\n") as handle:
            dumps = json.JSONEncoder(ensure_ascii=False).encode
            for done, doc in enumerate(source.documents(), start=1):
                for annotator, spans, relations, doc_labels in _lines(doc):
                    # Unpacked once: a named tuple's fields by name cost twice as much.
                    rows = [(i, a, b, lab, n, q) for i, a, b, lab, _w, n, q, _c, _u in spans]
                    line: dict[str, Any] = {
                        "id": doc.id,
                        "title": doc.title,
                        "source": doc.source,
                        "date": doc.date,
                        "meta": doc.meta,
                        "annotator": annotator,
                        "text": doc.text,
                    }
                    if entities:
                        line["entities"] = [
                            {"id": i, "label": lab, "start_offset": a, "end_offset": b}
                            for i, a, b, lab, _n, _q in rows
                        ]
                        line["relations"] = [
                            {"id": r.id, "from_id": r.source, "to_id": r.target, "type": r.type}
                            for r in relations
                        ]
                    else:
                        line["label"] = [[a, b, lab] for _i, a, b, lab, _n, _q in rows]
                        lost.relations += len(relations)
                    line["spans"] = [
                        {"id": i, "start": a, "end": b, "label": lab, "note": n}
                        for i, a, b, lab, n, _q in rows
                    ]
                    if doc.attributes:
                        for entry in line["spans"]:
                            values = doc.attributes.get(entry["id"])
                            if values:
                                entry["attributes"] = values
                                lost.attributes += len(values)
                    if doc_labels or scheme.doc_labels:
                        line["cats"] = [d.value for d in doc_labels]
                        line["doc_labels"] = [{"set": d.set, "value": d.value} for d in doc_labels]
                    handle.write(dumps(line))
                    handle.write("\n")
                    who = annotator or ""
                    written.add(
                        f"{doc.id}/{annotator}",
                        [(who, lab, a, b, q) for _i, a, b, lab, _n, q in rows],
                    )
                    report.spans += len(spans)
                richer.add_written(str(doc.id), doc if entities else replace(doc, relations=[]))
                report.wrote_document(len(doc.spans))
                check_progress(progress, done, total)
        read_back = SpanDigest()
        richer_back = RicherDigest()
        for doc_in in iter_read(temp, shown=out, scheme_file=side_temp):
            key = f"{doc_in.file_id}/{_line_annotator(doc_in)}"
            read_back.add_read(key, doc_in)
            richer_back.add_read(doc_in.file_id or "", doc_in)
        verify(report, written, read_back)
        verify_richer(report, richer, richer_back)
    if source.labels:
        report.lost.append(
            "label colours and descriptions, and labels no span uses (JSONL holds the names of"
            " labels in use)"
        )
    report.lost.extend(lost.sentences(scheme))
    report.files = [out] if scheme.empty else [out, side]
    return report


def scheme_path(out: Path) -> Path:
    """Where the definitions of attributes, relation types and document label sets go beside
    the JSONL file (a separate file: doccano's import refuses a field only some lines have)."""
    return out.with_name(f"{out.stem}.scheme.json")


def _read_scheme(path: Path) -> tuple[Scheme | None, str | None]:
    """The scheme in a file beside the JSONL, or why it was left out."""
    try:
        return scheme_from_json(load_json(read_regular(path, MAX_SCHEME_BYTES), path)), None
    except SchemeProblem as exc:
        return None, f"{path.name}: {exc}, so the definitions it holds were left out"
    except FormatError as exc:
        return None, f"{exc}; the definitions it holds were left out"


class _Lost:
    """What doccano cannot hold, counted over an export."""

    def __init__(self) -> None:
        self.attributes = 0
        self.relations = 0

    def sentences(self, scheme: Scheme) -> list[str]:
        lost = []
        if self.attributes:
            lost.append(
                f"{self.attributes} attribute value(s): doccano has no span attributes; they are"
                " kept in each line's 'spans' entries, which Claimdesk reads back but doccano"
                " neither shows nor edits"
            )
        if self.relations:
            lost.append(
                f"{self.relations} relation(s) of types the codebook does not define (the file"
                " holds relations when the codebook has relation types)"
            )
        if not scheme.empty:
            lost.append(
                "the definitions of attributes, relation types and document label sets: kept"
                " for Claimdesk in the .scheme.json file beside the JSONL, but doccano neither"
                " shows nor uses them (its relations name a type; its categories ('cats') are one"
                " flat list, each line's 'doc_labels' keeps their sets)"
            )
        return lost


Line = tuple[str | None, list[SpanOut], list[RelationOut], list[DocLabelOut]]


def _lines(doc: DocumentOut) -> list[Line]:
    """One line per annotator with a span, a relation or a document label in the document (in
    order of names); a document no selected annotator touched gets one line with no one."""
    spans = dict(spans_by_annotator(doc.spans))
    if not doc.relations and not doc.doc_labels:  # the common case, kept cheap
        return [(a, s, [], []) for a, s in spans.items()] or [(None, [], [], [])]
    relations: dict[str, list[RelationOut]] = {}
    for relation in doc.relations:
        relations.setdefault(relation.annotator, []).append(relation)
    labels: dict[str, list[DocLabelOut]] = {}
    for label in doc.doc_labels:
        labels.setdefault(label.annotator, []).append(label)
    names = sorted(set(spans) | set(relations) | set(labels))
    return [(n, spans.get(n, []), relations.get(n, []), labels.get(n, [])) for n in names]


def _line_annotator(doc: DocumentIn) -> str | None:
    """The annotator a line read back was written for (its spans' or document labels')."""
    for who in [s.annotator for s in doc.spans] + [d.annotator for d in doc.doc_labels]:
        return who
    return None


def read(path: Path) -> list[DocumentIn]:
    return list(iter_read(path))


def iter_read(
    path: Path, shown: Path | None = None, ours: bool = True, scheme_file: Path | None = None
) -> Iterator[DocumentIn]:
    """Documents one line at a time, as the file gives them; the first also with the scheme of
    the ``.scheme.json`` beside the file (or ``scheme_file``), when there is one.

    ``ours=False`` skips Claimdesk's per-span entries (ids and notes): an export's read-back
    compares spans only.

    Only a regular file is read, one bounded line at a time: the whole file holds at most
    MAX_DATASET_BYTES and MAX_JSONL_ITEMS, each line at most MAX_JSON_ITEMS.
    """
    shown = shown or path
    if scheme_file is None and ours and scheme_path(path).is_file():
        scheme_file = scheme_path(path)
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
                doc = _document(item, shown, where, ours)
                if scheme_file is not None:  # the first document carries the file's scheme
                    doc.scheme, problem = _read_scheme(scheme_file)
                    doc.not_imported += [problem] if problem else []
                    scheme_file = None
                yield doc


# The set of a doccano category that no entry of Claimdesk's ``doc_labels`` names.
CATEGORY_SET = "Category"


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
    categories: list[str] = []
    key = "label" if "label" in item else "labels" if "labels" in item else None
    labelled = item.get(key) if key else None
    if _is_categories(labelled):  # doccano's text classification: "label": ["a", "b"]
        categories += labelled  # type: ignore[arg-type]
    elif key and (labelled or "entities" not in item):
        spans = _label_spans(labelled, annotator, path, where)
    if "entities" in item and not spans:
        spans = _entities(item["entities"], annotator, path, where)
    if "cats" in item:  # doccano's intent detection and slot filling
        cats = item["cats"]
        if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats):
            raise FormatError(path, "'cats' must be a list of category names", where)
        categories += [c for c in cats if c not in categories]
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
    if ours and item.get("spans") is not None:
        _match_ours(doc, item["spans"], annotator)
    if "relations" in item:
        _relations(doc, item["relations"], path)
    if categories or (ours and item.get("doc_labels")):
        _doc_labels(doc, categories, item.get("doc_labels") if ours else None, annotator)
    return doc


def _is_categories(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def _label_spans(entries: Any, annotator: str | None, path: Path, where: str) -> list[SpanIn]:
    """doccano's sequence labeling: ``"label": [[start, end, label], …]``."""
    if not isinstance(entries, list):
        raise FormatError(path, "'label' must be a list of [start, end, label]", where)
    spans = []
    for entry in entries:
        if type(entry) is not list or len(entry) != 3:
            raise FormatError(path, f"{shown_value(entry)} is not [start, end, label]", where)
        start, end, label = entry
        if type(start) is not int or type(end) is not int:  # checks off the common path
            start, end = _offset(start, path, where), _offset(end, path, where)
        if type(label) is not str or not label.strip():
            label = _label(label, path, where)
        spans.append(SpanIn(start, end, label, annotator))
    return spans


def _entities(entries: Any, annotator: str | None, path: Path, where: str) -> list[SpanIn]:
    """doccano's ``entities``: objects ``{"id", "label", "start_offset", "end_offset"}`` (its
    relation projects; the id is what the line's ``relations`` name) or ``[start, end, label]``
    (intent detection and slot filling)."""
    if not isinstance(entries, list):
        raise FormatError(path, "'entities' must be a list", where)
    spans = []
    for entry in entries:
        if isinstance(entry, list):
            spans += _label_spans([entry], annotator, path, where)
            continue
        if not isinstance(entry, dict):
            raise FormatError(path, "each entity must be an object", where)
        ident = entry.get("id")
        spans.append(
            SpanIn(
                _offset(entry.get("start_offset"), path, where),
                _offset(entry.get("end_offset"), path, where),
                _label(entry.get("label"), path, where),
                annotator,
                ref=str(ident) if type(ident) in (int, str) else None,
            )
        )
    return spans


def _relations(doc: DocumentIn, entries: Any, path: Path) -> None:
    """doccano's ``relations``: ``{"id", "from_id", "to_id", "type"}`` naming entity ids. A
    relation belongs to the annotator of its spans; one whose ends are missing or belong to two
    people is reported."""
    where = doc.where
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise FormatError(path, "'relations' must be a list of objects", where)
    by_ref = {s.ref: s for s in doc.spans if s.ref is not None}
    if not by_ref:  # entities without ids (a doccano project that drops relations): the ids
        # of Claimdesk's 'spans' entries, which the relations Claimdesk wrote name
        for span in doc.spans:
            if span.origin is not None:
                span.ref = str(span.origin)
                by_ref[span.ref] = span
    for entry in entries:
        kind, start, end = entry.get("type"), entry.get("from_id"), entry.get("to_id")
        if not isinstance(kind, str) or not kind.strip():
            raise FormatError(path, f"relation type {shown_value(kind)} is not a name", where)
        source = by_ref.get(str(start)) if type(start) in (int, str) else None
        target = by_ref.get(str(end)) if type(end) in (int, str) else None
        if source is None or target is None:
            doc.not_imported.append(
                f"{where}: a {shown_value(kind)} relation from entity {shown_value(start)} to"
                f" {shown_value(end)}, which are not both entities of the line"
            )
        elif source.annotator != target.annotator:
            doc.not_imported.append(
                f"{where}: a {shown_value(kind)} relation between a span of"
                f" {shown_value(source.annotator or 'the import')} and one of"
                f" {shown_value(target.annotator or 'the import')} (a relation links one"
                " person's spans)"
            )
        else:
            doc.relations.append(
                RelationIn(kind, source.ref or "", target.ref or "", source.annotator, where)
            )


def _doc_labels(doc: DocumentIn, categories: list[str], ours: Any, annotator: str | None) -> None:
    """The line's categories as document labels, each in the set its entry in Claimdesk's
    ``doc_labels`` gives. A category without an entry was added in an editor (the import's
    annotator's): its set is the one set the entries give that value, else CATEGORY_SET; an
    entry without its category was removed in the editor and is reported."""
    entries: list[tuple[str, str]] = []
    if ours is not None:
        if not isinstance(ours, list) or not all(
            isinstance(e, dict)
            and isinstance(e.get("set"), str)
            and isinstance(e.get("value"), str)
            for e in ours
        ):
            doc.not_imported.append(
                f"{doc.where}: 'doc_labels' is not a list of {{set, value}}, so the sets of its"
                " categories were guessed"
            )
        else:
            entries = [(e["set"], e["value"]) for e in ours]
    sets_of: dict[str, set[str]] = {}
    for name, value in entries:
        sets_of.setdefault(value, set()).add(name)
    left = list(entries)
    for value in categories:
        entry = next((e for e in left if e[1] == value), None)
        if entry is not None:
            left.remove(entry)
            doc.doc_labels.append(DocLabelIn(entry[0], value, annotator))
            continue
        found = sets_of.get(value, set())
        name = next(iter(found)) if len(found) == 1 else CATEGORY_SET
        doc.doc_labels.append(DocLabelIn(name, value, None if entries else annotator))
    who = f" by {shown_value(annotator)}" if annotator else ""
    doc.missing += [
        f"{doc.where}: the document label {shown_value(value)} ({name}){who} was removed in the"
        " editor"
        for name, value in left
    ]


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
    odd_attributes = 0
    for span in doc.spans:
        found = entries.get((span.start, span.end, span.label))
        if not found:
            matched.append(replace(span, annotator=None))  # added in an editor
            continue
        entry = found.pop(0)
        note = entry.get("note", "")
        ident = entry.get("id")
        attributes = entry.get("attributes", {})
        if not isinstance(attributes, dict):
            attributes = {}
            odd_attributes += 1
        matched.append(
            replace(
                span,
                note=note if isinstance(note, str) else "",
                origin=ident if type(ident) is int else None,
                attributes=attributes,
            )
        )
    doc.spans = matched
    if odd_attributes:
        doc.not_imported.append(
            f"{where}: {odd_attributes} of 'spans' hold 'attributes' that are not an object, so"
            " they were left out"
        )
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
