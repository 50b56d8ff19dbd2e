"""What a user waits for after pressing a label's key: one annotation committed to the file.

Times ``Project.add_annotation`` (then ``undo`` and ``redo``) on a project holding a 1 MB
document with 10,000 annotations, against a raw ``sqlite3`` INSERT + commit into a WAL /
synchronous=NORMAL database with the same table and indexes, measured in the same run and
interleaved with it so that a noisy machine slows both alike.

Run: .venv/bin/python benchmarks/bench_commit.py [--edits 500]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from benchmarks.corpus import annotation_rows, article_text  # noqa: E402
from claimdesk.core.codebook import load_codebook  # noqa: E402
from claimdesk.core.paths import seeds_dir  # noqa: E402
from claimdesk.core.store.project import Project  # noqa: E402
from claimdesk.core.store.tables import (  # noqa: E402
    annotation_table,
    utcnow,
)
from claimdesk.core.text.textio import Article, sha256_text  # noqa: E402

TARGET_MS = 5.0
EXISTING = 10_000
TEXT_BYTES = 1_000_000

RAW_SCHEMA = """
CREATE TABLE annotation (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL, label_id INTEGER NOT NULL, annotator_id INTEGER NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, quote TEXT NOT NULL, note TEXT NOT NULL,
    created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL,
    UNIQUE (document_id, annotator_id, label_id, start, "end"));
CREATE INDEX ix_span ON annotation (document_id, start, "end", label_id, id);
CREATE INDEX ix_annotator ON annotation (annotator_id, document_id);
CREATE INDEX ix_label ON annotation (label_id);
"""
RAW_INSERT = (
    'INSERT INTO annotation (document_id, label_id, annotator_id, start, "end", quote, note, '
    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def spans(text: str, count: int, seed: int) -> list[tuple[int, int]]:
    """`count` distinct word-aligned spans of 1–6 words."""
    rng = random.Random(seed)
    starts = [i + 1 for i, ch in enumerate(text) if ch == " "]
    chosen: set[tuple[int, int]] = set()
    while len(chosen) < count:
        start = rng.choice(starts)
        end = start
        for _ in range(rng.randint(1, 6)):
            following = text.find(" ", end + 1)
            end = following if following != -1 else len(text)
        chosen.add((start, end))
    return sorted(chosen, key=lambda _: rng.random())


def build_project(
    folder: Path, text: str, existing: list[tuple[int, int]]
) -> tuple[Project, int, int, list[int]]:
    codebook = load_codebook(seeds_dir() / "codebook.json")
    project = Project.create(folder / "bench.claimdesk", codebook=codebook)
    short = "Border talks resume\n\nThe frontier is calm, diplomats say."
    articles = [
        Article(Path(name), body, body.split("\n", 1)[0], sha256_text(body), "utf-8", ())
        for name, body in (("short.txt", short), ("big.txt", text))
    ]
    report = project.import_articles(articles)
    document_id = report.added[1][0]
    annotator_id = project.ensure_annotator("Bench").id
    label_ids = [label.id for label in project.labels()]
    rows = annotation_rows(text, existing, document_id, annotator_id, label_ids)
    with project.writing() as conn:
        conn.execute(insert(annotation_table), rows)
    project.history = type(project.history)()
    return project, document_id, annotator_id, label_ids


def build_raw(folder: Path, text: str, existing: list[tuple[int, int]]) -> sqlite3.Connection:
    conn = sqlite3.connect(folder / "raw.sqlite", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.executescript(RAW_SCHEMA)
    now = utcnow().isoformat(" ")
    conn.execute("BEGIN")
    conn.executemany(
        RAW_INSERT,
        [
            (2, 1 + i % 11, 1, start, end, text[start:end], "", now, now)
            for i, (start, end) in enumerate(existing)
        ],
    )
    conn.execute("COMMIT")
    return conn


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def report(name: str, values: list[float], baseline: list[float], target: float | None) -> bool:
    median, base = statistics.median(values), statistics.median(baseline)
    passed = target is None or median < target
    verdict = ")" if target is None else f"; target < {target:g} ms) "
    verdict += "" if target is None else ("OK" if passed else "TOO SLOW")
    print(
        f"{name}: median {median:.2f} ms, p95 {p95(values):.2f} ms "
        f"(raw sqlite3 {base:.2f} ms, ratio {median / base:.1f}x{verdict}"
    )
    return passed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--edits", type=int, default=500)
    edits = parser.parse_args(argv).edits
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        text = article_text(TEXT_BYTES, seed=7)
        every_span = spans(text, EXISTING + 20 + edits, seed=1)
        existing, new_spans = every_span[:EXISTING], every_span[EXISTING:]
        project, document_id, annotator_id, label_ids = build_project(folder, text, existing)
        raw = build_raw(folder, text, existing)
        now = utcnow().isoformat(" ")

        def raw_commit(start: int, end: int) -> None:
            raw.execute("BEGIN")
            raw.execute(RAW_INSERT, (2, 3, 1, start, end, text[start:end], "", now, now))
            raw.execute("COMMIT")

        def edit(start: int, end: int, label: int) -> None:
            project.add_annotation(document_id, label, annotator_id, start, end)

        for start, end in new_spans[:20]:  # warm caches and statement compilation
            raw_commit(start, end)
            edit(start, end, label_ids[2])
        project.history = type(project.history)()

        adds: list[float] = []
        raws: list[float] = []
        for i, (start, end) in enumerate(new_spans[20:]):
            raws.append(timed(partial(raw_commit, start, end)))
            adds.append(timed(partial(edit, start, end, label_ids[i % len(label_ids)])))
        undos = [timed(project.undo) for _ in range(edits)]
        redos = [timed(project.redo) for _ in range(edits)]
        project.close()
        raw.close()

    print(
        f"project: 2 documents, one of {len(text) / 1e6:.1f} MB with {EXISTING:,} annotations; "
        f"{edits} edits"
    )
    ok = report("commit one edit", adds, raws, TARGET_MS)
    ok &= report("undo one edit", undos, raws, TARGET_MS)
    ok &= report("redo one edit", redos, raws, TARGET_MS)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
