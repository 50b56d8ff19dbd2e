"""DocumentView driven like a user drives it: what is drawn, what is selected, what is emitted."""

from __future__ import annotations

import random
import time

import pytest
from PySide6.QtCore import QPoint, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QTextCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from claimdesk.core.text.spans import Span, SpanIndex
from claimdesk.gui.document_view import FILL_ALPHA, DocumentView
from claimdesk.gui.offsets import OffsetMap

RED, BLUE, GREEN = "#ff0000", "#0000ff", "#00a000"
ARTICLE = (
    "BEHIND the walls of the gigantic Soviet Embassy compound in Beijing, workers are busily "
    "building new apartment blocks.\n\nAs Sino-Soviet relations move rapidly toward full "
    "normalization, Deng's China looks north."
)


@pytest.fixture
def view(qtbot: QtBot) -> DocumentView:
    widget = DocumentView()
    qtbot.addWidget(widget)
    widget.set_label_colours({0: RED, 1: BLUE, 2: GREEN})
    widget.resize(520, 300)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _span_of(text: str, fragment: str, span_id: int, label: int = 0) -> Span:
    start = text.index(fragment)
    return Span(span_id, start, start + len(fragment), label)


def _viewport_image(view: DocumentView) -> QImage:
    return view.viewport().grab().toImage()


def _blend(colour: str, alpha: int = FILL_ALPHA, times: int = 1) -> QColor:
    """The colour a translucent fill leaves on the white background."""
    fg = QColor(colour)
    r, g, b = 255.0, 255.0, 255.0
    for _ in range(times):
        a = alpha / 255
        r, g, b = (
            fg.red() * a + r * (1 - a),
            fg.green() * a + g * (1 - a),
            fg.blue() * a + b * (1 - a),
        )
    return QColor(round(r), round(g), round(b))


def _close(c1: QColor, c2: QColor, tolerance: int = 6) -> bool:
    return (
        abs(c1.red() - c2.red()) <= tolerance
        and abs(c1.green() - c2.green()) <= tolerance
        and abs(c1.blue() - c2.blue()) <= tolerance
    )


def _count(image: QImage, rect: QRect, colour: QColor) -> int:
    return sum(
        _close(image.pixelColor(x, y), colour)
        for x in range(rect.left(), rect.right() + 1)
        for y in range(rect.top(), rect.bottom() + 1)
    )


def _cursor_rect(view: DocumentView, qt_pos: int) -> QRect:
    cursor = QTextCursor(view.document())
    cursor.setPosition(qt_pos)
    return view.cursorRect(cursor)


# --- drawing -------------------------------------------------------------------------------------


def test_span_is_filled_with_its_label_colour_and_nothing_else_is(view: DocumentView) -> None:
    span = _span_of(ARTICLE, "gigantic Soviet Embassy", 1)
    view.set_document(ARTICLE, [span])
    rects = view.span_rects(1)
    assert len(rects) == 1
    image = _viewport_image(view)
    inside = rects[0].toAlignedRect().adjusted(1, 1, -1, -4)  # above the lane bar
    fill = _blend(RED)
    area = inside.width() * inside.height()
    assert _count(image, inside, fill) > area * 0.4  # the rest is glyphs
    # The words before the span on the same line are not tinted.
    before = view.span_rects(1)[0].translated(-rects[0].left() + 2, 0)
    before.setWidth(rects[0].left() - 6)
    assert _count(image, before.toAlignedRect(), fill) == 0
    # The lane bar under the span is the label colour itself.
    bottom = int(rects[0].bottom())
    assert _close(image.pixelColor(int(rects[0].center().x()), bottom - 1), QColor(RED))


def test_overlapping_spans_stack_and_get_separate_lanes(view: DocumentView) -> None:
    outer = _span_of(ARTICLE, "gigantic Soviet Embassy", 1, label=0)
    inner = _span_of(ARTICLE, "Soviet Embassy compound", 2, label=1)
    view.set_document(ARTICLE, [outer, inner])
    image = _viewport_image(view)
    both = view.span_rects(1)[0].intersected(view.span_rects(2)[0])
    assert both.width() > 20
    # Two translucent fills on top of each other.
    stacked = QColor(_blend(RED))
    a = FILL_ALPHA / 255
    blue = QColor(BLUE)
    stacked = QColor(
        round(blue.red() * a + stacked.red() * (1 - a)),
        round(blue.green() * a + stacked.green() * (1 - a)),
        round(blue.blue() * a + stacked.blue() * (1 - a)),
    )
    assert _count(image, both.toAlignedRect().adjusted(1, 1, -1, -6), stacked) > 20
    # Each span draws its own bar at a different height: both colours under the overlap.
    x = int(both.center().x())
    column = [image.pixelColor(x, y) for y in range(int(both.top()), int(both.bottom()) + 6)]
    assert any(_close(c, QColor(RED)) for c in column)
    assert any(_close(c, QColor(BLUE)) for c in column)
    reds = [y for y, c in enumerate(column) if _close(c, QColor(RED))]
    blues = [y for y, c in enumerate(column) if _close(c, QColor(BLUE))]
    assert set(reds).isdisjoint(blues)


def test_selected_span_gets_a_dark_outline(view: DocumentView) -> None:
    span = _span_of(ARTICLE, "gigantic Soviet Embassy", 1, label=2)
    view.set_document(ARTICLE, [span])
    rect = view.span_rects(1)[0]
    top_edge = QPoint(int(rect.center().x()), int(rect.top()))
    before = _viewport_image(view).pixelColor(top_edge)
    view.select_span(1)
    assert view.selected_span_id == 1
    after = _viewport_image(view).pixelColor(top_edge)
    assert _close(before, _blend(GREEN))
    assert _close(after, QColor(GREEN).darker(170), tolerance=20)


def test_astral_characters_before_a_span_do_not_shift_it(view: DocumentView) -> None:
    text = "😀 emoji 𠀀 rare 👨\u200d👩\u200d👧 family then the target words here."
    span = _span_of(text, "target", 7)
    view.set_document(text, [span])
    offsets = OffsetMap(text)
    (rect,) = view.span_rects(7)
    start = _cursor_rect(view, offsets.to_qt(span.start))
    end = _cursor_rect(view, offsets.to_qt(span.end))
    assert abs(rect.left() - start.left()) <= 1
    assert abs(rect.right() - end.left()) <= 1
    assert abs(rect.top() - start.top()) <= 1
    # The cursor at those positions really spans the word "target".
    cursor = QTextCursor(view.document())
    cursor.setPosition(offsets.to_qt(span.start))
    cursor.setPosition(offsets.to_qt(span.end), QTextCursor.MoveMode.KeepAnchor)
    assert cursor.selectedText() == "target"


def test_span_across_a_line_wrap_and_a_paragraph_has_one_rect_per_line(view: DocumentView) -> None:
    span = _span_of(
        ARTICLE,
        "Embassy compound in Beijing, workers are busily building new apartment blocks.\n\nAs Sino",
        3,
    )
    view.set_document(ARTICLE, [span])
    rects = view.span_rects(3)
    assert len(rects) >= 3
    tops = [r.top() for r in rects]
    assert tops == sorted(tops) and len(set(tops)) == len(tops)
    first_line_start = _cursor_rect(view, span.start)
    assert abs(rects[0].left() - first_line_start.left()) <= 1


def test_crlf_text_keeps_offsets(view: DocumentView) -> None:
    text = "first line\r\nsecond line with target\r\nthird"
    span = _span_of(text, "target", 1)
    view.set_document(text, [span])
    assert view.document_text() == text
    (rect,) = view.span_rects(1)
    assert abs(rect.left() - _cursor_rect(view, span.start).left()) <= 1
    view.set_text_selection(span.start, span.end)
    assert view.textCursor().selectedText() == "target"


def test_never_renders_html(view: DocumentView) -> None:
    text = "<b>bold?</b> <i>no</i> <img src=x> &amp;"
    view.set_document(text, [Span(1, 0, 3, 0)])
    assert view.toPlainText() == text
    assert view.document_text() == text
    block = view.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            assert fmt.fontWeight() == QFont.Weight.Normal
            assert not fmt.fontItalic()
            assert not fmt.isImageFormat()
            it += 1
        block = block.next()


# --- selection and input -------------------------------------------------------------------------


def test_shift_right_selects_code_points_across_an_emoji(qtbot: QtBot, view: DocumentView) -> None:
    text = "ab😀cd 𠀀e"
    view.set_document(text, [])
    view.setFocus()
    view.set_text_selection(1, 1)
    assert view.text_selection() is None
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.text_selection() == (1, 2)
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.text_selection() == (1, 3)
    assert text[1:3] == "b😀"
    for _ in range(4):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.text_selection() == (1, 7)
    assert text[1:7] == "b😀cd 𠀀"


def test_set_text_selection_is_in_code_points(view: DocumentView) -> None:
    text = "😀😀 abc 𠀀 def"
    view.set_document(text, [])
    view.set_text_selection(2, 9)
    assert view.textCursor().selectedText() == text[2:9]
    assert view.text_selection() == (2, 9)


def test_click_on_a_span_selects_it(qtbot: QtBot, view: DocumentView) -> None:
    view.set_document(ARTICLE, [_span_of(ARTICLE, "Soviet Embassy", 5)])
    point = view.span_rects(5)[0].center().toPoint()
    with qtbot.waitSignal(view.spanClicked, timeout=1000) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert blocker.args == [5]
    assert view.selected_span_id == 5
    elsewhere = QPoint(point.x(), point.y() + 100)
    with qtbot.waitSignal(view.spanClicked, timeout=1000) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=elsewhere)
    assert blocker.args == [-1]
    assert view.selected_span_id is None


def test_clicking_again_cycles_through_overlapping_spans(qtbot: QtBot, view: DocumentView) -> None:
    outer = _span_of(ARTICLE, "the gigantic Soviet Embassy compound", 1)
    inner = _span_of(ARTICLE, "Soviet", 2, label=1)
    view.set_document(ARTICLE, [outer, inner])
    point = view.span_rects(2)[0].center().toPoint()
    seen = []
    for _ in range(3):
        with qtbot.waitSignal(view.spanClicked, timeout=1000) as blocker:
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
        seen.append(blocker.args[0])
    assert seen == [2, 1, 2]  # innermost first


def test_drag_selects_text_without_clicking_a_span(qtbot: QtBot, view: DocumentView) -> None:
    view.set_document(ARTICLE, [_span_of(ARTICLE, "Soviet Embassy", 5)])
    rect = view.span_rects(5)[0]
    start = QPoint(int(rect.left()) + 2, int(rect.center().y()))
    end = QPoint(int(rect.right()) - 2, int(rect.center().y()))
    with qtbot.assertNotEmitted(view.spanClicked):
        qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
        qtbot.mouseMove(view.viewport(), end)
        qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=end)
    assert view.text_selection() is not None


def test_delete_emits_only_with_a_selected_span(qtbot: QtBot, view: DocumentView) -> None:
    view.set_document(ARTICLE, [_span_of(ARTICLE, "Beijing", 4)])
    with qtbot.assertNotEmitted(view.deleteRequested):
        qtbot.keyClick(view, Qt.Key.Key_Delete)
    view.select_span(4)
    with qtbot.waitSignal(view.deleteRequested, timeout=1000):
        qtbot.keyClick(view, Qt.Key.Key_Delete)
    with qtbot.waitSignal(view.deleteRequested, timeout=1000):
        qtbot.keyClick(view, Qt.Key.Key_Backspace)


def test_printable_key_asks_for_a_label(qtbot: QtBot, view: DocumentView) -> None:
    view.set_document(ARTICLE, [])
    with qtbot.waitSignal(view.labelKeyPressed, timeout=1000) as blocker:
        qtbot.keyClick(view, "g")
    assert blocker.args == ["g"]
    with qtbot.waitSignal(view.labelKeyPressed, timeout=1000) as blocker:
        qtbot.keyClick(view, "3")
    assert blocker.args == ["3"]
    with qtbot.assertNotEmitted(view.labelKeyPressed):
        qtbot.keyClick(view, "c", Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(view, "x", Qt.KeyboardModifier.AltModifier)
        qtbot.keyClick(view, Qt.Key.Key_Right)


def test_view_is_read_only_and_keyboard_selectable(view: DocumentView) -> None:
    assert view.isReadOnly()
    flags = view.textInteractionFlags()
    assert flags & Qt.TextInteractionFlag.TextSelectableByMouse
    assert flags & Qt.TextInteractionFlag.TextSelectableByKeyboard
    assert view.lineWrapMode() == DocumentView.LineWrapMode.WidgetWidth


# --- changes -------------------------------------------------------------------------------------


def test_add_remove_replace_span(view: DocumentView) -> None:
    view.set_document(ARTICLE, [])
    assert view.span_rects(9) == []
    view.add_span(_span_of(ARTICLE, "walls", 9))
    assert len(view.span_rects(9)) == 1
    moved = _span_of(ARTICLE, "compound", 9, label=1)
    view.replace_span(moved)
    (rect,) = view.span_rects(9)
    assert abs(rect.left() - _cursor_rect(view, moved.start).left()) <= 1
    view.select_span(9)
    view.remove_span(9)
    assert view.span_rects(9) == []
    assert view.selected_span_id is None
    view.remove_span(12345)  # unknown ids are ignored


def test_set_document_clears_the_selection(view: DocumentView) -> None:
    view.set_document(ARTICLE, [_span_of(ARTICLE, "walls", 1)])
    view.select_span(1)
    view.set_text_selection(0, 5)
    view.set_document("other text", [])
    assert view.selected_span_id is None
    assert view.text_selection() is None
    assert view.document_text() == "other text"


def test_select_span_scrolls_it_into_view(qtbot: QtBot, view: DocumentView) -> None:
    text = "".join(f"Paragraph {i} says something about the Soviet Union.\n" for i in range(400))
    target = _span_of(text, "Paragraph 350 says", 42)
    view.set_document(text, [target])
    view.set_text_selection(0, 9)
    assert view.span_rects(42) == []
    view.select_span(42)
    qtbot.waitUntil(lambda: bool(view.span_rects(42)), timeout=1000)
    (rect,) = view.span_rects(42)
    assert rect.top() >= 0 and rect.bottom() <= view.viewport().height()
    assert view.text_selection() == (0, 9)  # scrolling leaves the user's selection alone


def test_a_spans_rectangles_are_those_of_every_line_on_screen(
    qtbot: QtBot, view: DocumentView
) -> None:
    # Paragraphs of one to three lines, an emoji and CRLF in the text, the view scrolled into
    # the middle: spans within a line, across wraps and paragraphs, starting above the screen,
    # ending below it, and empty ones at paragraph breaks get the rectangles a walk over every
    # laid-out line on screen finds for them.
    rng = random.Random(7)
    text = "".join(
        f"Point {i} 🇨🇳 on troop cuts." * rng.randint(1, 6) + ("\r\n" if i % 5 else "\n")
        for i in range(120)
    )
    spans = [
        Span(i, s, s + rng.choice((0, 3, 30, 120, 600)), 0)
        for i, s in enumerate(sorted(rng.sample(range(len(text) - 700), 400)))
    ]
    breaks = [i for i, c in enumerate(text) if c == "\n"][30:70]  # around the screen
    # Empty spans at each end of a paragraph break: the end of one block, the start of the next.
    spans += [Span(1000 + n, at, at, 1) for n, at in enumerate(breaks)]
    spans += [Span(2000 + n, at + 1, at + 1, 1) for n, at in enumerate(breaks)]
    view.set_document(text, spans)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 3)
    QApplication.processEvents()
    shown = [s for s in spans if view.span_rects(s.id)]
    assert len(shown) > 20  # some spans are on screen, and many are not
    for span in spans:
        start, end = view.offsets.to_qt_range(span.start, span.end)
        every_line = [
            rect
            for lines in view.visible_lines(view.viewport().rect())
            for rect, _ in lines.rects(start, end)
        ]
        assert view.span_rects(span.id) == every_line, span


def test_only_the_paragraphs_on_screen_keep_their_shaped_text(view: DocumentView) -> None:
    # Kept shaped text makes an edit's repaint cheap; kept by every paragraph ever shown, a long
    # article's memory would grow as it is read (~190 MB more after scrolling through 5 MB). Only
    # the paragraphs on screen keep it, and a paragraph that let go and kept it again looks the
    # same.
    text = "".join(
        f"Paragraph {i}: 🇨🇳 troop cuts at Blagoveshchensk, e\u0301te\u0301, 北京 <b>{i}</b>.\r\n"
        * (1 + i % 3)
        for i in range(300)
    )
    view.set_document(text, [Span(1, 20, 60, 0), Span(2, len(text) - 90, len(text) - 30, 1)])

    def on_screen() -> set[int]:
        return {block.blockNumber() for block, _ in view.visible_blocks(view.viewport().rect())}

    def keeping() -> set[int]:
        document = view.document()
        return {
            number
            for number in range(document.blockCount())
            if document.findBlockByNumber(number).layout().cacheEnabled()
        }

    QApplication.processEvents()  # laid out: the scroll bar is in place
    view.viewport().repaint()
    top = on_screen()
    assert len(top) > 3 and keeping() == top
    first = view.viewport().grab().toImage()
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    view.viewport().repaint()
    middle = on_screen()
    assert keeping() == middle and not middle & top
    bar.setValue(bar.maximum())
    view.viewport().repaint()
    assert keeping() == on_screen() and not keeping() & (top | middle)
    view.resize(300, 300)  # narrower: more lines, other paragraphs on screen
    QApplication.processEvents()
    view.viewport().repaint()
    assert keeping() == on_screen()
    view.set_font_point_size(6)  # smaller text: more paragraphs on screen, at the same place
    QApplication.processEvents()
    view.viewport().repaint()
    assert keeping() == on_screen()
    view.set_font_point_size(QApplication.font().pointSizeF())
    QApplication.processEvents()
    view.resize(520, 300)
    QApplication.processEvents()
    bar.setValue(0)
    view.viewport().repaint()
    assert keeping() == top
    assert view.viewport().grab().toImage() == first
    view.set_document("A new article.\nTwo paragraphs.", [])
    view.viewport().repaint()
    assert keeping() == {0, 1}


def test_font_size_change_keeps_spans_on_their_words(view: DocumentView) -> None:
    span = _span_of(ARTICLE, "Embassy", 1)
    view.set_document(ARTICLE, [span])
    small = view.span_rects(1)[0]
    view.set_font_point_size(16)
    big = view.span_rects(1)[0]
    assert big.height() > small.height()
    assert abs(big.left() - _cursor_rect(view, span.start).left()) <= 1


def _big_document(n_spans: int) -> tuple[str, list[Span]]:
    rng = random.Random(5)
    words = [
        "the",
        "Soviet",
        "Embassy",
        "in",
        "Beijing",
        "workers",
        "are",
        "building",
        "new",
        "blocks",
        "of",
        "flats",
    ]
    sentences = []
    for _ in range(n_spans // 4):
        sentences.append(" ".join(rng.choice(words) for _ in range(rng.randrange(6, 18))) + ". ")
        if rng.random() < 0.2:
            sentences.append("\n")
    text = "".join(sentences)
    spans = []
    for i in range(n_spans):
        start = rng.randrange(len(text) - 100)
        spans.append(Span(i, start, start + rng.randrange(3, 90), i % 3))
    return text, spans


def test_adding_a_span_to_100k_repaints_without_touching_the_document(
    qtbot: QtBot, view: DocumentView, monkeypatch: pytest.MonkeyPatch
) -> None:
    text, spans = _big_document(100_000)
    view.set_document(text, spans)
    view.viewport().repaint()

    def forbidden(*args: object) -> None:
        raise AssertionError("setExtraSelections must not be used")

    monkeypatch.setattr(view, "setExtraSelections", forbidden)
    doc = view.document()
    before = (
        doc.revision(),
        doc.blockCount(),
        doc.isModified(),
        doc.documentLayout().documentSize(),
    )
    updates: list[QRect] = []
    viewport = view.viewport()
    original_update = viewport.update

    def record_update(*args: object) -> None:
        if args and isinstance(args[0], QRect):
            updates.append(args[0])
        original_update(*args)

    monkeypatch.setattr(viewport, "update", record_update)
    timings = []
    for k in range(10):
        new = Span(1_000_000 + k, 5 + k * 3, 25 + k * 3, 1)
        t0 = time.perf_counter()
        view.add_span(new)
        viewport.repaint()
        timings.append(time.perf_counter() - t0)
        assert view.span_rects(new.id)
    after = (
        doc.revision(),
        doc.blockCount(),
        doc.isModified(),
        doc.documentLayout().documentSize(),
    )
    assert after == before
    assert updates, "add_span should ask for a partial repaint"
    assert all(r.height() < viewport.height() for r in updates)
    timings.sort()
    assert timings[len(timings) // 2] < 0.05


def test_rects_of_a_span_off_screen_are_empty(view: DocumentView) -> None:
    text, spans = _big_document(2_000)
    last = max(spans, key=lambda s: s.start)
    view.set_document(text, spans)
    assert view.span_rects(last.id) == []
    assert isinstance(view.span_rects(spans[0].id), list)
    assert all(isinstance(r, QRectF) for r in view.span_rects(spans[0].id))


def test_a_huge_paragraph_only_visits_the_spans_on_screen(
    view: DocumentView, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(3)
    text = " ".join(rng.choice(["alpha", "beta", "Soviet", "gamma"]) for _ in range(20_000))
    spans = sorted(
        (Span(i, s, s + rng.randrange(3, 60), i % 3) for i in range(3_000) for s in [i * 38]),
        key=lambda s: s.start,
    )
    view.set_document(text, spans)
    assert view.document().blockCount() == 1
    returned: list[int] = []
    original = SpanIndex.overlapping

    def counting(index: SpanIndex, start: int, end: int) -> list[Span]:
        found = original(index, start, end)
        returned.append(len(found))
        return found

    monkeypatch.setattr(SpanIndex, "overlapping", counting)
    view.viewport().repaint()
    assert returned and sum(returned) < 300
    assert view.span_rects(spans[0].id)
    assert view.span_rects(spans[-1].id) == []


def test_highlights_are_placed_where_qt_places_the_paragraphs_at_every_scroll_position(
    view: DocumentView, qtbot: QtBot
) -> None:
    # Paragraphs of many lengths (one line, many lines, empty), a CRLF and an emoji among them.
    rng = random.Random(5)
    paragraphs = [
        " ".join("word" + "😀" * (i % 7 == 0) for i in range(rng.choice((0, 1, 5, 40, 200))))
        for _ in range(120)
    ]
    text = "\r\n".join(paragraphs[:3]) + "\n" + "\n".join(paragraphs[3:])
    view.set_document(text, [])
    view.resize(420, 300)
    qtbot.waitExposed(view)
    bar = view.verticalScrollBar()
    checked = 0
    for value in range(0, bar.maximum() + 1, max(1, bar.maximum() // 60)):
        bar.setValue(value)
        offset = view.contentOffset()
        for block, geometry in view.visible_blocks(view.viewport().rect()):
            assert geometry == view.blockBoundingGeometry(block).translated(offset)
            checked += 1
    assert checked > 100


def test_an_article_is_not_counted_again_in_qt_units(
    view: DocumentView, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Qt counts the article's UTF-16 units as it takes the text; the view's offsets use that
    count rather than encoding the whole article again (~2 ms a megabyte of each open). Positions
    past emoji still convert exactly; a text starting with a byte order mark, which Qt leaves
    out, is counted as before."""
    from claimdesk.gui import document_view as module

    given: list[int | None] = []

    class Recording(OffsetMap):
        def __init__(self, text: str, qt_length: int | None = None) -> None:
            given.append(qt_length)
            super().__init__(text, qt_length)

    monkeypatch.setattr(module, "OffsetMap", Recording)
    text = "Troops 🇷🇺 left Mongolia.\n\n𠀀 Talks resumed."
    units = len(text.encode("utf-16-le")) // 2
    view.set_document(text, [_span_of(text, "Talks", 1)])
    assert given == [units] and view.offsets.qt_length == units
    view.set_text_selection(text.index("Talks"), len(text))
    assert view.text_selection() == (text.index("Talks"), len(text))
    assert view.textCursor().selectedText() == "Talks resumed."
    given.clear()
    view.set_document("\ufeff" + text, [])
    assert given == [None] and view.offsets.qt_length == units + 1


def test_after_the_first_paint_every_highlight_gets_its_lane_before_any_edit(
    view: DocumentView, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first screen's highlights get their lanes as they are painted, the rest right after,
    not in the reader's first edit (~0.2 s at 100,000 highlights): also when the article was
    set while the view was hidden, and the event loop turned before it was painted."""
    met: list[bool] = []  # by each edit: lanes still to hand out
    add = SpanIndex.add

    def recorded(index: SpanIndex, span: Span) -> None:
        met.append(index.lanes_left)
        add(index, span)

    monkeypatch.setattr(SpanIndex, "add", recorded)
    paragraphs = [f"Paragraph {i}: the delegation met again in Moscow." for i in range(400)]
    text = "\n\n".join(paragraphs)
    spans = [
        Span(i, text.index(p) + 14, text.index(p) + 24, i % 3) for i, p in enumerate(paragraphs)
    ]
    view.hide()
    view.set_document(text, spans)
    for _ in range(3):
        QApplication.processEvents()
    view.show()
    qtbot.waitExposed(view)
    view.viewport().repaint()  # the first screen, its highlights given their lanes
    for _ in range(3):
        QApplication.processEvents()
    view.add_span(Span(1000, 0, 9, 1))  # the reader's first edit
    assert met == [False]
