"""Helpers for the classroom tests: a teacher's project, an exercise, students who submit."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text

from claimdesk.core.classroom.collect import collect
from claimdesk.core.classroom.exercise import ExerciseInfo, create_exercise
from claimdesk.core.classroom.exercise_files import write_archive
from claimdesk.core.classroom.grading import ClassGrades, grade
from claimdesk.core.classroom.submission_proof import new_secret, new_workspace_id, sign
from claimdesk.core.classroom.workspace import (
    SUBMISSION_MIMETYPE,
    open_workspace,
    submit,
    workspace_info,
)
from claimdesk.core.codebook import Codebook, CodebookLabel
from claimdesk.core.importing import import_paths
from claimdesk.core.store.project import Project

CODEBOOK = Codebook(
    "Class codebook",
    (
        CodebookLabel("Claim", "#e6194b", "A statement presented as fact.", "1"),
        CodebookLabel("Evidence", "#3cb44b", "What backs a claim: figures, documents.", "2"),
        CodebookLabel("<b>Source</b>", "#4363d8", "Who says it <i>(name them)</i>.", "3"),
    ),
)

# Document 1 starts outside the BMP so that code points and UTF-16 units differ from offset 0;
# no white space, so that any span of it is a valid selection.
TEXT_1 = "𠀋" + "abcdefghi" * 10
TEXT_2 = (
    "Caf\u0065\u0301 owners said 🙂 prices rose.\r\n"
    "<b>x</b>&amp; =SUM(A1) and more text here to annotate, with a second claim at the end."
)


def teacher_project(
    folder: Path, texts: Sequence[str] = (TEXT_1, TEXT_2), target: Path | str | None = None
) -> Project:
    """The teacher's project: in ``folder``, or at ``target`` (a file, or a server's URL)."""
    folder.mkdir(parents=True, exist_ok=True)
    where = target if target is not None else folder / "teacher.claimdesk"
    project = Project.create(where, name="Teacher", codebook=CODEBOOK)
    articles = folder / "articles"
    articles.mkdir()
    for number, body in enumerate(texts, start=1):
        (articles / f"{number:02d}.txt").write_bytes(body.encode("utf-8"))
    import_paths(project, sorted(articles.glob("*.txt")), cleanup=False)
    return project


def label_id(project: Project, name: str) -> int:
    return next(label.id for label in project.labels() if label.name == name)


def annotate(
    project: Project, annotator_id: int, spans: Sequence[tuple[int, str, int, int]]
) -> None:
    """spans: (document index in the project's order, label name, start, end)."""
    documents = project.documents()
    for index, label, start, end in spans:
        project.add_annotation(
            documents[index].id, label_id(project, label), annotator_id, start, end
        )


def exercise_with_key(
    project: Project, out: Path, key: Sequence[tuple[int, str, int, int]], title: str = "Week 1"
) -> ExerciseInfo:
    teacher = project.ensure_annotator("Teacher")
    annotate(project, teacher.id, key)
    return create_exercise(
        project,
        out,
        title=title,
        document_ids=[d.id for d in project.documents()],
        guidelines="Mark every claim; <script>alert(1)</script> stays text.",
        key_annotator=teacher.id,
    )


def student_submits(
    exercise: Path,
    name: str,
    spans: Sequence[tuple[int, str, int, int]],
    out: Path,
    student_id: str | None = None,
) -> Path:
    """Open the exercise as a student, annotate, submit into ``out`` (a folder or file)."""
    workspace = open_workspace(exercise, name, student_id)
    with Project.open(workspace) as project:
        work = workspace_info(project)
        assert work is not None
        annotate(project, work.annotator.id, spans)
        return submit(project, out)


def read_json(path: Path, member: str) -> Any:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read(member))


def rewrite_submission(path: Path, target: Path, change: Any, *, resign: bool = True) -> Path:
    """A tampered copy: ``change(data)`` edits the submission's JSON in place.

    ``resign``: the copy is signed afresh as the first submission of a new workspace (what a
    classmate making a file from scratch can do); else the old proof stays, now not matching.
    """
    data = read_json(path, "submission.json")
    change(data)
    if resign and isinstance(data, dict) and "proof" in data:
        data["proof"] = sign(data, new_workspace_id(), new_secret(), 1)
    write_archive(target, SUBMISSION_MIMETYPE, "submission.json", data)
    return target


def table_rows(project: Project) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to show that a refused file changed nothing."""
    with project.reading() as conn:
        names = sorted(inspect(conn).get_table_names())
        if conn.dialect.name == "sqlite":  # the counter of ids given out, too
            names.append("sqlite_sequence")
        return {
            name: [tuple(row) for row in conn.execute(text(f'SELECT * FROM "{name}" ORDER BY 1'))]
            for name in names
        }


# Groups and labels interleave: a label, a group with members, a label, a group, a label.
INTERLEAVED = Codebook(
    "Interleaved",
    (
        CodebookLabel("Claim", "#e6194b", "A statement presented as fact.", "1"),
        CodebookLabel("Military", "#1f4e9c", "Group: armed forces."),
        CodebookLabel("Embargo", "#d62728", "A ban on arms sales.", "2", "Military"),
        CodebookLabel("Troops", "#ff7f0e", "Moving armed forces.", "3", "Military"),
        CodebookLabel("Evidence", "#3cb44b", "What backs a claim.", "4"),
        CodebookLabel("Economy", "#2e7d32", "Group: trade and policy."),
        CodebookLabel("Trade", "#2ca02c", "Exchange of goods.", "5", "Economy"),
        CodebookLabel("Source", "#4363d8", "Who says it.", "6"),
    ),
)
CODEBOOK_ORDER = [
    "Claim",
    "Military",
    "Embargo",
    "Troops",
    "Evidence",
    "Economy",
    "Trade",
    "Source",
]
# The key has one claim for each of these, in this order along the text; the student finds
# only Troops (and adds a Source).
INTERLEAVED_KEY = [
    (0, "Trade", 0, 10),
    (0, "Embargo", 20, 30),
    (0, "Claim", 40, 50),
    (0, "Troops", 60, 70),
]
INTERLEAVED_STUDENT = [(0, "Troops", 60, 70), (0, "Source", 80, 85)]


def interleaved_class(folder: Path) -> tuple[Project, ClassGrades]:
    """A teacher's project with the interleaved codebook, an exercise and one graded student."""
    folder.mkdir(parents=True, exist_ok=True)
    project = Project.create(folder / "teacher.claimdesk", name="Teacher", codebook=INTERLEAVED)
    article = folder / "01.txt"
    article.write_text(TEXT_1, "utf-8")
    import_paths(project, [article], cleanup=False)
    info = exercise_with_key(project, folder, INTERLEAVED_KEY)
    assert info.path is not None
    collect(project, [student_submits(info.path, "Ana", INTERLEAVED_STUDENT, folder / "inbox")])
    return project, grade(project, info.id)
