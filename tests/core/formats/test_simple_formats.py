"""JSONL, CSV, brat, CoNLL, spaCy and Label Studio: each export read by its target's reader."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from defusedxml import ElementTree

from claimdesk.core.errors import Cancelled
from claimdesk.core.formats import brat, conll, jsonl, registry
from claimdesk.core.formats.base import ExportSelection, FormatError, MissingExtraError
from claimdesk.core.formats.export import export_dataset
from claimdesk.core.formats.importer import import_annotations
from claimdesk.core.store.project import Project
from tests.core.formats.awkward_project import TEXT_1, TEXT_2, build, rows, spans

pytestmark = pytest.mark.both_dialects


@pytest.fixture
def awkward(new_project_target: Path | str) -> Iterator[Project]:
    """A project with no codebook of its own: only the three awkward labels."""
    with Project.create(new_project_target) as project:
        build(project)
        yield project


# -- JSONL -----------------------------------------------------------------------------------


def test_jsonl_is_doccano_shaped_one_line_per_document_and_annotator(
    awkward: Project, tmp_path: Path
) -> None:
    out = tmp_path / "claims.jsonl"
    report = export_dataset(awkward, "jsonl", out)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(line["title"], line["annotator"]) for line in lines] == [
        ("Prices =rise 😀", "Ana"),
        ("Prices =rise 😀", "Bo"),
        ("Second", "Bo"),
    ]
    first = lines[0]
    assert first["text"] == TEXT_1  # CRLF and the combining accent kept
    for start, end, label in first["label"]:
        assert isinstance(start, int) and isinstance(end, int) and isinstance(label, str)
    cafe = TEXT_1.index("Cafe")
    assert [cafe, cafe + 5, "Factual claim"] in first["label"]
    assert len(first["spans"]) == len(first["label"])  # id and note, in the label's order
    position = first["label"].index([cafe, cafe + 5, "Factual claim"])
    assert first["spans"][position]["note"] == "=HYPERLINK(x) <i>n</i>"
    assert isinstance(first["spans"][position]["id"], int)
    assert (report.documents, report.spans, report.verified) == (2, 8, True)
    assert any("label colours" in item for item in report.lost)


def test_jsonl_loads_with_huggingface_datasets(
    awkward: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import datasets

    out = tmp_path / "claims.jsonl"
    export_dataset(awkward, "jsonl", out)
    loaded = datasets.load_dataset(
        "json", data_files=str(out), split="train", cache_dir=str(tmp_path / "hf")
    )
    assert loaded.num_rows == 3
    row = loaded[1]
    assert row["annotator"] == "Bo" and row["text"] == TEXT_1
    assert next(row["text"][s:e] for s, e, _ in row["label"]) == "😀𠀋"


def test_jsonl_reader_takes_both_doccano_shapes(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "doccano.jsonl"
    path.write_text(
        json.dumps({"text": "Moscow 🙂 talks", "label": [[0, 6, "Place"]], "title": "A"})
        + "\n\n"
        + json.dumps(
            {
                "text": "Beijing summit",
                "entities": [{"start_offset": 8, "end_offset": 14, "label": "Event"}],
                "meta": {"batch": 3},
            }
        )
        + "\n",
        encoding="utf-8",
    )
    report = import_annotations(project, "jsonl", path, annotator="Ana")
    assert (report.documents_added, report.annotations_added) == (2, 2)
    assert {("Place", "Moscow"), ("Event", "summit")} <= {
        (label, quote) for _, who, label, _, _, quote, _ in spans(project) if who == "Ana"
    }
    meta = [d.meta for d in project.documents()]
    assert any(m.get("batch") == 3 for m in meta)


def test_bad_json_line_names_the_line_and_changes_nothing(awkward: Project, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "fine", "label": [[0, 4, "X"]]}\n{"text": oops}\n', encoding="utf-8")
    before = rows(awkward)
    with pytest.raises(FormatError, match=r"bad\.jsonl: line 2: not valid JSON"):
        import_annotations(awkward, "jsonl", path)
    assert rows(awkward) == before


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"text": "short", "label": [[2, 9, "X"]]}, "lies outside the text"),
        ({"text": "short", "label": [[3, 1, "X"]]}, r"start \(3\) is not before end \(1\)"),
        ({"text": "short", "label": [["0", 2, "X"]]}, "is not a whole number"),
        ({"text": "short", "label": [[0, 2]]}, r"is not \[start, end, label\]"),
        ({"label": [[0, 2, "X"]]}, "has no 'text'"),
    ],
)
def test_malformed_spans_are_refused_and_nothing_changes(
    awkward: Project, tmp_path: Path, line: dict[str, object], message: str
) -> None:
    path = tmp_path / "bad.jsonl"
    good = {"text": "A new document that would be added.", "label": [[0, 5, "New label"]]}
    path.write_text(json.dumps(good) + "\n" + json.dumps(line) + "\n", encoding="utf-8")
    before = rows(awkward)
    with pytest.raises(FormatError, match=f"line 2: .*{message}"):
        import_annotations(awkward, "jsonl", path)
    assert rows(awkward) == before


def test_jsonl_lines_may_end_in_lf_crlf_or_a_lone_cr(tmp_path: Path) -> None:
    path = tmp_path / "ends.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"text": "a"}\r\r{"text": "b"}\r\n\n{"text": "c"}')
    assert [(d.text, d.where) for d in jsonl.read(path)] == [
        ("a", "line 1"),
        ("b", "line 3"),
        ("c", "line 5"),
    ]


def test_not_utf8_is_refused(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes('{"text": "café"}\n'.encode("latin-1"))
    with pytest.raises(FormatError, match="line 1: is not UTF-8"):
        import_annotations(project, "jsonl", path)


# -- CSV --------------------------------------------------------------------------------------


def test_csv_is_excel_safe_and_parses_back(awkward: Project, tmp_path: Path) -> None:
    out = tmp_path / "claims.csv"
    report = export_dataset(awkward, "csv", out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(table) == 8 == report.spans
    sums = next(r for r in table if r["quote"].endswith("SUM(A1)"))
    assert sums["quote"] == "'=SUM(A1)"  # neutralised: a spreadsheet shows it as text
    assert sums["start"] == str(TEXT_1.index("=SUM")) and sums["start"].isdigit()
    noted = next(r for r in table if r["note"])
    assert noted["note"] == "'=HYPERLINK(x) <i>n</i>"
    assert sums["title"] == "Prices =rise 😀"  # does not begin with a trigger: unchanged
    crlf = next(r for r in table if "\r\n" in r["quote"])  # quoted field keeps the line break
    assert crlf["quote"] == TEXT_1[int(crlf["start"]) : int(crlf["end"])]
    assert table[0]["title"] and table[0]["annotator"] in {"Ana", "Bo"}
    assert report.verified


def test_csv_neutralising_is_reversible() -> None:
    from claimdesk.core.formats.csv import neutralise, restore

    for cell in ["=1+1", "+x", "-3+1", "@SUM", "\tx", "\rx", "'quoted", "''=x", "plain", ""]:
        assert restore(neutralise(cell)) == cell
        assert not neutralise(cell).startswith(("=", "+", "-", "@", "\t", "\r"))


# -- brat -------------------------------------------------------------------------------------


def test_brat_collection_layout_and_lines(awkward: Project, tmp_path: Path) -> None:
    out = tmp_path / "brat"
    report = export_dataset(awkward, "brat", out)
    assert (out / "annotation.conf").read_text(encoding="utf-8").splitlines()[:4] == [
        "[entities]",
        "Factual_claim",
        "_x4E3B__x5F20__opinion",  # brat keeps only [a-zA-Z0-9_-] in a name
        "_x003C_b_x003E_x_x003C__x002F_b_x003E__x0026_amp_x003B_",
    ]
    visual = (out / "visual.conf").read_text(encoding="utf-8")
    assert "Factual_claim | Factual claim" in visual
    assert "Factual_claim\tbgColor:#e6194b" in visual
    txts = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.txt"))
    assert txts == [
        "Ana/1-Prices-rise.txt",
        "Ana/2-Second.txt",
        "Bo/1-Prices-rise.txt",
        "Bo/2-Second.txt",
    ]
    assert (out / "Ana/1-Prices-rise.txt").read_bytes() == TEXT_1.encode("utf-8")  # CRLF kept
    ann = (out / "Ana/1-Prices-rise.ann").read_text(encoding="utf-8").splitlines()
    cafe = TEXT_1.index("Cafe")
    assert f"T2\tFactual_claim {cafe} {cafe + 5}\tCafe\u0301" in ann
    assert "#1\tAnnotatorNotes T2\t=HYPERLINK(x) <i>n</i>" in ann
    bo = (out / "Bo/1-Prices-rise.ann").read_text(encoding="utf-8").splitlines()
    crlf = TEXT_1.index("\r\n")
    bold_end = TEXT_1.index("Bold") + 4
    assert (
        f"T2\t_x4E3B__x5F20__opinion {cafe} {crlf};{crlf + 2} {bold_end}\t"
        f"{TEXT_1[cafe:crlf]} {TEXT_1[crlf + 2 : bold_end]}"
    ) in bo
    assert any("written as 2 fragments" in item for item in report.lost)
    assert any("'Factual claim' is written as brat type 'Factual_claim'" in i for i in report.lost)
    assert report.verified


def test_brat_type_names_map_back() -> None:
    for name in ["Factual claim", "主张 opinion", "a_b", "x/y:z", "<b>&amp;", "-", "_x0041_",
                 " x0041 ", "a x1F600 b"]:  # fmt: skip
        mapped = brat.type_name(name)
        assert " " not in mapped and all(c.isalnum() or c in "-_" for c in mapped)
        assert brat.label_name(mapped) == name


def test_brat_refuses_a_folder_that_holds_files(awkward: Project, tmp_path: Path) -> None:
    out = tmp_path / "brat"
    out.mkdir()
    (out / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(FormatError, match="already holds files"):
        export_dataset(awkward, "brat", out)
    assert [p.name for p in out.iterdir()] == ["mine.txt"]


def test_folder_format_over_a_file_says_so(awkward: Project, tmp_path: Path) -> None:
    out = tmp_path / "claims.csv"
    out.write_text("keep me", encoding="utf-8")
    with pytest.raises(FormatError, match=r"claims\.csv: is a file; this format writes a folder"):
        export_dataset(awkward, "brat", out)
    assert out.read_text(encoding="utf-8") == "keep me"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_brat_quote_mismatch_is_refused(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Moscow talks", encoding="utf-8")
    (folder / "a.ann").write_text("T1\tPlace 0 6\tBeijing\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"entry a\.ann, line 1: T1 says 'Beijing'"):
        import_annotations(project, "brat", folder)
    assert project.documents() == []


def test_brat_line_that_is_not_brat_is_refused(awkward: Project, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Moscow talks", encoding="utf-8")
    (folder / "a.ann").write_text("T1\tPlace 0 6\tMoscow\ngarbage line\n", encoding="utf-8")
    before = rows(awkward)
    with pytest.raises(FormatError, match=r"entry a\.ann, line 2: not a brat annotation line"):
        import_annotations(awkward, "brat", folder)
    assert rows(awkward) == before


def test_brat_events_and_equivalences_are_reported_not_dropped_silently(
    project: Project, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Moscow talks\r\nin 𠀋 city", encoding="utf-8", newline="")
    (folder / "a.ann").write_text(
        "T1\tPlace 0 6\tMoscow\nT2\tEvent 7 12\ttalks\nR1\tLocated Arg1:T2 Arg2:T1\n"
        "A1\tNegated T2\nE1\tEvent:T2\n*\tAlias T1 T2\n#1\tAnnotatorNotes T1\t=SUM(A1)\n",
        encoding="utf-8-sig",  # saved by an editor that adds a byte-order mark
    )
    report = import_annotations(project, "brat", folder)
    assert report.annotations_added == 2
    assert sorted(report.not_imported) == [
        "a.ann: 1 equivalence line(s) (Claimdesk holds text spans, their attributes and relations)",
        "a.ann: 1 event line(s) (Claimdesk holds text spans, their attributes and relations)",
    ]
    assert "Not imported (2):" in report.summary()
    (read,) = brat.read(folder)  # the relation and the attribute are read
    assert [(r.type, r.source, r.target) for r in read.relations] == [("Located", "T2", "T1")]
    assert [s.attributes for s in read.spans] == [{}, {"Negated": True}]
    (doc,) = project.documents()
    notes = {a.quote: a.note for a in project.annotations(doc.id, None)}
    assert notes == {"Moscow": "=SUM(A1)", "talks": ""}


# -- CoNLL ------------------------------------------------------------------------------------


def test_conll_iob2_and_what_it_cannot_hold(project: Project, tmp_path: Path) -> None:
    from claimdesk.core.store.edits import AddDocuments
    from claimdesk.core.text.textio import sha256_text

    text = "Moscow 🙂 talks.\nNew York said no"
    command = AddDocuments([{"title": "t", "source": "", "date": "", "meta": {}, "text": text,
                             "sha256": sha256_text(text)}])  # fmt: skip
    project.apply(command)
    doc = command.ids[0]
    place, _ = project.add_label("Place name", "#112233")
    ana = project.ensure_annotator("Ana").id
    project.add_annotation(doc, place.id, ana, 0, 6)  # Moscow
    new = text.index("New")
    project.add_annotation(doc, place.id, ana, new, new + 8)  # New York
    project.add_annotation(doc, place.id, ana, new + 4, new + 8)  # York: overlaps
    project.add_annotation(doc, place.id, ana, 1, 6)  # oscow: inside a token
    project.add_annotation(doc, place.id, ana, 7, new + 3)  # 🙂 talks.\nNew: over a sentence break
    out = tmp_path / "ner.conll"
    report = export_dataset(project, "conll", out)
    assert out.read_text(encoding="utf-8") == (
        "-DOCSTART- -X- -X- O\n\n"
        "Moscow _ _ B-Place_name\n🙂 _ _ O\ntalks _ _ O\n. _ _ O\n\n"
        "New _ _ B-Place_name\nYork _ _ I-Place_name\nsaid _ _ O\nno _ _ O\n\n"
    )
    assert report.spans == 2
    lost = "\n".join(report.lost)
    assert "'York' overlaps another span" in lost
    assert "'oscow' does not start and end on token boundaries" in lost
    assert "runs over a sentence break" in lost
    assert report.verified


def test_conll_tokens_keep_combining_marks() -> None:
    text = "Cafe\u0301 🙂 税金x_1"
    assert [text[s:e] for s, e in conll.tokens(text)] == ["Cafe\u0301", "🙂", "税金x_1"]


# -- spaCy ------------------------------------------------------------------------------------


def test_spacy_docbin_reads_back_with_spans_and_ents(awkward: Project, tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    out = tmp_path / "train.spacy"
    report = export_dataset(awkward, "spacy", out)
    nlp = spacy.blank("xx")
    docs = list(DocBin().from_disk(out).get_docs(nlp.vocab))
    assert len(docs) == 3
    ana = docs[0]
    assert ana.text == TEXT_1
    assert ana.user_data["claimdesk"]["annotator"] == "Ana"
    in_spans = {(s.label_, s.text) for s in ana.spans["sc"]}
    assert ("Factual claim", "=SUM(A1)") in in_spans
    # The two overlapping spans are both in doc.spans; only one of them is an entity.
    ents = [(e.label_, e.text) for e in ana.ents]
    assert len(ents) < len(in_spans)
    assert all(e in in_spans for e in ents)
    assert any("not in doc.ents" in item for item in report.lost)
    assert report.verified


def test_spacy_missing_says_how_to_install(
    awkward: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "spacy", None)  # import spacy now raises ImportError
    with pytest.raises(MissingExtraError, match=r"pip install 'claimdesk\[spacy\]'"):
        export_dataset(awkward, "spacy", tmp_path / "x.spacy")
    assert not (tmp_path / "x.spacy").exists()


# -- Label Studio -----------------------------------------------------------------------------


def test_labelstudio_tasks_and_config(awkward: Project, tmp_path: Path) -> None:
    out = tmp_path / "tasks.json"
    report = export_dataset(awkward, "labelstudio", out)
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert [t["data"]["text"] for t in tasks] == [TEXT_1, TEXT_2]
    first = tasks[0]
    assert [a["created_username"] for a in first["annotations"]] == ["Ana", "Bo"]
    region = first["annotations"][1]["result"][0]
    assert region["from_name"] == "label" and region["to_name"] == "text"
    assert region["type"] == "labels"
    assert region["value"] == {"start": 0, "end": 2, "text": "😀𠀋", "labels": ["Factual claim"]}
    config = ElementTree.fromstring((tmp_path / "tasks.labeling-config.xml").read_text())
    labels = config.find("Labels")
    assert labels is not None and labels.get("name") == "label" and labels.get("toName") == "text"
    assert [(x.get("value"), x.get("background")) for x in labels] == [
        ("Factual claim", "#e6194b"),
        ("主张 opinion", "#3cb44b"),
        ("<b>x</b>&amp;", "#4363d8"),
    ]
    text = config.find("Text")
    assert text is not None and text.get("value") == "$text"
    assert report.files == [out, tmp_path / "tasks.labeling-config.xml"]


# -- every format ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["jsonl", "csv", "brat", "conll", "spacy", "labelstudio"])
def test_cancel_leaves_nothing_behind(awkward: Project, tmp_path: Path, name: str) -> None:
    info = registry.get(name)
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / f"out{info.suffix}"
    with pytest.raises(Cancelled):
        export_dataset(awkward, name, out, progress=lambda done, total: done < 1)
    assert os.listdir(folder) == []


def test_selection_by_annotator_and_document(awkward: Project, tmp_path: Path) -> None:
    out = tmp_path / "bo.jsonl"
    d1 = awkward.documents()[0].id
    report = export_dataset(awkward, "jsonl", out, ExportSelection(("Bo",), (d1,)))
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(line["id"], line["annotator"]) for line in lines] == [(d1, "Bo")]
    assert report.spans == 2


def test_unknown_names_are_clear(awkward: Project, tmp_path: Path) -> None:
    from claimdesk.core.errors import EditError

    with pytest.raises(FormatError, match="unknown format 'excel'; choose one of: jsonl, csv"):
        export_dataset(awkward, "excel", tmp_path / "x")
    with pytest.raises(EditError, match="No annotator called 'Zoe'"):
        export_dataset(awkward, "csv", tmp_path / "x.csv", ExportSelection(("Zoe",)))
    with pytest.raises(FormatError, match="cannot be imported"):
        import_annotations(awkward, "csv", tmp_path / "x.csv")


def test_brat_refuses_links_out_of_the_collection(project: Project, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("private text", encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.ann").write_text("T1\tX 0 7\tprivate\n", encoding="utf-8")
    (folder / "a.txt").symlink_to(secret)
    with pytest.raises(FormatError, match=r"entry a\.ann: is a symbolic link"):
        import_annotations(project, "brat", folder)
    assert project.documents() == []


def test_csv_neutralises_names_too(project: Project, tmp_path: Path) -> None:
    from claimdesk.core.store.edits import AddDocuments
    from claimdesk.core.text.textio import sha256_text

    text = "+A1 said -the @team"
    command = AddDocuments([{"title": "=cmd|' /C calc'!A0", "source": "", "date": "", "meta": {},
                             "text": text, "sha256": sha256_text(text)}])  # fmt: skip
    project.apply(command)
    label, _ = project.add_label("-minus", "#112233")
    who = project.ensure_annotator("@bob").id
    project.add_annotation(command.ids[0], label.id, who, 0, 3, note="+note")
    out = tmp_path / "x.csv"
    export_dataset(project, "csv", out)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["title"], row["annotator"], row["label"], row["quote"], row["note"]) == (
        "'=cmd|' /C calc'!A0",
        "'@bob",
        "'-minus",
        "'+A1",
        "'+note",
    )
    assert (row["start"], row["end"]) == ("0", "3")
    made = datetime.fromisoformat(row["created_at"])  # "YYYY-MM-DD HH:MM:SS[.ffffff]", UTC
    assert made.tzinfo is None and abs(datetime.now(UTC).replace(tzinfo=None) - made).seconds < 600


def test_csv_times_are_the_times_the_project_holds(awkward: Project, tmp_path: Path) -> None:
    project = awkward
    out = tmp_path / "times.csv"
    export_dataset(project, "csv", out)
    held = {
        a.id: (a.created_at, a.updated_at)
        for doc in project.documents()
        for a in project.annotations(doc.id, None)
    }
    with out.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.DictReader(handle))
    written = {
        int(row["annotation_id"]): (
            datetime.fromisoformat(row["created_at"]),
            datetime.fromisoformat(row["updated_at"]),
        )
        for row in table
    }
    assert written == held
    # Written alike from a file and from a server: UTC, to the microsecond, no offset.
    stamp = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}")
    assert all(stamp.fullmatch(row[key]) for row in table for key in ("created_at", "updated_at"))
