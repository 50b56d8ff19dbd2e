"""The class table as CSV and the feedback page: what a teacher exports and a student reads."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from claimdesk.core.classroom.collect import collect
from claimdesk.core.classroom.exercise import ExerciseError, create_exercise
from claimdesk.core.classroom.feedback import feedback_html, write_all_feedback
from claimdesk.core.classroom.grading import (
    OVERVIEW_COLUMNS,
    ClassGrades,
    class_overview_rows,
    grade,
    write_class_csv,
)
from claimdesk.core.contrast import TEXT_MINIMUM, contrast_ratio, parse_hex
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import Article, sha256_text
from tests.core.classroom.classroom_kit import (
    TEXT_1,
    exercise_with_key,
    student_submits,
    teacher_project,
)

KEY = [(0, "Claim", 0, 10), (0, "Evidence", 5, 30), (0, "<b>Source</b>", 40, 50)]


pytestmark = pytest.mark.both_dialects


@pytest.fixture
def graded(tmp_path: Path, new_project_target: Path | str) -> Iterator[tuple[Project, ClassGrades]]:
    project = teacher_project(tmp_path / "teacher", target=new_project_target)
    info = exercise_with_key(project, tmp_path, KEY)
    assert info.path is not None
    files = [
        student_submits(info.path, '=HYPERLINK("http://x")', [(0, "Claim", 0, 10)], tmp_path / "a"),
        student_submits(
            info.path,
            "<script>alert(1)</script>",
            [(0, "Evidence", 0, 10), (0, "Claim", 12, 30), (0, "<b>Source</b>", 41, 50)],
            tmp_path / "b",
            "+44",
        ),
    ]
    collect(project, files)
    yield project, grade(project, info.id)
    project.close()


def test_class_csv_neutralises_formulas(
    graded: tuple[Project, ClassGrades], tmp_path: Path
) -> None:
    _, grades = graded
    path = write_class_csv(grades, tmp_path / "class.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads it right
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][: len(OVERVIEW_COLUMNS)] == list(OVERVIEW_COLUMNS)
    assert rows[0][-2:] == ["<b>Source</b> exact F1", "<b>Source</b> overlap F1"]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {'\'=HYPERLINK("http://x")', "<script>alert(1)</script>"}
    assert by_name["<script>alert(1)</script>"][1] == "'+44"
    first = by_name['\'=HYPERLINK("http://x")']
    # One exact Claim of three key claims: P 1.000, R 0.333.
    assert first[4:7] == ["1.000", "0.333", "0.500"]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_overview_rows_hold_raw_values(graded: tuple[Project, ClassGrades]) -> None:
    _, grades = graded
    rows = class_overview_rows(grades)
    assert all(len(row) == len(OVERVIEW_COLUMNS) for row in rows)
    second = next(row for row in rows if row[1] == "+44")
    # Key: Claim [0,10), Evidence [5,30), Source [40,50). Student: Evidence [0,10) overlaps the
    # key's Evidence (boundary error), Source [41,50) the key's Source (boundary error), Claim
    # [12,30) touches no key Claim (extra), so the key's Claim [0,10) is missed.
    assert second[OVERVIEW_COLUMNS.index("Boundary errors")] == 2
    assert second[OVERVIEW_COLUMNS.index("Wrong label")] == 0
    assert second[OVERVIEW_COLUMNS.index("Missed")] == 1
    assert second[OVERVIEW_COLUMNS.index("Extra")] == 1
    assert second[OVERVIEW_COLUMNS.index("Exact F1")] == 0.0
    # Overlap: 2 matched of 3 marked and 3 in the key -> F1 2/3.
    assert second[OVERVIEW_COLUMNS.index("Overlap F1")] == pytest.approx(2 / 3)
    assert isinstance(second[OVERVIEW_COLUMNS.index("Overlap F1")], float)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_feedback_escapes_everything_and_shows_both_sides(
    graded: tuple[Project, ClassGrades],
) -> None:
    project, grades = graded
    student = next(s for s in grades.students if s.student_id == "+44")
    page = feedback_html(grades, student.annotator_id)
    parser = _Collector()
    parser.feed(page)
    # No script element and no tag from a name, label or text: only what the page itself uses.
    assert "script" not in parser.tags and "b" in parser.tags  # <b> only from the page's own labels
    assert set(parser.tags) <= {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "h1",
        "h2",
        "h3",
        "p",
        "b",
        "br",
        "table",
        "tr",
        "th",
        "td",
        "span",
        "div",
        "ul",
        "li",
        "dl",
        "dt",
        "dd",
    }
    text = "".join(parser.text)
    assert "<script>alert(1)</script> (+44)" in text  # shown as the characters typed
    assert "<b>Source</b>" in text  # the label name, as text
    assert "Who says it <i>(name them)</i>." not in text  # Source was not missed...
    assert "A statement presented as fact." in text  # ...but the key's Claim was
    assert "Your annotations (3)" in text and "Answer key (3)" in text
    assert "Missed claims (1)" in text and "Claims not in the key (1)" in text
    assert "Boundary errors (2)" in text
    document = project.document_text(project.documents()[1].id)
    assert "&lt;b&gt;x&lt;/b&gt;&amp;amp;" in page and document.startswith("Café")
    # The key's spans are painted in the labels' colours (tinted for print).
    assert re.search(r"border-bottom: 2px solid #e6194b", page)
    assert "<script" not in page.lower()


def test_feedback_pages_are_written_per_student(
    graded: tuple[Project, ClassGrades], tmp_path: Path
) -> None:
    _, grades = graded
    pages = write_all_feedback(grades, tmp_path / "feedback")
    assert len(pages) == 2
    assert all(p.parent == tmp_path / "feedback" and p.suffix == ".html" for p in pages)
    assert all("/" not in p.name[:-5] and "<" not in p.name for p in pages)


def test_grading_needs_a_key(tmp_path: Path) -> None:
    project = teacher_project(tmp_path / "t")
    try:
        info = create_exercise(project, tmp_path, title="Keyless", document_ids=[1])
        with pytest.raises(ExerciseError, match="has no answer key yet"):
            grade(project, info.id)
        with pytest.raises(ExerciseError, match="has no exercise"):
            grade(project, "0" * 32)
    finally:
        project.close()


def test_feedback_keeps_crlf_as_one_line_break_and_leaves_out_unused_labels(
    tmp_path: Path,
) -> None:
    project = teacher_project(tmp_path / "teacher", texts=(TEXT_1,))
    # Import keeps CRLF in a dataset's text (offsets point into it), as a JSONL file gives it.
    crlf = "Café owners said 🙂 prices rose.\r\n<b>x</b>&amp; =SUM(A1)."
    project.import_articles([Article(tmp_path / "c.txt", crlf, "CRLF", sha256_text(crlf), "", ())])
    cr = crlf.index("\r\n")
    # The key's claim ends between the CR and the LF; the student's ends after both.
    info = exercise_with_key(project, tmp_path, [(1, "Claim", 0, cr + 1)])
    assert info.path is not None
    collect(project, [student_submits(info.path, "Zoë 😀", [(1, "Claim", 0, cr + 2)], tmp_path)])
    grades = grade(project, info.id)
    page = feedback_html(grades, grades.students[0])
    cells = re.findall(r'<td class="side text">(.*?)</td>', page, re.DOTALL)
    assert len(cells) == 4 and not any("\r" in cell for cell in cells)
    breaks = re.findall(r"rose\.(?:</?span[^>]*>|\n)*?(\n+)(?:</?span[^>]*>)*&lt;b&gt;x", page)
    assert breaks == ["\n", "\n"]  # one line break on each side, as the text has
    # Only Claim was used (by the key and by the student): the other labels are not scored.
    parser = _Collector()
    parser.feed(page)
    text_shown = "".join(parser.text)
    assert "Claim" in text_shown and "Evidence" not in text_shown
    assert "<b>Source</b>" not in text_shown
    assert "2 label(s) that neither you nor the key used." in text_shown
    # In the class CSV those labels' cells stay empty rather than a perfect 1.000.
    with write_class_csv(grades, tmp_path / "class.csv").open(encoding="utf-8-sig") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["Claim exact F1"], row["Claim overlap F1"]) == ("0.000", "1.000")
    assert row["Evidence exact F1"] == row["<b>Source</b> overlap F1"] == ""
    project.close()


@pytest.mark.parametrize(
    ("name", "number", "shown"),
    [
        ("..", "", "student"),
        ("Ann\u202egpj.lmth", "", "Ann_gpj.lmth"),
        ("\x1b[2J\x1b]0;owned\x07Bo", "s/1", "[2J_]0;owned_Bo s_1"),
        ("../../outside", "..", "outside"),
        ("\ud800", "", "student"),
        ("é" * 300, "", "é" * 60),
    ],
)
def test_feedback_file_names_are_safe_and_distinct(
    graded: tuple[Project, ClassGrades], tmp_path: Path, name: str, number: str, shown: str
) -> None:
    from dataclasses import replace

    from claimdesk.core.classroom.feedback import feedback_file_name, write_feedback

    _, grades = graded
    first, second = (replace(s, student_name=name, student_id=number) for s in grades.students)
    names = {feedback_file_name(first), feedback_file_name(second)}
    assert len(names) == 2  # two students of the same name: two pages
    assert feedback_file_name(first) == f"{shown} - {first.annotator_id}.html"
    path = write_feedback(grades, first, tmp_path / "pages")
    assert path.parent == tmp_path / "pages" and path.name == feedback_file_name(first)
    assert len(path.name.encode("utf-8")) < 255


@pytest.mark.file_only  # about the project's own file
def test_feedback_into_a_file_or_a_project_is_refused(
    graded: tuple[Project, ClassGrades], tmp_path: Path
) -> None:
    from claimdesk.core.outputs import OutputError

    project, grades = graded
    before = project.path.read_bytes()
    with pytest.raises(OutputError, match="is a Claimdesk project, not a folder"):
        write_all_feedback(grades, project.path)
    with pytest.raises(OutputError, match="is a Claimdesk project"):
        write_class_csv(grades, project.path)
    assert project.path.read_bytes() == before
    plain = tmp_path / "plain.txt"
    plain.write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match=r"plain\.txt: is a file, not a folder"):
        write_all_feedback(grades, plain)
    assert plain.read_text(encoding="utf-8") == "mine"


def test_feedback_sets_text_and_background_together(graded: tuple[Project, ClassGrades]) -> None:
    """A dark theme (a browser's, or the app's preview) must not put its background behind
    text meant for white paper: the page and every coloured span set both, and they read."""
    _, grades = graded
    for student in grades.students:
        page = feedback_html(grades, student)
        body = re.search(r"body \{([^}]*)\}", page)
        assert body is not None
        assert "color: #222222;" in body.group(1) and "background-color: #ffffff;" in body.group(1)
        coloured = [s for s in re.findall(r'style="([^"]*)"', page) if "background-color" in s]
        assert coloured
        for style in coloured:
            background = re.search(r"background-color: (#[0-9a-f]{6})", style)
            text = re.search(r"(?<![-\w])color: (#[0-9a-f]{6})", style)
            assert background is not None and text is not None, style
            ratio = contrast_ratio(parse_hex(text.group(1)), parse_hex(background.group(1)))
            assert ratio >= TEXT_MINIMUM, style
