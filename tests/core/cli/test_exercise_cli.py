"""claimdesk-cli exercise create|list|key|collect|grade, run as the installed console script."""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import pytest

from claimdesk.core.store.project import Project
from tests.core.classroom.classroom_kit import annotate, student_submits, teacher_project
from tests.core.cli.test_cli import digest, failed, ok, run


@pytest.fixture
def teacher(tmp_path: Path) -> Path:
    with teacher_project(tmp_path / "teacher") as project:
        key = project.ensure_annotator("Key maker")
        annotate(project, key.id, [(0, "Claim", 0, 10), (0, "Evidence", 20, 30)])
        return project.path


def test_help_for_every_exercise_command(tmp_path: Path) -> None:
    assert "create" in ok(run("exercise", "--help", cwd=tmp_path))
    for action, words in [
        ("create", "never goes into the file"),
        ("collect", "newer submission from the same student replaces"),
        ("history", "held as conflicts"),
        ("accept", "held as a conflict"),
        ("grade", "--tolerance N"),
        ("list", "PROJECT"),
        ("key", "'none' clears it"),
        ("start", "every edit is saved at once"),
        ("submit", "only the student's annotations"),
    ]:
        assert words in " ".join(ok(run("exercise", action, "--help", cwd=tmp_path)).split())


def test_create_collect_grade(teacher: Path, tmp_path: Path) -> None:
    guidelines = tmp_path / "guidelines.txt"
    guidelines.write_text("Mark claims, not opinions.\n", encoding="utf-8")
    out = ok(
        run(
            "exercise",
            "create",
            teacher,
            "--out",
            tmp_path / "week1",
            "--documents",
            "all",
            "--title",
            "Week 1",
            "--key",
            "Key maker",
            "--guidelines",
            guidelines,
            cwd=tmp_path,
        )
    )
    exercise = tmp_path / "week1.claimdesk-exercise"
    assert f"Wrote {exercise} (2 document(s))" in out and "Answer key: Key maker" in out
    assert "Week 1  documents: 2  key: Key maker  submissions: 0" in ok(
        run("exercise", "list", teacher, cwd=tmp_path)
    )
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    student_submits(exercise, "Ann", [(0, "Claim", 0, 10), (0, "Evidence", 22, 30)], inbox)
    student_submits(exercise, "=cmd|' /C calc'!A0", [(0, "Claim", 0, 10)], inbox)
    junk = inbox / "junk.claimdesk-submission"
    junk.write_text("not a zip", encoding="utf-8")
    # A rejected file beside good ones: the good ones are collected, the exit status says 1.
    collected = run("exercise", "collect", teacher, inbox, cwd=tmp_path)
    assert collected.returncode == 1 and "Traceback" not in collected.stderr
    out = collected.stdout
    assert f"rejected  {junk}: is not a Claimdesk submission" in out
    assert "2 accepted, 0 replaced, 0 skipped, 1 rejected." in out

    out = ok(
        run(
            "exercise",
            "grade",
            teacher,
            "--csv",
            tmp_path / "class.csv",
            "--feedback",
            tmp_path / "feedback",
            cwd=tmp_path,
        )
    )
    assert "2 student(s) against Key maker (2 claims)" in out
    # Ann: exact 1 of 2 -> F1 0.5; overlap 2 of 2 -> 1.0.
    assert any(line.split()[:3] == ["Ann", "0.500", "1.000"] for line in out.splitlines())
    with (tmp_path / "class.csv").open(encoding="utf-8-sig", newline="") as handle:
        names = [row[0] for row in csv.reader(handle)][1:]
    assert sorted(names) == ["'=cmd|' /C calc'!A0", "Ann"]
    assert len(list((tmp_path / "feedback").glob("*.html"))) == 2
    strict = ok(run("exercise", "grade", teacher, "--tolerance", "0", cwd=tmp_path))
    assert "ends within 0" in strict
    assert any(line.split()[:3] == ["Ann", "0.500", "0.500"] for line in strict.splitlines())


def test_refusals_name_the_problem(teacher: Path, tmp_path: Path) -> None:
    failed(run("exercise", "grade", teacher, cwd=tmp_path), "has no exercises yet")
    failed(
        run(
            "exercise",
            "create",
            teacher,
            "--out",
            tmp_path / "x",
            "--documents",
            "7",
            "--title",
            "T",
            cwd=tmp_path,
        ),
        "no document with id 7",
    )
    failed(
        run(
            "exercise",
            "create",
            teacher,
            "--out",
            tmp_path / "x",
            "--documents",
            "all",
            "--title",
            "T",
            "--key",
            "Nobody",
            cwd=tmp_path,
        ),
        "no annotator 'Nobody'",
    )
    ok(
        run(
            "exercise",
            "create",
            teacher,
            "--out",
            tmp_path / "x",
            "--documents",
            "1",
            "--title",
            "No key",
            cwd=tmp_path,
        )
    )
    failed(run("exercise", "grade", teacher, cwd=tmp_path), "has no answer key yet")
    ok(run("exercise", "key", teacher, "Key maker", cwd=tmp_path))
    assert "0 student(s)" in ok(run("exercise", "grade", teacher, cwd=tmp_path))
    ok(
        run(
            "exercise",
            "create",
            teacher,
            "--out",
            tmp_path / "y",
            "--documents",
            "1",
            "--title",
            "Second",
            cwd=tmp_path,
        )
    )
    failed(run("exercise", "grade", teacher, cwd=tmp_path), "choose one with --exercise")
    assert "0 student(s)" in ok(
        run("exercise", "grade", teacher, "--exercise", "No key", cwd=tmp_path)
    )
    with Project.open(teacher) as project:
        assert len(project.annotators()) == 1


def test_a_student_without_a_screen(teacher: Path, tmp_path: Path) -> None:
    ok(
        run(
            "exercise",
            "create",
            teacher,
            "--out",
            tmp_path / "w",
            "--documents",
            "all",
            "--title",
            "Week 1",
            "--key",
            "Key maker",
            cwd=tmp_path,
        )
    )
    out = ok(
        run(
            "exercise",
            "start",
            tmp_path / "w.claimdesk-exercise",
            "--name",
            "Ann",
            "--id",
            "7",
            cwd=tmp_path,
        )
    )
    assert "Workspace of Ann (7) for 'Week 1'" in out and "0 of 2 documents done" in out
    workspace = Path(out.split(": ", 1)[1].splitlines()[0])
    with Project.open(workspace) as project:
        annotator = next(a for a in project.annotators() if a.name == "Ann (7)")
        annotate(project, annotator.id, [(0, "Claim", 0, 10)])
    out = ok(run("exercise", "submit", workspace, cwd=tmp_path))
    assert "Week 1 - Ann (7).claimdesk-submission" in out and "1 claim" in out
    assert (tmp_path / "Week 1 - Ann (7).claimdesk-submission").exists()
    assert "1 accepted" in ok(run("exercise", "collect", teacher, tmp_path, cwd=tmp_path))
    failed(run("exercise", "submit", teacher, cwd=tmp_path), "is not an exercise workspace")


def test_the_grade_table_lines_up_with_wide_and_combining_names(
    teacher: Path, tmp_path: Path
) -> None:
    ok(
        run(
            "exercise",
            "create",
            teacher,
            "--out",
            tmp_path / "w",
            "--documents",
            "all",
            "--title",
            "Week 1",
            "--key",
            "Key maker",
            cwd=tmp_path,
        )
    )
    exercise = tmp_path / "w.claimdesk-exercise"
    names = ["Ann", "Zoë 😀 𠀋 𠀋", "Zoe\u0301 <b>x</b>&amp;", "=SUM(A1)", "李" * 40]
    for name in names:
        student_submits(exercise, name, [(0, "Claim", 0, 10)], tmp_path)
    ok(run("exercise", "collect", teacher, tmp_path, cwd=tmp_path))
    out = ok(run("exercise", "grade", teacher, cwd=tmp_path)).splitlines()
    table = out[1:]
    assert len(table) == 1 + len(names)

    def columns(text: str) -> int:  # as a terminal shows it
        wide = sum(unicodedata.east_asian_width(c) in "WF" for c in text)
        return len(text) + wide - sum(unicodedata.combining(c) > 0 for c in text)

    # Every row's first score ends in the same terminal column as its heading.
    heading = columns(table[0][: table[0].index("exact F1") + len("exact F1")])
    scores = [re.search(r"\d\.\d{3}", line) for line in table[1:]]
    ends = {columns(line[: m.end()]) for line, m in zip(table[1:], scores, strict=True) if m}
    assert len(ends) == 1 and all(scores)
    assert ends == {heading}
    assert any(line.startswith("Zoë 😀 𠀋 𠀋 ") for line in table)
    assert any(line.startswith("李" * 16 + " ") for line in table)  # cut at 32 columns


def _graded_class(teacher: Path, tmp_path: Path) -> None:
    ok(
        run(
            "exercise", "create", teacher, "--out", tmp_path / "week1", "--documents", "all",
            "--title", "Week 1", "--key", "Key maker", cwd=tmp_path,
        )
    )  # fmt: skip
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    student_submits(tmp_path / "week1.claimdesk-exercise", "Ann", [(0, "Claim", 0, 10)], inbox)
    ok(run("exercise", "collect", teacher, inbox, cwd=tmp_path))


def test_grade_never_writes_over_the_project_or_into_a_bad_place(
    teacher: Path, tmp_path: Path
) -> None:
    _graded_class(teacher, tmp_path)
    before = digest(teacher)
    plain = tmp_path / "plain.txt"
    plain.write_text("mine", encoding="utf-8")
    link = tmp_path / "grades.csv"
    link.symlink_to(teacher)
    for option, target, words in [
        ("--csv", teacher, "is the Claimdesk project this command reads"),
        ("--csv", link, "grades.csv: is the Claimdesk project this command reads"),
        ("--csv", f"{teacher}-wal", "belongs to the Claimdesk project"),
        ("--csv", tmp_path, "is a folder; give a file name"),
        ("--csv", plain / "x.csv", "x.csv: cannot be written: "),
        ("--csv", tmp_path / "missing" / "x.csv", "the folder "),
        ("--feedback", plain, "plain.txt: is a file, not a folder; give a folder"),
        ("--feedback", teacher, "is a Claimdesk project, not a folder"),
        ("--feedback", plain / "pages", "pages: cannot be made: "),
    ]:
        stderr = failed(run("exercise", "grade", teacher, option, target, cwd=tmp_path), words)
        assert stderr.count("\n") == 1, stderr
    assert digest(teacher) == before
    assert plain.read_text(encoding="utf-8") == "mine"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    out = tmp_path / "class.csv"
    out.write_text("old", encoding="utf-8")  # an ordinary file: replaced, as -o usually does
    ok(run("exercise", "grade", teacher, "--csv", out, cwd=tmp_path))
    assert out.read_text(encoding="utf-8-sig").startswith("Student,")


def test_collect_says_when_nothing_was_collected(teacher: Path, tmp_path: Path) -> None:
    ok(
        run(
            "exercise", "create", teacher, "--out", tmp_path / "w", "--documents", "all",
            "--title", "Week 1", "--key", "Key maker", cwd=tmp_path,
        )
    )  # fmt: skip
    drop = tmp_path / "drop"
    drop.mkdir()
    junk = drop / "evil\u202egnp.exe\x1b[2J.claimdesk-submission"
    junk.write_bytes(b"not a zip")
    result = run("exercise", "collect", teacher, drop, cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "error: Nothing was collected: all 1 file(s) were rejected" in result.stderr
    assert "\u202e" not in result.stdout and "\x1b" not in result.stdout
    assert "evil\\u202egnp.exe\\x1b[2J.claimdesk-submission: is not a Claimdesk" in result.stdout
    # One good file beside the bad one: collected, and exit 1 still says a file was refused.
    good = student_submits(tmp_path / "w.claimdesk-exercise", "Ann", [(0, "Claim", 0, 10)], drop)
    result = run("exercise", "collect", teacher, drop, cwd=tmp_path)
    assert result.returncode == 1 and f"accepted  {good}: Ann" in result.stdout
    assert "1 file(s) rejected; the other files were collected (1 stored)" in result.stderr
    # Only good files: exit 0.
    assert "1 skipped" in ok(run("exercise", "collect", teacher, good, cwd=tmp_path))


def test_a_conflict_is_held_listed_and_accepted(teacher: Path, tmp_path: Path) -> None:
    ok(
        run(
            "exercise", "create", teacher, "--out", tmp_path / "w", "--documents", "all",
            "--title", "Week 1", "--key", "Key maker", cwd=tmp_path,
        )
    )  # fmt: skip
    exercise = tmp_path / "w.claimdesk-exercise"
    ann = student_submits(exercise, "Ann", [(0, "Claim", 0, 10)], tmp_path / "a", "S1")
    ok(run("exercise", "collect", teacher, ann, cwd=tmp_path))
    other = {"CLAIMDESK_DATA_DIR": str(tmp_path / "other-computer")}
    eve = run("exercise", "start", exercise, "--name", "Eve", "--id", "S1", cwd=tmp_path, env=other)
    workspace = Path(ok(eve).split(": ", 1)[1].splitlines()[0])
    ok(run("exercise", "submit", workspace, "--out", tmp_path / "e", cwd=tmp_path, env=other))
    result = run("exercise", "collect", teacher, tmp_path / "e.claimdesk-submission", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "held      " in result.stdout and "not applied, held for you to decide" in result.stdout
    assert "1 file(s) held as conflicts" in result.stderr
    listing = ok(run("exercise", "history", teacher, cwd=tmp_path))
    assert "Held conflicts (1):" in listing and "Eve (S1): 0 claims" in listing
    number = re.search(r"#(\d+) Eve", listing)
    assert number is not None
    failed(run("exercise", "accept", teacher, "999", cwd=tmp_path), "no held conflict numbered 999")
    out = ok(run("exercise", "accept", teacher, number.group(1), cwd=tmp_path))
    assert "is now the current submission of Ann (S1)" in out
    listing = ok(run("exercise", "history", teacher, cwd=tmp_path))
    assert "Held conflicts (0):" in listing and "History (1):" in listing
    assert "Ann (S1): 1 claims" in listing.split("History (1):")[1]
