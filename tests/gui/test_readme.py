"""The README's promises stay true: its shortcut table is the one the app shows."""

from __future__ import annotations

import re
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
    # Every file and picture the README links to is in the checkout (the screenshot set too).
    links = {link.split("#")[0] for link in re.findall(r"\]\(([^)\s]+)\)", text)}
    local = {link for link in links if link and not re.match(r"[a-z]+:", link)}
    for relative in ("docs/screenshots/light.png", "docs/screenshots/student.png", ".ci/run"):
        assert relative in local or relative == ".ci/run"
    for relative in sorted(local | {".ci/run", "docs/architecture.md", "CHANGELOG.md"}):
        assert (root / relative).exists(), relative
