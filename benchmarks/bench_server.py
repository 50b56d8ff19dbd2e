"""What a user waits for on a shared project on a PostgreSQL server, against same-run baselines.

- commit of one edit over loopback (``Project.add_annotation`` on a 1 MB document holding 10,000
  spans; target < 5 ms median) against a raw psycopg INSERT + COMMIT of the same row;
- opening that 1 MB / 10k-span document (text and spans) from the server, against the same from a
  project file (target within 2×);
- 40 annotator processes making mixed edits at once (edits/s; nothing lost or doubled);
- every agreement figure for 40 annotators × 50 documents × 100 spans on the server (target < 3 s),
  against the same from a file.

It starts its own throw-away cluster (tests/pgserver.py) and stops it at the end.
Run: .venv/bin/python benchmarks/bench_server.py [--edits 300 --writer-edits 200]
     [--only commit|writers|agreement] (one part; "commit" also times opening the document)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from benchmarks.bench_agreement import fill as fill_agreement  # noqa: E402
from benchmarks.bench_commit import build_project, p95, spans, timed  # noqa: E402
from benchmarks.corpus import article_text  # noqa: E402
from claimdesk.core.agreement.compute import compute_report  # noqa: E402
from claimdesk.core.codebook import load_codebook  # noqa: E402
from claimdesk.core.paths import seeds_dir  # noqa: E402
from claimdesk.core.store.project import Project  # noqa: E402
from claimdesk.core.store.tables import utcnow  # noqa: E402
from tests.pgserver import PgCluster  # noqa: E402
from tests.server_writers import make_project, run_writers  # noqa: E402

COMMIT_TARGET_MS = 5.0
OPEN_TARGET_RATIO = 2.0
AGREEMENT_TARGET_S = 3.0
EXISTING = 10_000
TEXT_BYTES = 1_000_000
PARTS = ("commit", "writers", "agreement")


def bench_commit(cluster: PgCluster, folder: Path, edits: int) -> bool:
    text = article_text(TEXT_BYTES, seed=7)
    every_span = spans(text, EXISTING + 20 + edits, seed=1)
    existing, new_spans = every_span[:EXISTING], every_span[EXISTING:]
    url = cluster.create_database("commit")
    server, document_id, annotator_id, label_ids = build_project(_ServerFolder(url), text, existing)
    local, file_doc, file_annotator, _ = build_project(folder, text, existing)
    # A project in use has statistics (autovacuum analyses within a minute of a bulk load; push
    # does it at once): measure that, not the planner's first minute.
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("ANALYZE")
    raw = psycopg.connect(cluster.create_database("raw"))
    raw.execute(
        "CREATE TABLE annotation (id serial PRIMARY KEY, document_id int, label_id int, "
        'annotator_id int, start int, "end" int, quote text, note text, created_at timestamp, '
        'updated_at timestamp, UNIQUE (document_id, annotator_id, label_id, start, "end"))'
    )
    raw.commit()
    now = utcnow()

    def raw_commit(start: int, end: int) -> None:
        raw.execute(
            'INSERT INTO annotation (document_id, label_id, annotator_id, start, "end", quote, '
            "note, created_at, updated_at) VALUES (2, 3, 1, %s, %s, %s, '', %s, %s)",
            (start, end, text[start:end], now, now),
        )
        raw.commit()

    def edit(start: int, end: int, label: int) -> None:
        server.add_annotation(document_id, label, annotator_id, start, end)

    for start, end in new_spans[:20]:
        raw_commit(start, end)
        edit(start, end, label_ids[2])
    commits: list[float] = []
    raws: list[float] = []
    for i, (start, end) in enumerate(new_spans[20:]):
        raws.append(timed(partial(raw_commit, start, end)))
        commits.append(timed(partial(edit, start, end, label_ids[i % len(label_ids)])))
    undos = [timed(server.undo) for _ in range(min(edits, 100))]
    median, base = statistics.median(commits), statistics.median(raws)
    ok = median < COMMIT_TARGET_MS
    print(
        f"commit one edit on the server: median {median:.2f} ms, p95 {p95(commits):.2f} ms "
        f"(raw psycopg INSERT+COMMIT {base:.2f} ms, ratio {median / base:.1f}x; "
        f"target < {COMMIT_TARGET_MS:g} ms) {'OK' if ok else 'TOO SLOW'}"
    )
    print(f"undo one edit on the server: median {statistics.median(undos):.2f} ms")

    def open_document(project: Project, document: int, annotator: int) -> None:
        project._texts.clear()  # as a document not yet seen
        project.document_text(document)
        project.spans(document, annotator)

    from_server: list[float] = []
    from_file: list[float] = []
    for _ in range(15):  # interleaved, so a noisy machine slows both alike
        from_file.append(timed(partial(open_document, local, file_doc, file_annotator)))
        from_server.append(timed(partial(open_document, server, document_id, annotator_id)))
    s, f = statistics.median(from_server[3:]), statistics.median(from_file[3:])
    open_ok = s / f <= OPEN_TARGET_RATIO
    print(
        f"open a {TEXT_BYTES / 1e6:.0f} MB document with {EXISTING:,} spans: server {s:.1f} ms, "
        f"file {f:.1f} ms, ratio {s / f:.2f}x (target within {OPEN_TARGET_RATIO:g}x) "
        f"{'OK' if open_ok else 'TOO SLOW'}"
    )
    server.close()
    local.close()
    raw.close()
    return ok and open_ok


class _ServerFolder:
    """Lets bench_commit.build_project create its project on the server: ``folder / name``."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __truediv__(self, _name: str) -> str:
        return self.url


def bench_writers(cluster: PgCluster, folder: Path, writers: int, edits: int) -> bool:
    url = cluster.create_database("writers")
    make_project(url)
    run = run_writers(url, folder, writers, edits)
    lost = sum(len(run.expected[n].keys() - run.found[n].keys()) for n in run.expected)
    extra = sum(len(run.found[n].keys() - run.expected[n].keys()) for n in run.expected)
    ok = not run.errors and lost == 0 and extra == 0 and len(run.expected) == writers
    print(
        f"{writers} writers × {edits} mixed edits at once: {run.committed} committed in "
        f"{run.seconds:.1f} s, {run.committed / run.seconds:.0f} edits/s "
        f"({run.committed / run.seconds / writers:.1f} per writer); lost {lost}, doubled {extra}, "
        f"errors {len(run.errors)} {'OK' if ok else 'FAILED'}"
    )
    for error in run.errors[:3]:
        print(f"  {error.strip().splitlines()[-1]}")
    return ok


def bench_agreement(cluster: PgCluster, folder: Path, repeat: int) -> bool:
    codebook = load_codebook(seeds_dir() / "codebook.json")
    shape = (40, 50, 100)
    with (
        Project.create(cluster.create_database("agreement"), codebook=codebook) as server,
        Project.create(folder / "agreement.claimdesk", codebook=codebook) as local,
    ):
        fill_agreement(server, *shape)
        fill_agreement(local, *shape)
        on_server: list[float] = []
        on_file: list[float] = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            compute_report(local)
            on_file.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            compute_report(server)
            on_server.append(time.perf_counter() - t0)
    s, f = statistics.median(on_server), statistics.median(on_file)
    ok = s < AGREEMENT_TARGET_S
    print(
        f"agreement for {shape[0]} annotators × {shape[1]} documents × {shape[2]} spans: server "
        f"{s:.2f} s, file {f:.2f} s, ratio {s / f:.2f}x (target < {AGREEMENT_TARGET_S:g} s) "
        f"{'OK' if ok else 'TOO SLOW'}"
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--edits", type=int, default=300)
    parser.add_argument("--writers", type=int, default=40)
    parser.add_argument("--writer-edits", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--only", choices=PARTS, action="append", help="run only this part (may be repeated)"
    )
    args = parser.parse_args(argv)
    parts = args.only or list(PARTS)
    started = time.perf_counter()
    cluster = PgCluster.start()
    print(
        f"PostgreSQL cluster on 127.0.0.1:{cluster.port} (started in "
        f"{time.perf_counter() - started:.1f} s)"
    )
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            ok = True
            if "commit" in parts:
                ok &= bench_commit(cluster, folder, args.edits)
            if "writers" in parts:
                ok &= bench_writers(cluster, folder, args.writers, args.writer_edits)
            if "agreement" in parts:
                ok &= bench_agreement(cluster, folder, args.repeat)
    finally:
        cluster.stop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
