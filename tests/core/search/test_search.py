"""Search a project: exact code-point offsets on awkward text, the index narrowing, regexes."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimdesk.core.importing import import_paths
from claimdesk.core.search import matching
from claimdesk.core.search.concordance import Query, SearchError, search
from claimdesk.core.store.project import Project

pytestmark = pytest.mark.both_dialects

# Written to files and imported, so import's own normalisation applies: CRLF line ends become
# "\n", "cafe" + COMBINING ACUTE becomes the one character "é" (NFC).
AWKWARD = (
    "Flag 🇨🇳 then troops; rare 𠀀 CJK then troops.\r\n"
    "Decomposed cafe\u0301 and composed café; a cafe.\r\n"
    "The troop\r\nreduction began; q\u0301 has no composed form.\r\n"
)
OTHER = "Nothing about armies here. Just talks in Moscow.\n"


def _import(project: Project, folder: Path, texts: dict[str, str]) -> list[int]:
    paths = []
    for name, text in texts.items():
        path = folder / name
        path.write_bytes(text.encode("utf-8"))
        paths.append(path)
    report, problems = import_paths(project, paths)
    assert not problems
    return [doc_id for doc_id, _ in report.added]


@pytest.fixture
def awkward(project: Project, tmp_path: Path) -> tuple[Project, int, str]:
    ids = _import(project, tmp_path, {"awkward.txt": AWKWARD, "other.txt": OTHER})
    document_id = ids[0]
    return project, document_id, project.document_text(document_id)


def test_offsets_are_code_points_after_emoji_and_cjk(awkward) -> None:
    project, document_id, text = awkward
    hits = search(project, Query("troops")).hits
    assert [(h.document_id, h.start, h.end) for h in hits] == [
        (document_id, text.index("troops"), text.index("troops") + 6),
        (document_id, text.index("troops", 20), text.index("troops", 20) + 6),
    ]
    for hit in hits:
        assert text[hit.start : hit.end] == hit.match == "troops"
        # Context is shown on one line: line breaks read as spaces.
        assert text[: hit.start].replace("\n", " ").endswith(hit.left)
        assert text[hit.end :].replace("\n", " ").startswith(hit.right)
    assert "𠀀" in hits[1].left and "🇨🇳" in hits[0].left


def test_accents_count_and_a_hit_never_cuts_a_character(awkward) -> None:
    project, _, text = awkward
    # Both spellings of café were stored composed; the query is composed too.
    cafe_hits = search(project, Query("cafe\u0301")).hits
    assert [h.match for h in cafe_hits] == ["café", "café"]
    # "cafe" is another word: it finds the plain "cafe" only, never the start of "café".
    assert [h.start for h in search(project, Query("cafe")).hits] == [text.index("a cafe.") + 2]
    # "q" followed by a combining mark is one character to a reader: not a hit for "q".
    assert search(project, Query("q", whole_word=True, case_sensitive=True)).hits == []
    assert search(project, Query("q", case_sensitive=True)).hits == []


def test_phrase_matches_across_a_line_break_from_crlf_text(awkward) -> None:
    project, _, text = awkward
    assert "\r" not in text
    (hit,) = search(project, Query("troop reduction")).hits
    assert hit.match == "troop\nreduction"
    assert text[hit.start : hit.end] == "troop\nreduction"


def test_case_and_whole_word(awkward) -> None:
    project, _, _ = awkward
    assert len(search(project, Query("TROOPS")).hits) == 2
    assert search(project, Query("TROOPS", case_sensitive=True)).hits == []
    assert len(search(project, Query("troop")).hits) == 3
    assert len(search(project, Query("troop", whole_word=True)).hits) == 1


def test_regex_offsets_and_labels_already_there(awkward) -> None:
    project, document_id, text = awkward
    annotator = project.ensure_annotator("Ana")
    label = project.labels()[0]
    start = text.index("troop\nreduction")
    project.add_annotation(document_id, label.id, annotator.id, start, start + 5)
    hits = search(project, Query(r"\btroops?\b", is_regex=True)).hits
    assert [h.match for h in hits] == ["troops", "troops", "troop"]
    assert hits[2].labels == (f"{label.name} (Ana)",)
    assert hits[0].labels == ()


def test_the_index_narrows_to_documents_that_can_hold_a_hit(awkward) -> None:
    project, _, _ = awkward
    result = search(project, Query("Moscow"))
    assert len(result.hits) == 1
    assert result.documents_read == 1


def test_a_bad_regex_is_a_sentence(awkward) -> None:
    project, _, _ = awkward
    with pytest.raises(SearchError, match="cannot be read: missing \\)"):
        search(project, Query("(troops", is_regex=True))
    with pytest.raises(SearchError, match="Type something"):
        search(project, Query("   "))


@pytest.mark.file_only
def test_a_runaway_regex_is_stopped_with_a_sentence(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _import(project, tmp_path, {"long.txt": "x" * 3000 + " y\n"})
    monkeypatch.setattr(matching, "MATCH_TIMEOUT", 0.05)
    with pytest.raises(SearchError, match="takes too long"):
        search(project, Query(r"(x+x+)+y", is_regex=True))
