"""Where Claimdesk writes: no project, folder or file being read is ever replaced."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from claimdesk.core.outputs import (
    OutputError,
    atomic_write,
    check_folder,
    check_output,
    file_name_part,
    partial_files,
    prepare_folder,
    remove_stale_partials,
    write_text_file,
)
from claimdesk.core.store.project import Project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    Project.create(tmp_path / "P.claimdesk").close()
    return tmp_path / "P.claimdesk"


def refused(out: Path, *words: str, **kwargs: object) -> str:
    with pytest.raises(OutputError) as caught:
        check_output(out, **kwargs)  # type: ignore[arg-type]
    message = str(caught.value)
    for word in words:
        assert word in message
    return message


def test_a_project_is_never_replaced_by_any_name(project: Path, tmp_path: Path) -> None:
    before = project.read_bytes()
    refused(project, "P.claimdesk: is a Claimdesk project, which is never replaced")
    renamed = tmp_path / "renamed.jsonl"
    os.link(project, renamed)  # another name of the same file
    refused(renamed, "renamed.jsonl: is a Claimdesk project")
    link = tmp_path / "link.csv"
    link.symlink_to(project)
    refused(link, "link.csv: is the Claimdesk project this command reads", reading=[project])
    refused(tmp_path / "sub" / ".." / "P.claimdesk", reading=[project])
    for side in ("-wal", "-shm", "-journal"):
        refused(
            Path(f"{project}{side}"), f"belongs to the Claimdesk project P.claimdesk (its {side}"
        )
    with pytest.raises(OutputError), atomic_write(project) as temp:
        temp.write_text("{}", encoding="utf-8")
    assert project.read_bytes() == before
    assert partial_files(project) == []


def test_the_file_being_read_is_refused_even_when_it_is_no_project(tmp_path: Path) -> None:
    exercise = tmp_path / "week.claimdesk-exercise"
    exercise.write_bytes(b"PK\x03\x04 not really")
    refused(tmp_path / "." / exercise.name, "is the file this command reads", reading=[exercise])
    check_output(exercise)  # not being read: an ordinary file, replaced as -o usually does


def test_folders_devices_and_missing_places(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    refused(tmp_path / "dir", "dir: is a folder; give a file name")
    check_output(tmp_path / "dir", folder=True)  # an empty folder for a folder format
    (tmp_path / "dir" / "mine.txt").write_text("keep", encoding="utf-8")
    refused(tmp_path / "dir", "already holds files", folder=True)
    pipe = tmp_path / "pipe"  # a FIFO, not /dev/null: a failing test must break nothing
    os.mkfifo(pipe)
    refused(pipe, "pipe: is not a regular file", folder=False)
    plain = tmp_path / "plain"
    plain.write_text("x", encoding="utf-8")
    refused(
        plain / "sub" / "out.csv", "out.csv: cannot be written:", "plain is a file, not a folder"
    )
    refused(tmp_path / "nowhere" / "out.csv", "the folder", "nowhere does not exist")
    refused(plain, "is a file; this format writes a folder", folder=True)


def test_ordinary_files_are_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_text("old", encoding="utf-8")
    assert write_text_file(out, "new") == out
    assert out.read_text(encoding="utf-8") == "new"
    with pytest.raises(RuntimeError), atomic_write(out) as temp:
        temp.write_text("half", encoding="utf-8")
        raise RuntimeError("stopped")
    assert out.read_text(encoding="utf-8") == "new"
    assert partial_files(out) == []


def test_an_os_error_while_writing_names_the_file(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    with (
        pytest.raises(OutputError, match=r"out\.csv: cannot be written \(") as caught,
        atomic_write(out) as temp,
    ):
        (temp / "inside").write_text("x", encoding="utf-8")  # temp is no folder: an OSError
    assert caught.value.__cause__ is None
    assert not out.exists() and partial_files(out) == []


def test_feedback_folder_checks(project: Path, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"P\.claimdesk: is a Claimdesk project, not a folder"):
        prepare_folder(project)
    plain = tmp_path / "pages.html"
    plain.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match=r"pages\.html: is a file, not a folder"):
        check_folder(plain)
    with pytest.raises(OutputError, match=r"pages\.html is a file, not a folder"):
        prepare_folder(plain / "a" / "b")
    made = prepare_folder(tmp_path / "x" / "y")
    assert made.is_dir()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_partials_of_dead_writers_are_removed_and_no_others(tmp_path: Path) -> None:
    out = tmp_path / "claims.jsonl"
    dead = _dead_pid()
    stale_file = tmp_path / f".claims.jsonl.{dead}.partial"
    stale_file.write_text("half", encoding="utf-8")
    stale_folder = tmp_path / f".claims.jsonl.{dead}.0a1b2c3d.partial"
    stale_folder.mkdir()
    (stale_folder / "a.ann").write_text("T1", encoding="utf-8")
    alive = tmp_path / f".claims.jsonl.{os.getppid()}.partial"  # a running process
    alive.write_text("busy", encoding="utf-8")
    other_name = tmp_path / f".other.jsonl.{dead}.partial"
    other_name.write_text("not ours", encoding="utf-8")
    lookalike = tmp_path / f".claims.jsonl.{dead}.partial.bak"
    lookalike.write_text("not a partial", encoding="utf-8")
    assert sorted(remove_stale_partials(out)) == sorted([stale_file, stale_folder])
    assert alive.exists() and other_name.exists() and lookalike.exists()
    write_text_file(out, "{}\n")
    assert partial_files(out) == [alive]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ann Lee", "Ann Lee"),
        ("..", "student"),
        (".", "student"),
        ("../../etc/passwd", "etc_passwd"),
        ("evil\u202egpj.exe", "evil_gpj.exe"),
        ("line\nbreak\x1b[31m", "line_break_[31m"),
        ("a\\b:c*d?e", "a_b_c_d_e"),
        ("\ud800x", "x"),
        ("  spaced   out  ", "spaced out"),
    ],
)
def test_file_name_parts_are_safe(name: str, expected: str) -> None:
    assert file_name_part(name, "student") == expected


def test_file_name_parts_are_bounded_in_bytes() -> None:
    part = file_name_part("😀" * 200, "student", max_bytes=120)
    assert len(part.encode("utf-8")) <= 120 and part == "😀" * 30
