"""Files handed to Claimdesk: routed by type, passed to a running Claimdesk, smoke-tested."""

from __future__ import annotations

import configparser
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from claimdesk.core.store.project import Project
from claimdesk.gui.launch import open_path, suffix_of
from claimdesk.gui.main_window import MainWindow
from tests.gui.classroom_prompts import ClassroomPrompts
from tests.gui.conftest import ScriptedPrompts

PROGRAM = Path(sys.executable).parent / "claimdesk"


def test_suffixes_are_told_apart_longest_first_and_case_insensitively() -> None:
    assert suffix_of("a/b.claimdesk") == ".claimdesk"
    assert suffix_of("Week 3.CLAIMDESK-EXERCISE") == ".claimdesk-exercise"
    assert suffix_of("x.claimdesk-submission") == ".claimdesk-submission"
    assert suffix_of("notes.txt") == ""
    assert suffix_of("x.claimdesk.txt") == ""


def test_a_damaged_exercise_is_refused_by_name_and_changes_nothing(
    window: MainWindow, prompts: ScriptedPrompts, tmp_path: Path
) -> None:
    path = tmp_path / "Week 𠀋.claimdesk-exercise"
    path.write_bytes(b"PK\x03\x04 not read")
    before = window.project.path
    assert not open_path(window, path)
    assert len(prompts.errors) == 1 and "Week 𠀋.claimdesk-exercise" in prompts.errors[0]
    assert window.project.path == before


def test_a_damaged_submission_is_listed_as_rejected_and_collects_nothing(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    prompts = ClassroomPrompts()
    window.prompts = prompts
    path = tmp_path / "ana.claimdesk-submission"
    path.write_bytes(b"PK\x03\x04 not read")
    annotators = window.project.annotators()
    assert open_path(window, path)
    qtbot.waitUntil(lambda: bool(prompts.reports), timeout=10000)
    summary, body = prompts.reports[0]
    assert "rejected" in summary.lower()
    assert "Rejected (1)" in body and "ana.claimdesk-submission" in body
    assert window.project.annotators() == annotators


@pytest.mark.parametrize("name", ["week 1.claimdesk-exercise", "WEEK 1.CLAIMDESK-EXERCISE"])
def test_an_exercise_handed_over_opens_the_students_workspace(
    window: MainWindow, tmp_path: Path, name: str
) -> None:
    from claimdesk.core.classroom.exercise import create_exercise

    teacher = window.project
    titles = [d.title for d in teacher.documents()]
    exercise = create_exercise(
        teacher,
        tmp_path / "week 1",
        title="Week 1",
        document_ids=[d.id for d in teacher.documents()],
        guidelines="Mark claims.",
    ).path
    assert exercise is not None
    exercise = exercise.rename(tmp_path / name)  # any case, as file managers and mail keep it
    prompts = ClassroomPrompts()
    prompts.identities = [("Ana", "s1")]
    window.prompts = prompts
    assert open_path(window, exercise)
    assert prompts.errors == []
    assert window.project.path != teacher.path
    assert window.student_mode is not None
    assert [d.title for d in window.project.documents()] == titles


def test_unknown_files_are_refused_by_name(
    window: MainWindow, prompts: ScriptedPrompts, tmp_path: Path
) -> None:
    assert not open_path(window, tmp_path / "<b>x<b>&amp;.docx")
    assert prompts.errors[0].startswith("<b>x<b>&amp;.docx: Claimdesk opens only")


def test_a_project_file_replaces_the_open_project(
    window: MainWindow, prompts: ScriptedPrompts, template_project: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.claimdesk"
    shutil.copy2(template_project, other)
    assert open_path(window, other)
    assert window.project.path == other and prompts.errors == []
    assert window.statusBar().currentMessage() == (
        "Opened other.claimdesk; test.claimdesk is saved and closed."
    )
    assert open_path(window, other)  # the same again: nothing to do, no error
    assert window.project.path == other and prompts.errors == []


# -- two real processes -------------------------------------------------------------------------


def _env(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "CLAIMDESK_DATA_DIR": str(home / "data"),
        "CLAIMDESK_CONFIG_DIR": str(home / "config"),
    }


def _last_project(home: Path) -> str:
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(home / "config" / "claimdesk.ini", encoding="utf-8")
    return ini.get("projects", "last", fallback="")


def _wait(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def two_projects(template_project: Path, tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "first.claimdesk", tmp_path / "second 𠀋.claimdesk"
    for path in (first, second):
        shutil.copy2(template_project, path)
    return first, second


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "claimdesk.ini").write_text("[annotator]\nname=Desk User\n")
    return home


@pytest.fixture
def running(home: Path, two_projects: tuple[Path, Path]) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen([str(PROGRAM), str(two_projects[0])], env=_env(home))
    try:
        _wait(lambda: _last_project(home) == str(two_projects[0]), 60, "the first launch")
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(20)


def test_second_launch_hands_its_file_to_the_running_claimdesk(
    running: subprocess.Popen[bytes], home: Path, two_projects: tuple[Path, Path]
) -> None:
    second = subprocess.run(
        [str(PROGRAM), str(two_projects[1])], env=_env(home), timeout=60, capture_output=True
    )
    assert second.returncode == 0, second.stderr.decode()
    # The running program opened it (and remembers it as the last project)...
    _wait(lambda: _last_project(home) == str(two_projects[1]), 30, "the running app to open it")
    assert running.poll() is None
    # ...and a third launch with no file just brings it forward.
    third = subprocess.run([str(PROGRAM)], env=_env(home), timeout=60, capture_output=True)
    assert third.returncode == 0 and running.poll() is None


def test_a_claimdesk_that_crashed_does_not_block_the_next_launch(
    running: subprocess.Popen[bytes], home: Path, two_projects: tuple[Path, Path]
) -> None:
    running.send_signal(signal.SIGKILL)
    running.wait(20)
    process = subprocess.Popen([str(PROGRAM), str(two_projects[1])], env=_env(home))
    try:
        _wait(lambda: _last_project(home) == str(two_projects[1]), 60, "the new launch")
        # It is the running one now: a later launch hands over to it.
        handed = subprocess.run(
            [str(PROGRAM), str(two_projects[0])], env=_env(home), timeout=60, capture_output=True
        )
        assert handed.returncode == 0
        _wait(lambda: _last_project(home) == str(two_projects[0]), 30, "the hand-over")
        assert process.poll() is None
    finally:
        process.terminate()
        process.wait(20)


# -- claimdesk --smoke-test against the installed entry point -----------------------------------


def _smoke(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMDESK_")}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "share"),
        XDG_CONFIG_HOME=str(home / "config"),
        QT_QPA_PLATFORM="offscreen",
    )
    env.pop("DISPLAY", None)
    return subprocess.run(
        [str(PROGRAM), "--smoke-test", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_smoke_test_passes_and_leaves_the_users_folders_alone(tmp_path: Path) -> None:
    shot = tmp_path / "smoke.png"
    result = _smoke(tmp_path / "home", "--screenshot", str(shot))
    assert result.returncode == 0, result.stderr
    assert "smoke test passed" in result.stdout
    assert "found it after reopening" in result.stdout
    # The parts loaded by name: every dataset format (spaCy is installed with the test extra)
    # and the agreement dashboard's charts.
    formats = "jsonl, csv, brat, conll, spacy, labelstudio, uima-xmi, w3c, qdpx"
    assert f"exported to {formats};" in result.stdout
    assert "drew the agreement dashboard" in result.stdout
    # The extraction libraries, loaded when an article of their kind is first read.
    from claimdesk.core.text.extract import EXTRACTORS

    assert f"read articles from {', '.join(EXTRACTORS)}" in result.stdout
    assert shot.stat().st_size > 10_000
    assert not (tmp_path / "home").exists() or not any((tmp_path / "home").rglob("*.claimdesk"))


def test_smoke_test_opens_a_copy_of_the_file_given(seeded: Project, tmp_path: Path) -> None:
    path = seeded.path
    title = seeded.overview(seeded.ensure_annotator("Ana").id)[0].title
    seeded.close()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    result = _smoke(tmp_path / "home", str(path))
    assert result.returncode == 0, result.stderr
    assert title in result.stdout and "test.claimdesk" not in result.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), (b"=SUM(A1) not a database", "could not be opened")],
)
def test_smoke_test_fails_loudly(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "broken.claimdesk"
    if content is not None:
        path.write_bytes(content)
    result = _smoke(tmp_path / "home", str(path))
    assert result.returncode == 1
    assert "smoke test FAILED" in result.stderr and message in result.stderr


def test_smoke_test_names_a_format_this_installation_lacks(
    seeded: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A packaged build that left a format module out: the registry still lists the format.
    from claimdesk.core.formats import registry
    from claimdesk.gui.smoke import SmokeFailure, export_every_format

    ghost = registry.FormatInfo("ghost", "ghost_module", "Left out", False, ".x", True)
    monkeypatch.setattr(registry, "FORMATS", (*registry.FORMATS, ghost))
    with pytest.raises(SmokeFailure, match="the export to ghost failed"):
        export_every_format(seeded, tmp_path / "exports")
    assert (tmp_path / "exports" / "qdpx.qdpx").is_file()  # the ones before it were written


def test_smoke_test_opens_an_exercise_as_its_own_student_and_refuses_a_submission(
    seeded: Project, tmp_path: Path
) -> None:
    from claimdesk.core.classroom.exercise import create_exercise

    first = seeded.overview(seeded.ensure_annotator("Teacher").id)[0].id
    exercise = tmp_path / "Week 𠀋.claimdesk-exercise"
    create_exercise(seeded, exercise, title="Week 𠀋 <b>x</b>", document_ids=[first])
    seeded.close()
    result = _smoke(tmp_path / "home", str(exercise))  # never stops to ask for a name
    assert result.returncode == 0, result.stderr
    assert "— Week 𠀋 <b>x</b> — Claimdesk" in result.stdout
    submission = tmp_path / "Ana.claimdesk-submission"
    shutil.copy2(exercise, submission)
    result = _smoke(tmp_path / "home", str(submission))
    assert result.returncode == 1
    assert "Ana.claimdesk-submission: the smoke test opens a project or" in result.stderr
