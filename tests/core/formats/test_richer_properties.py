"""Property: whatever spans, attribute values, relations and document labels a document holds,
Label Studio's and doccano JSONL's exports read back the same (texts with characters outside
the BMP, overlapping spans, several annotators)."""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimdesk.core.formats import jsonl, labelstudio
from claimdesk.core.formats.base import (
    DocLabelOut,
    DocumentIn,
    DocumentOut,
    MemorySource,
    RelationOut,
    SpanOut,
)
from tests.core.formats.richer_source import LABELS, SCHEME

ALPHABET = "ab 😀𠀋\n\u00e9🇨🇳"
WHO = ["Ana", "Bo Ødegård"]
WHEN = "2026-03-04 05:06:07"


def _value(spec: Any, draw: Any) -> Any:
    kind = spec.kind.value
    if kind == "choice":
        return draw(st.sampled_from(spec.choices))
    if kind == "multi":
        chosen = draw(st.sets(st.sampled_from(spec.choices)))
        return tuple(c for c in spec.choices if c in chosen)
    if kind == "bool":
        return draw(st.booleans())
    if kind == "number":
        return draw(st.one_of(st.integers(-(10**6), 10**6), st.floats(-1e6, 1e6, width=32)))
    return draw(st.text(ALPHABET, min_size=1, max_size=8))


@st.composite
def documents(draw: Any) -> DocumentOut:
    text = draw(st.text(ALPHABET, min_size=2, max_size=40))
    spans = []
    for ident in range(1, draw(st.integers(0, 6)) + 1):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        label = draw(st.sampled_from([label.name for label in LABELS]))
        who = draw(st.sampled_from(WHO))
        spans.append(SpanOut(ident, start, end, label, who, "", text[start:end], WHEN, WHEN))
    spans.sort(key=lambda s: (s.start, s.end, s.label))
    attributes = {
        s.id: {spec.name: _value(spec, draw) for spec in SCHEME.attributes_of(s.label)}
        for s in spans
        if SCHEME.attributes_of(s.label) and draw(st.booleans())
    }
    relations = []
    pairs = [(a, b) for a in spans for b in spans if a.id != b.id and a.annotator == b.annotator]
    for number, (a, b) in enumerate(
        draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []
    ):
        kind = draw(st.sampled_from([r.name for r in SCHEME.relations]))
        relations.append(RelationOut(number + 1, kind, a.id, b.id, a.annotator))
    doc_labels = sorted(
        {
            DocLabelOut(spec.name, value, who)
            for spec in SCHEME.doc_labels
            for who in WHO
            for value in draw(
                st.sets(st.sampled_from(spec.choices), max_size=1 if not spec.multiple else 3)
            )
        }
    )
    return DocumentOut(1, "t", "", "", {}, text, spans, attributes, relations, doc_labels)


def _seen(doc: DocumentOut) -> tuple[set[Any], set[Any], set[Any]]:
    spans = {s.id: s for s in doc.spans}
    values = {
        (spans[i].annotator, spans[i].start, spans[i].end, spans[i].label, n, v)
        for i, found in doc.attributes.items()
        for n, v in found.items()
    }
    relations = {
        (r.annotator, r.type, spans[r.source].start, spans[r.source].end, spans[r.target].start)
        for r in doc.relations
    }
    return values, relations, {(d.annotator, d.set, d.value) for d in doc.doc_labels}


def _read(docs: list[DocumentIn]) -> tuple[set[Any], set[Any], set[Any]]:
    values, relations, labels = set(), set(), set()
    for doc in docs:
        by_ref = {s.ref: s for s in doc.spans}
        for s in doc.spans:
            for n, v in s.attributes.items():
                values.add(
                    (
                        s.annotator,
                        s.start,
                        s.end,
                        s.label,
                        n,
                        tuple(v) if isinstance(v, list) else v,
                    )
                )
        for r in doc.relations:
            a, b = by_ref[r.source], by_ref[r.target]
            relations.add((r.annotator, r.type, a.start, a.end, b.start))
        labels |= {(d.annotator, d.set, d.value) for d in doc.doc_labels}
    return values, relations, labels


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents())
def test_label_studio_and_jsonl_round_trips(doc: DocumentOut) -> None:
    source = MemorySource("p", list(LABELS), WHO, [doc], SCHEME)
    with TemporaryDirectory() as folder:
        for module, name in ((labelstudio, "t.json"), (jsonl, "t.jsonl")):
            out = Path(folder) / name
            report = module.export(source, out)
            assert report.verified
            assert _read(module.read(out)) == _seen(doc)
