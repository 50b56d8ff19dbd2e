"""The README's promises stay true: its shortcut table is the one the app shows."""

from __future__ import annotations

from pathlib import Path

from claimdesk.gui.shortcuts import SHORTCUTS

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_shortcut_table_matches_the_help_dialog() -> None:
    text = README.read_text("utf-8")
    table = text.split("### Keyboard shortcuts", 1)[1].split("\n## ", 1)[0]
    rows = [
        tuple(cell.strip() for cell in line.strip().strip("|").split("|"))
        for line in table.splitlines()
        if line.startswith("| ") and not line.startswith("| Keys") and "---" not in line
    ]
    assert rows == [tuple(pair) for pair in SHORTCUTS]


def test_readme_gives_the_two_commands_and_its_files_exist() -> None:
    text = README.read_text("utf-8")
    assert "make run" in text and "make test" in text
    root = README.parent
    for relative in (
        "docs/screenshot.png",
        "scripts/screenshot.py",
        ".ci/run",
        "docs/architecture.md",
        "CHANGELOG.md",
    ):
        assert (root / relative).exists(), relative
