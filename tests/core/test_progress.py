"""One progress callback type and one Cancelled, reached by one path."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from claimdesk.core import errors, progress
from claimdesk.core.progress import check_progress

ROOT = Path(__file__).resolve().parents[2]
HOMES = {"claimdesk.core.errors", "claimdesk.core.progress"}  # where Cancelled may come from
# Files still importing Cancelled through a classroom module until the classroom's move lands.
PENDING = {
    "core/classroom/exercise.py",
    "core/classroom/collect.py",
    "core/classroom/grading.py",
    "tests/core/classroom/test_classroom_collect.py",
}


def test_check_progress_goes_on_or_raises_the_one_cancelled() -> None:
    seen: list[tuple[int, int]] = []
    check_progress(None, 1, 2)
    check_progress(lambda done, total: seen.append((done, total)) is None, 1, 2)
    with pytest.raises(errors.Cancelled):
        check_progress(lambda done, total: False, 2, 2)
    assert seen == [(1, 2)] and progress.Cancelled is errors.Cancelled


def _sources() -> list[Path]:
    return [
        path
        for folder in ("core", "gui", "tests", "benchmarks", "scripts")
        for path in sorted((ROOT / folder).rglob("*.py"))
    ]


def test_cancelled_is_defined_once_and_imported_from_errors_or_progress() -> None:
    wrong: list[str] = []
    for path in _sources():
        name = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), name)
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name == "Cancelled":
                if name != "core/errors.py":
                    wrong.append(f"{name}: defines its own Cancelled")
            elif isinstance(node, ast.ImportFrom) and node.module is not None:
                for alias in node.names:
                    if alias.name != "Cancelled" or name in PENDING:
                        continue
                    if node.module not in HOMES:
                        wrong.append(f"{name}: imports Cancelled from {node.module}")
                    elif alias.asname == "Cancelled" and name != "core/progress.py":
                        wrong.append(f"{name}: re-exports Cancelled")
    assert wrong == []
