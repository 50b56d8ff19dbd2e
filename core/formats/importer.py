"""Import annotations (not only text) from a dataset file: check everything, then apply once.

Documents are matched by their exact text (SHA-256 of the text as the file gives it: text that
arrives with offsets is never normalised, or its offsets would move). Missing documents, labels
and annotators are created; spans already in the project are skipped, so importing the same
file twice adds nothing. The whole import is one undoable edit, and any problem leaves the
project exactly as it was.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from claimdesk.core.errors import EditError
from claimdesk.core.formats import registry
from claimdesk.core.formats.base import DocumentIn, FormatError, SpanIn
from claimdesk.core.formats.safe_files import shown_value
from claimdesk.core.limits import (
    ANNOTATOR_NAME_MAX,
    LABEL_NAME_MAX,
    NOTE_MAX,
    NUL_PROBLEM,
    TITLE_MAX,
    has_controls,
    has_surrogates,
    is_gold_name_in_a_file,
    name_problem,
    printable,
    text_problem,
)
from claimdesk.core.progress import Progress, check_progress
from claimdesk.core.records import Changes, LabelRecord
from claimdesk.core.scheme import (
    AttributeKind,
    AttributeSpec,
    DocLabelSpec,
    RelationSpec,
    Scheme,
)
from claimdesk.core.store import edits
from claimdesk.core.store.claim_import import ClaimPlan, ImportClaims, SpanKey
from claimdesk.core.store.claims import Composite
from claimdesk.core.store.curation import gold_set
from claimdesk.core.store.datasets import existing_spans, import_keys
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import sha256_text
from claimdesk.core.text.utf16 import Utf16Reading, on_word_boundaries

DEFAULT_ANNOTATOR = "Imported"
# How a file's offsets count: Claimdesk's code points, UTF-16 code units (Qt, JavaScript and
# Java editors), or whichever puts the spans on word boundaries (files that state no text).
Offsets = Literal["codepoints", "utf16", "auto"]
OFFSET_UNITS: tuple[Offsets, ...] = ("codepoints", "utf16", "auto")
REPAIRS_SHOWN = 20  # the report lists this many repaired spans, then counts the rest
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
# Colours for labels a file brings without one (Tableau 10, as in the default codebook).
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
)  # fmt: skip


@dataclass
class ImportAnnotationsReport:
    """What an annotation import did (or, when nothing was new, that it changed nothing)."""

    format: str
    path: Path
    documents_added: int = 0
    documents_matched: int = 0
    labels_added: list[str] = field(default_factory=list)
    annotators_added: list[str] = field(default_factory=list)
    annotations_added: int = 0
    annotations_skipped: int = 0  # already in the project (or twice in the file)
    not_imported: list[str] = field(default_factory=list)  # what the format held that we cannot
    # Spans whose offsets counted UTF-16 code units, moved onto the text the file states.
    repaired: list[str] = field(default_factory=list)
    offsets: str = ""  # how the offsets were read, when the file's texts made it matter
    # Spans exported from Claimdesk into the file that an editor has since deleted or dropped.
    missing: list[str] = field(default_factory=list)
    attributes_added: int = 0  # attribute values set on spans
    relations_added: int = 0
    doc_labels_added: int = 0
    changes: Changes = field(default_factory=Changes)

    def summary(self) -> str:
        lines = [
            f"{self.annotations_added} annotation(s) imported from {self.path.name}"
            f" ({self.format}).",
            f"Documents: {self.documents_added} added, {self.documents_matched} already here"
            " (matched by their exact text).",
        ]
        if self.annotations_skipped:
            lines.append(f"{self.annotations_skipped} span(s) were already here and were skipped.")
        extras = [
            f"{count} {what}"
            for count, what in (
                (self.attributes_added, "attribute value(s)"),
                (self.relations_added, "relation(s)"),
                (self.doc_labels_added, "document label(s)"),
            )
            if count
        ]
        if extras:
            lines.append(f"Also imported: {', '.join(extras)}.")
        if self.labels_added:
            lines.append(f"New labels: {', '.join(self.labels_added)}.")
        if self.annotators_added:
            lines.append(f"New annotators: {', '.join(self.annotators_added)}.")
        if self.offsets:
            lines.append(self.offsets)
        _listed(
            lines,
            self.repaired,
            f"Offsets repaired ({len(self.repaired)}): these spans counted UTF-16 code units"
            " (as Qt, JavaScript and Java editors do) and were moved onto the text the file"
            " states:",
        )
        _listed(
            lines,
            self.missing,
            f"No longer in the file ({len(self.missing)}): spans exported from Claimdesk that an"
            " editor has since deleted or dropped. An import only adds, so where the project has"
            " them it keeps them:",
        )
        if self.not_imported:
            lines.append(f"Not imported ({len(self.not_imported)}):")
            lines.extend(f"- {item}" for item in self.not_imported)
        return "\n".join(lines)


def _listed(lines: list[str], items: list[str], heading: str) -> None:
    """A heading and the first REPAIRS_SHOWN items as "- " lines, then how many more."""
    if not items:
        return
    lines.append(heading)
    lines.extend(f"- {item}" for item in items[:REPAIRS_SHOWN])
    if len(items) > REPAIRS_SHOWN:
        lines.append(f"- … and {len(items) - REPAIRS_SHOWN} more")


def import_annotations(
    project: Project,
    format_name: str,
    path: Path | str,
    annotator: str | None = None,
    strict: bool = False,
    progress: Progress | None = None,
    documents: list[DocumentIn] | None = None,
    offsets: Offsets = "codepoints",
) -> ImportAnnotationsReport:
    """Read ``path`` in ``format_name`` and add what is new, in one undoable edit.

    ``annotator`` names whoever made the spans when the file does not say. With ``strict``, a
    label not in the codebook is an error instead of a new label. Raises FormatError (naming the
    file, the line or entry, and the reason) or Cancelled; either way nothing changes.
    ``documents`` are what ``read_dataset`` returned, when the file was read elsewhere (the
    window reads it on a worker thread and applies it on its own).

    ``offsets`` says how the file counts: code points (Claimdesk's unit; then a span whose
    stated text only a UTF-16 reading explains is repaired and reported), UTF-16 code units, or
    ``auto``: whichever reading puts the spans on word boundaries (for files that state no text).
    """
    if offsets not in OFFSET_UNITS:
        raise ValueError(f"offsets must be one of {OFFSET_UNITS}, not {offsets!r}")
    path = Path(path)
    info = registry.get(format_name)
    default_annotator = _name(annotator or DEFAULT_ANNOTATOR)
    if not default_annotator:
        raise FormatError(path, "the annotator needs a name")
    gold = gold_set(project)
    gold_name = gold.name if gold is not None else None
    problem = _annotator_problem(default_annotator, gold_name)
    if problem:
        raise EditError(f"Cannot import as this annotator: {problem}.")
    if documents is None:
        documents = read_dataset(format_name, path)
    report = ImportAnnotationsReport(info.name, path)
    readings = [Utf16Reading(doc.text) for doc in documents]
    unit, report.offsets = _offset_unit(offsets, documents, readings)

    keys = import_keys(project)
    known_docs, known_labels = keys.documents, keys.labels
    known_annotators, position = keys.annotators, keys.last_position

    new_docs: list[dict[str, Any]] = []
    new_doc_index: dict[str, int] = {}
    new_labels: dict[str, LabelRecord] = {}
    new_annotators: list[str] = []
    planned: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    matched: set[int] = set()
    checked_annotators: set[str] = set()
    codebook: object = None  # a format gives every document the same dict of labels
    plan = ClaimPlan()
    schemes: list[Scheme] = []
    total = len(documents)
    if not documents:  # a codebook with no documents (REFI-QDA codes only) still brings labels
        for name, colour in info.read_codebook(path).items():
            position = _plan_label(
                name, colour or None, known_labels, new_labels, strict, path, "codebook", position
            )

    for done, (doc, reading) in enumerate(zip(documents, readings, strict=True), start=1):
        where = printable(doc.where)
        report.not_imported.extend(doc.not_imported)
        report.missing.extend(doc.missing)
        try:
            digest = sha256_text(doc.text)
        except UnicodeEncodeError:
            raise FormatError(path, "the text holds an unpaired surrogate", where) from None
        if "\x00" in doc.text:
            raise FormatError(path, f"the text {NUL_PROBLEM}", where)
        _check_document(doc, path, where)
        target: dict[str, Any]
        if digest in known_docs:
            target = {"document_id": known_docs[digest]}
            matched.add(known_docs[digest])
        else:
            if digest not in new_doc_index:
                new_doc_index[digest] = len(new_docs)
                new_docs.append(_document_row(doc, digest, path, info.name, len(new_docs)))
            target = {"document_index": new_doc_index[digest]}
        if doc.labels is not codebook:
            codebook = doc.labels
            for name, colour in doc.labels.items():
                position = _plan_label(
                    name, colour, known_labels, new_labels, strict, path, where, position
                )
        if doc.scheme is not None and doc.scheme not in schemes:
            schemes.append(doc.scheme)
        document_ref: tuple[str, int] = (
            ("id", target["document_id"])
            if "document_id" in target
            else ("index", target["document_index"])
        )
        refs: dict[str, SpanKey] = {}
        for original in doc.spans:
            span = _read_offsets(doc.text, original, unit, reading, path, where, report)
            quote = _quote(doc.text, span, path, where, unit != "utf16" and reading.differs)
            position = _plan_label(
                span.label, None, known_labels, new_labels, strict, path, where, position
            )
            label = known_labels[_name(span.label).casefold()]
            who = _name(span.annotator) if span.annotator else default_annotator
            if not who:
                raise FormatError(path, "an annotator name is empty", where)
            if who not in checked_annotators:  # a file may not add spans to the gold set
                problem = _annotator_problem(who, gold_name)
                if problem:
                    raise FormatError(path, problem, where)
                checked_annotators.add(who)
                if who not in known_annotators:
                    new_annotators.append(who)
            if span.note:
                problem = text_problem(span.note, "note", NOTE_MAX)
                if problem:
                    raise FormatError(path, f"{_span_name(span)}: {problem}", where)
            span_key: SpanKey = (document_ref, who, label, span.start, span.end)
            if span.ref is not None:
                refs[span.ref] = span_key
            for attribute, value in span.attributes.items():
                plan.values.append((span_key, attribute, value))
            key = (digest, who, label.casefold(), span.start, span.end)
            if key in seen:
                report.annotations_skipped += 1
                continue
            seen.add(key)
            planned.append(
                {
                    **target,
                    "label": label,
                    "annotator": who,
                    "start": span.start,
                    "end": span.end,
                    "quote": quote,
                    "note": span.note,
                    "origin": span.origin,
                }
            )
        for relation in doc.relations:
            ends = refs.get(relation.source), refs.get(relation.target)
            if ends[0] is None or ends[1] is None:
                missing = relation.source if ends[0] is None else relation.target
                raise FormatError(
                    path,
                    f"a relation {shown_value(relation.type)} names a span {shown_value(missing)}"
                    " that is not in the file",
                    printable(relation.where) or where,
                )
            plan.relations.append((relation.type, ends[0], ends[1], relation.where or where))
        for doc_label in doc.doc_labels:
            who = _name(doc_label.annotator) if doc_label.annotator else default_annotator
            if who not in checked_annotators:
                problem = _annotator_problem(who, gold_name)
                if problem:
                    raise FormatError(path, problem, where)
                checked_annotators.add(who)
                if who not in known_annotators:
                    new_annotators.append(who)
            plan.doc_labels.append((document_ref, who, doc_label.set, doc_label.value))
        check_progress(progress, done, total)

    plan.scheme = planned_scheme(schemes, plan)
    planned = _drop_existing(project, planned, known_labels, known_annotators, report)
    used = {item["annotator"] for item in planned} | {who for _, who, _, _ in plan.doc_labels}
    new_annotators = [name for name in new_annotators if name in used]
    report.documents_added = len(new_docs)
    report.documents_matched = len(matched)
    report.labels_added = [label.name for label in new_labels.values()]
    report.annotators_added = new_annotators
    report.annotations_added = len(planned)
    if new_docs or new_labels or planned or not plan.empty:
        command = edits.ImportAnnotations(
            new_annotators, list(new_labels.values()), new_docs, planned
        )
        if plan.empty:
            report.changes = project.apply(command)
            return report
        more = ImportClaims(command, plan)
        try:
            report.changes = project.apply(Composite([command, more], command.description))
        except EditError as exc:  # a definition the file gives that cannot be stored
            raise FormatError(path, str(exc).rstrip(".")) from None
        report.attributes_added = more.counts["values"]
        report.relations_added = more.counts["relations"]
        report.doc_labels_added = more.counts["doc_labels"]
        report.not_imported.extend(more.left_out)
    return report


def read_dataset(format_name: str, path: Path | str) -> list[DocumentIn]:
    """Read and parse a dataset file without touching any project (safe on any thread).

    Each reader raises FormatError for what it finds wrong; a file nested or grown past what
    any reader foresaw still ends in a sentence, not a traceback.
    """
    path = Path(path)
    try:
        return registry.get(format_name).read(path)
    except RecursionError:
        raise FormatError(path, "is nested too deeply to read") from None
    except MemoryError:
        raise FormatError(path, "is too large to read into memory") from None


def _annotator_problem(name: str, gold_name: str | None) -> str | None:
    """Why an annotator from a file (or the import's default) cannot be used, or None.

    A file cannot mark a gold set (no format carries the mark), so neither "Gold" nor the name
    of this project's gold set may come from one.
    """
    problem = name_problem(name, "annotator name", ANNOTATOR_NAME_MAX)
    if problem:
        return problem
    if is_gold_name_in_a_file(name) or name == gold_name:
        return (
            f"the annotator name {shown_value(name)} is reserved for the gold set that"
            " curation makes; give that annotator another name"
        )
    return None


def _span_name(span: SpanIn) -> str:
    return f"the span {shown_value(span.start)}–{shown_value(span.end)}"


def _quote(text: str, span: SpanIn, path: Path, where: str, may_be_utf16: bool = False) -> str:
    """The text the span covers, after checking its offsets and any quote the file states.

    ``may_be_utf16``: the text has characters outside the BMP and the offsets were read as code
    points; a span past the end that states no text then says how to read UTF-16 offsets.
    """
    if not span.start < span.end:
        raise FormatError(
            path,
            f"the span's start ({shown_value(span.start)}) is not before end"
            f" ({shown_value(span.end)})",
            where,
        )
    if span.start < 0 or span.end > len(text):
        raise FormatError(
            path,
            f"{_span_name(span)} lies outside the text (0–{len(text)} characters)"
            + (
                "; if the file counts UTF-16 code units (doccano's browser editor does), import"
                " with --offsets auto ('detect from word boundaries')"
                if may_be_utf16 and span.quote is None and span.hint is None
                else ""
            ),
            where,
        )
    quote = text[span.start : span.end]
    if span.quote is not None and span.quote != quote:
        raise FormatError(
            path,
            f"{_span_name(span)} should cover {shown_value(span.quote)}"
            f" but the text there is {shown_value(quote)}",
            where,
        )
    return quote


def _read_offsets(
    text: str,
    span: SpanIn,
    unit: Offsets,
    reading: Utf16Reading,
    path: Path,
    where: str,
    report: ImportAnnotationsReport,
) -> SpanIn:
    """The span in code points: converted when the file counts UTF-16 code units, repaired when
    only a UTF-16 reading explains the text the file states for it (and listed in the report)."""
    if not reading.differs:
        return span
    stated = span.quote if span.quote is not None else span.hint
    if stated is None and span.origin is not None:
        return span  # as Claimdesk exported it (doccano keeps the file's code points)
    if unit == "utf16" and stated is None:
        points = reading.span(span.start, span.end)
        if points is None:
            raise FormatError(
                path,
                f"{_span_name(span)} does not fall between characters when read as UTF-16"
                " code units",
                where,
            )
        return replace(span, start=points[0], end=points[1])
    if stated is None or _covers(text, span.start, span.end, stated):
        return span
    points = reading.span(span.start, span.end)
    if points is None or not _covers(text, *points, stated):
        return span  # not explained by UTF-16: a quote then refuses the file (_quote)
    report.repaired.append(
        f"{where}: {shown_value(stated)} at {span.start}–{span.end} (UTF-16)"
        f" → {points[0]}–{points[1]}"
    )
    return replace(span, start=points[0], end=points[1])


def _covers(text: str, start: int, end: int, stated: str) -> bool:
    return 0 <= start < end <= len(text) and text[start:end] == stated


def _offset_unit(
    offsets: Offsets, documents: list[DocumentIn], readings: list[Utf16Reading]
) -> tuple[Offsets, str]:
    """The unit the file's offsets are read in, and a sentence for the report when it matters.

    ``auto`` weighs the spans that state no text, in documents where the readings differ: the
    reading under which more of them start and end on word boundaries wins (code points on a tie).
    Spans the file names as Claimdesk exported them (doccano keeps those in code points beside
    the UTF-16 offsets of spans made in its editor) do not vote and are never converted. Reading
    code points, the report says when the spans would fall on word boundaries as UTF-16 instead.
    """
    differing = [(doc, r) for doc, r in zip(documents, readings, strict=True) if r.differs]
    if not differing:
        return "codepoints", ""
    if offsets == "utf16":
        return "utf16", "Offsets were read as UTF-16 code units, as asked."
    as_points = as_units = total = 0
    for doc, reading in differing:
        for span in doc.spans:
            if span.quote is not None or span.hint is not None or span.origin is not None:
                continue
            total += 1
            as_points += on_word_boundaries(doc.text, span.start, span.end)
            points = reading.span(span.start, span.end)
            as_units += points is not None and on_word_boundaries(doc.text, *points)
    if not total:
        return "codepoints", ""
    if offsets == "codepoints":
        if as_units <= as_points:
            return "codepoints", ""
        return "codepoints", (
            f"Offsets were read as code points, as asked, but {as_units} of {total} spans in texts"
            " with characters outside the BMP fall on word boundaries only when read as UTF-16"
            " code units, as doccano's browser editor stores them: if the spans look shifted,"
            " undo and import again with --offsets auto ('detect from word boundaries')."
        )
    chosen: Offsets = "utf16" if as_units > as_points else "codepoints"
    name = "UTF-16 code units" if chosen == "utf16" else "code points"
    known = any(span.origin is not None for doc, _ in differing for span in doc.spans)
    return chosen, (
        f"Offsets were read as {name}: {max(as_units, as_points)} of {total} spans in texts with"
        f" characters outside the BMP fall on word boundaries that way, {min(as_units, as_points)}"
        " the other way."
        + (" Spans the file names as Claimdesk exported them stay in code points." if known else "")
    )


def _check_document(doc: DocumentIn, path: Path, where: str) -> None:
    """Refuse a title, source or metadata that cannot be stored or would rewrite a screen.

    A title longer than the column is shortened (as before), line breaks in it become spaces.
    """
    title = _name(doc.title or "")
    if has_surrogates(title):
        raise FormatError(path, "the title holds an unpaired surrogate, not text", where)
    if has_controls(title):
        raise FormatError(path, "the title holds control characters", where)
    if doc.source and has_surrogates(doc.source):
        raise FormatError(path, "the source holds an unpaired surrogate, not text", where)
    if doc.source and "\x00" in doc.source:
        raise FormatError(path, f"the source {NUL_PROBLEM}", where)
    if doc.meta:
        try:
            json.dumps(doc.meta, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise FormatError(path, "the metadata hold an unpaired surrogate", where) from None
        except (TypeError, ValueError, RecursionError):
            raise FormatError(path, "the metadata cannot be stored as JSON", where) from None


def _name(value: str) -> str:
    return " ".join(value.split())


def _plan_label(
    raw: str,
    colour: str | None,
    known: dict[str, str],
    new: dict[str, LabelRecord],
    strict: bool,
    path: Path,
    where: str,
    position: int,
) -> int:
    """Make sure a label of that name exists or is planned; returns the last position used."""
    name = _name(raw)
    if not name:
        raise FormatError(path, "a label has no name", where)
    if name.casefold() in known:
        return position
    problem = name_problem(name, "label name", LABEL_NAME_MAX)
    if problem:
        raise FormatError(path, problem, where)
    if strict:
        raise FormatError(
            path,
            f"the label {shown_value(name)} is not in the codebook (without --strict it is added)",
            where,
        )
    if colour is None or not COLOUR_RE.match(colour):
        colour = PALETTE[len(new) % len(PALETTE)]
    position += 1
    new[name.casefold()] = LabelRecord(0, name, colour.lower(), "", None, None, position)
    known[name.casefold()] = name
    return position


def _document_row(
    doc: DocumentIn, digest: str, path: Path, format_name: str, index: int
) -> dict[str, Any]:
    first_line = next((line.strip() for line in doc.text.splitlines() if line.strip()), "")
    title = _name(doc.title or "") or first_line[:80] or f"{path.stem} {index + 1}"
    return {
        "title": title[:TITLE_MAX],
        "source": doc.source or str(path),
        "date": "",
        "meta": {**doc.meta, "imported_from": path.name, "format": format_name},
        "text": doc.text,
        "sha256": digest,
    }


def _drop_existing(
    project: Project,
    planned: list[dict[str, Any]],
    labels: dict[str, str],
    annotators: dict[str, int],
    report: ImportAnnotationsReport,
) -> list[dict[str, Any]]:
    """Leave out spans the project already holds: the same document, annotator, label and place,
    or the annotation the file says the span was exported as, still on the same words and label
    (whoever the file now credits: an editor names its own user as the annotator)."""
    document_ids = {p["document_id"] for p in planned if "document_id" in p}
    if not document_ids:
        return planned
    existing = existing_spans(project, document_ids)
    kept = []
    for item in planned:
        label = existing.label_ids.get(item["label"].casefold())
        document = item.get("document_id")
        key = (document, annotators.get(item["annotator"]), label, item["start"], item["end"])
        origin = item.get("origin")
        same = origin is not None and existing.by_id.get(origin) == (
            document,
            label,
            item["start"],
            item["end"],
        )
        if same or key in existing.keys:
            report.annotations_skipped += 1
        else:
            kept.append(item)
    return kept


INFERRED_COLOUR = "#7f7f7f"
MAX_INFERRED_CHOICES = 30


def planned_scheme(schemes: list[Scheme], plan: ClaimPlan) -> Scheme:
    """What the file defines (the first definition of a name wins), and for what it holds
    without a definition, one made from its values: yes/no for booleans, a number, one of the
    values seen (several, for lists) or free text when there are many different ones."""
    attributes: dict[str, dict[str, AttributeSpec]] = {}
    relations: dict[str, RelationSpec] = {}
    sets: dict[str, DocLabelSpec] = {}
    for scheme in schemes:
        for label, specs in scheme.attributes.items():
            mine = attributes.setdefault(label.casefold(), {})
            for spec in specs:
                mine.setdefault(spec.name.casefold(), spec)
        for relation in scheme.relations:
            relations.setdefault(relation.name.casefold(), relation)
        for label_set in scheme.doc_labels:
            sets.setdefault(label_set.name.casefold(), label_set)
    labels_of: dict[str, str] = {}
    seen: dict[tuple[str, str], list[Any]] = {}
    names: dict[tuple[str, str], str] = {}
    for key, name, value in plan.values:
        label = key[2]
        labels_of[label.casefold()] = label
        if name.casefold() in attributes.get(label.casefold(), {}):
            continue
        place = (label.casefold(), name.casefold())
        names.setdefault(place, name)
        seen.setdefault(place, []).append(value)
    for (label_key, name_key), found in seen.items():
        made = _inferred(names[(label_key, name_key)], found)
        attributes.setdefault(label_key, {})[name_key] = made
    for name, *_ in plan.relations:
        relations.setdefault(name.casefold(), RelationSpec(name, INFERRED_COLOUR))
    chosen: dict[str, list[str]] = {}
    counts: dict[tuple[Any, ...], int] = {}
    for document, who, set_name, value in plan.doc_labels:
        if set_name.casefold() in sets:
            continue
        values = chosen.setdefault(set_name, [])
        if value not in values:
            values.append(value)
        slot = (document, who, set_name.casefold())
        counts[slot] = counts.get(slot, 0) + 1
    for set_name, listed in chosen.items():
        multiple = any(n > 1 for (_, _, s), n in counts.items() if s == set_name.casefold())
        sets.setdefault(set_name.casefold(), DocLabelSpec(set_name, multiple, tuple(listed)))
    by_label: dict[str, tuple[AttributeSpec, ...]] = {}
    for label_key, defined in attributes.items():
        by_label[labels_of.get(label_key, label_key)] = tuple(defined.values())
    # Attribute definitions name their label as the file does; the store matches names
    # without regard to case.
    for scheme in schemes:
        for label in scheme.attributes:
            if label.casefold() in attributes and label.casefold() not in labels_of:
                by_label[label] = by_label.pop(label.casefold(), ())
    return Scheme(by_label, tuple(relations.values()), tuple(sets.values()))


def _inferred(name: str, values: list[Any]) -> AttributeSpec:
    if all(isinstance(v, bool) for v in values):
        return AttributeSpec(name, AttributeKind.BOOL)
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return AttributeSpec(name, AttributeKind.NUMBER)
    if all(isinstance(v, (list, tuple)) for v in values):
        choices = list(dict.fromkeys(str(x) for v in values for x in v))
        if len(choices) <= MAX_INFERRED_CHOICES:
            return AttributeSpec(name, AttributeKind.MULTI, tuple(choices))
    strings = [v for v in values if isinstance(v, str)]
    choices = list(dict.fromkeys(strings))
    # A choice is a short name on one line; anything else is free text (kept as written).
    named = all(v == " ".join(v.split()) and 0 < len(v) <= 200 for v in choices)
    if len(strings) == len(values) and len(choices) <= MAX_INFERRED_CHOICES and named:
        return AttributeSpec(name, AttributeKind.CHOICE, tuple(choices))
    return AttributeSpec(name, AttributeKind.TEXT)
