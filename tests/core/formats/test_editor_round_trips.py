"""Who annotated, notes and ids survive a trip through Label Studio and doccano.

Each test makes the editor's changes the way the editor does (the real tools' files are in
``test_interop_*.py``): Label Studio drops ``created_username`` and credits every annotation to
the user who imported it, but keeps task data and region ids; doccano copies the fields it does
not know (``annotator``, ``spans``) unchanged, so after an edit they are stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from claimdesk.core.formats.export import export_dataset
from claimdesk.core.formats.importer import import_annotations
from claimdesk.core.store.project import Project
from tests.core.formats.awkward_project import rows
from tests.core.formats.interop_source import SPANS, TEXTS, build, project_rows, span_at

Span = tuple[str, str, str, str]  # annotator, label, quote, note


def everything(project: Project) -> list[Span]:
    return sorted(
        (who, label, words, note) for _, who, label, _, _, words, note in project_rows(project)
    )


def original() -> list[Span]:
    return sorted((who, label, words, note) for _, who, label, words, note in SPANS)


# -- doccano ---------------------------------------------------------------------------------


def jsonl_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def write_lines(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    return path


def as_doccano_exports(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What doccano's export gives for Claimdesk's lines: its own id, the unknown fields
    copied as they were, ``label`` as its editor left it."""
    return [{**line, "id": 100 + n, "Comments": []} for n, line in enumerate(lines)]


def find_line(lines: list[dict[str, Any]], document: int, annotator: str) -> dict[str, Any]:
    return next(x for x in lines if x["text"] == TEXTS[document] and x["annotator"] == annotator)


def doccano_edited(tmp_path: Path, project_path: Path) -> Path:
    """Spans added and deleted in doccano in several documents; 'spans' left stale."""
    with Project.open(project_path) as project:
        export_dataset(project, "jsonl", tmp_path / "out.jsonl")
    lines = as_doccano_exports(jsonl_lines(tmp_path / "out.jsonl"))
    ana0 = find_line(lines, 0, "Ana")
    ana0["label"] = [x for x in ana0["label"] if x[:2] != list(span_at(0, "troop reduction"))]
    ana0["label"].append([*span_at(0, "Heihe"), "Source"])  # after the family emoji
    ben1 = find_line(lines, 1, "Ben")
    ben1["label"] = [x for x in ben1["label"] if x[:2] != list(span_at(1, "normalisation"))]
    ben1["label"].insert(0, [*span_at(1, "alliance"), "Claim"])  # after the flags
    return write_lines(tmp_path / "doccano.jsonl", lines)


def test_doccano_edits_keep_notes_on_their_spans_and_credit_new_spans(tmp_path: Path) -> None:
    path = build(tmp_path / "p.claimdesk")
    edited = doccano_edited(tmp_path, path)
    before = rows(path)

    with Project.open(path) as project:  # back into the project it came from
        report = import_annotations(project, "jsonl", edited, annotator="doccano admin")
        assert report.annotations_added == 2
        assert report.annotators_added == ["doccano admin"]
        added = [s for s in everything(project) if s not in original()]
        assert sorted(added) == [
            ("doccano admin", "Claim", "alliance", ""),
            ("doccano admin", "Source", "Heihe", ""),
        ]
        # the deleted spans stay (an import only adds) and the report says they are gone
        assert set(original()) <= set(everything(project))
        assert len(report.missing) == 2
        text = report.summary()
        assert "'troop reduction' (Claim" in text and "'normalisation' (Claim" in text
        assert "No longer in the file (2)" in text
        project.undo()
    assert rows(path) == before

    with Project.create(tmp_path / "new.claimdesk") as fresh:  # into a new project
        import_annotations(fresh, "jsonl", edited, annotator="doccano admin")
        got = everything(fresh)
    # every note on its own span: Ana's and Ben's "arms embargo" keep their own
    assert ("Ana", "Claim", "arms embargo", "Ana: the embargo 📝 <i>stays</i>") in got
    assert ("Ben", "Claim", "arms embargo", "Ben: same words, his own note") in got
    assert ("Ben", "Source", "👨\u200d👩\u200d👧 Families in Heihe", "") in got
    kept = [s for s in original() if s[2] not in ("troop reduction", "normalisation")]
    assert sorted(kept + [added for added in got if added[0] == "doccano admin"]) == got


def test_doccano_dropped_overlap_is_explained(tmp_path: Path) -> None:
    path = build(tmp_path / "p.claimdesk")
    with Project.open(path) as project:
        export_dataset(project, "jsonl", tmp_path / "out.jsonl")
    lines = as_doccano_exports(jsonl_lines(tmp_path / "out.jsonl"))
    ben0 = find_line(lines, 0, "Ben")
    overlap = list(span_at(0, "the arms embargo would stay"))
    ben0["label"] = [x for x in ben0["label"] if x[:2] != overlap]
    edited = write_lines(tmp_path / "default-project.jsonl", lines)
    with Project.open(path) as project:
        report = import_annotations(project, "jsonl", edited)
        assert report.annotations_added == 0 and report.annotators_added == []
        (missing,) = report.missing
        assert "'the arms embargo would stay'" in missing and "by 'Ben'" in missing
        assert "Allow overlapping spans" in missing


def test_old_unkeyed_notes_still_read_and_a_stale_list_is_not_fatal(tmp_path: Path) -> None:
    text = "Moscow talks resume; barter trade grows."
    line = {
        "text": text,
        "annotator": "Ana",
        "label": [[0, 12, "Claim"], [21, 33, "Claim"]],
        "spans": [{"id": 1, "note": "first"}, {"id": 2, "note": "second"}],
    }
    old = write_lines(tmp_path / "old.jsonl", [line])
    with Project.create(tmp_path / "a.claimdesk") as project:
        import_annotations(project, "jsonl", old)
        assert everything(project) == [
            ("Ana", "Claim", "Moscow talks", "first"),
            ("Ana", "Claim", "barter trade", "second"),
        ]
    stale = write_lines(tmp_path / "stale.jsonl", [{**line, "label": line["label"][:1]}])
    with Project.create(tmp_path / "b.claimdesk") as project:
        report = import_annotations(project, "jsonl", stale)
        assert everything(project) == [("Ana", "Claim", "Moscow talks", "")]
        assert "'spans' lists 2 entries for 1 spans" in report.summary()


# -- Label Studio ----------------------------------------------------------------------------


def as_label_studio_export(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What Label Studio's JSON export gives after importing Claimdesk's tasks: its own ids,
    every annotation completed by the importing user, created_username its own string."""
    out = []
    for n, task in enumerate(tasks, start=1):
        annotations = [
            {
                "id": 10 * n + k,
                "completed_by": 1,
                "created_username": " admin@example.com, 1",
                "result": entry["result"],
                "was_cancelled": False,
                "ground_truth": False,
            }
            for k, entry in enumerate(task["annotations"])
        ]
        out.append({"id": n, "data": task["data"], "annotations": annotations})
    return out


def label_studio_export(tmp_path: Path, project_path: Path) -> list[dict[str, Any]]:
    with Project.open(project_path) as project:
        export_dataset(project, "labelstudio", tmp_path / "ls.json")
    tasks = json.loads((tmp_path / "ls.json").read_text("utf-8"))
    return as_label_studio_export(tasks)


def test_label_studio_round_trip_adds_nothing_and_keeps_annotators(tmp_path: Path) -> None:
    path = build(tmp_path / "p.claimdesk")
    exported = tmp_path / "from-ls.json"
    exported.write_text(json.dumps(label_studio_export(tmp_path, path)), "utf-8")
    before = rows(path)
    with Project.open(path) as project:
        report = import_annotations(project, "labelstudio", exported)
        assert (report.annotations_added, report.annotations_skipped) == (0, len(SPANS))
        assert report.annotators_added == [] and report.missing == []
    assert rows(path) == before  # nothing added, not even Label Studio's user

    with Project.create(tmp_path / "new.claimdesk") as fresh:
        report = import_annotations(fresh, "labelstudio", exported)
        assert sorted(report.annotators_added) == ["Ana", "Ben"]
        assert everything(fresh) == original()  # both "arms embargo" spans, each with its note


def test_label_studio_edits_go_to_its_user(tmp_path: Path) -> None:
    path = build(tmp_path / "p.claimdesk")
    tasks = label_studio_export(tmp_path, path)
    first = tasks[0]["annotations"][0]["result"]  # Ana's annotation of the first article
    troop = next(r for r in first if r["value"]["text"] == "troop reduction")
    first.remove(troop)  # deleted in the editor
    start, end = span_at(0, "border market")
    first.append(
        {
            "id": "Xk3_9aQ",
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "origin": "manual",
            "value": {"start": start, "end": end, "text": "border market", "labels": ["Claim"]},
        }
    )
    western = next(r for r in first if r["value"]["text"] == "Western diplomats")
    western["value"]["labels"] = ["Claim"]  # relabelled in the editor: same region id
    exported = tmp_path / "from-ls.json"
    exported.write_text(json.dumps(tasks), "utf-8")

    with Project.open(path) as project:
        report = import_annotations(project, "labelstudio", exported)
        assert report.annotators_added == ["admin@example.com"]
        added = [s for s in everything(project) if s not in original()]
        assert sorted(added) == [
            ("admin@example.com", "Claim", "Western diplomats", ""),
            ("admin@example.com", "Claim", "border market", ""),
        ]
        text = report.summary()
        assert "'troop reduction' (Claim" in text and "'Western diplomats' (Source" in text
        assert len(report.missing) == 2

    with Project.create(tmp_path / "new.claimdesk") as fresh:
        import_annotations(fresh, "labelstudio", exported, annotator="Someone")
        got = everything(fresh)
    assert ("Ana", "Claim", "arms embargo", "Ana: the embargo 📝 <i>stays</i>") in got
    assert ("Ben", "Claim", "arms embargo", "Ben: same words, his own note") in got
    assert ("admin@example.com", "Claim", "border market", "") in got


def test_label_studio_file_that_names_no_one_takes_the_import_annotator(tmp_path: Path) -> None:
    text = "Moscow talks resume."
    task = {
        "data": {"text": text},
        "annotations": [
            {
                "result": [
                    {
                        "id": "a1",
                        "type": "labels",
                        "value": {"start": 0, "end": 12, "labels": ["Claim"]},
                    }
                ]
            }
        ],
    }
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([task]), "utf-8")
    with Project.create(tmp_path / "a.claimdesk") as project:
        import_annotations(project, "labelstudio", path, annotator="Reader")
        assert everything(project) == [("Reader", "Claim", "Moscow talks", "")]


def test_a_span_recognised_by_its_id_is_not_doubled_when_the_file_credits_someone_else(
    tmp_path: Path,
) -> None:
    """doccano writes its user's name over nothing, but a file edited by hand may: the id wins."""
    path = build(tmp_path / "p.claimdesk")
    with Project.open(path) as project:
        export_dataset(project, "jsonl", tmp_path / "out.jsonl")
    lines = jsonl_lines(tmp_path / "out.jsonl")
    for line in lines:
        if line["annotator"]:
            line["annotator"] = "Someone else"
    renamed = write_lines(tmp_path / "renamed.jsonl", lines)
    with Project.open(path) as project:
        report = import_annotations(project, "jsonl", renamed)
        assert (report.annotations_added, report.annotators_added) == (0, [])
