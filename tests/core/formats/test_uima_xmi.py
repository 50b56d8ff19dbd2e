"""UIMA CAS XMI: what dkpro-cassis (INCEpTION's Python twin) reads back, offsets in UTF-16."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import pytest
from cassis import Cas, TypeSystem, load_cas_from_xmi, load_typesystem
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from claimdesk.core.errors import Cancelled
from claimdesk.core.formats import uima_xmi
from claimdesk.core.formats.base import DocumentOut, FormatError, MemorySource, SpanOut
from tests.core.formats.exchange_samples import (
    LATER,
    TEXT_1,
    WHEN,
    awkward_source,
    expected_spans,
    utf16,
    with_wrong_quote,
)

XMI_NS = {"custom": "http:///webanno/custom.ecore", "xmi": "http://www.omg.org/XMI"}


def _export(tmp_path: Path) -> Path:
    out = tmp_path / "xmi"
    report = uima_xmi.export(awkward_source(), out)
    assert (report.documents, report.spans, report.verified) == (2, 6, True)
    assert [item.split(":")[0] for item in report.lost] == [
        "label colours, descriptions and the codebook hierarchy",
        "dates and metadata of 1 document(s)",
    ]
    return out


def test_folder_holds_a_type_system_and_one_xmi_per_document(tmp_path: Path) -> None:
    out = _export(tmp_path)
    assert sorted(p.name for p in out.iterdir()) == [
        "7-Prices-i-rise-i.xmi",
        "9-Second.xmi",
        "TypeSystem.xml",
    ]
    ts = load_typesystem((out / "TypeSystem.xml").read_bytes().decode())
    claim = ts.get_type("webanno.custom.Claim")
    assert claim.supertype.name == "uima.tcas.Annotation"
    assert {"label", "note", "annotator"} <= {f.name for f in claim.all_features}
    meta = ts.get_type("de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData")
    assert {"documentTitle", "documentId"} <= {f.name for f in meta.all_features}


def test_raw_xmi_offsets_are_utf16_code_units(tmp_path: Path) -> None:
    out = _export(tmp_path)
    root = etree.parse(str(out / "7-Prices-i-rise-i.xmi")).getroot()
    claims = root.findall("custom:Claim", XMI_NS)
    source = awkward_source().docs[0]
    expected = sorted((utf16(TEXT_1, s.start), utf16(TEXT_1, s.end)) for s in source.spans)
    assert sorted((int(c.get("begin")), int(c.get("end"))) for c in claims) == expected
    # "😀𠀋" is 2 code points but 4 UTF-16 code units.
    assert ("0", "4") in {(c.get("begin"), c.get("end")) for c in claims}


def test_cassis_reads_every_span_on_its_quote(tmp_path: Path) -> None:
    out = _export(tmp_path)
    ts = load_typesystem((out / "TypeSystem.xml").read_bytes().decode())
    cas = load_cas_from_xmi((out / "7-Prices-i-rise-i.xmi").read_bytes().decode(), typesystem=ts)
    assert cas.sofa_string == TEXT_1  # CRLF and the combining accent kept as given
    found = {
        (c.get_covered_text(), c.get("label"), c.get("annotator"), c.get("note") or "")
        for c in cas.select("webanno.custom.Claim")
    }
    source = awkward_source().docs[0]
    assert found == {(s.quote, s.label, s.annotator, s.note) for s in source.spans}
    (meta,) = cas.select("de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData")
    assert (meta.get("documentTitle"), meta.get("documentId")) == ("Prices <i>rise</i> 😀", "7")


def test_round_trip_from_folder_and_from_zip(tmp_path: Path) -> None:
    source = awkward_source()
    out = _export(tmp_path)
    archive = tmp_path / "inception-export.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for item in out.iterdir():
            handle.write(item, f"export/{item.name}")
    for path in (out, archive):
        documents = uima_xmi.read(path)
        found = {
            d.title: {
                (s.start, s.end, s.label, s.annotator, s.note, d.text[s.start : s.end])
                for s in d.spans
            }
            for d in documents
        }
        assert found == expected_spans(source)
        assert [d.file_id for d in documents] == ["7", "9"]


def test_named_entity_layer_from_inception_imports(tmp_path: Path) -> None:
    ts = TypeSystem()
    ne = ts.create_type("de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity")
    ts.create_feature(ne, "value", "uima.cas.String")
    cas = Cas(typesystem=ts)
    cas.sofa_string = "🙂 Angela Merkel spoke."
    cas.add(ne(begin=2, end=15, value="PER"))
    folder = tmp_path / "ne"
    folder.mkdir()
    (folder / "TypeSystem.xml").write_text(ts.to_xml(), encoding="utf-8")
    cas.to_xmi(folder / "speech.xmi")
    (doc,) = uima_xmi.read(folder)
    assert doc.title == "speech"
    assert [(s.label, doc.text[s.start : s.end]) for s in doc.spans] == [("PER", "Angela Merkel")]


def test_control_characters_are_reported_and_offsets_kept(tmp_path: Path) -> None:
    source = awkward_source()
    doc = source.docs[1]
    source.docs[1] = type(doc)(
        doc.id,
        doc.title,
        doc.source,
        doc.date,
        doc.meta,
        doc.text.replace(" ", "\x0c", 1),
        doc.spans,
    )
    report = uima_xmi.export(source, tmp_path / "out")
    assert report.verified
    assert any("document 9" in item and "U+FFFD" in item for item in report.lost)


def test_cancel_leaves_nothing_behind(tmp_path: Path) -> None:
    with pytest.raises(Cancelled):
        uima_xmi.export(awkward_source(), tmp_path / "out", progress=lambda done, total: False)
    assert list(tmp_path.iterdir()) == []


# -- hostile and broken input ----------------------------------------------------------------


def _folder_with(tmp_path: Path, xmi: bytes, name: str = "doc.xmi") -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "TypeSystem.xml").write_text(uima_xmi.typesystem().to_xml(), encoding="utf-8")
    (folder / name).write_bytes(xmi)
    return folder


def test_xmi_with_external_entities_is_refused(tmp_path: Path) -> None:
    xmi = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY s SYSTEM "file:///etc/passwd">]>'
        b'<xmi:XMI xmlns:xmi="http://www.omg.org/XMI" xmlns:cas="http:///uima/cas.ecore"'
        b' xmi:version="2.0"><cas:Sofa xmi:id="1" sofaNum="1" sofaID="_InitialView"'
        b' sofaString="&s;"/></xmi:XMI>'
    )
    with pytest.raises(FormatError) as caught:
        uima_xmi.read(_folder_with(tmp_path, xmi))
    assert str(caught.value).startswith("in: file doc.xmi: XML with external entities")


def test_missing_type_system_and_garbage_are_named(tmp_path: Path) -> None:
    folder = tmp_path / "bare"
    folder.mkdir()
    (folder / "a.xmi").write_text("<x/>")
    with pytest.raises(FormatError, match=re.escape("file a.xmi: no TypeSystem.xml")):
        uima_xmi.read(folder)
    with pytest.raises(FormatError, match=re.escape("file doc.xmi: not a readable UIMA CAS XMI")):
        uima_xmi.read(_folder_with(tmp_path, b"<xmi:XMI"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FormatError, match=re.escape("no .xmi files found")):
        uima_xmi.read(empty)


@pytest.mark.parametrize(
    ("begin", "end"),
    [("0", "40"), ("1", "3")],  # past the end; inside the surrogate pair of "😀"
)
def test_offsets_off_the_text_are_refused(tmp_path: Path, begin: str, end: str) -> None:
    ts = uima_xmi.typesystem()
    cas = Cas(typesystem=ts)
    cas.sofa_string = "😀short"
    claim = ts.get_type(uima_xmi.CLAIM)
    cas.add(claim(begin=0, end=2, label="C"))
    xmi = cas.to_xmi()
    assert 'begin="0" end="3"' in xmi  # UTF-16: the emoji is two code units
    xmi = xmi.replace('begin="0" end="3"', f'begin="{begin}" end="{end}"')
    with pytest.raises(FormatError) as caught:
        uima_xmi.read(_folder_with(tmp_path, xmi.encode()))
    message = str(caught.value)
    assert message.startswith("in: file doc.xmi: an annotation offset does not fall on a character")


def test_an_annotation_ending_before_it_starts_is_said_so(tmp_path: Path) -> None:
    ts = uima_xmi.typesystem()
    cas = Cas(typesystem=ts)
    cas.sofa_string = "😀short"
    cas.add(ts.get_type(uima_xmi.CLAIM)(begin=0, end=2, label="C"))
    xmi = cas.to_xmi().replace('begin="0" end="3"', 'begin="5" end="3"')  # UTF-16 units
    with pytest.raises(FormatError) as caught:
        uima_xmi.read(_folder_with(tmp_path, xmi.encode()))
    assert str(caught.value) == (
        "in: file doc.xmi: an annotation's start (4) is not before end (2)"
    )


def test_zip_slip_in_an_xmi_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as handle:
        handle.writestr("TypeSystem.xml", uima_xmi.typesystem().to_xml())
        handle.writestr("../../a.xmi", "<x/>")
    with pytest.raises(FormatError, match=re.escape("entry ../../a.xmi: refused")):
        uima_xmi.read(path)


def test_symlinks_leading_out_of_the_folder_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.xmi").write_text("<secret/>")
    out = _export(tmp_path)
    os.symlink(outside / "secret.xmi", out / "zz-link.xmi")
    os.symlink(outside, out / "zz-folder")
    (out / "notes.bin").write_bytes(b"\0" * 100)  # other files are ignored
    documents = uima_xmi.read(out)
    assert [d.file_id for d in documents] == ["7", "9"]


PIECES = ["😀", "𠀋", "e\u0301", "\r\n", " ", "税金", "<b>", "&amp;", "=SUM(A1)", "x", "🇨🇳"]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.lists(st.sampled_from(PIECES), min_size=1, max_size=60).map("".join),
    cuts=st.lists(st.tuples(st.integers(0, 400), st.integers(1, 40)), min_size=1, max_size=8),
)
def test_raw_offsets_are_utf16_for_any_text(
    tmp_path_factory: pytest.TempPathFactory, text: str, cuts: list[tuple[int, int]]
) -> None:
    spans = []
    for n, (at, length) in enumerate(cuts):
        start = at % len(text)
        end = min(len(text), start + length)
        spans.append(SpanOut(n, start, end, "L", "ana", "", text[start:end], WHEN, LATER))
    source = MemorySource("p", [], ["ana"], [DocumentOut(1, "t", "", "", {}, text, spans)])
    out = tmp_path_factory.mktemp("xmi") / "out"
    assert uima_xmi.export(source, out).verified
    root = etree.parse(str(out / "1-t.xmi")).getroot()
    found = sorted(
        (int(c.get("begin")), int(c.get("end"))) for c in root.findall("custom:Claim", XMI_NS)
    )
    assert found == sorted((utf16(text, s.start), utf16(text, s.end)) for s in spans)


def test_a_span_whose_quote_does_not_read_back_fails_the_export(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match=r"read back, the spans of 1 document\(s\) differ"):
        uima_xmi.export(with_wrong_quote(awkward_source()), tmp_path / "x")
    assert list(tmp_path.iterdir()) == []
