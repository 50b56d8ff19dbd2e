"""W3C Web Annotation Data Model (JSON-LD): one AnnotationCollection of every span.

The file is an ``AnnotationCollection`` with its single ``AnnotationPage`` embedded as
``first``; the page's ``items`` are the annotations, each a complete Annotation (with its own
``@context``) so it can be taken out alone. Each annotation has:

- ``target``: a SpecificResource whose ``source`` is a stable IRI for the document
  (``urn:uuid:`` derived from the project and document id; the article's URL, when known, is the
  target's ``scope``), with a ``TextPositionSelector`` (start, end) and a ``TextQuoteSelector``
  (exact, with up to 32 characters of prefix and suffix) on the text as stored in Claimdesk;
- ``body``: a TextualBody with purpose ``tagging`` holding the label and, when the span has a
  note, a TextualBody with purpose ``commenting`` holding it (``text/plain``);
- ``creator`` (the annotator, a Person), ``created`` and ``modified`` (UTC, ISO 8601);
- after those, one TextualBody with purpose ``classifying`` per attribute value, its value
  ``"<attribute>: <value>"`` (a multi's each chosen value in a body of its own; yes/no for a
  yes/no attribute; defaults applied, as the window shows them).

Relations are annotations of their own, motivation ``linking``, whose ``target`` is the two span
annotations' IRIs, source (governor) first. A JSON-LD ``target`` is a set, not a list, so the
order alone would not survive a JSON-LD processor: a directed relation also has a
``describing`` body ``"from <source IRI> to <target IRI>"``. The type's name is a ``tagging``
body. An undirected type has no describing body (its two ends are alike).

Document labels are annotations with motivation ``classifying`` whose ``target`` is the
document's IRI itself (the whole document), one per annotator and label set, with one
``classifying`` body ``"<set>: <value>"`` per chosen value.

Positions count Unicode code points, as Claimdesk does: the Recommendation (section 4.2.4 and
4.2.5, settled in w3c/web-annotation issue 206) says selections "MUST be in terms of unicode
code points (the 'character number'), not in terms of code units".

The document texts are not in the file (the model points at resources, it does not carry them),
so this format is export-only; the quote selector lets a reader re-anchor on its own copy.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from claimdesk.core.formats import registry
from claimdesk.core.formats.base import (
    DocLabelOut,
    DocumentOut,
    ExportReport,
    ExportSource,
    FormatError,
    RelationOut,
    SpanDigest,
    SpanOut,
    atomic_output,
    utc_timestamp,
    verify,
)
from claimdesk.core.progress import Progress, check_progress
from claimdesk.core.scheme import Scheme, display_value

FORMAT = registry.info_of(__name__)

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_WINDOW = 32  # code points of prefix and suffix in each TextQuoteSelector
_IRIS = uuid.UUID("0b6e3f0e-51c5-4b8e-a7f4-0e3a3c1d2b57")


def _iri(*parts: object) -> str:
    return uuid.uuid5(_IRIS, "\x1f".join(map(str, parts))).urn


def document_iri(project: str, document_id: int) -> str:
    """The stable IRI a document has in every export of the same project."""
    return _iri("document", project, document_id)


def _body(purpose: str, value: str) -> dict[str, Any]:
    return {"type": "TextualBody", "purpose": purpose, "value": value, "format": "text/plain"}


def _creator(project: str, annotator: str) -> dict[str, Any]:
    return {"id": _iri("annotator", project, annotator), "type": "Person", "name": annotator}


def annotation_iri(project: str, span_id: int) -> str:
    """The IRI of a span's annotation (what relations point at)."""
    return _iri("annotation", project, span_id)


def attribute_bodies(values: dict[str, Any]) -> list[dict[str, Any]]:
    """One classifying body per attribute value ("Stance: negative"); a multi's per choice."""
    bodies = []
    for name, value in values.items():
        for one in value if isinstance(value, (list, tuple)) else (value,):
            bodies.append(_body("classifying", f"{name}: {display_value(one)}"))
    return bodies


def relation_annotation(project: str, relation: RelationOut, directed: bool) -> dict[str, Any]:
    """A relation as a linking Annotation between its two span annotations."""
    ends = [annotation_iri(project, relation.source), annotation_iri(project, relation.target)]
    body = [_body("tagging", relation.type)]
    if directed:
        body.append(_body("describing", f"from {ends[0]} to {ends[1]}"))
    return {
        "@context": CONTEXT,
        "id": _iri("relation", project, relation.id),
        "type": "Annotation",
        "motivation": "linking",
        "creator": _creator(project, relation.annotator),
        "body": body,
        "target": ends,
    }


def doc_label_annotations(
    project: str, doc_id: int, doc_iri: str, labels: list[DocLabelOut]
) -> list[dict[str, Any]]:
    """One classifying Annotation of the whole document per annotator and label set."""
    groups: dict[tuple[str, str], list[str]] = {}
    for label in labels:
        groups.setdefault((label.annotator, label.set), []).append(label.value)
    return [
        {
            "@context": CONTEXT,
            "id": _iri("document label", project, doc_id, annotator, name),
            "type": "Annotation",
            "motivation": "classifying",
            "creator": _creator(project, annotator),
            "body": [_body("classifying", f"{name}: {value}") for value in values],
            "target": doc_iri,
        }
        for (annotator, name), values in groups.items()
    ]


def annotation(
    project: str,
    doc_iri: str,
    scope: str,
    text: str,
    span: SpanOut,
    attributes: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One span as a W3C Annotation."""
    body: list[dict[str, Any]] = [_body("tagging", span.label)]
    if span.note:
        body.append(
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "value": span.note,
                "format": "text/plain",
            }
        )
    if attributes:
        body.extend(attribute_bodies(attributes))
    quote = {"type": "TextQuoteSelector", "exact": text[span.start : span.end]}
    prefix = text[max(0, span.start - CONTEXT_WINDOW) : span.start]
    suffix = text[span.end : span.end + CONTEXT_WINDOW]
    if prefix:  # optional in the model; an empty one says nothing
        quote["prefix"] = prefix
    if suffix:
        quote["suffix"] = suffix
    target: dict[str, Any] = {
        "type": "SpecificResource",
        "source": doc_iri,
        "selector": [
            {"type": "TextPositionSelector", "start": span.start, "end": span.end},
            quote,
        ],
    }
    if scope:
        target["scope"] = scope
    return {
        "@context": CONTEXT,
        "id": annotation_iri(project, span.id),
        "type": "Annotation",
        "motivation": "tagging",
        "creator": _creator(project, span.annotator),
        "created": utc_timestamp(span.created_at),
        "modified": utc_timestamp(span.updated_at),
        "body": body,
        "target": target,
    }


def _scope(source: str) -> str:
    return source if source.startswith(("http://", "https://")) and " " not in source else ""


def export(source: ExportSource, out: Path, progress: Progress | None = None) -> ExportReport:
    report = ExportReport(FORMAT.name, out)
    written = SpanDigest()
    project = source.project_name
    encode = json.JSONEncoder(ensure_ascii=False, indent=None).encode
    total = source.document_count
    total_items = 0
    scheme: Scheme = source.scheme
    with atomic_output(out, folder=False) as temp:
        with temp.open("w", encoding="utf-8", newline="\n") as handle:
            head = {
                "@context": CONTEXT,
                "id": _iri("collection", project, datetime.now(UTC).isoformat()),
                "type": "AnnotationCollection",
                "label": project or "Claimdesk project",
            }
            handle.write(encode(head)[:-1])
            page = {"id": _iri("page", head["id"]), "type": "AnnotationPage", "startIndex": 0}
            handle.write(', "first": ' + encode(page)[:-1] + ', "items": [\n')
            first = True
            for done, doc in enumerate(source.documents(), start=1):
                items = _document_items(project, scheme, doc)
                for item in items:
                    if not first:
                        handle.write(",\n")
                    first = False
                    handle.write(encode(item))
                written.add(
                    document_iri(project, doc.id),
                    [(s.annotator, s.label, s.start, s.end, s.quote) for s in doc.spans],
                )
                if doc.spans or doc.doc_labels:  # a document appears only through targets
                    report.wrote_document(len(doc.spans))
                else:
                    report.left_out += 1
                report.spans += len(doc.spans)
                total_items += len(items)
                check_progress(progress, done, total)
            handle.write(f'\n]}}, "total": {total_items}}}\n')
        _read_back(temp, out, source, report, written)
    report.lost.append(
        "the document texts themselves: the file points at each document by IRI and quotes"
        " the annotated text (with prefix and suffix), but does not carry whole texts"
    )
    if source.labels:
        report.lost.append(
            "label colours, descriptions and the codebook hierarchy:"
            " a tagging body holds the label name only"
        )
    report.lost.append(
        "titles, dates and metadata of the documents: a target names its document by IRI only"
    )
    report.lost.extend(_scheme_lost(scheme))
    report.files = [out]
    return report


def _document_items(project: str, scheme: Scheme, doc: DocumentOut) -> list[dict[str, Any]]:
    """A document's annotations: its spans, then its relations, then its document labels."""
    doc_iri = document_iri(project, doc.id)
    scope = _scope(doc.source)
    items = [
        annotation(project, doc_iri, scope, doc.text, span, doc.attributes.get(span.id))
        for span in doc.spans
    ]
    for relation in doc.relations:
        spec = scheme.relation(relation.type)
        items.append(relation_annotation(project, relation, spec is None or spec.directed))
    items.extend(doc_label_annotations(project, doc.id, doc_iri, doc.doc_labels))
    return items


def _scheme_lost(scheme: Scheme) -> list[str]:
    lost = []
    if any(scheme.attributes.values()):
        lost.append(
            "attribute kinds, choices, defaults and descriptions: a classifying body holds"
            ' "<attribute>: <value>" as text (defaults written out as values)'
        )
    if scheme.relations:
        lost.append(
            "relation type colours, descriptions and allowed labels: a linking annotation"
            " names its type in a tagging body"
        )
    if scheme.doc_labels:
        lost.append(
            "document label sets' choices, single or multiple choice and descriptions: a"
            ' classifying annotation of the document holds "<set>: <value>"'
        )
    return lost


def _read_back(
    temp: Path, out: Path, source: ExportSource, report: ExportReport, written: SpanDigest
) -> None:
    """Parse the file as written and check every selector against the texts once more.

    The file is read one line (one annotation) at a time, alongside a second pass over the
    documents in the same order, so memory stays flat however many annotations there are.
    """
    read_back = SpanDigest()
    with temp.open("r", encoding="utf-8") as handle:
        items = _items(handle, out)
        pending = next(items, None)
        for doc in source.documents():
            doc_iri = document_iri(source.project_name, doc.id)
            found = []
            spans: set[str] = set()
            relations = labels = 0
            while pending is not None:
                target = pending["target"]
                if isinstance(target, dict) and target["source"] == doc_iri:
                    position, quote = target["selector"]
                    start, end = position["start"], position["end"]
                    if quote["exact"] != doc.text[start:end]:
                        raise FormatError(
                            out, f"read back, {pending['id']} quotes other text than it points at"
                        )
                    creator, label = pending["creator"]["name"], pending["body"][0]["value"]
                    found.append((creator, label, start, end, doc.text[start:end]))
                    spans.add(pending["id"])
                elif isinstance(target, list) and set(target) <= spans:
                    relations += 1
                elif target == doc_iri:
                    labels += len(pending["body"])
                else:
                    break
                pending = next(items, None)
            if (relations, labels) != (len(doc.relations), len(doc.doc_labels)):
                raise FormatError(
                    out,
                    f"read back, document {doc.id} has {relations} relation(s) between its"
                    f" annotations and {labels} document label(s), not"
                    f" {len(doc.relations)} and {len(doc.doc_labels)}",
                )
            read_back.add(doc_iri, found)
        if pending is not None:
            raise FormatError(out, f"read back, {pending['id']} points at no exported document")
    verify(report, written, read_back)


def _items(handle: TextIO, out: Path) -> Iterator[dict[str, Any]]:
    """The annotations of a file this module wrote, checking the JSON around them."""
    try:
        head = json.loads(handle.readline() + "]}}")
        if head["type"] != "AnnotationCollection" or head["first"]["type"] != "AnnotationPage":
            raise ValueError("not an AnnotationCollection with its first page")
        count = 0
        for line in handle:
            if not line.strip():
                continue
            if line.startswith("]"):
                tail = json.loads('{"first": {"items": [' + line)
                if tail["total"] != count:
                    raise ValueError(f"total {tail['total']} but {count} annotations")
                return
            count += 1
            yield json.loads(line.rstrip().removesuffix(","))
        raise ValueError("the file ends before the collection does")
    except (ValueError, KeyError, TypeError) as exc:
        raise FormatError(out, f"read back, the file is not the JSON written: {exc}") from None
