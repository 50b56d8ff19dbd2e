"""What a reader waits for when an article carries relations, in the article view:

* opening a 1 MB article with 10,000 highlights and 5,000 relations until its first screen is
  painted with its arcs, against the same article and highlights without relations, in the same
  run (target: within 2x), and against a bare ``QPlainTextEdit`` for scale;
* the same, scrolled to the middle of the article (arcs worked out for another screen);
* one new relation, from the change arriving to painted pixels (target < 16 ms);
* one click on an arc, to find the relation under the pointer.

Most relations join nearby highlights (a claim and its source in one paragraph); one in five
joins any two, so many arcs leave their line for the margin.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_relations.py
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QPointF  # noqa: E402
from PySide6.QtWidgets import QApplication, QPlainTextEdit  # noqa: E402

from benchmarks.corpus import article_text, random_spans  # noqa: E402
from claimdesk.core.records import Changes, RelationRecord, RelationTypeRecord  # noqa: E402
from claimdesk.core.text.spans import Span  # noqa: E402
from claimdesk.gui.change_signal import ChangeEvent, Shown  # noqa: E402
from claimdesk.gui.document_view import DocumentView  # noqa: E402

TYPES = [
    RelationTypeRecord(1, "attributed to", "#7f7f7f"),
    RelationTypeRecord(2, "supports", "#2ca02c"),
    RelationTypeRecord(3, "contradicts", "#d62728", directed=False),
]
COLOURS = {0: "#e69f00", 1: "#0072b2", 2: "#009e73", 3: "#cc79a7"}


def relations_between(spans: list[Span], count: int, seed: int) -> list[RelationRecord]:
    rng = random.Random(seed)
    made: dict[tuple[int, int], RelationRecord] = {}
    while len(made) < count:
        i = rng.randrange(len(spans))
        if rng.random() < 0.8:  # a near neighbour: the same paragraph, most of the time
            j = min(len(spans) - 1, max(0, i + rng.choice((-3, -2, -1, 1, 2, 3))))
        else:
            j = rng.randrange(len(spans))
        if i != j and (i, j) not in made:
            made[(i, j)] = RelationRecord(
                len(made) + 1, 1, 1, rng.choice(TYPES).id, spans[i].id, spans[j].id
            )
    return list(made.values())


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    text = article_text(1_000_000, seed=1_000_000)
    spans = [
        Span(i + 1, a, b, i % 4) for i, (a, b) in enumerate(random_spans(text, 10_000, seed=1))
    ]
    relations = relations_between(spans, 5_000, seed=2)
    shown = Shown(1, 1)

    view = DocumentView()
    view.set_label_colours(COLOURS)
    view.resize(1000, 760)
    view.show()
    bare = QPlainTextEdit()
    bare.resize(view.size())
    bare.show()
    app.processEvents()

    def open_view(with_relations: bool, middle: bool = False) -> float:
        started = time.perf_counter()
        view.set_document(text, spans, shown)
        view.set_relations(relations if with_relations else [], TYPES)
        if middle:
            bar = view.verticalScrollBar()
            bar.setValue(bar.maximum() // 2)
        view.viewport().repaint()
        return time.perf_counter() - started

    plain, arcs, plain_mid, arcs_mid, baseline = [], [], [], [], []
    for _ in range(5):  # interleaved, so all see the same machine load
        plain.append(open_view(False))
        arcs.append(open_view(True))
        plain_mid.append(open_view(False, middle=True))
        arcs_mid.append(open_view(True, middle=True))
        started = time.perf_counter()
        bare.setPlainText(text)
        bare.viewport().repaint()
        baseline.append(time.perf_counter() - started)
        bare.clear()
        app.processEvents()

    # New relations on screen, as the window's change signal brings them.
    open_view(True)
    app.processEvents()
    on_screen = [
        s
        for s, _, _ in view.spans_between(
            0, view.cursorForPosition(view.rect().bottomRight()).position()
        )
    ]
    rng = random.Random(3)
    added, floor, cpu = [], [], []
    next_id = len(relations) + 1
    for _ in range(50):
        a, b = rng.sample(on_screen, 2)
        record = RelationRecord(next_id, 1, 1, 2, a.id, b.id)
        next_id += 1
        started, used = time.perf_counter(), time.process_time()
        view.show_changes(ChangeEvent(Changes(relations_added=(record,)), None))
        view.viewport().repaint()
        added.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
        started = time.perf_counter()  # the floor: the same screen painted again, nothing new
        view.viewport().repaint()
        floor.append(time.perf_counter() - started)

    clicks = []
    drawn = view.arcs.arcs(view.viewport().rect())
    for arc in drawn[:50]:
        point = QPointF((arc.piece.x1 + arc.piece.x2) / 2, arc.y)
        started = time.perf_counter()
        view.relation_at(point)
        clicks.append(time.perf_counter() - started)

    p, r, pm, rm, b = map(median_ms, (plain, arcs, plain_mid, arcs_mid, baseline))
    a, c, f, u = median_ms(added), median_ms(clicks), median_ms(floor), median_ms(cpu)
    p95 = sorted(added)[int(0.95 * len(added))] * 1000
    print(
        f"open 1 MB / 10,000 highlights / 5,000 relations, first screen painted with arcs: "
        f"{r:.1f} ms (same without relations {p:.1f} ms, ratio {r / p:.2f}x; target <= 2x) "
        f"{'OK' if r <= 2 * p else 'SLOW'}; bare QPlainTextEdit {b:.1f} ms",
        flush=True,
    )
    print(
        f"the same scrolled to the middle: {rm:.1f} ms (without relations {pm:.1f} ms, ratio "
        f"{rm / pm:.2f}x; target <= 2x) {'OK' if rm <= 2 * pm else 'SLOW'}",
        flush=True,
    )
    print(
        f"new relation on screen, change to painted pixels: median {a:.1f} ms, p95 {p95:.1f} ms "
        f"(target < 16 ms) {'OK' if a < 16 else 'SLOW'}; the same screen repainted with nothing "
        f"new: {f:.1f} ms (ratio {a / f:.1f}x); CPU time of the process {u:.1f} ms (what a busy "
        "machine's other work does not inflate)",
        flush=True,
    )
    print(f"click on an arc, relation found: median {c:.2f} ms ({len(drawn)} arc pieces on screen)")


if __name__ == "__main__":
    main()
