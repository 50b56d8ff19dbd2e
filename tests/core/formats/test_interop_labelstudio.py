"""Files written by Label Studio 1.23.2 from Claimdesk's export, read back into Claimdesk.

The fixtures in data/interop/labelstudio/ were made by scripts/interop/labelstudio.py (see the
README there): Claimdesk's export imported into Label Studio and exported by it untouched, and
again after edits in its web editor. Label Studio is not needed to run these tests.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from claimdesk.core.formats.importer import import_annotations
from claimdesk.core.store.project import Project
from tests.core.formats.interop_source import SPANS, TEXTS, Row, build, project_rows

DATA = Path(__file__).parent / "data" / "interop" / "labelstudio"
UNTOUCHED = DATA / "untouched.json"
EDITED = DATA / "edited.json"
SENT = DATA / "claimdesk-export.json"
# What the Label Studio user did in the web editor (README.md): (task, words, label).
ADDED_IN_EDITOR = [(0, "border market", "Claim"), (1, "alliance", "Claim")]
DELETED_IN_EDITOR = (0, "Ana", "Claim", "troop reduction")
LS_ANNOTATOR = "LS editor"  # passed as annotator=, for spans whose file names no one


def _load(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def rows(project: Project) -> list[Row]:
    """Every annotation as a user sees it: document text, who, label, where, words, note."""
    return project_rows(project)


def expected_rows() -> list[Row]:
    """The interop project's 12 spans, from its definition (not from any import)."""
    found = []
    for document, annotator, label, words, note in SPANS:
        start = TEXTS[document].index(words)
        found.append((TEXTS[document], annotator, label, start, start + len(words), words, note))
    return sorted(found)


def names_no_one(annotation: dict[str, Any]) -> bool:
    """True when a Label Studio annotation gives no name for its author: no created_username,
    and completed_by only as a user id (as the JSON export of Label Studio 1.23 writes it)."""
    who = annotation.get("created_username")
    return not (isinstance(who, str) and who.strip()) and type(annotation["completed_by"]) is int


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """The project the fixtures came from, built the same way (same texts, ids, notes)."""
    return build(tmp_path / "p.claimdesk")


# --- the fixtures really are Label Studio's --------------------------------------------------


def test_fixtures_were_written_by_label_studio_from_claimdesks_export() -> None:
    sent, untouched = _load(SENT), _load(UNTOUCHED)
    assert len(sent) == len(untouched) == len(TEXTS)
    for task_in, task_out in zip(sent, untouched, strict=True):
        # Label Studio's own task and annotation fields, ids and user ids.
        assert {"inner_id", "total_annotations", "created_at", "project", "drafts"} <= set(task_out)
        for annotation in task_out["annotations"]:
            assert isinstance(annotation["id"], int)
            assert isinstance(annotation["completed_by"], int)
            assert re.fullmatch(r"[0-9a-f-]{36}", annotation["unique_id"])
            assert annotation["lead_time"] is None  # imported, never opened in the editor
        # It kept every task data field Claimdesk wrote, and every region (ids, notes) as sent.
        assert task_out["data"] == task_in["data"]
        assert [a["result"] for a in task_out["annotations"]] == [
            a["result"] for a in task_in["annotations"]
        ]
    ids = [r["id"] for t in untouched for a in t["annotations"] for r in a["result"]]
    assert sorted(ids) == sorted(f"claimdesk-{n}" for n in range(1, len(SPANS) + 1))
    returned = (DATA / "labeling-config.xml").read_text(encoding="utf-8")
    written = (DATA / "claimdesk-export.labeling-config.xml").read_text(encoding="utf-8")
    assert returned.strip() == written.strip()


def test_edited_file_holds_the_editors_new_regions_on_the_right_characters() -> None:
    untouched, edited = _load(UNTOUCHED), _load(EDITED)
    for task in edited:
        text = task["data"]["text"]
        for annotation in task["annotations"]:
            for region in annotation["result"]:
                value = region["value"]
                assert text[value["start"] : value["end"]] == value["text"]
    new = [
        (n, r["value"]["text"], r["value"]["labels"][0], a)
        for n, task in enumerate(edited)
        for a in task["annotations"]
        for r in a["result"]
        if not r["id"].startswith("claimdesk-")
    ]
    assert [(n, words, label) for n, words, label, _ in new] == ADDED_IN_EDITOR
    for _, _, _, annotation in new:
        # Saved by the web editor (which times the work), by the Label Studio user.
        assert annotation["lead_time"] and annotation["lead_time"] > 0
        assert annotation["updated_by"] == annotation["completed_by"]
    before = {r["id"] for t in untouched for a in t["annotations"] for r in a["result"]}
    after = {r["id"] for t in edited for a in t["annotations"] for r in a["result"]}
    assert before - after == {"claimdesk-4"}  # Ana's "troop reduction"


# --- importing them -----------------------------------------------------------------------------


def test_untouched_export_into_its_own_project_adds_nothing(source: Path) -> None:
    with Project.open(source) as project:
        before = rows(project)
        assert before == expected_rows()
        report = import_annotations(project, "labelstudio", UNTOUCHED, annotator=LS_ANNOTATOR)
        assert report.annotations_added == 0
        assert report.annotations_skipped == len(SPANS)
        assert "already here" in report.summary()
        assert report.annotators_added == []
        assert rows(project) == before  # every annotator and note unchanged


def test_untouched_export_into_a_new_project_restores_spans_annotators_and_notes(
    tmp_path: Path,
) -> None:
    with Project.create(tmp_path / "new.claimdesk") as project:
        report = import_annotations(project, "labelstudio", UNTOUCHED, annotator=LS_ANNOTATOR)
        assert report.annotations_added == len(SPANS)
        assert sorted(a.name for a in project.annotators()) == ["Ana", "Ben"]
        assert rows(project) == expected_rows()
        embargo = [(who, note) for _, who, _, _, _, quote, note in rows(project)
                   if quote == "arms embargo"]  # fmt: skip
        assert sorted(embargo) == [
            ("Ana", "Ana: the embargo 📝 <i>stays</i>"),
            ("Ben", "Ben: same words, his own note"),
        ]


def test_edited_export_into_its_own_project_adds_only_the_new_spans(source: Path) -> None:
    edited = _load(EDITED)
    with Project.open(source) as project:
        before = rows(project)
        report = import_annotations(project, "labelstudio", EDITED, annotator=LS_ANNOTATOR)
        assert report.annotations_added == len(ADDED_IN_EDITOR)
        after = rows(project)
        added = sorted(set(after) - set(before))
        expected = []
        for n, words, label in ADDED_IN_EDITOR:
            text = TEXTS[n]
            annotation = next(
                a for a in edited[n]["annotations"]
                if any(r["value"]["text"] == words for r in a["result"])
            )  # fmt: skip
            # The file names the Label Studio user only by id, so the import's annotator applies.
            assert names_no_one(annotation)
            who = LS_ANNOTATOR
            start = text.index(words)
            expected.append((text, who, label, start, start + len(words), words, ""))
        assert added == sorted(expected)
        assert len(after) == len(set(after)) == len(before) + len(ADDED_IN_EDITOR)  # no doubles
        assert set(before) <= set(after)  # the region deleted in the editor is still here
        n, who, label, words = DELETED_IN_EDITOR
        assert any(r[:3] == (TEXTS[n], who, label) and r[5] == words for r in after)
        assert words in report.summary()  # reported as missing from the file


def test_every_span_of_the_edited_file_lands_on_the_words_selected(tmp_path: Path) -> None:
    with Project.create(tmp_path / "new.claimdesk") as project:
        import_annotations(project, "labelstudio", EDITED, annotator=LS_ANNOTATOR)
        found = rows(project)
    for text, _, _, start, end, quote, _ in found:
        assert text[start:end] == quote
    quotes = {(text, label, quote) for text, _, label, _, _, quote, _ in found}
    for n, words, label in ADDED_IN_EDITOR:
        assert (TEXTS[n], label, words) in quotes
    assert len(found) == len(SPANS) - 1 + len(ADDED_IN_EDITOR)
