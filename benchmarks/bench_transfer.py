"""What an owner waits for when moving a project: push of a file onto a server, pull back.

Builds a project of N annotations (default 100,000 over 100 documents), pushes it into a fresh
database of a throw-away PostgreSQL cluster (tests/pgserver.py) or of --url's server, pulls it
back into a new file, and prints both times next to a baseline measured in the same run: the
same annotation rows read with raw sqlite3 and sent with psycopg's COPY (the floor for moving
them, with no checks, no types and no other table). Peak memory is the process's high-water mark.

    python -m benchmarks.bench_transfer [--annotations 100000] [--url postgresql://…/postgres]
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _new_database(admin_url: str) -> str:
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + "/" + name


def baseline(path: Path, admin_url: str) -> float:
    """Raw sqlite3 rows of the annotation table, COPYed into a bare table by psycopg."""
    import psycopg

    url = _new_database(admin_url)
    began = time.perf_counter()
    source = sqlite3.connect(path)
    with psycopg.connect(url) as conn:
        conn.execute(
            "CREATE TABLE annotation (id int PRIMARY KEY, document_id int, label_id int, "
            'annotator_id int, start int, "end" int, quote text, note text, created_at '
            "timestamp, updated_at timestamp)"
        )
        with conn.cursor().copy("COPY annotation FROM STDIN") as copy:
            for row in source.execute("SELECT * FROM annotation"):
                copy.write_row(row)
    source.close()
    return time.perf_counter() - began


def main(argv: list[str] | None = None) -> int:
    from benchmarks.bench_export import build
    from claimdesk.core.store.project import Project
    from claimdesk.core.store.transfer import describe_counts, pull, push

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", type=int, default=100_000)
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--url", help="a superuser URL of a running server (default: start one)")
    args = parser.parse_args(argv)

    cluster = None
    if args.url:
        admin_url = args.url
    else:
        from tests.pgserver import PgCluster

        cluster = PgCluster.start()
        admin_url = cluster.admin_url()
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "corpus.claimdesk"
            build(path, args.documents, args.annotations)
            print(
                f"corpus: {args.documents} documents, {args.annotations:,} annotations, "
                f"{path.stat().st_size / 1e6:.1f} MB file",
                flush=True,
            )
            floor = baseline(path, admin_url)
            url = _new_database(admin_url)
            before = _peak_mb()
            pushed = push(path, url)
            after_push = _peak_mb()
            back = Path(folder) / "pulled.claimdesk"
            pulled = pull(url, back)
            after_pull = _peak_mb()
            with Project.open(back) as project:
                assert sum(project.annotation_counts().values()) == args.annotations
            print(f"carried: {describe_counts(pushed.counts)}")
            rate = args.annotations / pushed.seconds
            print(
                f"push: {pushed.seconds:.2f} s ({rate:,.0f} annotations/s), "
                f"{pushed.seconds / floor:.1f}× the raw COPY of the annotations "
                f"({floor:.2f} s); peak memory {before:.0f} → {after_push:.0f} MB"
            )
            rate = args.annotations / pulled.seconds
            print(
                f"pull: {pulled.seconds:.2f} s ({rate:,.0f} annotations/s), "
                f"{pulled.seconds / floor:.1f}× that floor; peak memory {after_pull:.0f} MB, "
                f"file {back.stat().st_size / 1e6:.1f} MB"
            )
    finally:
        if cluster is not None:
            cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
