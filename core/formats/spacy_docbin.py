"""spaCy v3 DocBin (``.spacy``): the training-data file of ``spacy train``.

Each document (once per annotator who annotated it) becomes a ``Doc`` made by a blank
multi-language tokenizer (``spacy.blank("xx")``), with every span that falls on token boundaries
in ``doc.spans["sc"]`` (overlaps allowed, as the SpanCategorizer wants) and those that do not
overlap in ``doc.ents`` (for the EntityRecognizer). Spans are aligned with
``Doc.char_span(alignment_mode="strict")``: a span that starts or ends inside a token is not
moved, it is left out and listed in the report. ``doc.user_data`` keeps the document id, title
and annotator; notes are not kept. Offsets are code points, as spaCy counts them.

Needs spaCy (``pip install 'claimdesk[spacy]'``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import spacy
from spacy.tokens import DocBin, Span

from claimdesk.core.formats import registry
from claimdesk.core.formats.base import (
    ExportReport,
    ExportSource,
    SpanDigest,
    atomic_output,
    spans_by_annotator,
    verify,
)
from claimdesk.core.progress import Progress, check_progress

FORMAT = registry.info_of(__name__)
SPAN_KEY = "sc"


def export(source: ExportSource, out: Path, progress: Progress | None = None) -> ExportReport:
    report = ExportReport(FORMAT.name, out)
    written = SpanDigest()
    nlp = spacy.blank("xx")
    docbin = DocBin(store_user_data=True)
    total = source.document_count
    count = 0
    for done, doc in enumerate(source.documents(), start=1):
        placed = 0
        for annotator, spans in spans_by_annotator(doc.spans) or [("", [])]:
            made = nlp.make_doc(doc.text)
            aligned: list[Span] = []
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
            made.user_data["claimdesk"] = {"id": doc.id, "title": doc.title, "annotator": annotator}
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
    with atomic_output(out, folder=False) as temp:
        docbin.to_disk(temp)
        read_back = SpanDigest()
        for number, made in enumerate(DocBin().from_disk(temp).get_docs(nlp.vocab), start=1):
            pieces: Any = made.spans[SPAN_KEY]
            read_back.add(
                str(number), [("", p.label_, p.start_char, p.end_char, p.text) for p in pieces]
            )
        verify(report, written, read_back)
    report.files = [out]
    return report
