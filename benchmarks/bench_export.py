"""What a user waits for when exporting a corpus: annotations per second to JSONL and CSV.

Builds a project of 1,000 generated articles holding 1,000,000 annotations, then times
``export_dataset`` to JSONL and to CSV (each includes the read-back check) against a same-run
baseline: the same rows (each document's text and its annotations with label and annotator
names) fetched with raw ``sqlite3`` and written with ``json.dumps``, one line per annotation.
Each measurement runs in its own process and also reports that process's peak memory growth
(``ru_maxrss``), to show the export is streamed rather than loaded whole.

Run: .venv/bin/python benchmarks/bench_export.py [--annotations 1000000] [--documents 1000]
     [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_RATIO = 2.0


def build(path: Path, documents: int, annotations: int) -> None:
    from benchmarks.corpus import article_text, random_spans
    from claimdesk.core.codebook import load_codebook
    from claimdesk.core.paths import seeds_dir
    from claimdesk.core.store.project import Project
    from claimdesk.core.store.tables import utcnow
    from claimdesk.core.text.textio import sha256_text

    codebook = load_codebook(seeds_dir() / "codebook.json")
    Project.create(path, codebook=codebook).close()
    conn = sqlite3.connect(path)
    labels = [row[0] for row in conn.execute("SELECT id FROM label ORDER BY id")]
    now = utcnow().isoformat(sep=" ")
    conn.executemany(
        "INSERT INTO annotator (name, created_at) VALUES (?, ?)", [("Ana", now), ("Bo", now)]
    )
    per_document = annotations // documents
    for n in range(documents):
        text = article_text(per_document * 20, seed=n)
        cursor = conn.execute(
            "INSERT INTO document (title, source, date, meta, text, sha256, created_at)"
            " VALUES (?, '', '', '{}', ?, ?, ?)",
            (f"Article {n}", text, sha256_text(text), now),
        )
        spans = random_spans(text, per_document, seed=n)
        conn.executemany(
            'INSERT INTO annotation (document_id, label_id, annotator_id, start, "end", quote,'
            " note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, '', ?, ?)",
            [
                (cursor.lastrowid, labels[i % len(labels)], 1 + i % 2, s, e, text[s:e], now, now)
                for i, (s, e) in enumerate(spans)
            ],
        )
    conn.commit()
    conn.close()


def baseline(path: Path, out: Path) -> int:
    """Raw sqlite3 rows of the same data, dumped with json.dumps: one line per annotation."""
    conn = sqlite3.connect(path)
    count = 0
    sql = (
        'SELECT a.id, a.start, a."end", l.name, n.name, a.note, a.quote, a.created_at,'
        " a.updated_at FROM annotation AS a JOIN label AS l ON l.id = a.label_id"
        " JOIN annotator AS n ON n.id = a.annotator_id WHERE a.document_id = ?"
    )
    with out.open("w", encoding="utf-8") as handle:
        ids = [row[0] for row in conn.execute("SELECT id FROM document ORDER BY id")]
        for document_id in ids:
            text = conn.execute("SELECT text FROM document WHERE id = ?", (document_id,)).fetchone()
            handle.write(json.dumps({"id": document_id, "text": text[0]}) + "\n")
            for row in conn.execute(sql, (document_id,)):
                handle.write(json.dumps(row) + "\n")
                count += 1
    conn.close()
    return count


def measure(kind: str, path: Path, out: Path) -> None:
    """Run one export in this process; print seconds, spans and peak memory growth as JSON."""
    from claimdesk.core.formats.export import export_dataset
    from claimdesk.core.store.project import Project

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    if kind == "baseline":
        spans = baseline(path, out)
    else:
        with Project.open(path) as project:
            report = export_dataset(project, kind, out)
            assert report.verified
            spans = report.spans
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps({"seconds": elapsed, "spans": spans, "rss_kb": peak - before, "peak_kb": peak})
    )


def run(kind: str, path: Path, out: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--measure", kind, str(path), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    out.unlink()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time exporting annotations to JSONL and CSV.")
    parser.add_argument("--annotations", type=int, default=1_000_000)
    parser.add_argument("--documents", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--measure", nargs=3, metavar=("KIND", "PROJECT", "OUT"))
    args = parser.parse_args(argv)
    if args.measure:
        kind, path, out = args.measure
        measure(kind, Path(path), Path(out))
        return 0
    missed = False
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "bench.claimdesk"
        start = time.perf_counter()
        build(path, args.documents, args.annotations)
        print(
            f"corpus: {args.documents} documents, {args.annotations} annotations,"
            f" {path.stat().st_size / 1e6:.0f} MB (built in {time.perf_counter() - start:.0f} s)"
        )
        # Interleaved repeats, medians: a noisy shared machine slows all three alike.
        runs: dict[str, list[dict[str, float]]] = {"baseline": [], "jsonl": [], "csv": []}
        for _ in range(args.repeat):
            runs["baseline"].append(run("baseline", path, folder / "baseline.jsonl"))
            runs["jsonl"].append(run("jsonl", path, folder / "export.jsonl"))
            runs["csv"].append(run("csv", path, folder / "export.csv"))
        median = {
            kind: sorted(results, key=lambda r: r["seconds"])[len(results) // 2]
            for kind, results in runs.items()
        }
        base = median["baseline"]
        base_rate = base["spans"] / base["seconds"]
        print(
            f"baseline raw sqlite3 + json.dumps: {base_rate:,.0f} annotations/s"
            f" ({base['seconds']:.1f} s, process peak {base['peak_kb'] / 1024:.0f} MB);"
            f" median of {args.repeat}"
        )
        for kind in ("jsonl", "csv"):
            result = median[kind]
            rate = result["spans"] / result["seconds"]
            ratio = base_rate / rate
            missed |= ratio > TARGET_RATIO
            print(
                f"export to {kind}: {rate:,.0f} annotations/s ({result['seconds']:.1f} s,"
                f" read-back check included; process peak {result['peak_kb'] / 1024:.0f} MB,"
                f" +{result['rss_kb'] / 1024:.0f} MB while exporting);"
                f" {ratio:.2f}x the baseline's time (target <= {TARGET_RATIO:.0f}x)"
            )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
