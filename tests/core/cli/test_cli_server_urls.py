"""claimdesk-cli on a server: every command that takes a project takes a postgresql:// URL, push
and pull move a project between a file and a server, and passwords are asked or refused in one
line, never printed."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path

import psycopg
import pytest

from claimdesk.core.cli.main import main
from claimdesk.core.store.project import Project
from tests.core.store.test_transfer import file_rows, rich_project, server_rows


def cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return code, out, err


def ok(capsys: pytest.CaptureFixture[str], *args: str | Path) -> str:
    code, out, err = cli(capsys, *args)
    assert code == 0, err
    return out


def refused(capsys: pytest.CaptureFixture[str], *args: str | Path) -> str:
    """A refusal: exit 1 and one line on stderr, no traceback."""
    code, out, err = cli(capsys, *args)
    assert code == 1, (out, err)
    assert err.startswith("claimdesk-cli: error: ")
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


@pytest.fixture
def rich(tmp_path: Path) -> Path:
    return rich_project(tmp_path / "teacher")


@pytest.fixture
def on_server(rich: Path, pg_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    ok(capsys, "push", rich, pg_url)
    return pg_url


def test_the_commands_that_read_a_project_take_a_url(
    rich: Path, on_server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = on_server
    assert ok(capsys, "list", url) == ok(capsys, "list", rich)

    from_server = json.loads(ok(capsys, "agreement", url, "--json"))
    assert from_server == json.loads(ok(capsys, "agreement", rich, "--json"))
    table = ok(capsys, "agreement", url)
    assert table.startswith(f"Agreement in {Path(url).name} on 127.0.0.1:")

    assert ok(capsys, "exercise", "list", url) == ok(capsys, "exercise", "list", rich)
    assert ok(capsys, "exercise", "history", url) == ok(capsys, "exercise", "history", rich)
    graded = ok(capsys, "exercise", "grade", url, "--csv", tmp_path / "server.csv")
    assert graded.startswith("Week 1: 2 student(s) against Teacher")
    ok(capsys, "exercise", "grade", rich, "--csv", tmp_path / "file.csv")
    assert (tmp_path / "server.csv").read_bytes() == (tmp_path / "file.csv").read_bytes()

    created = ok(
        capsys, "exercise", "create", url, "--out", tmp_path / "again", "--documents", "all",
        "--title", "From the server",
    )  # fmt: skip
    assert created.startswith(f"Wrote {tmp_path / 'again'}")


def test_export_takes_a_url_and_writes_what_the_file_gives(
    rich: Path, on_server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(capsys, "export", on_server, "--format", "jsonl", "--out", tmp_path / "server.jsonl")
    ok(capsys, "export", rich, "--format", "jsonl", "--out", tmp_path / "file.jsonl")
    assert (tmp_path / "server.jsonl").read_bytes() == (tmp_path / "file.jsonl").read_bytes()


def test_the_commands_that_change_a_project_take_a_url(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    created = ok(capsys, "new", pg_url, "--name", "Lab corpus")
    assert created == f"Created {pg_url} (4 labels from default-codebook.json).\n"
    article = tmp_path / "article.txt"
    article.write_text("Talks resumed 𠀀 in Beijing.\r\nBoth sides said so.\r\n", encoding="utf-8")
    assert "1 imported" in ok(capsys, "import", pg_url, article)
    spans = tmp_path / "spans.jsonl"
    record = {"text": "Another claim 🙂 here.", "label": [[0, 13, "Claim"]]}
    spans.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    ok(capsys, "import-annotations", pg_url, spans, "--format", "jsonl", "--annotator", "Zoë")

    listing = ok(capsys, "list", pg_url)
    assert listing.endswith("2 document(s), 1 annotation(s).\n")
    with Project.open(pg_url) as project:
        assert project.name == "Lab corpus"
        assert [a.name for a in project.annotators()] == ["Zoë"]


def test_push_and_pull_from_the_command_line(
    rich: Path, pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pushed = ok(capsys, "push", rich, pg_url)
    assert pushed.startswith(f"Pushed {rich} to {Path(pg_url).name} on 127.0.0.1:")
    assert "3 documents, 4 labels, 4 annotators, 9 annotations, 7 statuses" in pushed
    assert pushed.rstrip().endswith("Every id was kept.")

    back = tmp_path / "back.claimdesk"
    pulled = ok(capsys, "pull", pg_url, back)
    assert pulled.startswith(f"Pulled {Path(pg_url).name} on 127.0.0.1:")
    assert "Signed in as" not in pulled
    assert file_rows(back) == file_rows(rich) == server_rows(pg_url)

    again = refused(capsys, "push", rich, pg_url)
    assert "is not empty: it already holds a Claimdesk project" in again
    assert "back.claimdesk: already exists; pull into a new file" in refused(
        capsys, "pull", pg_url, back
    )


# -- passwords -----------------------------------------------------------------------------------


@pytest.fixture
def signed_in_role(
    on_server: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> tuple[str, str]:
    """A login role that may read the project, and its password; libpq finds no other."""
    role = f"reader_{Path(on_server).name}"
    with psycopg.connect(on_server, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'Right-pass-42'")
        conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no.pgpass"))
    monkeypatch.setattr("claimdesk.core.store.passwords.remembered", lambda _location: None)
    return on_server.replace("postgres@", f"{role}@"), role


def test_a_wrong_password_is_one_sentence_and_never_printed(
    signed_in_role: tuple[str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url, role = signed_in_role
    wrong = url.replace(f"{role}@", f"{role}:Wrong-pass-17@")

    for command in (
        ["list", wrong],
        ["agreement", wrong],
        ["pull", wrong, tmp_path / "x.claimdesk"],
    ):
        err = refused(capsys, *command)
        assert f"the server refused the password for {role}" in err
        assert "PGPASSWORD or ~/.pgpass" in err
        assert "Wrong-pass-17" not in err

    right = url.replace(f"{role}@", f"{role}:Right-pass-42@")
    code, out, err = cli(capsys, "list", right)
    assert code == 0, err
    assert "Right-pass-42" not in out + err


def test_without_a_password_or_a_terminal_the_sentence_says_how_to_give_one(
    signed_in_role: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    url, role = signed_in_role
    err = refused(capsys, "list", url)
    assert f"the server asks for {role}'s password: give it in PGPASSWORD or ~/.pgpass" in err


def test_at_a_terminal_the_password_is_asked_once(
    signed_in_role: tuple[str, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, role = signed_in_role
    asked: list[str] = []
    answers = iter(["Right-pass-42", "Wrong-pass-17"])

    def typed(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    monkeypatch.setattr("claimdesk.core.cli.targets._at_a_terminal", lambda: True)
    monkeypatch.setattr("claimdesk.core.cli.targets.getpass.getpass", typed)

    assert ok(capsys, "list", url).endswith("3 document(s), 9 annotation(s).\n")
    assert len(asked) == 1
    assert asked[0].startswith(f"Password for {role} on {Path(url).name} on 127.0.0.1:")

    err = refused(capsys, "list", url)  # the second answer is wrong: refused, not asked again
    assert len(asked) == 2
    assert f"the server refused the password for {role}" in err


def test_pushed_then_shared_a_blind_annotator_pulls_only_their_own_work_and_is_told(
    rich: Path,
    pg_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The order an administrator follows: push the file, make it shared and blind, add a
    student; the student's own pull holds their work and not the class's, and says so."""
    ok(capsys, "push", rich, pg_url)
    ok(capsys, "server", "init", pg_url, "--blind")
    student = f"stu_{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr("sys.stdin", io.StringIO("Student-pass-5\n"))
    ok(capsys, "server", "add-user", pg_url, student, "--role", "annotator", "--password-stdin")
    as_student = pg_url.replace("postgres@", f"{student}:Student-pass-5@")
    with Project.open(as_student) as project:
        me = project.signed_in_annotator()
        assert me is not None
        document = project.documents()[2]
        claim = next(x.id for x in project.labels() if x.name == "Claim")
        project.add_annotation(document.id, claim, me.id, 0, 6)
    everything = server_rows(pg_url)

    back = tmp_path / "mine.claimdesk"
    out = ok(capsys, "pull", as_student, back)

    assert f"Signed in as {student}, who may read only part of this project" in out
    assert "row-level security on " in out
    limited = out.split("row-level security on ", 1)[1].split(";", 1)[0].split(", ")
    assert set(limited) == {
        "annotation",
        "document_status",
        "annotation_attribute",
        "relation",
        "document_label",
        "suggestion_decision",
    }
    assert "no access to exercise_submission" in out
    assert f"the file holds only what {student} may read" in out
    assert "Student-pass-5" not in out
    mine = file_rows(back)
    assert [row[3] for row in mine["annotation"]] == [me.id]
    assert len(everything["annotation"]) == 9 + 1
    assert mine["document"] == everything["document"]
    assert mine["label"] == everything["label"]

    # The project's owner (a person in its owner group, not the superuser) pulls all of it.
    owner = f"own_{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr("sys.stdin", io.StringIO("Owner-pass-6\n"))
    ok(capsys, "server", "add-user", pg_url, owner, "--role", "owner", "--password-stdin")
    whole = tmp_path / "whole.claimdesk"
    out = ok(capsys, "pull", pg_url.replace("postgres@", f"{owner}:Owner-pass-6@"), whole)
    assert "Signed in as" not in out
    assert file_rows(whole) == server_rows(pg_url)
