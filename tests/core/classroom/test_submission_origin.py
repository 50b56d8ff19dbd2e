"""A later file replaces a student's work only from the same workspace; the rest is kept."""

from __future__ import annotations

import hmac
import json
import os
import sqlite3
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from claimdesk.core.classroom.collect import collect, read_submission, submissions
from claimdesk.core.classroom.exercise import ExerciseError, exercises
from claimdesk.core.classroom.grading import grade
from claimdesk.core.classroom.submission_history import history, restore
from claimdesk.core.classroom.workspace import open_workspace, submit, workspace_info
from claimdesk.core.store import engine as store
from claimdesk.core.store.project import Project
from tests.core.classroom.classroom_kit import (
    annotate,
    exercise_with_key,
    read_json,
    rewrite_submission,
    student_submits,
    table_rows,
    teacher_project,
)

KEY = [(0, "Claim", 0, 10), (0, "Evidence", 20, 30)]
TWELVE = [(0, "Claim", n * 4, n * 4 + 3) for n in range(12)]


pytestmark = pytest.mark.both_dialects


@pytest.fixture
def teacher(tmp_path: Path, new_project_target: Path | str) -> Iterator[tuple[Project, Path]]:
    project = teacher_project(tmp_path / "teacher", target=new_project_target)
    info = exercise_with_key(project, tmp_path, KEY)
    assert info.path is not None
    yield project, info.path
    project.close()


def count_for(project: Project, name: str) -> int:
    annotator = next(a for a in project.annotators() if a.name == name)
    return sum(len(project.annotations(d.id, annotator.id)) for d in project.documents())


@contextmanager
def another_computer(folder: Path) -> Iterator[None]:
    """A classmate's own computer: their own user data folder, so their own workspaces."""
    before = os.environ["CLAIMDESK_DATA_DIR"]
    os.environ["CLAIMDESK_DATA_DIR"] = str(folder)
    try:
        yield
    finally:
        os.environ["CLAIMDESK_DATA_DIR"] = before


def resubmit(exercise: Path, name: str, student_id: str | None, out: Path, spans=()) -> Path:  # type: ignore[no-untyped-def]
    with Project.open(open_workspace(exercise, name, student_id)) as student:
        work = workspace_info(student)
        assert work is not None
        annotate(student, work.annotator.id, spans)
        return submit(student, out)


def test_a_forged_file_from_another_workspace_is_held_not_applied(
    teacher: tuple[Project, Path], tmp_path: Path
) -> None:
    project, exercise = teacher
    genuine = student_submits(exercise, "Ann", TWELVE, tmp_path / "ann", "S1")
    assert [n for _, n in collect(project, [genuine]).accepted] == ["Ann (S1)"]
    # A classmate starts their own workspace with Ann's id (padded), another name, no work.
    with another_computer(tmp_path / "eve-pc"):
        forged = student_submits(exercise, "Eve", [], tmp_path / "eve", " S1 ")
    before = table_rows(project)
    report = collect(project, [forged])
    assert not report.replaced and not report.accepted
    ((path, why),) = report.held
    assert path == forged and "Ann (S1)" in why and "name differs" in why
    assert count_for(project, "Ann (S1)") == 12  # Ann's work is untouched
    rows = table_rows(project)
    # The held version is kept; on a server the collect's edit key is too. Nothing else changed.
    unchanged = {"exercise_submission_version", "applied_edit"}
    assert {k: v for k, v in rows.items() if k not in unchanged} == {
        k: v for k, v in before.items() if k not in unchanged
    }
    # Same name, another workspace: held too.
    with another_computer(tmp_path / "third-pc"):
        impostor = student_submits(exercise, "Ann", [], tmp_path / "ann2", "S1")
    assert "another workspace" in collect(project, [impostor]).held[0][1]
    assert count_for(project, "Ann (S1)") == 12
    # Ann's own later submission still replaces her work.
    later = resubmit(exercise, "Ann", "S1", tmp_path / "later", [(1, "Claim", 0, 4)])
    assert [n for _, n in collect(project, [later]).replaced] == ["Ann (S1)"]
    assert count_for(project, "Ann (S1)") == 13
    # Her first file is now older: skipped; the held files stay held.
    assert "older than" in collect(project, [genuine]).skipped[0][1]
    kept = history(project, exercises(project)[0].id)
    assert sorted(v.state for v in kept) == ["held", "held", "replaced"]


def test_ids_are_exact_never_folded(teacher: tuple[Project, Path], tmp_path: Path) -> None:
    project, exercise = teacher
    upper = student_submits(exercise, "Ann", TWELVE, tmp_path / "a", "S1")
    lower = student_submits(exercise, "Bob", [], tmp_path / "b", "s1")
    decomposed = student_submits(exercise, "Cy", [], tmp_path / "c", "E\u0301-2")
    with another_computer(tmp_path / "pc2"):
        composed = student_submits(exercise, "Cy", [], tmp_path / "d", "\u00c9-2")
    report = collect(project, [upper, lower, decomposed])
    assert sorted(n for _, n in report.accepted) == ["Ann (S1)", "Bob (s1)", "Cy (É-2)"]
    assert count_for(project, "Ann (S1)") == 12
    # NFC: the same id typed with a combining accent is the same student (another workspace).
    assert collect(project, [composed]).held


def test_an_edited_file_is_refused(teacher: tuple[Project, Path], tmp_path: Path) -> None:
    project, exercise = teacher
    good = student_submits(exercise, "Ann", TWELVE, tmp_path / "a", "S1")
    edited = rewrite_submission(
        good,
        tmp_path / "edited.claimdesk-submission",
        lambda d: d["annotations"].pop(),
        resign=False,
    )
    before = table_rows(project)
    ((path, reason),) = collect(project, [edited]).rejected
    assert path == edited and "changed after its workspace wrote it" in reason
    assert table_rows(project) == before


def test_history_restores_and_a_held_file_can_be_accepted(
    teacher: tuple[Project, Path], tmp_path: Path
) -> None:
    project, exercise = teacher
    exercise_id = exercises(project)[0].id
    first = student_submits(exercise, "Ann", TWELVE, tmp_path / "a", "S1")
    collect(project, [first])
    # She deletes her work by mistake and submits an empty file: it replaces (same workspace).
    with Project.open(open_workspace(exercise, "Ann", "S1")) as student:
        work = workspace_info(student)
        assert work is not None
        for document in student.documents():
            mine = student.annotations(document.id, work.annotator.id)
            student.delete_annotations([annotation.id for annotation in mine])
        empty = submit(student, tmp_path / "empty")
    assert collect(project, [empty]).replaced
    assert count_for(project, "Ann (S1)") == 0
    (graded,) = grade(project, exercise_id).students
    assert not graded.extra and graded.overlap.tp == 0  # the history is not graded
    ((old,),) = [history(project, exercise_id)]
    assert (old.state, old.annotation_count, old.file_name) == ("replaced", 12, first.name)
    # The teacher goes back: the 12 claims are hers again, the empty file is kept instead.
    assert restore(project, old.id) == "Ann (S1)"
    assert count_for(project, "Ann (S1)") == 12
    (graded,) = grade(project, exercise_id).students
    assert graded.overlap.tp + len(graded.extra) + len(graded.boundary) > 0
    ((current,),) = [submissions(project, exercise_id)]
    assert current.file_name == first.name and current.verified
    ((newer,),) = [history(project, exercise_id)]
    assert (newer.state, newer.annotation_count) == ("replaced", 0)
    # A held file is accepted by the teacher's choice (and only held ones by accept).
    with another_computer(tmp_path / "pc2"):
        other = student_submits(exercise, "Ann", [(1, "Claim", 0, 4)], tmp_path / "o", "S1")
    held = collect(project, [other]).held
    assert held
    conflict = next(v for v in history(project, exercise_id) if v.state == "held")
    with pytest.raises(ExerciseError, match="has no held conflict numbered"):
        restore(project, newer.id, held_only=True)
    restore(project, conflict.id, held_only=True)
    assert count_for(project, "Ann (S1)") == 1
    states = sorted(v.state for v in history(project, exercise_id))
    assert states == ["replaced", "replaced"]
    # The workspace of the accepted file is now the pinned one.
    again = resubmit(exercise, "Ann", "S1", tmp_path / "x")
    assert [p for p, _ in collect(project, [again]).held] == [again]  # Ann's first workspace


def test_files_of_format_1_are_collected_but_never_replace_silently(
    teacher: tuple[Project, Path], tmp_path: Path
) -> None:
    project, exercise = teacher
    exercise_id = exercises(project)[0].id
    good = student_submits(exercise, "Ann", TWELVE, tmp_path / "a", "S1")

    def as_format_1(data: dict) -> None:  # type: ignore[type-arg]
        data.pop("proof")
        data["version"] = 1

    old = rewrite_submission(good, tmp_path / "old.claimdesk-submission", as_format_1)
    assert read_submission(old).proof is None
    assert [n for _, n in collect(project, [old]).accepted] == ["Ann (S1)"]
    assert not submissions(project, exercise_id)[0].verified
    later = resubmit(exercise, "Ann", "S1", tmp_path / "later", [(1, "Claim", 0, 4)])
    ((_, why),) = collect(project, [later]).held
    assert "carries no workspace proof" in why
    assert count_for(project, "Ann (S1)") == 12


@pytest.mark.file_only
def test_a_format_2_project_with_submissions_upgrades(
    teacher: tuple[Project, Path], tmp_path: Path
) -> None:
    project, exercise = teacher
    exercise_id = exercises(project)[0].id
    collect(project, [student_submits(exercise, "Ann", TWELVE, tmp_path / "a", "S1")])
    path = project.path
    project.close()
    with Project.open(path) as opened, opened.writing() as conn:
        command.downgrade(store.migration_config(conn), "0002")
        # As version 2 wrote it: the key folded to lower case.
        conn.execute(text("UPDATE exercise_submission SET student_key = 'id:s1'"))
    assert store.read_header(path)[1] == 2
    with sqlite3.connect(path) as raw:
        columns = {row[1] for row in raw.execute("PRAGMA table_info(exercise_submission)")}
    assert "workspace_id" not in columns
    with Project.open(path) as upgraded:
        assert store.read_header(path)[1] == store.SCHEMA_VERSION
        ((info,),) = [submissions(upgraded, exercise_id)]
        assert (info.annotator_name, info.annotation_count) == ("Ann (S1)", 12)
        assert not info.verified
        assert count_for(upgraded, "Ann (S1)") == 12
        with upgraded.reading() as conn:
            assert conn.execute(text("SELECT student_key FROM exercise_submission")).scalar() == (
                "id:S1"
            )
        # A later file of hers is held (the old row pinned no workspace), not lost.
        later = resubmit(exercise, "Ann", "S1", tmp_path / "later")
        assert collect(upgraded, [later]).held


def test_a_workspace_of_format_2_gets_its_secret_on_upgrade(
    teacher: tuple[Project, Path], tmp_path: Path
) -> None:
    _, exercise = teacher
    workspace = open_workspace(exercise, "Ann", "S1")
    with Project.open(workspace) as student, student.writing() as conn:
        command.downgrade(store.migration_config(conn), "0002")
    with Project.open(workspace) as student:
        written = submit(student, tmp_path)
    proof = read_json(written, "submission.json")["proof"]
    assert proof["sequence"] == 1 and len(proof["workspace"]) == 32
    with Project.open(workspace) as student, student.reading() as conn:
        secret = conn.execute(text("SELECT secret FROM exercise_workspace")).scalar()
    assert isinstance(secret, str) and len(secret) == 64
    with zipfile.ZipFile(written) as archive:
        assert secret.encode() not in archive.read("submission.json")  # it never leaves


def test_whoever_holds_a_file_can_only_alter_that_number_and_it_shows(
    teacher: tuple[Project, Path], tmp_path: Path
) -> None:
    """The design's limit: a copy of Ann's latest file gives its one-time key away. An altered
    copy under that number is accepted if it comes first, but Ann's own file of the same number
    is then held as a conflict (never lost), and her next submission replaces both."""
    project, exercise = teacher
    first = student_submits(exercise, "Ann", TWELVE, tmp_path / "a", "S1")
    collect(project, [first])
    second = resubmit(exercise, "Ann", "S1", tmp_path / "b", [(1, "Claim", 0, 4)])

    def altered(sequence: int | None = None) -> Callable[[dict], None]:  # type: ignore[type-arg]
        def change(data: dict) -> None:  # type: ignore[type-arg]
            data["annotations"] = []
            proof = data.pop("proof")
            proof["sequence"] = sequence or proof["sequence"]
            body = {**data, "proof": {k: proof[k] for k in ("workspace", "sequence", "key")}}
            content = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            mac = hmac.new(bytes.fromhex(proof["key"]), content.encode(), "sha256").hexdigest()
            data["proof"] = {**proof, "mac": mac}

        return change

    # Someone with only her first file cannot make a later one: the next key is not in it.
    later = rewrite_submission(first, tmp_path / "l.claimdesk-submission", altered(5), resign=False)
    assert "does not follow" in collect(project, [later]).held[0][1]
    copy = rewrite_submission(second, tmp_path / "c.claimdesk-submission", altered(), resign=False)
    assert collect(project, [copy]).replaced
    ((_, why),) = collect(project, [second]).held
    assert "claims the same number (2) from the same workspace" in why
    third = resubmit(exercise, "Ann", "S1", tmp_path / "c")
    assert collect(project, [third]).replaced
    assert count_for(project, "Ann (S1)") == 13
