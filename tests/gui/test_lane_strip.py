"""The curation view's lane strip: one lane per annotator beside the text, bars on their lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from claimdesk.core.agreement.curation import accept_span
from claimdesk.core.codebook import load_codebook
from claimdesk.core.paths import seeds_dir
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import Article, sha256_text
from claimdesk.gui.curation import PREVIEW_ID, CurationView
from claimdesk.gui.lane_strip import LINE_GAP, Bar, LaneStrip
from claimdesk.gui.offsets import OffsetMap

# Awkward lines: an emoji and a CJK character outside the BMP (two UTF-16 units each), HTML-
# and formula-looking text, combining accents, and CRLF line ends (one break, two characters).
LINES = [
    f"{i:02d} 😀 claim 𠀋 said <b>x</b>&amp; =SUM(A1) cafe\u0301 and more words here"
    for i in range(80)
]
TEXT = "\r\n".join(LINES)
NAMES = ["Ana <b>Bold</b>", "Ben", "Cleo"]


def where(line: int, word: str) -> tuple[int, int]:
    start = TEXT.index(LINES[line]) + LINES[line].index(word)
    return start, start + len(word)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = Project.create(
        tmp_path / "lanes.claimdesk", codebook=load_codebook(seeds_dir() / "codebook.json")
    )
    article = Article(Path("awkward.txt"), TEXT, "Awkward", sha256_text(TEXT), "utf-8", ())
    project.import_articles([article])
    return project


@pytest.fixture
def spans(project: Project) -> dict[str, tuple[int, int, int]]:
    """Three annotators: one span all agree on, one only Ana made, one Ben and Cleo made."""
    document = project.documents()[0].id
    first, second = (label.id for label in project.labels()[:2])
    ids = [project.ensure_annotator(name).id for name in NAMES]
    everyone = (*where(2, "=SUM(A1)"), first)
    only_ana = (*where(40, "claim 𠀋 said"), second)
    # Runs over a CRLF line end onto the next line: its bar must cover both lines.
    two = (where(60, "more words here")[0], where(61, "claim")[1], first)
    for annotator in ids:
        project.add_annotation(document, everyone[2], annotator, everyone[0], everyone[1])
    project.add_annotation(document, only_ana[2], ids[0], only_ana[0], only_ana[1])
    for annotator in ids[1:]:
        project.add_annotation(document, two[2], annotator, two[0], two[1])
    return {"everyone": everyone, "only_ana": only_ana, "two": two}


@pytest.fixture
def view(project: Project, qtbot: QtBot) -> CurationView:
    view = CurationView(project, project.documents()[0].id)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    return view


def bar_for(strip: LaneStrip, key: tuple[int, int, int], lane: int) -> Bar:
    QApplication.processEvents()
    found = [bar for bar in strip.bars() if bar.key == key and bar.lane == lane]
    assert len(found) == 1, f"no bar for {key} in lane {lane}"
    return found[0]


def text_line_y(view: CurationView, position: int, *, bottom: bool = False) -> int:
    """Strip y of the top (or bottom) of the text line holding a code-point offset."""
    cursor = QTextCursor(view.text.document())
    cursor.setPosition(OffsetMap(TEXT).to_qt(position))
    rect = view.text.cursorRect(cursor)
    y = rect.bottom() + 1 if bottom else rect.top()
    point = view.text.viewport().mapToGlobal(QPoint(0, y))
    return view.lanes.mapFromGlobal(point).y()


def test_one_lane_per_compared_annotator_then_gold(
    view: CurationView, project: Project, spans: dict[str, tuple[int, int, int]]
) -> None:
    view.refresh()
    strip = view.lanes
    assert strip.lane_count() == len(NAMES) + 1
    # Headers are numbers; the full name is a plain-text tooltip (the <b> stays literal).
    assert strip.header.caption(0) == "1" and strip.header.caption(len(NAMES)) == "★"
    assert strip.lane_tooltip(0) == "Lane 1: Ana <b>Bold</b> — 2 spans"
    assert "gold" in strip.lane_tooltip(len(NAMES))
    ben = project.ensure_annotator("Ben").id
    view.choose_annotators([ben])
    assert strip.lane_count() == 2
    assert strip.lane_tooltip(0).startswith("Lane 1: Ben")
    assert strip.header.width() == strip.width() > 0


def test_bars_sit_on_the_lines_of_their_spans_and_follow_scrolling(
    view: CurationView, spans: dict[str, tuple[int, int, int]]
) -> None:
    view.refresh()
    strip = view.lanes
    for name, lane in (("everyone", 2), ("only_ana", 0), ("two", 1)):
        start, end, label = spans[name]
        assert view.select_span(start, end, label)  # scrolls the text to the span
        bar = bar_for(strip, (start, end, label), lane)
        assert abs(bar.rect.top() - LINE_GAP - text_line_y(view, start)) < 0.5, name
        bottom = text_line_y(view, end - 1, bottom=True)
        assert abs(bar.rect.bottom() + LINE_GAP - bottom) < 0.5, name
    # The two-line span covers two text lines; a one-line span one.
    line = view.text.fontMetrics().lineSpacing()
    two = bar_for(strip, spans["two"], 1).rect.height() + 2 * LINE_GAP
    assert two == pytest.approx(2 * line, abs=2)
    # Scrolling the text moves the bars with it.
    start, end, label = spans["everyone"]
    view.select_span(start, end, label)
    before = bar_for(strip, spans["everyone"], 0).rect.top()
    view.text.verticalScrollBar().setValue(view.text.verticalScrollBar().value() + 1)
    after = bar_for(strip, spans["everyone"], 0).rect.top()
    assert after < before
    assert abs(after - LINE_GAP - text_line_y(view, start)) < 0.5


def test_clicking_a_bar_selects_its_candidate(
    view: CurationView, qtbot: QtBot, spans: dict[str, tuple[int, int, int]]
) -> None:
    view.refresh()
    view.select_row(0)
    key = spans["two"]
    view.text.set_text_selection(key[0], key[1])  # scrolls there without choosing it
    view.text.ensureCursorVisible()
    bar = bar_for(view.lanes, key, 2)
    assert view.selected_candidate() is not None and view.selected_candidate().key != key
    qtbot.mouseClick(view.lanes, Qt.MouseButton.LeftButton, pos=bar.rect.center().toPoint())
    candidate = view.selected_candidate()
    assert candidate is not None and candidate.key == key
    assert view.table.currentIndex().row() == view.model.candidates.index(candidate)
    assert view.text.selected_span_id == PREVIEW_ID  # outlined in the text too
    # The selected candidate's bars are outlined in dark in every lane that has it.
    assert view.lanes.selected == key
    image = view.lanes.grab().toImage()
    bar = bar_for(view.lanes, key, 1)
    edge = image.pixelColor(int(bar.rect.left()) - 1, int(bar.rect.center().y()))
    assert edge.lightness() < 60
    # A click on empty lane space changes nothing.
    qtbot.mouseClick(view.lanes, Qt.MouseButton.LeftButton, pos=QPoint(1, 1))
    assert view.selected_candidate() == candidate


def test_agreed_bars_are_solid_and_others_hatched(
    view: CurationView, spans: dict[str, tuple[int, int, int]]
) -> None:
    view.refresh()
    strip = view.lanes
    view.select_row(len(view.model.candidates) - 1)  # away from the bars we look at

    def colours(key: tuple[int, int, int], lane: int) -> tuple[bool, set[str]]:
        start, end, _ = key
        view.text.verticalScrollBar().setValue(0)
        view.text.set_text_selection(start, end)
        view.text.ensureCursorVisible()
        bar = bar_for(strip, key, lane)
        image = strip.grab().toImage()
        inside = bar.rect.adjusted(2, 2, -2, -2).toRect()
        seen = {
            image.pixelColor(x, y).name()
            for x in range(inside.left(), inside.right() + 1)
            for y in range(inside.top(), inside.bottom() + 1)
        }
        return bar.agreed, seen

    agreed, solid = colours(spans["everyone"], 1)
    assert agreed and len(solid) == 1
    label = next(lab for lab in view.labels.values() if lab.id == spans["everyone"][2])
    assert solid == {QColor(label.colour).name()}
    agreed, hatched = colours(spans["only_ana"], 0)
    assert not agreed and len(hatched) > 1  # a pattern, not only another colour
    agreed, partial = colours(spans["two"], 2)
    assert not agreed and len(partial) > 1


def test_tooltips_name_the_annotator_in_plain_text(
    view: CurationView, spans: dict[str, tuple[int, int, int]]
) -> None:
    view.refresh()
    strip = view.lanes
    key = spans["only_ana"]
    view.select_span(*key)
    bar = bar_for(strip, key, 0)
    tip = strip.bar_tooltip(bar.rect.center())
    assert tip.startswith("Ana <b>Bold</b>: ") and "claim 𠀋 said" in tip
    assert "made exactly by 1 of 3 compared annotators" in tip
    header = strip.header
    x = strip.lane_x(0) + strip.lane_width // 2
    event = QHelpEvent(QEvent.Type.ToolTip, QPoint(x, 5), header.mapToGlobal(QPoint(x, 5)))
    QApplication.sendEvent(header, event)
    # Shown literally: the markup in the name is escaped, not rendered as bold.
    assert "Ana &lt;b&gt;Bold&lt;/b&gt;" in QToolTip.text()


def test_a_person_called_gold_and_the_gold_set_are_told_apart(
    project: Project, qtbot: QtBot
) -> None:
    document = project.documents()[0].id
    label = project.labels()[0].id
    person = project.ensure_annotator("Gold")
    key = (*where(3, "claim"), label)
    project.add_annotation(document, label, person.id, key[0], key[1])
    view = CurationView(project, document)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    accept_span(project, project.annotations(document, person.id)[0].id)
    view.refresh()
    strip = view.lanes
    assert strip.lane_count() == 2  # the person's lane, then the gold set's
    assert strip.lane_tooltip(0) == "Lane 1: Gold — 1 span"
    assert strip.lane_tooltip(1).startswith("★ The gold set")
    view.select_span(*key)
    assert strip.bar_tooltip(bar_for(strip, key, 0).rect.center()).startswith("Gold: ")
    assert strip.bar_tooltip(bar_for(strip, key, 1).rect.center()).startswith("★ The gold set: ")
