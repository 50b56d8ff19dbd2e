"""Hostile files given to the five annotation importers: each is refused with a sentence naming
the file and the place, the project is left row for row as it was, and nothing hangs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from claimdesk.core.errors import EditError
from claimdesk.core.formats import qdpx, safe_files, uima_xmi
from claimdesk.core.formats.base import DocumentOut, FormatError, MemorySource, SpanOut
from claimdesk.core.formats.importer import import_annotations
from claimdesk.core.store.curation import ensure_gold_set
from claimdesk.core.store.project import Project
from tests.core.formats.awkward_project import rows

TEXT = "Moscow talks went on. Beijing summit ended."
WHEN = "2026-03-04 05:06:07.000000"


def _jsonl(path: Path, *lines: object) -> Path:
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def _task(region: dict[str, object] | None = None, **annotation: object) -> dict[str, object]:
    value = {"start": 0, "end": 6, "text": "Moscow", "labels": ["Place"], **(region or {})}
    result = [{"type": "labels", "value": value}]
    return {"data": {"text": TEXT}, "annotations": [{"result": result, **annotation}]}


def _refused(
    project: Project, project_path: Path, fmt: str, path: Path, match: str, **options: object
) -> str:
    before = rows(project_path)
    with pytest.raises(FormatError, match=match) as caught:
        import_annotations(project, fmt, path, **options)  # type: ignore[arg-type]
    assert rows(project_path) == before
    return str(caught.value)


# -- item 6: only regular files, nothing blocks -----------------------------------------------


@pytest.mark.timeout(60)
@pytest.mark.parametrize("fmt", ["jsonl", "labelstudio", "qdpx"])
def test_a_fifo_is_refused_by_name_without_blocking(
    project: Project, project_path: Path, tmp_path: Path, fmt: str
) -> None:
    fifo = tmp_path / "in.data"
    os.mkfifo(fifo)
    message = _refused(project, project_path, fmt, fifo, "in.data")
    assert message == "in.data: is a named pipe (FIFO); only regular files are read"


@pytest.mark.timeout(60)
def test_a_fifo_named_like_an_ann_file_in_a_brat_folder_is_refused(
    project: Project, project_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "a.ann").write_text("T1\tPlace 0 6\tMoscow\n", encoding="utf-8")
    (folder / "zz.txt").write_text(TEXT, encoding="utf-8")
    os.mkfifo(folder / "zz.ann")
    message = _refused(project, project_path, "brat", folder, "zz.ann")
    assert message == "brat: entry zz.ann: is a named pipe (FIFO); only regular files are read"


@pytest.mark.timeout(60)
def test_a_fifo_named_like_an_xmi_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "xmi"
    folder.mkdir()
    (folder / "TypeSystem.xml").write_text(uima_xmi.typesystem().to_xml(), encoding="utf-8")
    os.mkfifo(folder / "a.xmi")
    with pytest.raises(FormatError, match=r"^xmi: file a\.xmi: is a named pipe"):
        uima_xmi.read(folder)


# -- item 5: bounded reading ------------------------------------------------------------------


@pytest.mark.timeout(60)
@pytest.mark.parametrize("fmt", ["labelstudio", "jsonl", "qdpx", "uima-xmi"])
def test_a_link_to_dev_zero_is_refused_at_once(
    project: Project, project_path: Path, tmp_path: Path, fmt: str
) -> None:
    link = tmp_path / "tasks.json"
    link.symlink_to("/dev/zero")
    message = _refused(project, project_path, fmt, link, "tasks.json")
    assert "is a device; only regular files are read" in message or "no such file" in message


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(
    project: Project, project_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(safe_files, "MAX_DATASET_BYTES", 3 * 1024**2)
    from claimdesk.core.formats import jsonl, labelstudio

    monkeypatch.setattr(labelstudio, "MAX_DATASET_BYTES", 3 * 1024**2)
    monkeypatch.setattr(jsonl, "MAX_DATASET_BYTES", 3 * 1024**2)
    big = tmp_path / "big.json"
    big.write_text(json.dumps([_task()] * 60_000), encoding="utf-8")
    _refused(
        project, project_path, "labelstudio", big, r"big\.json: is [\d.]+ MB; the limit is 3 MB"
    )
    lines = tmp_path / "big.jsonl"
    _jsonl(lines, *[{"text": TEXT, "label": [[0, 6, "Place"]]}] * 60_000)
    _refused(project, project_path, "jsonl", lines, r"big\.jsonl: is [\d.]+ MB; the limit is 3 MB")


def test_millions_of_tiny_json_items_are_counted_before_parsing(
    project: Project, project_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(safe_files, "MAX_JSON_ITEMS", 1_000)
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps([_task()] + [[]] * 5_000), encoding="utf-8")
    _refused(project, project_path, "labelstudio", path, r"tiny\.json: holds 10,\d{3} JSON items")
    # Commas and brackets inside the text are not items.
    path.write_text(json.dumps([{"data": {"text": "[{,}] " * 5_000}}]), encoding="utf-8")
    assert import_annotations(project, "labelstudio", path).documents_added == 1


def test_a_jsonl_line_of_too_many_items_names_the_line(
    project: Project, project_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(safe_files, "MAX_JSON_ITEMS", 1_000)
    path = _jsonl(tmp_path / "in.jsonl", {"text": TEXT}, {"text": TEXT, "meta": {"x": [0] * 5000}})
    _refused(project, project_path, "jsonl", path, r"in\.jsonl: line 2: holds 5,\d{3} JSON items")


def _sources_project(count: int, size: int) -> bytes:
    sources = "".join(
        f'<TextSource guid="{i:08d}-0000-0000-0000-000000000000" name="d{i}"'
        f' plainTextPath="internal://{i}.txt"/>'
        for i in range(count)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources>{sources}</Sources></Project>'
    ).encode()


def test_a_small_qdpx_that_unpacks_to_much_text_is_refused_as_a_whole(
    project: Project, project_path: Path, tmp_path: Path
) -> None:
    # Each 1 MiB source passes the per-entry ratio floor; the archive as a whole does not.
    path = tmp_path / "many.qdpx"
    text = b"a claim " * (1024**2 // 8)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", _sources_project(40, len(text)))
        for i in range(40):
            archive.writestr(f"sources/{i}.txt", text)
    assert path.stat().st_size < 1024**2
    message = _refused(project, project_path, "qdpx", path, r"many\.qdpx: refused: the archive")
    assert "unpacks to 41,9" in message and "times; limit 200): a zip bomb" in message


def test_many_sources_naming_one_entry_read_it_once_and_are_bounded(
    project: Project, project_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = "".join(
        f'<TextSource guid="{i:08d}-0000-0000-0000-000000000000" name="d{i}"'
        ' plainTextPath="internal://one.txt"/>'
        for i in range(50)
    )
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources>{sources}</Sources></Project>'
    )
    path = tmp_path / "same.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/one.txt", TEXT)
    documents = qdpx.read(path)
    assert len(documents) == 50 and len({id(d.text) for d in documents}) == 1
    monkeypatch.setattr(qdpx, "MAX_SOURCES", 20)
    _refused(
        project, project_path, "qdpx", path, "same.qdpx: project.qde: holds more than 20 sources"
    )


# -- item 7: what used to end in a traceback --------------------------------------------------


def test_deeply_nested_json_is_refused(
    project: Project, project_path: Path, tmp_path: Path
) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    path = tmp_path / "deep.jsonl"
    path.write_text(f'{{"text": "x"}}\n{{"text": "y", "meta": {deep}}}\n', encoding="utf-8")
    _refused(project, project_path, "jsonl", path, r"^deep\.jsonl: line 2: the JSON is nested too")
    path = tmp_path / "deep.json"
    path.write_text(deep, encoding="utf-8")
    _refused(project, project_path, "labelstudio", path, r"^deep\.json: the JSON is nested too")


def test_a_number_of_thousands_of_digits_is_refused(
    project: Project, project_path: Path, tmp_path: Path
) -> None:
    huge = "9" * 5000
    path = tmp_path / "huge.jsonl"
    path.write_text(f'{{"text": "x"}}\n{{"text": "y", "label": [[0, {huge}, "X"]]}}\n', "utf-8")
    _refused(project, project_path, "jsonl", path, r"^huge\.jsonl: line 2: holds a number with")
    path = tmp_path / "huge.json"
    path.write_text(f'[\n{{"data": {{"text": "x", "n": {huge}}}}}]', encoding="utf-8")
    _refused(project, project_path, "labelstudio", path, r"^huge\.json: line 2: holds a number")


def test_a_brat_offset_of_thousands_of_digits_is_refused(
    project: Project, project_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "a.ann").write_text(f"T1\tPlace 0 {'9' * 5000}\tMoscow\n", encoding="utf-8")
    _refused(
        project,
        project_path,
        "brat",
        folder,
        r"^brat: entry a\.ann, line 1: T1 has an offset of more than 15 digits$",
    )


def _zip_with_damage(path: Path, kind: str, damaged: str = "sources/doc.txt") -> Path:
    entries = {
        "project.qde": qdpx_project(),
        "TypeSystem.xml": uima_xmi.typesystem().to_xml().encode(),
        damaged: (TEXT * 50).encode(),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    data = bytearray(path.read_bytes())
    if kind == "deflate":
        start = data.index(damaged.encode()) + len(damaged)
        data[start : start + 8] = b"\xff" * 8  # the deflate stream begins with invalid blocks
    else:  # an unknown compression method (97, WavPack) in the local and central headers
        for marker in (b"PK\x03\x04", b"PK\x01\x02"):
            at = data.find(marker)
            while at >= 0:
                field = at + (8 if marker == b"PK\x03\x04" else 10)
                data[field : field + 2] = (97).to_bytes(2, "little")
                at = data.find(marker, at + 4)
    path.write_bytes(bytes(data))
    return path


def qdpx_project() -> bytes:
    return (
        b'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="p">'
        b'<Sources><TextSource guid="11111111-0000-0000-0000-000000000000" name="doc"'
        b' plainTextPath="internal://doc.txt"/></Sources></Project>'
    )


def test_a_corrupt_deflate_stream_is_refused_naming_the_entry(
    project: Project, project_path: Path, tmp_path: Path
) -> None:
    path = _zip_with_damage(tmp_path / "bad.qdpx", "deflate")
    message = _refused(project, project_path, "qdpx", path, r"^bad\.qdpx: entry sources/doc\.txt")
    assert "damaged entry" in message
    xmi_zip = _zip_with_damage(tmp_path / "bad.zip", "deflate", "a.xmi")
    with pytest.raises(FormatError, match=r"^bad\.zip: entry a\.xmi: damaged entry"):
        uima_xmi.read(xmi_zip)


@pytest.mark.parametrize("fmt", ["qdpx", "uima-xmi"])
def test_an_unknown_compression_method_is_refused_naming_the_entry(
    project: Project, project_path: Path, tmp_path: Path, fmt: str
) -> None:
    path = _zip_with_damage(tmp_path / "odd.zip", "method")
    message = _refused(project, project_path, fmt, path, r"^odd\.zip: entry project\.qde: refused")
    assert message.endswith("it uses compression method 97, which cannot be unpacked here")


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ({"text": TEXT, "label": [[0, 6, "Pla\ud800ce"]]}, "the label name holds an unpaired"),
        (
            {"text": TEXT, "label": [[0, 6, "Place"]], "spans": [{"note": "n\udfffote"}]},
            r"the span 0–6: the note holds an unpaired surrogate \(\\udfff\)",
        ),
        (
            {"text": TEXT, "label": [[0, 6, "Place"]], "annotator": "A\ud83dna"},
            "the annotator name holds an unpaired",
        ),
        ({"text": TEXT, "title": "Tit\udc00le"}, "the title holds an unpaired surrogate"),
        ({"text": TEXT, "source": "\udc00.txt"}, "the source holds an unpaired surrogate"),
        ({"text": TEXT, "meta": {"k\udc00": 1}}, "the metadata hold an unpaired surrogate"),
    ],
)
def test_lone_surrogates_anywhere_are_refused_naming_the_line(
    project: Project, project_path: Path, tmp_path: Path, line: dict[str, object], problem: str
) -> None:
    path = _jsonl(tmp_path / "in.jsonl", {"text": "A fine line."}, line)
    _refused(project, project_path, "jsonl", path, rf"^in\.jsonl: line 2: {problem}")


def test_lone_surrogates_in_label_studio_are_refused(
    project: Project, project_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([_task(created_username="B\udc80o")]), encoding="utf-8")
    _refused(
        project, project_path, "labelstudio", path, r"^tasks\.json: task 1: the annotator name"
    )


# -- item 3: the gold set is not a name a file can bring ---------------------------------------


@pytest.mark.parametrize("name", ["Gold", " gold ", "GOLD"])
def test_a_reserved_annotator_from_jsonl_or_label_studio_is_refused(
    project: Project, project_path: Path, tmp_path: Path, name: str
) -> None:
    path = _jsonl(tmp_path / "in.jsonl", {"text": TEXT, "label": [[0, 6, "X"]], "annotator": name})
    message = _refused(project, project_path, "jsonl", path, r"^in\.jsonl: line 1: the annotator")
    assert "is reserved for the gold set" in message
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([_task(created_username=name)]), encoding="utf-8")
    _refused(project, project_path, "labelstudio", tasks, "task 1: the annotator name .* reserved")


def test_a_reserved_annotator_from_brat_qdpx_and_uima_is_refused(
    project: Project, project_path: Path, tmp_path: Path
) -> None:
    brat = tmp_path / "brat"
    (brat / "Gold").mkdir(parents=True)
    (brat / "Gold" / "a.txt").write_text(TEXT, encoding="utf-8")
    (brat / "Gold" / "a.ann").write_text("T1\tPlace 0 6\tMoscow\n", encoding="utf-8")
    _refused(project, project_path, "brat", brat, r"^brat: entry Gold/a\.ann: the annotator name")

    span = SpanOut(1, 0, 6, "Place", "Gold", "", "Moscow", WHEN, WHEN)
    doc = DocumentOut(3, "Doc", "", "", {}, TEXT, [span])
    source = MemorySource("p", [], ["Gold"], [doc])
    qdpx.export(source, tmp_path / "gold.qdpx")
    _refused(project, project_path, "qdpx", tmp_path / "gold.qdpx", r"^gold\.qdpx: source Doc: the")
    uima_xmi.export(source, tmp_path / "xmi")
    _refused(project, project_path, "uima-xmi", tmp_path / "xmi", r"^xmi: file 3-Doc\.xmi: the an")


def test_a_file_cannot_add_spans_to_an_existing_gold_set(
    project: Project, project_path: Path, tmp_path: Path
) -> None:
    project.ensure_annotator("Gold")  # a person: the gold set is then "Gold (curated)"
    assert ensure_gold_set(project).name == "Gold (curated)"
    for name in ("Gold", "Gold (curated)"):
        path = _jsonl(
            tmp_path / "in.jsonl", {"text": TEXT, "label": [[0, 6, "X"]], "annotator": name}
        )
        _refused(project, project_path, "jsonl", path, "reserved for the gold set")


def test_importing_as_the_reserved_name_is_refused(
    project: Project, project_path: Path, tmp_path: Path
) -> None:
    path = _jsonl(tmp_path / "in.jsonl", {"text": TEXT, "label": [[0, 6, "X"]]})
    before = rows(project_path)
    with pytest.raises(
        EditError, match="Cannot import as this annotator: the annotator name 'Gold'"
    ):
        import_annotations(project, "jsonl", path, annotator="Gold")
    assert rows(project_path) == before


# -- item 10: clearer words, sane lengths, names shown safely ---------------------------------


def test_start_not_before_end_is_said_so(
    project: Project, project_path: Path, tmp_path: Path
) -> None:
    path = _jsonl(tmp_path / "in.jsonl", {"text": TEXT, "label": [[12, 9, "X"]]})
    message = _refused(project, project_path, "jsonl", path, "line 1")
    assert message == "in.jsonl: line 1: the span's start (12) is not before end (9)"
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([_task({"start": 6, "end": 6, "text": ""})]), encoding="utf-8")
    message = _refused(project, project_path, "labelstudio", tasks, "task 1")
    assert message == "tasks.json: task 1: the span's start (6) is not before end (6)"
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "a.ann").write_text("T1\tPlace 12 9\t\n", encoding="utf-8")
    message = _refused(project, project_path, "brat", folder, "a.ann")
    assert message == "brat: entry a.ann, line 1: T1: start (12) is not before end (9)"


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (
            {"text": TEXT, "label": [[0, 6, "L" * 100_000]]},
            "the label name is 100,000 characters long; the limit is 200",
        ),
        (
            {"text": TEXT, "label": [[0, 6, "X"]], "annotator": "A" * 100_000},
            "the annotator name is 100,000 characters long; the limit is 200",
        ),
        (
            {"text": TEXT, "label": [[0, 6, "X"]], "spans": [{"note": "n" * 30_000}]},
            "the span 0–6: the note is 30,000 characters long; the limit is 20,000",
        ),
        (
            {"text": TEXT, "label": [[0, 6, "Evil\x1b[2J"]]},
            "the label name holds control characters",
        ),
        (
            {"text": TEXT, "label": [[0, 6, "X"]], "annotator": "\u202eoB"},
            "the annotator name holds right-to-left override or embedding characters",
        ),
    ],
)
def test_names_and_notes_over_the_limits_are_refused(
    project: Project, project_path: Path, tmp_path: Path, line: dict[str, object], problem: str
) -> None:
    path = _jsonl(tmp_path / "in.jsonl", line)
    message = _refused(project, project_path, "jsonl", path, "line 1")
    assert message == f"in.jsonl: line 1: {problem}"


def test_names_from_files_are_shown_with_controls_escaped(
    project: Project, project_path: Path, tmp_path: Path
) -> None:
    path = _jsonl(tmp_path / "in.jsonl", {"text": TEXT, "label": [[0, 6, "Evil\x1b[2J"]]})
    message = _refused(project, project_path, "jsonl", path, "line 1", strict=True)
    assert "\x1b" not in message
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a\x1b[31m.txt").write_text(TEXT, encoding="utf-8")
    (folder / "a\x1b[31m.ann").write_text("T1\tPlace 0 6\tMoskva\n", encoding="utf-8")
    message = _refused(project, project_path, "brat", folder, r"entry a\\x1b\[31m\.ann, line 1")
    assert "\x1b" not in message


# -- the command line shows a sentence, never a traceback -------------------------------------


@pytest.mark.timeout(120)
def test_the_cli_refuses_hostile_files_without_a_traceback(
    project_path: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 50_000 + "]" * 50_000, encoding="utf-8")
    gold = _jsonl(
        tmp_path / "gold.jsonl", {"text": TEXT, "label": [[0, 6, "X"]], "annotator": "Gold"}
    )
    bad_zip = _zip_with_damage(tmp_path / "bad.qdpx", "deflate")
    before = project_path.read_bytes()
    for fmt, path, expected in [
        ("jsonl", fifo, "pipe.jsonl: is a named pipe (FIFO); only regular files are read"),
        ("labelstudio", deep, "deep.json: the JSON is nested too deeply to read"),
        ("jsonl", gold, "gold.jsonl: line 1: the annotator name 'Gold' is reserved"),
        ("qdpx", bad_zip, "bad.qdpx: entry sources/doc.txt: damaged entry"),
    ]:
        result = subprocess.run(
            [sys.executable, "-m", "claimdesk.core.cli", "import-annotations", str(project_path),
             "--format", fmt, str(path)],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert f"claimdesk-cli: error: {expected}" in result.stderr
    assert project_path.read_bytes() == before
