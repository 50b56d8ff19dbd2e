"""spaCy v3 DocBin (``.spacy``): the training-data file of ``spacy train``.

Each document (once per annotator who annotated it) becomes a ``Doc`` made by a blank
multi-language tokenizer (``spacy.blank("xx")``), with every span that falls on token boundaries
in ``doc.spans["sc"]`` (overlaps allowed, as the SpanCategorizer wants) and those that do not
overlap in ``doc.ents`` (for the EntityRecognizer). Spans are aligned with
``Doc.char_span(alignment_mode="strict")``: a span that starts or ends inside a token is not
moved, it is left out and listed in the report. ``doc.user_data`` keeps the document id, title
and annotator; notes are not kept. Offsets are code points, as spaCy counts them.

Attributes, relations and document labels (a DocBin keeps ``doc.user_data`` and ``doc.cats``):

- ``doc.user_data["claimdesk"]["spans"]`` runs parallel to ``doc.spans["sc"]``: per span its
  Claimdesk id and its ``attributes`` ({name: value}, defaults applied; a multi's choices as
  a sequence: a DocBin gives lists back as tuples).
  The same dict is the span's ``claimdesk`` extension (``span._.claimdesk["Stance"]``), once
  the reader has declared it: ``Span.set_extension("claimdesk", default=None)``. spaCy keeps a
  span's extension values in ``doc.user_data`` under its character offsets only, so two spans
  with the same offsets share one slot: the list is the record that always holds both.
- ``doc.user_data["claimdesk"]["relations"]``: per relation its id, ``type``, ``directed``, and
  ``source`` and ``target`` as indexes into ``doc.spans["sc"]`` (a relation whose end is not on
  token boundaries is left out and reported).
- ``doc.cats``: for each document label set the annotator used, every choice of the set as
  ``"<set>: <value>"``, 1.0 for the chosen values and 0.0 for the others (a set the annotator
  left empty has no keys: unknown, not "none of them"). The set's name is always in the key, so
  two sets may share a value ("mixed") and the keys stay the same whatever else the codebook
  holds. The ``textcat`` (single choice) and ``textcat_multilabel`` components read these.

Needs spaCy (``pip install 'claimdesk[spacy]'``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import spacy
from spacy.tokens import DocBin, Span

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
from claimdesk.core.scheme import Scheme

FORMAT = registry.info_of(__name__)
SPAN_KEY = "sc"
EXTENSION = "claimdesk"


def declare_extension() -> None:
    """Declare the ``claimdesk`` Span extension (idempotent), as a reader must too."""
    if not Span.has_extension(EXTENSION):
        Span.set_extension(EXTENSION, default=None)


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def cats(scheme: Scheme, labels: list[tuple[str, str]]) -> dict[str, float]:
    """doc.cats for one annotator's (set, value) document labels (see the module)."""
    chosen: dict[str, set[str]] = {}
    for name, value in labels:
        chosen.setdefault(name, set()).add(value)
    result: dict[str, float] = {}
    for spec in scheme.doc_labels:
        if spec.name in chosen:
            for value in spec.choices:
                result[f"{spec.name}: {value}"] = float(value in chosen[spec.name])
    for name, values in chosen.items():  # values (or sets) the codebook does not list
        for value in sorted(values):
            result.setdefault(f"{name}: {value}", 1.0)
    return result


def export(source: ExportSource, out: Path, progress: Progress | None = None) -> ExportReport:
    report = ExportReport(FORMAT.name, out)
    written = SpanDigest()
    nlp = spacy.blank("xx")
    declare_extension()
    scheme: Scheme = source.scheme
    docbin = DocBin(store_user_data=True)
    total = source.document_count
    count = 0
    dropped_relations = shared = 0
    for done, doc in enumerate(source.documents(), start=1):
        placed = 0
        for annotator, spans in _groups(doc):
            made = nlp.make_doc(doc.text)
            aligned: list[Span] = []
            ids: list[int] = []
            who = f" ({annotator})" if annotator else ""
            for span in spans:
                piece = made.char_span(
                    span.start, span.end, label=span.label, alignment_mode="strict"
                )
                if piece is None:
                    report.lost.append(
                        f"document {doc.id}{who}: span {span.id} {span.label!r}"
                        f" {span.quote[:40]!r} does not start and end on spaCy token boundaries"
                    )
                    continue
                aligned.append(piece)
                ids.append(span.id)
            made.spans[SPAN_KEY] = aligned
            ents: list[Span] = []
            taken: set[int] = set()
            for piece in sorted(aligned, key=lambda p: (p.start, -p.end)):
                if taken.isdisjoint(range(piece.start, piece.end)):
                    ents.append(piece)
                    taken.update(range(piece.start, piece.end))
            made.ents = ents
            if len(ents) < len(aligned):
                report.lost.append(
                    f"document {doc.id}{who}: {len(aligned) - len(ents)} overlapping span(s)"
                    f" are in doc.spans[{SPAN_KEY!r}] but not in doc.ents"
                )
            data = _richer(doc, annotator, ids, scheme)
            dropped_relations += sum(1 for r in doc.relations if r.annotator == annotator) - len(
                data["relations"]
            )
            slots: set[tuple[int, int]] = set()
            for piece, entry in zip(made.spans[SPAN_KEY], data["spans"], strict=True):
                slot = (piece.start_char, piece.end_char)
                if slot in slots:
                    shared += 1
                    continue
                slots.add(slot)
                if entry["attributes"]:
                    piece._.set(EXTENSION, entry["attributes"])
            made.user_data["claimdesk"] = {
                "id": doc.id,
                "title": doc.title,
                "annotator": annotator,
                **data,
            }
            made.cats = cats(
                scheme, [(d.set, d.value) for d in doc.doc_labels if d.annotator == annotator]
            )
            docbin.add(made)
            count += 1
            written.add(
                str(count),
                [
                    ("", p.label_, p.start_char, p.end_char, doc.text[p.start_char : p.end_char])
                    for p in aligned
                ],
            )
            placed += len(aligned)
        if any(s.note for s in doc.spans):
            report.lost.append(f"document {doc.id}: notes (a DocBin has no place for them)")
        report.spans += placed
        report.wrote_document(placed)
        check_progress(progress, done, total)
    if dropped_relations:
        report.lost.append(
            f"{dropped_relations} relation(s) with an end that is not on spaCy token boundaries"
        )
    if shared:
        report.lost.append(
            f"{shared} span(s) with the same offsets as another span of the same annotator:"
            " span._.claimdesk holds the first one's attributes (spaCy keys extensions by"
            ' offsets); doc.user_data["claimdesk"]["spans"] holds every span\'s'
        )
    with atomic_output(out, folder=False) as temp:
        docbin.to_disk(temp)
        read_back = SpanDigest()
        for number, made in enumerate(DocBin().from_disk(temp).get_docs(nlp.vocab), start=1):
            pieces: Any = made.spans[SPAN_KEY]
            read_back.add(
                str(number), [("", p.label_, p.start_char, p.end_char, p.text) for p in pieces]
            )
            if len(made.user_data["claimdesk"]["spans"]) != len(pieces):
                raise FormatError(
                    out, f"read back, doc {number}: its span records do not match its spans"
                )
        verify(report, written, read_back)
    report.files = [out]
    return report


def _groups(doc: DocumentOut) -> list[tuple[str, list[SpanOut]]]:
    """The document's spans per annotator, with the annotators who only labelled the document
    (one Doc each); a document nobody annotated is one Doc with no annotator."""
    groups = dict(spans_by_annotator(doc.spans))
    for label in doc.doc_labels:
        groups.setdefault(label.annotator, [])
    return sorted(groups.items()) or [("", [])]


def _richer(doc: DocumentOut, annotator: str, ids: list[int], scheme: Scheme) -> dict[str, Any]:
    """The span records and relations of one annotator's Doc (see the module)."""
    index = {span_id: n for n, span_id in enumerate(ids)}
    spans = [
        {
            "id": span_id,
            "attributes": {k: _plain(v) for k, v in doc.attributes.get(span_id, {}).items()},
        }
        for span_id in ids
    ]
    relations = []
    for relation in doc.relations:
        if relation.annotator != annotator:
            continue
        if relation.source not in index or relation.target not in index:
            continue
        spec = scheme.relation(relation.type)
        relations.append(
            {
                "id": relation.id,
                "type": relation.type,
                "directed": spec is None or spec.directed,
                "source": index[relation.source],
                "target": index[relation.target],
            }
        )
    return {"spans": spans, "relations": relations}
