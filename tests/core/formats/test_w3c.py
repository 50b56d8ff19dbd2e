"""W3C Web Annotation JSON-LD: valid under the W3C test-suite schemas, positions in code points."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator
from referencing import Registry
from referencing.jsonschema import DRAFT4

from claimdesk.core.errors import Cancelled
from claimdesk.core.formats import w3c
from claimdesk.core.formats.base import (
    DocumentOut,
    FormatError,
    MemorySource,
    RelationOut,
    SpanOut,
)
from tests.core.formats.exchange_samples import (
    LATER,
    TEXT_1,
    WHEN,
    awkward_source,
    with_wrong_quote,
)
from tests.core.formats.richer_samples import rich_source

PROJECT = "Claims & <co>"
SUITE = Path(__file__).parent / "data" / "web-annotation"

# Optional features the export implements: the suite's "...Implemented" checks must pass.
IMPLEMENTED = [
    "annotations/3.3.1-annotationCreatedImplemented.json",
    "annotations/3.3.1-annotationModifiedImplemented.json",
    "annotations/3.3.1-annotationCreatorImplemented.json",
    "annotations/3.3.1-annotationSingleCreatorImplemented.json",
    "annotations/3.3.2-annotationCreatorAgentIdImplemented.json",
    "annotations/3.3.2-annotationCreatorAgentTypeImplemented.json",
    "annotations/3.3.2-annotationCreatorAgentNameImplemented.json",
    "annotations/3.3.5-annotationMotivationImplemented.json",
    "annotations/3.1-bodyKeyFound.json",
    "annotations/bodiesTargets/3.2.4-bodyETB.json",
    "annotations/bodiesTargets/3.2.4-bodyETBTypeTextualBody.json",
    "annotations/bodiesTargets/3.2.1-bodyFormat.json",
    "annotations/bodiesTargets/3.3.5-bodyPurpose.json",
    "annotations/bodiesTargets/4-targSpecificResource.json",
    "annotations/specificResource/4.2-selectorFound.json",
    "annotations/specificResource/4.2.4-textQuoteSelector.json",
    "annotations/specificResource/4.2.5-textPositionSelector.json",
]


@cache
def _registry() -> Registry:
    resources = []
    for path in (SUITE / "definitions").glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["id"], DRAFT4.create_resource(schema)))
    return Registry().with_resources(resources)


def _assertions(test_file: str) -> list[str]:
    return list(json.loads((SUITE / test_file).read_text(encoding="utf-8"))["assertions"])


def _failures(assertions: list[str], instance: Any) -> list[str]:
    """The assertions whose outcome differs from the suite's expected result."""
    failed = []
    for name in assertions:
        schema = json.loads((SUITE / name).read_text(encoding="utf-8"))
        valid = Draft4Validator(schema, registry=_registry()).is_valid(instance)
        if valid != (schema.get("expectedResult", "valid") == "valid"):
            failed.append(name)
    return failed


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("w3c") / "claims.jsonld"
    report = w3c.export(awkward_source(), out)
    assert (report.documents, report.spans, report.verified) == (2, 6, True)
    assert [item.split(":")[0] for item in report.lost] == [
        "the document texts themselves",
        "label colours, descriptions and the codebook hierarchy",
        "titles, dates and metadata of the documents",
    ]
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def test_collection_and_page_meet_every_must(exported: dict[str, Any]) -> None:
    assert exported["type"] == "AnnotationCollection"
    assert exported["total"] == len(exported["first"]["items"]) == 6
    assert _failures(_assertions("collections/collectionMusts.test"), exported) == []
    assert _failures(_assertions("collections/pages/pageMusts.test"), exported) == []


def test_every_annotation_meets_every_must_and_the_optionals_it_uses(
    exported: dict[str, Any],
) -> None:
    musts = _assertions("annotations/annotationMusts.test")
    assert len(musts) > 40
    for item in exported["first"]["items"]:
        assert _failures(musts, item) == [], item["id"]
        quote = item["target"]["selector"][1]
        # A span at the very start (or end) of a text has no prefix (or suffix) to give; a
        # document without a URL has no scope.
        used = list(IMPLEMENTED)
        used += [
            f"annotations/specificResource/4.2.4-{k}.json"
            for k in ("prefix", "suffix")
            if k in quote
        ]
        if "scope" in item["target"]:
            used.append("annotations/specificResource/4.6-scope.json")
        assert _failures(used, item) == [], item["id"]


def test_the_schema_check_catches_a_broken_annotation(exported: dict[str, Any]) -> None:
    broken = copy.deepcopy(exported["first"]["items"][0])
    del broken["@context"]
    broken["target"]["selector"][0]["start"] = -1
    failed = _failures(_assertions("annotations/annotationMusts.test"), broken)
    assert "annotations/3.1-annotationContextValidated.json" in failed
    assert "annotations/specificResource/4.2-TextDataPositionSelectorValid.json" in failed


def test_selectors_count_code_points_and_quote_the_text(exported: dict[str, Any]) -> None:
    by_label = {}
    for item in exported["first"]["items"]:
        position, quote = item["target"]["selector"]
        assert position["type"] == "TextPositionSelector"
        assert quote["type"] == "TextQuoteSelector"
        by_label.setdefault(item["body"][0]["value"], []).append((position, quote, item))
    position, quote, item = by_label["Factual claim"][0]
    # "😀𠀋" is two code points (four UTF-16 code units).
    assert (position["start"], position["end"], quote["exact"]) == (0, 2, "😀𠀋")
    assert "prefix" not in quote
    assert quote["suffix"] == TEXT_1[2:34]
    assert item["creator"] == {"id": item["creator"]["id"], "type": "Person", "name": "ana"}
    assert item["created"] == "2026-03-04T05:06:07Z"
    assert item["modified"] == "2026-03-05T08:00:00Z"
    assert item["target"]["scope"] == "https://news.example/a?x=1&y=2"
    assert item["body"][1] == {
        "type": "TextualBody",
        "purpose": "commenting",
        "value": "emoji + 𠀋\r\nsecond line",
        "format": "text/plain",
    }


def test_labels_and_notes_that_look_like_markup_are_kept_verbatim(
    exported: dict[str, Any],
) -> None:
    (item,) = [i for i in exported["first"]["items"] if i["body"][0]["value"] == "<b>x</b>&amp;"]
    assert item["body"][1]["value"] == "<script>x</script>"
    assert item["target"]["selector"][1]["exact"] == "<b>Bold</b>"
    plain = [i for i in exported["first"]["items"] if len(i["body"]) == 1]
    assert len(plain) == 3  # spans without a note get no empty commenting body


def test_document_iris_are_stable_and_distinct(tmp_path: Path, exported: dict[str, Any]) -> None:
    w3c.export(awkward_source(), tmp_path / "again.jsonld")
    again = json.loads((tmp_path / "again.jsonld").read_text(encoding="utf-8"))

    def sources(data: dict[str, Any]) -> list[str]:
        return [i["target"]["source"] for i in data["first"]["items"]]

    assert sources(again) == sources(exported)
    assert len(set(sources(exported))) == 2
    assert sources(exported)[0] == w3c.document_iri("Claims & <co>", 7)


def test_cancel_leaves_nothing_behind(tmp_path: Path) -> None:
    with pytest.raises(Cancelled):
        w3c.export(awkward_source(), tmp_path / "c.jsonld", progress=lambda done, total: done < 2)
    assert list(tmp_path.iterdir()) == []


def test_a_selection_without_spans_is_a_valid_empty_collection(tmp_path: Path) -> None:
    source = awkward_source()
    source.docs = [type(doc)(doc.id, doc.title, doc.source, doc.date, doc.meta, doc.text, [])
                   for doc in source.docs]  # fmt: skip
    out = tmp_path / "empty.jsonld"
    report = w3c.export(source, out)
    # The file holds annotations only: both documents are left out, and the report says so.
    assert (report.documents, report.left_out, report.spans, report.verified) == (0, 2, 0, True)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (data["total"], data["first"]["items"]) == (0, [])
    assert _failures(_assertions("collections/collectionMusts.test"), data) == []


def test_a_span_whose_quote_does_not_read_back_fails_the_export(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match=r"read back, the spans of 1 document\(s\) differ"):
        w3c.export(with_wrong_quote(awkward_source()), tmp_path / "x.jsonld")
    assert list(tmp_path.iterdir()) == []


PIECES = ["😀", "𠀋", "e\u0301", "\r\n", " ", "税金", "<b>", "&amp;", "=SUM(A1)", "x", "🇨🇳"]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.lists(st.sampled_from(PIECES), min_size=1, max_size=60).map("".join),
    cuts=st.lists(st.tuples(st.integers(0, 400), st.integers(1, 40)), min_size=1, max_size=8),
)
def test_any_text_and_spans_quote_exactly_what_the_positions_select(
    tmp_path: Path, text: str, cuts: list[tuple[int, int]]
) -> None:
    spans = []
    for n, (at, length) in enumerate(cuts):
        start = at % len(text)
        end = min(len(text), start + length)
        spans.append(SpanOut(n, start, end, "L", "ana", "", text[start:end], WHEN, LATER))
    doc = DocumentOut(1, "t", "", "", {}, text, spans)
    out = tmp_path / f"p{abs(hash((text, tuple(cuts))))}.jsonld"
    report = w3c.export(MemorySource("p", [], ["ana"], [doc]), out)
    assert report.verified
    items = json.loads(out.read_text(encoding="utf-8"))["first"]["items"]
    for item, span in zip(items, spans, strict=True):
        position, quote = item["target"]["selector"]
        assert (position["start"], position["end"]) == (span.start, span.end)
        assert quote["exact"] == text[span.start : span.end]
        assert quote.get("prefix", "") == text[max(0, span.start - 32) : span.start]
        assert quote.get("suffix", "") == text[span.end : span.end + 32]
    out.unlink()


def test_every_key_and_type_is_a_term_of_the_anno_context(exported: dict[str, Any]) -> None:
    """A JSON-LD processor using anno.jsonld keeps every property: none is silently dropped."""
    context = json.loads((SUITE / "anno.jsonld").read_text(encoding="utf-8"))["@context"]
    keys: set[str] = set()
    types: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                keys.add(key)
                if key in ("type", "motivation", "purpose"):
                    types.add(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(exported)
    assert {k for k in keys if not k.startswith("@")} - set(context) == set()
    assert types - set(context) == set()
    assert "Annotation" in types and "commenting" in types


# -- attributes, relations and document labels -----------------------------------------------


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Any]:
    out = tmp_path_factory.mktemp("w3c-rich") / "claims.jsonld"
    report = w3c.export(rich_source(), out)
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data, report


def _by_motivation(data: dict[str, Any], motivation: str) -> list[dict[str, Any]]:
    return [i for i in data["first"]["items"] if i["motivation"] == motivation]


def test_attributes_are_classifying_bodies_of_the_span(rich: tuple[dict[str, Any], Any]) -> None:
    data, report = rich
    assert report.verified and report.spans == 6
    span = next(
        i for i in _by_motivation(data, "tagging") if i["id"] == w3c.annotation_iri(PROJECT, 1)
    )
    classifying = [b["value"] for b in span["body"] if b["purpose"] == "classifying"]
    assert classifying == [
        "Stance: negative",
        "Tags: =cmd",
        "Tags: x, y",
        "Check-worthy: yes",
        "Score: -2.5",
        'Comment: =HYPERLINK("x")\r\n<b>b</b> 🙂',
    ]
    # the label's tagging body stays first, the note's commenting body after it
    assert [b["purpose"] for b in span["body"][:2]] == ["tagging", "commenting"]


def test_relations_link_the_two_span_annotations_governor_first(
    rich: tuple[dict[str, Any], Any],
) -> None:
    data, _ = rich
    links = {i["body"][0]["value"]: i for i in _by_motivation(data, "linking")}
    assert set(links) == {"supports", "same event", "attributed to"}
    ids = {i["id"] for i in _by_motivation(data, "tagging")}
    supports = links["supports"]
    source, target = w3c.annotation_iri(PROJECT, 2), w3c.annotation_iri(PROJECT, 1)
    assert supports["target"] == [source, target]
    assert supports["body"][1] == {
        "type": "TextualBody",
        "purpose": "describing",
        "value": f"from {source} to {target}",
        "format": "text/plain",
    }
    assert supports["creator"]["name"] == "ana"
    assert links["attributed to"]["creator"]["name"] == "Bo Ødegård"
    # the undirected type has no direction to state; its ends span the paragraph break
    assert len(links["same event"]["body"]) == 1
    assert set(links["same event"]["target"]) <= ids


def test_document_labels_classify_the_whole_document(rich: tuple[dict[str, Any], Any]) -> None:
    data, report = rich
    labels = {
        (i["target"], i["creator"]["name"], tuple(b["value"] for b in i["body"]))
        for i in _by_motivation(data, "classifying")
    }
    doc7, doc9 = w3c.document_iri(PROJECT, 7), w3c.document_iri(PROJECT, 9)
    assert labels == {
        (doc7, "ana", ("Overall stance: =cooling",)),
        (doc7, "ana", ("Topic: Economy", "Topic: Diplomacy")),
        (doc7, "Bo Ødegård", ("Topic: Military",)),
        (doc9, "ana", ("Overall stance: mixed",)),
    }
    assert data["total"] == len(data["first"]["items"]) == 6 + 3 + 4
    assert [item.split(":")[0] for item in report.lost][-3:] == [
        "attribute kinds, choices, defaults and descriptions",
        "relation type colours, descriptions and allowed labels",
        "document label sets' choices, single or multiple choice and descriptions",
    ]


def test_every_richer_annotation_meets_every_must(rich: tuple[dict[str, Any], Any]) -> None:
    data, _ = rich
    musts = _assertions("annotations/annotationMusts.test")
    optional = [
        "annotations/3.3.1-annotationCreatorImplemented.json",
        "annotations/3.3.2-annotationCreatorAgentNameImplemented.json",
        "annotations/3.3.5-annotationMotivationImplemented.json",
        "annotations/bodiesTargets/3.2.4-bodyETBTypeTextualBody.json",
        "annotations/bodiesTargets/3.3.5-bodyPurpose.json",
    ]
    items = data["first"]["items"]
    assert {i["motivation"] for i in items} == {"tagging", "linking", "classifying"}
    for item in items:
        assert _failures(musts, item) == [], item["id"]
        assert _failures(optional, item) == [], item["id"]
    assert _failures(_assertions("collections/collectionMusts.test"), data) == []
    assert _failures(_assertions("collections/pages/pageMusts.test"), data) == []
    test_every_key_and_type_is_a_term_of_the_anno_context(data)


def test_a_document_with_labels_but_no_span_is_in_the_file(tmp_path: Path) -> None:
    source = rich_source()
    doc = source.docs[1]
    source.docs[1] = DocumentOut(doc.id, doc.title, doc.source, doc.date, doc.meta, doc.text, [],
                                 doc_labels=doc.doc_labels)  # fmt: skip
    report = w3c.export(source, tmp_path / "x.jsonld")
    assert (report.documents, report.without_spans, report.left_out) == (2, 1, 0)


def test_a_relation_to_a_span_not_written_fails_the_read_back(tmp_path: Path) -> None:
    source = rich_source()
    doc = source.docs[0]
    source.docs[0] = replace(
        doc, relations=[*doc.relations, RelationOut(99, "supports", 2, 6, "ana")]
    )
    with pytest.raises(FormatError, match=r"document 7 has 3 relation\(s\)"):
        w3c.export(source, tmp_path / "x.jsonld")
    assert list(tmp_path.iterdir()) == []
