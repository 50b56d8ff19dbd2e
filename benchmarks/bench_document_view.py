"""Benchmark the article view: open a document with its spans, and show one new highlight.

Run: QT_QPA_PLATFORM=offscreen python benchmarks/bench_document_view.py

Each figure is a median of several runs and is printed next to a baseline measured in the same
run (a bare QPlainTextEdit showing the same text), so the ratio holds on a noisy machine.
The generated text holds a few emoji and rare CJK characters, so the code-point -> UTF-16
conversion of every span is part of what is measured.
"""

from __future__ import annotations

import gc
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication, QPlainTextEdit

from claimdesk.core.text.spans import Span, SpanIndex
from claimdesk.gui.document_view import DocumentView
from claimdesk.gui.offsets import OffsetMap

WIDTH, HEIGHT = 900, 700
COLOURS = {0: "#e69f00", 1: "#0072b2", 2: "#009e73", 3: "#cc79a7", 4: "#d55e00"}
_VOCABULARY = """
    the of and to in a is that for on with as was by at from his said it an are were Soviet
    Chinese Beijing Moscow relations military border troops leaders Gorbachev Deng policy
    foreign trade delegations embassy officials normalization summit diplomats analysts
    economic reform party government rapprochement percent million
"""
WORDS = _VOCABULARY.split()
RARE = ["😀", "𠀀", "👍🏽", "🇨🇳"]


def make_article(size: int, n_spans: int, seed: int) -> tuple[str, list[Span]]:
    """About `size` characters of sentences and paragraphs, and n_spans spans in code points."""
    rng = random.Random(seed)
    parts: list[str] = []
    length = 0
    while length < size:
        words = [rng.choice(WORDS) for _ in range(rng.randrange(6, 30))]
        if rng.random() < 0.01:
            words.insert(rng.randrange(len(words)), rng.choice(RARE))
        sentence = " ".join(words).capitalize() + ". "
        if rng.random() < 0.2:
            sentence += "\n\n"
        parts.append(sentence)
        length += len(sentence)
    text = "".join(parts)[:size]
    raw = []
    for _ in range(n_spans):
        start = rng.randrange(len(text) - 400)
        raw.append((start, start + rng.randrange(5, 300)))
    raw.sort()  # the store hands spans over ordered by start
    spans = [Span(i, s, e, rng.randrange(len(COLOURS))) for i, (s, e) in enumerate(raw)]
    return text, spans


def median_ms(runs: int, setup: Callable[[], object], timed: Callable[[object], None]) -> float:
    samples = []
    for _ in range(runs):
        subject = setup()
        gc.collect()
        t0 = time.perf_counter()
        timed(subject)
        samples.append((time.perf_counter() - t0) * 1000)
        if isinstance(subject, QPlainTextEdit):
            subject.close()
            subject.deleteLater()
        QApplication.processEvents()
    return statistics.median(samples)


def bench_open(app: QApplication, text: str, spans: list[Span], runs: int) -> tuple[float, float]:
    def bare() -> QPlainTextEdit:
        widget = QPlainTextEdit()
        widget.resize(WIDTH, HEIGHT)
        return widget

    def show_bare(widget: object) -> None:
        assert isinstance(widget, QPlainTextEdit)
        widget.setPlainText(text)
        widget.show()
        widget.repaint()
        app.processEvents()

    def view() -> DocumentView:
        widget = DocumentView()
        widget.set_label_colours(COLOURS)
        widget.resize(WIDTH, HEIGHT)
        return widget

    def show_view(widget: object) -> None:
        assert isinstance(widget, DocumentView)
        widget.set_document(text, spans)
        widget.show()
        widget.repaint()
        app.processEvents()
        assert widget.span_rects(spans[0].id) or widget.span_rects(spans[1].id)

    return median_ms(runs, bare, show_bare), median_ms(runs, view, show_view)


def bench_bare_repaint(app: QApplication, text: str, runs: int) -> float:
    """The floor for a new highlight: one repaint of a bare QPlainTextEdit's viewport."""
    widget = QPlainTextEdit()
    widget.resize(WIDTH, HEIGHT)
    widget.setPlainText(text)
    widget.show()
    widget.repaint()
    app.processEvents()
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        widget.viewport().repaint()
        samples.append((time.perf_counter() - t0) * 1000)
    widget.close()
    widget.deleteLater()
    app.processEvents()
    return statistics.median(samples)


def bench_add(app: QApplication, text: str, spans: list[Span], runs: int) -> float:
    widget = DocumentView()
    widget.set_label_colours(COLOURS)
    widget.resize(WIDTH, HEIGHT)
    widget.set_document(text, spans)
    widget.show()
    widget.repaint()
    app.processEvents()
    viewport = widget.viewport()
    samples = []
    for k in range(runs):
        start = 40 + 23 * k  # on the first screen, so the repaint really draws it
        span = Span(10_000_000 + k, start, start + 30, k % len(COLOURS))
        t0 = time.perf_counter()
        widget.add_span(span)
        viewport.repaint()
        samples.append((time.perf_counter() - t0) * 1000)
        assert widget.span_rects(span.id)
    widget.close()
    widget.deleteLater()
    app.processEvents()
    return statistics.median(samples)


def breakdown(text: str, spans: list[Span]) -> str:
    t0 = time.perf_counter()
    OffsetMap(text)
    t1 = time.perf_counter()
    index = SpanIndex(spans)
    t2 = time.perf_counter()
    index.lanes()
    t3 = time.perf_counter()
    return (
        f"offset map {1000 * (t1 - t0):.1f} ms, span index {1000 * (t2 - t1):.1f} ms, "
        f"lanes {1000 * (t3 - t2):.1f} ms"
    )


def verdict(ok: bool) -> str:
    return "OK" if ok else "SLOW"


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    import PySide6

    print(f"PySide6 {PySide6.__version__}, Python {sys.version.split()[0]}, {WIDTH}x{HEIGHT} view")
    cases = [
        ("1MB/10k spans", 1_000_000, 10_000, 7),
        ("5MB/100k spans", 5_000_000, 100_000, 5),
    ]
    for name, size, n_spans, runs in cases:
        text, spans = make_article(size, n_spans, seed=size)
        astral = OffsetMap(text).qt_length - len(text)
        print(
            f"\n{name}: {len(text):,} characters ({astral} outside the BMP), {len(spans):,} spans"
        )
        print(f"  parts: {breakdown(text, spans)}")
        baseline, opened = bench_open(app, text, spans, runs)
        ratio = opened / baseline
        if size <= 1_000_000:
            target, ok = "target <= 5x", ratio <= 5
        else:
            target, ok = "target <= 500 ms", opened <= 500
        print(
            f"  open {name}: {opened:.1f} ms (baseline {baseline:.1f} ms, ratio {ratio:.1f}x, "
            f"{target}) {verdict(ok)}"
        )
        added = bench_add(app, text, spans, 50)
        floor = bench_bare_repaint(app, text, 50)
        print(
            f"  one new highlight {name}: {added:.2f} ms (bare viewport repaint {floor:.2f} ms, "
            f"target < 16 ms) {verdict(added < 16)}"
        )


if __name__ == "__main__":
    main()
