"""REFI-QDA with attributes (codes coded on the same selection), document labels (codes on the
whole source) and relations (Links): valid under the REFI-QDA XSD, read back by the import."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from claimdesk.core.formats import qdpx
from claimdesk.core.formats.base import DocumentIn, ExportReport
from claimdesk.core.scheme import AttributeKind, AttributeSpec, DocLabelSpec, RelationSpec
from tests.core.formats.exchange_samples import TEXT_1, TEXT_2
from tests.core.formats.richer_samples import rich_source

DATA = Path(__file__).parent / "data" / "refi-qda"
NS = {"q": "urn:QDA-XML:project:1.0"}


@pytest.fixture(scope="module")
def reference_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(DATA / "Project-mrt2019.xsd")))


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ExportReport]:
    out = tmp_path_factory.mktemp("qdpx") / "claims.qdpx"
    return out, qdpx.export(rich_source(), out)


def _root(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("project.qde"))


def _code_names(selection: etree._Element, root: etree._Element) -> list[str]:
    names = {c.get("guid"): c.get("name") for c in root.iter(f"{{{NS['q']}}}Code")}
    return [names[ref.get("targetGUID")] for ref in selection.iterfind("q:Coding/q:CodeRef", NS)]


def test_the_richer_export_is_valid_under_the_reference_xsd(
    exported: tuple[Path, ExportReport], reference_schema: etree.XMLSchema
) -> None:
    out, report = exported
    assert (report.documents, report.spans, report.verified) == (2, 6, True)
    assert reference_schema.validate(_root(out)), reference_schema.error_log
    assert [item.split(" (")[0].split(":")[0] for item in report.lost[1:]] == [
        "the defaults of 2 attribute(s)",
        "relation types' descriptions and allowed labels, and relation types no relation uses",
    ]


def test_attribute_values_are_child_codes_coded_on_the_same_selection(
    exported: tuple[Path, ExportReport],
) -> None:
    out, _ = exported
    root = _root(out)
    claim = root.find("q:CodeBook/q:Codes/q:Code[@name='Factual claim']", NS)
    assert claim is not None
    children = [c.get("name") for c in claim.iterfind("q:Code", NS)]
    assert children[0] == "主张 (opinion)"  # the label hierarchy first, as before
    assert children[1:6] == [
        "Factual claim / Stance: positive",
        "Factual claim / Stance: negative",
        "Factual claim / Stance: neutral",
        "Factual claim / Tags: =cmd",
        "Factual claim / Tags: x, y",
    ]
    # a number or a text gets a code per value used
    assert "Factual claim / Score: -2.5" in children and "Factual claim / Score: 3" in children
    first = root.find(".//q:PlainTextSelection[@startPosition='0'][@endPosition='2']", NS)
    assert first is not None
    assert _code_names(first, root) == [
        "Factual claim",
        "Factual claim / Stance: negative",
        "Factual claim / Tags: =cmd",
        "Factual claim / Tags: x, y",
        "Factual claim / Check-worthy: yes",
        "Factual claim / Score: -2.5",
        'Factual claim / Comment: =HYPERLINK("x")\r\n<b>b</b> 🙂',
    ]


def test_document_labels_are_codes_on_the_whole_source(
    exported: tuple[Path, ExportReport],
) -> None:
    out, _ = exported
    root = _root(out)
    topic = root.find("q:CodeBook/q:Codes/q:Code[@name='Topic']", NS)
    assert topic is not None and topic.get("isCodable") == "false"
    assert [c.get("name") for c in topic.iterfind("q:Code", NS)] == [
        "Topic: Military",
        "Topic: Economy",
        "Topic: Diplomacy",
    ]
    users = {u.get("guid"): u.get("name") for u in root.iterfind("q:Users/q:User", NS)}
    whole = []
    for source in root.iterfind("q:Sources/q:TextSource", NS):
        length = str(len(TEXT_1 if source.get("name", "").startswith("Prices") else TEXT_2))
        for selection in source.iterfind("q:PlainTextSelection[@startPosition='0']", NS):
            if selection.get("endPosition") == length:
                (name,) = _code_names(selection, root)
                whole.append((source.get("name"), users[selection.get("creatingUser")], name))
    assert sorted(whole) == [
        ("Prices <i>rise</i> 😀", "Bo Ødegård", "Topic: Military"),
        ("Prices <i>rise</i> 😀", "ana", "Overall stance: =cooling"),
        ("Prices <i>rise</i> 😀", "ana", "Topic: Diplomacy"),
        ("Prices <i>rise</i> 😀", "ana", "Topic: Economy"),
        ("Second", "ana", "Overall stance: mixed"),
    ]


def test_relations_are_links_between_the_selections(exported: tuple[Path, ExportReport]) -> None:
    out, _ = exported
    root = _root(out)
    selections = {
        s.get("guid"): _code_names(s, root)[0]
        for s in root.iter(f"{{{NS['q']}}}PlainTextSelection")
    }
    links = {
        link.get("name"): (
            selections[link.get("originGUID")],
            selections[link.get("targetGUID")],
            link.get("direction"),
            link.get("color"),
        )
        for link in root.iterfind("q:Links/q:Link", NS)
    }
    assert links == {
        "supports": ("主张 (opinion)", "Factual claim", "OneWay", "#2ca02c"),
        "same event": ("Factual claim", "Factual claim", "Associative", "#7f7f7f"),
        "attributed to": ("Factual claim", "<b>x</b>&amp;", "OneWay", "#123456"),
    }


def test_the_import_reads_back_attributes_relations_and_document_labels(
    exported: tuple[Path, ExportReport],
) -> None:
    out, _ = exported
    first, second = qdpx.read(out)
    # attribute and document label codes are not labels
    assert set(first.labels) == {"Factual claim", "主张 (opinion)", "<b>x</b>&amp;"}
    spans = {(s.start, s.end, s.label, s.annotator): s for s in first.spans}
    assert len(spans) == 5 == len(first.spans)
    one = spans[(0, 2, "Factual claim", "ana")]
    assert one.attributes == {
        "Stance": "negative",
        "Tags": ["=cmd", "x, y"],
        "Check-worthy": True,
        "Score": -2.5,
        "Comment": '=HYPERLINK("x")\r\n<b>b</b> 🙂',
    }
    by_ref = {s.ref: s for s in first.spans}

    def quote(ref: str) -> str:
        return TEXT_1[by_ref[ref].start : by_ref[ref].end]

    relations = {(r.type, by_ref[r.source].label, quote(r.target), r.annotator)
                 for r in first.relations}  # fmt: skip
    assert relations == {
        ("supports", "主张 (opinion)", "😀𠀋", "ana"),
        ("same event", "Factual claim", "😀𠀋", "ana"),
        ("attributed to", "Factual claim", "<b>Bold</b>", "Bo Ødegård"),
    }
    assert sorted((d.set, d.value, d.annotator) for d in first.doc_labels) == [
        ("Overall stance", "=cooling", "ana"),
        ("Topic", "Diplomacy", "ana"),
        ("Topic", "Economy", "ana"),
        ("Topic", "Military", "Bo Ødegård"),
    ]
    assert [(d.set, d.value) for d in second.doc_labels] == [("Overall stance", "mixed")]
    (opinion,) = [s for s in first.spans if s.label == "主张 (opinion)"]
    assert opinion.attributes == {"Stance": "against"}  # this label's Stance, not the other's
    assert second.spans[0].attributes == {}  # no value and no default: nothing
    assert first.not_imported == []


def test_the_import_gives_what_the_file_defines(exported: tuple[Path, ExportReport]) -> None:
    out, _ = exported
    doc: DocumentIn = qdpx.read(out)[0]
    scheme = doc.scheme
    assert scheme is not None
    assert scheme.attributes_of("Factual claim")[:3] == (
        AttributeSpec("Stance", AttributeKind.CHOICE, ("positive", "negative", "neutral")),
        AttributeSpec("Tags", AttributeKind.MULTI, ("=cmd", "x, y", "税金 🙂")),
        AttributeSpec("Check-worthy", AttributeKind.BOOL),
    )
    assert scheme.attributes_of("主张 (opinion)") == (
        AttributeSpec("Stance", AttributeKind.CHOICE, ("for", "against")),
    )
    assert scheme.doc_labels == (
        DocLabelSpec("Topic", True, ("Military", "Economy", "Diplomacy")),
        DocLabelSpec("Overall stance", False, ("warming", "=cooling", "mixed")),
    )
    assert set(scheme.relations) == {
        RelationSpec("supports", "#2ca02c", directed=True),
        RelationSpec("same event", "#7f7f7f", directed=False),
        RelationSpec("attributed to", "#123456", directed=True),
    }


def test_links_that_are_not_between_two_spans_are_reported(tmp_path: Path) -> None:
    out = tmp_path / "claims.qdpx"
    qdpx.export(rich_source(), out)
    with zipfile.ZipFile(out) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    root = etree.fromstring(entries["project.qde"])
    link = root.find("q:Links/q:Link", NS)
    assert link is not None
    link.set("targetGUID", "00000000-0000-0000-0000-000000000000")  # a note, say
    entries["project.qde"] = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "edited.qdpx", "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    first = qdpx.read(tmp_path / "edited.qdpx")[0]
    assert len(first.relations) == 2
    assert any("1 link(s) that do not join two coded selections" in n for n in first.not_imported)


def test_attribute_and_value_names_holding_a_colon_read_back(tmp_path: Path) -> None:
    source = rich_source()
    odd = AttributeSpec("Who: says", AttributeKind.TEXT)
    attributes = dict(source.scheme.attributes)
    attributes["Factual claim"] = (*attributes["Factual claim"], odd)
    source.scheme = replace(source.scheme, attributes=attributes)
    doc = source.docs[0]
    values = dict(doc.attributes)
    values[3] = {**values[3], "Who: says": "Ta Kung Pao: an editorial"}
    source.docs[0] = replace(doc, attributes=values)
    qdpx.export(source, tmp_path / "odd.qdpx")
    first = qdpx.read(tmp_path / "odd.qdpx")[0]
    (span,) = [s for s in first.spans if s.annotator == "Bo Ødegård" and s.label == "Factual claim"]
    assert span.attributes["Who: says"] == "Ta Kung Pao: an editorial"
