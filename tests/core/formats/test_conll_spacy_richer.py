"""CoNLL reports what it cannot hold; a spaCy DocBin carries attributes (span records and the
``claimdesk`` Span extension), relations (doc.user_data) and document labels (doc.cats), read
back with spaCy itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from claimdesk.core.formats import conll
from claimdesk.core.formats.base import (
    DocLabelOut,
    DocumentOut,
    ExportReport,
    RelationOut,
    SpanOut,
)
from tests.core.formats.exchange_samples import LATER, WHEN
from tests.core.formats.richer_samples import SCHEME, rich_source


def test_conll_reports_attributes_relations_and_document_labels_as_lost(tmp_path: Path) -> None:
    report = conll.export(rich_source(), tmp_path / "x.conll")
    assert report.verified
    assert report.lost[-3:] == [
        "12 attribute value(s) of 4 span(s): CoNLL IOB2 has one tag per token and no place"
        " for span attributes",
        "3 relation(s) between spans: CoNLL IOB2 has no place for relations",
        "5 document label(s): CoNLL IOB2 has no place for document labels",
    ]


def test_conll_without_them_says_nothing_of_them(tmp_path: Path) -> None:
    from tests.core.formats.exchange_samples import awkward_source

    report = conll.export(awkward_source(), tmp_path / "x.conll")
    assert not any("attribute" in item or "relation" in item for item in report.lost)


# -- spaCy ------------------------------------------------------------------------------------

TEXT = "Western diplomats said Moscow and Beijing 🙂 agreed.\nTa Kung Pao denied it."


def _span(ident: int, words: str, label: str, who: str = "ana", nth: int = 0) -> SpanOut:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(words, start + 1)
    end = start + len(words)
    return SpanOut(ident, start, end, label, who, "", TEXT[start:end], WHEN, LATER)


def _source() -> Any:
    source = rich_source()
    spans = [
        _span(1, "Moscow and Beijing 🙂 agreed", "Factual claim"),
        _span(2, "Western diplomats", "<b>x</b>&amp;"),
        _span(3, "Ta Kung Pao", "<b>x</b>&amp;"),
        _span(4, "denied it", "主张 (opinion)"),
        _span(5, "Moscow and Beijing 🙂 agreed", "主张 (opinion)"),  # same offsets as span 1
        _span(6, "iplomats", "Factual claim"),  # not on token boundaries
        _span(7, "Moscow", "Factual claim", who="Bo"),
    ]
    doc = DocumentOut(
        1,
        "t",
        "",
        "",
        {},
        TEXT,
        spans,
        attributes={
            1: {
                "Stance": "negative",
                "Tags": ("=cmd", "x, y"),
                "Check-worthy": True,
                "Score": 2.5,
                "Comment": "🙂\nx",
            },
            5: {"Stance": "for"},
            6: {"Stance": "neutral"},
            7: {"Stance": "positive", "Check-worthy": False},
        },
        relations=[
            RelationOut(11, "attributed to", 1, 2, "ana"),
            RelationOut(12, "same event", 4, 1, "ana"),  # across the line break
            RelationOut(13, "supports", 6, 1, "ana"),  # an end not on token boundaries
        ],
        doc_labels=[
            DocLabelOut("Overall stance", "=cooling", "ana"),
            DocLabelOut("Topic", "Economy", "ana"),
            DocLabelOut("Topic", "Diplomacy", "ana"),
            DocLabelOut("Topic", "Military", "Cy"),  # labelled the document, no span
        ],
    )
    source.docs = [doc]
    source.annotators = ["ana", "Bo", "Cy"]
    return source


@pytest.fixture(scope="module")
def read_back(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Any], ExportReport]:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin, Span

    from claimdesk.core.formats import spacy_docbin

    out = tmp_path_factory.mktemp("spacy") / "train.spacy"
    report = spacy_docbin.export(_source(), out)
    # a reader declares the extension, as the module says
    if not Span.has_extension("claimdesk"):
        Span.set_extension("claimdesk", default=None)
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("xx").vocab))
    return docs, report


def test_spacy_attributes_are_span_records_and_the_span_extension(
    read_back: tuple[list[Any], ExportReport],
) -> None:
    docs, report = read_back
    assert report.verified
    assert [d.user_data["claimdesk"]["annotator"] for d in docs] == ["Bo", "Cy", "ana"]
    ana = docs[2]
    spans = list(ana.spans["sc"])
    records = ana.user_data["claimdesk"]["spans"]
    assert [r["id"] for r in records] == [1, 2, 3, 4, 5]  # span 6 is not on token boundaries
    assert [s.label_ for s in spans] == [
        "Factual claim",
        "<b>x</b>&amp;",
        "<b>x</b>&amp;",
        "主张 (opinion)",
        "主张 (opinion)",
    ]
    assert records[0]["attributes"] == {
        "Stance": "negative",
        "Tags": ("=cmd", "x, y"),  # msgpack arrays come back from a DocBin as tuples
        "Check-worthy": True,
        "Score": 2.5,
        "Comment": "🙂\nx",
    }
    assert records[4]["attributes"] == {"Stance": "for"}
    assert spans[0]._.claimdesk["Stance"] == "negative"
    assert spans[1]._.claimdesk is None  # no attributes
    # spans 1 and 5 share their offsets, and so spaCy's one extension slot: reported
    assert spans[4]._.claimdesk["Stance"] == "negative"
    assert any("1 span(s) with the same offsets" in item for item in report.lost)
    assert docs[0].spans["sc"][0]._.claimdesk == {"Stance": "positive", "Check-worthy": False}


def test_spacy_relations_index_the_doc_spans(read_back: tuple[list[Any], ExportReport]) -> None:
    docs, report = read_back
    ana = docs[2]
    spans = list(ana.spans["sc"])
    relations = [
        (r["type"], r["directed"], spans[r["source"]].text, spans[r["target"]].text)
        for r in ana.user_data["claimdesk"]["relations"]
    ]
    assert relations == [
        ("attributed to", True, "Moscow and Beijing 🙂 agreed", "Western diplomats"),
        ("same event", False, "denied it", "Moscow and Beijing 🙂 agreed"),
    ]
    assert "1 relation(s) with an end that is not on spaCy token boundaries" in report.lost
    assert docs[0].user_data["claimdesk"]["relations"] == ()


def test_spacy_document_labels_are_cats_per_set_and_value(
    read_back: tuple[list[Any], ExportReport],
) -> None:
    docs, _ = read_back
    bo, cy, ana = docs
    assert ana.cats == {
        "Topic: Military": 0.0,
        "Topic: Economy": 1.0,
        "Topic: Diplomacy": 1.0,
        "Overall stance: warming": 0.0,
        "Overall stance: =cooling": 1.0,
        "Overall stance: mixed": 0.0,
    }
    # an annotator who labelled only the document has a Doc of their own, without spans
    assert list(cy.spans["sc"]) == [] and cy.cats["Topic: Military"] == 1.0
    assert "Overall stance: mixed" not in cy.cats  # a set left empty is unknown, not "no"
    assert bo.cats == {}
    assert [d.text for d in docs] == [TEXT] * 3
    assert SCHEME.doc_labels[0].name == "Topic"
