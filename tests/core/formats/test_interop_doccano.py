"""Claimdesk's JSONL export sent through doccano 1.8.4 and back: files written by doccano itself.

The fixtures in data/interop/doccano/ were made by scripts/interop/doccano.py (see the README
there): the interop project's JSONL export imported into doccano and exported again, untouched
(with doccano's default "no overlapping spans" and with overlaps allowed), and after spans were
added and deleted in doccano's web editor. doccano's editor stores JavaScript string indices
(UTF-16 code units), while its file import keeps the file's code points, so the edited file holds
both units. doccano is not needed to run these tests.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from claimdesk.core.formats.importer import import_annotations
from claimdesk.core.store.project import Project
from tests.core.formats.interop_source import SPANS, TEXTS, build, project_rows, span_at

DATA = Path(__file__).parent / "data" / "interop" / "doccano"
DEFAULT = DATA / "default-untouched.jsonl"
OVERLAP = DATA / "overlap-untouched.jsonl"
EDITED = DATA / "overlap-edited.jsonl"

# What was done in doccano's web editor: scripts/interop/doccano.py, ADD and DELETE.
ADDED = [
    (0, "Ben", "Source", "Heihe"),
    (1, "Ben", "Claim", "alliance"),
    (0, "Ana", "Evidence", "200,000 men"),
]
DELETED = [(0, "Ana", "Claim", "troop reduction"), (1, "Ben", "Claim", "normalisation")]
DOCCANO_USER = "doccano admin"

Span = tuple[int, str, str, str, str]  # document index, annotator, label, quote, note


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def utf16(text: str, start: int, end: int) -> list[int]:
    return [len(text[:i].encode("utf-16-le")) // 2 for i in (start, end)]


def spans_of(project: Project) -> list[Span]:
    """Every span of the project as a user sees it: which text, who, which label, which words."""
    return sorted(
        (TEXTS.index(text), who, label, words, note)
        for text, who, label, _, _, words, note in project_rows(project)
    )


def source_spans() -> list[Span]:
    return sorted((d, who, label, words, note) for d, who, label, words, note in SPANS)


def note_of(spans: list[Span], document: int, who: str, label: str, words: str) -> list[str]:
    return [s[4] for s in spans if s[:4] == (document, who, label, words)]


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Project]:
    with Project.open(build(tmp_path / "p.claimdesk")) as project:
        yield project


# --- the files are doccano's --------------------------------------------------------------------


@pytest.mark.parametrize("path", [DEFAULT, OVERLAP, EDITED], ids=lambda p: p.stem)
def test_fixture_lines_have_doccanos_shape(path: Path) -> None:
    raw = path.read_bytes()
    # pandas' to_json, which doccano writes with: compact separators, "/" escaped as "\/".
    assert b'{"id":1,"text":"' in raw and b"\\/" in raw and raw.endswith(b'"Comments":[]}\n')
    for line in lines(path):
        keys = list(line)
        # doccano puts its id and the text first, then every other field of the file (kept
        # as the example's metadata), then its own label and Comments columns.
        assert keys[:2] == ["id", "text"] and keys[-2:] == ["label", "Comments"]
        assert set(keys[2:-2]) == {"title", "source", "date", "meta", "annotator", "spans"}
        assert line["Comments"] == []
        # doccano writes its spans sorted by offsets.
        assert line["label"] == sorted(line["label"])
    # The "id" is Claimdesk's document id (copied in the metadata, it overwrote doccano's own
    # example id): the lines of Ana and Ben on the first text both say 1.
    assert [(line["id"], line["annotator"]) for line in lines(path)] == [
        (1, "Ana"),
        (1, "Ben"),
        (2, "Ana"),
        (2, "Ben"),
        (3, "Ana"),
    ]


def test_default_project_dropped_bens_overlapping_span_and_kept_the_stale_spans_list() -> None:
    ben = lines(DEFAULT)[1]
    arms = list(span_at(0, "arms embargo"))
    longer = list(span_at(0, "the arms embargo would stay"))
    assert [longer[0], longer[1], "Claim"] in ben["label"]
    assert [arms[0], arms[1], "Claim"] not in ben["label"]
    assert len(ben["label"]) == 2 and len(ben["spans"]) == 3
    overlap = lines(OVERLAP)[1]
    assert [arms[0], arms[1], "Claim"] in overlap["label"]


def test_spans_made_in_doccanos_editor_count_utf16_units() -> None:
    edited = lines(EDITED)
    for document, who, label, words in ADDED:
        line = next(x for x in edited if x["annotator"] == who and x["id"] == document + 1)
        text = TEXTS[document]
        units = utf16(text, *span_at(document, words))
        assert [*units, label] in line["label"]
        points = list(span_at(document, words))
        assert units != points  # each follows a character outside the BMP
    untouched = {(x["id"], x["annotator"]): x["label"] for x in lines(OVERLAP)}
    # The spans that came from the file keep the file's code points, beside them.
    ana = next(x for x in edited if x["annotator"] == "Ana" and x["id"] == 1)
    assert [*span_at(0, "arms embargo"), "Claim"] in ana["label"]
    assert untouched[(1, "Ana")] != ana["label"]
    # Claimdesk's own per-span entries come back exactly as they went in: after the edits they
    # still list the deleted "troop reduction" and know nothing of the new spans.
    troop = [*span_at(0, "troop reduction"), "Claim"]
    assert troop not in ana["label"]
    entry = next(e for e in ana["spans"] if e["id"] == 4)
    assert (entry["start"], entry["end"], entry["label"]) == tuple(troop)
    assert [x["spans"] for x in edited] == [x["spans"] for x in lines(OVERLAP)]


# --- importing them -----------------------------------------------------------------------------


def test_untouched_export_into_its_project_adds_nothing(source: Project) -> None:
    before = spans_of(source)
    report = import_annotations(source, "jsonl", OVERLAP, annotator=DOCCANO_USER)
    assert report.annotations_added == 0 and report.annotators_added == []
    assert spans_of(source) == before == source_spans()


def test_untouched_export_into_a_new_project_gives_the_same_spans(tmp_path: Path) -> None:
    with Project.create(tmp_path / "new.claimdesk") as project:
        import_annotations(project, "jsonl", OVERLAP, annotator=DOCCANO_USER)
        assert spans_of(project) == source_spans()
        assert sorted(a.name for a in project.annotators()) == ["Ana", "Ben"]


def test_edited_export_keeps_notes_on_their_spans_and_credits_new_spans(source: Project) -> None:
    report = import_annotations(source, "jsonl", EDITED, annotator=DOCCANO_USER, offsets="auto")
    after = spans_of(source)
    # Every note stays on its own span.
    assert note_of(after, 0, "Ana", "Claim", "arms embargo") == ["Ana: the embargo 📝 <i>stays</i>"]
    assert note_of(after, 0, "Ben", "Claim", "arms embargo") == ["Ben: same words, his own note"]
    for span in source_spans():
        assert span in after
    # Spans made in doccano are the import's annotator's, on the words selected there.
    new = [s for s in after if s not in source_spans()]
    assert new == sorted((d, DOCCANO_USER, label, words, "") for d, _who, label, words in ADDED)
    assert report.annotations_added == len(ADDED)
    summary = report.summary()
    assert "UTF-16" in summary
    # Spans deleted in doccano are reported as missing from the file; the project keeps them.
    assert len(report.missing) == len(DELETED)
    for (_document, who, _label, words), item in zip(DELETED, report.missing, strict=True):
        assert words in item and who in item
        assert f"- {item}" in summary


def test_default_project_export_explains_the_lost_overlapping_span(source: Project) -> None:
    before = spans_of(source)
    report = import_annotations(source, "jsonl", DEFAULT, annotator=DOCCANO_USER)
    assert spans_of(source) == before
    assert report.annotations_added == 0
    # Ben's "arms embargo" is reported as missing from the file, with doccano's setting.
    assert len(report.missing) == 1
    assert "'arms embargo' (Claim, 78–90) by 'Ben'" in report.missing[0]
    assert "Allow overlapping spans" in report.missing[0]
    assert f"- {report.missing[0]}" in report.summary()


def test_edited_export_read_as_code_points_says_how_to_read_it(source: Project) -> None:
    """doccano put "200,000 men" past the end in code points: the refusal says what to do."""
    from claimdesk.core.formats.base import FormatError

    with pytest.raises(FormatError, match=r"lies outside the text .*--offsets auto"):
        import_annotations(source, "jsonl", EDITED, annotator=DOCCANO_USER)
    assert spans_of(source) == source_spans()
