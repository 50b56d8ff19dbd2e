"""What a curator waits for: opening the curation view of a busy document, and one accept.

A 20,000-character document annotated by 40 annotators with 100 spans each (4,000 spans, drawn
from a shared pool so that they agree, differ and miss as people do). Times, as medians:
``curation_lanes`` (the core's lanes and marks), opening the ``CurationView`` (lanes, table,
text and first paint), and accepting one span into gold with the view redrawn. The baseline,
measured in the same run, is reading the document's 4,000 annotations with
``Project.annotations`` — the floor for anything that shows them all.

Run: .venv/bin/python benchmarks/bench_curation.py [--annotators 40] [--spans 100]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from benchmarks.corpus import annotation_rows, article_text, random_spans  # noqa: E402
from claimdesk.core.agreement.curation import curation_lanes  # noqa: E402
from claimdesk.core.codebook import load_codebook  # noqa: E402
from claimdesk.core.paths import seeds_dir  # noqa: E402
from claimdesk.core.store.project import Project  # noqa: E402
from claimdesk.core.store.tables import annotation_table  # noqa: E402
from claimdesk.core.text.textio import Article, sha256_text  # noqa: E402

OPEN_TARGET_MS = 1000.0
ACCEPT_TARGET_MS = 500.0


def build(path: Path, annotators: int, spans: int) -> tuple[Project, int]:
    project = Project.create(path, codebook=load_codebook(seeds_dir() / "codebook.json"))
    text = article_text(20_000, seed=7)
    article = Article(Path("busy.txt"), text, "Busy", sha256_text(text), "utf-8", ())
    document_id = project.import_articles([article]).added[0][0]
    labels = [label.id for label in project.labels()]
    pool = random_spans(text, spans * 2, seed=11)
    rng = random.Random(3)
    rows = []
    for index in range(annotators):
        annotator = project.ensure_annotator(f"Annotator {index + 1}").id
        mine = sorted(rng.sample(pool, spans))
        chosen = [
            labels[hash(span) % 3] if rng.random() < 0.85 else rng.choice(labels) for span in mine
        ]
        for row, label in zip(
            annotation_rows(text, mine, document_id, annotator, labels), chosen, strict=True
        ):
            row["label_id"] = label
            rows.append(row)
    with project.writing() as conn:
        conn.execute(insert(annotation_table), rows)
    return project, document_id


def median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--annotators", type=int, default=40)
    parser.add_argument("--spans", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    from claimdesk.gui.curation import CurationView

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        project, document_id = build(Path(folder) / "bench.claimdesk", args.annotators, args.spans)
        total = len(project.annotations(document_id, None))
        baseline = median_ms(lambda: project.annotations(document_id, None), args.repeat)
        lanes = median_ms(lambda: curation_lanes(project, document_id), args.repeat)

        def open_view() -> CurationView:
            view = CurationView(project, document_id)
            view.show()
            app.processEvents()
            view.grab()  # the first paint, as the curator sees it
            return view

        opened = median_ms(lambda: open_view().close(), args.repeat)
        view = open_view()
        rows = view.model.rowCount()
        accepts = []
        for row in range(args.repeat):
            view.select_row(row * 2)
            started = time.perf_counter()
            view.accept_selected()
            app.processEvents()
            accepts.append((time.perf_counter() - started) * 1000)
        accept = statistics.median(accepts)
        view.close()
        project.close()

    print(f"document: {total} spans by {args.annotators} annotators, {rows} candidate rows")
    print(f"baseline  Project.annotations (read them all)   {baseline:8.1f} ms")
    print(
        f"core      curation_lanes                         {lanes:8.1f} ms"
        f"  ({lanes / baseline:.1f}× baseline)"
    )
    print(
        f"gui       open the curation view, first paint    {opened:8.1f} ms"
        f"  ({opened / baseline:.1f}× baseline; target < {OPEN_TARGET_MS:.0f} ms)"
    )
    print(
        f"gui       accept one span, view redrawn          {accept:8.1f} ms"
        f"  ({accept / baseline:.1f}× baseline; target < {ACCEPT_TARGET_MS:.0f} ms)"
    )
    return 0 if opened < OPEN_TARGET_MS and accept < ACCEPT_TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
