"""REFI-QDA (.qdpx): valid under the REFI-QDA XSD, read back exactly, hostile files refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from claimdesk.core.errors import Cancelled
from claimdesk.core.formats import qdpx
from claimdesk.core.formats.base import FormatError
from claimdesk.core.formats.importer import import_annotations
from claimdesk.core.store.project import Project
from tests.core.formats.exchange_samples import (
    TEXT_1,
    awkward_source,
    expected_spans,
    with_wrong_quote,
)

DATA = Path(__file__).parent / "data" / "refi-qda"
NS = {"q": "urn:QDA-XML:project:1.0"}


@pytest.fixture(scope="module")
def reference_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(DATA / "Project-mrt2019.xsd")))


def _project(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("project.qde"))


def test_export_is_valid_under_the_reference_xsd(
    tmp_path: Path, reference_schema: etree.XMLSchema
) -> None:
    out = tmp_path / "claims.qdpx"
    report = qdpx.export(awkward_source(), out)
    assert (report.documents, report.spans, report.verified) == (2, 6, True)
    assert [item.split(":")[0] for item in report.lost] == ["dates and metadata of 1 document(s)"]
    root = _project(out)
    assert reference_schema.validate(root), reference_schema.error_log
    assert root.get("name") == "Claims & <co>"
    users = sorted(u.get("name") for u in root.iterfind("q:Users/q:User", NS))
    assert users == ["Bo Ødegård", "ana"]
    # The codebook keeps its hierarchy, colours and descriptions.
    top = root.find("q:CodeBook/q:Codes/q:Code[@name='Factual claim']", NS)
    assert top is not None and top.get("color") == "#E6194B"
    assert top.findtext("q:Description", namespaces=NS) == "A checkable statement"
    child = top.find("q:Code", NS)
    assert child is not None and child.get("name") == "主张 (opinion)"


def test_positions_are_code_points_and_sources_are_utf8_without_bom(tmp_path: Path) -> None:
    out = tmp_path / "claims.qdpx"
    qdpx.export(awkward_source(), out)
    root = _project(out)
    source = root.find("q:Sources/q:TextSource[@name='Prices <i>rise</i> 😀']", NS)
    assert source is not None
    entry = "sources/" + source.get("plainTextPath", "").removeprefix("internal://")
    with zipfile.ZipFile(out) as archive:
        raw = archive.read(entry)
    assert raw == TEXT_1.encode("utf-8")  # no BOM, CRLF kept as given
    first = source.find("q:PlainTextSelection", NS)
    assert first is not None
    # "😀𠀋" is two code points (four UTF-16 code units).
    assert (first.get("startPosition"), first.get("endPosition")) == ("0", "2")
    assert first.findtext("q:Description", namespaces=NS) == "emoji + 𠀋\r\nsecond line"
    coding = first.find("q:Coding", NS)
    assert coding is not None and coding.get("creatingUser")


def test_round_trip_gives_the_same_documents_labels_and_spans(tmp_path: Path) -> None:
    source = awkward_source()
    out = tmp_path / "claims.qdpx"
    qdpx.export(source, out)
    documents = qdpx.read(out)
    assert [d.title for d in documents] == ["Prices <i>rise</i> 😀", "Second"]
    assert [d.text for d in documents] == [doc.text for doc in source.docs]
    found = {
        d.title: {
            (s.start, s.end, s.label, s.annotator, s.note, d.text[s.start : s.end]) for s in d.spans
        }
        for d in documents
    }
    assert found == expected_spans(source)
    assert documents[0].labels == {
        "Factual claim": "#E6194B",
        "主张 (opinion)": "#3cb44b",
        "<b>x</b>&amp;": "#4363D8",
    }
    assert documents[0].source == "https://news.example/a?x=1&y=2"


def test_guids_are_stable_between_exports(tmp_path: Path) -> None:
    qdpx.export(awkward_source(), tmp_path / "a.qdpx")
    qdpx.export(awkward_source(), tmp_path / "b.qdpx")

    def guids(path: Path) -> list[str]:
        return [e.get("guid") for e in _project(path).iter() if e.get("guid")]

    assert guids(tmp_path / "a.qdpx") == guids(tmp_path / "b.qdpx")


def test_characters_xml_cannot_hold_are_reported(tmp_path: Path) -> None:
    source = awkward_source()
    doc = source.docs[0]
    span = doc.spans[0]
    doc.spans[0] = span._replace(note="bell\x07")
    report = qdpx.export(source, tmp_path / "c.qdpx")
    assert report.verified
    assert any("span 1" in item and "note" in item for item in report.lost)


def test_cancel_leaves_nothing_behind(tmp_path: Path) -> None:
    out = tmp_path / "claims.qdpx"
    with pytest.raises(Cancelled):
        qdpx.export(awkward_source(), out, progress=lambda done, total: done < 1)
    assert list(tmp_path.iterdir()) == []


def test_real_atlas_ti_exports_import(tmp_path: Path) -> None:
    blank = qdpx.read_project(DATA / "blank-atlas-project.qdpx")
    assert blank.name == "blank-atlas-project"
    assert len(blank.users) == 2 and "ATLAS.ti" in blank.users
    assert (blank.documents, blank.codes) == ([], {})
    target = qdpx.read_project(DATA / "target-atlas-project.qdpx")
    assert set(target.codes) == {
        "Commits",
        "2022-05-10T02:05:59Z 19e4dce",
        "2022-02-11T10:39:25Z cdbfd92",
    }
    # They hold no text sources: nothing to create as documents.
    assert qdpx.read(DATA / "target-atlas-project.qdpx") == []


def test_atlas_ti_exports_are_valid_under_the_reference_xsd(
    reference_schema: etree.XMLSchema,
) -> None:
    for name in ("blank-atlas-project.qdpx", "target-atlas-project.qdpx"):
        assert reference_schema.validate(_project(DATA / name)), name


# -- hostile and broken files ----------------------------------------------------------------

GUID = "11111111-2222-3333-4444-555555555555"
CODE = "AAAAAAAA-2222-3333-4444-555555555555"


def _qde(selection: str = "", path: str = f"internal://{GUID}.txt", extra: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>{extra}
<Project xmlns="urn:QDA-XML:project:1.0" name="p">
  <CodeBook><Codes><Code guid="{CODE}" name="C" isCodable="true" color="#0aF"/></Codes></CodeBook>
  <Sources><TextSource guid="{GUID}" name="doc" plainTextPath="{path}">{selection}</TextSource>
  </Sources>
</Project>""".encode()


def _selection(start: int, end: int, code: str = CODE) -> str:
    return (
        f'<PlainTextSelection guid="{GUID[:-1]}6" startPosition="{start}" endPosition="{end}">'
        f'<Coding guid="{GUID[:-1]}7"><CodeRef targetGUID="{code}"/></Coding>'
        "</PlainTextSelection>"
    )


def _write(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def test_a_hand_made_project_reads_with_code_point_positions(tmp_path: Path) -> None:
    text = "😀𠀋 abc"
    path = _write(
        tmp_path / "ok.qdpx",
        {"project.qde": _qde(_selection(3, 6)), f"sources/{GUID}.txt": text.encode()},
    )
    (doc,) = qdpx.read(path)
    (span,) = doc.spans
    assert (span.label, doc.text[span.start : span.end]) == ("C", "abc")
    assert doc.labels == {"C": "#00aaFF"}  # the schema's short #RGB form, widened


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        (
            {"project.qde": _qde(), "../escape.txt": b"x"},
            "entry ../escape.txt: refused: its path climbs out of the archive",
        ),
        (
            {"project.qde": _qde(extra='<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>')},
            "entry project.qde: XML with external entities is not accepted",
        ),
        ({"other.xml": b"<r/>"}, "not a REFI-QDA project: the archive has no project.qde"),
        (
            {"project.qde": _qde(_selection(0, 99)), f"sources/{GUID}.txt": b"short"},
            "positions 0-99 fall outside the text (5 characters)",
        ),
        (
            {"project.qde": _qde(_selection(0, 2, code=GUID)), f"sources/{GUID}.txt": b"short"},
            "a Coding refers to an unknown code",
        ),
        (
            {"project.qde": _qde(), f"sources/{GUID}.txt": b"\xff\xfe\x00bad"},
            f"entry sources/{GUID}.txt: is not UTF-8 text",
        ),
        (
            {"project.qde": _qde(path="absolute:///etc/passwd")},
            "its text is outside the archive (absolute:///etc/passwd)",
        ),
        ({"project.qde": _qde()}, f"the archive has no entry sources/{GUID}.txt"),
        ({"project.qde": b"<Project"}, "entry project.qde: malformed XML"),
    ],
)
def test_hostile_or_broken_projects_are_refused_with_a_reason(
    tmp_path: Path, entries: dict[str, bytes], message: str
) -> None:
    path = _write(tmp_path / "bad.qdpx", entries)
    with pytest.raises(FormatError) as caught:
        qdpx.read(path)
    assert str(caught.value).startswith("bad.qdpx: ")
    assert message in str(caught.value)


def test_a_span_whose_quote_does_not_read_back_fails_the_export(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match=r"read back, the spans of 1 document\(s\) differ"):
        qdpx.export(with_wrong_quote(awkward_source()), tmp_path / "x.qdpx")
    assert list(tmp_path.iterdir()) == []


def test_a_byte_order_mark_is_not_counted_and_inline_text_is_read(tmp_path: Path) -> None:
    bom = _write(
        tmp_path / "bom.qdpx",
        {"project.qde": _qde(_selection(3, 6)), f"sources/{GUID}.txt": "\ufeff😀𠀋 abc".encode()},
    )
    (doc,) = qdpx.read(bom)
    assert doc.text == "😀𠀋 abc"
    assert doc.text[doc.spans[0].start : doc.spans[0].end] == "abc"
    inline = _qde(_selection(0, 2)).replace(
        f' plainTextPath="internal://{GUID}.txt">'.encode(),
        b"><PlainTextContent>x&lt;y z</PlainTextContent>",
    )
    (doc,) = qdpx.read(_write(tmp_path / "inline.qdpx", {"project.qde": inline}))
    assert (doc.text, doc.text[doc.spans[0].start : doc.spans[0].end]) == ("x<y z", "x<")


def test_a_codebook_only_atlas_ti_project_brings_its_codes_as_labels(project: Project) -> None:
    before = {label.name for label in project.labels()}
    path = DATA / "target-atlas-project.qdpx"
    report = import_annotations(project, "qdpx", path)
    added = {label.name for label in project.labels()} - before
    assert added == {"Commits", "2022-05-10T02:05:59Z 19e4dce", "2022-02-11T10:39:25Z cdbfd92"}
    assert sorted(report.labels_added) == sorted(added)
    assert report.documents_added == 0 and report.annotations_added == 0
    # Importing it again adds nothing; undo takes the labels away again.
    assert import_annotations(project, "qdpx", path).labels_added == []
    project.undo()
    assert {label.name for label in project.labels()} == before


def test_a_codebook_only_project_with_strict_names_the_unknown_code(project: Project) -> None:
    with pytest.raises(FormatError, match="not in the codebook"):
        import_annotations(project, "qdpx", DATA / "target-atlas-project.qdpx", strict=True)


def test_sources_that_are_not_text_are_reported(project: Project, tmp_path: Path) -> None:
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p">
  <CodeBook><Codes><Code guid="{CODE}" name="C" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <PDFSource guid="{GUID[:-1]}1" name="scan.pdf" path="internal://scan.pdf"/>
    <!-- a comment among the sources -->
    <TextSource guid="{GUID}" name="doc" plainTextPath="internal://{GUID}.txt">
      {_selection(3, 6)}</TextSource>
    <PictureSource guid="{GUID[:-1]}2" name="a.png" path="internal://a.png"/>
    <PictureSource guid="{GUID[:-1]}3" name="b.png" path="internal://b.png"/>
  </Sources>
</Project>""".encode()
    path = _write(
        tmp_path / "mixed.qdpx", {"project.qde": qde, f"sources/{GUID}.txt": "😀𠀋 abc".encode()}
    )
    report = import_annotations(project, "qdpx", path)
    assert report.annotations_added == 1
    assert report.not_imported == [
        "1 PDFSource(s) and their codings (Claimdesk imports text sources)",
        "2 PictureSource(s) and their codings (Claimdesk imports text sources)",
    ]
