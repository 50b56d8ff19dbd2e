"""claimdesk-cli writing into a pipe whose reader has gone (``| head``, a pager quit early)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import Article, sha256_text


def cli_path() -> str:
    found = shutil.which("claimdesk-cli", path=str(Path(sys.executable).parent))
    assert found, "claimdesk-cli is not installed beside this Python (pip install -e .)"
    return found


def run_into_closed_pipe(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run with stdout a pipe nobody reads: every write to it fails as it does under ``head``."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [cli_path(), *map(str, args)],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
            text=True,
            encoding="utf-8",
            timeout=120,
        )
    finally:
        os.close(write_end)


@pytest.fixture
def coded(tmp_path: Path) -> Path:
    path = tmp_path / "p.claimdesk"
    with Project.create(path) as project:
        label, _ = project.add_label("Claim 𠀋 <b>x</b>&amp;", "#aa3300")
        text = "=SUM(A1) 中苏关系 talks 🇨🇳\r\nTroops withdraw."
        article = Article(Path("a.txt"), text, "中苏 🇨🇳", sha256_text(text), "utf-8", ())
        doc = project.import_articles([article]).added[0][0]
        for name in ("Ana", "Ben"):
            who = project.ensure_annotator(name).id
            project.add_annotation(doc, label.id, who, 0, 8)
    return path


@pytest.mark.parametrize(
    "args",
    [("agreement", "{p}"), ("agreement", "{p}", "--json"), ("list", "{p}"), ("rules",)],
    ids=["agreement", "agreement-json", "list", "rules"],
)
def test_a_closed_pipe_ends_quietly_without_a_traceback(coded: Path, args: tuple[str, ...]) -> None:
    result = run_into_closed_pipe(*(a.format(p=coded) for a in args))
    assert "Traceback" not in result.stderr
    assert "BrokenPipe" not in result.stderr
    assert result.stderr == ""
    assert result.returncode == 141


def test_errors_are_still_reported_when_stdout_is_closed(tmp_path: Path) -> None:
    result = run_into_closed_pipe("agreement", tmp_path / "missing.claimdesk")
    assert result.returncode == 1
    assert result.stderr.startswith("claimdesk-cli: error: ")
