"""A blind server project with an exercise and students who sign in: the lab of issue #14."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from claimdesk.core.store import server_admin
from claimdesk.core.store.project import Project
from tests.core.classroom.classroom_kit import annotate, exercise_with_key, teacher_project

# (document index, label, start, end); TEXT_1 is "𠀋" + "abcdefghi" * 10.
KEY = [(0, "Claim", 1, 11), (0, "Evidence", 20, 30), (1, "Claim", 0, 4)]
ANA = [(0, "Claim", 1, 11), (0, "Evidence", 22, 30)]  # one exact, one boundary error


@dataclass
class Lab:
    url: str  # the teacher's (the database owner's) address
    exercise_id: str
    exercise_file: Path  # the file handed out, for students who work on their own computer
    students: dict[str, tuple[str, str]]  # name -> (their address with password, login)


def student_url(admin_url: str, login: str, password: str) -> str:
    return admin_url.replace("postgres@", f"{login}:{password}@", 1)


def make_lab(pg_url: str, folder: Path, names: tuple[str, ...] = ("ana", "ben")) -> Lab:
    """A blind server project with an exercise (key: the teacher) and students who sign in."""
    teacher_project(folder, target=pg_url).close()
    server_admin.init(pg_url, blind=True).close()
    students: dict[str, tuple[str, str]] = {}
    for name in names:
        login = f"{name}{uuid.uuid4().hex[:8]}"  # roles belong to the whole server
        password = f"pw-{uuid.uuid4().hex}"
        server_admin.add_user(pg_url, None, login, "annotator", password)
        students[name] = (student_url(pg_url, login, password), login)
    with Project.open(pg_url) as project:
        info = exercise_with_key(project, folder / "out", KEY)
    assert info.path is not None
    return Lab(pg_url, info.id, info.path, students)


def student_annotates(lab: Lab, name: str, spans: list[tuple[int, str, int, int]]) -> int:
    """The student signs in with their own password and annotates; their annotator id."""
    with Project.open(lab.students[name][0]) as project:
        me = project.signed_in_annotator()
        assert me is not None and me.name == lab.students[name][1]
        annotate(project, me.id, spans)
        return me.id
