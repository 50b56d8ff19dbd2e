"""CoNLL-2003-style IOB2: one token a line (``token _ _ TAG``), for NER training tools.

Tokenisation (documented because a span survives only when it falls on token boundaries): a
token is a run of letters, digits and underscores (Python's ``\\w``), or any other single
non-space character; combining marks (U+0300–U+036F, U+1AB0–U+1AFF, U+1DC0–U+1DFF,
U+20D0–U+20FF, U+FE20–U+FE2F) stay with the character before them. A sentence ends at a line
break and after a ``.``, ``!`` or ``?`` token; sentences are separated by a blank line and each
document starts with ``-DOCSTART- -X- -X- O``. A label becomes a tag by writing spaces as
``_`` (tags are space-separated columns).

IOB2 holds one tag per token, so overlapping spans cannot all be written (the earliest, then
longest, is kept); spans that start or end inside a token, or run over a sentence break,
cannot be written without moving them; notes, titles and the text's exact spacing are not
kept. Each is listed in the report; nothing is shifted. With several annotators, each
document is written once per annotator, in order.

Span attributes, relations and document labels have no place in CoNLL-2003 (its four columns
are token, part of speech, chunk and the tag; readers take the tag from a fixed column, so an
extra column would break them): the report counts each as lost, in one sentence apiece.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from claimdesk.core.formats import registry
from claimdesk.core.formats.base import (
    DocumentOut,
    ExportReport,
    ExportSource,
    FormatError,
    SpanDigest,
    SpanOut,
    atomic_output,
    spans_by_annotator,
    verify,
)
from claimdesk.core.progress import Progress, check_progress

FORMAT = registry.info_of(__name__)

DOCSTART = "-DOCSTART- -X- -X- O"
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
TOKEN = re.compile(rf"(?:\w|[{_MARKS}])+|[^\s{_MARKS}][{_MARKS}]*")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x1c-\x1e\x85]")
_SENTENCE_END = {".", "!", "?"}


def tag_name(label: str) -> str:
    return "_".join(label.split())


def tokens(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in TOKEN.finditer(text)]


def sentences(text: str) -> Iterator[list[tuple[int, int]]]:
    """Token offsets grouped into sentences (see the module's description)."""
    current: list[tuple[int, int]] = []
    position = 0
    for start, end in tokens(text):
        if current and _LINE_BREAK.search(text, position, start):
            yield current
            current = []
        current.append((start, end))
        position = end
        if text[start:end] in _SENTENCE_END:
            yield current
            current = []
    if current:
        yield current


def export(source: ExportSource, out: Path, progress: Progress | None = None) -> ExportReport:
    report = ExportReport(FORMAT.name, out)
    written = SpanDigest()
    total = source.document_count
    renamed = [label.name for label in source.labels if tag_name(label.name) != label.name]
    report.lost.extend(f"label {n!r} is written as tag {tag_name(n)!r}" for n in renamed)
    block = 0
    values = valued = relations = doc_labels = 0  # what CoNLL cannot hold, counted
    with atomic_output(out, folder=False) as temp:
        with temp.open("w", encoding="utf-8", newline="\n") as handle:
            for done, doc in enumerate(source.documents(), start=1):
                tagged = 0
                for annotator, spans in spans_by_annotator(doc.spans) or [("", [])]:
                    block += 1
                    lines, kept = _block(doc, annotator, spans, report)
                    handle.write("\n".join(lines) + "\n\n")
                    written.add(str(block), kept)
                    tagged += len(kept)
                if any(s.note for s in doc.spans):
                    report.lost.append(f"document {doc.id}: notes (CoNLL has no place for them)")
                report.spans += tagged
                report.wrote_document(tagged)
                values += sum(map(len, doc.attributes.values()))
                valued += sum(1 for held in doc.attributes.values() if held)
                relations += len(doc.relations)
                doc_labels += len(doc.doc_labels)
                check_progress(progress, done, total)
        verify(report, written, _read_back(temp))
    report.lost.extend(richer_lost("CoNLL IOB2", values, valued, relations, doc_labels))
    report.files = [out]
    return report


def richer_lost(name: str, values: int, spans: int, relations: int, doc_labels: int) -> list[str]:
    """One sentence each for the attribute values, relations and document labels a format that
    holds spans only leaves out."""
    lost = []
    if values:
        lost.append(
            f"{values} attribute value(s) of {spans} span(s): {name} has one tag per token"
            " and no place for span attributes"
        )
    if relations:
        lost.append(f"{relations} relation(s) between spans: {name} has no place for relations")
    if doc_labels:
        lost.append(f"{doc_labels} document label(s): {name} has no place for document labels")
    return lost


def _block(
    doc: DocumentOut, annotator: str, spans: list[SpanOut], report: ExportReport
) -> tuple[list[str], list[tuple[str, str, int, int, str]]]:
    groups = list(sentences(doc.text))
    flat = [token for group in groups for token in group]
    sentence_of = [n for n, group in enumerate(groups) for _ in group]
    starts = {s: i for i, (s, _) in enumerate(flat)}
    ends = {e: i for i, (_, e) in enumerate(flat)}
    tags = ["O"] * len(flat)
    kept = []
    who = f" ({annotator})" if annotator else ""
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.label)):
        first, last = starts.get(span.start), ends.get(span.end)
        if first is None or last is None:
            report.lost.append(
                f"document {doc.id}{who}: span {span.id} {span.label!r} {span.quote[:40]!r}"
                " does not start and end on token boundaries"
            )
            continue
        if sentence_of[first] != sentence_of[last]:
            report.lost.append(
                f"document {doc.id}{who}: span {span.id} {span.label!r} {span.quote[:40]!r}"
                " runs over a sentence break (a line break or . ! ?)"
            )
            continue
        if any(tag != "O" for tag in tags[first : last + 1]):
            report.lost.append(
                f"document {doc.id}{who}: span {span.id} {span.label!r} {span.quote[:40]!r}"
                " overlaps another span"
            )
            continue
        tag = tag_name(span.label)
        tags[first] = f"B-{tag}"
        for index in range(first + 1, last + 1):
            tags[index] = f"I-{tag}"
        words = " ".join(doc.text[s:e] for s, e in flat[first : last + 1])
        kept.append(("", tag, first, last + 1, words))
    lines = [DOCSTART, ""]
    index = 0
    for group in groups:
        for start, end in group:
            lines.append(f"{doc.text[start:end]} _ _ {tags[index]}")
            index += 1
        lines.append("")
    while lines and lines[-1] == "":
        lines.pop()
    return lines, kept


def _read_back(path: Path) -> SpanDigest:
    """Parse the IOB2 file as NER readers do and collect each block's entities by token."""
    digest = SpanDigest()
    block = 0
    words: list[str] = []
    entities: list[tuple[str, str, int, int, str]] = []
    open_entity: tuple[str, int] | None = None

    def close(index: int) -> None:
        nonlocal open_entity
        if open_entity is not None:
            tag, first = open_entity
            entities.append(("", tag, first, index, " ".join(words[first:index])))
            open_entity = None

    with path.open("r", encoding="utf-8", newline="\n") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.rstrip("\n")
            if line == DOCSTART:
                close(len(words))
                if block:
                    digest.add(str(block), entities)
                block, words, entities = block + 1, [], []
                continue
            if not line:
                close(len(words))  # an entity never runs over a sentence break
                continue
            parts = line.split(" ")
            if len(parts) != 4:
                raise FormatError(path, f"read back, not 4 columns: {line!r}", f"line {number}")
            word, tag = parts[0], parts[3]
            index = len(words)
            words.append(word)
            if tag == "O" or tag.startswith("B-"):
                close(index)
            if tag.startswith("B-"):
                open_entity = (tag[2:], index)
            elif tag.startswith("I-") and (open_entity is None or open_entity[0] != tag[2:]):
                raise FormatError(path, f"read back, {tag} follows no B- tag", f"line {number}")
        close(len(words))
        if block:
            digest.add(str(block), entities)
    return digest
