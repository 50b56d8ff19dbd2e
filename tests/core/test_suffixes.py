"""File suffixes are defined once (core/suffixes.py); the window, the command line and the
installers' file associations use the same ones."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from claimdesk.core.suffixes import (
    ARTICLE_SUFFIXES,
    CLAIMDESK_SUFFIXES,
    EXERCISE_SUFFIX,
    PROJECT_SUFFIX,
    SUBMISSION_SUFFIX,
    patterns,
    with_suffix,
)

ROOT = Path(__file__).resolve().parents[2]
HOME = ROOT / "core" / "suffixes.py"
MODULES = sorted([*(ROOT / "core").rglob("*.py"), *(ROOT / "gui").rglob("*.py")])


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_spells_a_suffix_of_its_own(path: Path) -> None:
    if path == HOME:
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # ".txt" alone is also brat's and REFI-QDA's own: only the articles' pair counts.
    spelled = [
        f"line {node.lineno}: {ast.unparse(node)}"
        for node in ast.walk(tree)
        if (isinstance(node, ast.Constant) and node.value in CLAIMDESK_SUFFIXES)
        or (
            isinstance(node, ast.Tuple)
            and [getattr(item, "value", None) for item in node.elts] == list(ARTICLE_SUFFIXES)
        )
    ]
    assert spelled == [], f"use claimdesk.core.suffixes in {path.relative_to(ROOT)}"


def test_longest_first_so_an_exercise_is_never_taken_for_a_project() -> None:
    assert list(CLAIMDESK_SUFFIXES) == sorted(CLAIMDESK_SUFFIXES, key=len, reverse=True)
    assert {PROJECT_SUFFIX, EXERCISE_SUFFIX, SUBMISSION_SUFFIX} == set(CLAIMDESK_SUFFIXES)


def test_dialog_patterns_and_added_suffixes() -> None:
    assert patterns(*ARTICLE_SUFFIXES).startswith("*.txt *.md *.html *.htm")
    assert with_suffix("essay", PROJECT_SUFFIX) == "essay.claimdesk"
    assert with_suffix("essay.claimdesk", PROJECT_SUFFIX) == "essay.claimdesk"


def test_the_installers_associate_the_same_suffixes() -> None:
    mime = (ROOT / "packaging" / "linux" / "claimdesk-mime.xml").read_text(encoding="utf-8")
    assert set(re.findall(r'<glob pattern="\*([^"]+)"', mime)) == set(CLAIMDESK_SUFFIXES)
    inno = (ROOT / "packaging" / "windows" / "claimdesk.iss").read_text(encoding="utf-8")
    registered = set(re.findall(r'Subkey: "Software\\Classes\\(\.[^"\\]+)"', inno))
    assert registered == set(CLAIMDESK_SUFFIXES)


def test_every_article_suffix_is_plain_text_or_has_an_extractor() -> None:
    from claimdesk.core.text.extract import EXTRACTORS

    assert set(ARTICLE_SUFFIXES) == {".txt", ".md"} | set(EXTRACTORS)
    assert all(suffix == suffix.lower() for suffix in ARTICLE_SUFFIXES)
