"""claimdesk-cli server …: what the administrator of a shared project types, and what they read."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from claimdesk.core.cli.main import main
from claimdesk.core.paths import user_log_dir
from claimdesk.core.store.location import parse_server_url
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import Article, sha256_text

TEXT = "Troops leave the border; envoys resume talks in Beijing."


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *argv: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code: int, err: str) -> str:
    """A refusal: exit code 1 and one line on stderr, no traceback; returns the sentence."""
    assert code == 1
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("claimdesk-cli: error: "), err
    return err.removeprefix("claimdesk-cli: error: ").strip()


def login(name: str) -> str:
    # Login roles are shared by the whole server: unique names per test.
    return f"{name}_{uuid.uuid4().hex[:8]}"


def user_url(admin_url: str, name: str, password: str) -> str:
    location, _ = parse_server_url(admin_url)
    return f"postgresql://{name}:{password}@127.0.0.1:{location.port}/{location.database}"


def where(admin_url: str) -> str:
    return parse_server_url(admin_url)[0].display()


def test_init_add_list_set_and_remove_as_an_administrator_would(
    pg_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    database = parse_server_url(pg_url)[0].database
    code, out, _ = run(capsys, monkeypatch, "server", "init", pg_url, "--blind")
    assert code == 0
    assert out.splitlines() == [
        f"{where(pg_url)} is a shared Claimdesk project (blind: annotators see only their own "
        "work).",
        f"Roles: {database}_annotator, {database}_curator, {database}_owner. Add people with: "
        "claimdesk-cli server add-user.",
    ]
    # Again: harmless, and the project stays blind.
    code, out, _ = run(capsys, monkeypatch, "server", "init", pg_url)
    assert code == 0 and "(blind:" in out

    ann, cur = login("ann"), login("cur")
    secret = "correct horse battery staple"
    code, out, err = run(
        capsys, monkeypatch, "server", "add-user", pg_url, ann, "--role", "annotator",
        "--password-stdin", stdin=secret + "\n",
    )  # fmt: skip
    assert code == 0, err
    assert out == (
        f"Added {ann!r} as annotator of {where(pg_url)}; they sign in as {_as(pg_url, ann)}\n"
    )
    assert run(
        capsys, monkeypatch, "server", "add-user", pg_url, cur, "--role", "curator",
        "--password-stdin", stdin="other secret",
    )[0] == 0  # fmt: skip
    with Project.open(user_url(pg_url, ann, secret)) as project:
        assert project.signed_in_annotator() is not None
    log = (user_log_dir() / "claimdesk-cli.log").read_text("utf-8")
    assert secret not in log and secret not in out

    code, out, _ = run(capsys, monkeypatch, "server", "list-users", pg_url)
    width = max(len(ann), len(cur))
    assert code == 0
    assert out.splitlines() == [
        f"{'login':<{width}}  role       annotator",
        *sorted(
            [f"{ann:<{width}}  annotator  {ann}", f"{cur:<{width}}  curator    {cur}"],
            key=str.casefold,
        ),
        "2 user(s).",
    ]

    code, out, _ = run(capsys, monkeypatch, "server", "set", pg_url, "--open")
    assert (code, out) == (0, f"{where(pg_url)} is now open: all work is seen.\n")
    code, out, _ = run(capsys, monkeypatch, "server", "set", pg_url, "--blind")
    assert (code, out) == (
        0,
        f"{where(pg_url)} is now blind: annotators see only their own work.\n",
    )

    code, out, _ = run(capsys, monkeypatch, "server", "remove-user", pg_url, ann)
    assert code == 0
    assert out == (
        f"Removed {ann!r} from {where(pg_url)}: they can no longer sign in; their annotations "
        "stay.\n"
    )
    code, out, _ = run(capsys, monkeypatch, "server", "list-users", pg_url)
    assert ann not in out and f"{cur:<{width}}  curator    {cur}" in out.splitlines()
    with Project.open(pg_url) as project:  # the person stays an annotator, signing in as nobody
        assert ann in [a.name for a in project.annotators()]


def test_refusals_are_one_line_naming_the_database(
    pg_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = where(pg_url)
    # Before init: no project, no roles to add anyone to.
    code, _, err = run(
        capsys, monkeypatch, "server", "add-user", pg_url, login("x"), "--role", "annotator",
        "--password-stdin", stdin="pw",
    )  # fmt: skip
    assert "`claimdesk-cli server init`" in one_line_error(code, err)

    code, _, err = run(capsys, monkeypatch, "server", "init", "class.claimdesk")
    assert one_line_error(code, err) == (
        "class.claimdesk: is a file; server commands take a "
        "postgresql://user@host:port/database address"
    )
    assert run(capsys, monkeypatch, "server", "init", pg_url)[0] == 0
    name = login("stu")

    def add(role: str = "annotator", stdin: str = "pw\n", *flags: str) -> str:
        code, _, err = run(
            capsys, monkeypatch, "server", "add-user", pg_url, name, "--role", role,
            *(flags or ("--password-stdin",)), stdin=stdin,
        )  # fmt: skip
        return one_line_error(code, err)

    assert add("boss") == f"{shown}: 'boss' is not a role; choose annotator, curator or owner"
    assert add(stdin="\n").startswith(f"no password for {name!r}: give one line on standard input")
    assert add("annotator", "pw", "--role", "annotator").startswith(
        "give the new user's password on standard input with --password-stdin"
    )
    assert run(
        capsys, monkeypatch, "server", "add-user", pg_url, name, "--role", "annotator",
        "--password-stdin", stdin="pw",
    )[0] == 0  # fmt: skip
    assert add() == (
        f"{shown}: the server already has a user {name!r} (users are shared by all the "
        "databases of a server); choose another name"
    )
    code, _, err = run(capsys, monkeypatch, "server", "remove-user", pg_url, "nobody_here")
    assert one_line_error(code, err) == (
        f"{shown}: has no user 'nobody_here'; see `server list-users`"
    )
    with pytest.raises(SystemExit) as stopped:  # argparse's own usage error
        run(capsys, monkeypatch, "server", "set", pg_url, "--blind", "--open")
    assert stopped.value.code == 2
    assert "argument --open: not allowed with argument --blind" in capsys.readouterr().err

    # A student's address is no administrator's.
    student = user_url(pg_url, name, "pw")
    code, _, err = run(capsys, monkeypatch, "server", "add-user", student, login("y"),
                       "--role", "owner", "--password-stdin", stdin="pw")  # fmt: skip
    assert f"{name} may not administer it" in one_line_error(code, err)
    code, _, err = run(capsys, monkeypatch, "server", "set", student, "--open")
    assert f"{name} may not administer it" in one_line_error(code, err)


def test_a_wrong_administrator_password_is_one_line_and_is_not_shown(
    pg_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = login("dept_admin")
    database = parse_server_url(pg_url)[0].database
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN CREATEROLE PASSWORD 'right-one'").format(
                sql.Identifier(admin)
            )
        )
        conn.execute(
            sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
                sql.Identifier(database), sql.Identifier(admin)
            )
        )
    wrong = user_url(pg_url, admin, "wrong-one")
    code, _, err = run(capsys, monkeypatch, "server", "init", wrong)
    message = one_line_error(code, err)
    assert message == f"{where(pg_url)}: the server refused the password for {admin}"
    assert "wrong-one" not in err

    # The database's owner (not a superuser) is administrator enough for all of it.
    right = user_url(pg_url, admin, "right-one")
    assert run(capsys, monkeypatch, "server", "init", right, "--blind")[0] == 0
    student = login("stu")
    assert run(
        capsys, monkeypatch, "server", "add-user", right, student, "--role", "annotator",
        "--password-stdin", stdin="s3cret",
    )[0] == 0  # fmt: skip
    with Project.open(user_url(pg_url, student, "s3cret")) as project:
        me = project.signed_in_annotator()
        assert me is not None and me.name == student


def test_export_as_a_blind_annotator_writes_only_their_spans_and_open_writes_all(
    pg_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert run(capsys, monkeypatch, "server", "init", pg_url, "--blind")[0] == 0
    people = {who: login(who) for who in ("ann", "ben")}
    for name in people.values():
        assert run(
            capsys, monkeypatch, "server", "add-user", pg_url, name, "--role", "annotator",
            "--password-stdin", stdin=f"pw-{name}",
        )[0] == 0  # fmt: skip
    with Project.open(pg_url) as admin:
        article = Article(Path("a.txt"), TEXT, "Troops", sha256_text(TEXT), "utf-8", ())
        doc = admin.import_articles([article]).added[0][0]
        label = admin.labels()[0].id
    for name, w in zip(people.values(), ("Troops", "border"), strict=True):
        with Project.open(user_url(pg_url, name, f"pw-{name}")) as mine:
            me = mine.signed_in_annotator()
            assert me is not None
            start = TEXT.index(w)
            mine.add_annotation(doc, label, me.id, start, start + len(w))

    def exported(mode: str) -> list[tuple[str, str]]:
        assert run(capsys, monkeypatch, "server", "set", pg_url, mode)[0] == 0
        out = tmp_path / f"{mode.strip('-')}.csv"
        ann = people["ann"]
        code, _, err = run(
            capsys, monkeypatch, "export", user_url(pg_url, ann, f"pw-{ann}"), "--format", "csv",
            "--out", str(out),
        )  # fmt: skip
        assert code == 0, err
        with out.open(encoding="utf-8-sig", newline="") as handle:
            return [(r["annotator"], r["quote"]) for r in csv.DictReader(handle)]

    assert exported("--blind") == [(people["ann"], "Troops")]
    assert exported("--open") == [(people["ann"], "Troops"), (people["ben"], "border")]


def test_a_password_typed_at_a_terminal_is_asked_without_echo(
    pg_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, monkeypatch, "server", "init", pg_url)[0] == 0

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    asked: list[str] = []

    def no_echo(prompt: str) -> str:
        asked.append(prompt)
        return "typed secret"

    name = login("tty")
    monkeypatch.setattr("getpass.getpass", no_echo)
    monkeypatch.setattr("sys.stdin", Terminal())
    code = main(["server", "add-user", pg_url, name, "--role", "annotator", "--password-stdin"])
    out, _ = capsys.readouterr()
    assert code == 0 and asked == [f"Password for {name}: "] and "typed secret" not in out
    with Project.open(user_url(pg_url, name, "typed secret")) as project:
        assert project.signed_in_annotator() is not None


def _as(admin_url: str, login: str) -> str:
    """The sign-in address the output gives a person: the administrator's with their login."""
    host_and_database = admin_url.split("@", 1)[1]
    return f"postgresql://{login}@{host_and_database}"
