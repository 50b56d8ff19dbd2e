"""Run every benchmark in turn and print its figures (make bench)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = (
    "bench_startup.py",
    "bench_app.py",
    "bench_keystroke.py",
    "bench_document_view.py",
    "bench_relations.py",
    "bench_commit.py",
    "bench_import.py",
    "bench_classroom.py",
    "bench_export.py",
    "bench_agreement.py",
    "bench_curation.py",
    "bench_transfer.py",
    "bench_search.py",
    "bench_suggest.py",
    "bench_suggest_window.py",
    "bench_server.py",
)


def main() -> int:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    failed = []
    for name in BENCHMARKS:
        print(f"== {name}", flush=True)
        if subprocess.run([sys.executable, str(HERE / name)], env=env).returncode != 0:
            failed.append(name)
    if failed:
        print(f"missed a target or failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
