"""Grades list their labels in codebook order, as the tagging panel does: each group followed by
its members, not every group and ungrouped label first."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from claimdesk.core.classroom.feedback import feedback_html
from claimdesk.core.classroom.grading import write_class_csv
from claimdesk.core.records import label_tree_order
from tests.core.classroom.classroom_kit import CODEBOOK_ORDER, interleaved_class


def test_grades_follow_the_tagging_panel_order(tmp_path: Path) -> None:
    project, grades = interleaved_class(tmp_path)
    try:
        panel = [label.name for label, _depth in label_tree_order(project.labels())]
        assert panel == CODEBOOK_ORDER
        assert [label.name for label in grades.labels] == CODEBOOK_ORDER
        (student,) = grades.students
        assert [row.label.name for row in student.labels] == CODEBOOK_ORDER
    finally:
        project.close()


def test_class_csv_columns_follow_the_codebook_order(tmp_path: Path) -> None:
    project, grades = interleaved_class(tmp_path)
    project.close()
    with write_class_csv(grades, tmp_path / "class.csv").open(encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle))
    per_label = [cell.removesuffix(" exact F1") for cell in header if cell.endswith(" exact F1")]
    assert per_label == CODEBOOK_ORDER


def test_feedback_lists_scores_and_missed_definitions_in_codebook_order(tmp_path: Path) -> None:
    project, grades = interleaved_class(tmp_path)
    project.close()
    page = feedback_html(grades, grades.students[0])
    chip = r'<span class="chip"[^>]*>([^<]*)</span>'
    scores = page.split("<h2>Scores</h2>")[1].split("All labels")[0]
    # Only the labels the key or the student used are scored, in codebook order.
    assert re.findall(chip, scores) == ["Claim", "Embargo", "Troops", "Trade", "Source"]
    definitions = page.split("Definitions of the labels you missed")[1].split("</dl>")[0]
    # Missed along the text as Trade, Embargo, Claim: listed as the codebook lists them.
    assert re.findall(chip, definitions) == ["Claim", "Embargo", "Trade"]
