"""What a teacher waits for when opening the agreement figures of a class.

Builds a project of 40 annotators × 50 documents × 100 spans each (200,000 annotations) from
benchmarks/corpus.py, where every annotator starts from the same 100 spans per document and
then shifts, relabels, drops or adds some, so the figures are neither 0 nor 1. Times
``compute_report`` (every metric: Cohen, Fleiss, alpha on tokens, alpha-U on characters, span
F1, per label, per document, the pairwise matrices, frequencies, progress) against a baseline
measured in the same run: reading the same spans with raw ``sqlite3`` into Python lists.

Run: .venv/bin/python benchmarks/bench_agreement.py [--annotators 40 --documents 50 --spans 100]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from benchmarks.corpus import article_text, random_spans  # noqa: E402
from claimdesk.core.agreement.compute import compute_report, disagreements  # noqa: E402
from claimdesk.core.codebook import load_codebook  # noqa: E402
from claimdesk.core.paths import seeds_dir  # noqa: E402
from claimdesk.core.store.project import Project  # noqa: E402
from claimdesk.core.store.tables import (  # noqa: E402
    annotation_table,
    status_table,
    utcnow,
)
from claimdesk.core.text.textio import Article, sha256_text  # noqa: E402

TARGET_S = 2.0
TEXT_CHARS = 6_000


def annotator_spans(
    truth: list[tuple[int, int, int]], length: int, labels: list[int], rng: random.Random
) -> set[tuple[int, int, int]]:
    """One annotator's take on the shared spans: most kept, some moved, relabelled or swapped."""
    out: set[tuple[int, int, int]] = set()
    for start, end, label in truth:
        roll = rng.random()
        if roll < 0.10:  # a boundary moved by a few characters
            start = max(0, start + rng.randint(-4, 4))
            end = min(length, max(start + 1, end + rng.randint(-4, 4)))
        elif roll < 0.15:
            label = rng.choice(labels)
        elif roll < 0.20:  # dropped, replaced by a span of their own
            start = rng.randrange(0, length - 61)
            end = start + rng.randint(3, 60)
        out.add((start, end, label))
    while len(out) < len(truth):  # keep exactly as many spans as the others
        start = rng.randrange(0, length - 61)
        out.add((start, start + rng.randint(3, 60), rng.choice(labels)))
    return out


def build(folder: Path, annotators: int, documents: int, spans: int) -> Path:
    path = folder / "agreement.claimdesk"
    project = Project.create(path, codebook=load_codebook(seeds_dir() / "codebook.json"))
    fill(project, annotators, documents, spans)
    project.close()
    return path


def fill(project: Project, annotators: int, documents: int, spans: int) -> None:
    """Documents, and each annotator's spans: a shared truth each one departs from a little."""
    texts = [article_text(TEXT_CHARS, seed) for seed in range(documents)]
    project.import_articles(
        [
            Article(Path(f"{i}.txt"), t, t[:40], sha256_text(t), "utf-8", ())
            for i, t in enumerate(texts)
        ]
    )
    labels = [label.id for label in project.labels()]
    people = [project.ensure_annotator(f"Annotator {i:02d}").id for i in range(annotators)]
    doc_ids = [d.id for d in project.documents()]
    rng = random.Random(5)
    now = utcnow()
    rows: list[dict[str, Any]] = []
    statuses: list[dict[str, Any]] = []
    for doc_id, text in zip(doc_ids, texts, strict=True):
        truth = [
            (s, e, rng.choice(labels))
            for s, e in random_spans(text, spans, seed=doc_id, longest=60)
        ]
        for person in people:
            for start, end, label in annotator_spans(truth, len(text), labels, rng):
                rows.append(
                    {
                        "document_id": doc_id,
                        "label_id": label,
                        "annotator_id": person,
                        "start": start,
                        "end": end,
                        "quote": text[start:end],
                        "note": "",
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            statuses.append(
                {"document_id": doc_id, "annotator_id": person, "status": "done", "updated_at": now}
            )
    with project.writing() as conn:
        conn.execute(insert(annotation_table), rows)
        conn.execute(insert(status_table), statuses)


def read_spans(path: Path) -> int:
    """Baseline: the same spans read with raw sqlite3 into Python tuples."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            'SELECT document_id, annotator_id, label_id, start, "end" FROM annotation'
        ).fetchall()
    finally:
        conn.close()
    return len(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--annotators", type=int, default=40)
    parser.add_argument("--documents", type=int, default=50)
    parser.add_argument("--spans", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        path = build(Path(tmp), args.annotators, args.documents, args.spans)
        built = time.perf_counter() - started
        print(
            f"project: {args.annotators} annotators × {args.documents} documents × "
            f"{args.spans} spans (built in {built:.1f} s)"
        )
        report_times: list[float] = []
        baseline_times: list[float] = []
        pair_times: list[float] = []
        with Project.open(path) as project:
            for _ in range(args.repeat):  # interleaved, so a noisy machine slows both alike
                t0 = time.perf_counter()
                count = read_spans(path)
                baseline_times.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                report = compute_report(project)
                report_times.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                found = disagreements(project, report.annotator_ids[0], report.annotator_ids[1])
                pair_times.append(time.perf_counter() - t0)
        seconds = statistics.median(report_times)
        baseline = statistics.median(baseline_times)
        print(f"read {count} spans with raw sqlite3 (baseline): {baseline:.3f} s")
        print(
            f"all agreement figures (compute_report): {seconds:.3f} s "
            f"(target < {TARGET_S:.0f} s), {seconds / baseline:.1f}× the baseline"
        )
        print(
            f"disagreements of one pair over all documents: {statistics.median(pair_times):.3f} s"
            f" ({len(found)} found)"
        )
        overall = ", ".join(f"{k} {v:.3f}" for k, v in report.overall.items())
        print(f"figures: {overall}")
    if seconds > TARGET_S:
        print(f"MISSED: {seconds:.2f} s > {TARGET_S} s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
