"""CSV cells: a plain number stays plain, anything a spreadsheet would run is neutralised."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from claimdesk.core.formats.csv import is_plain_number, neutralise, restore
from claimdesk.core.formats.export import export_dataset
from claimdesk.core.store.edits import AddDocuments
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import sha256_text

NUMBERS = ["-5", "+3", "-0.5", "-.5", "+12.", "-1e3", "+2E-4", "1e3", "42"]
FORMULAS = ["-5+3", "=1", "@SUM(A1)", "+A1", "-", "+", "-e3", "- 5", "-5 ", "-inf", "-٣", "-1,5"]


def runs_as_formula(cell: str) -> bool:
    """What a spreadsheet does with a cell it imports: one that starts with = + - @, a tab or
    CR is evaluated, unless it is a number (LibreOffice and Excel read "-5" as minus five)."""
    if cell[:1] not in ("=", "+", "-", "@", "\t", "\r"):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return not cell.isascii() or cell.strip() != cell


@pytest.mark.parametrize("cell", NUMBERS)
def test_plain_numbers_stay_plain(cell: str) -> None:
    assert is_plain_number(cell) or cell[0] not in "+-"
    assert neutralise(cell) == cell
    assert not runs_as_formula(neutralise(cell))
    assert restore(neutralise(cell)) == cell


@pytest.mark.parametrize("cell", FORMULAS)
def test_formulas_stay_protected(cell: str) -> None:
    assert not is_plain_number(cell)
    assert neutralise(cell) == "'" + cell
    assert not runs_as_formula(neutralise(cell))
    assert restore(neutralise(cell)) == cell


@pytest.mark.parametrize("cell", ["'-5", "''=1", "'", "plain", ""])
def test_apostrophes_round_trip(cell: str) -> None:
    assert restore(neutralise(cell)) == cell


def test_exported_notes_read_back_through_csv(project: Project, tmp_path: Path) -> None:
    text = "Prices fell by 5 points and +3 more."
    command = AddDocuments([{"title": "-5", "source": "", "date": "", "meta": {},
                             "text": text, "sha256": sha256_text(text)}])  # fmt: skip
    project.apply(command)
    label, _ = project.add_label("Change", "#112233")
    who = project.ensure_annotator("Ana").id
    notes = [*NUMBERS, *FORMULAS]
    for n, note in enumerate(notes):
        project.add_annotation(command.ids[0], label.id, who, 0, n + 1, note=note)
    out = tmp_path / "notes.csv"
    report = export_dataset(project, "csv", out)
    assert report.verified
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    cells = {row["end"]: row["note"] for row in rows}
    written = [cells[str(n + 1)] for n in range(len(notes))]
    assert written[: len(NUMBERS)] == NUMBERS  # "-5" is exported as -5, not '-5
    assert written[len(NUMBERS) :] == ["'" + f for f in FORMULAS]
    assert not any(runs_as_formula(cell) for row in rows for cell in row.values())
    assert [restore(cell) for cell in written] == notes
    assert {row["title"] for row in rows} == {"-5"}
