"""A .qdpx written by QualCoder itself, with codings made in its coding editor after emoji.

The fixture (tests/core/formats/data/interop/qualcoder/, made by scripts/interop/qualcoder.py)
holds the first interop text imported into a new QualCoder project, coded by Ana and Ben in
QualCoder's editor (a QTextCursor selection and its quick mark), and exported by QualCoder's
REFI-QDA project export. QualCoder stores the editor's positions, UTF-16 code units: after the
family emoji they run three ahead of Claimdesk's code points, after 🔫 and 𠀋 five. Each
selection states its words in ``name``, so the import moves the spans back onto them.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from claimdesk.core.formats.importer import import_annotations
from claimdesk.core.formats.qdpx import NS as REFI_NS
from claimdesk.core.store.project import Project
from tests.core.formats.interop_source import SPANS, TEXTS, build, project_rows

DATA = Path(__file__).parent / "data" / "interop" / "qualcoder"
QDPX = DATA / "qualcoder.qdpx"
Q = {"q": REFI_NS}
REFI_XSD = Path(__file__).parent / "data" / "refi-qda" / "Project-mrt2019.xsd"
# QualCoder's GUIDs: uuid4 hex in lower case (Claimdesk writes upper-case uuid5).
QUALCODER_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")

# What was selected in QualCoder's editor: (coder, code, words, memo).
MADE_IN_QUALCODER = [
    ("Ana", "Claim", "arms embargo", "Ana: the embargo 📝 <i>stays</i>"),
    ("Ana", "Claim", "barter trade", ""),
    ("Ana", "Claim", "troop reduction", "=1+1 looks like a formula"),
    ("Ben", "Claim", "arms embargo", "Ben: same words, his own note"),
    ("Ben", "Source", "Heihe", ""),
]


def _root() -> etree._Element:
    with zipfile.ZipFile(QDPX) as archive:
        return etree.fromstring(archive.read("project.qde"))


def _codings() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "codings.json").read_text(encoding="utf-8"))
    return data


def _spans(project: Project) -> list[tuple[str, str, str, str]]:
    """(annotator, label, the words the span covers, note) of every span, sorted."""
    return sorted(
        (who, label, words, note) for _, who, label, _, _, words, note in project_rows(project)
    )


def test_the_fixture_was_written_by_qualcoder() -> None:
    root = _root()
    assert root.get("origin", "").startswith("QualCoder ")
    assert root.get("name") == "claimdesk-interop.qda"  # QualCoder names it after its folder
    users = {u.get("name"): u.get("guid") for u in root.iterfind("q:Users/q:User", Q)}
    assert sorted(users) == ["Ana", "Ben"]
    guids = [e.get("guid") for e in root.iter() if e.get("guid")]
    assert guids and all(QUALCODER_GUID.fullmatch(g or "") for g in guids)
    codes = {c.get("name"): c.get("color") for c in root.iterfind(".//q:Code", Q)}
    assert codes == {c["name"]: c["color"] for c in _codings()["code_name"]}
    assert codes["Claim"] != "#4e79a7"  # QualCoder's palette, not Claimdesk's colours
    # Its plain text is written with a byte-order mark (utf-8-sig), the selections name their words.
    source = root.find("q:Sources/q:TextSource", Q)
    assert source is not None and source.get("name") == "families-in-heihe.txt"
    entry = "sources/" + source.get("plainTextPath", "").removeprefix("internal://")
    with zipfile.ZipFile(QDPX) as archive:
        data = archive.read(entry)
    assert data.startswith(b"\xef\xbb\xbf") and data[3:].decode("utf-8") == TEXTS[0]
    selections = source.findall("q:PlainTextSelection", Q)
    by_user = {guid: name for name, guid in users.items()}
    assert [
        (
            by_user[s.get("creatingUser")],
            s.get("name"),
            s.findtext("q:Description", "", Q),
        )
        for s in selections
    ] == [(who, words, memo) for who, _, words, memo in MADE_IN_QUALCODER]
    assert etree.XMLSchema(etree.parse(str(REFI_XSD))).validate(root)


def test_qualcoder_stored_the_editors_utf16_positions() -> None:
    """The positions in the .qdpx are those QualCoder's editor gave its selections."""
    text = TEXTS[0]
    units = text.encode("utf-16-le")
    source = _root().find("q:Sources/q:TextSource", Q)
    assert source is not None
    selections = source.findall("q:PlainTextSelection", Q)
    codings = _codings()
    stored = [(c["pos0"], c["pos1"], c["seltext"]) for c in codings["code_text"]]
    cursors = [(*s["cursor"], s["selected_text"]) for s in codings["editor_selections"]]
    positions = [
        (int(s.get("startPosition", "")), int(s.get("endPosition", "")), s.get("name"))
        for s in selections
    ]
    assert positions == stored == cursors
    for start, end, words in positions:
        assert units[2 * start : 2 * end].decode("utf-16-le") == words
        assert text[start:end] != words  # read as code points, they miss the words
    arms = text.index("arms embargo")
    assert positions[0][:2] == (arms + 3, arms + 3 + len("arms embargo"))


def test_import_into_a_new_project_puts_every_span_on_its_words(tmp_path: Path) -> None:
    with Project.create(tmp_path / "new.claimdesk") as project:
        report = import_annotations(project, "qdpx", QDPX)
        assert _spans(project) == sorted(MADE_IN_QUALCODER)
        assert [d.title for d in project.documents()] == ["families-in-heihe.txt"]
        assert project.document_text(project.documents()[0].id) == TEXTS[0]
        colours = {label.name: label.colour.lower() for label in project.labels()}
        assert colours == {c["name"]: c["color"].lower() for c in _codings()["code_name"]}
    assert report.annotations_added == len(MADE_IN_QUALCODER)
    assert len(report.repaired) == len(MADE_IN_QUALCODER)
    assert "'arms embargo' at 81–93 (UTF-16) → 78–90" in "\n".join(report.repaired)
    assert "'troop reduction'" in "\n".join(report.repaired)
    assert f"Offsets repaired ({len(MADE_IN_QUALCODER)})" in report.summary()
    assert "ms embargo" not in report.summary().replace("arms embargo", "")


def test_import_into_the_project_it_came_from_adds_only_the_new_spans(tmp_path: Path) -> None:
    with Project.open(build(tmp_path / "interop.claimdesk")) as project:
        before = _spans(project)
        labels = [(label.name, label.colour) for label in project.labels()]
        report = import_annotations(project, "qdpx", QDPX)
        after = _spans(project)
        # Ana's and Ben's "arms embargo" and Ana's "troop reduction" (same words, same notes)
        # were already there; "barter trade" (Ana marked "barter trade grew 40%") and Ben's
        # "Heihe" are new, on their words.
        assert sorted(set(after) - set(before)) == [
            ("Ana", "Claim", "barter trade", ""),
            ("Ben", "Source", "Heihe", ""),
        ]
        assert len(after) == len(SPANS) + 2
        assert len(project.documents()) == len(TEXTS)  # matched by its text, not added
        assert [(label.name, label.colour) for label in project.labels()] == labels
    assert report.annotations_added == 2
    assert len(report.repaired) == len(MADE_IN_QUALCODER)


@pytest.mark.parametrize("words", ["arms embargo", "barter trade", "troop reduction", "Heihe"])
def test_every_selection_after_an_emoji_is_repaired_by_name(tmp_path: Path, words: str) -> None:
    with Project.create(tmp_path / "new.claimdesk") as project:
        report = import_annotations(project, "qdpx", QDPX)
        quotes = [quote for _, _, quote, _ in _spans(project)]
    assert words in quotes
    assert any(f"'{words}'" in line for line in report.repaired)


# -- roundtrip.qdpx: Claimdesk's export imported by QualCoder, coded there, exported ----------

ROUNDTRIP = DATA / "roundtrip.qdpx"
# Codings made in QualCoder's editor after its import of Claimdesk's export.
ADDED_IN_QUALCODER = [
    ("Ana", "Claim", "barter trade", "added in QualCoder, after the 🔫"),
    ("Ben", "Source", "Heihe", ""),
]


def _roundtrip_root() -> etree._Element:
    with zipfile.ZipFile(ROUNDTRIP) as archive:
        return etree.fromstring(archive.read("project.qde"))


def _interop_spans() -> list[tuple[str, str, str, str]]:
    return sorted((who, label, words, note) for _, who, label, words, note in SPANS)


def test_the_roundtrip_fixture_went_through_qualcoder() -> None:
    root = _roundtrip_root()
    assert root.get("origin", "").startswith("QualCoder ")
    guids = [e.get("guid") for e in root.iter() if e.get("guid")]
    assert guids and all(QUALCODER_GUID.fullmatch(g or "") for g in guids)
    # QualCoder owns the sources by a "default" user and moves colours onto its palette.
    users = {u.get("guid"): u.get("name") for u in root.iterfind("q:Users/q:User", Q)}
    assert sorted(users.values()) == ["Ana", "Ben", "default"]
    codes = {c.get("name"): c.get("color") for c in root.iterfind(".//q:Code", Q)}
    roundtrip = json.loads((DATA / "roundtrip.json").read_text(encoding="utf-8"))
    assert codes == {c["name"]: c["color"] for c in roundtrip["code_name"]}
    assert codes["Claim"] != "#4e79a7"
    # One source, two units: the selections QualCoder imported keep Claimdesk's code points,
    # those made in its editor count UTF-16 units; each is named by its words.
    source = next(
        s for s in root.iterfind("q:Sources/q:TextSource", Q) if "Heihe" in s.get("name", "")
    )
    text = TEXTS[0]
    units = text.encode("utf-16-le")
    made_here = {(who, words) for who, _, words, _ in ADDED_IN_QUALCODER}
    for selection in source.iterfind("q:PlainTextSelection", Q):
        start, end = int(selection.get("startPosition", "")), int(selection.get("endPosition", ""))
        key = (users[selection.get("creatingUser")], selection.get("name"))
        if key in made_here:
            assert units[2 * start : 2 * end].decode("utf-16-le") == key[1] != text[start:end]
        else:
            assert text[start:end] == key[1]
    # Its editor counts UTF-16 units, and so highlights Claimdesk's spans off after an emoji.
    shown = {
        (h["coder"], h["seltext"]): h["editor_highlights"] for h in roundtrip["editor_highlights"]
    }
    assert shown[("Ana", "arms embargo")] == "he arms emba"
    assert shown[("Ana", "barter trade")] == "barter trade"  # made in the editor
    assert shown[("Ana", "a Soviet official")] == "a Soviet official"  # no emoji before it


def test_roundtrip_into_the_project_it_came_from_adds_only_the_codings_made_in_qualcoder(
    tmp_path: Path,
) -> None:
    with Project.open(build(tmp_path / "interop.claimdesk")) as project:
        labels = [(label.name, label.colour) for label in project.labels()]
        report = import_annotations(project, "qdpx", ROUNDTRIP)
        assert _spans(project) == sorted(_interop_spans() + ADDED_IN_QUALCODER)
        assert [(label.name, label.colour) for label in project.labels()] == labels
        assert len(project.documents()) == len(TEXTS)
    assert report.annotations_added == len(ADDED_IN_QUALCODER)
    repaired = "\n".join(report.repaired)
    assert len(report.repaired) == len(ADDED_IN_QUALCODER)
    assert "'barter trade' at 109–121 (UTF-16) → 105–117" in repaired
    assert "'Heihe' at 21–26 (UTF-16) → 18–23" in repaired


def test_roundtrip_into_a_new_project_restores_every_span_annotator_and_note(
    tmp_path: Path,
) -> None:
    with Project.create(tmp_path / "new.claimdesk") as project:
        report = import_annotations(project, "qdpx", ROUNDTRIP)
        assert _spans(project) == sorted(_interop_spans() + ADDED_IN_QUALCODER)
        texts = sorted(project.document_text(d.id) for d in project.documents())
        assert texts == sorted(TEXTS)
        assert "default" not in {a.name for a in project.annotators()}
    assert report.annotations_added == len(SPANS) + len(ADDED_IN_QUALCODER)
    assert len(report.repaired) == len(ADDED_IN_QUALCODER)
