"""Exercise and submission files are untrusted: every hostile file is refused by name, unchanged."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from claimdesk.core.classroom.collect import collect, read_submission
from claimdesk.core.classroom.exercise import ExerciseError, ExerciseFileError, read_exercise
from claimdesk.core.classroom.exercise_files import write_archive
from claimdesk.core.classroom.workspace import SUBMISSION_MIMETYPE, open_workspace, workspaces_dir
from claimdesk.core.store.project import Project
from tests.core.classroom.classroom_kit import (
    TEXT_1,
    exercise_with_key,
    read_json,
    rewrite_submission,
    student_submits,
    table_rows,
    teacher_project,
)

KEY = [(0, "Claim", 0, 10), (0, "Evidence", 20, 30)]


@pytest.fixture
def setting(tmp_path: Path) -> Iterator[tuple[Project, Path, Path]]:
    """A teacher's project with an exercise and one good submission (not yet collected)."""
    project = teacher_project(tmp_path / "teacher")
    info = exercise_with_key(project, tmp_path, KEY)
    assert info.path is not None
    good = student_submits(
        info.path, "Ann", [(0, "Claim", 0, 10)], tmp_path / "good.claimdesk-submission"
    )
    yield project, info.path, good
    project.close()


def zip_with(path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return path


def symlink_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (0o120777 << 16) | 0x10  # S_IFLNK: unpacked, it would be a link
    return info


def sqlite_with_trigger(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE annotation (id INTEGER PRIMARY KEY, note TEXT)")
        conn.execute("CREATE VIEW v AS SELECT * FROM annotation")
        conn.execute(
            "CREATE TRIGGER t AFTER INSERT ON annotation BEGIN DELETE FROM annotation; END"
        )
    return path


def empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def huge_count(path: Path, data: Any) -> Path:
    # Stored, not compressed: [{}, {}, ...] compresses so well it would trip the bomb check.
    body = json.dumps({**data, "annotations": [{}] * 500_001}).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("mimetype", SUBMISSION_MIMETYPE)
        archive.writestr("submission.json", body)
    return path


def hostile_files(folder: Path, good: Path) -> list[tuple[Path, str]]:
    """(file, expected words of the reason) for each kind of hostile or broken submission."""
    payload = good.read_bytes()
    data = read_json(good, "submission.json")
    body = json.dumps(data).encode()
    mime = SUBMISSION_MIMETYPE.encode()

    def tampered(name: str, change: Callable[[Any], None]) -> Path:
        return rewrite_submission(good, folder / f"{name}.claimdesk-submission", change)

    def raw(name: str, text: str) -> Path:
        path = folder / f"{name}.claimdesk-submission"
        return zip_with(path, [("mimetype", mime), ("submission.json", text.encode())])

    def set_annotation(key: str, value: Any) -> Callable[[Any], None]:
        return lambda d: d["annotations"][0].update({key: value})

    cases = [
        (
            zip_with(
                folder / "slip.claimdesk-submission",
                [("mimetype", mime), ("submission.json", body), ("../../evil.txt", b"x")],
            ),
            "entry ../../evil.txt: refused: its path climbs out of the archive ('..')",
        ),
        (
            zip_with(
                folder / "absolute.claimdesk-submission",
                [("mimetype", mime), ("/etc/cron.d/evil", b"x")],
            ),
            "entry /etc/cron.d/evil: refused: it has an absolute path",
        ),
        (
            zip_with(
                folder / "symlink.claimdesk-submission",
                [("mimetype", mime), (symlink_entry("submission.json"), b"/etc/passwd")],
            ),
            "entry submission.json: refused: it is a symbolic link",
        ),
        (
            zip_with(
                folder / "bomb.claimdesk-submission",
                [("mimetype", mime), ("submission.json", b"{" + b" " * 60_000_000 + b"}")],
            ),
            "entry submission.json: refused: it is compressed",
        ),
        (
            zip_with(
                folder / "extra.claimdesk-submission",
                [("mimetype", mime), ("submission.json", body), ("readme.txt", b"hi")],
            ),
            "unexpected contents: 'readme.txt'",
        ),
        (
            sqlite_with_trigger(folder / "sqlite.claimdesk-submission"),
            "is not a Claimdesk submission (not a readable zip archive: ",
        ),
        (
            zip_with(
                folder / "many.claimdesk-submission",
                [("mimetype", mime)] + [(f"e{n}", b"") for n in range(40)],
            ),
            "the archive has 41 entries (limit 16)",
        ),
        (
            empty(folder / "empty.claimdesk-submission"),
            "is not a Claimdesk submission (not a readable zip archive: ",
        ),
        (
            zip_with(
                folder / "exercise-mime.claimdesk-submission",
                [("mimetype", b"application/x-claimdesk-exercise"), ("submission.json", body)],
            ),
            "it says it is 'application/x-claimdesk-exercise'",
        ),
        (raw("notjson", "{'annotations': ["), "invalid JSON"),
        (
            raw("nan", body.decode().replace('"seconds_spent":', '"seconds_spent": NaN, "x":')),
            "NaN",
        ),
        (raw("deep", "[" * 100_000 + "]" * 100_000), "nested too deeply"),
        (
            zip_with(
                folder / "latin1.claimdesk-submission",
                [("mimetype", mime), ("submission.json", b'{"x": "\xe9"}')],
            ),
            "not UTF-8",
        ),
        (tampered("newer", lambda d: d.update(version=99)), "newer version of Claimdesk"),
        (tampered("wrongtype", set_annotation("start", "0")), "should be a whole number, not text"),
        (tampered("nullname", lambda d: d["student"].update(name=None)), '"name" should be text'),
        (
            tampered("escape", lambda d: d["student"].update(name="Eve\x1b[2J\x1b[31m")),
            "control characters",
        ),
        (
            tampered("rtl", lambda d: d["student"].update(name="Ann\u202egnp.exe")),
            "right-to-left override",
        ),
        (
            tampered("list", lambda d: d.update(annotations={"0": 1})),
            '"annotations" should be a list',
        ),
        (huge_count(folder / "huge.claimdesk-submission", data), "at most 500,000 are allowed"),
        (tampered("outside", set_annotation("end", 10_000)), "outside its document"),
        (tampered("negative", set_annotation("start", -5)), "outside 0–"),
        (tampered("backwards", set_annotation("end", 0)), "outside"),
        (tampered("quote", set_annotation("quote", "<script>")), "quotes text that is not"),
        (tampered("label", set_annotation("label", "Opinion")), "not in the exercise"),
        (tampered("doc", set_annotation("document", 999)), "not in the exercise"),
        (
            tampered("codebook", lambda d: d.update(fingerprint="0" * 64)),
            "different codebook",
        ),
        (
            tampered("exercise", lambda d: d.update(exercise_id="f" * 32)),
            "exercise that is not in this project",
        ),
        (
            tampered("twice", lambda d: d["annotations"].append(dict(d["annotations"][0]))),
            "appears twice",
        ),
        (
            tampered("bigint", lambda d: d.update(seconds_spent=10**30)),
            "outside 0–",
        ),
    ]
    assert payload  # the good file stays as it was
    return cases


def test_every_hostile_submission_is_refused_and_changes_nothing(
    setting: tuple[Project, Path, Path], tmp_path: Path
) -> None:
    project, _, good = setting
    folder = tmp_path / "hostile"
    folder.mkdir()
    cases = hostile_files(folder, good)
    before = table_rows(project)
    report = collect(project, [p for p, _ in cases])
    assert table_rows(project) == before
    assert not report.accepted and not report.replaced and not report.skipped
    reasons = dict(report.rejected)
    assert set(reasons) == {p for p, _ in cases}
    for path, words in cases:
        assert words in reasons[path], (path.name, reasons[path])
    assert not (tmp_path / "evil.txt").exists()
    # The good file, collected afterwards, is accepted as usual.
    assert [name for _, name in collect(project, [good]).accepted] == ["Ann"]


def test_names_and_notes_that_look_like_html_stay_plain_text(
    setting: tuple[Project, Path, Path], tmp_path: Path
) -> None:
    project, exercise, _ = setting
    path = student_submits(
        exercise, "<img src=x onerror=alert(1)>", [(0, "Claim", 0, 10)], tmp_path / "h", "=1+1"
    )
    rewrite_submission(
        path, path, lambda d: d["annotations"][0].update(note="<script>alert('x')</script>")
    )
    report = collect(project, [path])
    assert [name for _, name in report.accepted] == ["<img src=x onerror=alert(1)> (=1+1)"]
    annotator = next(a for a in project.annotators() if a.name.startswith("<img"))
    notes = [a.note for a in project.annotations(project.documents()[0].id, annotator.id)]
    assert notes == ["<script>alert('x')</script>"]


def test_exercise_file_holds_no_key_and_reads_back(setting: tuple[Project, Path, Path]) -> None:
    _, exercise, _ = setting
    data = read_json(exercise, "exercise.json")
    assert "annotations" not in json.dumps(data)
    assert "Teacher" not in exercise.read_bytes().decode("latin-1")
    with zipfile.ZipFile(exercise) as archive:
        assert archive.namelist() == ["mimetype", "exercise.json"]
        assert archive.read("mimetype") == b"application/x-claimdesk-exercise"
    read = read_exercise(exercise)
    assert read.documents[0].text == TEXT_1
    assert [label.name for label in read.codebook.labels] == ["Claim", "Evidence", "<b>Source</b>"]
    assert read.codebook.labels[2].description == "Who says it <i>(name them)</i>."
    assert read.guidelines == "Mark every claim; <script>alert(1)</script> stays text."


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.update(version=2), "newer version of Claimdesk"),
        (lambda d: d["codebook"]["labels"][0].update(colour="#000000"), "fingerprint"),
        (lambda d: d["documents"][0].update(text="other text"), "checksum"),
        (lambda d: d["documents"].append(d["documents"][0]), "appears twice"),
        (lambda d: d.update(documents=[]), "no documents"),
        (lambda d: d.update(id="../../x"), "not an exercise id"),
        (lambda d: d["documents"][0].update(id="1"), "whole number"),
        (lambda d: d.update(title=["x"]), '"title" should be text, not a list'),
    ],
)
def test_altered_exercise_files_are_refused(
    setting: tuple[Project, Path, Path], tmp_path: Path, change: Any, words: str
) -> None:
    _, exercise, _ = setting
    data = read_json(exercise, "exercise.json")
    change(data)
    bad = tmp_path / "bad.claimdesk-exercise"
    write_archive(bad, "application/x-claimdesk-exercise", "exercise.json", data)
    before = sorted(workspaces_dir().iterdir())
    with pytest.raises(ExerciseFileError, match=words) as caught:
        open_workspace(bad, "Ann")
    assert str(caught.value).startswith("bad.claimdesk-exercise: ")
    assert sorted(workspaces_dir().iterdir()) == before  # no workspace was started


def test_a_submission_is_not_an_exercise(setting: tuple[Project, Path, Path]) -> None:
    _, exercise, good = setting
    with pytest.raises(
        ExerciseFileError, match=r"^good\.claimdesk-submission: is not a Claimdesk ex"
    ):
        read_exercise(good)
    with pytest.raises(ExerciseFileError, match="is not a Claimdesk submission"):
        read_submission(exercise)


@pytest.fixture
def alarm() -> Iterator[None]:
    """Fail instead of hanging: a FIFO opened for reading blocks until a writer comes."""

    def hung(*_: object) -> None:
        raise TimeoutError("reading blocked")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_only_regular_files_are_read(
    setting: tuple[Project, Path, Path], tmp_path: Path, alarm: None
) -> None:
    project, _, good = setting
    folder = tmp_path / "drop"
    folder.mkdir()
    fifo = folder / "pipe.claimdesk-submission"
    os.mkfifo(fifo)
    zero = folder / "zero.claimdesk-submission"
    zero.symlink_to("/dev/zero")
    inner = folder / "inner.claimdesk-submission"
    inner.mkdir()
    before = table_rows(project)
    report = collect(project, [folder, fifo, zero])
    reasons = dict(report.rejected)
    assert "is a named pipe (FIFO), not a Claimdesk submission" in reasons[fifo]
    assert "is a device, not a Claimdesk submission" in reasons[zero]
    assert "is a folder, not a Claimdesk submission" in reasons[inner]
    assert table_rows(project) == before
    exercise_fifo = tmp_path / "x.claimdesk-exercise"
    os.mkfifo(exercise_fifo)
    with pytest.raises(ExerciseFileError, match=r"x\.claimdesk-exercise: is a named pipe"):
        read_exercise(exercise_fifo)
    (tmp_path / "dev.claimdesk-exercise").symlink_to("/dev/zero")
    with pytest.raises(ExerciseFileError, match="is a device"):
        read_exercise(tmp_path / "dev.claimdesk-exercise")
    assert collect(project, [good]).accepted  # a regular file is still read


def test_millions_of_tiny_items_are_refused_before_parsing(
    setting: tuple[Project, Path, Path], tmp_path: Path
) -> None:
    project, _, good = setting
    data = read_json(good, "submission.json")
    # 8.2 million values in 16.4 MB: far under the byte limits, far over what 500,000
    # annotations with their attribute values and 200,000 relations need. Stored, not
    # compressed (it would trip the ratio check).
    body = json.dumps({**data, "documents_done": [0] * 8_200_000}, separators=(",", ":"))
    path = tmp_path / "tiny.claimdesk-submission"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("mimetype", SUBMISSION_MIMETYPE)
        archive.writestr("submission.json", body.encode())
    before = table_rows(project)
    ((_, reason),) = collect(project, [path]).rejected
    assert "holds 8,2" in reason and "items or more; at most 7,931,000 are allowed" in reason
    assert table_rows(project) == before


def test_a_student_with_overrides_cannot_start_and_one_named_gold_can(
    setting: tuple[Project, Path, Path],
) -> None:
    _, exercise_file, _ = setting
    for name, student_id, words in (
        ("Ann\u202egnp", "", "right-to-left override"),
        ("Ann", "S\x1b[2J", "student id holds control characters"),
    ):
        with pytest.raises(ExerciseError, match=words):
            open_workspace(exercise_file, name, student_id)
    # The gold set is marked in the project, not named: a student called Gold is a person.
    assert open_workspace(exercise_file, "Gold", "").exists()
    assert open_workspace(exercise_file, "Gold", "S9").exists()
