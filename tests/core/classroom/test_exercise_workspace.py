"""The student's side without a window: workspace files, time spent, submitting, bad exercises."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from claimdesk.core.classroom.collect import read_submission
from claimdesk.core.classroom.exercise import ExerciseError, ExerciseFileError, read_exercise
from claimdesk.core.classroom.workspace import (
    estimate_seconds,
    open_workspace,
    submit,
    workspace_info,
    workspace_path,
    workspaces_dir,
)
from claimdesk.core.paths import in_data_dir, user_documents_dir
from claimdesk.core.store.project import Project
from tests.core.classroom.classroom_kit import annotate, exercise_with_key, teacher_project


@pytest.fixture
def exercise(tmp_path: Path) -> Iterator[Path]:
    with teacher_project(tmp_path / "teacher") as project:
        info = exercise_with_key(project, tmp_path, [(0, "Claim", 0, 10)])
    assert info.path is not None
    yield info.path


def test_a_half_made_workspace_does_not_block_the_student(exercise: Path) -> None:
    # A crash while the workspace was being built leaves only a partial file beside it.
    final = workspace_path(exercise, "Ann")
    workspaces_dir().mkdir(parents=True, exist_ok=True)
    partial = final.with_name(f".{final.stem}.partial.claimdesk")
    partial.write_bytes(b"half a database")
    assert open_workspace(exercise, "Ann") == final
    assert not partial.exists()
    with Project.open(final) as project:
        assert workspace_info(project) is not None


def test_a_stranger_under_the_workspace_name_is_refused(exercise: Path) -> None:
    final = workspace_path(exercise, "Ann")
    workspaces_dir().mkdir(parents=True, exist_ok=True)
    Project.create(final).close()  # an ordinary project, not this exercise's workspace
    with pytest.raises(ExerciseError, match="is not the workspace of this exercise"):
        open_workspace(exercise, "Ann")


def test_names_are_needed_and_bounded(exercise: Path) -> None:
    with pytest.raises(ExerciseError, match="enter your name"):
        open_workspace(exercise, "   ")
    with pytest.raises(ExerciseError, match="the limit is 200"):
        open_workspace(exercise, "A" * 201)
    with pytest.raises(ExerciseError, match="control characters"):
        open_workspace(exercise, "Eve\x1b[31m")
    # Emoji sequences with zero-width joiners and names outside the BMP are names like any.
    assert open_workspace(exercise, "👩\u200d💻 𠀋子", "ü-1").exists()


def test_time_spent_from_edits_leaves_out_breaks() -> None:
    start = datetime(2026, 1, 1, 9, 0)
    moments = [start + timedelta(seconds=s) for s in (0, 60, 100, 100 + 3600, 100 + 3630)]
    # 60 + 40 of work, an hour's break not counted, then 30 more.
    assert estimate_seconds(moments) == 130
    assert estimate_seconds([]) == 0


def test_submit_writes_only_the_students_work(exercise: Path, tmp_path: Path) -> None:
    path = open_workspace(exercise, "Ann", "s1")
    with Project.open(path) as project:
        work = workspace_info(project)
        assert work is not None
        annotate(project, work.annotator.id, [(0, "Evidence", 3, 9), (1, "Claim", 0, 4)])
        other = project.ensure_annotator("Someone else")
        annotate(project, other.id, [(0, "Claim", 20, 30)])
        written = submit(project, tmp_path)
        assert (
            written.parent == tmp_path and written.name == "Week 1 - Ann (s1).claimdesk-submission"
        )
        again = submit(project, tmp_path / "mine")
        assert again.name == "mine.claimdesk-submission"
    submission = read_submission(written)
    assert (submission.student_name, submission.student_id) == ("Ann", "s1")
    assert submission.exercise_id == read_exercise(exercise).id
    assert [(a.label, a.start, a.end) for a in submission.annotations] == [
        ("Evidence", 3, 9),
        ("Claim", 0, 4),
    ]
    assert read_submission(again).submitted_at > submission.submitted_at
    with zipfile.ZipFile(written) as archive:
        assert archive.namelist() == ["mimetype", "submission.json"]


def test_submit_needs_a_workspace(tmp_path: Path, project: Project) -> None:
    with pytest.raises(ExerciseError, match="is not an exercise workspace"):
        submit(project, tmp_path)


@pytest.mark.parametrize(
    ("entries", "words"),
    [
        (
            [("mimetype", b"application/x-claimdesk-exercise"), ("../exercise.json", b"{}")],
            "entry ../exercise.json: refused: its path climbs out of the archive",
        ),
        (
            [("mimetype", b"application/x-claimdesk-exercise"), ("C:/x/exercise.json", b"{}")],
            "entry C:/x/exercise.json: refused: its name holds a drive letter",
        ),
        (
            [
                ("mimetype", b"application/x-claimdesk-exercise"),
                ("exercise.json", b" " * 30_000_000),
            ],
            "entry exercise.json: refused: it is compressed 1,028 times .limit 200.: a zip bomb",
        ),
        ([("mimetype", b"text/plain"), ("exercise.json", b"{}")], "it says it is 'text/plain'"),
        (
            [("mimetype", b"application/x-claimdesk-exercise"), ("exercise.json", b"[1, 2]")],
            "is not an object",
        ),
    ],
)
def test_hostile_exercise_archives_are_refused(
    tmp_path: Path, entries: list[tuple[str, bytes]], words: str
) -> None:
    path = tmp_path / "hostile.claimdesk-exercise"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    with pytest.raises(ExerciseFileError, match=words) as caught:
        open_workspace(path, "Ann")
    assert str(caught.value).startswith("hostile.claimdesk-exercise: ")
    assert not workspaces_dir().exists() or not any(workspaces_dir().iterdir())


def test_submit_goes_next_to_the_exercise_or_else_to_documents(exercise: Path) -> None:
    path = open_workspace(exercise, "Ann")
    with Project.open(path) as project:
        assert submit(project).parent == exercise.parent
        # The exercise's folder is gone (a USB stick pulled out): Documents/Claimdesk instead,
        # where the student sees it (not the hidden data folder their workspace is in).
        moved = exercise.parent.with_name("moved")
        exercise.parent.rename(moved)
        written = submit(project)
        assert written.parent == user_documents_dir() / "Claimdesk"
        assert not in_data_dir(written) and in_data_dir(path)
        assert read_submission(written).student_name == "Ann"


_STUDENT = """
import sys, time
from claimdesk.core.store.project import Project
from claimdesk.core.classroom.workspace import open_workspace, record_time, workspace_info
path = open_workspace(sys.argv[1], "Ann")
project = Project.open(path)
work = workspace_info(project)
document = project.documents()[0]
label = project.labels()[0]
changes = project.add_annotation(document.id, label.id, work.annotator.id, 0, 10)
record_time(project, 42)
print("EDITED", path, flush=True)
time.sleep(120)
"""


def test_a_students_edit_survives_the_laptop_dying(exercise: Path, tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[3]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(root / "packaging" / "editable"), str(root)]),
    }
    process = subprocess.Popen(
        [sys.executable, "-c", _STUDENT, str(exercise)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 60)
        assert ready, "the student process did not report its edit"
        line = process.stdout.readline()
        assert line.startswith("EDITED ")
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(30)
    assert process.returncode == -signal.SIGKILL
    # Opening the exercise again resumes the same workspace, edit and time included.
    path = open_workspace(exercise, "Ann")
    assert str(path) == line.split(" ", 1)[1].strip()
    with Project.open(path) as project:
        work = workspace_info(project)
        assert work is not None
        assert (work.annotations, work.seconds_spent) == (1, 42)
