"""UIMA CAS XMI with attributes (span features), relations (INCEpTION's Governor/Dependent
relation layer) and document labels, read back with dkpro-cassis."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from cassis import Cas, TypeSystem, load_cas_from_xmi, load_typesystem
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from claimdesk.core.formats import uima_xmi
from claimdesk.core.formats.base import RelationOut
from claimdesk.core.formats.uima_links import attribute_name, feature_name
from claimdesk.core.scheme import AttributeKind, AttributeSpec, Scheme
from tests.core.formats.scheme_samples import (
    ATTRIBUTES,
    CLAIM,
    DOC_LABELS,
    LABELS,
    RELATIONS,
    SCHEME,
    SPANS,
    TEXT,
    at,
    document,
    source,
)

XMI = "7-Embargo.xmi"
PRIMITIVES = {"uima.cas.String", "uima.cas.Boolean", "uima.cas.Integer", "uima.cas.Float"}


def utf16(index: int) -> int:
    return len(TEXT[:index].encode("utf-16-le")) // 2


@pytest.fixture
def export(tmp_path: Path) -> tuple[Path, Any]:
    out = tmp_path / "xmi"
    return out, uima_xmi.export(source(), out)


def _load(out: Path) -> tuple[TypeSystem, Cas]:
    ts = load_typesystem((out / "TypeSystem.xml").read_text(encoding="utf-8"))
    return ts, load_cas_from_xmi((out / XMI).read_text(encoding="utf-8"), typesystem=ts)


def test_the_type_system_has_inception_layers_for_attributes_and_relations(
    export: tuple[Path, Any],
) -> None:
    ts, _ = _load(export[0])
    claim = ts.get_type("webanno.custom.Claim")
    ranges = {f.name: f.rangeType.name for f in claim.all_features}
    assert {k: v for k, v in ranges.items() if k not in {"sofa", "begin", "end"}} == {
        "label": "uima.cas.String",
        "note": "uima.cas.String",
        "annotator": "uima.cas.String",
        "Stance": "uima.cas.String",
        "Check_x002D_worthy": "uima.cas.Boolean",
        "Topic_areas": "uima.cas.StringArray",
        "Score": "uima.cas.Float",
        "Comment": "uima.cas.String",
    }
    # INCEpTION shows a feature's description: the attribute's real name is there
    described = {f.name: f.description for f in claim.all_features}
    assert described["Check_x002D_worthy"] == "Check-worthy"
    # INCEpTION's TypeSystemAnalysis: a span layer holds primitive or StringArray features; a
    # relation layer has exactly two references, Governor and Dependent, to one span layer.
    own = [f for f in claim.all_features if f.name not in {"sofa", "begin", "end"}]
    assert all(f.rangeType.name in PRIMITIVES | {"uima.cas.StringArray"} for f in own)
    relation = ts.get_type("webanno.custom.ClaimRelation")
    assert relation.supertype.name == "uima.tcas.Annotation"
    references = {
        f.name: f.rangeType.name
        for f in relation.all_features
        if f.name not in {"sofa", "begin", "end"} and f.rangeType.name not in PRIMITIVES
    }
    assert references == {"Governor": "webanno.custom.Claim", "Dependent": "webanno.custom.Claim"}
    labels = ts.get_type("webanno.custom.DocumentLabel")
    assert labels.supertype.name == "uima.cas.AnnotationBase"  # a document metadata layer


def test_relations_cover_the_dependent_in_utf16_units(export: tuple[Path, Any]) -> None:
    root = etree.parse(str(export[0] / XMI)).getroot()
    ns = {"custom": "http:///webanno/custom.ecore", "xmi": "http://www.omg.org/XMI"}
    claims = {c.get("{http://www.omg.org/XMI}id"): c for c in root.findall("custom:Claim", ns)}
    raw = [
        (
            r.get("label"),
            claims[r.get("Governor")].get("begin"),
            claims[r.get("Dependent")].get("begin"),
            r.get("begin"),
            r.get("end"),
        )
        for r in root.findall("custom:ClaimRelation", ns)
    ]
    places = {span.id: (span.start, span.end) for span in SPANS}
    expected = [
        (
            r.type,
            str(utf16(places[r.source][0])),
            str(utf16(places[r.target][0])),
            str(utf16(places[r.target][0])),
            str(utf16(places[r.target][1])),
        )
        for r in RELATIONS
    ]
    assert sorted(raw) == sorted(expected)
    assert utf16(at("Western diplomats")[0]) != at("Western diplomats")[0]  # the emoji count


def test_cassis_reads_attributes_relations_and_document_labels(export: tuple[Path, Any]) -> None:
    _, cas = _load(export[0])
    found = {}
    for item in cas.select("webanno.custom.Claim"):
        topics = item.get("Topic_areas")
        found[(item.annotator, cas.sofa_string[item.begin : item.end])] = (
            item.get("Stance"),
            item.get("Check_x002D_worthy"),
            None if topics is None else list(topics.elements),
            item.get("Score"),
        )
    assert found[("Ana", "the arms embargo would stay")] == (
        "negative", True, ["Military", "Diplomacy"], 0.75
    )  # fmt: skip
    assert found[("Ana", "a troop reduction of 𠀋 200,000 men")] == (
        "positive", False, ["Military"], 3.0
    )  # fmt: skip
    assert found[("Ana", "Western diplomats")] == (None, None, None, None)  # a source: none
    relations = sorted(
        (r.label, cas.sofa_string[r.Governor.begin : r.Governor.end],
         cas.sofa_string[r.Dependent.begin : r.Dependent.end])
        for r in cas.select("webanno.custom.ClaimRelation")
    )  # fmt: skip
    assert relations == [
        ("attributed to", "a troop reduction of 𠀋 200,000 men", "Ta Kung Pao"),
        ("attributed to", "the arms embargo would stay", "Western diplomats"),
        ("same event", "arms embargo", "the arms embargo would stay"),
        ("supports", "a troop reduction of 𠀋 200,000 men", "the arms embargo would stay"),
    ]
    labels = [
        (d.get("labelSet"), d.get("value"), d.get("annotator"))
        for d in cas.select("webanno.custom.DocumentLabel")
    ]
    assert labels == [(d.set, d.value, d.annotator) for d in DOC_LABELS]


def test_round_trip_gives_back_what_was_exported(export: tuple[Path, Any]) -> None:
    out, report = export
    assert report.verified
    (doc,) = uima_xmi.read(out)
    assert doc.text == TEXT  # CRLF kept
    by_place = {(s.start, s.end, s.annotator): s for s in doc.spans}
    for span in SPANS:
        values = {
            k: list(v) if isinstance(v, tuple) else v
            for k, v in ATTRIBUTES.get(span.id, {}).items()
        }
        assert by_place[(span.start, span.end, span.annotator)].attributes == values
    refs = {s.ref: (s.start, s.end) for s in doc.spans}
    places = {span.id: (span.start, span.end) for span in SPANS}
    assert sorted((r.type, refs[r.source], refs[r.target], r.annotator) for r in doc.relations) == (
        sorted((r.type, places[r.source], places[r.target], r.annotator) for r in RELATIONS)
    )
    assert [(d.set, d.value, d.annotator) for d in doc.doc_labels] == [
        (d.set, d.value, d.annotator) for d in DOC_LABELS
    ]


def test_what_inception_cannot_hold_is_reported(export: tuple[Path, Any]) -> None:
    lost = export[1].lost
    assert (
        "1 relation(s) of types without a direction are written from their first span (Governor)"
        " to their second (Dependent): INCEpTION's relations have a direction"
    ) in lost
    assert any(item.startswith("the definitions of attributes (choices, defaults") for item in lost)


def test_numbers_beyond_float_and_kinds_that_clash_are_reported(tmp_path: Path) -> None:
    scheme = Scheme(
        attributes={
            CLAIM: (AttributeSpec("Score", AttributeKind.NUMBER),),
            "Source attribution": (AttributeSpec("Score", AttributeKind.TEXT),),
        }
    )
    attributes = {2: {"Score": 0.123456789}, 4: {"Score": 12}, 1: {"Score": "high"}}
    doc = document(attributes=attributes, relations=[], doc_labels=[])
    out = tmp_path / "xmi"
    report = uima_xmi.export(type(source())("Claims", LABELS, ["Ana", "Ben"], [doc], scheme), out)
    assert (
        "1 number(s) with more than the 7 digits of INCEpTION's Float features: the file holds"
        " them exactly, INCEpTION rounds them"
    ) in report.lost
    assert (
        "1 value(s) of attributes (Score) that labels define with different kinds: the Claim"
        " layer has one feature per attribute name, of the first kind"
    ) in report.lost
    (read,) = uima_xmi.read(out)
    assert sorted(s.attributes.get("Score", 0) for s in read.spans) == [0, 0, 0, 0, 0.123456789, 12]


def test_a_relation_whose_end_is_not_exported_is_left_out(tmp_path: Path) -> None:
    doc = document(relations=[*RELATIONS, RelationOut(5, "supports", 2, 42, "Ana")])
    out = tmp_path / "xmi"
    uima_xmi.export(source(doc), out)
    _, cas = _load(out)
    assert len(cas.select("webanno.custom.ClaimRelation")) == len(RELATIONS)


@pytest.mark.parametrize(
    "name",
    [
        "Stance",
        "label",
        "begin",
        "3 stars",
        "Überzeugung",
        "a Stance",
        "a_b",
        "x/y",
        "",
        " x0041 ",
        "if",
        "None",
    ],
)
def test_attribute_feature_names_are_identifiers_that_map_back(name: str) -> None:
    feature = feature_name(name)
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", feature), feature
    assert feature not in {"label", "note", "annotator", "begin", "end", "sofa"}
    assert attribute_name(feature) == name


def test_a_relation_layer_made_in_inception_imports(tmp_path: Path) -> None:
    """INCEpTION's own shapes: NamedEntity spans with a custom relation layer, and a DKPro
    Dependency between tokens (not spans Claimdesk reads: counted, not imported)."""
    ts = TypeSystem()
    ne = ts.create_type("de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity")
    ts.create_feature(ne, "value", "uima.cas.String")
    ts.create_feature(ne, "Negated", "uima.cas.Boolean")
    rel = ts.create_type("webanno.custom.Link", supertypeName="uima.tcas.Annotation")
    ts.create_feature(rel, "Governor", ne.name)
    ts.create_feature(rel, "Dependent", ne.name)
    ts.create_feature(rel, "role", "uima.cas.String")
    token = ts.create_type("webanno.custom.Tok")
    dep = ts.create_type("webanno.custom.Dep", supertypeName="uima.tcas.Annotation")
    ts.create_feature(dep, "Governor", token.name)
    ts.create_feature(dep, "Dependent", token.name)
    cas = Cas(typesystem=ts)
    cas.sofa_string = "🙂 Angela Merkel met Putin."
    merkel, putin = ne(begin=2, end=15, value="PER", Negated=True), ne(begin=20, end=25)
    t1, t2 = token(begin=2, end=8), token(begin=9, end=15)
    for item in (merkel, putin, t1, t2):
        cas.add(item)
    cas.add(rel(begin=20, end=25, Governor=merkel, Dependent=putin, role="met"))
    cas.add(dep(begin=9, end=15, Governor=t1, Dependent=t2))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "TypeSystem.xml").write_text(ts.to_xml(), encoding="utf-8")
    cas.to_xmi(folder / "talks.xmi")
    (doc,) = uima_xmi.read(folder)
    spans = {s.ref: s for s in doc.spans}
    assert [(doc.text[s.start : s.end], s.label, s.attributes) for s in spans.values()] == [
        ("Angela Merkel", "PER", {}),
        ("Putin", "NamedEntity", {}),
    ]
    assert [(r.type, doc.text[spans[r.source].start : spans[r.source].end],
             doc.text[spans[r.target].start : spans[r.target].end]) for r in doc.relations] == [
        ("met", "Angela Merkel", "Putin")
    ]  # fmt: skip
    assert doc.not_imported == [
        "talks.xmi: 1 relation(s) between annotations that are not spans Claimdesk reads"
    ]


def test_an_export_without_a_scheme_has_the_layers_and_no_attribute_features(
    tmp_path: Path,
) -> None:
    out = tmp_path / "xmi"
    plain = type(source())("Claims", LABELS, ["Ana"], [document(attributes={})], Scheme())
    report = uima_xmi.export(plain, out)
    ts, cas = _load(out)
    names = {f.name for f in ts.get_type("webanno.custom.Claim").all_features}
    assert names == {"sofa", "begin", "end", "label", "note", "annotator"}
    assert len(cas.select("webanno.custom.ClaimRelation")) == len(RELATIONS)
    assert not any(item.startswith("the definitions") for item in report.lost)
    assert SCHEME.relations  # the sample has relation types; this export declares none


@given(st.text(max_size=20))
def test_any_attribute_name_is_an_identifier_that_maps_back(name: str) -> None:
    feature = feature_name(name)
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", feature), feature
    assert attribute_name(feature) == name


_names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1,
                 max_size=8)  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    names=st.lists(_names, min_size=5, max_size=5, unique=True),
    choices=st.lists(_names, min_size=1, max_size=3, unique=True),
    number=st.one_of(
        st.integers(-(2**31), 2**31), st.floats(allow_nan=False, allow_infinity=False)
    ),
    text=_names,
    relation=_names,
)
def test_any_names_and_values_survive_cassis(
    tmp_path_factory: pytest.TempPathFactory,
    names: list[str],
    choices: list[str],
    number: float,
    text: str,
    relation: str,
) -> None:
    one, several, yes, count, free = names
    scheme = Scheme(
        attributes={CLAIM: (
            AttributeSpec(one, AttributeKind.CHOICE, tuple(choices)),
            AttributeSpec(several, AttributeKind.MULTI, tuple(choices)),
            AttributeSpec(yes, AttributeKind.BOOL),
            AttributeSpec(count, AttributeKind.NUMBER),
            AttributeSpec(free, AttributeKind.TEXT),
        )},
    )  # fmt: skip
    values = {one: choices[-1], several: tuple(choices), yes: False, count: number, free: text}
    doc = document(
        spans=SPANS[1:3],
        attributes={2: values},
        relations=[RelationOut(1, relation, 3, 2, "Ana")],
        doc_labels=[],
    )
    out = tmp_path_factory.mktemp("xmi") / "out"
    report = uima_xmi.export(type(source())("Claims", LABELS, ["Ana"], [doc], scheme), out)
    assert report.verified
    (read,) = uima_xmi.read(out)
    claim = next(s for s in read.spans if s.start == SPANS[1].start)
    assert claim.attributes == {
        k: list(v) if isinstance(v, tuple) else v for k, v in values.items()
    }
    assert [r.type for r in read.relations] == [relation]


def test_a_document_metadata_layer_made_in_inception_gives_document_labels(
    tmp_path: Path,
) -> None:
    ts = TypeSystem()
    topic = ts.create_type("webanno.custom.Topic", supertypeName="uima.cas.AnnotationBase")
    ts.create_feature(topic, "topic", "uima.cas.String")
    cas = Cas(typesystem=ts)
    cas.sofa_string = "🙂 Trade across the Amur doubled."
    cas.add(topic(topic="Economy"))
    cas.add(topic(topic="Diplomacy"))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "TypeSystem.xml").write_text(ts.to_xml(), encoding="utf-8")
    cas.to_xmi(folder / "trade.xmi")
    (doc,) = uima_xmi.read(folder)
    assert [(d.set, d.value, d.annotator) for d in doc.doc_labels] == [
        ("Topic", "Economy", None),
        ("Topic", "Diplomacy", None),
    ]
