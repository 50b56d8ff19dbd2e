"""Offsets an editor counted in UTF-16 code units (Qt, JavaScript, Java) come in on the right text.

QualCoder's coding editor stores Qt cursor positions, doccano's and older Label Studio's browser
editors JavaScript string indices: after each character outside the BMP their offsets run one
ahead of Claimdesk's code points. Where a file states the span's text the import repairs the
offsets and lists them; where it states none (doccano JSONL) ``offsets=`` chooses the unit.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from claimdesk.core.formats.base import FormatError
from claimdesk.core.formats.importer import import_annotations
from claimdesk.core.store.project import Project
from claimdesk.core.text.utf16 import Utf16Reading, on_word_boundaries
from tests.core.cli.test_cli import ok, run
from tests.core.formats.awkward_project import rows

# An emoji, a CJK ideograph outside the BMP, a flag (two astral code points), a combining
# accent (one BMP code point), CRLF-origin text already normalised to \n.
TEXT = "😀 Moscow talks 𠀋 resume.\nCafe\u0301 🇨🇳 arms embargo ends; barter trade grows."
CLAIMS = ["Moscow talks", "resume", "Cafe\u0301", "arms embargo", "barter trade"]


pytestmark = pytest.mark.both_dialects


def utf16(text: str, start: int, end: int) -> tuple[int, int]:
    """What a Qt or JavaScript editor stores for the code point span start–end."""
    return (
        len(text[:start].encode("utf-16-le")) // 2,
        len(text[:end].encode("utf-16-le")) // 2,
    )


def claims_at(text: str) -> list[tuple[int, int]]:
    return [(text.index(c), text.index(c) + len(c)) for c in CLAIMS]


def quotes(project: Project) -> list[str]:
    doc = project.documents()[-1].id
    text = project.document_text(doc)
    return sorted(text[a.start : a.end] for a in project.annotations(doc, None))


def test_utf16_reading_maps_code_units_to_code_points() -> None:
    reading = Utf16Reading("a😀b𠀋c")
    assert reading.differs
    # a=0, 😀=1–2 (two units), b=3, 𠀋=4–5, c=6, end=7
    assert [reading.code_point(u) for u in range(9)] == [0, 1, None, 2, 3, None, 4, 5, None]
    assert reading.span(3, 7) == (2, 5)
    assert reading.span(2, 4) is None  # starts between the two halves of 😀
    plain = Utf16Reading("Cafe\u0301 talks")  # a combining accent is one unit and one point
    assert not plain.differs and plain.span(0, 5) == (0, 5)


def test_word_boundaries() -> None:
    assert on_word_boundaries("arms embargo", 0, 4)
    assert not on_word_boundaries("arms embargo", 1, 4)
    assert not on_word_boundaries("arms embargo", 5, 9)
    assert on_word_boundaries("😀 talks", 2, 7)
    assert not on_word_boundaries("abc", 2, 9)


def _doccano(path: Path, spans: list[tuple[int, int]]) -> Path:
    line = {"text": TEXT, "label": [[s, e, "Claim"] for s, e in spans]}
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def test_doccano_utf16_offsets_with_utf16_and_auto(tmp_path: Path, project: Project) -> None:
    units = [utf16(TEXT, s, e) for s, e in claims_at(TEXT)]
    path = _doccano(tmp_path / "doccano.jsonl", units)
    report = import_annotations(project, "jsonl", path, annotator="Ana", offsets="auto")
    assert quotes(project) == sorted(CLAIMS)
    assert "read as UTF-16 code units: 5 of 5 spans" in report.summary()


def test_doccano_code_point_offsets_stay_code_points_under_auto(
    tmp_path: Path, project: Project
) -> None:
    path = _doccano(tmp_path / "doccano.jsonl", claims_at(TEXT))
    report = import_annotations(project, "jsonl", path, annotator="Ana", offsets="auto")
    assert quotes(project) == sorted(CLAIMS)
    assert "read as code points: 5 of 5 spans" in report.summary()


def test_utf16_offsets_that_split_a_character_are_refused(tmp_path: Path, project: Project) -> None:
    path = _doccano(tmp_path / "doccano.jsonl", [(1, 4)])  # unit 1 is inside 😀
    before = rows(project)
    with pytest.raises(FormatError, match="does not fall between characters"):
        import_annotations(project, "jsonl", path, annotator="Ana", offsets="utf16")
    assert rows(project) == before


def test_brat_utf16_offsets_are_repaired_by_their_text(tmp_path: Path, project: Project) -> None:
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "1-doc.txt").write_text(TEXT, encoding="utf-8", newline="")
    lines = [
        f"T{n}\tClaim {s} {e}\t{TEXT[a:b]}"
        for n, ((a, b), (s, e)) in enumerate(
            zip(claims_at(TEXT), [utf16(TEXT, *c) for c in claims_at(TEXT)], strict=True),
            start=1,
        )
    ]
    (folder / "1-doc.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_annotations(project, "brat", folder, annotator="Ana")
    assert quotes(project) == sorted(CLAIMS)
    assert len(report.repaired) == 5  # every claim comes after the opening emoji
    assert "'barter trade'" in "\n".join(report.repaired)


def test_brat_text_that_no_reading_explains_is_still_refused(
    tmp_path: Path, project: Project
) -> None:
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "1-doc.txt").write_text(TEXT, encoding="utf-8", newline="")
    (folder / "1-doc.ann").write_text("T1\tClaim 2 8\tBeijing\n", encoding="utf-8")
    with pytest.raises(FormatError, match="line 1: T1 says 'Beijing'"):
        import_annotations(project, "brat", folder, annotator="Ana")


def _qualcoder_qdpx(path: Path, text: str, selections: list[tuple[int, int, str]]) -> Path:
    """A REFI-QDA project as QualCoder writes one: each selection named by its text."""
    source, code, user = (
        "11111111-2222-3333-4444-555555555555",
        "AAAAAAAA-2222-3333-4444-555555555555",
        "BBBBBBBB-2222-3333-4444-555555555555",
    )
    xml = "".join(
        f'<PlainTextSelection guid="CCCCCCCC-2222-3333-4444-{n:012d}" startPosition="{s}" '
        f'endPosition="{e}" name="{name}" creatingUser="{user}">'
        f'<Coding guid="DDDDDDDD-2222-3333-4444-{n:012d}" creatingUser="{user}">'
        f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
        for n, (s, e, name) in enumerate(selections)
    )
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p">
  <Users><User guid="{user}" name="Bo"/></Users>
  <CodeBook><Codes><Code guid="{code}" name="Claim" isCodable="true" color="#0aF"/></Codes>
  </CodeBook>
  <Sources><TextSource guid="{source}" name="doc" plainTextPath="internal://{source}.txt">{xml}
  </TextSource></Sources>
</Project>"""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde.encode())
        archive.writestr(f"sources/{source}.txt", text.encode())
    return path


def test_qualcoder_selections_made_after_an_emoji_land_on_their_text(
    tmp_path: Path, project: Project
) -> None:
    selections = [(*utf16(TEXT, s, e), TEXT[s:e]) for s, e in claims_at(TEXT)]
    path = _qualcoder_qdpx(tmp_path / "qualcoder.qdpx", TEXT, selections)
    report = import_annotations(project, "qdpx", path)
    assert quotes(project) == sorted(CLAIMS)
    assert len(report.repaired) == 5
    assert "Offsets repaired (5)" in report.summary()


def test_a_selection_name_that_is_no_quote_changes_nothing(
    tmp_path: Path, project: Project
) -> None:
    """Other tools name selections freely ("Quote 1"): never a reason to move or refuse."""
    spans = [(s, e, f"Quote {n}") for n, (s, e) in enumerate(claims_at(TEXT))]
    path = _qualcoder_qdpx(tmp_path / "named.qdpx", TEXT, spans)
    report = import_annotations(project, "qdpx", path)
    assert quotes(project) == sorted(CLAIMS) and report.repaired == []


def test_cli_import_annotations_offsets(tmp_path: Path) -> None:
    units = [utf16(TEXT, s, e) for s, e in claims_at(TEXT)]
    path = _doccano(tmp_path / "doccano.jsonl", units)
    ok(run("new", "p.claimdesk", cwd=tmp_path))
    out = ok(
        run(
            "import-annotations", "p.claimdesk", path, "--format", "jsonl",
            "--offsets", "utf16", cwd=tmp_path,
        )
    )  # fmt: skip
    assert "5 annotation(s) imported" in out
    assert "read as UTF-16 code units, as asked" in out
    with Project.open(tmp_path / "p.claimdesk") as project:
        assert quotes(project) == sorted(CLAIMS)
