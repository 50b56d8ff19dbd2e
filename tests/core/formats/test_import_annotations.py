"""Importing annotations: one undoable edit, matched by exact text, nothing twice or partly."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from claimdesk.core.cli.main import main
from claimdesk.core.errors import Cancelled
from claimdesk.core.formats.base import FormatError
from claimdesk.core.formats.export import export_dataset
from claimdesk.core.formats.importer import import_annotations
from claimdesk.core.store.edits import AddDocuments
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import sha256_text
from tests.core.formats.awkward_project import TEXT_1, build, rows, spans

pytestmark = pytest.mark.both_dialects


def _write(path: Path, *lines: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    return path


def test_export_import_reimport_and_undo(tmp_path: Path, new_project_target: Path | str) -> None:
    with Project.create(tmp_path / "a.claimdesk") as source:
        build(source)
        export_dataset(source, "jsonl", tmp_path / "out.jsonl")
        expected = spans(source)
    with Project.create(new_project_target) as target:
        report = import_annotations(target, "jsonl", tmp_path / "out.jsonl")
        assert spans(target) == expected
        assert (report.documents_added, report.annotations_added) == (2, 8)
        assert report.annotators_added == ["Ana", "Bo"]
        assert report.changes.documents and report.changes.labels
        assert len(report.changes.annotations_added) == 8

        after_first = rows(target)
        again = import_annotations(target, "jsonl", tmp_path / "out.jsonl")
        assert (again.annotations_added, again.annotations_skipped) == (0, 8)
        assert again.documents_matched == 2
        assert rows(target) == after_first

        assert target.history.undo_text == "Import 8 annotation(s)"
        target.undo()
        assert (target.documents(), target.labels(), target.annotators()) == ([], [], [])
        target.redo()
        assert spans(target) == expected
        assert rows(target) == after_first  # redo brings back the very same ids


def test_matches_existing_documents_by_exact_text_only(project: Project, tmp_path: Path) -> None:
    text = "Moscow talks.\nBeijing summit."
    command = AddDocuments([{"title": "Here", "source": "", "date": "", "meta": {},
                             "text": text, "sha256": sha256_text(text)}])  # fmt: skip
    project.apply(command)
    path = _write(
        tmp_path / "in.jsonl",
        {"text": text, "label": [[0, 6, "Military"]]},
        # Same words with CRLF: another text, kept as given so its offsets still fit.
        {"text": text.replace("\n", "\r\n"), "label": [[15, 22, "Military"]]},
    )
    report = import_annotations(project, "jsonl", path, annotator="Ana")
    assert (report.documents_matched, report.documents_added) == (1, 1)
    texts = {project.document_text(d.id) for d in project.documents()}
    assert texts == {text, text.replace("\n", "\r\n")}
    found = {(quote, who) for _, who, _, _, _, quote, _ in spans(project)}
    assert found == {("Moscow", "Ana"), ("Beijing", "Ana")}
    assert project.annotations(command.ids[0], None)[0].quote == "Moscow"


def test_strict_refuses_unknown_labels_and_changes_nothing(
    project: Project, tmp_path: Path
) -> None:
    path = _write(
        tmp_path / "in.jsonl",
        {"text": "Moscow talks", "label": [[0, 6, "military"]]},  # in the codebook (any case)
        {"text": "Beijing summit", "label": [[0, 7, "Brand new"]]},
    )
    before = rows(project)
    with pytest.raises(FormatError, match="line 2: the label 'Brand new' is not in the codebook"):
        import_annotations(project, "jsonl", path, strict=True)
    assert rows(project) == before
    report = import_annotations(project, "jsonl", path)
    assert report.labels_added == ["Brand new"]
    assert {label for _, _, label, *_ in spans(project)} == {"Military", "Brand new"}


def test_quote_that_does_not_match_is_refused(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "ls.json"
    task = {
        "data": {"text": "😀 Moscow talks today"},
        "annotations": [
            {
                "result": [
                    {"type": "labels", "value": {"start": 2, "end": 8, "text": "Moscow",
                                                 "labels": ["Place"]}},
                    # Neither a code point nor a UTF-16 reading puts "talkz" there.
                    {"type": "labels", "value": {"start": 10, "end": 15, "text": "talkz",
                                                 "labels": ["Place"]}},
                ]
            }
        ],
    }  # fmt: skip
    path.write_text(json.dumps([task]), encoding="utf-8")
    before = rows(project)
    with pytest.raises(FormatError, match=r"task 1: the span 10–15 should cover 'talkz'"):
        import_annotations(project, "labelstudio", path)
    assert rows(project) == before


def test_utf16_offsets_that_the_quote_explains_are_repaired_and_reported(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "ls.json"
    text = "😀 Moscow talks today"
    task = {
        "data": {"text": text},
        "annotations": [
            {
                "result": [
                    {"type": "labels", "value": {"start": 2, "end": 8, "text": "Moscow",
                                                 "labels": ["Place"]}},
                    # UTF-16 offsets (one too far after the emoji): the quote gives it away.
                    {"type": "labels", "value": {"start": 10, "end": 15, "text": "talks",
                                                 "labels": ["Place"]}},
                ]
            }
        ],
    }  # fmt: skip
    path.write_text(json.dumps([task]), encoding="utf-8")
    report = import_annotations(project, "labelstudio", path)
    assert report.annotations_added == 2
    assert len(report.repaired) == 1 and "'talks' at 10–15 (UTF-16) → 9–14" in report.repaired[0]
    assert "Offsets repaired (1)" in report.summary()
    doc = project.documents()[-1].id
    quotes = sorted(text[a.start : a.end] for a in project.annotations(doc, None))
    assert quotes == ["Moscow", "talks"]


def test_cancel_changes_nothing(project: Project, tmp_path: Path) -> None:
    path = _write(tmp_path / "in.jsonl", {"text": "Moscow talks", "label": [[0, 6, "X"]]})
    before = rows(project)
    with pytest.raises(Cancelled):
        import_annotations(project, "jsonl", path, progress=lambda done, total: False)
    assert rows(project) == before


def test_lone_surrogate_is_refused(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "bad \\ud800 text", "label": []}\n', encoding="utf-8")
    with pytest.raises(FormatError, match="line 1: the text holds an unpaired surrogate"):
        import_annotations(project, "jsonl", path)


@pytest.mark.file_only  # the command line takes a file here
def test_cli_export_and_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Project.create(tmp_path / "a.claimdesk") as source:
        build(source)
    out = tmp_path / "claims.csv"
    assert main(["export", str(tmp_path / "a.claimdesk"), "--format", "csv", "--out", str(out),
                 "--annotator", "Bo"]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    assert "2 document(s) and 4 span(s) written to" in printed
    assert "Not representable in csv" in printed
    with out.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))[1:]
    assert [row[2] for row in table] == ["Bo"] * 4  # only Bo's spans, one row each

    brat = tmp_path / "brat"
    assert main(["export", str(tmp_path / "a.claimdesk"), "--format", "brat", "--out",
                 str(brat)]) == 0  # fmt: skip
    Project.create(tmp_path / "b.claimdesk").close()
    assert main(["import-annotations", str(tmp_path / "b.claimdesk"), "--format", "brat",
                 str(brat)]) == 0  # fmt: skip
    assert "8 annotation(s) imported from brat (brat)." in capsys.readouterr().out
    with Project.open(tmp_path / "b.claimdesk") as imported:
        assert {q for *_, q, _ in spans(imported)} >= {"😀𠀋", TEXT_1[TEXT_1.index("=SUM") :][:8]}

    assert main(["import-annotations", str(tmp_path / "b.claimdesk"), "--format", "jsonl",
                 str(tmp_path / "missing.jsonl")]) == 1  # fmt: skip
    assert "claimdesk-cli: error: missing.jsonl: cannot be read" in capsys.readouterr().err
    assert main(["export", str(tmp_path / "a.claimdesk"), "--format", "brat", "--out",
                 str(brat)]) == 1  # fmt: skip
    assert "already holds files" in capsys.readouterr().err


def _label_studio_task(**region_extra: object) -> dict[str, object]:
    region = {
        "from_name": "label", "to_name": "text", "type": "labels", "id": "r1",
        "value": {"start": 2, "end": 8, "text": "Moscow", "labels": ["Place"]},
        **region_extra,
    }  # fmt: skip
    relation = {"type": "relation", "from_id": "r1", "to_id": "r2", "direction": "right"}
    choice = {"type": "choices", "value": {"choices": ["Fake"]}}
    return {
        "data": {"text": "😀 Moscow talks <b>x</b>&amp;"},
        "annotations": [{"created_username": "Ana", "result": [region, relation, choice]}],
    }


def test_label_studio_relations_and_choices_are_reported(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([_label_studio_task(meta={"text": ["=SUM(A1)"]})] * 2), "utf-8")
    report = import_annotations(project, "labelstudio", path)
    assert report.annotations_added == 1
    # The relation's other end (r2) is not in the file; the choice names no control.
    assert report.not_imported == [
        "task 1: a relation from 'r1' to 'r2', whose ends are not labelled regions of the same"
        " annotation",
        "2 result(s) of type choices without a control name ('from_name') or a value",
        "task 2: a relation from 'r1' to 'r2', whose ends are not labelled regions of the same"
        " annotation",
    ]
    (doc,) = project.documents()
    assert [a.note for a in project.annotations(doc.id, None)] == ["=SUM(A1)"]


@pytest.mark.parametrize("meta", [{"text": [5]}, {"text": {"a": 1}}])
def test_label_studio_note_that_is_not_text_is_refused(
    project: Project, tmp_path: Path, meta: object
) -> None:
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([_label_studio_task(meta=meta)]), "utf-8")
    before = rows(project)
    with pytest.raises(FormatError, match=r"tasks\.json: task 1: a region's 'meta\.text'"):
        import_annotations(project, "labelstudio", path)
    assert rows(project) == before


def test_import_help_names_the_formats(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["import-annotations", "--help"])
    assert done.value.code == 0
    words = " ".join(capsys.readouterr().out.split())
    assert "--format FORMAT jsonl, brat, labelstudio, uima-xmi, qdpx" in words


def test_a_nul_character_in_a_text_is_refused_and_changes_nothing(
    project: Project, tmp_path: Path
) -> None:
    # Stored in a file, refused by a server (and a NUL ends a text for SQLite's length()):
    # refused alike, naming the line.
    path = _write(tmp_path / "in.jsonl", {"text": "Moscow\u0000 talks", "label": [[0, 6, "X"]]})
    before = rows(project)
    with pytest.raises(FormatError, match=r"line 1: the text holds a NUL character \(\\x00\)"):
        import_annotations(project, "jsonl", path)
    assert rows(project) == before
