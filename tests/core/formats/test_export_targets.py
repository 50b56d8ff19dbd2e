"""Where `claimdesk-cli export` may write: never over a project, a folder or a device; a bad
place is one line naming the file, exit 1, no traceback; a killed export leaves nothing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from claimdesk.core.formats.export import export_dataset
from claimdesk.core.formats.importer import read_dataset
from claimdesk.core.store.project import Project
from claimdesk.core.store.tables import utcnow
from claimdesk.core.text.textio import sha256_text
from tests.core.cli.test_cli import cli_path, digest, failed, ok, run


def _project(path: Path, documents: int = 2, spans: int = 3) -> Path:
    """A project with documents and spans, written with raw SQL (fast enough for big ones)."""
    Project.create(path).close()
    with Project.open(path) as project:
        project.add_label("Claim", "#e6194b")
    conn = sqlite3.connect(path)
    now = utcnow().isoformat(sep=" ")
    conn.execute("INSERT INTO annotator (name, created_at) VALUES ('Ana', ?)", (now,))
    label = conn.execute("SELECT id FROM label").fetchone()[0]
    for n in range(documents):
        text = f"Article {n}. " + "Prices rose by ten percent last year. " * spans
        cursor = conn.execute(
            "INSERT INTO document (title, source, date, meta, text, sha256, created_at)"
            " VALUES (?, '', '', '{}', ?, ?, ?)",
            (f"Article {n}", text, sha256_text(text), now),
        )
        rows = []
        for i in range(spans):
            start = text.index("Prices") + 38 * i
            rows.append((cursor.lastrowid, label, start, start + 6, text[start : start + 6], now))
        conn.executemany(
            'INSERT INTO annotation (document_id, label_id, annotator_id, start, "end", quote,'
            " note, created_at, updated_at) VALUES (?, ?, 1, ?, ?, ?, '', ?, ?)",
            [(d, lab, s, e, q, t, t) for d, lab, s, e, q, t in rows],
        )
    conn.commit()
    conn.close()
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return _project(tmp_path / "P.claimdesk")


def test_an_export_never_replaces_the_project_by_any_path(project: Path, tmp_path: Path) -> None:
    before = digest(project)
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.jsonl").symlink_to(project)
    os.link(project, tmp_path / "hard.jsonl")
    for fmt, out in [
        ("jsonl", "P.claimdesk"),
        ("csv", "sub/../P.claimdesk"),
        ("jsonl", str(project)),
        ("jsonl", "link.jsonl"),
        ("conll", "hard.jsonl"),
        ("brat", "P.claimdesk"),
        ("uima-xmi", "P.claimdesk"),
        ("labelstudio", "P.claimdesk"),
    ]:
        stderr = failed(run("export", project, "--format", fmt, "--out", out, cwd=tmp_path))
        assert stderr.count("\n") == 1, stderr
        assert "this command reads; choose another name" in stderr or "Claimdesk project" in stderr
    assert digest(project) == before
    with Project.open(project) as opened:
        assert len(opened.documents()) == 2


def test_no_other_project_nor_its_wal_or_shm(project: Path, tmp_path: Path) -> None:
    other = _project(tmp_path / "Other.claimdesk")
    with Project.open(other) as opened:  # leave a -wal and -shm beside it
        opened.add_label("Extra", "#3cb44b")
        before = digest(other)
        for out in ["Other.claimdesk", "Other.claimdesk-wal", "Other.claimdesk-shm"]:
            stderr = failed(
                run("export", project, "--format", "jsonl", "--out", out, cwd=tmp_path), out
            )
            assert "Claimdesk project" in stderr
        assert digest(other) == before
    renamed = tmp_path / "old-backup.csv"  # a project under a name that does not say so
    renamed.write_bytes(other.read_bytes())
    failed(run("export", project, "--format", "csv", "--out", renamed, cwd=tmp_path))
    assert renamed.read_bytes() == other.read_bytes()


@pytest.mark.parametrize(
    ("fmt", "out", "words"),
    [
        ("jsonl", "plain/sub/out.jsonl", "out.jsonl: cannot be written: plain is a file"),
        ("jsonl", "missing/out.jsonl", "out.jsonl: cannot be written: the folder missing does"),
        ("brat", "plain/brat", "brat: cannot be written: plain is a file, not a folder"),
        ("jsonl", "folder", "folder: is a folder; give a file name"),
        ("brat", "plain", "plain: is a file; this format writes a folder"),
        ("jsonl", "pipe", "pipe: is not a regular file"),  # not /dev/null: root replaces it
    ],
)
def test_a_bad_place_is_one_line(
    project: Path, tmp_path: Path, fmt: str, out: str, words: str
) -> None:
    (tmp_path / "plain").write_text("mine", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "pipe")
    stderr = failed(run("export", project, "--format", fmt, "--out", out, cwd=tmp_path), words)
    assert stderr.count("\n") == 1
    assert (tmp_path / "plain").read_text(encoding="utf-8") == "mine"
    assert [p.name for p in (tmp_path / "folder").iterdir()] == []
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_an_ordinary_file_is_overwritten(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "claims.jsonl"
    out.write_text("old\n", encoding="utf-8")
    ok(run("export", project, "--format", "jsonl", "--out", out, cwd=tmp_path))
    assert out.read_text(encoding="utf-8").startswith("{")


@pytest.mark.parametrize(
    "names", [[".", ".."], ["Ana", "ana", "ANA"], ["..", "%2E%2E", "x.", ".hidden"]]
)
def test_brat_folders_of_awkward_annotators_are_distinct_and_read_back(
    project: Path, tmp_path: Path, names: list[str]
) -> None:
    with Project.open(project) as opened:
        label = opened.labels()[0].id
        document = opened.documents()[0].id
        for n, name in enumerate(names):
            annotator = opened.ensure_annotator(name)
            opened.add_annotation(document, label, annotator.id, 10 + n, 16 + n)
        report = export_dataset(opened, "brat", tmp_path / "brat")
    assert report.verified
    folders = [p.name for p in (tmp_path / "brat").iterdir() if p.is_dir()]
    assert len({f.casefold() for f in folders}) == len({"Ana", *names})  # Ana: the fixture
    assert not any(f.startswith(".") or f.endswith((".", " ")) for f in folders)
    found = {s.annotator for doc in read_dataset("brat", tmp_path / "brat") for s in doc.spans}
    assert set(names) <= found


def test_brat_export_with_dot_annotators_from_the_command_line(
    project: Path, tmp_path: Path
) -> None:
    with Project.open(project) as opened:
        label, document = opened.labels()[0].id, opened.documents()[0].id
        for name in (".", ".."):
            opened.add_annotation(document, label, opened.ensure_annotator(name).id, 10, 16)
    ok(run("export", project, "--format", "brat", "--out", "out", cwd=tmp_path))
    assert (tmp_path / "out" / "%2E").is_dir() and (tmp_path / "out" / "%2E%2E").is_dir()


@pytest.mark.parametrize("kill", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_export_leaves_no_partial_file_after_the_next_one(
    tmp_path: Path, kill: signal.Signals
) -> None:
    big = _project(tmp_path / "big.claimdesk", documents=400, spans=250)  # 100,000 spans
    out = tmp_path / "claims.jsonl"
    out.write_text("the earlier export\n", encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    command = [cli_path(), "export", str(big), "--format", "jsonl", "--out", str(out)]
    child = subprocess.Popen(command, cwd=tmp_path, env=env, stderr=subprocess.DEVNULL)
    partial = f".{out.name}.{child.pid}."
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(partial) for p in tmp_path.iterdir()):
        assert child.poll() is None, "the export ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.002)
    time.sleep(0.05)  # mid-write
    child.send_signal(kill)
    child.wait()
    left = [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    if kill == signal.SIGKILL:  # cannot be caught: what the issue saw, a hidden partial file
        assert left and left[0].startswith(partial)
    else:  # SIGTERM unwinds the export, which removes its partial file at once
        assert child.returncode == 128 + signal.SIGTERM and left == []
    assert out.read_text(encoding="utf-8") == "the earlier export\n"  # the kill replaced nothing

    ok(run("export", big, "--format", "jsonl", "--out", out, cwd=tmp_path))
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    assert sum(1 for _ in out.open(encoding="utf-8")) == 400
